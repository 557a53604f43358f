/**
 * Importing a small district as Ed-Fi ODS/API JSON files, written by the test from the Ed-Fi
 * resource shapes, into the engine under test: every table gets what the files hold, a second
 * import changes nothing, a changed event updates, inclusive exit dates become exclusive ends,
 * descriptors map through the defaults or a district's map, bad resources are reported by
 * file, position, field path and reason while the good ones land, NDJSON reads as arrays do,
 * and `homeroom import edfi` does the same from the command line.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnvironment, homeroom } from '../../test/support/cli.ts';
import { createTestDatabase, type TestDatabase, testEngine } from '../../test/support/database.ts';
import type { DB } from '../platform/db/types.ts';
import { Descriptors, parseEdFiMapping } from './edfi-descriptors.ts';
import { EDFI_RUN_KIND, type EdFiImportOptions, importEdFi } from './edfi-import.ts';
import { MAX_RESOURCE_CHARS } from './edfi-json-reader.ts';
import type { EntityCounts } from './import-run.ts';

type Resource = Record<string, unknown>;
type Folder = Record<string, Resource[]>;

const HIGH = 255901001;
const ELEMENTARY = 255901107;
const YEAR = 2027;
const uri = (descriptor: string, code: string) => `uri://ed-fi.org/${descriptor}#${code}`;
let ids = 0;
/** Ed-Fi's resource id and etag, as the API returns them (Homeroom keys on natural keys). */
const api = () => {
  ids += 1;
  return { id: `00000000000040008000${String(ids).padStart(12, '0')}`, _etag: String(5_250_000_000 + ids) };
};
const student = (studentUniqueId: string) => ({ studentUniqueId, link: { rel: 'Student' } });

function schoolEvent(studentId: string, schoolId: number, date: string, code: string, extra: Resource = {}) {
  return {
    ...api(),
    attendanceEventCategoryDescriptor: code.includes('#')
      ? code
      : uri('AttendanceEventCategoryDescriptor', code),
    eventDate: date,
    schoolReference: { schoolId },
    sessionReference: { schoolId, schoolYear: YEAR, sessionName: 'Fall Semester' },
    studentReference: student(studentId),
    ...extra,
  };
}

const algebra = {
  localCourseCode: 'ALG-1',
  schoolId: HIGH,
  schoolYear: YEAR,
  sectionIdentifier: 'ALG-1-01',
  sessionName: 'Fall Semester',
};

function sectionEvent(studentId: string, date: string, code: string, extra: Resource = {}) {
  return {
    ...api(),
    attendanceEventCategoryDescriptor: uri('AttendanceEventCategoryDescriptor', code),
    eventDate: date,
    sectionReference: algebra,
    studentReference: student(studentId),
    ...extra,
  };
}

