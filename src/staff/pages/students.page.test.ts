/**
 * The students export: the list's filters, every row, formula cells neutralised (RELIABILITY.md
 * scenario 18), and one disclosure recorded in the audit log for each student exported.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testEngine } from '../../../test/support/database.ts';
import { signInAs } from '../../../test/support/sign-in.ts';
import { backfillHistory } from '../../attendance/attendance.service.ts';
import { seedDemoDistrict } from '../../demo/demo.service.ts';
import { DEMO_DISTRICT_ID } from '../../demo/demo-plan.ts';
import { loadConfig } from '../../platform/config.ts';
import { buildApp } from '../../platform/http/app.ts';

let database: TestDatabase;
let app: FastifyInstance;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoDistrict(database.db, { seed: 8, students: 120, asOf: '2027-01-15' });
  await sql`UPDATE students SET preferred_name = NULL, first_name = '=HYPERLINK("http://evil","x")'
    WHERE student_id = (SELECT student_id FROM students ORDER BY local_id LIMIT 1)`.execute(database.db);
  await backfillHistory(database.db, DEMO_DISTRICT_ID, { asOf: '2027-01-15', everyDays: 30 });
  app = await buildApp({ config: loadConfig({}), database, logger: pino({ level: 'silent' }) });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await database?.close();
});

describe(`students export (${testEngine()})`, () => {
  it('exports every student the list shows, neutralising formulas, and records a disclosure per student', async () => {
    const cookie = await signInAs(app, 'admin@riverside.example.org');
    const response = await app.inject({ method: 'GET', url: '/students/export.csv', headers: { cookie } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/csv');
    expect(response.headers['content-disposition']).toBe('attachment; filename="students.csv"');
    const lines = response.body
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe(
      'local_id,name,grade,school,days_enrolled,days_absent,attendance_rate,tier,chronic,on_track_to_be_chronic,projected_absences,patterns',
    );
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM student_attendance`.execute(
      database.db,
    );
    expect(lines).toHaveLength((rows[0]?.n ?? 0) + 1);
    const evil = lines.find((line) => line.includes('HYPERLINK'));
    expect(evil).toContain(`"'=HYPERLINK(""http://evil"",""x"")`);
    const audit = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log
      WHERE action = 'students.export' AND is_disclosure`.execute(database.db);
    expect(audit.rows[0]?.n).toBe(lines.length - 1);
  });

  it('keeps to the filters and to what the caller may see, and refuses analysts', async () => {
    const cookie = await signInAs(app, 'teacher@riverside.example.org');
    const lines = (
      await app.inject({
        method: 'GET',
        url: '/students/export.csv?tier=severe_chronic',
        headers: { cookie },
      })
    ).body
      .trimEnd()
      .split('\r\n');
    const { rows } = await sql<{ n: number }>`
      SELECT count(DISTINCT t.student_id)::int AS n FROM student_attendance t
      JOIN section_enrolments se ON se.district_id = t.district_id AND se.student_id = t.student_id
      JOIN section_staff ss ON ss.district_id = se.district_id AND ss.section_id = se.section_id
      JOIN staff_users u ON u.district_id = ss.district_id AND u.user_id = ss.user_id
      WHERE u.email = 'teacher@riverside.example.org' AND t.tier = 'severe_chronic'`.execute(database.db);
    expect(lines.length - 1).toBe(rows[0]?.n);
    expect(lines.slice(1).every((line) => line.includes('severe_chronic'))).toBe(true);
    const analyst = await signInAs(app, 'analyst@riverside.example.org');
    expect(
      (await app.inject({ method: 'GET', url: '/students/export.csv', headers: { cookie: analyst } }))
        .statusCode,
    ).toBe(403);
  });
});
