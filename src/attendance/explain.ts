/**
 * "Why is this student flagged?": plain sentences from a student's stored figures and the
 * district's definition profile, each with the numbers behind it, so a counselor can say
 * it to a family and a lead can check it.
 */
import type { DefinitionProfile, Tier } from './definition-profiles.ts';

export interface StoredFigures {
  readonly days_enrolled: number;
  readonly absent_milli: number;
  readonly excused_milli: number;
  readonly unexcused_milli: number;
  readonly oss_milli: number;
  readonly minutes_missed: number;
  readonly minutes_scheduled: number;
  readonly tardies: number;
  readonly rate: number;
  readonly eligible: boolean;
  readonly chronic: boolean | null;
  readonly tier: Tier;
  readonly longest_run: number;
  readonly early_signal_month: number | null;
  readonly remaining_days: number;
  readonly projected_current: number;
  readonly projected_recent: number;
  readonly on_track: boolean;
  readonly pattern_weekday: number | null;
  readonly pattern_around_breaks: boolean;
  readonly skipped_section_days: number | null;
  readonly trend: string | null;
  readonly oh_unexcused_minutes_year: number | null;
  readonly oh_unexcused_minutes_max_month: number | null;
  readonly oh_unexcused_minutes_consecutive: number | null;
  readonly oh_habitual_truant: boolean | null;
  readonly oh_notice_due: boolean | null;
  readonly ct_unexcused_days_year: number | null;
  readonly ct_unexcused_days_max_month: number | null;
  readonly ct_truant: boolean | null;
  readonly ct_habitual_truant: boolean | null;
}

export interface Explanation {
  /** Chronically absent, on track to be, or raising the early signal, a pattern or a statute. */
  readonly flagged: boolean;
  readonly reasons: readonly { readonly code: string; readonly text: string }[];
}

const WEEKDAYS = ['', 'Mondays', 'Tuesdays', 'Wednesdays', 'Thursdays', 'Fridays', 'Saturdays', 'Sundays'];
const TIER_TEXT: Readonly<Record<Tier, string>> = {
  satisfactory: 'satisfactory (under 5%)',
  at_risk: 'at risk (5% to under 10%)',
  moderate_chronic: 'moderate chronic absence (10% to under 20%)',
  severe_chronic: 'severe chronic absence (20% or more)',
};
const ORDINAL_MONTHS = [
  '',
  'first',
  'second',
  'third',
  'fourth',
  'fifth',
  'sixth',
  'seventh',
  'eighth',
  'ninth',
  'tenth',
];

const days = (milli: number) => {
  const n = milli / 1000;
  return `${Number.isInteger(n) ? n : n.toFixed(1)} ${n === 1 ? 'day' : 'days'}`;
};
const hours = (minutes: number) => `${(minutes / 60).toFixed(1).replace(/\.0$/, '')} hours`;
const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

