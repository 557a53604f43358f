/**
 * Running playbooks: for each step, the students its trigger and conditions select in the
 * latest figures and who have not had this step at this threshold this school year; then, per
 * student and in one transaction, the firing (its key makes it once only) and its action — the
 * message to the family through the outbox, or a task for staff. A dry run selects the same
 * students and writes nothing, so a district sees what would happen before turning it on.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { TIERS } from '../attendance/definition-profiles.ts';
import { messageFamily } from '../messaging/messaging.service.ts';
import { addDays } from '../platform/dates.ts';
import type { DB } from '../platform/db/types.ts';
import { AppError } from '../platform/errors.ts';
import type { JobSender } from '../platform/jobs/job.ts';
import { districtToday } from '../roster/district.repository.ts';
import type { StaffPrincipal } from '../staff/staff-principal.ts';
import {
  CONNECTICUT_PLAYBOOK,
  DEFAULT_PLAYBOOK,
  describeTrigger,
  OHIO_PLAYBOOK,
  type PlaybookSpec,
  parsePlaybook,
  type StepSpec,
  thresholdOf,
} from './playbook.ts';

export const DEFAULT_PLAYBOOK_KEY = 'default';

/** The built-in playbooks every district has (off until turned on). */
const BUILT_IN: readonly (readonly [string, PlaybookSpec])[] = [
  [DEFAULT_PLAYBOOK_KEY, DEFAULT_PLAYBOOK],
  ['ohio', OHIO_PLAYBOOK],
  ['connecticut', CONNECTICUT_PLAYBOOK],
];

export interface StoredPlaybook {
  readonly key: string;
  readonly version: number;
  readonly enabled: boolean;
  readonly definition: PlaybookSpec;
}

interface Candidate {
  student_id: string;
  school_year_id: string;
  school_id: string;
  school_name: string;
  name: string;
}

/** Homeroom acting on a district's behalf (messages are signed by "the attendance team"). */
export function systemPrincipal(districtId: string): StaffPrincipal {
  return {
    districtId,
    userId: '00000000-0000-0000-0000-000000000000',
    displayName: 'The attendance team',
    roles: ['district_admin'],
    grants: [{ role: 'district_admin', scope: 'district', schoolId: null }],
  };
}

/** The district's playbooks, with the built-in ones added (off) the first time. */
export async function listPlaybooks(db: Kysely<DB>, districtId: string): Promise<StoredPlaybook[]> {
  for (const [key, definition] of BUILT_IN) {
    await sql`
      INSERT INTO playbooks (district_id, playbook_key, definition)
      VALUES (${districtId}, ${key}, ${JSON.stringify(definition)})
      ON CONFLICT DO NOTHING`.execute(db);
  }
  const { rows } = await sql<{
    playbook_key: string;
    version: number;
    enabled: boolean;
    definition: PlaybookSpec;
  }>`
    SELECT playbook_key, version, enabled, definition FROM playbooks WHERE district_id = ${districtId}
    ORDER BY playbook_key`.execute(db);
  return rows.map((row) => ({
    key: row.playbook_key,
    version: row.version,
    enabled: row.enabled,
    definition: row.definition,
  }));
}

export async function getPlaybook(db: Kysely<DB>, districtId: string, key: string): Promise<StoredPlaybook> {
  const found = (await listPlaybooks(db, districtId)).find((playbook) => playbook.key === key);
  if (!found) throw new AppError('NOT_FOUND', { message: `No playbook "${key}".` });
  return found;
}

