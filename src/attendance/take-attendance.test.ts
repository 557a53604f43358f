/**
 * Teachers taking attendance through the API: today's roster, marks written as events the
 * engine reads, same-day corrections kept in the history, earlier days for the attendance
 * office only, and clear refusals naming what is wrong.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testEngine } from '../../test/support/database.ts';
import { signInAs } from '../../test/support/sign-in.ts';
import { seedDemoDistrict } from '../demo/demo.service.ts';
import { loadConfig } from '../platform/config.ts';
import { addDays } from '../platform/dates.ts';
import { buildApp } from '../platform/http/app.ts';
import { getSessionPrincipal } from '../staff/session.service.ts';
import type { StaffPrincipal } from '../staff/staff-principal.ts';
import { type Mark, TAKEN_SOURCE, takeAttendance } from './take-attendance.ts';

let database: TestDatabase;
let app: FastifyInstance;
let teacher: string;
let otherTeacher: string;
let admin: string;
let sectionId: string;
/** "Today" for these tests: a school day of the section's school (the real date may be a weekend). */
let today: string;
let earlier: string;
let saturday: string;
let teacherPrincipal: StaffPrincipal;
let adminPrincipal: StaffPrincipal;

const principalOf = (cookie: string) => getSessionPrincipal(database.db, cookie.split('=')[1] as string);

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoDistrict(database.db, { seed: 4, students: 150, asOf: '2027-01-15' });
  app = await buildApp({ config: loadConfig({}), database, logger: pino({ level: 'silent' }) });
  teacher = await signInAs(app, 'teacher@riverside.example.org');
  otherTeacher = await signInAs(app, 'teacher.high@riverside.example.org');
  admin = await signInAs(app, 'admin@riverside.example.org');
  const { rows } = await sql<{ section_id: string; school_id: string }>`
    SELECT ss.section_id, s.school_id FROM section_staff ss
    JOIN staff_users u ON u.district_id = ss.district_id AND u.user_id = ss.user_id
    JOIN sections s ON s.district_id = ss.district_id AND s.section_id = ss.section_id
    WHERE u.email = 'teacher@riverside.example.org' LIMIT 1`.execute(database.db);
  sectionId = rows[0]?.section_id as string;
  const days = await sql<{ date: string; day_type: string }>`
    SELECT cd.date::text AS date, cd.day_type FROM calendars c
    JOIN calendar_days cd ON cd.district_id = c.district_id AND cd.calendar_id = c.calendar_id
    WHERE c.school_id = ${rows[0]?.school_id} AND cd.date <= '2027-01-14' ORDER BY cd.date DESC`.execute(
    database.db,
  );
  const schoolDays = days.rows.filter((day) => day.day_type === 'instructional').map((day) => day.date);
  [today, earlier] = schoolDays as [string, string];
  saturday =
    days.rows.find((day) => new Date(`${day.date}T00:00:00Z`).getUTCDay() === 6)?.date ?? '2027-01-09';
  teacherPrincipal = await principalOf(teacher);
  adminPrincipal = await principalOf(admin);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await database?.close();
});

const roster = (cookie: string, date: string = today) =>
  app.inject({
    method: 'GET',
    url: `/api/sections/${sectionId}/attendance?date=${date}`,
    headers: { cookie },
  });
const take = (cookie: string, payload: object) =>
  app.inject({ method: 'PUT', url: `/api/sections/${sectionId}/attendance`, headers: { cookie }, payload });
/** Marks through the service with this test's "today". */
const mark = (principal: StaffPrincipal, date: string, marks: Mark[]) =>
  takeAttendance(database.db, principal, sectionId, date, marks, { today });
const studentsOnRoster = async () =>
  ((await roster(teacher)).json() as { roster: { studentId: string }[] }).roster.map(
    (entry) => entry.studentId,
  );