export function explainFigures(
  figures: StoredFigures,
  profile: DefinitionProfile,
  studentSkippedSection?: string | null,
): Explanation {
  const reasons: { code: string; text: string }[] = [];
  const hoursMeasure = profile.measure === 'hours';
  const missed = hoursMeasure
    ? `Missed ${hours(figures.minutes_missed)} of ${hours(figures.minutes_scheduled)} scheduled`
    : `Missed ${days(figures.absent_milli)} of ${figures.days_enrolled} school days enrolled`;
  const split = [
    figures.excused_milli > 0 ? `${days(figures.excused_milli)} excused` : '',
    figures.unexcused_milli > 0 ? `${days(figures.unexcused_milli)} unexcused` : '',
    figures.oss_milli > 0 ? `${days(figures.oss_milli)} out-of-school suspension` : '',
  ].filter(Boolean);
  reasons.push({
    code: 'rate',
    text: `${missed} (${percent(figures.rate)})${split.length > 0 ? `: ${split.join(', ')}` : ''}. Tier: ${TIER_TEXT[figures.tier]}.`,
  });
  if (!figures.eligible) {
    reasons.push({
      code: 'not_eligible',
      text: `Not yet counted under ${profile.name}: ${profile.source}`,
    });
  } else if (figures.chronic) {
    reasons.push({ code: 'chronic', text: `Chronically absent under ${profile.name}: ${profile.source}` });
  }
  if (figures.on_track && !figures.chronic) {
    reasons.push({
      code: 'on_track',
      text: `On track to be chronically absent: at this pace about ${figures.projected_current.toFixed(1)} ${hoursMeasure ? 'hours' : 'days'} by the last day of school (${figures.remaining_days} school days left)${Math.abs(figures.projected_recent - figures.projected_current) >= 1 ? `; at the pace of recent weeks, about ${figures.projected_recent.toFixed(1)}` : ''}.`,
    });
  }
  if (figures.early_signal_month !== null) {
    const month = figures.early_signal_month;
    reasons.push({
      code: 'early_signal',
      text: `Early signal: ${2 * month} or more absences by the end of the ${ORDINAL_MONTHS[month] ?? `${month}th`} month of school.`,
    });
  }
  if (figures.longest_run >= 3)
    reasons.push({ code: 'run', text: `Absent ${figures.longest_run} school days in a row.` });
  if (figures.pattern_weekday !== null)
    reasons.push({
      code: 'weekday',
      text: `Misses ${WEEKDAYS[figures.pattern_weekday]} at least twice as often as other days.`,
    });
  if (figures.pattern_around_breaks)
    reasons.push({
      code: 'around_breaks',
      text: 'Misses the days next to holidays and breaks at least twice as often as other days.',
    });
  if (figures.skipped_section_days !== null)
    reasons.push({
      code: 'skipped_section',
      text: `Missed ${studentSkippedSection ?? 'one class'} on ${figures.skipped_section_days} days while at school.`,
    });
  if (figures.trend === 'worsening')
    reasons.push({
      code: 'worsening',
      text: 'Absences are rising: the last 20 school days are at least 10 points worse than the days before.',
    });
  if (figures.trend === 'improving')
    reasons.push({
      code: 'improving',
      text: 'Attendance is improving: the last 20 school days are at least 10 points better than the days before.',
    });
  const ohio = profile.statutory.ohio;
  if (ohio && figures.oh_unexcused_minutes_year !== null) {
    if (figures.oh_habitual_truant)
      reasons.push({
        code: 'ohio_habitual_truant',
        text: `Habitually truant under Ohio law (ORC 2151.011): ${hours(figures.oh_unexcused_minutes_consecutive ?? 0)} consecutive, ${hours(figures.oh_unexcused_minutes_max_month ?? 0)} in one month and ${hours(figures.oh_unexcused_minutes_year)} this year without excuse (thresholds ${ohio.consecutiveHours}, ${ohio.monthHours} and ${ohio.yearHours} hours).`,
      });
    else if (figures.oh_notice_due)
      reasons.push({
        code: 'ohio_notice',
        text: `The board's notice to the parent is due: ${hours(figures.oh_unexcused_minutes_year)} without excuse this year (threshold ${ohio.noticeHours} hours).`,
      });
  }
  const connecticut = profile.statutory.connecticut;
  if (connecticut && figures.ct_unexcused_days_year !== null) {
    if (figures.ct_habitual_truant)
      reasons.push({
        code: 'connecticut_habitual_truant',
        text: `Habitually truant under Connecticut law (CGS 10-198a): ${figures.ct_unexcused_days_year} unexcused absences this year (threshold ${connecticut.habitualYear}).`,
      });
    else if (figures.ct_truant)
      reasons.push({
        code: 'connecticut_truant',
        text: `Truant under Connecticut law (CGS 10-198a): ${figures.ct_unexcused_days_max_month} unexcused absences in one month and ${figures.ct_unexcused_days_year} this year (thresholds ${connecticut.truantMonth} a month, ${connecticut.truantYear} a year). A parent meeting is due within 10 school days.`,
      });
  }
  const flagged = reasons.some(
    (reason) => reason.code !== 'rate' && reason.code !== 'not_eligible' && reason.code !== 'improving',
  );
  return { flagged, reasons };
}
