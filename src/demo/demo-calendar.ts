/**
 * The demo district's 2026-27 school year: first day Wednesday 19 August 2026, last day
 * Thursday 3 June 2027, with the holidays, breaks, teacher-only days, early-release days,
 * one weather closure and its make-up day that a US district's board calendar has.
 */

import { addDays } from '../platform/dates.ts';
export type DayType =
  | 'instructional'
  | 'makeup'
  | 'holiday'
  | 'teacher_only'
  | 'emergency_closure'
  | 'weather_closure'
  | 'break'
  | 'weekend'
  | 'other';

export interface DemoCalendarDay {
  readonly date: string;
  /** 0 = Sunday ... 6 = Saturday. */
  readonly weekday: number;
  readonly dayType: DayType;
  /** 1 for a full day, less for an early release; 0 when school is closed. */
  readonly share: number;
  readonly note: string | null;
}

export const DEMO_SCHOOL_YEAR = {
  name: '2026-2027',
  startDate: '2026-07-01',
  endDateExclusive: '2027-07-01',
  firstDay: '2026-08-19',
  lastDay: '2027-06-03',
  timeZone: 'America/Chicago',
} as const;

export const DEMO_SESSIONS = [
  { key: 'fall', name: 'Fall semester 2026', startDate: '2026-08-19', endDateExclusive: '2027-01-09' },
  { key: 'spring', name: 'Spring semester 2027', startDate: '2027-01-11', endDateExclusive: '2027-06-04' },
] as const;

/** The closures and special days of the year, by date (inclusive ranges). */
const SPECIAL_DAYS: readonly { from: string; to?: string; dayType: DayType; note: string; share?: number }[] =
  [
    { from: '2026-09-07', dayType: 'holiday', note: 'Labor Day' },
    { from: '2026-10-09', dayType: 'teacher_only', note: 'Professional development (no students)' },
    { from: '2026-10-12', dayType: 'holiday', note: "Indigenous Peoples' Day" },
    { from: '2026-11-03', dayType: 'teacher_only', note: 'Election Day: teacher work day' },
    { from: '2026-11-11', dayType: 'holiday', note: 'Veterans Day' },
    { from: '2026-11-24', dayType: 'instructional', note: 'Early release', share: 0.55 },
    { from: '2026-11-25', to: '2026-11-27', dayType: 'break', note: 'Thanksgiving break' },
    { from: '2026-12-18', dayType: 'instructional', note: 'Early release', share: 0.55 },
    { from: '2026-12-21', to: '2027-01-01', dayType: 'break', note: 'Winter break' },
    { from: '2027-01-08', dayType: 'teacher_only', note: 'End of semester: grading day' },
    { from: '2027-01-18', dayType: 'holiday', note: 'Martin Luther King Jr. Day' },
    { from: '2027-01-27', dayType: 'weather_closure', note: 'Ice storm: schools closed' },
    { from: '2027-02-15', dayType: 'holiday', note: "Presidents' Day" },
    { from: '2027-03-22', to: '2027-03-25', dayType: 'break', note: 'Spring break' },
    { from: '2027-03-26', dayType: 'makeup', note: 'Make-up day for the 27 January closure' },
    { from: '2027-05-31', dayType: 'holiday', note: 'Memorial Day' },
  ];

export { addDays };

/** 0 = Sunday ... 6 = Saturday. */
export function dayOfWeek(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

let cached: readonly DemoCalendarDay[] | undefined;

/** Every date from the first to the last day of school, each with its type. */
export function demoCalendarDays(): readonly DemoCalendarDay[] {
  if (cached) return cached;
  const special = new Map<string, { dayType: DayType; note: string; share?: number }>();
  for (const entry of SPECIAL_DAYS) {
    for (let date = entry.from; date <= (entry.to ?? entry.from); date = addDays(date, 1)) {
      special.set(date, entry);
    }
  }
  const days: DemoCalendarDay[] = [];
  for (
    let date: string = DEMO_SCHOOL_YEAR.firstDay;
    date <= DEMO_SCHOOL_YEAR.lastDay;
    date = addDays(date, 1)
  ) {
    const weekday = dayOfWeek(date);
    const entry = special.get(date);
    if (entry) {
      const opens = entry.dayType === 'instructional' || entry.dayType === 'makeup';
      days.push({
        date,
        weekday,
        dayType: entry.dayType,
        share: opens ? (entry.share ?? 1) : 0,
        note: entry.note,
      });
    } else if (weekday === 0 || weekday === 6) {
      days.push({ date, weekday, dayType: 'weekend', share: 0, note: null });
    } else {
      days.push({ date, weekday, dayType: 'instructional', share: 1, note: null });
    }
  }
  cached = days;
  return days;
}

let cachedSchoolDays: readonly DemoCalendarDay[] | undefined;

/** The days students attend (instructional and make-up), in order. */
export function demoSchoolDays(): readonly DemoCalendarDay[] {
  cachedSchoolDays ??= demoCalendarDays().filter((day) => day.share > 0);
  return cachedSchoolDays;
}

/** The school days on either side of a closure of more than a long weekend. */
export function demoBreakEdges(): ReadonlySet<string> {
  const days = demoSchoolDays();
  const edges = new Set<string>();
  for (let i = 0; i + 1 < days.length; i += 1) {
    const day = days[i] as DemoCalendarDay;
    const next = days[i + 1] as DemoCalendarDay;
    if (addDays(day.date, 4) < next.date) {
      edges.add(day.date);
      edges.add(next.date);
    }
  }
  return edges;
}
