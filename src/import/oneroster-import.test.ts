/**
 * Importing the demo's own OneRoster export into an empty database on the engine under
 * test: counts match what the generator wrote, a second import changes nothing, a changed
 * row updates, and bad files are refused or reported by file, line, column and reason.
 * Students who leave (missing from a bulk users.csv, or `tobedeleted`) are withdrawn, never
 * deleted, and the mass-withdrawal guard stops a truncated file from withdrawing many.
 * `tobedeleted` deletes nothing else either: enrolments end, staff are deactivated, guardians
 * paused, schools and school years kept; attendance and messages stay, and a later roster
 * restores what it names again.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
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

/** The demo roster's rows of `file` whose `column` is one of `values`, with their header. */
function demoRows(
  file: string,
  column: string,
  values: readonly string[],
): { header: string; rows: string[] } {
  const [header, ...lines] = readFileSync(join(roster, file), 'utf8').split('\n');
  // The columns looked up come before any quoted field in these files: splitting on commas is safe.
  const index = (header as string).split(',').indexOf(column);
  expect(index).toBeGreaterThanOrEqual(0);
  const rows = lines.filter((line) => values.includes(line.split(',')[index] as string));
  expect(rows.length).toBeGreaterThanOrEqual(values.length);
  return { header: header as string, rows };
}

/** A row with its status (the second column) set to tobedeleted. */
const tobedeleted = (row: string) => row.replace(/^([^,]*),active,/, '$1,tobedeleted,');

/**
 * A OneRoster 1.2 delta folder: the demo's orgs.csv (bulk) unless `files` has its own, and
 * `files` (name → lines) as delta files.
 */
function deltaRoster(name: string, files: Record<string, readonly string[]>): string {
  const directory = join(scratch, name);
  mkdirSync(directory);
  if (!files['orgs.csv']) cpSync(join(roster, 'orgs.csv'), join(directory, 'orgs.csv'));
  for (const [file, lines] of Object.entries(files))
    writeFileSync(join(directory, file), `${lines.join('\n')}\n`);
  const modes = Object.keys(files).map((file) => `file.${file.replace(/\.csv$/, '')},delta`);
  writeFileSync(
    join(directory, 'manifest.csv'),
    [
      'propertyName,value',
      'manifest.version,1.0',
      'oneroster.version,1.2',
      ...(files['orgs.csv'] ? [] : ['file.orgs,bulk']),
      ...modes,
      '',
    ].join('\n'),
  );
  return directory;
}

/** The rows of a few tables that must outlive any tobedeleted, counted. */
async function history(db: Kysely<DB>) {
  const count = async (
    table: 'attendance_events' | 'messages' | 'inbound_messages' | 'sections' | 'schools',
  ) =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    attendance: await count('attendance_events'),
    messages: await count('messages'),
    inbound: await count('inbound_messages'),
    sections: await count('sections'),
    schools: await count('schools'),
  };
}

/** `before` with the class enrolments `which` selects that are open on `asOf` ended then. */
function classesEndedFrom(
  before: Enrolments,
  which: (row: Enrolments['classes'][number]) => boolean,
  asOf: string,
): Enrolments {
  return {
    spans: before.spans,
    classes: before.classes.flatMap((row) =>
      !which(row) || (row.end_date_exclusive !== null && row.end_date_exclusive <= asOf)
        ? [row]
        : row.entry_date >= asOf
          ? []
          : [{ ...row, end_date_exclusive: asOf }],
    ),
  };
}