describe(`taking attendance (${testEngine()})`, () => {
  it("shows today's roster, everyone present until marked", async () => {
    const response = await roster(teacher);
    expect(response.statusCode).toBe(200);
    const body = response.json() as { roster: { studentId: string; mark: { status: string } }[] };
    expect(body.roster.length).toBeGreaterThan(5);
    expect(body.roster.every((entry) => entry.mark.status === 'present')).toBe(true);
  });

  it('marks absent and tardy, writes events the engine reads, and keeps every same-day correction in the history', async () => {
    const [first, second] = (await studentsOnRoster()) as [string, string];
    await sql`DELETE FROM attendance_refresh_queue`.execute(database.db);
    const marked = await mark(teacherPrincipal, today, [
      { studentId: first, status: 'absent' },
      { studentId: second, status: 'tardy', minutes: 12, reason: 'transport' },
    ]);
    expect(marked.changed).toBe(2);
    const events = await sql<{
      student_id: string;
      category: string;
      minutes: number | null;
      section_id: string;
    }>`
      SELECT student_id, category, minutes, section_id FROM attendance_events WHERE source_system = ${TAKEN_SOURCE}
      ORDER BY category`.execute(database.db);
    expect(events.rows).toEqual([
      { student_id: second, category: 'tardy', minutes: 12, section_id: sectionId },
      { student_id: first, category: 'unexcused_absence', minutes: null, section_id: sectionId },
    ]);
    const queued = await sql<{
      student_id: string;
    }>`SELECT student_id FROM attendance_refresh_queue ORDER BY student_id`.execute(database.db);
    expect(queued.rows.map((row) => row.student_id).sort()).toEqual([first, second].sort());

    // The same marks again change nothing; then a correction: the tardy student was there on time.
    expect((await mark(teacherPrincipal, today, [{ studentId: first, status: 'absent' }])).changed).toBe(0);
    const corrected = await mark(teacherPrincipal, today, [
      { studentId: second, status: 'present' },
      { studentId: first, status: 'absent', excused: true, reason: 'illness' },
    ]);
    expect(corrected.changed).toBe(2);
    const after = corrected.roster;
    expect(after.find((entry) => entry.studentId === second)?.mark).toEqual({
      studentId: second,
      status: 'present',
    });
    expect(after.find((entry) => entry.studentId === first)?.mark).toEqual({
      studentId: first,
      status: 'absent',
      excused: true,
      reason: 'illness',
    });
    const history = await sql<{
      student_id: string;
      previous_mark: { status: string } | null;
      new_mark: { status: string };
    }>`
      SELECT student_id, previous_mark, new_mark FROM attendance_mark_history WHERE section_id = ${sectionId}
      ORDER BY mark_history_id`.execute(database.db);
    expect(
      history.rows.map((row) => [
        row.student_id === first ? 'first' : 'second',
        row.previous_mark?.status,
        row.new_mark.status,
      ]),
    ).toEqual([
      ['first', 'present', 'absent'],
      ['second', 'present', 'tardy'],
      ['second', 'tardy', 'present'],
      ['first', 'absent', 'absent'],
    ]);
    await expect(
      sql`UPDATE attendance_mark_history SET changed_at = now()`.execute(database.db),
    ).rejects.toThrow(/append-only/);
  });

  it('lets a teacher mark today only; the attendance office may correct an earlier school day', async () => {
    const [student] = (await studentsOnRoster()) as [string];
    await expect(mark(teacherPrincipal, earlier, [{ studentId: student, status: 'absent' }])).rejects.toThrow(
      `today is ${today}`,
    );
    expect((await mark(adminPrincipal, earlier, [{ studentId: student, status: 'absent' }])).changed).toBe(1);
    await expect(
      mark(adminPrincipal, addDays(today, 1), [{ studentId: student, status: 'absent' }]),
    ).rejects.toThrow('future');
    await expect(mark(adminPrincipal, saturday, [{ studentId: student, status: 'absent' }])).rejects.toThrow(
      'not a school day',
    );
    await expect(
      mark(teacherPrincipal, today, [
        { studentId: '00000000-0000-4000-8000-000000000042', status: 'absent' },
      ]),
    ).rejects.toThrow("Not on this section's roster");
  });

  it('names what is wrong: a tardy without minutes, a student twice, an excused tardy, an unknown status', async () => {
    const [student] = (await studentsOnRoster()) as [string];
    const cases: [object[], string][] = [
      [[{ studentId: student, status: 'tardy' }], 'needs minutes'],
      [
        [
          { studentId: student, status: 'absent' },
          { studentId: student, status: 'present' },
        ],
        'marked twice',
      ],
      [[{ studentId: student, status: 'tardy', minutes: 5, excused: true }], 'Only an absence'],
      [[{ studentId: student, status: 'asleep' }], 'body.marks.0.status'],
    ];
    for (const [marks, expected] of cases) {
      const response = await take(teacher, { date: today, marks });
      expect(response.statusCode, expected).toBe(400);
      expect(response.json().error.message).toContain(expected);
    }
  });

  it("does not show or take another teacher's section", async () => {
    expect((await roster(otherTeacher)).statusCode).toBe(404);
    const [student] = ((await roster(teacher)).json() as { roster: { studentId: string }[] }).roster.map(
      (entry) => entry.studentId,
    );
    expect(
      (await take(otherTeacher, { date: today, marks: [{ studentId: student, status: 'absent' }] }))
        .statusCode,
    ).toBe(404);
  });
});
