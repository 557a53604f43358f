/**
 * The reference model of attendance (DOMAIN.md §4): pure TypeScript, no I/O. From a
 * student's enrolment spans, the calendars of the schools, the attendance events and a
 * definition profile, it computes days enrolled and absent (split excused, unexcused and
 * out-of-school suspension), tardies and early departures, time missed, the rate, the
 * chronic flag and tier, eligibility, the early signal, runs of absences, patterns,
 * statutory truancy thresholds and a projection to the last day of school. The SQL engine
 * (attendance-engine.ts) is tested against it; this favours being obviously right over
 * being fast.
 *
 * Exactness: day fractions have at most three decimals (numeric(4,3)), so absences are
 * counted in thousandths of a day and minutes, and compared as integers: 3 absences in 30
 * days is chronic at 10%, exactly. Only the recency-weighted pace is a floating-point
 * figure. The rules are written down in docs/attendance-engine.md.
 */
import { addDays, addMonths, isoWeekday } from '../platform/dates.ts';
import { type DefinitionProfile, type Tier, tierOf } from './definition-profiles.ts';

export { addMonths, isoWeekday };

export interface ModelCalendarDay {
  readonly date: string;
  /** More than 0 for instructional and make-up days; other days may be left out. */
  readonly instructionalMinutes: number;
}

export interface ModelCalendar {
  readonly days: readonly ModelCalendarDay[];
  /** Days enrolled are not counted beyond the last day the school submitted attendance. */
  readonly lastAttendanceDate: string | null;
}

export interface ModelSpan {
  readonly schoolId: string;
  readonly calendarId: string;
  readonly entryDate: string;
  readonly endDateExclusive: string | null;
}

export interface ModelSection {
  readonly sectionId: string;
  readonly schoolId: string;
  readonly entryDate: string;
  readonly endDateExclusive: string | null;
  readonly isHomeroom: boolean;
}

export type EventCategory =
  | 'present'
  | 'excused_absence'
  | 'unexcused_absence'
  | 'tardy'
  | 'early_departure'
  | 'partial'
  | 'in_school_suspension'
  | 'out_of_school_suspension';

export interface ModelEvent {
  readonly date: string;
  readonly schoolId: string;
  readonly sectionId: string | null;
  readonly category: EventCategory;
  readonly minutes: number | null;
  /** Share of the day, 0 to 1 with at most three decimals. */
  readonly dayFraction: number | null;
  readonly isExcused: boolean | null;
}

export interface ModelStudent {
  readonly studentId: string;
  readonly gradeLevel: string;
  readonly spans: readonly ModelSpan[];
  readonly sections?: readonly ModelSection[];
  readonly events: readonly ModelEvent[];
}

export interface AttendanceFigures {
  readonly daysEnrolled: number;
  /** Days absent that the profile counts, in thousandths of a day (exact). */
  readonly absentMilli: number;
  /** Days absent that the profile counts, in days (fractional in 'sum' mode). */
  readonly daysAbsent: number;
  readonly excused: number;
  readonly unexcused: number;
  readonly outOfSchoolSuspension: number;
  /** Days not wholly absent. */
  readonly daysAttended: number;
  readonly tardies: number;
  readonly earlyDepartures: number;
  /** Instructional minutes of the days enrolled. */
  readonly minutesScheduled: number;
  /** Minutes missed: the share of each day missed, plus tardy minutes where the rules count them. */
  readonly minutesMissed: number;
  /** Absent / expected in the profile's measure (days, or minutes for 'hours'), or 0 with nothing expected. */
  readonly rate: number;
  readonly eligible: boolean;
  /** null when the student is not eligible under the profile. */
  readonly chronic: boolean | null;
  readonly tier: Tier;
  /** The longest run of consecutive school days wholly absent, at one school. */
  readonly longestRun: number;
}

export interface SchoolFigures extends AttendanceFigures {
  readonly schoolId: string;
}

export interface Projection {
  readonly remainingDays: number;
  /** Absences (days, or minutes for 'hours') by the last day at the pace so far. */
  readonly atCurrentPace: number;
  /** The same at a pace that weighs recent days more (half-life of 20 school days). */
  readonly atRecentPace: number;
  readonly onTrackToBeChronic: boolean;
  readonly explanation: string;
}

