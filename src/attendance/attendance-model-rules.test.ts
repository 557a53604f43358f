/**
 * Golden cases for the newer rules of the reference model, worked by hand (the arithmetic is
 * in each test): Ohio hours, Ohio and Connecticut statutory truancy, patterns, runs across
 * gaps and transfers, the graver kind of a day, PostgreSQL month arithmetic and exact tiers.
 *
 * The calendar is the one of attendance-model.test.ts: weekdays from Monday 7 September 2026,
 * 360 minutes (6 hours) each, no holidays. Day i falls on ISO weekday (i mod 5) + 1, and the
 * months are: September = days 0..17 (7-30 Sep), October = days 18..39 (1-30 Oct),
 * November = days 40..60 (2-30 Nov), December = days 61..83.
 */
import { describe, expect, it } from 'vitest';
import {
  addMonths,
  computeStudentFigures,
  type ModelCalendar,
  type ModelEvent,
  type ModelSection,
  type ModelStudent,
} from './attendance-model.ts';
import { DEFINITION_PROFILES, type DefinitionProfile, tierOf } from './definition-profiles.ts';
import { absence, CAL, day, student, weekdays } from './model-fixtures.ts';

const federal = DEFINITION_PROFILES.federal as DefinitionProfile;
const ohio = DEFINITION_PROFILES.ohio as DefinitionProfile;
const connecticut = DEFINITION_PROFILES.connecticut as DefinitionProfile;

const excused = (i: number) => absence(day(i), { category: 'excused_absence', isExcused: true });
const unexcused = (i: number) => absence(day(i));
const tardy = (i: number, minutes: number) => absence(day(i), { category: 'tardy', minutes });
const early = (i: number, minutes: number) => absence(day(i), { category: 'early_departure', minutes });
const partial = (i: number, minutes: number) =>
  absence(day(i), { category: 'partial', minutes, isExcused: false });

