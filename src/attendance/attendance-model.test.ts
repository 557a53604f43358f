/**
 * Golden cases for the reference model, worked by hand (the arithmetic is in each test),
 * and properties that hold for any student.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeStudentFigures, type ModelCalendar, type ModelEvent } from './attendance-model.ts';
import { DEFINITION_PROFILES, type DefinitionProfile } from './definition-profiles.ts';
import { absence, CAL, day, student, weekdays } from './model-fixtures.ts';

const federal = DEFINITION_PROFILES.federal as DefinitionProfile;

describe('attendance reference model: golden cases', () => {
  it('is chronic at exactly 10%: 3 absences in 30 school days', () => {
    // 30 days enrolled (asOf = the 31st school day); 3 / 30 = 0.1 → chronic (>= 10%, unrounded).
    const figures = computeStudentFigures(
      student([0, 5, 9].map((i) => absence(day(i)))),
      CAL,
      federal,
      day(30),
    );
    expect(figures.total).toMatchObject({
      daysEnrolled: 30,
      daysAbsent: 3,
      rate: 0.1,
      chronic: true,
      tier: 'moderate_chronic',
    });
    // 3 absences in 31 days = 9.68% → not chronic, at risk.
    const later = computeStudentFigures(
      student([0, 5, 9].map((i) => absence(day(i)))),
      CAL,
      federal,
      day(31),
    );
    expect(later.total).toMatchObject({ daysEnrolled: 31, chronic: false, tier: 'at_risk' });
  });

  it('counts a partial day by the half-day rule, or sums fractions when the profile says so', () => {
    const events = [
      absence(day(0)),
      absence(day(1)),
      absence(day(2), { category: 'partial', dayFraction: 0.5 }), // half: counts as a day
      absence(day(3), { category: 'partial', dayFraction: 0.499 }), // under half: 0
      absence(day(4), { category: 'partial', minutes: 180, dayFraction: null }), // 180 / 360 = 0.5: a day
    ];
    const threshold = computeStudentFigures(student(events), CAL, federal, day(40));
    expect(threshold.total.daysAbsent).toBe(4); // 1 + 1 + 1 + 0 + 1
    expect(threshold.total.chronic).toBe(true); // 4 / 40 = 10%
    const sum: DefinitionProfile = { ...federal, daily: { ...federal.daily, partialDays: 'sum' } };
    const summed = computeStudentFigures(student(events), CAL, sum, day(40));
    expect(summed.total.daysAbsent).toBeCloseTo(3.499, 9); // 1 + 1 + 0.5 + 0.499 + 0.5
    expect(summed.total.chronic).toBe(false); // 3.499 / 40 = 8.7%
  });

  it('counts out-of-school suspension as absent and in-school suspension as present', () => {
    const events = [
      absence(day(0), { category: 'out_of_school_suspension', isExcused: null }),
      absence(day(1), { category: 'in_school_suspension', isExcused: null }),
      absence(day(2), { category: 'excused_absence', isExcused: true }),
      absence(day(3), { category: 'tardy', minutes: 20 }),
      absence(day(3), { category: 'early_departure', minutes: 60 }),
    ];
    const figures = computeStudentFigures(student(events), CAL, federal, day(10));
    expect(figures.total).toMatchObject({
      daysAbsent: 2,
      outOfSchoolSuspension: 1,
      excused: 1,
      unexcused: 0,
      tardies: 1,
      earlyDepartures: 1,
      daysAttended: 8,
    });
  });

  it('counts only days inside the enrolment span (end exclusive) and up to the last attendance date', () => {
    const spans = [
      { schoolId: 'school-a', calendarId: 'cal-a', entryDate: day(10), endDateExclusive: day(20) },
    ];
    const events = [absence(day(5)), absence(day(10)), absence(day(19)), absence(day(20))];
    const figures = computeStudentFigures(student(events, { spans }), CAL, federal, day(100));
    // Days 10..19 inclusive = 10 days; absences on days 10 and 19 count, 5 and 20 are outside.
    expect(figures.total).toMatchObject({ daysEnrolled: 10, daysAbsent: 2 });
    const capped = new Map([['cal-a', { days: weekdays(180), lastAttendanceDate: day(14) }]]);
    expect(
      computeStudentFigures(student(events, { spans }), capped, federal, day(100)).total.daysEnrolled,
    ).toBe(5);
  });

  it('keeps each school of a transfer apart and adds them up in total, on their own calendars', () => {
    const calendars = new Map<string, ModelCalendar>([
      ['cal-a', { days: weekdays(180), lastAttendanceDate: null }],
      // School B's calendar closes on Fridays: 4 school days a week.
      [
        'cal-b',
        {
          days: weekdays(180).filter((d) => new Date(`${d.date}T00:00:00Z`).getUTCDay() !== 5),
          lastAttendanceDate: null,
        },
      ],
    ]);
    const spans = [
      { schoolId: 'school-a', calendarId: 'cal-a', entryDate: day(0), endDateExclusive: day(20) },
      { schoolId: 'school-b', calendarId: 'cal-b', entryDate: day(20), endDateExclusive: null },
    ];
    const events = [absence(day(1)), absence(day(21), { schoolId: 'school-b' })];
    const figures = computeStudentFigures(student(events, { spans }), calendars, federal, day(40));
    // A: days 0..19 = 20 days. B: days 20..39 = 20 weekdays (4 weeks from Monday 5 Oct) less 4 Fridays = 16.
    expect(figures.bySchool.map((s) => [s.schoolId, s.daysEnrolled, s.daysAbsent])).toEqual([
      ['school-a', 20, 1],
      ['school-b', 16, 1],
    ]);
    expect(figures.total).toMatchObject({ daysEnrolled: 36, daysAbsent: 2 });
  });

  it('derives a day from period attendance by homeroom, any section, or all sections', () => {
    const sections = ['hr', 'p1', 'p2'].map((sectionId) => ({
      sectionId,
      schoolId: 'school-a',
      entryDate: day(0),
      endDateExclusive: null,
      isHomeroom: sectionId === 'hr',
    }));
    const events = [
      absence(day(0), { sectionId: 'p1' }), // one period missed
      absence(day(1), { sectionId: 'hr' }), // homeroom missed
      ...['hr', 'p1', 'p2'].map((sectionId) => absence(day(2), { sectionId })), // every period missed
    ];
    const with_ = (fromPeriods: DefinitionProfile['daily']['fromPeriods']) =>
      computeStudentFigures(
        student(events, { sections }),
        CAL,
        { ...federal, daily: { ...federal.daily, fromPeriods } },
        day(10),
      ).total.daysAbsent;
    expect(with_('homeroom')).toBe(2); // days 1 and 2
    expect(with_('any_section')).toBe(3); // days 0, 1 and 2
    expect(with_('all_sections')).toBe(1); // day 2
  });

  it('applies count thresholds and eligibility from the profile', () => {
    const fifteen = Array.from({ length: 15 }, (_, i) => absence(day(i * 2)));
    const crdc = DEFINITION_PROFILES.crdc as DefinitionProfile;
    expect(computeStudentFigures(student(fifteen), CAL, crdc, day(150)).total.chronic).toBe(true); // 15 days
    expect(computeStudentFigures(student(fifteen.slice(1)), CAL, crdc, day(150)).total.chronic).toBe(false); // 14
    const dashboard = DEFINITION_PROFILES.california_dashboard as DefinitionProfile;
    const high = computeStudentFigures(student(fifteen, { gradeLevel: '09' }), CAL, dashboard, day(100));
    expect(high.total).toMatchObject({ eligible: false, chronic: null });
    // Enrolled 30 days (< 31): not yet eligible, though 15 / 30 = 50%.
    expect(computeStudentFigures(student(fifteen), CAL, dashboard, day(30)).total.chronic).toBeNull();
    expect(computeStudentFigures(student(fifteen), CAL, dashboard, day(31)).total.chronic).toBe(true);
  });

  it('raises the early signal at 2 absences in the first month, 4 by the second', () => {
    // School starts Monday 7 September; the first month ends before 7 October.
    const first = computeStudentFigures(student([absence(day(2)), absence(day(15))]), CAL, federal, day(60));
    expect(first.earlySignalMonth).toBe(1);
    // One absence in September, three more in October: 4 by the end of month 2 (before 7 November).
    const second = [absence(day(2)), absence(day(23)), absence(day(24)), absence(day(30))];
    expect(computeStudentFigures(student(second), CAL, federal, day(60)).earlySignalMonth).toBe(2);
    expect(
      computeStudentFigures(student([absence(day(2))]), CAL, federal, day(60)).earlySignalMonth,
    ).toBeNull();
  });

  it('projects absences to the last day and says whether the student is on track to be chronic', () => {
    // 9 absences in 90 days, 90 days left: 9 + 0.1 × 90 = 18 of 180 = 10% → on track.
    const events = Array.from({ length: 9 }, (_, i) => absence(day(i * 10)));
    const figures = computeStudentFigures(student(events), CAL, federal, day(90));
    expect(figures.projection.remainingDays).toBe(90);
    expect(figures.projection.atCurrentPace).toBeCloseTo(18, 9);
    expect(figures.projection.onTrackToBeChronic).toBe(true);
    expect(figures.projection.explanation).toContain('9 days absent in 90 school days so far');
    // 4 absences in 90 days: 8 of 180 = 4.4%, and recent weeks are clean → not on track.
    const few = computeStudentFigures(student(events.slice(0, 4)), CAL, federal, day(90));
    expect(few.projection.onTrackToBeChronic).toBe(false);
  });

  it('finds the longest run of consecutive absent days', () => {
    const events = [0, 1, 2, 5, 6, 7, 8].map((i) => absence(day(i)));
    expect(computeStudentFigures(student(events), CAL, federal, day(20)).total.longestRun).toBe(4);
  });
});

describe('attendance reference model: properties', () => {
  const eventArb = fc.record({
    i: fc.integer({ min: 0, max: 59 }),
    category: fc.constantFrom(
      'excused_absence',
      'unexcused_absence',
      'partial',
      'out_of_school_suspension',
      'in_school_suspension',
      'tardy',
    ) as fc.Arbitrary<ModelEvent['category']>,
    fraction: fc.option(fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000)),
  });

  it('keeps its figures consistent for any events and span', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 80 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 60 }),
        (raw, entry, asOfIndex) => {
          const events = raw.map((e) =>
            absence(day(e.i), {
              category: e.category,
              dayFraction: e.fraction,
              isExcused: e.category === 'excused_absence',
            }),
          );
          const spans = [
            { schoolId: 'school-a', calendarId: 'cal-a', entryDate: day(entry), endDateExclusive: null },
          ];
          const { total, bySchool } = computeStudentFigures(
            student(events, { spans }),
            CAL,
            federal,
            day(asOfIndex),
          );
          expect(total.daysEnrolled).toBe(Math.max(0, asOfIndex - entry));
          expect(total.rate).toBeGreaterThanOrEqual(0);
          expect(total.rate).toBeLessThanOrEqual(1);
          expect(total.excused + total.unexcused + total.outOfSchoolSuspension).toBeCloseTo(
            total.daysAbsent,
            9,
          );
          expect(bySchool.reduce((sum, s) => sum + s.daysEnrolled, 0)).toBe(total.daysEnrolled);
          // Whole days only (threshold mode): chronic exactly when 10 × absences >= days enrolled.
          expect(Number.isInteger(total.daysAbsent)).toBe(true);
          if (total.daysEnrolled > 0) expect(total.chronic).toBe(10 * total.daysAbsent >= total.daysEnrolled);
        },
      ),
      { numRuns: 300 },
    );
  });
});