export interface Patterns {
  /** ISO weekday (1 Monday … 7 Sunday) missed at least twice as often as other days, 3 times or more. */
  readonly dayOfWeek: number | null;
  /** Days next to a holiday or break missed at least twice as often as other days, twice or more. */
  readonly aroundBreaks: boolean;
  /** A section missed on 3 or more days the student was otherwise at school (the most missed one). */
  readonly skippedSection: { readonly sectionId: string; readonly days: number } | null;
  /** The last 20 school days against the days before: 10 points or more worse, or better. */
  readonly trend: 'worsening' | 'improving' | null;
}

export interface Statutory {
  readonly ohio: {
    readonly unexcusedMinutesYear: number;
    readonly unexcusedMinutesMaxMonth: number;
    readonly unexcusedMinutesConsecutive: number;
    readonly habitualTruant: boolean;
    readonly noticeDue: boolean;
  } | null;
  readonly connecticut: {
    readonly unexcusedDaysYear: number;
    readonly unexcusedDaysMaxMonth: number;
    readonly truant: boolean;
    readonly habitualTruant: boolean;
  } | null;
}

export interface StudentFigures {
  readonly studentId: string;
  readonly bySchool: readonly SchoolFigures[];
  readonly total: AttendanceFigures;
  /** The first school month k (1-based) by whose end the student had 2k or more absences. */
  readonly earlySignalMonth: number | null;
  readonly projection: Projection;
  readonly patterns: Patterns;
  readonly statutory: Statutory;
}

const MILLI = 1_000;
/** Runs and patterns count whole days, with a recent window of this many school days. */
export const RECENT_DAYS = 20;

type AbsenceKind = 'excused' | 'unexcused' | 'oss';
/** On a tie between two absences of one day, the graver kind names the day. */
const KIND_RANK: Readonly<Record<AbsenceKind, number>> = { excused: 1, unexcused: 2, oss: 3 };

export interface DayStatus {
  readonly date: string;
  readonly schoolId: string;
  readonly calendarId: string;
  /** The day's place among its calendar's instructional days (0 is the first). */
  readonly ordinal: number;
  /** ISO weekday, 1 Monday … 7 Sunday. */
  readonly weekday: number;
  /** The weekday before or after is a closed weekday inside the school year (a holiday or break). */
  readonly nearBreak: boolean;
  readonly dayMinutes: number;
  /** Thousandths of a day absent, as the profile counts it (0 to 1000). */
  readonly absentMilli: number;
  readonly kind: AbsenceKind | null;
  readonly minutesMissed: number;
  readonly tardy: boolean;
  readonly earlyDeparture: boolean;
  /** Sections with an absence on a day not wholly absent. */
  readonly skippedSections: readonly string[];
}

function inRange(date: string, entry: string, endExclusive: string | null): boolean {
  return date >= entry && (endExclusive === null || date < endExclusive);
}

const byDate = <T extends { readonly date: string }>(a: T, b: T) =>
  a.date < b.date ? -1 : a.date > b.date ? 1 : 0;

/** The share of the day an absence event misses, in thousandths. */
function missedMilli(event: ModelEvent, dayMinutes: number): number {
  if (event.dayFraction !== null) return Math.round(event.dayFraction * MILLI);
  if (event.minutes !== null && dayMinutes > 0)
    return Math.min(MILLI, Math.round((event.minutes * MILLI) / dayMinutes));
  return event.category === 'partial' ? 0 : MILLI;
}

/** The minutes an absence event misses. */
function missedMinutes(event: ModelEvent, dayMinutes: number): number {
  if (event.minutes !== null) return Math.min(dayMinutes, event.minutes);
  if (event.dayFraction !== null)
    return Math.round((Math.round(event.dayFraction * MILLI) * dayMinutes) / MILLI);
  return event.category === 'partial' ? 0 : dayMinutes;
}

interface PreparedDay {
  readonly ordinal: number;
  readonly nearBreak: boolean;
  readonly minutes: number;
}

