/**
 * The attendance API as the demo's staff use it, on the engine under test: lists filtered,
 * sorted and paged on the server and limited to each person's scope; a student's figures
 * with the explanation; rollups; definition profiles. The expectations are read from the
 * stored figures and raw rows with independent queries.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testEngine } from '../../test/support/database.ts';
import { signInAs } from '../../test/support/sign-in.ts';
import { seedDemoDistrict } from '../demo/demo.service.ts';
import { DEMO_DISTRICT_ID } from '../demo/demo-district.ts';
import { loadConfig } from '../platform/config.ts';
import { buildApp } from '../platform/http/app.ts';
import { backfillHistory } from './attendance.service.ts';

const silent = pino({ level: 'silent' });
const AS_OF = '2027-01-15';
const ADMIN = 'admin@riverside.example.org';
const TEACHER = 'teacher@riverside.example.org';
const COUNSELOR = 'counselor@riverside.example.org';
const ANALYST = 'analyst@riverside.example.org';

let database: TestDatabase;
let app: FastifyInstance;
const cookies = new Map<string, string>();

async function get(email: string, url: string) {
  const response = await app.inject({
    method: 'GET',
    url,
    headers: { cookie: cookies.get(email) as string },
  });
  return { status: response.statusCode, body: response.json() };
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoDistrict(database.db, { seed: 11, students: 400, asOf: AS_OF });
  await backfillHistory(database.db, DEMO_DISTRICT_ID, { asOf: AS_OF, everyDays: 14 });
  app = await buildApp({ config: loadConfig({}), database, logger: silent });
  for (const email of [ADMIN, TEACHER, COUNSELOR, ANALYST]) cookies.set(email, await signInAs(app, email));
}, 120_000);

afterAll(async () => {
  await app?.close();
  await database?.close();
});

async function storedCount(where = sql`true`): Promise<number> {
  const result = await sql<{ n: string }>`SELECT count(*) AS n FROM student_attendance t
    JOIN students s ON s.district_id = t.district_id AND s.student_id = t.student_id
    WHERE t.district_id = ${DEMO_DISTRICT_ID} AND ${where}`.execute(database.db);
  return Number(result.rows[0]?.n);
}

describe(`attendance API (${testEngine()})`, () => {
  it('lists every student for the district administrator, highest rate first, a page at a time', async () => {
    const first = await get(ADMIN, '/api/attendance/students?pageSize=50');
    expect(first.status).toBe(200);
    expect(first.body.asOf).toBe(AS_OF);
    expect(first.body.total).toBe(await storedCount());
    expect(first.body.students).toHaveLength(50);
    const rates = first.body.students.map((s: { rate: number }) => s.rate);
    expect(rates).toEqual([...rates].sort((a, b) => b - a));
    const second = await get(ADMIN, '/api/attendance/students?pageSize=50&page=2');
    const ids = new Set(first.body.students.map((s: { studentId: string }) => s.studentId));
    expect(second.body.students.some((s: { studentId: string }) => ids.has(s.studentId))).toBe(false);
    expect(second.body.students[0].rate).toBeLessThanOrEqual(rates.at(-1));
  });

  it('filters by tier, chronic, on track, pattern, grade and subgroup, matching the stored figures', async () => {
    const cases: [string, ReturnType<typeof sql>][] = [
      ['tier=moderate_chronic&tier=severe_chronic', sql`t.tier IN ('moderate_chronic', 'severe_chronic')`],
      ['chronic=true', sql`t.chronic`],
      ['onTrack=true&chronic=false', sql`t.on_track AND NOT coalesce(t.chronic, false)`],
      ['pattern=weekday', sql`t.pattern_weekday IS NOT NULL`],
      ['pattern=skipped_section', sql`t.skipped_section_id IS NOT NULL`],
      ['grade=09&grade=10', sql`t.grade_level IN ('09', '10')`],
      ['subgroup=english_learner', sql`s.english_learner`],
    ];
    for (const [query, where] of cases) {
      const response = await get(ADMIN, `/api/attendance/students?pageSize=200&${query}`);
      expect(response.status, query).toBe(200);
      expect(response.body.total, query).toBe(await storedCount(where));
    }
    // The demo is built to have each of these.
    expect(await storedCount(sql`t.chronic`)).toBeGreaterThan(0);
    expect(await storedCount(sql`t.pattern_weekday IS NOT NULL`)).toBeGreaterThan(0);
  });

  it("limits a teacher and a counselor to their students, and hides others' as not found", async () => {
    const teacher = await get(TEACHER, '/api/attendance/students?pageSize=200');
    expect(teacher.status).toBe(200);
    const taught = await sql<{ student_id: string }>`SELECT DISTINCT se.student_id FROM section_enrolments se
      JOIN section_staff ss ON ss.district_id = se.district_id AND ss.section_id = se.section_id
      JOIN staff_users u ON u.district_id = ss.district_id AND u.user_id = ss.user_id
      JOIN student_attendance t ON t.district_id = se.district_id AND t.student_id = se.student_id
      WHERE u.email = ${TEACHER}`.execute(database.db);
    const expected = new Set(taught.rows.map((row) => row.student_id));
    expect(expected.size).toBeGreaterThan(0);
    expect(new Set(teacher.body.students.map((s: { studentId: string }) => s.studentId))).toEqual(expected);

    const counselor = await get(COUNSELOR, '/api/attendance/students?pageSize=200');
    const caseload = await sql<{ n: string }>`SELECT count(*) AS n FROM caseload_students c
      JOIN staff_users u ON u.district_id = c.district_id AND u.user_id = c.user_id
      JOIN student_attendance t ON t.district_id = c.district_id AND t.student_id = c.student_id
      WHERE u.email = ${COUNSELOR}`.execute(database.db);
    expect(counselor.body.total).toBe(Number(caseload.rows[0]?.n));

    const outside = await sql<{ student_id: string }>`SELECT t.student_id FROM student_attendance t
      WHERE t.district_id = ${DEMO_DISTRICT_ID} AND t.student_id NOT IN (${sql.join([...expected])}) LIMIT 1`.execute(
      database.db,
    );
    const hidden = await get(TEACHER, `/api/attendance/students/${outside.rows[0]?.student_id}`);
    expect(hidden.status).toBe(404);
    expect(JSON.stringify(hidden.body)).not.toContain('daysAbsent');
  });

  it('explains why a student is flagged, with figures per school and a history', async () => {
    const flagged = await sql<{ student_id: string; absent_milli: number; days_enrolled: number }>`
      SELECT student_id, absent_milli, days_enrolled FROM student_attendance
      WHERE district_id = ${DEMO_DISTRICT_ID} AND chronic ORDER BY rate DESC LIMIT 1`.execute(database.db);
    const row = flagged.rows[0];
    if (!row) throw new Error('The demo has no chronically absent student.');
    const response = await get(ADMIN, `/api/attendance/students/${row.student_id}`);
    expect(response.status).toBe(200);
    expect(response.body.total.daysAbsent).toBe(row.absent_milli / 1000);
    expect(response.body.total.daysEnrolled).toBe(row.days_enrolled);
    expect(response.body.explanation.flagged).toBe(true);
    expect(response.body.explanation.reasons.map((r: { code: string }) => r.code)).toContain('chronic');
    expect(response.body.bySchool.length).toBeGreaterThan(0);
    expect(response.body.history.length).toBeGreaterThan(1);
    expect(response.body.history.at(-1).asOf).toBe(AS_OF);
    const audit = await sql<{ n: string }>`SELECT count(*) AS n FROM audit_log
      WHERE district_id = ${DEMO_DISTRICT_ID} AND action = 'attendance.view-student' AND student_id = ${row.student_id}`.execute(
      database.db,
    );
    expect(Number(audit.rows[0]?.n)).toBe(1);
  });

  it('rolls up by school, grade, subgroup, section and district; analysts see no small cells and no names', async () => {
    for (const by of ['district', 'school', 'grade', 'subgroup', 'section']) {
      const response = await get(ADMIN, `/api/attendance/rollups?by=${by}`);
      expect(response.status, by).toBe(200);
      expect(response.body.rows.length, by).toBeGreaterThan(0);
    }
    const grades = await get(ADMIN, '/api/attendance/rollups?by=grade');
    const sum = grades.body.rows.reduce((n: number, row: { students: number }) => n + row.students, 0);
    expect(sum).toBe(await storedCount());
    const district = await get(ADMIN, '/api/attendance/rollups?by=district');
    expect(district.body.rows[0].chronic).toBe(await storedCount(sql`t.chronic`));

    const sections = await get(ANALYST, '/api/attendance/rollups?by=section');
    expect(sections.status).toBe(200);
    const small = sections.body.rows.filter((row: { suppressed?: boolean }) => row.suppressed);
    expect(small.length).toBeGreaterThan(0);
    for (const row of small) expect(row).not.toHaveProperty('chronic');
    expect((await get(ANALYST, '/api/attendance/students')).status).toBe(403);
  });

  it('names a wrong filter instead of guessing', async () => {
    const big = await get(ADMIN, '/api/attendance/students?pageSize=500');
    expect(big.status).toBe(400);
    expect(big.body.error.message).toContain('pageSize');
    const tier = await get(ADMIN, '/api/attendance/students?tier=chronic');
    expect(tier.status).toBe(400);
    expect(tier.body.error.message).toContain('tier');
    const id = await get(ADMIN, '/api/attendance/students/not-a-uuid');
    expect(id.status).toBe(400);
    const by = await get(ADMIN, '/api/attendance/rollups?by=county');
    expect(by.status).toBe(400);
  });

  it('lets the district administrator copy, edit and select a definition profile', async () => {
    const headers = { cookie: cookies.get(ADMIN) as string };
    const profiles = await get(ADMIN, '/api/attendance/profiles');
    expect(profiles.body.current).toBe('federal');
    const federal = profiles.body.builtIn.find((p: { key: string }) => p.key === 'federal');
    const edited = { ...federal, name: 'Riverside (12%)', rateThreshold: 0.12 };
    const saved = await app.inject({
      method: 'PUT',
      url: '/api/attendance/profiles/riverside',
      headers,
      payload: { basedOn: 'federal', profile: edited },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const wrong = await app.inject({
      method: 'PUT',
      url: '/api/attendance/profiles/riverside',
      headers,
      payload: {
        basedOn: 'federal',
        profile: { ...edited, rateThreshold: 1.5, daily: { ...edited.daily, fromPeriods: 'first' } },
      },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.message).toContain('rateThreshold');
    expect(wrong.json().error.message).toContain('daily.fromPeriods');
    const builtIn = await app.inject({
      method: 'PUT',
      url: '/api/attendance/profiles/federal',
      headers,
      payload: { basedOn: 'federal', profile: edited },
    });
    expect(builtIn.statusCode).toBe(409);

    const teacherTry = await app.inject({
      method: 'PUT',
      url: '/api/attendance/profile',
      headers: { cookie: cookies.get(TEACHER) as string },
      payload: { key: 'riverside' },
    });
    expect(teacherTry.statusCode).toBe(403);
    const selected = await app.inject({
      method: 'PUT',
      url: '/api/attendance/profile',
      headers,
      payload: { key: 'riverside' },
    });
    expect(selected.statusCode).toBe(200);
    expect(selected.json().studentsQueued).toBeGreaterThan(0);
    const unknown = await app.inject({
      method: 'PUT',
      url: '/api/attendance/profile',
      headers,
      payload: { key: 'nope' },
    });
    expect(unknown.statusCode).toBe(400);
    await sql`UPDATE districts SET definition_profile = 'federal' WHERE district_id = ${DEMO_DISTRICT_ID}`.execute(
      database.db,
    );
  });
});