/** A small district: an elementary and a high school, four students, a year of 2026-27. */
function district(): Folder {
  const calendarDate = (schoolId: number, code: string, date: string, ...events: string[]) => ({
    ...api(),
    calendarReference: { calendarCode: code, schoolId, schoolYear: YEAR },
    date,
    calendarEvents: events.map((event) => ({
      calendarEventDescriptor: uri('CalendarEventDescriptor', event),
    })),
  });
  const session = (schoolId: number, name: string, begin: string, end: string, term: string) => ({
    ...api(),
    schoolReference: { schoolId },
    schoolYearTypeReference: { schoolYear: YEAR },
    sessionName: name,
    beginDate: begin,
    endDate: end,
    termDescriptor: uri('TermDescriptor', term),
    totalInstructionalDays: 85,
  });
  const association = (studentId: string, schoolId: number, grade: string, extra: Resource = {}) => ({
    ...api(),
    entryDate: '2026-08-19',
    entryGradeLevelDescriptor: uri('GradeLevelDescriptor', grade),
    schoolReference: { schoolId },
    studentReference: student(studentId),
    ...extra,
  });
  return {
    localEducationAgencies: [
      {
        ...api(),
        localEducationAgencyId: 255901,
        nameOfInstitution: 'Grand Bend ISD',
        localEducationAgencyCategoryDescriptor: uri('LocalEducationAgencyCategoryDescriptor', 'Independent'),
      },
    ],
    schools: [
      {
        ...api(),
        schoolId: HIGH,
        nameOfInstitution: 'Grand Bend High School',
        localEducationAgencyReference: { localEducationAgencyId: 255901 },
        schoolCategories: [{ schoolCategoryDescriptor: uri('SchoolCategoryDescriptor', 'High School') }],
        gradeLevels: ['Ninth grade', 'Tenth grade', 'Eleventh grade', 'Twelfth grade'].map((grade) => ({
          gradeLevelDescriptor: uri('GradeLevelDescriptor', grade),
        })),
      },
      {
        ...api(),
        schoolId: ELEMENTARY,
        nameOfInstitution: 'Grand Bend Elementary School',
        localEducationAgencyReference: { localEducationAgencyId: 255901 },
        gradeLevels: ['Kindergarten', 'First grade', 'Fifth grade', 'Third grade'].map((grade) => ({
          gradeLevelDescriptor: uri('GradeLevelDescriptor', grade),
        })),
      },
    ],
    sessions: [
      session(HIGH, 'Fall Semester', '2026-08-19', '2026-12-18', 'Fall Semester'),
      session(HIGH, 'Spring Semester', '2027-01-05', '2027-05-28', 'Spring Semester'),
      session(ELEMENTARY, 'Fall Semester', '2026-08-19', '2026-12-18', 'Fall Semester'),
      session(ELEMENTARY, 'Summer School', '2027-06-14', '2027-07-16', 'Summer Semester'),
    ],
    calendarDates: [
      calendarDate(ELEMENTARY, 'E-REG', '2026-08-19', 'Instructional day'),
      calendarDate(ELEMENTARY, 'E-REG', '2026-08-20', 'Instructional day'),
      calendarDate(ELEMENTARY, 'E-REG', '2026-08-21', 'Teacher only day'),
      calendarDate(ELEMENTARY, 'E-REG', '2026-09-07', 'Holiday'),
      calendarDate(
        ELEMENTARY,
        'E-REG',
        '2026-09-08',
        'Student late arrival/early dismissal',
        'Instructional day',
      ),
      calendarDate(ELEMENTARY, 'E-REG', '2027-07-02', 'Make-up day'),
      calendarDate(HIGH, 'H-REG', '2026-08-19', 'Instructional day'),
      calendarDate(HIGH, 'H-REG', '2026-08-20', 'Weather day'),
      calendarDate(HIGH, 'H-REG', '2026-08-21', 'Instructional day'),
    ],
    students: [
      { ...api(), studentUniqueId: 'S1', firstName: 'Ana', lastSurname: 'Ruiz', birthDate: '2019-03-04' },
      {
        ...api(),
        studentUniqueId: 'S2',
        firstName: 'Ben',
        middleName: 'T',
        lastSurname: 'Okafor',
        birthSexDescriptor: uri('SexDescriptor', 'Male'),
      },
      { ...api(), studentUniqueId: 'S3', firstName: 'Chloé', lastSurname: 'Müller–O’Brien' },
      { ...api(), studentUniqueId: 'S4', firstName: 'Dev', lastSurname: 'Patel', preferredFirstName: 'D' },
    ],
    studentSchoolAssociations: [
      association('S1', ELEMENTARY, 'First grade'),
      association('S2', ELEMENTARY, 'Third grade', {
        exitWithdrawDate: '2026-10-15',
        exitWithdrawTypeDescriptor: uri(
          'ExitWithdrawTypeDescriptor',
          'Student is in a different public school',
        ),
      }),
      association('S3', HIGH, 'Ninth grade', {
        calendarReference: { calendarCode: 'H-REG', schoolId: HIGH, schoolYear: YEAR },
      }),
      association('S4', HIGH, 'Tenth grade', {
        schoolYearTypeReference: { schoolYear: YEAR },
        exitWithdrawDate: '2026-08-19',
      }),
    ],
    sections: [
      {
        ...api(),
        sectionIdentifier: 'ALG-1-01',
        courseOfferingReference: {
          localCourseCode: 'ALG-1',
          schoolId: HIGH,
          schoolYear: YEAR,
          sessionName: 'Fall Semester',
        },
        sectionName: 'Algebra I, period 1',
        officialAttendancePeriod: true,
      },
    ],
    studentSchoolAttendanceEvents: [
      schoolEvent('S1', ELEMENTARY, '2026-09-01', 'Excused Absence', {
        eventDuration: 1,
        attendanceEventReason: 'Doctor',
      }),
      schoolEvent('S1', ELEMENTARY, '2026-09-02', 'Tardy', {
        schoolAttendanceDuration: 12,
        arrivalTime: '08:42:00',
      }),
      // The category is part of Ed-Fi's key: a tardy and an absence on one day are two events.
      schoolEvent('S1', ELEMENTARY, '2026-09-02', 'Excused Absence', { eventDuration: 0.5 }),
      schoolEvent('S2', ELEMENTARY, '2026-09-03', 'Unexcused Absence', { eventDuration: 0.33 }),
      schoolEvent('S3', HIGH, '2026-09-04', 'Early departure', {
        schoolAttendanceDuration: 45,
        departureTime: '14:15',
      }),
    ],
    studentSectionAttendanceEvents: [
      sectionEvent('S3', '2026-09-08', 'Unexcused Absence', { sectionAttendanceDuration: 50 }),
      sectionEvent('S4', '2026-09-08', 'Tardy', { sectionAttendanceDuration: 5 }),
    ],
  };
}

