/**
 * The reference model of attendance (DOMAIN.md §4): pure TypeScript, no I/O. From a
 * student's enrolment spans, the calendars of the schools, the attendance events and a
 * definition profile, it computes days enrolled and absent (split excused, unexcused and
 * out-of-school suspension), tardies and early departures, the rate, the chronic flag and
 * tier, eligibility, the early signal, the longest run of absences and a projection to the
 * last day of school. The SQL implementation is tested against it; it favours being
 * obviously right over being fast.
 *
 * Exactness: day fractions have at most three decimals (numeric(4,3)), so absences are
 * counted in thousandths of a day and compared with integers: 3 absences in 30 days is
 * chronic at 10%, exactly.
 */
import { type DefinitionProfile, type Tier, tierOf } from './definition-profiles.ts';

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
  /** Days absent that the profile counts, in days (fractional in 'sum' mode). */
  readonly daysAbsent: number;
  readonly excused: number;
  readonly unexcused: number;
  readonly outOfSchoolSuspension: number;
  readonly daysAttended: number;
  readonly tardies: number;
  readonly earlyDepartures: number;
  /** daysAbsent / daysEnrolled, or 0 with no days enrolled. */
  readonly rate: number;
  readonly eligible: boolean;
  /** null when the student is not eligible under the profile. */
  readonly chronic: boolean | null;
  readonly tier: Tier;
  /** The longest run of consecutive school days absent (whole days). */
  readonly longestRun: number;
}

export interface SchoolFigures extends AttendanceFigures {
  readonly schoolId: string;
}

export interface Projection {
  readonly remainingDays: number;
  /** Absences by the last day at the pace so far. */
  readonly atCurrentPace: number;
  /** Absences by the last day at a pace that weighs recent weeks more (half-life of 20 school days). */
  readonly atRecentPace: number;
  readonly onTrackToBeChronic: boolean;
  readonly explanation: string;
}

export interface StudentFigures {
  readonly studentId: string;
  readonly bySchool: readonly SchoolFigures[];
  readonly total: AttendanceFigures;
  /** The first school month k (1-based) by whose end the student had 2k or more absences. */
  readonly earlySignalMonth: number | null;
  readonly projection: Projection;
}

const MILLI = 1_000;

interface DayStatus {
  readonly date: string;
  readonly schoolId: string;
  /** Thousandths of a day absent, as the profile counts it (0 to 1000). */
  readonly absentMilli: number;
  readonly kind: 'excused' | 'unexcused' | 'oss' | null;
  readonly tardy: boolean;
  readonly earlyDeparture: boolean;
}

