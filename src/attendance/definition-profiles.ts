/**
 * Definition profiles: what "chronically absent" means for a district, as data (DOMAIN.md
 * §4.4). A district picks one, and may copy and edit it. The reference model
 * (attendance-model.ts) reads nothing else to decide who is chronic and who is eligible.
 */

export interface DailyStatusRules {
  /**
   * A day with a partial absence counts as a whole absent day when the share of the day
   * missed reaches this (0.5: the CRDC and most states; 1: only whole days count).
   */
  readonly halfDayThreshold: number;
  /** 'threshold': a partial day is 0 or 1 by halfDayThreshold. 'sum': fractions add up. */
  readonly partialDays: 'threshold' | 'sum';
  /**
   * How a day with only period (section) attendance becomes a daily status: the homeroom
   * period's status, absent when absent from any section, or absent only when absent from
   * every section the student had that day.
   */
  readonly fromPeriods: 'homeroom' | 'any_section' | 'all_sections';
  /** In-school suspension is attendance in California's formula and most states'. */
  readonly inSchoolSuspension: 'present' | 'absent';
  /** Whether the minutes of tardies and early departures add to the time missed (Ohio: yes). */
  readonly tardyMinutesCount: boolean;
}

/**
 * Statutory truancy thresholds, as data (DOMAIN.md §4.5). Each is optional; a district's
 * profile carries the ones its state's law sets.
 */
export interface StatutoryRules {
  /** Ohio ORC 3321.191 habitual truancy, in hours of unexcused absence. */
  readonly ohio: {
    readonly consecutiveHours: number;
    readonly monthHours: number;
    readonly yearHours: number;
    /** The board's notice threshold, in hours; not above 5% of the minimum hours. */
    readonly noticeHours: number;
  } | null;
  /** Connecticut CGS 10-198a: truant at 4 unexcused in a month or 10 in a year; habitual at 20. */
  readonly connecticut: {
    readonly truantMonth: number;
    readonly truantYear: number;
    readonly habitualYear: number;
  } | null;
}

export interface DefinitionProfile {
  readonly key: string;
  readonly name: string;
  readonly source: string;
  /** Chronic when absences / days enrolled reaches this (compared unrounded; 0.1 means 10.0% is chronic). */
  readonly rateThreshold: number | null;
  /** Chronic when days absent reaches this count (CRDC: 15), whatever the days enrolled. */
  readonly countThreshold: number | null;
  /**
   * 'days': the thresholds apply to days absent. 'hours' (Ohio): chronic when the time
   * missed reaches rateThreshold of the minimum hours of the student's grade.
   */
  readonly measure: 'days' | 'hours';
  /** Minimum instructional hours a year by grade, for the 'hours' measure. */
  readonly minimumHours: Readonly<Record<string, number>> | null;
  readonly statutory: StatutoryRules;
  /** Which absences count. Out-of-school suspension counts in every federal definition. */
  readonly counts: {
    readonly excused: boolean;
    readonly unexcused: boolean;
    readonly outOfSchoolSuspension: boolean;
  };
  /** Eligibility: students outside it have a rate but no chronic flag. */
  readonly eligibility: {
    readonly minDaysEnrolled: number;
    readonly minDaysAttended: number;
    readonly grades: readonly string[] | null;
  };
  readonly daily: DailyStatusRules;
}

const STANDARD_DAILY: DailyStatusRules = {
  halfDayThreshold: 0.5,
  partialDays: 'threshold',
  fromPeriods: 'homeroom',
  inSchoolSuspension: 'present',
  tardyMinutesCount: false,
};
const NO_STATUTE: StatutoryRules = { ohio: null, connecticut: null };
const DAYS = { measure: 'days', minimumHours: null, statutory: NO_STATUTE } as const;

const ELEMENTARY = ['KG', '01', '02', '03', '04', '05', '06'];
const SECONDARY = ['07', '08', '09', '10', '11', '12'];
/** ORC 3313.48: 910 hours for kindergarten to grade 6, 1,001 hours for grades 7 to 12 (half-day K: 455). */
const OHIO_MINIMUM_HOURS: Record<string, number> = Object.fromEntries([
  ...ELEMENTARY.map((grade) => [grade, 910] as const),
  ...SECONDARY.map((grade) => [grade, 1001] as const),
]);
const ALL_ABSENCES = { excused: true, unexcused: true, outOfSchoolSuspension: true } as const;
const ANY_STUDENT = { minDaysEnrolled: 1, minDaysAttended: 0, grades: null } as const;