describe('Ohio hours (measure: hours)', () => {
  it('adds whole days, partials, tardies and early departures in minutes, capped at the day', () => {
    const events = [
      unexcused(0), // whole day: 360
      excused(1), // whole day: 360 ...
      tardy(1, 30), // ... and the tardy does not add to a day wholly absent: still 360
      partial(2, 60), // 60 min = 167 thousandths < 500: not an absent day, 60 minutes missed
      tardy(3, 20), // 20 ...
      early(3, 45), // ... + 45 = 65
      partial(4, 150), // 150 min = 417 thousandths < 500: not an absent day; 150 ...
      tardy(4, 120), // ... + 120 ...
      early(4, 100), // ... + 100 = 370, capped at the day's 360
      absence(day(5), { category: 'partial', dayFraction: 0.25 }), // 0.25 × 360 = 90
    ];
    // 10 days enrolled × 360 = 3600 minutes scheduled.
    // Missed: 360 + 360 + 60 + 65 + 360 + 90 = 1295 minutes.
    // Rate 1295 / 3600 = 0.359722…; tier: 1295 × 5 = 6475 >= 3600 → severe chronic.
    // Chronic is 10% of the year's 910 hours (54,600 min), i.e. 5460 minutes: 1295 < 5460 → not yet.
    const figures = computeStudentFigures(student(events), CAL, ohio, day(10));
    expect(figures.total).toMatchObject({
      daysEnrolled: 10,
      daysAbsent: 2, // days 0 and 1
      minutesScheduled: 3600,
      minutesMissed: 1295,
      tardies: 3, // days 1, 3 and 4
      earlyDepartures: 2, // days 3 and 4
      eligible: true,
      chronic: false,
      tier: 'severe_chronic',
    });
    expect(figures.total.rate).toBeCloseTo(0.359722, 6);
    // Federal profile (tardy minutes do not count): 360 + 360 + 60 + 0 + 150 + 90 = 1020.
    expect(computeStudentFigures(student(events), CAL, federal, day(10)).total.minutesMissed).toBe(1020);
  });

  /** 15 whole Mondays (days 0, 5, …, 70) = 15 × 360 = 5400 minutes, plus a 30-minute partial on day 80. */
  const base = [...Array.from({ length: 15 }, (_, i) => unexcused(i * 5)), partial(80, 30)];

  it('is chronic for grade 04 at exactly 91 hours, not at 90 h 59 min', () => {
    // Grade 04: 910 h × 60 = 54,600 min; chronic when missed × 1000 >= 100 × 54,600, i.e. missed >= 5460 (91 h).
    // 5400 + 30 + a 30-minute tardy on day 81 = 5460 = 91 h 0 min.
    // 100 days enrolled × 360 = 36,000 scheduled; rate 5460 / 36,000 = 0.151666…
    // Tier: 5460 × 10 = 54,600 >= 36,000 but 5460 × 5 = 27,300 < 36,000 → moderate chronic.
    const at91 = computeStudentFigures(student([...base, tardy(81, 30)]), CAL, ohio, day(100));
    expect(at91.total).toMatchObject({
      daysEnrolled: 100,
      daysAbsent: 15,
      minutesScheduled: 36_000,
      minutesMissed: 5460,
      eligible: true,
      chronic: true,
      tier: 'moderate_chronic',
    });
    expect(at91.total.rate).toBeCloseTo(0.151667, 6);
    // A 29-minute tardy instead: 5400 + 30 + 29 = 5459 = 90 h 59 min → 5,459,000 < 5,460,000: not chronic.
    const under = computeStudentFigures(student([...base, tardy(81, 29)]), CAL, ohio, day(100));
    expect(under.total).toMatchObject({ minutesMissed: 5459, chronic: false, tier: 'moderate_chronic' });
    expect(under.total.rate).toBeCloseTo(0.151639, 6); // 5459 / 36,000
  });

  it('uses 1,001 hours for grade 09: chronic at 100.1 hours (6006 minutes)', () => {
    // Grade 09: 1001 h × 60 = 60,060 min; chronic when missed >= 6006 (100 h 6 min).
    // 91 hours (5460) is chronic in grade 04 but not in grade 09.
    const at91 = computeStudentFigures(
      student([...base, tardy(81, 30)], { gradeLevel: '09' }),
      CAL,
      ohio,
      day(100),
    );
    expect(at91.total).toMatchObject({ minutesMissed: 5460, eligible: true, chronic: false });
    // 5430 + a whole day on day 85 (360) = 5790, + a 216-minute tardy on day 81 = 6006 → chronic.
    const at6006 = computeStudentFigures(
      student([...base, unexcused(85), tardy(81, 216)], { gradeLevel: '09' }),
      CAL,
      ohio,
      day(100),
    );
    expect(at6006.total).toMatchObject({ minutesMissed: 6006, chronic: true });
    // A 215-minute tardy: 6005 → 6,005,000 < 6,006,000: not chronic.
    const at6005 = computeStudentFigures(
      student([...base, unexcused(85), tardy(81, 215)], { gradeLevel: '09' }),
      CAL,
      ohio,
      day(100),
    );
    expect(at6005.total).toMatchObject({ minutesMissed: 6005, chronic: false });
  });

  it('has no minimum hours for pre-kindergarten: a rate, but no chronic flag', () => {
    // PK is outside the profile's grades and has no minimum hours: not eligible, chronic null.
    // The minutes are still counted: 5460 of 36,000.
    const figures = computeStudentFigures(
      student([...base, tardy(81, 30)], { gradeLevel: 'PK' }),
      CAL,
      ohio,
      day(100),
    );
    expect(figures.total).toMatchObject({
      minutesMissed: 5460,
      eligible: false,
      chronic: null,
      tier: 'moderate_chronic',
    });
    // Kindergarten (KG) is in K-6: 910 hours, so the same 5460 minutes are chronic.
    expect(
      computeStudentFigures(student([...base, tardy(81, 30)], { gradeLevel: 'KG' }), CAL, ohio, day(100))
        .total.chronic,
    ).toBe(true);
  });
});

