/**
 * `homeroom import` as a person runs it: a OneRoster folder, then attendance with a
 * rejected-rows report, then a file the importer refuses, on the configured database.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnvironment, homeroom } from '../../test/support/cli.ts';
import { type TestDatabase, testEngine } from '../../test/support/database.ts';

let database: TestDatabase | undefined;
let scratch: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'homeroom-import-cli-'));
  ({ env, database } = await cliEnvironment(scratch));
});

afterAll(async () => {
  await database?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe(`homeroom import on ${testEngine()}`, () => {
  it('imports a roster and its attendance, reports rejected rows as CSV, and refreshes the figures', async () => {
    const files = join(scratch, 'files');
    const written = await homeroom(
      ['demo', '--students', '100', '--seed', '3', '--as-of', '2026-10-15', '--out', files],
      env,
    );
    expect(written.code, written.stderr).toBe(0);

    const roster = await homeroom(['import', 'oneroster', files], env);
    expect(roster.stderr).toBe('');
    expect(roster.code).toBe(0);
    expect(roster.stdout).toContain('into Riverside Unified School District (a new district)');
    expect(roster.stdout).toMatch(/students\s+100 created, 0 updated, 0 unchanged, 0 deleted, 0 rejected/);

    const attendance = readFileSync(join(files, 'attendance.csv'), 'utf8').trimEnd().split('\n');
    const events = attendance.length - 1;
    const bad = (attendance[1] as string).replace(/^S\d+/, 'S0000000').replace(/,[^,]*$/, ',unknown-row');
    writeFileSync(join(scratch, 'attendance.csv'), `${[...attendance, bad].join('\n')}\n`);
    const errors = join(scratch, 'rejected.csv');
    const run = await homeroom(
      ['import', 'attendance', join(scratch, 'attendance.csv'), '--format', 'csv', '--errors', errors],
      env,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(
        `attendance_events\\s+${events.toLocaleString('en-US')} created, 0 updated, 0 unchanged, 0 deleted, 1 rejected`,
      ),
    );
    expect(run.stdout).toContain(`1 rows were rejected: see ${errors}.`);
    expect(run.stdout).toMatch(/Attendance figures refreshed for \d+ students\./);
    expect(readFileSync(errors, 'utf8')).toContain(
      `attendance.csv,${events + 2},student_id,"no student has the id ""S0000000"" in this district."`,
    );
  });

  it('stops with the file, line and reason when a file is not UTF-8, and names a wrong usage', async () => {
    const path = join(scratch, 'latin1.csv');
    writeFileSync(
      path,
      Buffer.from(
        'student_id,school_id,date,category,source_id\nS1,org-e001,2026-09-01,tardy,Jos\xe9\n',
        'latin1',
      ),
    );
    const run = await homeroom(['import', 'attendance', path], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`The import stopped: ${path}, line 2: the file is not UTF-8`);
    const usage = await homeroom(['import', 'edfi', path], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage: homeroom import oneroster DIR');
  });
});
