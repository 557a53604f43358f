/**
 * Importing on PostgreSQL: the demo district written as files (OneRoster 1.2 and attendance.csv)
 * and imported into an empty database, against the baseline of PostgreSQL's own COPY of the same
 * attendance file into a plain table (no validation, no lookups, no upsert: the floor for moving
 * those bytes into the database). A second import of the same file measures idempotence: it
 * should change nothing, and cost a fraction of the first.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { writeDemoFiles } from '../src/demo/demo-files.ts';
import { importAttendanceFile } from '../src/import/attendance-import.ts';
import { importOneRoster } from '../src/import/oneroster-import.ts';
import { openDatabase } from '../src/platform/db/connection.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import type { Measurement } from './harness.ts';

export async function benchImport(serverUrl: string, students: number): Promise<Measurement[]> {
  const directory = mkdtempSync(join(tmpdir(), 'homeroom-bench-import-'));
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const name = `homeroom_bench_import_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolMax: 4 });
  try {
    await migrateToLatest(database.db);
    const files = await writeDemoFiles({ seed: 1, students, asOf: '2027-03-15' }, directory);
    const rows = files.rows['attendance.csv'] ?? 0;
    const roster = performance.now();
    const { districtId } = await importOneRoster(database.db, { directory });
    const rosterSeconds = (performance.now() - roster) / 1000;
    const path = join(directory, 'attendance.csv');

    const first = performance.now();
    await importAttendanceFile(database.db, { districtId, path, sourceSystem: 'bench' });
    const firstSeconds = (performance.now() - first) / 1000;
    const again = performance.now();
    await importAttendanceFile(database.db, { districtId, path, sourceSystem: 'bench' });
    const againSeconds = (performance.now() - again) / 1000;
    const { rows: stored } = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM attendance_events WHERE source_system = 'bench'`.execute(database.db);

    // The floor: COPY of the same file into a plain table of text columns. The server reads the
    // file itself (it runs on this machine), so it must be able to.
    chmodSync(directory, 0o755);
    chmodSync(path, 0o644);
    const header =
      readFileSync(path, 'utf8')
        .split('\n', 1)[0]
        ?.replace(/^\uFEFF/, '') ?? '';
    const columns = header.split(',').map((column) => `"${column.replaceAll('"', '')}" text`);
    await sql.raw(`CREATE TABLE bench_copy (${columns.join(', ')})`).execute(database.db);
    const copy = performance.now();
    await sql
      .raw(`COPY bench_copy FROM '${path.replaceAll("'", "''")}' WITH (FORMAT csv, HEADER true)`)
      .execute(database.db);
    const copySeconds = (performance.now() - copy) / 1000;

    const perSecond = (seconds: number) => Math.round(rows / seconds).toLocaleString('en-US');
    return [
      {
        name: `COPY ${rows.toLocaleString('en-US')} attendance rows into a plain table`,
        value: copySeconds,
        unit: 's',
        note: `${perSecond(copySeconds)} rows/s`,
      },
      {
        name: `import the same attendance.csv (validated, resolved, upserted; ${students.toLocaleString('en-US')} students)`,
        value: firstSeconds,
        unit: 's',
        baseline: copySeconds,
        baselineName: 'COPY',
        note: `${perSecond(firstSeconds)} rows/s; ${(stored[0]?.n ?? 0).toLocaleString('en-US')} events stored`,
      },
      {
        name: 'import the same file again (nothing changes)',
        value: againSeconds,
        unit: 's',
        baseline: firstSeconds,
        baselineName: 'first import',
        note: `${perSecond(againSeconds)} rows/s`,
      },
      {
        name: `import the OneRoster 1.2 roster of ${students.toLocaleString('en-US')} students`,
        value: rosterSeconds,
        unit: 's',
        note: Object.entries(files.rows)
          .filter(([file]) => file !== 'attendance.csv' && file !== 'calendar.csv')
          .map(([file, count]) => `${file} ${count.toLocaleString('en-US')}`)
          .join(', '),
      },
    ];
  } finally {
    await database.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    rmSync(directory, { recursive: true, force: true });
  }
}