/** Saves a playbook (validated; a changed definition is a new version) and whether it is on. */
export async function savePlaybook(
  db: Kysely<DB>,
  principal: StaffPrincipal,
  key: string,
  change: { readonly definition?: unknown; readonly enabled?: boolean },
): Promise<StoredPlaybook> {
  const definition = change.definition === undefined ? undefined : parsePlaybook(change.definition);
  await listPlaybooks(db, principal.districtId);
  await sql`
    INSERT INTO playbooks (district_id, playbook_key, definition, enabled, updated_by)
    VALUES (${principal.districtId}, ${key}, ${JSON.stringify(definition ?? DEFAULT_PLAYBOOK)}, ${change.enabled ?? false}, ${principal.userId})
    ON CONFLICT (district_id, playbook_key) DO UPDATE SET
      definition = CASE WHEN ${definition !== undefined} THEN excluded.definition ELSE playbooks.definition END,
      version = playbooks.version + CASE WHEN ${definition !== undefined} AND excluded.definition <> playbooks.definition THEN 1 ELSE 0 END,
      enabled = CASE WHEN ${change.enabled !== undefined} THEN excluded.enabled ELSE playbooks.enabled END,
      updated_by = excluded.updated_by, updated_at = now()`.execute(db);
  await sql`
    INSERT INTO audit_log (district_id, actor_type, actor_id, actor_role, action, target_type, target_id, outcome, detail)
    VALUES (${principal.districtId}, 'staff', ${principal.userId}, ${principal.roles[0] ?? null}, 'playbook.save', 'playbook', ${key},
      'allowed', ${JSON.stringify({ enabled: change.enabled ?? null, definitionChanged: definition !== undefined })})`.execute(
    db,
  );
  return getPlaybook(db, principal.districtId, key);
}

function triggerCondition(step: StepSpec, today: string): RawBuilder<unknown> {
  const trigger = step.trigger;
  switch (trigger.kind) {
    case 'cumulative_absences':
      return sql`t.absent_milli >= ${trigger.atLeast * 1000}`;
    case 'tier': {
      const rank = (column: RawBuilder<unknown>) =>
        sql`CASE ${column} ${sql.join(
          TIERS.map((tier, index) => sql`WHEN ${tier} THEN ${index}`),
          sql` `,
        )} END`;
      return sql`${rank(sql`t.tier`)} >= ${TIERS.indexOf(trigger.atLeast)}`;
    }
    case 'on_track_to_be_chronic':
      return sql`t.on_track AND t.chronic IS NOT TRUE`;
    case 'early_signal':
      return sql`t.early_signal_month IS NOT NULL`;
    case 'improving':
      return sql`t.trend = 'improving'`;
    case 'absent_today':
      return sql`EXISTS (SELECT 1 FROM attendance_events e WHERE e.district_id = t.district_id AND e.student_id = t.student_id
        AND e.date = ${today}::date AND e.category = 'unexcused_absence')`;
    case 'statutory':
      return {
        ohio_notice: sql`t.oh_notice_due IS TRUE`,
        ohio_habitual_truant: sql`t.oh_habitual_truant IS TRUE`,
        connecticut_truant: sql`t.ct_truant IS TRUE`,
      }[trigger.rule];
    case 'no_reply':
      // A message sent N to N+14 days ago, and no reply from any of the student's guardians since.
      return sql`EXISTS (SELECT 1 FROM messages m WHERE m.district_id = t.district_id AND m.student_id = t.student_id
        AND m.category <> 'reply' AND m.status IN ('accepted', 'sent', 'delivered')
        AND m.created_at <= now() - make_interval(days => ${trigger.days})
        AND m.created_at > now() - make_interval(days => ${trigger.days + 14})
        AND NOT EXISTS (SELECT 1 FROM inbound_messages i JOIN student_contacts sc ON sc.district_id = i.district_id
          AND sc.contact_id = i.contact_id AND sc.student_id = t.student_id
          WHERE i.district_id = t.district_id AND i.received_at > m.created_at))`;
  }
}

