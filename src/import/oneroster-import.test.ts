/**
 * Importing the demo's own OneRoster export into an empty database on the engine under
 * test: counts match what the generator wrote, a second import changes nothing, a changed
 * row updates, and bad files are refused or reported by file, line, column and reason.
 * Students who leave (missing from a bulk users.csv, or `tobedeleted`) are withdrawn, never
 * deleted, and the mass-withdrawal guard stops a truncated file from withdrawing many.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnvironment, homeroom } from '../../test/support/cli.ts';
import { createTestDatabase, type TestDatabase, testEngine } from '../../test/support/database.ts';
import { type DemoRows, generateDemoDistrict } from '../demo/demo-district.ts';
import { writeDemoFiles } from '../demo/demo-files.ts';
import type { DB } from '../platform/db/types.ts';
import { importAttendanceFile } from './attendance-import.ts';
import { CsvFileError } from './csv-reader.ts';
import type { EntityCounts } from './import-run.ts';
import { importOneRoster, normaliseGrade, normalisePhone, slugFor } from './oneroster-import.ts';

const OPTIONS = { seed: 23, students: 300, asOf: '2026-10-15' } as const;
const TABLES = [
  'schools',
  'school_years',
  'sessions',
  'calendar_days',
  'sections',
  'students',
  'contacts',
  'student_contacts',
  'enrolment_spans',
  'section_enrolments',
  'staff_users',
  'section_staff',
  'contact_phones',
  'contact_emails',
  'calendars',
] as const satisfies readonly (keyof DB)[];

let database: TestDatabase;
let scratch: string;
let roster: string;

beforeAll(async () => {
  database = await createTestDatabase();
  scratch = mkdtempSync(join(tmpdir(), 'homeroom-oneroster-'));
  roster = join(scratch, 'roster');
  await writeDemoFiles(OPTIONS, roster);
});

afterAll(async () => {
  await database?.close();
  rmSync(scratch, { recursive: true, force: true });
});

function generatedCounts(): Record<string, number> {
  const district = generateDemoDistrict(OPTIONS);
  const counts: Record<string, number> = {};
  const add = (chunk: DemoRows) => {
    for (const [table, rows] of Object.entries(chunk))
      counts[table] = (counts[table] ?? 0) + (rows?.length ?? 0);
  };
  for (const chunk of district.structure()) add(chunk);
  for (const family of district.families()) add(family);
  return counts;
}

async function storedCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const row = await database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

/** A copy of the demo roster with one file rewritten. */
function rosterWith(name: string, file: string, edit: (text: string) => string): string {
  const directory = join(scratch, name);
  cpSync(roster, directory, { recursive: true });
  writeFileSync(join(directory, file), edit(readFileSync(join(directory, file), 'utf8')));
  return directory;
}

const total = (counts: Record<string, EntityCounts>, key: keyof EntityCounts) =>
  Object.values(counts).reduce((sum, entity) => sum + entity[key], 0);