/** Instructional days of a calendar by date, with their ordinal and whether a break is next to them. */
function prepareCalendar(calendar: ModelCalendar): Map<string, PreparedDay> {
  const teaching = calendar.days.filter((day) => day.instructionalMinutes > 0).sort(byDate);
  const open = new Set(teaching.map((day) => day.date));
  const first = teaching[0]?.date ?? '';
  const last = teaching.at(-1)?.date ?? '';
  const closedWeekday = (date: string) =>
    date >= first && date <= last && isoWeekday(date) <= 5 && !open.has(date);
  const prepared = new Map<string, PreparedDay>();
  teaching.forEach((day, ordinal) => {
    const weekday = isoWeekday(day.date);
    const before = addDays(day.date, weekday === 1 ? -3 : -1);
    const after = addDays(day.date, weekday === 5 ? 3 : 1);
    prepared.set(day.date, {
      ordinal,
      nearBreak: closedWeekday(before) || closedWeekday(after),
      minutes: day.instructionalMinutes,
    });
  });
  return prepared;
}

function statusOfDay(
  student: ModelStudent,
  profile: DefinitionProfile,
  date: string,
  span: ModelSpan,
  prepared: PreparedDay,
  events: readonly ModelEvent[],
): DayStatus {
  const rules = profile.daily;
  const dayMinutes = prepared.minutes;
  let missed = 0;
  let minutes = 0;
  let kind: AbsenceKind | null = null;
  const consider = (milli: number, eventMinutes: number, eventKind: AbsenceKind) => {
    const rank = KIND_RANK[eventKind];
    const current = kind === null ? 0 : KIND_RANK[kind];
    // The larger share of the day wins; then the graver kind; then the more minutes.
    if (
      milli > missed ||
      (milli === missed && milli > 0 && (rank > current || (rank === current && eventMinutes > minutes)))
    ) {
      missed = milli;
      minutes = eventMinutes;
      kind = eventKind;
    }
  };
  const daily = events.filter((event) => event.sectionId === null);
  let tardyMinutes = 0;
  for (const event of daily) {
    const eventMilli = missedMilli(event, dayMinutes);
    const eventMinutes = missedMinutes(event, dayMinutes);
    switch (event.category) {
      case 'excused_absence':
        consider(eventMilli, eventMinutes, 'excused');
        break;
      case 'unexcused_absence':
        consider(eventMilli, eventMinutes, 'unexcused');
        break;
      case 'partial':
        consider(eventMilli, eventMinutes, event.isExcused ? 'excused' : 'unexcused');
        break;
      case 'out_of_school_suspension':
        consider(MILLI, dayMinutes, 'oss');
        break;
      case 'in_school_suspension':
        if (rules.inSchoolSuspension === 'absent') consider(MILLI, dayMinutes, 'oss');
        break;
      case 'tardy':
      case 'early_departure':
        tardyMinutes += event.minutes ?? 0;
        break;
      case 'present':
        break;
    }
  }
  const sectionAbsences = events.filter(
    (event) =>
      event.sectionId !== null &&
      (event.category === 'excused_absence' ||
        event.category === 'unexcused_absence' ||
        event.category === 'out_of_school_suspension'),
  );
  if (daily.length === 0 && sectionAbsences.length > 0) {
    const scheduled = (student.sections ?? []).filter(
      (section) =>
        section.schoolId === span.schoolId && inRange(date, section.entryDate, section.endDateExclusive),
    );
    const absentSections = new Set(sectionAbsences.map((event) => event.sectionId));
    const homeroom = scheduled.filter((section) => section.isHomeroom);
    const absent =
      rules.fromPeriods === 'any_section'
        ? true
        : rules.fromPeriods === 'homeroom'
          ? homeroom.some((section) => absentSections.has(section.sectionId))
          : scheduled.length > 0 && scheduled.every((section) => absentSections.has(section.sectionId));
    if (absent) {
      const excusedOnly = sectionAbsences.every((event) => event.category === 'excused_absence');
      const suspended = sectionAbsences.some((event) => event.category === 'out_of_school_suspension');
      consider(MILLI, dayMinutes, suspended ? 'oss' : excusedOnly ? 'excused' : 'unexcused');
    }
  }
  const countsForProfile =
    kind === null
      ? false
      : kind === 'oss'
        ? profile.counts.outOfSchoolSuspension
        : kind === 'excused'
          ? profile.counts.excused
          : profile.counts.unexcused;
  let absentMilli = 0;
  if (countsForProfile) {
    if (rules.partialDays === 'sum') absentMilli = missed;
    else absentMilli = missed >= Math.round(rules.halfDayThreshold * MILLI) ? MILLI : 0;
  }
  const whole = absentMilli === MILLI;
  const minutesMissed = Math.min(
    dayMinutes,
    (countsForProfile ? minutes : 0) + (rules.tardyMinutesCount ? tardyMinutes : 0),
  );
  const skippedSections = whole
    ? []
    : [...new Set(sectionAbsences.map((event) => event.sectionId as string))].sort();
  return {
    date,
    schoolId: span.schoolId,
    calendarId: span.calendarId,
    ordinal: prepared.ordinal,
    weekday: isoWeekday(date),
    nearBreak: prepared.nearBreak,
    dayMinutes,
    absentMilli,
    kind: absentMilli > 0 || minutesMissed > 0 ? kind : null,
    minutesMissed,
    tardy: daily.some((event) => event.category === 'tardy'),
    earlyDeparture: daily.some((event) => event.category === 'early_departure'),
    skippedSections,
  };
}