let database: TestDatabase;
let scratch: string;

beforeAll(async () => {
  database = await createTestDatabase();
  scratch = mkdtempSync(join(tmpdir(), 'homeroom-edfi-'));
});

afterAll(async () => {
  await database?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Writes resource files into a new folder: JSON arrays (minified or pretty-printed) or NDJSON. */
function writeFolder(name: string, folder: Folder, format: 'array' | 'pretty' | 'ndjson' = 'array'): string {
  const directory = join(scratch, name);
  mkdirSync(directory, { recursive: true });
  for (const [resource, rows] of Object.entries(folder)) {
    if (format === 'ndjson')
      writeFileSync(
        join(directory, `${resource}.ndjson`),
        `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`,
      );
    else
      writeFileSync(
        join(directory, `${resource}.json`),
        JSON.stringify(rows, null, format === 'pretty' ? 2 : 0),
      );
  }
  return directory;
}

/** Writes one file's text as it is (for malformed JSON). */
function writeRaw(directory: string, file: string, text: string): void {
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, file), text);
}

const TABLES = [
  'schools',
  'school_years',
  'sessions',
  'calendars',
  'calendar_days',
  'students',
  'enrolment_spans',
  'sections',
  'attendance_events',
] as const satisfies readonly (keyof DB)[];

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

const importFolder = (directory: string, options: Partial<EdFiImportOptions> = {}) =>
  importEdFi(database.db, { directory, ...options });

const sum = (counts: Record<string, EntityCounts>, key: keyof EntityCounts) =>
  Object.values(counts).reduce((total, entity) => total + entity[key], 0);
const read = (counts: EntityCounts | undefined) =>
  counts ? counts.created + counts.updated + counts.unchanged + counts.rejected : 0;

async function errorsOf(importRunId: string) {
  return database.db
    .selectFrom('import_errors')
    .select(['file', 'line', 'column', 'reason', 'raw'])
    .where('import_run_id', '=', importRunId)
    .orderBy('file')
    .orderBy('line')
    .execute();
}

async function event(sourceIdPart: string) {
  return database.db
    .selectFrom('attendance_events')
    .selectAll()
    .where('source_system', '=', 'edfi')
    .where('source_id', 'like', `%${sourceIdPart}%`)
    .execute();
}

