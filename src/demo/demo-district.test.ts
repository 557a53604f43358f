/**
 * The demo generator is deterministic for a seed and realistic: chronic absence, tiers,
 * language mix, channels and the attendance patterns fall in the ranges we intend, and
 * no event falls on a day the student was not expected at school.
 */
import { describe, expect, it } from 'vitest';
import { demoCalendarDays, demoSchoolDays } from './demo-calendar.ts';
import { type DemoFamily, type DemoOptions, demoSignIns, generateDemoDistrict } from './demo-district.ts';

const OPTIONS: DemoOptions = { seed: 2026, students: 1_500, asOf: '2027-03-15' };
const ABSENCE = new Set(['excused_absence', 'unexcused_absence', 'out_of_school_suspension']);

function collect(options: DemoOptions): DemoFamily[] {
  return [...generateDemoDistrict(options).families()];
}

interface StudentYear {
  readonly enrolled: number;
  readonly absent: number;
  readonly mondayFridayShare: number;
}

/** Days enrolled and days absent (full days, OSS, partial days of half or more) per student. */
function studentYears(families: readonly DemoFamily[], asOf: string): Map<string, StudentYear> {
  const days = demoSchoolDays()
    .filter((day) => day.date < asOf)
    .map((day) => day.date);
  const out = new Map<string, StudentYear>();
  for (const family of families) {
    for (const student of family.students ?? []) {
      const id = student.student_id as string;
      const spans = (family.enrolment_spans ?? []).filter((span) => span.student_id === id);
      const enrolled = days.filter((date) =>
        spans.some(
          (span) =>
            date >= span.entry_date && (span.end_date_exclusive == null || date < span.end_date_exclusive),
        ),
      ).length;
      let absent = 0;
      let mondayFriday = 0;
      for (const event of family.attendance_events ?? []) {
        if (event.student_id !== id || event.section_id) continue;
        const counts =
          ABSENCE.has(event.category) || (event.category === 'partial' && Number(event.day_fraction) >= 0.5);
        if (!counts) continue;
        absent += 1;
        const weekday = new Date(`${event.date}T00:00:00Z`).getUTCDay();
        if (weekday === 1 || weekday === 5) mondayFriday += 1;
      }
      out.set(id, { enrolled, absent, mondayFridayShare: absent ? mondayFriday / absent : 0 });
    }
  }
  return out;
}