/** The students a step would act on now (its trigger and conditions, and not fired yet this year). */
async function candidates(
  db: Kysely<DB>,
  districtId: string,
  playbookKey: string,
  step: StepSpec,
  today: string,
): Promise<Candidate[]> {
  const grades = step.conditions?.grades;
  const schools = step.conditions?.schoolIds;
  const { rows } = await sql<Candidate>`
    SELECT t.student_id, t.school_year_id, t.school_id, sc.name AS school_name,
      coalesce(s.preferred_name, s.first_name) || ' ' || s.last_name AS name
    FROM student_attendance t
    JOIN students s ON s.district_id = t.district_id AND s.student_id = t.student_id
    JOIN schools sc ON sc.district_id = t.district_id AND sc.school_id = t.school_id
    WHERE t.district_id = ${districtId}
      AND t.as_of = (SELECT max(as_of) FROM student_attendance WHERE district_id = ${districtId})
      AND ${triggerCondition(step, today)}
      ${grades ? sql`AND t.grade_level IN (${sql.join(grades)})` : sql``}
      ${schools ? sql`AND t.school_id IN (${sql.join(schools)})` : sql``}
      AND NOT EXISTS (SELECT 1 FROM playbook_firings f WHERE f.district_id = t.district_id
        AND f.school_year_id = t.school_year_id AND f.student_id = t.student_id AND f.playbook_key = ${playbookKey}
        AND f.step_id = ${step.id} AND f.threshold = ${thresholdOf(step.trigger, today)})
    ORDER BY sc.name, s.last_name, s.first_name, t.student_id`.execute(db);
  return rows;
}

/**
 * The date `n` school days after `today` in the student's calendar (the span enrolled today, or
 * the latest); calendar days when the calendar does not reach that far.
 */
async function schoolDaysAfter(
  db: Kysely<DB>,
  districtId: string,
  studentId: string,
  today: string,
  n: number,
): Promise<string> {
  if (n === 0) return today;
  const { rows } = await sql<{ date: string }>`
    SELECT cd.date::text AS date FROM calendar_days cd
    WHERE cd.district_id = ${districtId} AND cd.day_type IN ('instructional', 'makeup') AND cd.date > ${today}::date
      AND cd.calendar_id = (SELECT es.calendar_id FROM enrolment_spans es WHERE es.district_id = ${districtId}
        AND es.student_id = ${studentId} ORDER BY (es.entry_date <= ${today}::date AND (es.end_date_exclusive IS NULL
          OR es.end_date_exclusive > ${today}::date)) DESC, es.entry_date DESC LIMIT 1)
    ORDER BY cd.date OFFSET ${n - 1} LIMIT 1`.execute(db);
  return rows[0]?.date ?? addDays(today, n);
}

export interface StepPlan {
  readonly stepId: string;
  readonly description: string;
  readonly students: number;
  readonly bySchool: readonly { readonly school: string; readonly students: number }[];
  readonly examples: readonly { readonly studentId: string; readonly name: string; readonly why: string }[];
}

/** What a playbook would do today, per step and school, with examples; writes nothing. */
export async function dryRun(
  db: Kysely<DB>,
  districtId: string,
  key: string,
  now: Date = new Date(),
): Promise<{ playbook: StoredPlaybook; steps: StepPlan[] }> {
  const playbook = await getPlaybook(db, districtId, key);
  const today = await districtToday(db, districtId, now);
  const steps: StepPlan[] = [];
  for (const step of playbook.definition.steps) {
    const found = await candidates(db, districtId, key, step, today);
    const bySchool = new Map<string, number>();
    for (const candidate of found)
      bySchool.set(candidate.school_name, (bySchool.get(candidate.school_name) ?? 0) + 1);
    steps.push({
      stepId: step.id,
      description: step.description,
      students: found.length,
      bySchool: [...bySchool].map(([school, students]) => ({ school, students })),
      examples: found.slice(0, 5).map((candidate) => ({
        studentId: candidate.student_id,
        name: candidate.name,
        why: `${candidate.name} ${describeTrigger(step.trigger)}.`,
      })),
    });
  }
  return { playbook, steps };
}

