/**
 * Seeding the demo into the engine under test (PGlite, or PostgreSQL with TEST_DATABASE_URL),
 * and writing it out as OneRoster and attendance files.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify } from '@node-rs/argon2';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testEngine } from '../../test/support/database.ts';
import { AppError } from '../platform/errors.ts';
import { type SeedProgress, type SeedSummary, seedDemoDistrict } from './demo.service.ts';
import {
  DEMO_DISTRICT_ID,
  DEMO_PASSWORD,
  DEMO_TABLES,
  type DemoRows,
  demoSignIns,
  generateDemoDistrict,
} from './demo-district.ts';
import { writeDemoFiles } from './demo-files.ts';

const OPTIONS = { seed: 41, students: 300, asOf: '2027-02-01' } as const;

let database: TestDatabase;
let summary: SeedSummary;
const progress: SeedProgress[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  summary = await seedDemoDistrict(database.db, { ...OPTIONS, onProgress: (p) => progress.push(p) });
});

afterAll(async () => {
  await database?.close();
});

async function tableCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of DEMO_TABLES) {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}
      WHERE district_id = ${DEMO_DISTRICT_ID}`.execute(database.db);
    counts[table] = rows[0]?.n ?? -1;
  }
  return counts;
}

describe(`seeding the demo district on ${testEngine()}`, () => {
  it('writes every row the generator makes, and reports progress', async () => {
    const expected: Record<string, number> = Object.fromEntries(DEMO_TABLES.map((table) => [table, 0]));
    const district = generateDemoDistrict(OPTIONS);
    const chunks: DemoRows[] = [...district.structure(), ...district.families()];
    for (const chunk of chunks) {
      for (const table of DEMO_TABLES) expected[table] = (expected[table] ?? 0) + (chunk[table]?.length ?? 0);
    }
    expect(await tableCounts()).toEqual(expected);
    expect(summary.counts).toEqual(expected);
    expect(expected.students).toBe(300);
    expect(expected.attendance_events).toBeGreaterThan(1_000);
    expect(progress.at(-1)).toEqual({ phase: 'students', done: 300, total: 300 });
  });

  it('stores values faithfully: dates, fractions, arrays and times', async () => {
    const event = await database.db
      .selectFrom('attendance_events')
      .select(['date', 'day_fraction', 'category'])
      .where('category', '=', 'partial')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(event.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(['0.500', '0.250']).toContain(event.day_fraction);
    const student = await database.db
      .selectFrom('students')
      .select(['races', 'grade_level'])
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(Array.isArray(student.races)).toBe(true);
    const calendar = await database.db
      .selectFrom('calendars')
      .select('last_attendance_date')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(calendar.last_attendance_date).toBe('2027-01-29');
  });

  it('lets every demo account sign in with the demo password', async () => {
    for (const account of demoSignIns()) {
      const user = await database.db
        .selectFrom('staff_users')
        .select('password_hash')
        .where('email', '=', account.email)
        .executeTakeFirstOrThrow();
      await expect(verify(user.password_hash as string, DEMO_PASSWORD)).resolves.toBe(true);
      await expect(verify(user.password_hash as string, 'not-the-password')).resolves.toBe(false);
    }
  });

  it('refuses to seed twice, and rebuilds with replace while keeping the audit log', async () => {
    const error = await seedDemoDistrict(database.db, OPTIONS).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('CONFLICT');
    expect((error as AppError).message).toContain('--replace');

    await database.db
      .insertInto('audit_log')
      .values({
        district_id: DEMO_DISTRICT_ID,
        actor_type: 'system',
        action: 'demo.viewed',
        outcome: 'allowed',
      })
      .execute();
    const replaced = await seedDemoDistrict(database.db, {
      ...OPTIONS,
      seed: 42,
      students: 120,
      replace: true,
    });
    expect(replaced.counts.students).toBe(120);
    expect((await tableCounts()).students).toBe(120);
    const audit = await database.db.selectFrom('audit_log').select('action').execute();
    expect(audit.map((row) => row.action)).toEqual(['demo.viewed']);
  });
});

describe('writing the demo as files', () => {
  it('writes OneRoster 1.2 CSV and attendance and calendar files that match the generator', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'homeroom-demo-files-'));
    try {
      const written = await writeDemoFiles(OPTIONS, directory);
      const lines = (name: string) => readFileSync(join(directory, name), 'utf8').trimEnd().split('\n');
      expect(lines('manifest.csv')).toContain('oneroster.version,1.2');
      expect(lines('manifest.csv')).toContain('file.roles,bulk');
      expect(lines('users.csv')[0]).toMatch(
        /^sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName/,
      );
      expect(lines('roles.csv')[0]).toBe(
        'sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId',
      );

      const district = generateDemoDistrict(OPTIONS);
      let events = 0;
      let students = 0;
      for (const family of district.families()) {
        events += family.attendance_events?.length ?? 0;
        students += family.students?.length ?? 0;
      }
      expect(lines('attendance.csv')).toHaveLength(events + 1);
      expect(lines('demographics.csv')).toHaveLength(students + 1);
      expect(written.rows['attendance.csv']).toBe(events);
      const guardians = lines('roles.csv').filter((line) => /,(parent|guardian|relative),/.test(line));
      expect(guardians.length).toBeGreaterThan(students / 2);
      const studentUsers = lines('users.csv').filter((line) => line.startsWith('student-'));
      expect(studentUsers.every((line) => /,guardian-\d+-\d+/.test(line))).toBe(true);
      expect(lines('calendar.csv')).toContain(
        'org-e001,regular,2027-03-26,makeup,360,Make-up day for the 27 January closure',
      );
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
