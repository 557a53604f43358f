/**
 * Importing the demo's own OneRoster export into an empty database on the engine under
 * test: counts match what the generator wrote, a second import changes nothing, a changed
 * row updates, `tobedeleted` deletes, and bad files are refused or reported by file, line,
 * column and reason.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testEngine } from '../../test/support/database.ts';
import { type DemoRows, generateDemoDistrict } from '../demo/demo-district.ts';
import { writeDemoFiles } from '../demo/demo-files.ts';
import type { DB } from '../platform/db/types.ts';
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

  it('updates a changed row and deletes a tobedeleted one', async () => {
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
    const result = await importOneRoster(database.db, { directory: changed });
    expect(result.report.counts.students).toMatchObject({
      created: 0,
      updated: 1,
      deleted: 1,
      unchanged: 298,
      rejected: 0,
    });
    const renamed = await database.db
      .selectFrom('students')
      .select('first_name')
      .where('source_id', '=', sourceId)
      .executeTakeFirstOrThrow();
    expect(renamed.first_name).toBe('Renamed');
    const gone = await database.db
      .selectFrom('students')
      .select('student_id')
      .where('source_id', '=', otherSource)
      .execute();
    expect(gone).toEqual([]);
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