describe(`OneRoster import on ${testEngine()}`, () => {
  it('imports the demo export into an empty database with the counts the generator wrote', async () => {
    const result = await importOneRoster(database.db, { directory: roster, batchSize: 250 });
    expect(result.createdDistrict).toBe(true);
    expect(result.report.rejectedRows).toBe(0);
    const generated = generatedCounts();
    const stored = await storedCounts();
    for (const table of TABLES)
      expect({ table, count: stored[table] }).toEqual({ table, count: generated[table] });
    const district = await database.db.selectFrom('districts').selectAll().executeTakeFirstOrThrow();
    expect(district).toMatchObject({
      name: 'Riverside Unified School District',
      slug: 'riverside-unified-school-district',
      source_id: 'org-district',
    });
    const run = await database.db.selectFrom('import_runs').selectAll().executeTakeFirstOrThrow();
    expect(run).toMatchObject({ kind: 'oneroster', status: 'succeeded' });
    expect((run.counts as unknown as Record<string, EntityCounts>).students).toEqual({
      created: 300,
      updated: 0,
      unchanged: 0,
      deleted: 0,
      rejected: 0,
    });
  });

  it('changes nothing when the same roster is imported again', async () => {
    const before = await storedCounts();
    const result = await importOneRoster(database.db, { directory: roster });
    expect(result.createdDistrict).toBe(false);
    expect(total(result.report.counts, 'created')).toBe(0);
    expect(total(result.report.counts, 'updated')).toBe(0);
    expect(total(result.report.counts, 'deleted')).toBe(0);
    expect(result.report.counts.students?.unchanged).toBe(300);
    expect(await storedCounts()).toEqual(before);
  });

  it('updates a changed row, and keeps a tobedeleted student (withdrawn, not deleted)', async () => {
    const users = readFileSync(join(roster, 'users.csv'), 'utf8').split('\n');
    const header = (users[0] as string).split(',');
    const studentLine = users.findIndex((line) => line.includes(',{state:'));
    const fields = (users[studentLine] as string).split(',');
    const sourceId = fields[0] as string;
    const given = fields[header.indexOf('givenName')] as string;
    const otherLine = users.findIndex((line, index) => index > studentLine && line.includes(',{state:'));
    const otherSource = (users[otherLine] as string).split(',')[0] as string;
    const changed = rosterWith('changed', 'users.csv', (text) =>
      text
        .split('\n')
        .map((line, index) =>
          index === studentLine
            ? line.replace(`,${given},`, ',Renamed,')
            : index === otherLine
              ? line.replace(',active,', ',tobedeleted,')
              : line,
        )
        .join('\n'),
    );
    const result = await importOneRoster(database.db, { directory: changed, asOf: OPTIONS.asOf });
    expect(result.report.counts.students).toMatchObject({
      created: 0,
      updated: 1,
      deleted: 0,
      unchanged: 298,
      rejected: 0,
    });
    const renamed = await database.db
      .selectFrom('students')
      .select('first_name')
      .where('source_id', '=', sourceId)
      .executeTakeFirstOrThrow();
    expect(renamed.first_name).toBe('Renamed');
    const kept = await database.db
      .selectFrom('students')
      .select('source_id')
      .where('source_id', '=', otherSource)
      .execute();
    expect(kept).toEqual([{ source_id: otherSource }]);
    expect(result.withdrawal).toMatchObject({ deleted: 1, withdrawn: 1, refused: null });
  });

  it('fails a file that lacks a required column, naming the file and the column', async () => {
    const broken = rosterWith('no-class-type', 'classes.csv', (text) => text.replace('classType', 'kind'));
    const error = await importOneRoster(database.db, { directory: broken }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvFileError);
    expect((error as CsvFileError).message).toBe(
      'classes.csv, line 1, column classType: the required column "classType" is missing from the header.',
    );
    const run = await database.db
      .selectFrom('import_runs')
      .select(['status', 'message'])
      .orderBy('started_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(run.status).toBe('failed');
    expect(run.message).toContain('classType');
  });

  it('reports a bad date and an unknown class by file, line, column and reason, and keeps the good rows', async () => {
    const lines = readFileSync(join(roster, 'enrollments.csv'), 'utf8').split('\n');
    const studentRows = lines
      .map((line, index) => ({ line, index }))
      .filter(({ line }) => line.includes(',student,'));
    const badDate = studentRows[0] as { line: string; index: number };
    const badClass = studentRows[1] as { line: string; index: number };
    const broken = rosterWith('bad-rows', 'enrollments.csv', (text) =>
      text
        .split('\n')
        .map((line, index) => {
          if (index === badDate.index) return line.replace(/,(\d{4}-\d{2}-\d{2}),/, ',2026-13-45,');
          if (index === badClass.index) return line.replace(/^([^,]*,[^,]*,[^,]*,)[^,]*/, '$1no-such-class');
          return line;
        })
        .join('\n'),
    );
    const result = await importOneRoster(database.db, { directory: broken });
    expect(result.report.counts.section_enrolments?.rejected).toBe(2);
    const errors = await database.db
      .selectFrom('import_errors')
      .select(['file', 'line', 'column', 'reason'])
      .where('import_run_id', '=', result.report.importRunId)
      .orderBy('line')
      .execute();
    expect(errors).toEqual([
      {
        file: 'enrollments.csv',
        line: badDate.index + 1,
        column: 'beginDate',
        reason: '"2026-13-45" is not a date as YYYY-MM-DD.',
      },
      {
        file: 'enrollments.csv',
        line: badClass.index + 1,
        column: 'classSourcedId',
        reason: 'no class has the sourcedId "no-such-class".',
      },
    ]);
  });

  it('refuses a users.csv saved as Windows-1252, naming the line, and stores nothing garbled', async () => {
    const users = readFileSync(join(roster, 'users.csv'), 'utf8').split('\n');
    const latinLine = users.findIndex((line) => line.includes(',{state:'));
    const directory = rosterWith('latin1', 'users.csv', (text) => text);
    const bytes = Buffer.concat(
      users.map((line, index) =>
        Buffer.from(
          `${index === latinLine ? line.replace(/,([A-Za-z]+),([A-Za-z]+),/, ',José,$2,') : line}${index < users.length - 1 ? '\n' : ''}`,
          // Only this line as Windows-1252 (é is 0xE9); the rest stays UTF-8.
          index === latinLine ? 'latin1' : 'utf8',
        ),
      ),
    );
    writeFileSync(join(directory, 'users.csv'), bytes);
    const error = await importOneRoster(database.db, { directory }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvFileError);
    expect((error as CsvFileError).line).toBe(latinLine + 1);
    expect((error as CsvFileError).message).toMatch(/^users\.csv, line \d+: the file is not UTF-8/);
    const garbled = await database.db
      .selectFrom('students')
      .select('first_name')
      .where('first_name', 'like', '%\uFFFD%')
      .execute();
    expect(garbled).toEqual([]);
  });
});

describe(`OneRoster 1.1 on ${testEngine()}`, () => {
  it('reads roles from users.csv, spans from section enrolments or the school year, and guardians from agentSourcedIds', async () => {
    const directory = join(scratch, 'v11');
    mkdirSync(directory);
    const write = (name: string, lines: string[]) =>
      writeFileSync(join(directory, name), `${lines.join('\r\n')}\r\n`);
    write('manifest.csv', [
      'propertyName,value',
      'manifest.version,1.0',
      'oneroster.version,1.1',
      'file.orgs,bulk',
      'file.academicSessions,bulk',
      'file.courses,bulk',
      'file.classes,bulk',
      'file.users,bulk',
      'file.enrollments,bulk',
      'file.demographics,absent',
    ]);
    write('orgs.csv', [
      'sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId',
      'd1,,,Lakeside Schools,district,,',
      'h1,,,Lakeside High School,school,,d1',
    ]);
    write('academicSessions.csv', [
      'sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear',
      'y1,,,2026-27,schoolYear,2026-08-20,2027-06-10,,2027',
      't1,,,Fall,semester,2026-08-20,2026-12-18,y1,2027',
    ]);
    write('courses.csv', [
      'sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes',
      'c1,,,y1,Algebra I,ALG1,09,h1,,',
    ]);
    write('classes.csv', [
      'sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods',
      'k1,,,"Algebra I, period 2",09,c1,,scheduled,,h1,t1,,,2',
    ]);
    write('users.csv', [
      'sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,metadata.district.busRoute',
      'u-t,,,true,h1,teacher,mrivera,,Marta,Rivera,,T1,mrivera@lakeside.example.org,,,,,,',
      'u-s1,,,true,h1,student,,,Ana,"Núñez ""Nina""",,L100,,,,u-p1,9,,12',
      'u-s2,,,true,h1,student,,,Ben,Okafor,,L101,,,,,09,,7',
      'u-p1,,,true,h1,parent,,,Rosa,Núñez,,,,(312) 555-0100,,u-s1,,,',
    ]);
    write('enrollments.csv', [
      'sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate',
      'e1,,,k1,h1,u-s1,student,false,2026-09-01,2026-12-19',
      'e2,,,k1,h1,u-t,teacher,true,,',
    ]);

    const result = await importOneRoster(database.db, { directory });
    expect(result.createdDistrict).toBe(true);
    expect(result.report.rejectedRows).toBe(0);
    expect(result.report.notes).toEqual([
      'users.csv: extension column "metadata.district.busRoute" has no place in Homeroom yet and was ignored.',
    ]);
    const spans = await database.db
      .selectFrom('enrolment_spans as e')
      .innerJoin('students as s', (join) =>
        join.onRef('s.district_id', '=', 'e.district_id').onRef('s.student_id', '=', 'e.student_id'),
      )
      .select(['s.local_id', 's.last_name', 's.grade_level', 'e.entry_date', 'e.end_date_exclusive'])
      .where('e.district_id', '=', result.districtId)
      .orderBy('s.local_id')
      .execute();
    expect(spans).toEqual([
      {
        local_id: 'L100',
        last_name: 'Núñez "Nina"',
        grade_level: '09',
        entry_date: '2026-09-01',
        end_date_exclusive: '2026-12-19',
      },
      {
        local_id: 'L101',
        last_name: 'Okafor',
        grade_level: '09',
        entry_date: '2026-08-20',
        end_date_exclusive: '2027-06-11',
      },
    ]);
    const guardians = await database.db
      .selectFrom('student_contacts as l')
      .innerJoin('contacts as c', (join) =>
        join.onRef('c.district_id', '=', 'l.district_id').onRef('c.contact_id', '=', 'l.contact_id'),
      )
      .innerJoin('contact_phones as p', (join) =>
        join.onRef('p.district_id', '=', 'c.district_id').onRef('p.contact_id', '=', 'c.contact_id'),
      )
      .select(['c.first_name', 'l.relationship', 'p.phone_e164'])
      .where('l.district_id', '=', result.districtId)
      .execute();
    expect(guardians).toEqual([{ first_name: 'Rosa', relationship: 'parent', phone_e164: '+13125550100' }]);
    const section = await database.db
      .selectFrom('sections')
      .select(['name', 'course_code'])
      .where('district_id', '=', result.districtId)
      .executeTakeFirstOrThrow();
    expect(section).toEqual({ name: 'Algebra I, period 2', course_code: 'ALG1' });
    const teachers = await database.db
      .selectFrom('section_staff')
      .select('is_primary')
      .where('district_id', '=', result.districtId)
      .execute();
    expect(teachers).toEqual([{ is_primary: true }]);
  });
  it('keeps the good rows of a batch the database refuses, and reports the refused row', async () => {
    const directory = join(scratch, 'v11');
    const users = readFileSync(join(directory, 'users.csv'), 'utf8').trimEnd().split('\r\n');
    users.push('u-t2,,,true,h1,teacher,mrivera2,,Marta,Rivera-Two,,T2,MRivera@lakeside.example.org,,,,,,');
    users.push('u-t3,,,true,h1,teacher,jdoe,,June,Doe,,T3,jdoe@lakeside.example.org,,,,,,');
    writeFileSync(join(directory, 'users.csv'), `${users.join('\r\n')}\r\n`);
    const result = await importOneRoster(database.db, { directory });
    expect(result.report.counts.staff_users).toMatchObject({ created: 1, unchanged: 1, rejected: 0 });
    expect(result.report.counts.users?.rejected).toBe(1);
    const errors = await database.db
      .selectFrom('import_errors')
      .select(['file', 'line', 'reason'])
      .where('import_run_id', '=', result.report.importRunId)
      .execute();
    expect(errors).toEqual([
      {
        file: 'users.csv',
        line: 6,
        reason: expect.stringMatching(/^the database refused the row: .*staff_users_email/),
      },
    ]);
    const staff = await database.db
      .selectFrom('staff_users')
      .select('email')
      .where('district_id', '=', result.districtId)
      .orderBy('email')
      .execute();
    expect(staff.map((row) => row.email)).toEqual([
      'jdoe@lakeside.example.org',
      'mrivera@lakeside.example.org',
    ]);
  });
});

/** Every school and class enrolment, by source id, with its student's sourcedId. */
async function enrolments(db: Kysely<DB>) {
  const spans = await db
    .selectFrom('enrolment_spans as e')
    .innerJoin('students as s', (join) =>
      join.onRef('s.district_id', '=', 'e.district_id').onRef('s.student_id', '=', 'e.student_id'),
    )
    .select([
      'e.source_id',
      's.source_id as student',
      'e.entry_date',
      'e.end_date_exclusive',
      'e.exit_reason',
    ])
    .orderBy('e.source_id')
    .execute();
  const classes = await db
    .selectFrom('section_enrolments as e')
    .innerJoin('students as s', (join) =>
      join.onRef('s.district_id', '=', 'e.district_id').onRef('s.student_id', '=', 'e.student_id'),
    )
    .select(['e.source_id', 's.source_id as student', 'e.entry_date', 'e.end_date_exclusive'])
    .orderBy('e.source_id')
    .execute();
  return { spans, classes };
}

type Enrolments = Awaited<ReturnType<typeof enrolments>>;

/**
 * What withdrawing `students` as of `asOf` should leave: their enrolments open on that day
 * end then (with `exitReason` on school spans); those not begun yet are gone; nothing else moves.
 */
function withdrawnFrom(
  before: Enrolments,
  students: readonly string[],
  asOf: string,
  exitReason: string,
): Enrolments {
  const leaving = new Set(students);
  const open = (row: { student: string | null; end_date_exclusive: string | null }) =>
    leaving.has(row.student as string) && (row.end_date_exclusive === null || row.end_date_exclusive > asOf);
  return {
    spans: before.spans.flatMap((row) =>
      !open(row)
        ? [row]
        : row.entry_date >= asOf
          ? []
          : [{ ...row, end_date_exclusive: asOf, exit_reason: exitReason }],
    ),
    classes: before.classes.flatMap((row) =>
      !open(row) ? [row] : row.entry_date >= asOf ? [] : [{ ...row, end_date_exclusive: asOf }],
    ),
  };
}

/** Attendance events per student (by sourcedId). */
async function attendanceByStudent(db: Kysely<DB>): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('attendance_events as a')
    .innerJoin('students as s', (join) =>
      join.onRef('s.district_id', '=', 'a.district_id').onRef('s.student_id', '=', 'a.student_id'),
    )
    .select(['s.source_id', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('s.source_id')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.source_id as string, Number(row.n)]));
}