export interface RunSummary {
  readonly stepId: string;
  readonly fired: number;
  readonly messages: number;
  readonly tasks: number;
}

/** Runs a playbook now: each step once per student and threshold this year. */
export async function runPlaybook(
  dependencies: { readonly db: Kysely<DB>; readonly queue: JobSender },
  districtId: string,
  key: string,
  now: Date = new Date(),
): Promise<RunSummary[]> {
  const { db, queue } = dependencies;
  const playbook = await getPlaybook(db, districtId, key);
  const today = await districtToday(db, districtId, now);
  const principal = systemPrincipal(districtId);
  const summary: RunSummary[] = [];
  for (const step of playbook.definition.steps) {
    let fired = 0;
    let messages = 0;
    let tasks = 0;
    for (const candidate of await candidates(db, districtId, key, step, today)) {
      const why = `${candidate.name} ${describeTrigger(step.trigger)} (playbook "${playbook.definition.name}", step "${step.id}").`;
      await db.transaction().execute(async (trx) => {
        const inserted = await sql`
          INSERT INTO playbook_firings (district_id, school_year_id, student_id, playbook_key, step_id, threshold, playbook_version, why)
          VALUES (${districtId}, ${candidate.school_year_id}, ${candidate.student_id}, ${key}, ${step.id},
            ${thresholdOf(step.trigger, today)}, ${playbook.version}, ${why})
          ON CONFLICT DO NOTHING`.execute(trx);
        if (Number(inserted.numAffectedRows ?? 0) === 0) return; // another run got there first
        fired += 1;
        let outcome: Record<string, unknown>;
        if (step.action.kind === 'message') {
          const result = await messageFamily(
            { db, queue },
            principal,
            candidate.student_id,
            {
              content: { template: step.action.template },
              category: step.action.category ?? 'general',
              idempotencyKey: `playbook:${key}:${step.id}:${thresholdOf(step.trigger, today)}:${candidate.school_year_id}:${candidate.student_id}`,
            },
            now,
            { trx, system: true },
          );
          messages += result.messages.length;
          outcome = { messages: result.messages.length, unreachable: result.unreachable };
        } else {
          const due = step.action.schoolDays
            ? await schoolDaysAfter(trx, districtId, candidate.student_id, today, step.action.dueInDays)
            : addDays(today, step.action.dueInDays);
          await sql`
            INSERT INTO tasks (district_id, student_id, school_id, title, assignee_role, due_date, why, source)
            VALUES (${districtId}, ${candidate.student_id}, ${candidate.school_id}, ${step.action.title}, ${step.action.assigneeRole},
              ${due}, ${why}, ${`playbook:${key}:${step.id}`})`.execute(trx);
          tasks += 1;
          outcome = { task: step.action.title };
        }
        await sql`
          UPDATE playbook_firings SET outcome = ${JSON.stringify(outcome)}
          WHERE district_id = ${districtId} AND school_year_id = ${candidate.school_year_id} AND student_id = ${candidate.student_id}
            AND playbook_key = ${key} AND step_id = ${step.id} AND threshold = ${thresholdOf(step.trigger, today)}`.execute(
          trx,
        );
      });
    }
    summary.push({ stepId: step.id, fired, messages, tasks });
  }
  return summary;
}

/** Runs every playbook a district has turned on (after its figures change). */
export async function runEnabledPlaybooks(
  dependencies: { readonly db: Kysely<DB>; readonly queue: JobSender },
  districtId: string,
): Promise<RunSummary[]> {
  const { rows } = await sql<{ playbook_key: string }>`
    SELECT playbook_key FROM playbooks WHERE district_id = ${districtId} AND enabled ORDER BY playbook_key`.execute(
    dependencies.db,
  );
  const all: RunSummary[] = [];
  for (const row of rows) all.push(...(await runPlaybook(dependencies, districtId, row.playbook_key)));
  return all;
}