describe('Ohio statutory truancy (ORC 3321.191)', () => {
  it('sends the notice at 45 unexcused hours, not counting excused absences', () => {
    const events = [
      // Unexcused whole days: September 0, 2, 4, 6 (4 × 360 = 1440); October 20, 22, 24 (3 × 360 = 1080).
      ...[0, 2, 4, 6, 20, 22, 24].map(unexcused),
      // Day 26 (October): an unexcused 120-minute partial and a 60-minute tardy: 180.
      partial(26, 120),
      tardy(26, 60),
      // Five consecutive excused days (8..12, September): not counted at all.
      ...[8, 9, 10, 11, 12].map(excused),
    ];
    // Year: 1440 + 1080 + 180 = 2700 = 45 h → notice due. Months: September 1440, October 1260 → max 1440.
    // Consecutive: no two unexcused whole days are next to each other → 360.
    // Habitual: 360 < 1800 (30 h), 1440 < 2520 (42 h), 2700 < 4320 (72 h) → no.
    const figures = computeStudentFigures(student(events), CAL, ohio, day(60));
    expect(figures.statutory.ohio).toEqual({
      unexcusedMinutesYear: 2700,
      unexcusedMinutesMaxMonth: 1440,
      unexcusedMinutesConsecutive: 360,
      habitualTruant: false,
      noticeDue: true,
    });
    expect(figures.statutory.connecticut).toBeNull();
    // Time missed for chronic absence counts the excused days: 2700 + 5 × 360 = 4500.
    expect(figures.total.minutesMissed).toBe(4500);
    // A 59-minute tardy: 2699 < 2700 → no notice yet.
    const short = [...events.filter((e) => e.category !== 'tardy'), tardy(26, 59)];
    expect(computeStudentFigures(student(short), CAL, ohio, day(60)).statutory.ohio).toMatchObject({
      unexcusedMinutesYear: 2699,
      noticeDue: false,
    });
  });

  it('is habitual at 72 unexcused hours in the year', () => {
    // 12 whole days, 4 a month (September 0, 2, 4, 6; October 20, 22, 24, 26; November 40, 42, 44, 46):
    // year 12 × 360 = 4320 = 72 h → habitual; each month 1440; consecutive 360.
    const twelve = [0, 2, 4, 6, 20, 22, 24, 26, 40, 42, 44, 46];
    expect(computeStudentFigures(student(twelve.map(unexcused)), CAL, ohio, day(60)).statutory.ohio).toEqual({
      unexcusedMinutesYear: 4320,
      unexcusedMinutesMaxMonth: 1440,
      unexcusedMinutesConsecutive: 360,
      habitualTruant: true,
      noticeDue: true,
    });
    // 11 days: 3960 = 66 h < 72 → not habitual; still >= 45 h → notice due.
    expect(
      computeStudentFigures(student(twelve.slice(1).map(unexcused)), CAL, ohio, day(60)).statutory.ohio,
    ).toMatchObject({ unexcusedMinutesYear: 3960, habitualTruant: false, noticeDue: true });
  });

  it('is habitual at 42 unexcused hours in one calendar month', () => {
    // October 20, 22, 24, 26, 28, 30, 32: 7 × 360 = 2520 = 42 h in one month → habitual.
    // Year 2520 < 4320, consecutive 360 < 1800, notice 2520 < 2700.
    const october = [20, 22, 24, 26, 28, 30, 32];
    expect(computeStudentFigures(student(october.map(unexcused)), CAL, ohio, day(60)).statutory.ohio).toEqual(
      {
        unexcusedMinutesYear: 2520,
        unexcusedMinutesMaxMonth: 2520,
        unexcusedMinutesConsecutive: 360,
        habitualTruant: true,
        noticeDue: false,
      },
    );
    // Move one to September (day 16, Tuesday 29 September): October 6 × 360 = 2160, September 360 → not habitual.
    const split = [16, 20, 22, 24, 26, 28, 30];
    expect(
      computeStudentFigures(student(split.map(unexcused)), CAL, ohio, day(60)).statutory.ohio,
    ).toMatchObject({ unexcusedMinutesYear: 2520, unexcusedMinutesMaxMonth: 2160, habitualTruant: false });
  });

  it('is habitual at 30 consecutive unexcused hours, over a weekend, broken by an excused day', () => {
    // Days 3..7: Thursday 10, Friday 11, Monday 14, Tuesday 15, Wednesday 16 September — consecutive school
    // days across the weekend: 5 × 360 = 1800 = 30 h → habitual (month and year are only 1800).
    const five = [3, 4, 5, 6, 7];
    expect(computeStudentFigures(student(five.map(unexcused)), CAL, ohio, day(60)).statutory.ohio).toEqual({
      unexcusedMinutesYear: 1800,
      unexcusedMinutesMaxMonth: 1800,
      unexcusedMinutesConsecutive: 1800,
      habitualTruant: true,
      noticeDue: false,
    });
    // Day 5 excused instead: runs 3-4 and 6-7 of 720 each; year 4 × 360 = 1440 → not habitual.
    const broken = [unexcused(3), unexcused(4), excused(5), unexcused(6), unexcused(7)];
    expect(computeStudentFigures(student(broken), CAL, ohio, day(60)).statutory.ohio).toMatchObject({
      unexcusedMinutesYear: 1440,
      unexcusedMinutesConsecutive: 720,
      habitualTruant: false,
    });
    // Day 5 an unexcused 60-minute partial (not wholly absent): it breaks the run, but its minutes count.
    // Year 1440 + 60 = 1500; consecutive 720.
    const partly = [unexcused(3), unexcused(4), partial(5, 60), unexcused(6), unexcused(7)];
    expect(computeStudentFigures(student(partly), CAL, ohio, day(60)).statutory.ohio).toMatchObject({
      unexcusedMinutesYear: 1500,
      unexcusedMinutesConsecutive: 720,
      habitualTruant: false,
    });
  });

  it('has no statutory figures under the federal profile', () => {
    const figures = computeStudentFigures(student([3, 4, 5, 6, 7].map(unexcused)), CAL, federal, day(60));
    expect(figures.statutory).toEqual({ ohio: null, connecticut: null });
  });
});