/** Students (sourcedIds) with a school enrolment open on `asOf`, in order. */
async function activeStudents(db: Kysely<DB>, asOf: string): Promise<string[]> {
  const rows = await db
    .selectFrom('students as s')
    .select('s.source_id')
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('enrolment_spans as e')
          .select('e.student_id')
          .whereRef('e.district_id', '=', 's.district_id')
          .whereRef('e.student_id', '=', 's.student_id')
          .where((eb) =>
            eb.or([eb('e.end_date_exclusive', 'is', null), eb('e.end_date_exclusive', '>', asOf)]),
          ),
      ),
    )
    .orderBy('s.source_id')
    .execute();
  return rows.map((row) => row.source_id as string);
}

/**
 * A copy of the demo roster without some students' rows: by default all of them, as an
 * export made after they left; `files` to leave them out of some files only (a truncated
 * users.csv, say).
 */
function rosterWithout(
  name: string,
  students: readonly string[],
  files: readonly string[] = ['users.csv', 'roles.csv', 'enrollments.csv', 'demographics.csv'],
): string {
  const gone = new Set(students);
  const directory = join(scratch, name);
  cpSync(roster, directory, { recursive: true });
  for (const file of files) {
    const lines = readFileSync(join(directory, file), 'utf8').split('\n');
    // The user's column comes before any quoted field in these files: splitting on commas is safe.
    const column = (lines[0] as string)
      .split(',')
      .indexOf(file === 'roles.csv' || file === 'enrollments.csv' ? 'userSourcedId' : 'sourcedId');
    expect(column).toBeGreaterThanOrEqual(0);
    const kept = lines.filter((line, index) => index === 0 || !gone.has(line.split(',')[column] as string));
    expect(lines.length - kept.length).toBeGreaterThanOrEqual(file === 'users.csv' ? students.length : 1);
    writeFileSync(join(directory, file), kept.join('\n'));
  }
  return directory;
}