describe(`tobedeleted deletes nothing on ${testEngine()}`, () => {
  const asOf = OPTIONS.asOf;
  let db: Kysely<DB>;
  let own: TestDatabase;
  let districtId: string;
  let original: Enrolments;
  let attendance: Record<string, number>;

  beforeAll(async () => {
    own = await createTestDatabase();
    db = own.db;
    const result = await importOneRoster(db, { directory: roster, asOf });
    districtId = result.districtId;
    await importAttendanceFile(db, { districtId, path: join(roster, 'attendance.csv'), sourceSystem: 'csv' });
    original = await enrolments(db);
    attendance = await attendanceByStudent(db);
  });

  afterAll(async () => {
    await own?.close();
  });

  /** Imports the whole demo roster again: everything a delta ended is back. */
  async function restoreFromBulkRoster() {
    const result = await importOneRoster(db, { directory: roster, asOf });
    expect(result.report.rejectedRows).toBe(0);
    expect(await enrolments(db)).toEqual(original);
    expect(await attendanceByStudent(db)).toEqual(attendance);
    return result;
  }

  /** A class enrolment (by its sourcedId) of a class with attendance taken for its student. */
  async function enrolmentWithClassAttendance() {
    const { rows } = await sql<{ enrolment: string; section: string; section_id: string }>`
      SELECT se.source_id AS enrolment, c.source_id AS section, c.section_id
      FROM section_enrolments se
      JOIN sections c ON c.district_id = se.district_id AND c.section_id = se.section_id
      WHERE se.end_date_exclusive IS NULL AND EXISTS (SELECT 1 FROM attendance_events a
        WHERE a.district_id = se.district_id AND a.section_id = se.section_id AND a.student_id = se.student_id)
      ORDER BY se.source_id LIMIT 1`.execute(db);
    expect(rows).toHaveLength(1);
    return rows[0] as { enrolment: string; section: string; section_id: string };
  }

  const classAttendance = async (sectionId: string) =>
    Number(
      (
        await db
          .selectFrom('attendance_events')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('section_id', '=', sectionId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("ends a student's class enrolment marked tobedeleted on the import's date, keeps its attendance, and reopens it from a later roster", async () => {
    const { enrolment, section_id } = await enrolmentWithClassAttendance();
    const taken = await classAttendance(section_id);
    expect(taken).toBeGreaterThan(0);
    const before = await history(db);
    const { header, rows } = demoRows('enrollments.csv', 'sourcedId', [enrolment]);
    const directory = deltaRoster('delta-enrollment', {
      'enrollments.csv': [header, ...rows.map(tobedeleted)],
    });
    const ended = classesEndedFrom(original, (row) => row.source_id === enrolment, asOf);
    expect(ended).not.toEqual(original);
    for (let run = 1; run <= 2; run += 1) {
      const result = await importOneRoster(db, { directory, asOf });
      expect(result.report.rejectedRows).toBe(0);
      expect(result.report.counts.section_enrolments).toMatchObject({
        updated: run === 1 ? 1 : 0,
        deleted: 0,
      });
      expect(await enrolments(db)).toEqual(ended);
      expect(await history(db)).toEqual(before);
      expect(await classAttendance(section_id)).toBe(taken);
    }
    await restoreFromBulkRoster();
  });

  it('keeps a class marked tobedeleted with its teachers and attendance, ends its class enrolments, lets no enrollment reopen them, and reopens them from a later roster', async () => {
    const { section, section_id } = await enrolmentWithClassAttendance();
    const taken = await classAttendance(section_id);
    const teachers = await db
      .selectFrom('section_staff')
      .selectAll()
      .where('section_id', '=', section_id)
      .execute();
    expect(teachers.length).toBeGreaterThan(0);
    const before = await history(db);
    const classes = demoRows('classes.csv', 'sourcedId', [section]);
    // The same delta still sends one of its students' enrollments as active.
    const enrollments = demoRows('enrollments.csv', 'classSourcedId', [section]);
    const active = enrollments.rows.find((row) => row.includes(',student,')) as string;
    expect(active).toBeDefined();
    const directory = deltaRoster('delta-class', {
      'classes.csv': [classes.header, ...classes.rows.map(tobedeleted)],
      'enrollments.csv': [enrollments.header, active],
    });
    const studentsOfClass = new Set(
      (
        await db
          .selectFrom('section_enrolments')
          .select('source_id')
          .where('section_id', '=', section_id)
          .execute()
      ).map((row) => row.source_id),
    );
    const ended = classesEndedFrom(original, (row) => studentsOfClass.has(row.source_id), asOf);
    expect(ended).not.toEqual(original);
    for (let run = 1; run <= 2; run += 1) {
      const result = await importOneRoster(db, { directory, asOf });
      expect(result.report.counts.section_enrolments).toMatchObject({
        updated: run === 1 ? studentsOfClass.size : 0,
        deleted: 0,
        rejected: 1,
      });
      expect(result.report.counts.sections?.deleted ?? 0).toBe(0);
      const errors = await db
        .selectFrom('import_errors')
        .select(['file', 'column', 'reason'])
        .where('import_run_id', '=', result.report.importRunId)
        .execute();
      expect(errors).toEqual([
        {
          file: 'enrollments.csv',
          column: 'classSourcedId',
          reason: `the class "${section}" is tobedeleted in classes.csv, so nobody is enrolled in it.`,
        },
      ]);
      expect(await enrolments(db)).toEqual(ended);
      expect(await history(db)).toEqual(before);
      expect(await classAttendance(section_id)).toBe(taken);
      expect(
        await db.selectFrom('section_staff').selectAll().where('section_id', '=', section_id).execute(),
      ).toEqual(teachers);
    }
    await restoreFromBulkRoster();
  });

  it("removes only the teaching link of a teacher's enrollment marked tobedeleted, and a later roster links them again", async () => {
    const { section, section_id } = await enrolmentWithClassAttendance();
    const teaching = demoRows('enrollments.csv', 'classSourcedId', [section]);
    const row = teaching.rows.find((line) => line.includes(',teacher,')) as string;
    expect(row).toBeDefined();
    const teacher = row.split(',')[5] as string;
    const linksBefore = await db
      .selectFrom('section_staff')
      .selectAll()
      .orderBy('section_id')
      .orderBy('user_id')
      .execute();
    const { user_id } = await db
      .selectFrom('staff_users')
      .select('user_id')
      .where('source_id', '=', teacher)
      .executeTakeFirstOrThrow();
    const before = await history(db);
    const directory = deltaRoster('delta-teaching', {
      'enrollments.csv': [teaching.header, tobedeleted(row)],
    });
    for (let run = 1; run <= 2; run += 1) {
      const result = await importOneRoster(db, { directory, asOf });
      expect(result.report.rejectedRows).toBe(0);
      expect(result.report.counts.section_staff).toMatchObject({ deleted: run === 1 ? 1 : 0 });
      expect(
        await db.selectFrom('section_staff').selectAll().orderBy('section_id').orderBy('user_id').execute(),
      ).toEqual(linksBefore.filter((link) => !(link.section_id === section_id && link.user_id === user_id)));
      expect(await history(db)).toEqual(before);
      expect(await enrolments(db)).toEqual(original);
      const staff = await db
        .selectFrom('staff_users')
        .select('is_active')
        .where('user_id', '=', user_id)
        .execute();
      expect(staff).toEqual([{ is_active: true }]);
    }
    await restoreFromBulkRoster();
    expect(
      await db.selectFrom('section_staff').selectAll().orderBy('section_id').orderBy('user_id').execute(),
    ).toEqual(linksBefore);
  });

  it('deactivates a staff member marked tobedeleted, keeps what they recorded, taught and were granted, and a later roster reactivates them', async () => {
    const { section_id } = await enrolmentWithClassAttendance();
    const teacher = await db
      .selectFrom('section_staff as t')
      .innerJoin('staff_users as u', (join) =>
        join.onRef('u.district_id', '=', 't.district_id').onRef('u.user_id', '=', 't.user_id'),
      )
      .innerJoin('sections as c', (join) =>
        join.onRef('c.district_id', '=', 't.district_id').onRef('c.section_id', '=', 't.section_id'),
      )
      .select(['u.user_id', 'u.source_id', 'c.school_id'])
      .where('t.section_id', '=', section_id)
      .executeTakeFirstOrThrow();
    // What refers to a staff member: attendance they recorded, a role grant, classes they teach.
    await db
      .updateTable('attendance_events')
      .set({ recorded_by: teacher.user_id })
      .where('section_id', '=', section_id)
      .execute();
    await db
      .insertInto('staff_role_grants')
      .values({
        district_id: districtId,
        user_id: teacher.user_id,
        role: 'teacher',
        scope: 'school',
        school_id: teacher.school_id,
      })
      .execute();
    const recorded = async () =>
      Number(
        (
          await db
            .selectFrom('attendance_events')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('recorded_by', '=', teacher.user_id)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const recordedBefore = await recorded();
    expect(recordedBefore).toBeGreaterThan(0);
    const teaches = await db
      .selectFrom('section_staff')
      .selectAll()
      .where('user_id', '=', teacher.user_id)
      .execute();
    const before = await history(db);
    const users = demoRows('users.csv', 'sourcedId', [teacher.source_id as string]);
    // The role stays active in roles.csv: the user row alone says tobedeleted.
    const roles = demoRows('roles.csv', 'userSourcedId', [teacher.source_id as string]);
    const directory = deltaRoster('delta-staff', {
      'users.csv': [users.header, ...users.rows.map(tobedeleted)],
      'roles.csv': [roles.header, ...roles.rows],
    });
    const state = () =>
      db
        .selectFrom('staff_users')
        .select(['is_active', 'email'])
        .where('user_id', '=', teacher.user_id)
        .executeTakeFirstOrThrow();
    const { email } = await state();
    for (let run = 1; run <= 2; run += 1) {
      const result = await importOneRoster(db, { directory, asOf });
      expect(result.report.rejectedRows).toBe(0);
      expect(result.report.counts.staff_users).toMatchObject({ updated: run === 1 ? 1 : 0, deleted: 0 });
      expect(await state()).toEqual({ is_active: false, email });
      expect(await recorded()).toBe(recordedBefore);
      expect(
        await db.selectFrom('section_staff').selectAll().where('user_id', '=', teacher.user_id).execute(),
      ).toEqual(teaches);
      const grants = await db
        .selectFrom('staff_role_grants')
        .select('role')
        .where('user_id', '=', teacher.user_id)
        .execute();
      expect(grants).toEqual([{ role: 'teacher' }]);
      expect(await history(db)).toEqual(before);
      expect(await enrolments(db)).toEqual(original);
    }
    const restored = await restoreFromBulkRoster();
    expect(restored.report.counts.staff_users).toMatchObject({ updated: 1 });
    expect(await state()).toEqual({ is_active: true, email });
  });

  it('pauses a guardian marked tobedeleted (no messages, no portal), keeps their conversations, and a later roster turns back on only what the pause turned off', async () => {
    const guardian = 'guardian-0-0';
    const contact = await db
      .selectFrom('contacts')
      .select('contact_id')
      .where('source_id', '=', guardian)
      .executeTakeFirstOrThrow();
    const contactId = contact.contact_id;
    const links = () =>
      db
        .selectFrom('student_contacts as l')
        .innerJoin('students as s', (join) =>
          join.onRef('s.district_id', '=', 'l.district_id').onRef('s.student_id', '=', 'l.student_id'),
        )
        .select([
          's.source_id as student',
          'l.relationship',
          'l.receives_attendance_messages as alerts',
          'l.receives_other_messages as other',
          'l.may_view_portal as portal',
        ])
        .where('l.contact_id', '=', contactId)
        .orderBy('s.source_id')
        .execute();
    const [first, second] = (await links()).map((link) => link.student) as [string, string];
    expect([first, second]).toEqual(['student-0', 'student-1']);
    const studentId = async (sourceId: string) =>
      (
        await db
          .selectFrom('students')
          .select('student_id')
          .where('source_id', '=', sourceId)
          .executeTakeFirstOrThrow()
      ).student_id;
    // A conversation with this guardian, and a staff member's choice: no portal for the second child.
    await sql`INSERT INTO messages (district_id, dedupe_key, contact_id, student_id, channel, category, language, to_address, body, status)
      VALUES (${districtId}, 'test:tobedeleted', ${contactId}, ${await studentId(first)}, 'sms', 'attendance_alert', 'ar',
        '+13125550000', 'We missed your child today.', 'delivered')`.execute(db);
    await sql`INSERT INTO inbound_messages (district_id, provider, provider_message_id, channel, from_address, to_address, body, contact_id)
      VALUES (${districtId}, 'test', 'SM-tobedeleted', 'sms', '+13125550000', '+13125559999', 'She was ill.', ${contactId})`.execute(
      db,
    );
    await db
      .updateTable('student_contacts')
      .set({ may_view_portal: false })
      .where('contact_id', '=', contactId)
      .where('student_id', '=', await studentId(second))
      .execute();
    const linked = await links();
    expect(linked).toEqual([
      { student: first, relationship: 'parent', alerts: true, other: true, portal: true },
      { student: second, relationship: 'parent', alerts: true, other: true, portal: false },
    ]);
    const phones = await db
      .selectFrom('contact_phones')
      .selectAll()
      .where('contact_id', '=', contactId)
      .execute();
    expect(phones.length).toBeGreaterThan(0);
    const before = await history(db);
    expect(before).toMatchObject({ messages: 1, inbound: 1 });

    // A 1.2 delta deletes the guardian's role with them: they are recognised by their sourcedId.
    const users = demoRows('users.csv', 'sourcedId', [guardian]);
    const roles = demoRows('roles.csv', 'userSourcedId', [guardian]);
    const directory = deltaRoster('delta-guardian', {
      'users.csv': [users.header, ...users.rows.map(tobedeleted)],
      'roles.csv': [roles.header, ...roles.rows.map(tobedeleted)],
    });
    const paused = linked.map((link) => ({ ...link, alerts: false, other: false, portal: false }));
    for (let run = 1; run <= 2; run += 1) {
      const result = await importOneRoster(db, { directory, asOf });
      expect(result.report.rejectedRows).toBe(0);
      expect(result.report.counts.student_contacts).toMatchObject({ updated: run === 1 ? 2 : 0, deleted: 0 });
      expect(result.report.counts.contacts?.deleted ?? 0).toBe(0);
      expect(await links()).toEqual(paused);
      expect(
        await db.selectFrom('contact_phones').selectAll().where('contact_id', '=', contactId).execute(),
      ).toEqual(phones);
      expect(await history(db)).toEqual(before);
    }
    const pauses = await db
      .selectFrom('audit_log')
      .select(['actor_type', 'action', 'target_id'])
      .where('target_id', '=', contactId)
      .execute();
    expect(pauses).toEqual([
      { actor_type: 'system', action: 'contact.roster-pause', target_id: contactId },
      { actor_type: 'system', action: 'contact.roster-pause', target_id: contactId },
    ]);

    // While paused, a staff member turns attendance alerts back on for the first child only
    // (what PUT /api/students/:id/contacts/:id/routing does): that choice stands.
    const firstId = await studentId(first);
    await db
      .updateTable('student_contacts')
      .set({ receives_attendance_messages: true, receives_other_messages: false })
      .where('contact_id', '=', contactId)
      .where('student_id', '=', firstId)
      .execute();
    await sql`INSERT INTO audit_log (district_id, actor_type, actor_id, student_id, action, target_type, target_id, outcome, detail)
      VALUES (${districtId}, 'staff', 'someone', ${firstId}, 'contact.routing', 'contact', ${contactId}, 'allowed',
        ${JSON.stringify({ attendanceAlerts: true, otherMessages: false })})`.execute(db);

    const restored = await restoreFromBulkRoster();
    expect(restored.report.counts.student_contacts).toMatchObject({ updated: 2 });
    const resumed = [
      { student: first, relationship: 'parent', alerts: true, other: false, portal: true },
      { student: second, relationship: 'parent', alerts: true, other: true, portal: false },
    ];
    expect(await links()).toEqual(resumed);
    const again = await restoreFromBulkRoster();
    expect(again.report.counts.student_contacts).toMatchObject({ updated: 0 });
    expect(await links()).toEqual(resumed);
    expect(await history(db)).toEqual(before);
  });

  it('keeps a school, a school year and a term marked tobedeleted, with everything in them, and says why', async () => {
    const before = await history(db);
    const orgs = demoRows('orgs.csv', 'sourcedId', ['org-district', 'org-m001']);
    const sessions = demoRows('academicSessions.csv', 'sourcedId', ['as-2026-2027', 'as-2026-2027-fall']);
    const directory = deltaRoster('delta-school', {
      'orgs.csv': [
        orgs.header,
        ...orgs.rows.map((row) => (row.startsWith('org-m001,') ? tobedeleted(row) : row)),
      ],
      'academicSessions.csv': [sessions.header, ...sessions.rows.map(tobedeleted)],
    });
    const years = () =>
      db.selectFrom('school_years').select(['name', 'start_date', 'end_date_exclusive']).execute();
    const terms = () => db.selectFrom('sessions').select(['name', 'session_type']).orderBy('name').execute();
    const [yearsBefore, termsBefore] = [await years(), await terms()];
    expect(termsBefore).toHaveLength(2);
    for (let run = 1; run <= 2; run += 1) {
      const result = await importOneRoster(db, { directory, asOf });
      const importRun = await db
        .selectFrom('import_runs')
        .select('status')
        .where('import_run_id', '=', result.report.importRunId)
        .executeTakeFirstOrThrow();
      expect(importRun.status).toBe('succeeded');
      expect(total(result.report.counts, 'deleted')).toBe(0);
      expect(result.report.counts).toMatchObject({
        schools: { rejected: 1 },
        school_years: { rejected: 1 },
        sessions: { rejected: 1 },
      });
      const errors = await db
        .selectFrom('import_errors')
        .select(['file', 'line', 'column', 'reason'])
        .where('import_run_id', '=', result.report.importRunId)
        .orderBy('error_no')
        .execute();
      expect(errors).toEqual([
        {
          file: 'orgs.csv',
          line: 3,
          column: 'status',
          reason:
            'the school "Riverside Middle" (sourcedId "org-m001") is tobedeleted in orgs.csv, but nothing was deleted or ended: ' +
            'deleting a school would take its classes, enrolments and attendance with it. Closing a school is an operator decision; ' +
            'its students leave through users.csv (withdrawals), its classes through classes.csv.',
        },
        {
          file: 'academicSessions.csv',
          line: 2,
          column: 'status',
          reason:
            'the school year "2026-2027" is tobedeleted in academicSessions.csv, but nothing was deleted: ' +
            'deleting a school year would take its classes, enrolments, calendars and attendance figures with it. ' +
            'A school year is removed by an operator, never by a feed.',
        },
        {
          file: 'academicSessions.csv',
          line: 3,
          column: 'status',
          reason:
            'the semester "Fall semester 2026" is tobedeleted in academicSessions.csv, but nothing was deleted: ' +
            'its classes keep it. A term is removed by an operator, never by a feed.',
        },
      ]);
      expect(await history(db)).toEqual(before);
      expect(await enrolments(db)).toEqual(original);
      expect(await attendanceByStudent(db)).toEqual(attendance);
      expect(await years()).toEqual(yearsBefore);
      expect(await terms()).toEqual(termsBefore);
    }
    await restoreFromBulkRoster();
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