describe(`Ed-Fi JSON import on ${testEngine()}`, () => {
  const folder = district();
  let complete: string;

  it('imports a complete small district, every resource counted', async () => {
    complete = writeFolder('complete', folder);
    const result = await importFolder(complete, { batchSize: 2 });
    expect(result).toMatchObject({ districtName: 'Grand Bend ISD', createdDistrict: true });
    expect(result.report.rejectedRows).toBe(0);
    expect(await storedCounts()).toEqual({
      schools: 2,
      school_years: 1,
      sessions: 4,
      calendars: 2,
      calendar_days: 9,
      students: 4,
      enrolment_spans: 4,
      sections: 1,
      attendance_events: 7,
    });
    const counts = result.report.counts;
    // Every resource is counted once per file: total = created + updated + unchanged + rejected.
    for (const [entity, file] of [
      ['schools', 'schools'],
      ['sessions', 'sessions'],
      ['calendar_days', 'calendarDates'],
      ['students', 'students'],
      ['enrolment_spans', 'studentSchoolAssociations'],
      ['sections', 'sections'],
      ['attendance_events', 'studentSchoolAttendanceEvents'],
      ['section_attendance_events', 'studentSectionAttendanceEvents'],
    ] as const)
      expect({ entity, read: read(counts[entity]), created: counts[entity]?.created }).toEqual({
        entity,
        read: folder[file]?.length,
        created: folder[file]?.length,
      });
    const run = await database.db
      .selectFrom('import_runs')
      .selectAll()
      .where('import_run_id', '=', result.report.importRunId)
      .executeTakeFirstOrThrow();
    expect(run).toMatchObject({ kind: EDFI_RUN_KIND, status: 'succeeded', source: `edfi:${complete}` });
    expect((run.counts as unknown as Record<string, EntityCounts>).students).toEqual({
      created: 4,
      updated: 0,
      unchanged: 0,
      deleted: 0,
      rejected: 0,
    });

    const districts = await database.db
      .selectFrom('districts')
      .select(['name', 'slug', 'source_id'])
      .execute();
    expect(districts).toEqual([{ name: 'Grand Bend ISD', slug: 'grand-bend-isd', source_id: '255901' }]);
    const schools = await database.db
      .selectFrom('schools')
      .select(['source_id', 'name', 'school_type', 'grade_low', 'grade_high'])
      .orderBy('source_id')
      .execute();
    expect(schools).toEqual([
      {
        source_id: '255901001',
        name: 'Grand Bend High School',
        school_type: 'high',
        grade_low: '09',
        grade_high: '12',
      },
      {
        source_id: '255901107',
        name: 'Grand Bend Elementary School',
        school_type: 'elementary',
        grade_low: 'KG',
        grade_high: '05',
      },
    ]);
    // schoolYear 2027 is 2026-27; the summer session runs past 1 July, so the year widens to hold it.
    expect(
      await database.db
        .selectFrom('school_years')
        .select(['name', 'start_date', 'end_date_exclusive'])
        .execute(),
    ).toEqual([{ name: '2026-2027', start_date: '2026-07-01', end_date_exclusive: '2027-07-17' }]);
    const sessions = await database.db
      .selectFrom('sessions')
      .select(['source_id', 'name', 'session_type', 'start_date', 'end_date_exclusive'])
      .orderBy('source_id')
      .execute();
    expect(sessions[0]).toEqual({
      source_id: '255901001|2027|Fall Semester',
      name: 'Fall Semester',
      session_type: 'semester',
      start_date: '2026-08-19',
      end_date_exclusive: '2026-12-19',
    });
    const days = await sql<{
      code: string;
      date: string;
      day_type: string;
      instructional_minutes: number;
      note: string;
    }>`
      SELECT c.code, d.date::text AS date, d.day_type, d.instructional_minutes, d.note
      FROM calendar_days d JOIN calendars c USING (district_id, calendar_id)
      WHERE c.code = 'E-REG' ORDER BY d.date`.execute(database.db);
    expect(days.rows.map((day) => [day.date, day.day_type, day.instructional_minutes])).toEqual([
      ['2026-08-19', 'instructional', 360],
      ['2026-08-20', 'instructional', 360],
      ['2026-08-21', 'teacher_only', 0],
      ['2026-09-07', 'holiday', 0],
      ['2026-09-08', 'instructional', 360],
      ['2027-07-02', 'makeup', 360],
    ]);
    expect(days.rows[4]?.note).toBe('Student late arrival/early dismissal, Instructional day');
    const students = await database.db
      .selectFrom('students')
      .select([
        'local_id',
        'first_name',
        'last_name',
        'grade_level',
        'gender',
        'date_of_birth',
        'preferred_name',
      ])
      .orderBy('local_id')
      .execute();
    expect(students).toEqual([
      {
        local_id: 'S1',
        first_name: 'Ana',
        last_name: 'Ruiz',
        grade_level: '01',
        gender: null,
        date_of_birth: '2019-03-04',
        preferred_name: null,
      },
      {
        local_id: 'S2',
        first_name: 'Ben',
        last_name: 'Okafor',
        grade_level: '03',
        gender: 'M',
        date_of_birth: null,
        preferred_name: null,
      },
      {
        local_id: 'S3',
        first_name: 'Chloé',
        last_name: 'Müller–O’Brien',
        grade_level: '09',
        gender: null,
        date_of_birth: null,
        preferred_name: null,
      },
      {
        local_id: 'S4',
        first_name: 'Dev',
        last_name: 'Patel',
        grade_level: '10',
        gender: null,
        date_of_birth: null,
        preferred_name: 'D',
      },
    ]);
    const [section] = await database.db
      .selectFrom('sections')
      .select(['source_id', 'name', 'course_code', 'is_homeroom', 'session_id'])
      .execute();
    expect(section).toMatchObject({
      source_id: '255901001|2027|Fall Semester|ALG-1|ALG-1-01',
      name: 'Algebra I, period 1',
      course_code: 'ALG-1',
      is_homeroom: true,
    });
    expect(section?.session_id).not.toBeNull();
    const [absence] = await event('|S1|2026-09-01|');
    expect(absence).toMatchObject({
      category: 'excused_absence',
      day_fraction: '1.000',
      minutes: null,
      is_excused: true,
      note: 'Doctor',
      section_id: null,
    });
    expect(await event('|S1|2026-09-02|')).toHaveLength(2);
    expect(
      (await event('|S1|2026-09-02|uri://ed-fi.org/AttendanceEventCategoryDescriptor#Tardy'))[0],
    ).toMatchObject({
      category: 'tardy',
      minutes: 12,
      arrival_time: '08:42:00',
    });
    expect((await event('|S2|'))[0]).toMatchObject({ category: 'unexcused_absence', day_fraction: '0.330' });
    expect((await event('school|255901001|2027|Fall Semester|S3|'))[0]).toMatchObject({
      category: 'early_departure',
      minutes: 45,
      departure_time: '14:15:00',
    });
    const [periodAbsence] = await event('section|255901001|2027|Fall Semester|ALG-1|ALG-1-01|S3|');
    expect(periodAbsence).toMatchObject({ category: 'unexcused_absence', minutes: 50 });
    expect(periodAbsence?.section_id).not.toBeNull();
  });

  it('changes nothing when the same folder is imported again', async () => {
    const before = await storedCounts();
    await sql`DELETE FROM attendance_refresh_queue`.execute(database.db);
    const result = await importFolder(complete);
    expect(result.createdDistrict).toBe(false);
    expect(sum(result.report.counts, 'created')).toBe(0);
    expect(sum(result.report.counts, 'updated')).toBe(0);
    expect(sum(result.report.counts, 'rejected')).toBe(0);
    expect(result.report.counts.attendance_events?.unchanged).toBe(5);
    expect(result.report.counts.calendar_days?.unchanged).toBe(9);
    expect(await storedCounts()).toEqual(before);
    // Nothing was written, so no trigger queued a student for an attendance refresh.
    const queued = await sql<{ n: string }>`SELECT count(*) AS n FROM attendance_refresh_queue`.execute(
      database.db,
    );
    expect(Number(queued.rows[0]?.n)).toBe(0);
  });

  it('reads the same district from NDJSON and from a pretty-printed array, changing nothing', async () => {
    for (const format of ['ndjson', 'pretty'] as const) {
      const result = await importFolder(writeFolder(`complete-${format}`, folder, format));
      expect({
        format,
        created: sum(result.report.counts, 'created'),
        updated: sum(result.report.counts, 'updated'),
      }).toEqual({
        format,
        created: 0,
        updated: 0,
      });
      expect(result.report.counts.students?.unchanged).toBe(4);
      expect(result.report.rejectedRows).toBe(0);
    }
  });

  it('updates an attendance event whose duration or reason changed, and only that one', async () => {
    const changed = district().studentSchoolAttendanceEvents?.map((resource) =>
      resource.eventDate === '2026-09-01'
        ? { ...resource, eventDuration: 0.5, attendanceEventReason: 'Dentist' }
        : resource,
    );
    const result = await importFolder(
      writeFolder('changed', { studentSchoolAttendanceEvents: changed ?? [] }),
    );
    expect(result.report.counts.attendance_events).toEqual({
      created: 0,
      updated: 1,
      unchanged: 4,
      deleted: 0,
      rejected: 0,
    });
    const [absence] = await event('|S1|2026-09-01|');
    expect(absence).toMatchObject({ day_fraction: '0.500', note: 'Dentist', category: 'excused_absence' });
    expect(await storedCounts()).toMatchObject({ attendance_events: 7 });
  });

  it("turns Ed-Fi's inclusive exit date into Homeroom's exclusive end", async () => {
    const spans = await database.db
      .selectFrom('enrolment_spans')
      .innerJoin('students', (join) =>
        join
          .onRef('students.district_id', '=', 'enrolment_spans.district_id')
          .onRef('students.student_id', '=', 'enrolment_spans.student_id'),
      )
      .select([
        'students.local_id',
        'entry_date',
        'end_date_exclusive',
        'exit_reason',
        'enrolment_spans.grade_level',
      ])
      .orderBy('students.local_id')
      .execute();
    expect(spans).toEqual([
      {
        local_id: 'S1',
        entry_date: '2026-08-19',
        end_date_exclusive: null,
        exit_reason: null,
        grade_level: '01',
      },
      // Last day enrolled 15 October (inclusive in Ed-Fi) → the span ends before 16 October.
      {
        local_id: 'S2',
        entry_date: '2026-08-19',
        end_date_exclusive: '2026-10-16',
        exit_reason: 'Student is in a different public school',
        grade_level: '03',
      },
      {
        local_id: 'S3',
        entry_date: '2026-08-19',
        end_date_exclusive: null,
        exit_reason: null,
        grade_level: '09',
      },
      // Entered and left on the same day: one day enrolled, not an empty span.
      {
        local_id: 'S4',
        entry_date: '2026-08-19',
        end_date_exclusive: '2026-08-20',
        exit_reason: null,
        grade_level: '10',
      },
    ]);
    const days = await sql<{ local_id: string; days: number }>`
      SELECT s.local_id, count(d.date)::int AS days
      FROM enrolment_spans e
      JOIN students s USING (district_id, student_id)
      JOIN calendar_days d ON d.district_id = e.district_id AND d.calendar_id = e.calendar_id
        AND d.date >= e.entry_date AND (e.end_date_exclusive IS NULL OR d.date < e.end_date_exclusive)
        AND d.day_type IN ('instructional', 'makeup')
      WHERE s.local_id IN ('S3', 'S4') GROUP BY s.local_id ORDER BY s.local_id`.execute(database.db);
    expect(days.rows).toEqual([
      { local_id: 'S3', days: 2 },
      { local_id: 'S4', days: 1 },
    ]);
  });

  it('maps descriptors through the Ed-Fi defaults, and through a district map that extends and overrides them', async () => {
    const oss = 'uri://grandbend.edu/AttendanceEventCategoryDescriptor#OSS';
    const directory = writeFolder('descriptors', {
      studentSchoolAttendanceEvents: [
        schoolEvent(
          'S1',
          ELEMENTARY,
          '2026-09-10',
          'uri://grandbend.edu/AttendanceEventCategoryDescriptor#Excused Absence',
        ),
        schoolEvent('S1', ELEMENTARY, '2026-09-11', oss, { eventDuration: 1 }),
        schoolEvent('S3', HIGH, '2026-09-10', 'In Attendance'),
        schoolEvent('S3', HIGH, '2026-09-11', 'Tardy', { schoolAttendanceDuration: 7 }),
      ],
    });
    const defaults = await importFolder(directory);
    expect(defaults.report.counts.attendance_events).toMatchObject({ created: 3, rejected: 1 });
    expect(await errorsOf(defaults.report.importRunId)).toEqual([
      {
        file: 'studentSchoolAttendanceEvents.json',
        line: 2,
        column: 'attendanceEventCategoryDescriptor',
        reason: `"${oss}" is not an attendance event category Homeroom knows: map it in a descriptor map (--descriptor-map, docs/formats/edfi.md).`,
        raw: expect.stringContaining('"eventDate":"2026-09-11"'),
      },
    ]);
    expect((await event('|S1|2026-09-10|'))[0]?.category).toBe('excused_absence');
    expect((await event('|S3|2026-09-10|'))[0]?.category).toBe('present');

    const mapped = await importFolder(directory, {
      descriptors: new Descriptors(
        parseEdFiMapping({
          attendanceEventCategoryDescriptor: { [oss]: 'out_of_school_suspension', Tardy: 'partial' },
        }),
      ),
    });
    expect(mapped.report.counts.attendance_events).toEqual({
      created: 1,
      updated: 1,
      unchanged: 2,
      deleted: 0,
      rejected: 0,
    });
    expect((await event('|S1|2026-09-11|'))[0]).toMatchObject({
      category: 'out_of_school_suspension',
      day_fraction: '1.000',
    });
    expect((await event('|S3|2026-09-11|'))[0]).toMatchObject({ category: 'partial', minutes: 7 });
  });

  it('keeps the good resources and reports every bad one with its file, position, field path and reason', async () => {
    const directory = join(scratch, 'bad');
    const good = (n: number) =>
      schoolEvent('S4', HIGH, `2026-10-0${n}`, 'Tardy', { schoolAttendanceDuration: n });
    const { studentReference: _dropped, ...withoutStudent } = schoolEvent('S4', HIGH, '2026-10-06', 'Tardy');
    // One resource a line, as many exports write them; resource 6 has a string that never closes.
    const lines = [
      JSON.stringify(good(1)),
      JSON.stringify(withoutStudent),
      JSON.stringify(schoolEvent('S4', 999999, '2026-10-07', 'Tardy')),
      JSON.stringify(schoolEvent('S4', HIGH, '2027-02-30', 'Tardy')),
      JSON.stringify(schoolEvent('S4', HIGH, '2026-10-08', 'Field Trip')),
      '{"attendanceEventCategoryDescriptor": "uri://ed-fi.org/AttendanceEventCategoryDescriptor#Tardy", "eventDate": "2026-10-09',
      JSON.stringify(good(2)),
      JSON.stringify(schoolEvent('S9', HIGH, '2026-10-10', 'Tardy')),
      JSON.stringify(good(3)),
    ];
    writeRaw(directory, 'studentSchoolAttendanceEvents.json', `[\n${lines.join(',\n')}\n]\n`);
    // Minified, with a bad token inside resource 2 and an exit before the entry in resource 3.
    const associations = [
      JSON.stringify({ ...folder.studentSchoolAssociations?.[0], entryDate: '2026-08-20' }),
      '{"entryDate":"2026-08-21","schoolReference":{"schoolId":255901107},"studentReference":{"studentUniqueId":S2}}',
      JSON.stringify({
        ...folder.studentSchoolAssociations?.[2],
        entryDate: '2026-08-22',
        exitWithdrawDate: '2026-08-21',
      }),
      JSON.stringify({
        ...folder.studentSchoolAssociations?.[3],
        entryDate: '2026-08-23',
        exitWithdrawDate: '2026-08-30',
      }),
    ];
    writeRaw(directory, 'studentSchoolAssociations.json', `[${associations.join(',')}]`);
    writeRaw(directory, 'staffs.json', '[]');

    const result = await importFolder(directory);
    expect(result.report.counts.attendance_events).toEqual({
      created: 3,
      updated: 0,
      unchanged: 0,
      deleted: 0,
      rejected: 6,
    });
    expect(read(result.report.counts.attendance_events)).toBe(lines.length);
    expect(result.report.counts.enrolment_spans).toMatchObject({ created: 2, rejected: 2 });
    expect(
      (await event('school|255901001|2027|Fall Semester|S4|2026-10-0')).map((row) => row.minutes).sort(),
    ).toEqual([1, 2, 3]);
    const errors = (await errorsOf(result.report.importRunId)).map(({ raw: _raw, ...error }) => error);
    expect(errors).toEqual([
      {
        file: 'studentSchoolAssociations.json',
        line: 2,
        column: null,
        reason: expect.stringMatching(/^malformed JSON: /),
      },
      {
        file: 'studentSchoolAssociations.json',
        line: 3,
        column: 'exitWithdrawDate',
        reason: 'exitWithdrawDate 2026-08-21 is before entryDate 2026-08-22.',
      },
      {
        file: 'studentSchoolAttendanceEvents.json',
        line: 2,
        column: 'studentReference.studentUniqueId',
        reason: 'studentReference.studentUniqueId is required.',
      },
      {
        file: 'studentSchoolAttendanceEvents.json',
        line: 3,
        column: 'schoolReference.schoolId',
        reason: 'no school has the schoolId "999999" (schools.json).',
      },
      {
        file: 'studentSchoolAttendanceEvents.json',
        line: 4,
        column: 'eventDate',
        reason: '"2027-02-30" is not a date as YYYY-MM-DD.',
      },
      {
        file: 'studentSchoolAttendanceEvents.json',
        line: 5,
        column: 'attendanceEventCategoryDescriptor',
        reason:
          '"uri://ed-fi.org/AttendanceEventCategoryDescriptor#Field Trip" is not an attendance event category Homeroom knows: map it in a descriptor map (--descriptor-map, docs/formats/edfi.md).',
      },
      {
        file: 'studentSchoolAttendanceEvents.json',
        line: 6,
        column: null,
        reason: 'a string opened on line 7 is not closed before the end of the line.',
      },
      {
        file: 'studentSchoolAttendanceEvents.json',
        line: 8,
        column: 'studentReference.studentUniqueId',
        reason: 'no student has the studentUniqueId "S9" (students.json).',
      },
    ]);
    const run = await database.db
      .selectFrom('import_runs')
      .select(['status', 'message'])
      .where('import_run_id', '=', result.report.importRunId)
      .executeTakeFirstOrThrow();
    expect(run).toEqual({
      status: 'succeeded',
      message: 'staffs.json is not a resource Homeroom imports yet; it was ignored.',
    });
  });

  it('reports NDJSON resources by line, keeps what was read before a file breaks, and refuses a folder with no Ed-Fi files', async () => {
    const directory = join(scratch, 'ndjson-bad');
    writeRaw(
      directory,
      'studentSchoolAttendanceEvents.ndjson',
      [
        JSON.stringify(schoolEvent('S4', HIGH, '2026-11-02', 'Tardy')),
        '',
        '{"eventDate": "2026-11-03", "studentReference": {"studentUniqueId": "S4"',
        JSON.stringify(schoolEvent('S4', HIGH, '2026-11-04', 'Tardy', { eventDuration: 1.5 })),
        JSON.stringify(schoolEvent('S4', HIGH, '2026-11-05', 'Tardy')),
      ].join('\n'),
    );
    const result = await importFolder(directory);
    expect(result.report.counts.attendance_events).toMatchObject({ created: 2, rejected: 2 });
    expect((await errorsOf(result.report.importRunId)).map(({ line, column }) => [line, column])).toEqual([
      [3, null],
      [4, 'eventDuration'],
    ]);
    const runaway = join(scratch, 'runaway');
    const resources = [1, 2].map((day) =>
      JSON.stringify(schoolEvent('S4', HIGH, `2026-11-1${day}`, 'Tardy')),
    );
    writeRaw(
      runaway,
      'studentSchoolAttendanceEvents.json',
      `[${resources.join(',')},{"eventDate":"${'x'.repeat(MAX_RESOURCE_CHARS)}`,
    );
    await expect(importFolder(runaway)).rejects.toThrow(
      /studentSchoolAttendanceEvents\.json, line 1: a resource is longer than 1,000,000 characters/,
    );
    // The resources read before the file broke are kept; the run says it failed, and why.
    expect(await event('|S4|2026-11-1')).toHaveLength(2);
    const failed = await database.db
      .selectFrom('import_runs')
      .select(['status', 'message', 'counts'])
      .orderBy('started_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(failed).toMatchObject({
      status: 'failed',
      message: expect.stringContaining('longer than 1,000,000'),
    });
    expect((failed.counts as unknown as Record<string, EntityCounts>).attendance_events?.created).toBe(2);
    const empty = join(scratch, 'empty');
    mkdirSync(empty);
    await expect(importFolder(empty)).rejects.toThrow('there are no Ed-Fi resource files here');
  });
});