describe(`Withdrawals on ${testEngine()}`, () => {
  const asOf = OPTIONS.asOf;
  let db: Kysely<DB>;
  let own: TestDatabase;
  let original: Enrolments;
  let attendance: Record<string, number>;
  let active: string[];

  beforeAll(async () => {
    own = await createTestDatabase();
    db = own.db;
    const result = await importOneRoster(db, { directory: roster, asOf });
    await importAttendanceFile(db, {
      districtId: result.districtId,
      path: join(roster, 'attendance.csv'),
      sourceSystem: 'csv',
    });
    original = await enrolments(db);
    attendance = await attendanceByStudent(db);
    active = await activeStudents(db, asOf);
    expect(active).toHaveLength(300);
  });

  afterAll(async () => {
    await own?.close();
  });

  it("ends exactly the enrolments of the two students a bulk users.csv leaves out, as of the import's date, and keeps them and their attendance", async () => {
    const two = active.filter((student) => (attendance[student] ?? 0) > 0).slice(0, 2);
    expect(two).toHaveLength(2);
    const classes = original.classes.filter((row) => two.includes(row.student as string)).length;
    expect(classes).toBeGreaterThan(0);
    const result = await importOneRoster(db, { directory: rosterWithout('two-left', two), asOf });
    expect(result.withdrawal).toEqual({
      asOf,
      activeStudents: 300,
      missing: 2,
      deleted: 0,
      withdrawn: 2,
      refused: null,
    });
    expect(result.report.rejectedRows).toBe(0);
    expect(await enrolments(db)).toEqual(withdrawnFrom(original, two, asOf, 'not_in_roster'));
    expect(result.report.counts.enrolment_spans).toMatchObject({ updated: 2, deleted: 0 });
    expect(result.report.counts.section_enrolments).toMatchObject({ updated: classes, deleted: 0 });
    expect(result.report.notes).toContain(
      "2 of the district's 300 active students left and were withdrawn as of 2026-10-15 (2 not in this bulk users.csv): their enrolments end that day; they, their families and their attendance are kept.",
    );
    const kept = await db.selectFrom('students').select('source_id').where('source_id', 'in', two).execute();
    expect(kept).toHaveLength(2);
    expect(await attendanceByStudent(db)).toEqual(attendance);
  });

  it('changes nothing when the same files are imported again, that day or later', async () => {
    const before = await enrolments(db);
    for (const date of [asOf, '2026-10-20']) {
      const result = await importOneRoster(db, { directory: join(scratch, 'two-left'), asOf: date });
      expect(result.withdrawal).toMatchObject({
        activeStudents: 298,
        missing: 0,
        withdrawn: 0,
        refused: null,
      });
      expect(total(result.report.counts, 'created')).toBe(0);
      expect(total(result.report.counts, 'updated')).toBe(0);
      expect(total(result.report.counts, 'deleted')).toBe(0);
      expect(result.report.rejectedRows).toBe(0);
      expect(await enrolments(db)).toEqual(before);
    }
  });

  it('enrols a withdrawn student again when a later bulk file names them', async () => {
    const result = await importOneRoster(db, { directory: roster, asOf });
    expect(result.withdrawal.withdrawn).toBe(0);
    expect(await enrolments(db)).toEqual(original);
  });

  it('withdraws no student whose users.csv row is rejected: a row the import cannot read is no sign they left', async () => {
    const [unnamed, misshapen] = active.slice(10, 12) as [string, string];
    const directory = rosterWith('rejected-rows', 'users.csv', (text) =>
      text
        .split('\n')
        .map((line) =>
          line.startsWith(`${unnamed},`)
            ? line
                .split(',')
                .map((field, index) => (index === 6 ? '' : field))
                .join(',')
            : line.startsWith(`${misshapen},`)
              ? `${line},one field too many`
              : line,
        )
        .join('\n'),
    );
    const result = await importOneRoster(db, { directory, asOf });
    expect(result.report.counts.users?.rejected).toBe(2);
    expect(result.withdrawal).toMatchObject({ activeStudents: 300, missing: 0, withdrawn: 0, refused: null });
    expect(await enrolments(db)).toEqual(original);
  });

  it('withdraws nobody when a bulk users.csv leaves out 60% of the students, imports the rest, and says why', async () => {
    const missing = active.slice(0, 180);
    const renamed = active[active.length - 1] as string;
    // A users.csv cut short: roles.csv and enrollments.csv still name everyone.
    const directory = rosterWithout('truncated', missing, ['users.csv']);
    const users = readFileSync(join(directory, 'users.csv'), 'utf8').split('\n');
    const line = users.findIndex((text) => text.startsWith(`${renamed},`));
    const givenName = (users[0] as string).split(',').indexOf('givenName');
    users[line] = (users[line] as string)
      .split(',')
      .map((field, index) => (index === givenName ? 'Renamed' : field))
      .join(',');
    writeFileSync(join(directory, 'users.csv'), users.join('\n'));
    const before = await enrolments(db);

    const result = await importOneRoster(db, { directory, asOf });
    const refusal =
      "No student was withdrawn: this import would withdraw 180 of the district's 300 active students (60%; 180 not in users.csv, a bulk file), " +
      'more than the 10% one import may withdraw. A truncated or half-finished export looks like this: check the files. ' +
      'The rest of the roster was imported. If these students really left (a school closed, say), ' +
      'import the same files again with --max-withdrawal-share 0.6 (or --allow-mass-withdrawal).';
    expect(result.withdrawal).toEqual({
      asOf,
      activeStudents: 300,
      missing: 180,
      deleted: 0,
      withdrawn: 0,
      refused: refusal,
    });
    expect(await enrolments(db)).toEqual(before);
    expect(result.report.counts.students).toMatchObject({ updated: 1, unchanged: 119, deleted: 0 });
    const student = await db
      .selectFrom('students')
      .select('first_name')
      .where('source_id', '=', renamed)
      .executeTakeFirstOrThrow();
    expect(student.first_name).toBe('Renamed');
    expect(result.report.notes).toContain(refusal);
    const run = await db
      .selectFrom('import_runs')
      .select(['status', 'message'])
      .where('import_run_id', '=', result.report.importRunId)
      .executeTakeFirstOrThrow();
    expect(run.status).toBe('succeeded');
    expect(run.message).toContain(refusal);
    const errors = await db
      .selectFrom('import_errors')
      .select(['file', 'line', 'column', 'reason'])
      .where('import_run_id', '=', result.report.importRunId)
      .execute();
    expect(errors).toContainEqual({ file: 'users.csv', line: null, column: null, reason: refusal });
    // Their class enrolments, still in enrollments.csv, are not imported (and not reopened).
    expect(errors).toContainEqual(
      expect.objectContaining({
        file: 'enrollments.csv',
        column: 'userSourcedId',
        reason: `no user in users.csv has the sourcedId "${missing[0]}" (a bulk users.csv names every user; a student it leaves out has left).`,
      }),
    );
  });

  it('withdraws them when the operator allows that share', async () => {
    const missing = active.slice(0, 180);
    const directory = join(scratch, 'truncated');
    const before = await enrolments(db);
    const short = await importOneRoster(db, { directory, asOf, maxWithdrawalShare: 0.59 });
    expect(short.withdrawal.refused).toContain('more than the 59% one import may withdraw.');
    expect(await enrolments(db)).toEqual(before);

    const result = await importOneRoster(db, { directory, asOf, maxWithdrawalShare: 0.6 });
    expect(result.withdrawal).toMatchObject({ missing: 180, withdrawn: 180, refused: null });
    expect(await enrolments(db)).toEqual(withdrawnFrom(before, missing, asOf, 'not_in_roster'));
    expect(await attendanceByStudent(db)).toEqual(attendance);
  });

  it('withdraws nobody when the import stops part-way, even with the guard off', async () => {
    await importOneRoster(db, { directory: roster, asOf });
    expect(await enrolments(db)).toEqual(original);
    const directory = rosterWithout('truncated-and-broken', active.slice(0, 180), ['users.csv']);
    writeFileSync(
      join(directory, 'enrollments.csv'),
      readFileSync(join(directory, 'enrollments.csv'), 'utf8').replace('classSourcedId', 'class'),
    );
    const error = await importOneRoster(db, { directory, asOf, maxWithdrawalShare: 1 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CsvFileError);
    expect(await enrolments(db)).toEqual(original);
  });

  it('withdraws, and keeps, a student a delta users.csv marks tobedeleted along with their roles', async () => {
    const [student] = active as [string];
    const directory = join(scratch, 'delta');
    mkdirSync(directory);
    cpSync(join(roster, 'orgs.csv'), join(directory, 'orgs.csv'));
    writeFileSync(
      join(directory, 'manifest.csv'),
      'propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\nfile.orgs,bulk\nfile.users,delta\nfile.roles,delta\n',
    );
    for (const [file, column] of [
      ['users.csv', 'sourcedId'],
      ['roles.csv', 'userSourcedId'],
    ] as const) {
      const [header, ...rows] = readFileSync(join(roster, file), 'utf8').split('\n');
      const index = (header as string).split(',').indexOf(column);
      const mine = rows.filter((row) => row.split(',')[index] === student);
      expect(mine.length).toBeGreaterThan(0);
      writeFileSync(
        join(directory, file),
        [header, ...mine.map((row) => row.replace(',active,', ',tobedeleted,'))].join('\n'),
      );
    }
    for (let run = 1; run <= 2; run += 1) {
      const result = await importOneRoster(db, { directory, asOf });
      expect(result.report.rejectedRows).toBe(0);
      expect(result.withdrawal).toEqual({
        asOf,
        activeStudents: run === 1 ? 300 : 299,
        missing: 0,
        deleted: run === 1 ? 1 : 0,
        withdrawn: run === 1 ? 1 : 0,
        refused: null,
      });
      expect(await enrolments(db)).toEqual(withdrawnFrom(original, [student], asOf, 'deleted_in_roster'));
    }
    const kept = await db
      .selectFrom('students')
      .select('source_id')
      .where('source_id', '=', student)
      .execute();
    expect(kept).toEqual([{ source_id: student }]);
    expect(await attendanceByStudent(db)).toEqual(attendance);
  });
  it('removes the enrolments of students who leave before they begin, and keeps their records', async () => {
    await importOneRoster(db, { directory: roster, asOf });
    expect(await enrolments(db)).toEqual(original);
    // A roster imported in the summer: two students moved away before the first day (19 August).
    const summer = '2026-08-01';
    const two = active.slice(20, 22);
    const result = await importOneRoster(db, { directory: rosterWithout('summer', two), asOf: summer });
    expect(result.withdrawal).toMatchObject({ missing: 2, withdrawn: 2, refused: null });
    const after = await enrolments(db);
    expect(after).toEqual(withdrawnFrom(original, two, summer, 'not_in_roster'));
    expect(after.spans.filter((row) => two.includes(row.student as string))).toEqual([]);
    expect(result.report.counts.enrolment_spans).toMatchObject({ updated: 0, deleted: 2 });
    const kept = await db.selectFrom('students').select('source_id').where('source_id', 'in', two).execute();
    expect(kept).toHaveLength(2);
    expect(await attendanceByStudent(db)).toEqual(attendance);
  });
});

describe(`homeroom import oneroster on ${testEngine()}: the mass-withdrawal guard`, () => {
  let env: NodeJS.ProcessEnv;
  let cliDatabase: TestDatabase | undefined;
  const directory = () => join(scratch, 'cli-roster');

  beforeAll(async () => {
    ({ env, database: cliDatabase } = await cliEnvironment(scratch));
    mkdirSync(directory());
    const write = (name: string, lines: string[]) =>
      writeFileSync(join(directory(), name), `${lines.join('\n')}\n`);
    write('manifest.csv', [
      'propertyName,value',
      'oneroster.version,1.1',
      'file.orgs,bulk',
      'file.academicSessions,bulk',
      'file.users,bulk',
    ]);
    write('orgs.csv', [
      'sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId',
      'd1,,,Hillview Schools,district,,',
      'h1,,,Hillview High School,school,,d1',
    ]);
    write('academicSessions.csv', [
      'sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear',
      'y1,,,2026-27,schoolYear,2026-08-20,2027-06-10,,2027',
    ]);
  });

  afterAll(async () => {
    await cliDatabase?.close();
  });

  const withStudents = (...students: string[]) =>
    writeFileSync(
      join(directory(), 'users.csv'),
      `${[
        'sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password',
        'u-t,,,true,h1,teacher,jlee,,Jo,Lee,,T1,jlee@hillview.example.org,,,,,',
        ...students.map((id) => `${id},,,true,h1,student,,,Student,${id},,L-${id},,,,,09,`),
      ].join('\n')}\n`,
    );
  const importAsOf = (...flags: string[]) =>
    homeroom(['import', 'oneroster', directory(), '--as-of', '2026-10-01', ...flags], env);

  it('lets a few students leave a small district, refuses to withdraw all of them (exit 3), and withdraws them when told to', async () => {
    withStudents('s1', 's2', 's3');
    const first = await importAsOf();
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);

    // One of three is a third, but under the minimum the guard lets it through.
    withStudents('s1', 's2');
    const one = await importAsOf();
    expect(one.stderr).toBe('');
    expect(one.code).toBe(0);
    expect(one.stdout).toContain(
      "note: 1 of the district's 3 active students left and were withdrawn as of 2026-10-01 (1 not in this bulk users.csv)",
    );

    withStudents();
    const everyone = await importAsOf();
    const refusal =
      "No student was withdrawn: this import would withdraw every one of the district's 2 active students (100%; 2 not in users.csv, a bulk file), more than the 10% one import may withdraw.";
    expect(everyone.code).toBe(3);
    expect(everyone.stderr).toContain(refusal);
    expect(everyone.stderr).toContain('--max-withdrawal-share 1 (or --allow-mass-withdrawal)');
    expect(everyone.stdout).toContain(`note: ${refusal}`);

    const allowed = await importAsOf('--allow-mass-withdrawal');
    expect(allowed.stderr).toBe('');
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain("note: 2 of the district's 2 active students left and were withdrawn");

    const again = await importAsOf();
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('withdrawn');
  });

  it('names a wrong withdrawal flag', async () => {
    const share = await homeroom(['import', 'oneroster', directory(), '--max-withdrawal-share', '1.5'], env);
    expect(share.code).toBe(2);
    expect(share.stderr).toContain('--max-withdrawal-share must be a share from 0 to 1');
    const date = await homeroom(['import', 'oneroster', directory(), '--as-of', '2026-02-30'], env);
    expect(date.code).toBe(2);
    expect(date.stderr).toContain('--as-of must be a date as YYYY-MM-DD, got "2026-02-30".');
    const both = await homeroom(
      ['import', 'oneroster', directory(), '--allow-mass-withdrawal', '--max-withdrawal-share', '0.5'],
      env,
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('not both');
  });
});

describe('OneRoster values', () => {
  it('normalises grades, phones and slugs', () => {
    expect(['K', 'KG', '1', '09', 'TK', '13', 'Grade 1'].map(normaliseGrade)).toEqual([
      'KG',
      'KG',
      '01',
      '09',
      'PK',
      null,
      null,
    ]);
    expect(['(312) 555-0100', '1-312-555-0100', '+447700900123', '555-0100'].map(normalisePhone)).toEqual([
      '+13125550100',
      '+13125550100',
      '+447700900123',
      null,
    ]);
    expect(slugFor('École Saint-Jean — District 7')).toBe('ecole-saint-jean-district-7');
  });
});