function addMonths(date: string, months: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

function inRange(date: string, entry: string, endExclusive: string | null): boolean {
  return date >= entry && (endExclusive === null || date < endExclusive);
}

/** The share of the day an absence event misses, in thousandths. */
function missedMilli(event: ModelEvent, dayMinutes: number): number {
  if (event.dayFraction !== null) return Math.round(event.dayFraction * MILLI);
  if (event.minutes !== null && dayMinutes > 0)
    return Math.min(MILLI, Math.round((event.minutes / dayMinutes) * MILLI));
  return event.category === 'partial' ? 0 : MILLI;
}

function statusOfDay(
  student: ModelStudent,
  profile: DefinitionProfile,
  date: string,
  schoolId: string,
  dayMinutes: number,
  events: readonly ModelEvent[],
): DayStatus {
  const rules = profile.daily;
  let missed = 0;
  let kind: DayStatus['kind'] = null;
  let tardy = false;
  let earlyDeparture = false;
  const consider = (milli: number, eventKind: NonNullable<DayStatus['kind']>) => {
    if (milli > missed) {
      missed = milli;
      kind = eventKind;
    }
  };
  const daily = events.filter((event) => event.sectionId === null);
  for (const event of daily) {
    switch (event.category) {
      case 'excused_absence':
        consider(missedMilli(event, dayMinutes), 'excused');
        break;
      case 'unexcused_absence':
        consider(missedMilli(event, dayMinutes), 'unexcused');
        break;
      case 'partial':
        consider(missedMilli(event, dayMinutes), event.isExcused ? 'excused' : 'unexcused');
        break;
      case 'out_of_school_suspension':
        consider(MILLI, 'oss');
        break;
      case 'in_school_suspension':
        if (rules.inSchoolSuspension === 'absent') consider(MILLI, 'oss');
        break;
      case 'tardy':
        tardy = true;
        break;
      case 'early_departure':
        earlyDeparture = true;
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
        section.schoolId === schoolId && inRange(date, section.entryDate, section.endDateExclusive),
    );
    const absentSections = new Set(sectionAbsences.map((event) => event.sectionId));
    const homeroom = scheduled.find((section) => section.isHomeroom);
    const absent =
      rules.fromPeriods === 'any_section'
        ? true
        : rules.fromPeriods === 'homeroom'
          ? homeroom !== undefined && absentSections.has(homeroom.sectionId)
          : scheduled.length > 0 && scheduled.every((section) => absentSections.has(section.sectionId));
    if (absent) {
      const excusedOnly = sectionAbsences.every((event) => event.category === 'excused_absence');
      const suspended = sectionAbsences.some((event) => event.category === 'out_of_school_suspension');
      consider(MILLI, suspended ? 'oss' : excusedOnly ? 'excused' : 'unexcused');
    }
  }
  let counted: number;
  if (missed === 0) counted = 0;
  else if (rules.partialDays === 'sum') counted = missed;
  else counted = missed >= Math.round(rules.halfDayThreshold * MILLI) ? MILLI : 0;
  const countsForProfile =
    kind === 'oss'
      ? profile.counts.outOfSchoolSuspension
      : kind === 'excused'
        ? profile.counts.excused
        : profile.counts.unexcused;
  const absentMilli = countsForProfile ? counted : 0;
  return { date, schoolId, absentMilli, kind: absentMilli > 0 ? kind : null, tardy, earlyDeparture };
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
    for (const day of calendar.days) {
      if (day.instructionalMinutes <= 0 || day.date >= asOf) continue;
      if (calendar.lastAttendanceDate !== null && day.date > calendar.lastAttendanceDate) continue;
      if (!inRange(day.date, span.entryDate, span.endDateExclusive)) continue;
      const key = `${span.schoolId}|${day.date}`;
      if (days.has(key)) continue; // overlapping spans at one school count a day once
      const events = eventsByDay.get(key) ?? [];
      days.set(key, statusOfDay(student, profile, day.date, span.schoolId, day.instructionalMinutes, events));
    }
  }
  return [...days.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
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
  let run = 0;
  let longestRun = 0;
  for (const day of days) {
    absentMilli += day.absentMilli;
    if (day.kind) split[day.kind] += day.absentMilli;
    if (day.tardy) tardies += 1;
    if (day.earlyDeparture) earlyDepartures += 1;
    run = day.absentMilli === MILLI ? run + 1 : 0;
    longestRun = Math.max(longestRun, run);
  }
  const daysEnrolled = days.length;
  const daysAttended = days.filter((day) => day.absentMilli < MILLI).length;
  const { eligibility } = profile;
  const eligible =
    daysEnrolled >= eligibility.minDaysEnrolled &&
    daysAttended >= eligibility.minDaysAttended &&
    (eligibility.grades === null || eligibility.grades.includes(student.gradeLevel));
  const chronicNow =
    (profile.rateThreshold !== null &&
      daysEnrolled > 0 &&
      absentMilli >= Math.round(profile.rateThreshold * MILLI) * daysEnrolled) ||
    (profile.countThreshold !== null && absentMilli >= profile.countThreshold * MILLI);
  const rate = daysEnrolled > 0 ? absentMilli / MILLI / daysEnrolled : 0;
  return {
    daysEnrolled,
    daysAbsent: absentMilli / MILLI,
    excused: split.excused / MILLI,
    unexcused: split.unexcused / MILLI,
    outOfSchoolSuspension: split.oss / MILLI,
    daysAttended,
    tardies,
    earlyDepartures,
    rate,
    eligible,
    chronic: eligible ? chronicNow : null,
    tier: tierOf(rate),
    longestRun,
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
  const pace = total.daysEnrolled > 0 ? total.daysAbsent / total.daysEnrolled : 0;
  let weight = 0;
  let weighted = 0;
  days.forEach((day, index) => {
    const w = 0.5 ** ((days.length - 1 - index) / 20);
    weight += w;
    weighted += w * (day.absentMilli / MILLI);
  });
  const recentPace = weight > 0 ? weighted / weight : 0;
  const atCurrentPace = total.daysAbsent + pace * remainingDays;
  const atRecentPace = total.daysAbsent + recentPace * remainingDays;
  const yearDays = total.daysEnrolled + remainingDays;
  const crosses = (absences: number) =>
    (profile.rateThreshold !== null && yearDays > 0 && absences / yearDays >= profile.rateThreshold) ||
    (profile.countThreshold !== null && absences >= profile.countThreshold);
  const onTrackToBeChronic = total.eligible && (crosses(atCurrentPace) || crosses(atRecentPace));
  const round = (n: number) => Math.round(n * 10) / 10;
  const explanation =
    total.daysEnrolled === 0
      ? 'No school days yet this year.'
      : `${round(total.daysAbsent)} days absent in ${total.daysEnrolled} school days so far. At this pace, about ` +
        `${round(atCurrentPace)} of ${yearDays} by the last day of school` +
        (Math.abs(atRecentPace - atCurrentPace) >= 1
          ? `; at the pace of recent weeks, about ${round(atRecentPace)}.`
          : '.');
  return { remainingDays, atCurrentPace, atRecentPace, onTrackToBeChronic, explanation };
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
  };
}
