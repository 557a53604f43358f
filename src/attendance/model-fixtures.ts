/**
 * Test fixtures for the reference model: a calendar of weekdays from Monday 7 September
 * 2026 (360 minutes each, no holidays), and builders for events and a student at school A.
 */
import type { ModelCalendar, ModelEvent, ModelStudent } from './attendance-model.ts';

/** n consecutive weekdays from `from` (a Monday 7 September 2026 by default), `minutes` each. */
export function weekdays(n: number, from = '2026-09-07', minutes = 360): ModelCalendar['days'] {
  const days: { date: string; instructionalMinutes: number }[] = [];
  const d = new Date(`${from}T00:00:00Z`);
  while (days.length < n) {
    const weekday = d.getUTCDay();
    if (weekday !== 0 && weekday !== 6)
      days.push({ date: d.toISOString().slice(0, 10), instructionalMinutes: minutes });
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return days;
}

export const CAL = new Map<string, ModelCalendar>([
  ['cal-a', { days: weekdays(180), lastAttendanceDate: null }],
]);
const DAYS = weekdays(180).map((entry) => entry.date);
/** The date of school day i (0 is Monday 7 September 2026). */
export const day = (i: number) => DAYS[i] as string;

/** An unexcused whole-day absence at school A, or whatever `extra` makes it. */
export function absence(date: string, extra: Partial<ModelEvent> = {}): ModelEvent {
  return {
    date,
    schoolId: 'school-a',
    sectionId: null,
    category: 'unexcused_absence',
    minutes: null,
    dayFraction: null,
    isExcused: false,
    ...extra,
  };
}

/** A fourth-grader enrolled at school A on cal-a from the first day, with these events. */
export function student(events: ModelEvent[], extra: Partial<ModelStudent> = {}): ModelStudent {
  return {
    studentId: 'st-1',
    gradeLevel: '04',
    spans: [{ schoolId: 'school-a', calendarId: 'cal-a', entryDate: day(0), endDateExclusive: null }],
    events,
    ...extra,
  };
}
