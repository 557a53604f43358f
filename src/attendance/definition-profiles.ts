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
}

export interface DefinitionProfile {
  readonly key: string;
  readonly name: string;
  readonly source: string;
  /** Chronic when absences / days enrolled reaches this (compared unrounded; 0.1 means 10.0% is chronic). */
  readonly rateThreshold: number | null;
  /** Chronic when days absent reaches this count (CRDC: 15), whatever the days enrolled. */
  readonly countThreshold: number | null;
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
};
const ALL_ABSENCES = { excused: true, unexcused: true, outOfSchoolSuspension: true } as const;
const ANY_STUDENT = { minDaysEnrolled: 1, minDaysAttended: 0, grades: null } as const;

export const DEFINITION_PROFILES: Readonly<Record<string, DefinitionProfile>> = {
  federal: {
    key: 'federal',
    name: 'Federal (EDFacts FS195) / Attendance Works',
    source: 'Missing 10% or more of the days enrolled, for any reason, per school where enrolled.',
    rateThreshold: 0.1,
    countThreshold: null,
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
    source: '10% or more of days enrolled, at any point in the year; excused, unexcused and disciplinary.',
    rateThreshold: 0.1,
    countThreshold: null,
    counts: ALL_ABSENCES,
    eligibility: ANY_STUDENT,
    daily: STANDARD_DAILY,
  },
  minimum_days: {
    key: 'minimum_days',
    name: 'Minimum-days variant',
    source: '10% or more of days enrolled, flagged only after 20 enrolled days.',
    rateThreshold: 0.1,
    countThreshold: null,
    counts: ALL_ABSENCES,
    eligibility: { minDaysEnrolled: 20, minDaysAttended: 0, grades: null },
    daily: STANDARD_DAILY,
  },
};

/** Attendance Works tiers (also California's and New York's bands). */
export type Tier = 'satisfactory' | 'at_risk' | 'moderate_chronic' | 'severe_chronic';

export function tierOf(rate: number): Tier {
  if (rate >= 0.2) return 'severe_chronic';
  if (rate >= 0.1) return 'moderate_chronic';
  if (rate >= 0.05) return 'at_risk';
  return 'satisfactory';
}
