/**
 * Playbooks as data: steps, each a trigger (what about a student starts it), optional
 * conditions (which students), and an action (a message to the family, or a task for staff).
 * A step fires at most once per student and threshold in a school year. The built-in default
 * follows the evidence in DOMAIN.md §6: a warm check-in the same day; the real number with the
 * projection at the early signal; a teacher's call at "at risk"; a conference at chronic;
 * intensified outreach only for families who did not reply; improvement celebrated, never
 * perfect attendance.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { TIERS } from '../attendance/definition-profiles.ts';
import { SENDABLE_TEMPLATE_KEYS } from '../messaging/content/templates.ts';
import { AppError } from '../platform/errors.ts';
import { UuidString } from '../platform/jobs/job.ts';

const literals = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((value) => Type.Literal(value)));

export const Trigger = Type.Union([
  Type.Object({
    kind: Type.Literal('cumulative_absences'),
    atLeast: Type.Integer({ minimum: 1, maximum: 180 }),
  }),
  Type.Object({ kind: Type.Literal('tier'), atLeast: literals(TIERS) }),
  Type.Object({ kind: Type.Literal('on_track_to_be_chronic') }),
  Type.Object({ kind: Type.Literal('early_signal') }),
  Type.Object({ kind: Type.Literal('improving') }),
  Type.Object({ kind: Type.Literal('absent_today') }),
  Type.Object({ kind: Type.Literal('no_reply'), days: Type.Integer({ minimum: 1, maximum: 30 }) }),
  Type.Object({
    kind: Type.Literal('statutory'),
    rule: literals(['ohio_notice', 'ohio_habitual_truant', 'connecticut_truant'] as const),
  }),
]);

export const Action = Type.Union([
  Type.Object({
    kind: Type.Literal('message'),
    template: literals(SENDABLE_TEMPLATE_KEYS),
    category: Type.Optional(literals(['attendance_alert', 'general'] as const)),
  }),
  Type.Object({
    kind: Type.Literal('task'),
    title: Type.String({ minLength: 3, maxLength: 200 }),
    assigneeRole: literals(['school_admin', 'attendance_champion', 'counselor', 'teacher'] as const),
    dueInDays: Type.Integer({ minimum: 0, maximum: 60 }),
    /** Count `dueInDays` in school days of the student's calendar rather than calendar days. */
    schoolDays: Type.Optional(Type.Boolean()),
  }),
]);