/** Every school day the student was expected at school, before asOf, with its status. */
export function studentDays(
  student: ModelStudent,
  calendars: ReadonlyMap<string, ModelCalendar>,
  profile: DefinitionProfile,
  asOf: string,
): DayStatus[] {
  const eventsByDay = new Map<string, ModelEvent[]>();
  for (const event of student.events) {
    const key = `${event.schoolId}|${event.date}`;
    const list = eventsByDay.get(key);
    if (list) list.push(event);
    else eventsByDay.set(key, [event]);
  }
  const days = new Map<string, DayStatus>();
  for (const span of student.spans) {
    const calendar = calendars.get(span.calendarId);
    if (!calendar)
      throw new Error(`No calendar ${span.calendarId} for a span of student ${student.studentId}.`);
    for (const [date, prepared] of prepareCalendar(calendar)) {
      if (date >= asOf) continue;
      if (calendar.lastAttendanceDate !== null && date > calendar.lastAttendanceDate) continue;
      if (!inRange(date, span.entryDate, span.endDateExclusive)) continue;
      const key = `${span.schoolId}|${date}`;
      if (days.has(key)) continue; // overlapping spans at one school count a day once
      const events = eventsByDay.get(key) ?? [];
      days.set(key, statusOfDay(student, profile, date, span, prepared, events));
    }
  }
  return [...days.values()].sort(byDate);
}

/**
 * The longest run of consecutive instructional days of one calendar at one school for which
 * `counts` holds (weighed by `weight`). A run ends where enrolment has a gap with school
 * days in it, and at a change of school or calendar.
 */
function longestRunOf(
  days: readonly DayStatus[],
  counts: (day: DayStatus) => boolean,
  weight: (day: DayStatus) => number = () => 1,
): number {
  let best = 0;
  const bySchool = new Map<string, DayStatus[]>();
  for (const day of days) {
    const key = `${day.schoolId}|${day.calendarId}`;
    bySchool.set(key, [...(bySchool.get(key) ?? []), day]);
  }
  for (const schoolDays of bySchool.values()) {
    let run = 0;
    let previous = Number.NaN;
    for (const day of schoolDays) {
      if (!counts(day)) {
        run = 0;
      } else {
        run = day.ordinal === previous + 1 && run > 0 ? run + weight(day) : weight(day);
        best = Math.max(best, run);
      }
      previous = day.ordinal;
    }
  }
  return best;
}

function minimumMinutes(profile: DefinitionProfile, gradeLevel: string): number | null {
  const hours = profile.minimumHours?.[gradeLevel];
  return hours === undefined ? null : hours * 60;
}