describe('demo district generator', () => {
  const families = collect(OPTIONS);
  const students = families.flatMap((family) => family.students ?? []);
  const traits = families.flatMap((family) => family.traits);
  const years = studentYears(families, OPTIONS.asOf);

  it('is deterministic for a seed and different for another seed', () => {
    const again = collect(OPTIONS);
    expect(JSON.stringify(again)).toBe(JSON.stringify(families));
    const other = collect({ ...OPTIONS, seed: 2027 });
    expect(other.flatMap((family) => family.students ?? []).map((student) => student.student_id)).not.toEqual(
      students.map((student) => student.student_id),
    );
  });

  it('makes exactly the number of students asked for, with unique ids', () => {
    expect(students).toHaveLength(1_500);
    expect(new Set(students.map((student) => student.student_id)).size).toBe(1_500);
    expect(new Set(students.map((student) => student.local_id)).size).toBe(1_500);
    const small = collect({ ...OPTIONS, students: 100 });
    expect(small.flatMap((family) => family.students ?? [])).toHaveLength(100);
  });

  it('has about a quarter of students chronically absent, and every tier populated', () => {
    const rates = [...years.values()]
      .filter((year) => year.enrolled > 0)
      .map((year) => year.absent / year.enrolled);
    const share = (predicate: (rate: number) => boolean) => rates.filter(predicate).length / rates.length;
    expect(share((rate) => rate >= 0.1)).toBeGreaterThan(0.2);
    expect(share((rate) => rate >= 0.1)).toBeLessThan(0.32);
    expect(share((rate) => rate < 0.05)).toBeGreaterThan(0.4);
    expect(share((rate) => rate >= 0.05 && rate < 0.1)).toBeGreaterThan(0.1);
    expect(share((rate) => rate >= 0.2)).toBeGreaterThan(0.04);
  });

  it('speaks the languages of a real district, in proportions close to the intended mix', () => {
    const count = (language: string) =>
      students.filter((student) => student.home_language === language).length;
    expect(count('en') / students.length).toBeGreaterThan(0.6);
    expect(count('en') / students.length).toBeLessThan(0.78);
    expect(count('es') / students.length).toBeGreaterThan(0.12);
    expect(count('es') / students.length).toBeLessThan(0.24);
    for (const language of ['zh', 'vi', 'ar', 'ht', 'so'])
      expect(count(language), language).toBeGreaterThan(5);
    const englishLearners = students.filter((student) => student.english_learner);
    expect(englishLearners.every((student) => student.home_language !== 'en')).toBe(true);
    expect(englishLearners.length).toBeGreaterThan(100);
  });

  it('has families across two households and families reachable only by voice or only by SMS', () => {
    const contacts = families.flatMap((family) => family.contacts ?? []);
    const phones = families.flatMap((family) => family.contact_phones ?? []);
    const emails = new Set(
      families.flatMap((family) => family.contact_emails ?? []).map((row) => row.contact_id),
    );
    const twoHouseholds =
      families.filter((family) => (family.households ?? []).length > 1).length / families.length;
    expect(twoHouseholds).toBeGreaterThan(0.08);
    expect(twoHouseholds).toBeLessThan(0.25);
    const voiceOnly = contacts.filter((contact) => contact.preferred_channel === 'voice');
    expect(voiceOnly.length / contacts.length).toBeGreaterThan(0.03);
    expect(voiceOnly.some((contact) => contact.reads_text === false)).toBe(true);
    const landlines = phones.filter((phone) => !phone.can_receive_sms);
    expect(landlines.length).toBeGreaterThan(10);
    const smsOnly = contacts.filter(
      (contact) => contact.preferred_channel === 'sms' && !emails.has(contact.contact_id as string),
    );
    expect(smsOnly.length / contacts.length).toBeGreaterThan(0.2);
    expect(phones.every((phone) => /^\+1\d{3}555\d{4}$/.test(phone.phone_e164))).toBe(true);
  });

  it('puts the patterns in: Monday/Friday, transport, period skipping, movement, suspensions, tardies', () => {
    const byId = new Map(traits.map((trait) => [trait.studentId, trait]));
    const mondayFriday = [...years].filter(([id, year]) => byId.get(id)?.mondayFriday && year.absent >= 5);
    expect(mondayFriday.length).toBeGreaterThan(20);
    const mfShare =
      mondayFriday.reduce((sum, [, year]) => sum + year.mondayFridayShare, 0) / mondayFriday.length;
    expect(mfShare).toBeGreaterThan(0.7); // two days in five would be 0.4 by chance

    const events = families.flatMap((family) => family.attendance_events ?? []);
    const transport = events.filter((event) => event.reason === 'transport');
    const transportStudents = new Set(transport.map((event) => event.student_id));
    const barrier = [...transportStudents].filter((id) => byId.get(id as string)?.transportBarrier).length;
    expect(barrier / transportStudents.size).toBeGreaterThan(0.8);

    const periodEvents = events.filter(
      (event) => event.section_id !== null && event.section_id !== undefined,
    );
    expect(periodEvents.length).toBeGreaterThan(100);
    for (const skipper of traits.filter((trait) => trait.skipsPeriod !== null).slice(0, 20)) {
      const periods = new Set(
        periodEvents
          .filter((event) => event.student_id === skipper.studentId)
          .map((event) => event.period_id),
      );
      expect(periods.size).toBeLessThanOrEqual(1);
    }

    const movements = new Set(traits.map((trait) => trait.movement));
    expect([...movements].sort()).toEqual(['late_entry', 'left', 'none', 'transfer']);
    expect(events.some((event) => event.category === 'out_of_school_suspension')).toBe(true);
    expect(events.some((event) => event.category === 'in_school_suspension')).toBe(true);
    expect(events.filter((event) => event.category === 'tardy').length).toBeGreaterThan(1_000);
    expect(events.some((event) => event.category === 'early_departure')).toBe(true);
    expect(events.some((event) => event.category === 'partial' && event.day_fraction === '0.500')).toBe(true);
    expect(events.some((event) => event.is_excused === true)).toBe(true);
    expect(events.some((event) => event.is_excused === false)).toBe(true);
  });

  it('has a winter illness wave', () => {
    const events = families.flatMap((family) => family.attendance_events ?? []);
    const illnessPerDay = (from: string, to: string) => {
      const days = demoSchoolDays().filter((day) => day.date >= from && day.date <= to).length;
      const count = events.filter(
        (event) => event.reason === 'illness' && event.date >= from && event.date <= to && !event.section_id,
      ).length;
      return count / days;
    };
    expect(illnessPerDay('2027-01-20', '2027-02-18')).toBeGreaterThan(
      1.8 * illnessPerDay('2026-09-01', '2026-11-20'),
    );
  });

  it('records attendance only on school days the student was enrolled, before the as-of date', () => {
    const schoolDays = new Set(demoSchoolDays().map((day) => day.date));
    for (const family of families) {
      for (const event of family.attendance_events ?? []) {
        expect(schoolDays.has(event.date), event.source_id).toBe(true);
        expect(event.date < OPTIONS.asOf).toBe(true);
        const spans = (family.enrolment_spans ?? []).filter(
          (span) => span.student_id === event.student_id && span.school_id === event.school_id,
        );
        const inSpan = spans.some(
          (span) =>
            event.date >= span.entry_date &&
            (span.end_date_exclusive == null || event.date < span.end_date_exclusive),
        );
        expect(inSpan, event.source_id).toBe(true);
      }
    }
  });

  it('lays out a school year with holidays, breaks, closures and a make-up day', () => {
    const types = new Set(demoCalendarDays().map((day) => day.dayType));
    for (const type of [
      'instructional',
      'makeup',
      'holiday',
      'teacher_only',
      'weather_closure',
      'break',
      'weekend',
    ]) {
      expect(types.has(type as never), type).toBe(true);
    }
    // 207 weekdays from 19 Aug 2026 to 3 Jun 2027, less 27 weekday closures (13 single days
    // or ranges: Labor Day ... Memorial Day) = 180; the make-up day is a Friday of spring break.
    expect(demoSchoolDays()).toHaveLength(180);
    expect(demoSchoolDays().find((day) => day.date === '2027-03-26')?.dayType).toBe('makeup');
    expect(demoSchoolDays().some((day) => day.date === '2027-01-27')).toBe(false);
  });

  it('has staff in every role, including the documented sign-ins', () => {
    const structure = [...generateDemoDistrict({ ...OPTIONS, students: 100 }).structure()];
    const grants = structure.flatMap((chunk) => chunk.staff_role_grants ?? []);
    const users = structure.flatMap((chunk) => chunk.staff_users ?? []);
    for (const role of [
      'district_admin',
      'school_admin',
      'attendance_champion',
      'counselor',
      'teacher',
      'analyst',
    ]) {
      expect(
        grants.some((grant) => grant.role === role),
        role,
      ).toBe(true);
    }
    const emails = new Set(users.map((user) => user.email));
    expect(emails.size).toBe(users.length);
    for (const account of demoSignIns()) {
      const user = users.find((candidate) => candidate.email === account.email);
      expect(user, account.email).toBeDefined();
      expect(grants.some((grant) => grant.user_id === user?.user_id && grant.role === account.role)).toBe(
        true,
      );
    }
  });
});