export const Step = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' }),
    description: Type.String({ minLength: 3, maxLength: 300 }),
    trigger: Trigger,
    conditions: Type.Optional(
      Type.Object(
        {
          grades: Type.Optional(
            Type.Array(Type.String({ pattern: '^(PK|KG|0[1-9]|1[0-2])$' }), { minItems: 1 }),
          ),
          schoolIds: Type.Optional(Type.Array(UuidString, { minItems: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
    action: Action,
  },
  { additionalProperties: false },
);

export const PlaybookDefinition = Type.Object(
  {
    name: Type.String({ minLength: 3, maxLength: 120 }),
    steps: Type.Array(Step, { minItems: 1, maxItems: 50 }),
  },
  { additionalProperties: false },
);

export type TriggerSpec = Static<typeof Trigger>;
export type StepSpec = Static<typeof Step>;
export type PlaybookSpec = Static<typeof PlaybookDefinition>;

/** Validates a playbook, naming every problem (INVALID_INPUT), and checks step ids are unique. */
export function parsePlaybook(value: unknown): PlaybookSpec {
  if (!Value.Check(PlaybookDefinition, value)) {
    const problems = [...Value.Errors(PlaybookDefinition, value)]
      .slice(0, 10)
      .map((error) => `${error.path || '/'} ${error.message}`);
    throw new AppError('INVALID_INPUT', { message: `The playbook is not valid: ${problems.join('; ')}.` });
  }
  const ids = value.steps.map((step) => step.id);
  const repeated = ids.filter((id, index) => ids.indexOf(id) !== index);
  if (repeated.length > 0) {
    throw new AppError('INVALID_INPUT', {
      message: `Step ids must be unique; repeated: ${[...new Set(repeated)].join(', ')}.`,
    });
  }
  return value;
}

/**
 * The threshold a trigger fires at: with the step, the once-per-year key. An absence today
 * fires once per day (its date is the threshold).
 */
export function thresholdOf(trigger: TriggerSpec, today: string): string {
  switch (trigger.kind) {
    case 'cumulative_absences':
      return `absences>=${trigger.atLeast}`;
    case 'tier':
      return `tier>=${trigger.atLeast}`;
    case 'absent_today':
      return `absent:${today}`;
    case 'no_reply':
      return `no_reply>=${trigger.days}`;
    case 'statutory':
      return `statutory:${trigger.rule}`;
    default:
      return trigger.kind;
  }
}

/** Why a trigger fired, in words staff read on the student's timeline. */
export function describeTrigger(trigger: TriggerSpec): string {
  switch (trigger.kind) {
    case 'cumulative_absences':
      return `reached ${trigger.atLeast} ${trigger.atLeast === 1 ? 'absence' : 'absences'} this year`;
    case 'tier':
      return `fell into the ${trigger.atLeast.replaceAll('_', ' ')} tier or worse`;
    case 'on_track_to_be_chronic':
      return 'is on track to be chronically absent by the end of the year at the current pace';
    case 'early_signal':
      return 'raised the early signal (2 absences by the end of the first month, 4 by the second, ...)';
    case 'improving':
      return 'is attending more over the last 20 school days';
    case 'absent_today':
      return 'is absent today without a reason the school knows of';
    case 'no_reply':
      return `has a family who has not replied ${trigger.days} days after a message`;
    case 'statutory':
      return STATUTORY_TEXT[trigger.rule];
  }
}

const STATUTORY_TEXT = {
  ohio_notice: "reached the board's notice threshold of unexcused hours (Ohio)",
  ohio_habitual_truant:
    'is habitually truant under Ohio law (30 consecutive, 42 in a month or 72 in a year unexcused hours)',
  connecticut_truant: 'is truant under Connecticut law (4 unexcused absences in a month or 10 in a year)',
} as const;

/** The built-in, evidence-based default (off until a district turns it on). */
export const DEFAULT_PLAYBOOK: PlaybookSpec = {
  name: 'Evidence-based default',
  steps: [
    {
      id: 'same-day-check-in',
      description: 'A warm check-in the same day a student is absent without a known reason.',
      trigger: { kind: 'absent_today' },
      action: { kind: 'message', template: 'same_day_check_in', category: 'attendance_alert' },
    },
    {
      id: 'early-signal-real-number',
      description: 'Share the real number and the projection with the family at the early signal.',
      trigger: { kind: 'early_signal' },
      action: { kind: 'message', template: 'real_number', category: 'general' },
    },
    {
      id: 'on-track-real-number',
      description: 'A student on track to be chronically absent: the real number, before it is too late.',
      trigger: { kind: 'on_track_to_be_chronic' },
      action: { kind: 'message', template: 'real_number', category: 'general' },
    },
    {
      id: 'at-risk-teacher-call',
      description:
        'At risk: the teacher calls the family to ask how it is going and how the school can help.',
      trigger: { kind: 'tier', atLeast: 'at_risk' },
      action: {
        kind: 'task',
        title: 'Call the family: how is it going, and how can we help?',
        assigneeRole: 'teacher',
        dueInDays: 3,
      },
    },
    {
      id: 'chronic-conference',
      description: 'Chronically absent: offer a conference and make a success plan together.',
      trigger: { kind: 'tier', atLeast: 'moderate_chronic' },
      action: {
        kind: 'task',
        title: 'Offer a conference and make a success plan with the family',
        assigneeRole: 'counselor',
        dueInDays: 5,
      },
    },
    {
      id: 'no-reply-intensify',
      description: 'Intensified outreach only for families who did not reply: reach them another way.',
      trigger: { kind: 'no_reply', days: 5 },
      action: {
        kind: 'task',
        title: 'The family has not replied: try another way (a call at another time, a home visit)',
        assigneeRole: 'counselor',
        dueInDays: 3,
      },
    },
    {
      id: 'celebrate-improvement',
      description: 'Celebrate improvement (never perfect attendance).',
      trigger: { kind: 'improving' },
      action: { kind: 'message', template: 'improvement_celebration', category: 'general' },
    },
  ],
};

/**
 * Ohio (ORC 3321.191, as issue 6 lists it): the plain-language notice at the board's threshold,
 * and for a habitually truant student the absence-intervention-team timeline as tasks. Filing
 * with the court is never automatic: it is a staff decision with a checklist, after the plan.
 */
export const OHIO_PLAYBOOK: PlaybookSpec = {
  name: 'Ohio',
  steps: [
    {
      id: 'notice',
      description:
        "Send the plain-language notice when the board's threshold is reached, with an offer to meet.",
      trigger: { kind: 'statutory', rule: 'ohio_notice' },
      action: {
        kind: 'task',
        title: 'Send the family the plain-language notice and offer a meeting',
        assigneeRole: 'attendance_champion',
        dueInDays: 2,
        schoolDays: true,
      },
    },
    {
      id: 'ait-attempts',
      description:
        "Habitually truant: at least three meaningful attempts to secure the parent's participation.",
      trigger: { kind: 'statutory', rule: 'ohio_habitual_truant' },
      action: {
        kind: 'task',
        title: "Make at least three meaningful attempts to secure the parent's participation",
        assigneeRole: 'attendance_champion',
        dueInDays: 7,
        schoolDays: true,
      },
    },
    {
      id: 'ait-assign',
      description: 'Habitually truant: assign the student to the absence intervention team.',
      trigger: { kind: 'statutory', rule: 'ohio_habitual_truant' },
      action: {
        kind: 'task',
        title: 'Assign the student to the absence intervention team',
        assigneeRole: 'school_admin',
        dueInDays: 10,
      },
    },
    {
      id: 'ait-plan',
      description: 'Habitually truant: the team develops the absence intervention plan with the family.',
      trigger: { kind: 'statutory', rule: 'ohio_habitual_truant' },
      action: {
        kind: 'task',
        title: 'Develop the absence intervention plan with the family',
        assigneeRole: 'counselor',
        dueInDays: 14,
        schoolDays: true,
      },
    },
    {
      id: 'ait-notify',
      description: 'Habitually truant: give the parent written notice of the plan within 7 days of it.',
      trigger: { kind: 'statutory', rule: 'ohio_habitual_truant' },
      action: {
        kind: 'task',
        title: 'Give the parent written notice of the plan (within 7 days of developing it)',
        assigneeRole: 'counselor',
        dueInDays: 21,
        schoolDays: true,
      },
    },
    {
      id: 'court-checklist',
      description:
        'Court filing only as a staff decision, with the checklist, if the student does not progress on the plan.',
      trigger: { kind: 'statutory', rule: 'ohio_habitual_truant' },
      action: {
        kind: 'task',
        title:
          'If the student has not progressed on the plan after 61 days: review the checklist before any court filing (a staff decision)',
        assigneeRole: 'school_admin',
        dueInDays: 61,
      },
    },
  ],
};

/** Connecticut (C.G.S. 10-198a): a meeting with the parent within 10 school days of truancy. */
export const CONNECTICUT_PLAYBOOK: PlaybookSpec = {
  name: 'Connecticut',
  steps: [
    {
      id: 'parent-meeting',
      description: 'Truant (4 unexcused in a month or 10 in a year): meet the parent within 10 school days.',
      trigger: { kind: 'statutory', rule: 'connecticut_truant' },
      action: {
        kind: 'task',
        title: 'Hold a meeting with the parent and the student to review and evaluate the reasons',
        assigneeRole: 'school_admin',
        dueInDays: 10,
        schoolDays: true,
      },
    },
  ],
};