function figuresOf(
  student: ModelStudent,
  profile: DefinitionProfile,
  days: readonly DayStatus[],
): AttendanceFigures {
  let absentMilli = 0;
  const split = { excused: 0, unexcused: 0, oss: 0 };
  let tardies = 0;
  let earlyDepartures = 0;
  let minutesScheduled = 0;
  let minutesMissed = 0;
  let wholeDays = 0;
  for (const day of days) {
    absentMilli += day.absentMilli;
    if (day.kind) split[day.kind] += day.absentMilli;
    if (day.tardy) tardies += 1;
    if (day.earlyDeparture) earlyDepartures += 1;
    if (day.absentMilli === MILLI) wholeDays += 1;
    minutesScheduled += day.dayMinutes;
    minutesMissed += day.minutesMissed;
  }
  const daysEnrolled = days.length;
  const daysAttended = daysEnrolled - wholeDays;
  const { eligibility } = profile;
  const hoursMeasure = profile.measure === 'hours';
  const minimum = minimumMinutes(profile, student.gradeLevel);
  const eligible =
    daysEnrolled >= eligibility.minDaysEnrolled &&
    daysAttended >= eligibility.minDaysAttended &&
    (eligibility.grades === null || eligibility.grades.includes(student.gradeLevel)) &&
    (!hoursMeasure || minimum !== null);
  const thresholdMilli = profile.rateThreshold === null ? null : Math.round(profile.rateThreshold * MILLI);
  let chronicNow: boolean;
  if (hoursMeasure)
    chronicNow =
      thresholdMilli !== null && minimum !== null && minutesMissed * MILLI >= thresholdMilli * minimum;
  else
    chronicNow =
      (thresholdMilli !== null && daysEnrolled > 0 && absentMilli >= thresholdMilli * daysEnrolled) ||
      (profile.countThreshold !== null && absentMilli >= profile.countThreshold * MILLI);
  const [missed, expected] = hoursMeasure
    ? [minutesMissed, minutesScheduled]
    : [absentMilli, daysEnrolled * MILLI];
  return {
    daysEnrolled,
    absentMilli,
    daysAbsent: absentMilli / MILLI,
    excused: split.excused / MILLI,
    unexcused: split.unexcused / MILLI,
    outOfSchoolSuspension: split.oss / MILLI,
    daysAttended,
    tardies,
    earlyDepartures,
    minutesScheduled,
    minutesMissed,
    rate: expected > 0 ? missed / expected : 0,
    eligible,
    chronic: eligible ? chronicNow : null,
    tier: tierOf(missed, expected),
    longestRun: longestRunOf(days, (day) => day.absentMilli === MILLI),
  };
}

function earlySignal(days: readonly DayStatus[], asOf: string): number | null {
  const first = days[0]?.date;
  if (!first) return null;
  for (let month = 1; addMonths(first, month - 1) < asOf; month += 1) {
    const end = addMonths(first, month);
    const absences = days.filter((day) => day.date < end).reduce((sum, day) => sum + day.absentMilli, 0);
    if (absences >= 2 * month * MILLI) return month;
  }
  return null;
}

/** The half-life of the recent pace, in school days. */
export const RECENT_HALF_LIFE = 20;