describe(`homeroom import edfi on ${testEngine()}`, () => {
  let cliDatabase: TestDatabase | undefined;
  let env: NodeJS.ProcessEnv;
  let cliScratch: string;

  beforeAll(async () => {
    cliScratch = mkdtempSync(join(tmpdir(), 'homeroom-edfi-cli-'));
    ({ env, database: cliDatabase } = await cliEnvironment(cliScratch));
  });

  afterAll(async () => {
    await cliDatabase?.close();
    rmSync(cliScratch, { recursive: true, force: true });
  });

  it('imports a folder with a descriptor map, writes the rejected resources as CSV, and refreshes the figures', async () => {
    const folder = district();
    folder.studentSchoolAttendanceEvents = [
      ...(folder.studentSchoolAttendanceEvents ?? []),
      schoolEvent(
        'S1',
        ELEMENTARY,
        '2026-09-14',
        'uri://grandbend.edu/AttendanceEventCategoryDescriptor#OSS',
      ),
      schoolEvent('S1', ELEMENTARY, '2026-09-15', 'Field Trip'),
    ];
    const directory = join(cliScratch, 'grand-bend');
    mkdirSync(directory);
    for (const [resource, rows] of Object.entries(folder))
      writeFileSync(join(directory, `${resource}.json`), JSON.stringify(rows));
    const map = join(cliScratch, 'descriptors.json');
    writeFileSync(
      map,
      JSON.stringify({ attendanceEventCategoryDescriptor: { OSS: 'out_of_school_suspension' } }),
    );
    const errors = join(cliScratch, 'rejected.csv');

    const run = await homeroom(
      ['import', 'edfi', directory, '--descriptor-map', map, '--errors', errors],
      env,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `Imported the Ed-Fi files in ${directory} into Grand Bend ISD (a new district)`,
    );
    expect(run.stdout).toMatch(/students\s+4 created, 0 updated, 0 unchanged, 0 deleted, 0 rejected/);
    expect(run.stdout).toMatch(
      /attendance_events\s+6 created, 0 updated, 0 unchanged, 0 deleted, 1 rejected/,
    );
    expect(run.stdout).toContain(`1 rows were rejected: see ${errors}.`);
    expect(run.stdout).toMatch(/Attendance figures refreshed for \d+ students\./);
    expect(readFileSync(errors, 'utf8')).toContain(
      'studentSchoolAttendanceEvents.json,7,attendanceEventCategoryDescriptor,"""uri://ed-fi.org/AttendanceEventCategoryDescriptor#Field Trip"" is not an attendance event category Homeroom knows',
    );

    const again = await homeroom(['import', 'edfi', directory, '--descriptor-map', map], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /attendance_events\s+0 created, 0 updated, 6 unchanged, 0 deleted, 1 rejected/,
    );
  });

  it('names a wrong usage: a file instead of a folder, or a bad descriptor map', async () => {
    const file = join(cliScratch, 'students.json');
    writeFileSync(file, '[]');
    const notFolder = await homeroom(['import', 'edfi', file], env);
    expect(notFolder.code).toBe(2);
    expect(notFolder.stderr).toContain(`${file} is not a folder`);
    expect(notFolder.stderr).toContain('Usage: homeroom import oneroster DIR | homeroom import edfi DIR');
    const map = join(cliScratch, 'bad-map.json');
    writeFileSync(map, JSON.stringify({ attendanceEventCategoryDescriptor: { Sick: 'sick' } }));
    const badMap = await homeroom(['import', 'edfi', cliScratch, '--descriptor-map', map], env);
    expect(badMap.code).toBe(2);
    expect(badMap.stderr).toContain(
      `--descriptor-map ${map}: "attendanceEventCategoryDescriptor" maps "Sick" to "sick"`,
    );
  });
});