export const DEFINITION_PROFILES: Readonly<Record<string, DefinitionProfile>> = {
  federal: {
    key: 'federal',
    name: 'Federal (EDFacts FS195) / Attendance Works',
    source: 'Missing 10% or more of the days enrolled, for any reason, per school where enrolled.',
    rateThreshold: 0.1,
    countThreshold: null,
    ...DAYS,
    counts: ALL_ABSENCES,
    eligibility: ANY_STUDENT,
    daily: STANDARD_DAILY,
  },
  crdc: {
    key: 'crdc',
    name: 'Civil Rights Data Collection',
    source: '15 or more school days absent; a day is missed when half or more of it is missed.',
    rateThreshold: null,
    countThreshold: 15,
    ...DAYS,
    counts: ALL_ABSENCES,
    eligibility: ANY_STUDENT,
    daily: STANDARD_DAILY,
  },
  california_dataquest: {
    key: 'california_dataquest',
    name: 'California DataQuest',
    source: '10% or more of expected days, for students with more than 30 days of expected attendance.',
    rateThreshold: 0.1,
    countThreshold: null,
    ...DAYS,
    counts: ALL_ABSENCES,
    eligibility: { minDaysEnrolled: 31, minDaysAttended: 0, grades: null },
    daily: STANDARD_DAILY,
  },
  california_dashboard: {
    key: 'california_dashboard',
    name: 'California School Dashboard',
    source: 'Grades K-8, enrolled 31 days or more and attended at least one day; 10% or more.',
    rateThreshold: 0.1,
    countThreshold: null,
    ...DAYS,
    counts: ALL_ABSENCES,
    eligibility: {
      minDaysEnrolled: 31,
      minDaysAttended: 1,
      grades: ['KG', '01', '02', '03', '04', '05', '06', '07', '08'],
    },
    daily: STANDARD_DAILY,
  },
  connecticut: {
    key: 'connecticut',
    name: 'Connecticut',
    source:
      '10% or more of days enrolled, at any point in the year; excused, unexcused and disciplinary. ' +
      'Truant at 4 unexcused absences in a month or 10 in a year; habitual truant at 20 (CGS 10-198a).',
    rateThreshold: 0.1,
    countThreshold: null,
    measure: 'days',
    minimumHours: null,
    statutory: { ohio: null, connecticut: { truantMonth: 4, truantYear: 10, habitualYear: 20 } },
    counts: ALL_ABSENCES,
    eligibility: ANY_STUDENT,
    daily: STANDARD_DAILY,
  },
  ohio: {
    key: 'ohio',
    name: 'Ohio (hours)',
    source:
      'Missing 10% or more of the minimum hours (910 for K-6, 1,001 for 7-12), counting tardies and early departures; ' +
      'habitual truancy at 30 consecutive, 42 in a month or 72 in a year of unexcused hours (ORC 3321.191, HB 96).',
    rateThreshold: 0.1,
    countThreshold: null,
    measure: 'hours',
    minimumHours: OHIO_MINIMUM_HOURS,
    statutory: {
      ohio: { consecutiveHours: 30, monthHours: 42, yearHours: 72, noticeHours: 45 },
      connecticut: null,
    },
    counts: ALL_ABSENCES,
    eligibility: { minDaysEnrolled: 1, minDaysAttended: 0, grades: [...ELEMENTARY, ...SECONDARY] },
    daily: { ...STANDARD_DAILY, tardyMinutesCount: true },
  },
  minimum_days: {
    key: 'minimum_days',
    name: 'Minimum-days variant',
    source: '10% or more of days enrolled, flagged only after 20 enrolled days.',
    rateThreshold: 0.1,
    countThreshold: null,
    ...DAYS,
    counts: ALL_ABSENCES,
    eligibility: { minDaysEnrolled: 20, minDaysAttended: 0, grades: null },
    daily: STANDARD_DAILY,
  },
};

/** Attendance Works tiers (also California's and New York's bands). */
export type Tier = 'satisfactory' | 'at_risk' | 'moderate_chronic' | 'severe_chronic';

/**
 * The tier of missed / expected (in the same integer unit: thousandths of a day, or
 * minutes), compared exactly: 1 missed of 20 is at risk, 2 of 20 moderate, 4 of 20 severe.
 */
export function tierOf(missed: number, expected: number): Tier {
  if (missed * 5 >= expected && expected > 0) return 'severe_chronic';
  if (missed * 10 >= expected && expected > 0) return 'moderate_chronic';
  if (missed * 20 >= expected && expected > 0) return 'at_risk';
  return 'satisfactory';
}

export const TIERS: readonly Tier[] = ['satisfactory', 'at_risk', 'moderate_chronic', 'severe_chronic'];