function projectionOf(
  student: ModelStudent,
  calendars: ReadonlyMap<string, ModelCalendar>,
  profile: DefinitionProfile,
  days: readonly DayStatus[],
  total: AttendanceFigures,
  asOf: string,
): Projection {
  const current = [...student.spans].sort((a, b) => (a.entryDate < b.entryDate ? 1 : -1))[0];
  const calendar = current ? calendars.get(current.calendarId) : undefined;
  const remainingDays =
    current && calendar && (current.endDateExclusive === null || current.endDateExclusive > asOf)
      ? calendar.days.filter(
          (day) =>
            day.instructionalMinutes > 0 &&
            day.date >= asOf &&
            inRange(day.date, current.entryDate, current.endDateExclusive),
        ).length
      : 0;
  const hoursMeasure = profile.measure === 'hours';
  const missedOf = (day: DayStatus) => (hoursMeasure ? day.minutesMissed : day.absentMilli);
  const missed = hoursMeasure ? total.minutesMissed : total.absentMilli;
  const enrolled = total.daysEnrolled;
  // Day i of n weighs 0.5^((n-1-i)/20); the weights sum to (1 - r^n) / (1 - r) with r = 0.5^(1/20).
  const r = 0.5 ** (1 / RECENT_HALF_LIFE);
  const weight = days.length > 0 ? (1 - r ** days.length) / (1 - r) : 0;
  let weighted = 0;
  days.forEach((day, index) => {
    const missedToday = missedOf(day);
    if (missedToday > 0) weighted += missedToday * 0.5 ** ((days.length - 1 - index) / RECENT_HALF_LIFE);
  });
  const atCurrentPace = enrolled > 0 ? missed + (missed * remainingDays) / enrolled : 0;
  const atRecentPace = missed + (weight > 0 ? weighted / weight : 0) * remainingDays;
  const yearDays = enrolled + remainingDays;
  const thresholdMilli = profile.rateThreshold === null ? null : Math.round(profile.rateThreshold * MILLI);
  const minimum = minimumMinutes(profile, student.gradeLevel);
  // The current pace compares exactly (multiplied through by days enrolled); the recent one in floating point.
  const currentCrosses =
    enrolled > 0 &&
    (hoursMeasure
      ? thresholdMilli !== null &&
        minimum !== null &&
        missed * yearDays * MILLI >= thresholdMilli * minimum * enrolled
      : (thresholdMilli !== null && missed >= thresholdMilli * enrolled) ||
        (profile.countThreshold !== null && missed * yearDays >= profile.countThreshold * MILLI * enrolled));
  const recentCrosses = hoursMeasure
    ? thresholdMilli !== null && minimum !== null && atRecentPace * MILLI >= thresholdMilli * minimum
    : (thresholdMilli !== null && yearDays > 0 && atRecentPace >= thresholdMilli * yearDays) ||
      (profile.countThreshold !== null && atRecentPace >= profile.countThreshold * MILLI);
  const onTrackToBeChronic = total.eligible && (currentCrosses || recentCrosses);
  const unit = hoursMeasure ? 60 : MILLI;
  const round = (n: number) => Math.round((n / unit) * 10) / 10;
  const what = hoursMeasure ? 'hours missed' : 'days absent';
  const explanation =
    enrolled === 0
      ? 'No school days yet this year.'
      : `${round(missed)} ${what} in ${enrolled} school days so far. At this pace, about ` +
        `${round(atCurrentPace)} ${hoursMeasure ? 'hours' : `of ${yearDays} days`} by the last day of school` +
        (Math.abs(atRecentPace - atCurrentPace) >= unit
          ? `; at the pace of recent weeks, about ${round(atRecentPace)}.`
          : '.');
  return {
    remainingDays,
    atCurrentPace: atCurrentPace / unit,
    atRecentPace: atRecentPace / unit,
    onTrackToBeChronic,
    explanation,
  };
}

/** a / b >= 2 × c / d, in integers. */
const atLeastTwice = (a: number, b: number, c: number, d: number) => b > 0 && a * d >= 2 * c * b;

