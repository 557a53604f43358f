/**
 * When a message may go out: quiet hours in the family's time zone (default 8:00 to 21:00),
 * the contact's own preferred window for messages that can wait, and, for same-day absence
 * alerts, school hours as well (FCC 16-88 treats them as an emergency purpose). Times are
 * wall-clock times in the zone, so a daylight-saving change moves the instant, not the hour.
 */

export type MessageCategory = 'attendance_alert' | 'general' | 'reply';

export interface SendWindowRules {
  /** IANA time zone of the family (the district's, unless the contact has one). */
  readonly timeZone: string;
  /** 'HH:MM' (or 'HH:MM:SS') wall-clock times; start before end. */
  readonly quietStart: string;
  readonly quietEnd: string;
  readonly schoolDayStart: string;
  readonly schoolDayEnd: string;
  /** The contact's preferred window for messages that can wait, if they gave one. */
  readonly contactWindow?: { readonly start: string; readonly end: string } | null;
}

interface LocalParts {
  readonly date: string;
  readonly minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The wall-clock date and time of an instant in a zone. */
function localParts(instant: Date, timeZone: string): LocalParts & { seconds: number } {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    seconds: Number(parts.second),
  };
}

/** Offset of the zone from UTC at an instant, in milliseconds. */
function offsetAt(instant: Date, timeZone: string): number {
  const local = localParts(instant, timeZone);
  const asUtc = Date.parse(`${local.date}T00:00:00Z`) + local.minutes * 60_000 + local.seconds * 1000;
  return asUtc - (instant.getTime() - instant.getUTCMilliseconds());
}

/**
 * The instant of a wall-clock time on a date in a zone. A time that does not exist (the hour
 * skipped when clocks go forward) resolves to the moment the gap ends plus the same minutes.
 */
export function zonedInstant(date: string, minutes: number, timeZone: string): Date {
  const guess = Date.parse(`${date}T00:00:00Z`) + minutes * 60_000;
  const first = guess - offsetAt(new Date(guess), timeZone);
  const second = guess - offsetAt(new Date(first), timeZone);
  for (const candidate of [second, first]) {
    const local = localParts(new Date(candidate), timeZone);
    if (local.date === date && local.minutes === minutes) return new Date(candidate);
  }
  // Inside the gap no candidate reads back: take the later one, which is after the gap.
  return new Date(Math.max(first, second));
}

function toMinutes(time: string): number {
  const match = /^(\d{2}):(\d{2})(?::\d{2})?$/.exec(time);
  if (!match) throw new Error(`"${time}" is not a time of day as HH:MM.`);
  return Number(match[1]) * 60 + Number(match[2]);
}

function addDaysTo(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The allowed wall-clock intervals of one day, in minutes, merged and sorted. */
function allowedIntervals(category: MessageCategory, rules: SendWindowRules): [number, number][] {
  const quiet: [number, number] = [toMinutes(rules.quietStart), toMinutes(rules.quietEnd)];
  if (category === 'reply') return [[0, 24 * 60]];
  if (category === 'attendance_alert') {
    const school: [number, number] = [toMinutes(rules.schoolDayStart), toMinutes(rules.schoolDayEnd)];
    const [a, b] = [quiet, school].sort((x, y) => x[0] - y[0]) as [[number, number], [number, number]];
    return b[0] <= a[1] ? [[a[0], Math.max(a[1], b[1])]] : [a, b];
  }
  if (rules.contactWindow) {
    const start = Math.max(quiet[0], toMinutes(rules.contactWindow.start));
    const end = Math.min(quiet[1], toMinutes(rules.contactWindow.end));
    // A preferred window entirely inside quiet hours cannot be honoured: fall back to the quiet hours.
    if (start < end) return [[start, end]];
  }
  return [quiet];
}

/**
 * The earliest instant at or after `now` when a message of this category may be sent.
 * Replies to a family's own message (HELP, the one opt-out confirmation) go at once.
 */
export function earliestSendTime(now: Date, category: MessageCategory, rules: SendWindowRules): Date {
  const intervals = allowedIntervals(category, rules);
  const today = localParts(now, rules.timeZone).date;
  for (let day = 0; day <= 2; day += 1) {
    const date = addDaysTo(today, day);
    for (const [start, end] of intervals) {
      const opens = zonedInstant(date, start, rules.timeZone);
      const closes = zonedInstant(date, end, rules.timeZone);
      if (now < closes) return now > opens ? now : opens;
    }
  }
  throw new Error(`No send window found for ${category} in ${rules.timeZone}.`);
}

/** Midnight at the end of the local day `instant` falls in (when a same-day alert stops making sense). */
export function endOfLocalDay(instant: Date, timeZone: string): Date {
  return zonedInstant(addDaysTo(localParts(instant, timeZone).date, 1), 0, timeZone);
}

/** Whether `instant` falls inside the allowed hours (for checks just before sending). */
export function isWithinSendWindow(
  instant: Date,
  category: MessageCategory,
  rules: SendWindowRules,
): boolean {
  return earliestSendTime(instant, category, rules).getTime() === instant.getTime();
}
