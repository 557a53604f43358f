/**
 * `homeroom demo` as a person runs it: it seeds the configured database once, refuses to
 * seed twice without --replace, writes files with --out, and names a wrong option.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnvironment, homeroom } from './support/cli.ts';
import { type TestDatabase, testEngine } from './support/database.ts';

let database: TestDatabase | undefined;
let scratch: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'homeroom-cli-'));
  ({ env, database } = await cliEnvironment(scratch));
});

afterAll(async () => {
  await database?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe(`homeroom demo on ${testEngine()}`, () => {
  it('seeds the demo, then refuses to seed it again unless told to replace it', async () => {
    const args = ['demo', '--students', '100', '--seed', '5', '--as-of', '2026-10-15'];
    const first = await homeroom(args, env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Seeded the demo district (100 students, seed 5, as of 2026-10-15)');

    const again = await homeroom(args, env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists. Run `homeroom demo --replace` to rebuild it.');

    const replaced = await homeroom([...args, '--replace'], env);
    expect(replaced.code).toBe(0);
  });

  it('writes OneRoster and attendance files with --out, without touching the database', async () => {
    const out = join(scratch, 'files');
    const run = await homeroom(['demo', '--students', '100', '--out', out], {
      ...env,
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    expect(run.code).toBe(0);
    for (const file of [
      'manifest.csv',
      'users.csv',
      'roles.csv',
      'enrollments.csv',
      'attendance.csv',
      'calendar.csv',
    ]) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    expect(readFileSync(join(out, 'manifest.csv'), 'utf8')).toContain('oneroster.version,1.2');
  });

  it('names a wrong option and the form it expects', async () => {
    const few = await homeroom(['demo', '--students', '5'], env);
    expect(few.code).toBe(2);
    expect(few.stderr).toContain('--students must be an integer from 100 to 1000000, got "5".');
    const date = await homeroom(['demo', '--as-of', '15/10/2026'], env);
    expect(date.code).toBe(2);
    expect(date.stderr).toContain(
      '--as-of must be a date as YYYY-MM-DD in the 2026-27 school year (2026-07-01 to 2027-06-30), got "15/10/2026".',
    );
    const outside = await homeroom(['demo', '--as-of', '2030-01-01'], env);
    expect(outside.code).toBe(2);
    const unknown = await homeroom(['demo', '--studnets', '100'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--studnets');
  });
});

describe(`homeroom recompute on ${testEngine()}`, () => {
  it('rebuilds the demo figures as of the demo date, with a weekly history on request', async () => {
    const seeded = await homeroom(
      ['demo', '--students', '100', '--seed', '5', '--as-of', '2026-10-15', '--replace'],
      env,
    );
    expect(seeded.code).toBe(0);
    const run = await homeroom(['recompute'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /Riverside Unified School District: recomputed 100 students as of 2026-10-15 \(2026-2027, profile federal\)/,
    );
    const history = await homeroom(['recompute', '--district', 'riverside-demo', '--history'], env);
    expect(history.code, history.stderr).toBe(0);
    expect(history.stdout).toMatch(/recomputed as of 2026-10-15 with a history of \d+ dates/);
  });

  it('names an unknown district and a malformed date', async () => {
    const unknown = await homeroom(['recompute', '--district', 'nowhere'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No district has the slug "nowhere".');
    const date = await homeroom(['recompute', '--as-of', 'yesterday'], env);
    expect(date.code).toBe(2);
    expect(date.stderr).toContain('--as-of must be a date as YYYY-MM-DD, got "yesterday".');
  });
});