function patternsOf(days: readonly DayStatus[]): Patterns {
  const whole = (day: DayStatus) => day.absentMilli === MILLI;
  const absent = days.filter(whole).length;
  let dayOfWeek: number | null = null;
  let best: [number, number] = [0, 1];
  for (let weekday = 1; weekday <= 7; weekday += 1) {
    const on = days.filter((day) => day.weekday === weekday);
    const missedOn = on.filter(whole).length;
    if (
      missedOn >= 3 &&
      atLeastTwice(missedOn, on.length, absent - missedOn, days.length - on.length) &&
      missedOn * best[1] > best[0] * on.length
    ) {
      dayOfWeek = weekday;
      best = [missedOn, on.length];
    }
  }
  const near = days.filter((day) => day.nearBreak);
  const missedNear = near.filter(whole).length;
  const aroundBreaks =
    missedNear >= 2 && atLeastTwice(missedNear, near.length, absent - missedNear, days.length - near.length);
  const skipped = new Map<string, number>();
  for (const day of days) for (const id of day.skippedSections) skipped.set(id, (skipped.get(id) ?? 0) + 1);
  let skippedSection: Patterns['skippedSection'] = null;
  for (const [sectionId, count] of [...skipped].sort(([a], [b]) => (a < b ? -1 : 1)))
    if (count >= 3 && count > (skippedSection?.days ?? 0)) skippedSection = { sectionId, days: count };
  const recent = days.slice(-RECENT_DAYS);
  const prior = days.slice(0, -RECENT_DAYS);
  const recentAbsent = recent.filter(whole).length;
  const priorAbsent = prior.filter(whole).length;
  let trend: Patterns['trend'] = null;
  if (prior.length >= RECENT_DAYS) {
    // Rates differ by 10 points or more: 10 × (a/b − c/d) >= 1, multiplied through by b × d.
    const gap = 10 * (recentAbsent * prior.length - priorAbsent * recent.length);
    const scale = recent.length * prior.length;
    if (recentAbsent >= 3 && gap >= scale) trend = 'worsening';
    else if (priorAbsent >= 3 && -gap >= scale) trend = 'improving';
  }
  return { dayOfWeek, aroundBreaks, skippedSection, trend };
}

function statutoryOf(profile: DefinitionProfile, days: readonly DayStatus[]): Statutory {
  const unexcused = (day: DayStatus) => day.kind === 'unexcused';
  const maxMonth = (value: (day: DayStatus) => number) => {
    const months = new Map<string, number>();
    for (const day of days)
      months.set(day.date.slice(0, 7), (months.get(day.date.slice(0, 7)) ?? 0) + value(day));
    return Math.max(0, ...months.values());
  };
  const { ohio, connecticut } = profile.statutory;
  let ohioFigures: Statutory['ohio'] = null;
  if (ohio) {
    const minutes = (day: DayStatus) => (unexcused(day) ? day.minutesMissed : 0);
    const year = days.reduce((sum, day) => sum + minutes(day), 0);
    const month = maxMonth(minutes);
    const consecutive = longestRunOf(days, (day) => unexcused(day) && day.absentMilli === MILLI, minutes);
    ohioFigures = {
      unexcusedMinutesYear: year,
      unexcusedMinutesMaxMonth: month,
      unexcusedMinutesConsecutive: consecutive,
      habitualTruant:
        consecutive >= ohio.consecutiveHours * 60 ||
        month >= ohio.monthHours * 60 ||
        year >= ohio.yearHours * 60,
      noticeDue: year >= ohio.noticeHours * 60,
    };
  }
  let connecticutFigures: Statutory['connecticut'] = null;
  if (connecticut) {
    const count = (day: DayStatus) => (unexcused(day) && day.absentMilli === MILLI ? 1 : 0);
    const year = days.reduce((sum, day) => sum + count(day), 0);
    const month = maxMonth(count);
    connecticutFigures = {
      unexcusedDaysYear: year,
      unexcusedDaysMaxMonth: month,
      truant: month >= connecticut.truantMonth || year >= connecticut.truantYear,
      habitualTruant: year >= connecticut.habitualYear,
    };
  }
  return { ohio: ohioFigures, connecticut: connecticutFigures };
}

/** Computes a student's figures, per school and in total, as of a date (exclusive). */
export function computeStudentFigures(
  student: ModelStudent,
  calendars: ReadonlyMap<string, ModelCalendar>,
  profile: DefinitionProfile,
  asOf: string,
): StudentFigures {
  const days = studentDays(student, calendars, profile, asOf);
  const schools = [...new Set(student.spans.map((span) => span.schoolId))];
  const bySchool = schools.map((schoolId) => ({
    schoolId,
    ...figuresOf(
      student,
      profile,
      days.filter((day) => day.schoolId === schoolId),
    ),
  }));
  const total = figuresOf(student, profile, days);
  return {
    studentId: student.studentId,
    bySchool,
    total,
    earlySignalMonth: earlySignal(days, asOf),
    projection: projectionOf(student, calendars, profile, days, total, asOf),
    patterns: patternsOf(days),
    statutory: statutoryOf(profile, days),
  };
}