describe('Connecticut truancy (CGS 10-198a)', () => {
  it('is truant at 4 unexcused days in one month, not at 3 in each of two months', () => {
    // September 0, 2, 4, 6: 4 in a month → truant; year 4 < 20 → not habitual.
    const four = computeStudentFigures(student([0, 2, 4, 6].map(unexcused)), CAL, connecticut, day(60));
    expect(four.statutory.connecticut).toEqual({
      unexcusedDaysYear: 4,
      unexcusedDaysMaxMonth: 4,
      truant: true,
      habitualTruant: false,
    });
    expect(four.statutory.ohio).toBeNull();
    // September 0, 2, 4 and October 20, 22, 24: 3 and 3; year 6 < 10 → not truant.
    // Excused days (6, 8 in September) and an unexcused quarter day (day 10: 250 < 500) do not count.
    const events = [
      ...[0, 2, 4, 20, 22, 24].map(unexcused),
      excused(6),
      excused(8),
      absence(day(10), { category: 'partial', dayFraction: 0.25 }),
    ];
    expect(computeStudentFigures(student(events), CAL, connecticut, day(60)).statutory.connecticut).toEqual({
      unexcusedDaysYear: 6,
      unexcusedDaysMaxMonth: 3,
      truant: false,
      habitualTruant: false,
    });
  });

  it('is truant at 10 unexcused days in the year and habitual at 20', () => {
    // 3 in September (0, 2, 4), 3 in October (20, 22, 24), 3 in November (40, 42, 44), 1 in December (62):
    // year 10 → truant, though no month reaches 4.
    const ten = [0, 2, 4, 20, 22, 24, 40, 42, 44, 62];
    expect(
      computeStudentFigures(student(ten.map(unexcused)), CAL, connecticut, day(100)).statutory.connecticut,
    ).toEqual({ unexcusedDaysYear: 10, unexcusedDaysMaxMonth: 3, truant: true, habitualTruant: false });
    // Without December: 9 → not truant.
    expect(
      computeStudentFigures(student(ten.slice(0, 9).map(unexcused)), CAL, connecticut, day(100)).statutory
        .connecticut,
    ).toMatchObject({ unexcusedDaysYear: 9, truant: false });
    // Every other day 0, 2, …, 38: September 0..16 (9 days), October 18..38 (11 days); year 20 → habitual.
    const twenty = Array.from({ length: 20 }, (_, i) => i * 2);
    expect(
      computeStudentFigures(student(twenty.map(unexcused)), CAL, connecticut, day(100)).statutory.connecticut,
    ).toEqual({ unexcusedDaysYear: 20, unexcusedDaysMaxMonth: 11, truant: true, habitualTruant: true });
    // 19 (without day 38): October 10 → still truant, not habitual.
    expect(
      computeStudentFigures(student(twenty.slice(0, 19).map(unexcused)), CAL, connecticut, day(100)).statutory
        .connecticut,
    ).toEqual({ unexcusedDaysYear: 19, unexcusedDaysMaxMonth: 10, truant: true, habitualTruant: false });
  });
});

