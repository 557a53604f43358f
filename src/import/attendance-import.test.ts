/**
 * Importing attendance.csv into the engine under test, after the demo's roster: every
 * event arrives, a re-import changes nothing, a changed row updates, bad rows are reported
 * by line, column and reason, a run killed mid-way and run again loses and duplicates
 * nothing, and the order of the rows does not matter.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testEngine } from '../../test/support/database.ts';
import { generateDemoDistrict } from '../demo/demo-district.ts';
import { writeDemoFiles } from '../demo/demo-files.ts';
import { importAttendanceFile, parseColumnMapping } from './attendance-import.ts';
import { CsvFileError } from './csv-reader.ts';
import { writeImportErrorsCsv } from './import-run.ts';
import { importOneRoster } from './oneroster-import.ts';

const OPTIONS = { seed: 11, students: 300, asOf: '2026-10-15' } as const;

let database: TestDatabase;
let scratch: string;
let districtId: string;
let header: string;
let rows: string[];

beforeAll(async () => {
  database = await createTestDatabase();
  scratch = mkdtempSync(join(tmpdir(), 'homeroom-attendance-'));
  await writeDemoFiles(OPTIONS, join(scratch, 'demo'));
  const result = await importOneRoster(database.db, { directory: join(scratch, 'demo') });
  districtId = result.districtId;
  [header = '', ...rows] = readFileSync(join(scratch, 'demo', 'attendance.csv'), 'utf8')
    .trimEnd()
    .split('\n');
});

afterAll(async () => {
  await database?.close();
  rmSync(scratch, { recursive: true, force: true });
});

let fileNo = 0;
function file(lines: readonly string[], top = header, ending = '\n'): string {
  fileNo += 1;
  const path = join(scratch, `attendance-${fileNo}.csv`);
  writeFileSync(path, `${[top, ...lines].join(ending)}${ending}`);
  return path;
}

const importFile = (
  path: string,
  options: {
    sourceSystem?: string;
    batchSize?: number;
    mapping?: Record<string, string>;
    onBatch?: (rows: number, batches: number) => void;
  } = {},
) =>
  importAttendanceFile(database.db, {
    districtId,
    path,
    file: 'attendance.csv',
    sourceSystem: options.sourceSystem ?? 'sis',
    ...options,
  });

async function events(sourceSystem: string) {
  return database.db
    .selectFrom('attendance_events')
    .select([
      'source_id',
      'student_id',
      'school_id',
      'section_id',
      'date',
      'category',
      'minutes',
      'day_fraction',
      'reason',
      'is_excused',
      'arrival_time',
    ])
    .where('source_system', '=', sourceSystem)
    .orderBy('source_id')
    .execute();
}

async function errorsOf(importRunId: string) {
  return database.db
    .selectFrom('import_errors')
    .select(['file', 'line', 'column', 'reason'])
    .where('import_run_id', '=', importRunId)
    .orderBy('error_no')
    .execute();
}

describe(`attendance CSV import on ${testEngine()}`, () => {
  it('imports every event the demo generated, then changes nothing when imported again', async () => {
    const generated = [...generateDemoDistrict(OPTIONS).families()].reduce(
      (sum, family) => sum + family.attendance_events.length,
      0,
    );
    expect(rows.length).toBe(generated);
    const path = join(scratch, 'demo', 'attendance.csv');
    const first = await importFile(path, { sourceSystem: 'riverside', batchSize: 400 });
    expect(first.counts.attendance_events).toEqual({
      created: generated,
      updated: 0,
      unchanged: 0,
      deleted: 0,
      rejected: 0,
    });
    expect(await events('riverside')).toHaveLength(generated);
    const second = await importFile(path, { sourceSystem: 'riverside' });
    expect(second.counts.attendance_events).toEqual({
      created: 0,
      updated: 0,
      unchanged: generated,
      deleted: 0,
      rejected: 0,
    });
    const queued = await database.db
      .selectFrom('attendance_refresh_queue')
      .select('student_id')
      .where('district_id', '=', districtId)
      .execute();
    expect(queued.length).toBeGreaterThan(0);
  });

  it('updates a changed row and leaves the others unchanged', async () => {
    const sample = rows.slice(0, 5);
    await importFile(file(sample), { sourceSystem: 'changed' });
    const absence = sample.findIndex((line) => line.includes('_absence,'));
    const changed = sample.map((line, index) =>
      index === absence ? line.replace(/,(un)?excused_absence,/, ',out_of_school_suspension,') : line,
    );
    const report = await importFile(file(changed), { sourceSystem: 'changed' });
    expect(report.counts.attendance_events).toMatchObject({ created: 0, updated: 1, unchanged: 4 });
    const stored = await events('changed');
    expect(stored.filter((event) => event.category === 'out_of_school_suspension')).toHaveLength(1);
  });

  it('reports each bad row by line, column and reason, and keeps the good rows', async () => {
    const good = rows[0] as string;
    const fields = good.split(',');
    const withField = (index: number, value: string, id: string) => {
      const copy = [...fields];
      copy[index] = value;
      copy[12] = id;
      return copy.join(',');
    };
    const lines = [
      good,
      withField(2, '2026-02-30', 'bad-date'),
      withField(3, 'absent', 'bad-category'),
      withField(0, 'S9999999', 'unknown-student'),
      withField(1, 'org-nowhere', 'unknown-school'),
      withField(6, 'no-such-class', 'unknown-section'),
      withField(4, '1500', 'too-many-minutes'),
      withField(5, '0.3333', 'too-precise'),
      withField(9, 'yes', 'bad-excused'),
      `${fields.slice(0, 12).join(',')}`,
      withField(0, '', 'no-student'),
    ];
    const report = await importFile(file(lines), { sourceSystem: 'bad' });
    expect(report.counts.attendance_events).toMatchObject({ created: 1, rejected: 10 });
    expect(await errorsOf(report.importRunId)).toEqual([
      {
        file: 'attendance.csv',
        line: 3,
        column: 'date',
        reason: '"2026-02-30" is not a date as YYYY-MM-DD.',
      },
      {
        file: 'attendance.csv',
        line: 4,
        column: 'category',
        reason: expect.stringMatching(/^"absent" is not a category \(one of present, /),
      },
      {
        file: 'attendance.csv',
        line: 8,
        column: 'minutes',
        reason: '"1500" is not a whole number of minutes from 0 to 1440.',
      },
      {
        file: 'attendance.csv',
        line: 9,
        column: 'day_fraction',
        reason: '"0.3333" is not a share of the day from 0 to 1 with at most 3 decimals.',
      },
      { file: 'attendance.csv', line: 10, column: 'excused', reason: '"yes" is not true or false.' },
      { file: 'attendance.csv', line: 11, column: null, reason: 'the row has 12 fields; the header has 13.' },
      { file: 'attendance.csv', line: 12, column: 'student_id', reason: 'student_id is required.' },
      // References are checked when the batch is written, after the row-by-row checks.
      {
        file: 'attendance.csv',
        line: 5,
        column: 'student_id',
        reason: 'no student has the id "S9999999" in this district.',
      },
      {
        file: 'attendance.csv',
        line: 6,
        column: 'school_id',
        reason: 'no school has the source id "org-nowhere" in this district.',
      },
      {
        file: 'attendance.csv',
        line: 7,
        column: 'section_id',
        reason: 'no section has the source id "no-such-class" in this district.',
      },
    ]);
  });

  it('reads quoted fields, CRLF and a byte-order mark, and maps a SIS header onto the format', async () => {
    const fields = (rows[1] as string).split(',');
    const sisHeader =
      'StudentNumber,SchoolCode,AttDate,Code,Minutes,Fraction,Section,Period,Reason,Excused,Arrival,Departure,RecordId';
    const path = file(
      [
        `"${fields[0]}",${fields[1]},${fields[2]},"${fields[3]}",${fields.slice(4, 12).join(',')},"with, a comma and ""quotes""\r\nand a line break"`,
      ],
      `\uFEFF${sisHeader}`,
      '\r\n',
    );
    const mapping = parseColumnMapping({
      student_id: 'StudentNumber',
      school_id: 'SchoolCode',
      date: 'AttDate',
      category: 'Code',
      minutes: 'Minutes',
      day_fraction: 'Fraction',
      section_id: 'Section',
      period: 'Period',
      reason: 'Reason',
      excused: 'Excused',
      arrival_time: 'Arrival',
      departure_time: 'Departure',
      source_id: 'RecordId',
    });
    const report = await importFile(path, { sourceSystem: 'mapped', mapping });
    expect(report.counts.attendance_events).toMatchObject({ created: 1, rejected: 0 });
    const [event] = await events('mapped');
    expect(event?.source_id).toBe('with, a comma and "quotes"\r\nand a line break');
    expect(() => parseColumnMapping({ pupil: 'X' })).toThrow(/"pupil", which is not a column/);
  });

  it('fails the file when a required column is missing, naming the mapped column', async () => {
    const path = file(rows.slice(0, 2), header.replace('student_id', 'pupil'));
    const error = await importFile(path, { mapping: { student_id: 'StudentNumber' } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CsvFileError);
    expect((error as Error).message).toBe(
      'attendance.csv, line 1, column student_id: the required column "StudentNumber" (mapped to student_id) is missing from the header.',
    );
  });

  it('loses and duplicates nothing when a run is killed after some batches and run again', async () => {
    const path = join(scratch, 'demo', 'attendance.csv');
    const killed = await importFile(path, {
      sourceSystem: 'killed',
      batchSize: 100,
      onBatch: (_rows, batches) => {
        if (batches === 3) throw new Error('killed');
      },
    }).catch((e: unknown) => e);
    expect((killed as Error).message).toBe('killed');
    expect(await events('killed')).toHaveLength(300);
    const again = await importFile(path, { sourceSystem: 'killed', batchSize: 100 });
    expect(again.counts.attendance_events).toMatchObject({
      created: rows.length - 300,
      unchanged: 300,
      rejected: 0,
    });
    const stored = await events('killed');
    expect(stored).toHaveLength(rows.length);
    const reference = await events('riverside');
    expect(stored).toEqual(reference);
  });

  it('stores the same events whatever order the rows come in', async () => {
    const sample = rows.slice(0, 40);
    await importFile(file(sample), { sourceSystem: 'order-0', batchSize: 7 });
    const expected = await events('order-0');
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(sample, { minLength: sample.length, maxLength: sample.length }),
        fc.integer({ min: 1, max: 50 }),
        async (shuffled, batchSize) => {
          run += 1;
          await importFile(file(shuffled), { sourceSystem: `order-${run}`, batchSize });
          expect(await events(`order-${run}`)).toEqual(expected);
        },
      ),
      { numRuns: 8 },
    );
  });

  it('writes the rejected rows as CSV with formula cells neutralised', async () => {
    const fields = (rows[0] as string).split(',');
    fields[0] = '=1+2';
    fields[12] = 'evil';
    const report = await importFile(file([fields.join(',')]), { sourceSystem: 'evil' });
    const out = join(scratch, 'errors.csv');
    expect(await writeImportErrorsCsv(database.db, districtId, report.importRunId, out)).toBe(1);
    const text = readFileSync(out, 'utf8');
    expect(text.split('\n')[0]).toBe('file,line,column,reason,raw');
    expect(text).toContain(`,"'=1+2,`);
    expect(text).not.toMatch(/(^|,)=1\+2/m);
  });
});