describe('patterns', () => {
  // 40 days enrolled (asOf = day 40): 8 weeks, so each weekday has 8 days and the other weekdays 32.
  const patterns = (events: ModelEvent[], extra: Partial<ModelStudent> = {}) =>
    computeStudentFigures(student(events, extra), CAL, federal, day(40)).patterns;

  it('finds a weekday missed 3 times or more at twice the rate of the other days', () => {
    // Mondays 0, 5, 10: 3 / 8; other days 0 / 32 → Monday (1).
    expect(patterns([0, 5, 10].map(unexcused)).dayOfWeek).toBe(1);
    // Plus 6 other days (Tuesdays 1, 6; Wednesdays 2, 7; Thursdays 3, 8): Monday 3 / 8 = 37.5%,
    // others 6 / 32 = 18.75%: exactly twice → Monday (3 × 32 = 96 >= 2 × 6 × 8 = 96).
    expect(patterns([0, 5, 10, 1, 6, 2, 7, 3, 8].map(unexcused)).dayOfWeek).toBe(1);
    // Plus a Friday (4) too: others 7 / 32 = 21.875%, twice is 43.75% > 37.5% → none
    // (and no other weekday has 3).
    expect(patterns([0, 5, 10, 1, 6, 2, 7, 3, 8, 4].map(unexcused)).dayOfWeek).toBeNull();
    // Only 2 Mondays: fewer than 3 → none.
    expect(patterns([0, 5].map(unexcused)).dayOfWeek).toBeNull();
    // 3 Monday partial days of 0.4 (under half): no whole days → none.
    expect(
      patterns([0, 5, 10].map((i) => absence(day(i), { category: 'partial', dayFraction: 0.4 }))).dayOfWeek,
    ).toBeNull();
  });

  it('names the weekday missed at the highest rate when two qualify', () => {
    // Mondays 0, 5, 10 (3 / 8, others 4 / 32: 96 >= 64 → qualifies) and
    // Fridays 4, 9, 14, 19 (4 / 8, others 3 / 32: 128 >= 48 → qualifies, and 4 / 8 > 3 / 8) → Friday (5).
    expect(patterns([0, 5, 10, 4, 9, 14, 19].map(unexcused)).dayOfWeek).toBe(5);
  });

  it('finds days around a holiday missed at twice the rate of the other days', () => {
    // 42 weekdays (days 0..41, to Tuesday 3 November) less two holidays: Wednesday 23 September (day 12)
    // and Monday 12 October (day 25) → 40 school days.
    // Next to a holiday: Tuesday 22 Sep (11), Thursday 24 Sep (13), Friday 9 Oct (24), Tuesday 13 Oct (26): 4 days.
    // The first Monday and the last Tuesday border days outside the school year; weekends are not breaks.
    const holidays = new Set([day(12), day(25)]);
    const calendars = new Map<string, ModelCalendar>([
      ['cal-a', { days: weekdays(42).filter((d) => !holidays.has(d.date)), lastAttendanceDate: null }],
    ]);
    const around = (indices: number[]) =>
      computeStudentFigures(student(indices.map(unexcused)), calendars, federal, day(42)).patterns
        .aroundBreaks;
    // Days 11 and 24: 2 / 4 near breaks, 0 / 36 otherwise → true.
    expect(around([11, 24])).toBe(true);
    // Plus days 0..8 (none near a break): others 9 / 36 = 25%, near 50%: exactly twice
    // (2 × 36 = 72 >= 2 × 9 × 4 = 72) → true.
    expect(around([11, 24, 0, 1, 2, 3, 4, 5, 6, 7, 8])).toBe(true);
    // Plus day 9 as well: others 10 / 36 = 27.8%, twice is 55.6% > 50% → false.
    expect(around([11, 24, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toBe(false);
    // Only one day near a break (11): fewer than 2 → false.
    expect(around([11])).toBe(false);
    // Without holidays no day is near a break, however many Mondays and Fridays are missed.
    expect(patterns([4, 5, 9, 10, 14].map(unexcused)).aroundBreaks).toBe(false);
  });

  it('finds a section skipped on 3 days the student was otherwise at school', () => {
    const sections: ModelSection[] = ['hr', 'p1', 'p2'].map((sectionId) => ({
      sectionId,
      schoolId: 'school-a',
      entryDate: day(0),
      endDateExclusive: null,
      isHomeroom: sectionId === 'hr',
    }));
    const cut = (i: number, sectionId: string) => absence(day(i), { sectionId });
    // Homeroom rule (federal): missing period 2 alone does not make the day absent.
    // Period 2 missed on days 0, 3, 6: 3 days at school → p2, 3 days; no day absent.
    const three = computeStudentFigures(
      student([cut(0, 'p2'), cut(3, 'p2'), cut(6, 'p2')], { sections }),
      CAL,
      federal,
      day(40),
    );
    expect(three.patterns.skippedSection).toEqual({ sectionId: 'p2', days: 3 });
    expect(three.total.daysAbsent).toBe(0);
    // On day 6 homeroom is missed too: the day is absent, so period 2 there is not a skip → 2 days → none.
    const absentDay = computeStudentFigures(
      student([cut(0, 'p2'), cut(3, 'p2'), cut(6, 'p2'), cut(6, 'hr')], { sections }),
      CAL,
      federal,
      day(40),
    );
    expect(absentDay.patterns.skippedSection).toBeNull();
    expect(absentDay.total.daysAbsent).toBe(1);
    // Period 1 on days 0, 1, 2 (3) and period 2 on days 3, 4, 5, 6 (4): the most skipped one, p2 with 4.
    const events = [...[0, 1, 2].map((i) => cut(i, 'p1')), ...[3, 4, 5, 6].map((i) => cut(i, 'p2'))];
    expect(patterns(events, { sections }).skippedSection).toEqual({ sectionId: 'p2', days: 4 });
  });

  it('sees a worsening or improving trend of 10 points or more over the last 20 school days', () => {
    // 40 days: earlier days 0..19 (20 days), recent days 20..39 (20 days).
    // Recent 30, 32, 34: 3 / 20 = 15%; earlier 0% → 15 points worse → worsening.
    expect(patterns([30, 32, 34].map(unexcused)).trend).toBe('worsening');
    // Plus earlier day 0: 15% − 5% = 10 points exactly → worsening.
    expect(patterns([0, 30, 32, 34].map(unexcused)).trend).toBe('worsening');
    // Earlier days 0 and 10: 15% − 10% = 5 points → none.
    expect(patterns([0, 10, 30, 32, 34].map(unexcused)).trend).toBeNull();
    // Recent 30, 32: 10% − 0% = 10 points, but fewer than 3 recent absences → none.
    expect(patterns([30, 32].map(unexcused)).trend).toBeNull();
    // Earlier 0, 2, 4: 15%; recent 0% → improving.
    expect(patterns([0, 2, 4].map(unexcused)).trend).toBe('improving');
    // Earlier 0, 2, 4 and recent 30: 15% − 5% = 10 points → improving.
    expect(patterns([0, 2, 4, 30].map(unexcused)).trend).toBe('improving');
    // With 39 days (asOf = day 39) the earlier days are 0..18: 19 < 20 → no trend yet.
    expect(
      computeStudentFigures(student([0, 2, 4].map(unexcused)), CAL, federal, day(39)).patterns.trend,
    ).toBeNull();
  });
});

describe('runs and the kind of a day', () => {
  it('does not continue a run across an enrolment gap at the same school', () => {
    // Enrolled days 0..9, left, back from day 15. Absent 7, 8, 9 and 15, 16.
    // Days 9 and 15 follow each other in the student's days but are not consecutive school days:
    // runs of 3 and 2 → 3; Ohio consecutive 3 × 360 = 1080 (not 5 × 360 = 1800).
    const spans = [
      { schoolId: 'school-a', calendarId: 'cal-a', entryDate: day(0), endDateExclusive: day(10) },
      { schoolId: 'school-a', calendarId: 'cal-a', entryDate: day(15), endDateExclusive: null },
    ];
    const events = [7, 8, 9, 15, 16].map(unexcused);
    const figures = computeStudentFigures(student(events, { spans }), CAL, ohio, day(40));
    // Days enrolled: 10 + (40 − 15) = 35.
    expect(figures.total).toMatchObject({ daysEnrolled: 35, longestRun: 3 });
    expect(figures.statutory.ohio).toMatchObject({
      unexcusedMinutesYear: 1800,
      unexcusedMinutesConsecutive: 1080,
      habitualTruant: false,
    });
    // Enrolled throughout and absent 7..11 instead: one run of 5 (1800 min → habitual).
    const continuous = computeStudentFigures(student([7, 8, 9, 10, 11].map(unexcused)), CAL, ohio, day(40));
    expect(continuous.total.longestRun).toBe(5);
    expect(continuous.statutory.ohio).toMatchObject({
      unexcusedMinutesConsecutive: 1800,
      habitualTruant: true,
    });
  });

  it('does not continue a run across a transfer between schools', () => {
    const calendars = new Map<string, ModelCalendar>([
      ['cal-a', { days: weekdays(180), lastAttendanceDate: null }],
      ['cal-b', { days: weekdays(180), lastAttendanceDate: null }],
    ]);
    const spans = [
      { schoolId: 'school-a', calendarId: 'cal-a', entryDate: day(0), endDateExclusive: day(10) },
      { schoolId: 'school-b', calendarId: 'cal-b', entryDate: day(10), endDateExclusive: null },
    ];
    // Absent at A on 7, 8, 9 (Wednesday 16 to Friday 18 Sep) and at B on 10, 11 (Monday 21, Tuesday 22 Sep).
    const events = [
      ...[7, 8, 9].map(unexcused),
      ...[10, 11].map((i) => absence(day(i), { schoolId: 'school-b' })),
    ];
    const figures = computeStudentFigures(student(events, { spans }), calendars, ohio, day(40));
    // Runs per school: A 3, B 2 → longest 3; Ohio consecutive 3 × 360 = 1080; September total 5 × 360 = 1800.
    expect(figures.bySchool.map((s) => [s.schoolId, s.longestRun])).toEqual([
      ['school-a', 3],
      ['school-b', 2],
    ]);
    expect(figures.total.longestRun).toBe(3);
    expect(figures.statutory.ohio).toMatchObject({
      unexcusedMinutesYear: 1800,
      unexcusedMinutesMaxMonth: 1800,
      unexcusedMinutesConsecutive: 1080,
      habitualTruant: false,
    });
  });

  it('names a day by the graver kind on a tie: OSS over unexcused over excused', () => {
    const events = [
      excused(0), // day 0: excused then unexcused → unexcused
      unexcused(0),
      unexcused(1), // day 1: unexcused then excused → unexcused
      excused(1),
      unexcused(2), // day 2: unexcused and out-of-school suspension → OSS
      absence(day(2), { category: 'out_of_school_suspension', isExcused: null }),
    ];
    // 3 days absent: excused 0, unexcused 2 (days 0, 1), OSS 1 (day 2).
    expect(computeStudentFigures(student(events), CAL, federal, day(10)).total).toMatchObject({
      daysAbsent: 3,
      excused: 0,
      unexcused: 2,
      outOfSchoolSuspension: 1,
    });
    // Connecticut counts the 2 unexcused days; Ohio 2 × 360 = 720 unexcused minutes, in one run of 2.
    expect(
      computeStudentFigures(student(events), CAL, connecticut, day(10)).statutory.connecticut,
    ).toMatchObject({ unexcusedDaysYear: 2 });
    expect(computeStudentFigures(student(events), CAL, ohio, day(10)).statutory.ohio).toMatchObject({
      unexcusedMinutesYear: 720,
      unexcusedMinutesConsecutive: 720,
    });
  });
});

describe('addMonths', () => {
  it('clamps to the last day of the month, as PostgreSQL does', () => {
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-28'); // 2027 is not a leap year
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29'); // 2028 is
    expect(addMonths('2026-12-15', 2)).toBe('2027-02-15'); // over the year end
    expect(addMonths('2026-08-31', 1)).toBe('2026-09-30'); // September has 30 days
    expect(addMonths('2026-09-07', 0)).toBe('2026-09-07');
  });
});

describe('tierOf', () => {
  it('compares exactly, in integers', () => {
    // 1000 / 20,000 = 5%: 1000 × 20 = 20,000 >= 20,000 → at risk.
    expect(tierOf(1000, 20_000)).toBe('at_risk');
    // 999 × 20 = 19,980 < 20,000 → satisfactory.
    expect(tierOf(999, 20_000)).toBe('satisfactory');
    // 2000 / 20,000 = 10%: 2000 × 10 = 20,000 → moderate chronic; 1999 → at risk.
    expect(tierOf(2000, 20_000)).toBe('moderate_chronic');
    expect(tierOf(1999, 20_000)).toBe('at_risk');
    // 4000 / 20,000 = 20%: 4000 × 5 = 20,000 → severe chronic; 3999 → moderate.
    expect(tierOf(4000, 20_000)).toBe('severe_chronic');
    expect(tierOf(3999, 20_000)).toBe('moderate_chronic');
    // Nothing expected: satisfactory.
    expect(tierOf(0, 0)).toBe('satisfactory');
  });
});
