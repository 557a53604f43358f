/**
 * Writes the demo district out as a district's SIS would export it: a OneRoster 1.2 CSV
 * folder (manifest, orgs, academicSessions, courses, classes, users, roles, enrollments,
 * demographics), the school calendar as calendar.csv and attendance in Homeroom's simple
 * CSV format (docs/formats/attendance-csv.md). Streams row by row, so a million students
 * need no more memory than a thousand. Import tests and benchmarks read these files.
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { ATTENDANCE_COLUMNS } from '../import/attendance-import.ts';
import { addDays, DEMO_SCHOOL_YEAR, DEMO_SESSIONS } from './demo-calendar.ts';
import { type DemoOptions, generateDemoDistrict } from './demo-district.ts';
import { DEMO_DISTRICT_NAME } from './demo-plan.ts';

const MODIFIED = '2026-08-01T00:00:00.000Z';

class CsvFile {
  readonly #stream;
  readonly #done;
  readonly #columns: readonly string[];
  rows = 0;

  constructor(path: string, columns: readonly string[]) {
    const out = createWriteStream(path);
    this.#columns = columns;
    this.#stream = stringify({ header: true, columns: [...columns], eof: true });
    this.#stream.pipe(out);
    this.#done = finished(out);
  }

  /** Writes one row, values in column order. */
  async write(row: readonly unknown[]): Promise<void> {
    this.rows += 1;
    if (!this.#stream.write(row)) await once(this.#stream, 'drain');
  }

  /** Writes one row by column name; columns it does not name are left empty. */
  writeRecord(row: Readonly<Record<string, unknown>>): Promise<void> {
    return this.write(this.#columns.map((column) => row[column] ?? ''));
  }

  async close(): Promise<void> {
    this.#stream.end();
    await this.#done;
  }
}

const ORGS = ['sourcedId', 'status', 'dateLastModified', 'name', 'type', 'identifier', 'parentSourcedId'];
const SESSIONS = [
  'sourcedId',
  'status',
  'dateLastModified',
  'title',
  'type',
  'startDate',
  'endDate',
  'parentSourcedId',
  'schoolYear',
];
const COURSES = [
  'sourcedId',
  'status',
  'dateLastModified',
  'schoolYearSourcedId',
  'title',
  'courseCode',
  'grades',
  'orgSourcedId',
  'subjects',
  'subjectCodes',
];
const CLASSES = [
  'sourcedId',
  'status',
  'dateLastModified',
  'title',
  'grades',
  'courseSourcedId',
  'classCode',
  'classType',
  'location',
  'schoolSourcedId',
  'termSourcedIds',
  'subjects',
  'subjectCodes',
  'periods',
];
const USERS = [
  'sourcedId',
  'status',
  'dateLastModified',
  'enabledUser',
  'username',
  'userIds',
  'givenName',
  'familyName',
  'middleName',
  'identifier',
  'email',
  'sms',
  'phone',
  'agentSourcedIds',
  'grades',
  'password',
  'userMasterIdentifier',
  'resourceSourcedIds',
  'preferredGivenName',
  'preferredMiddleName',
  'preferredFamilyName',
  'primaryOrgSourcedId',
  'pronouns',
  'metadata.homeroom.preferredLanguage',
];
const ROLES = [
  'sourcedId',
  'status',
  'dateLastModified',
  'userSourcedId',
  'roleType',
  'role',
  'beginDate',
  'endDate',
  'orgSourcedId',
  'userProfileSourcedId',
];
const ENROLLMENTS = [
  'sourcedId',
  'status',
  'dateLastModified',
  'classSourcedId',
  'schoolSourcedId',
  'userSourcedId',
  'role',
  'primary',
  'beginDate',
  'endDate',
];
const DEMOGRAPHICS = [
  'sourcedId',
  'status',
  'dateLastModified',
  'birthDate',
  'sex',
  'americanIndianOrAlaskaNative',
  'asian',
  'blackOrAfricanAmerican',
  'nativeHawaiianOrOtherPacificIslander',
  'white',
  'demographicRaceTwoOrMoreRaces',
  'hispanicOrLatinoEthnicity',
  'countryOfBirthCode',
  'stateOfBirthAbbreviation',
  'cityOfBirth',
  'publicSchoolResidenceStatus',
];
export const CALENDAR_COLUMNS = [
  'school_id',
  'calendar_code',
  'date',
  'day_type',
  'instructional_minutes',
  'note',
];

const GUARDIAN_ROLE: Readonly<Record<string, string>> = {
  mother: 'parent',
  father: 'parent',
  parent: 'parent',
  step_parent: 'parent',
  guardian: 'guardian',
  foster_parent: 'guardian',
  grandparent: 'relative',
  relative: 'relative',
  sibling: 'relative',
  emergency_contact: 'relative',
  other: 'relative',
};

/** The columns every users.csv row has; the rest are filled per kind of user. */
const userBase = (sourcedId: string) => ({
  sourcedId,
  status: 'active',
  dateLastModified: MODIFIED,
  enabledUser: 'true',
  identifier: sourcedId,
});

/** One roles.csv row (OneRoster 1.2): a user's role at an org; roleType defaults to primary. */
function writeRole(file: CsvFile, role: Readonly<Record<string, unknown>>): Promise<void> {
  return file.writeRecord({ status: 'active', dateLastModified: MODIFIED, roleType: 'primary', ...role });
}

const yesNo = (value: boolean) => (value ? 'true' : 'false');

export interface DemoFilesSummary {
  readonly directory: string;
  readonly files: string[];
  readonly rows: Record<string, number>;
}

/** Writes the demo district for `options` into `directory` (created if missing). */
export async function writeDemoFiles(options: DemoOptions, directory: string): Promise<DemoFilesSummary> {
  mkdirSync(directory, { recursive: true });
  const district = generateDemoDistrict(options);
  const open = (name: string, columns: readonly string[]) => new CsvFile(join(directory, name), columns);
  const files = {
    'orgs.csv': open('orgs.csv', ORGS),
    'academicSessions.csv': open('academicSessions.csv', SESSIONS),
    'courses.csv': open('courses.csv', COURSES),
    'classes.csv': open('classes.csv', CLASSES),
    'users.csv': open('users.csv', USERS),
    'roles.csv': open('roles.csv', ROLES),
    'enrollments.csv': open('enrollments.csv', ENROLLMENTS),
    'demographics.csv': open('demographics.csv', DEMOGRAPHICS),
    'calendar.csv': open('calendar.csv', CALENDAR_COLUMNS),
    'attendance.csv': open('attendance.csv', ATTENDANCE_COLUMNS),
  };
  const f = files;
  const year = 'as-2026-2027';
  await f['orgs.csv'].write([
    'org-district',
    'active',
    MODIFIED,
    DEMO_DISTRICT_NAME,
    'district',
    'RIVERSIDE',
    '',
  ]);
  await f['academicSessions.csv'].write([
    year,
    'active',
    MODIFIED,
    DEMO_SCHOOL_YEAR.name,
    'schoolYear',
    DEMO_SCHOOL_YEAR.firstDay,
    DEMO_SCHOOL_YEAR.lastDay,
    '',
    '2027',
  ]);
  for (const session of DEMO_SESSIONS) {
    // OneRoster academic-session end dates are the last day (inclusive) in practice; the
    // importer reads them so. Enrolment end dates are exclusive.
    await f['academicSessions.csv'].write([
      `${year}-${session.key}`,
      'active',
      MODIFIED,
      session.name,
      'semester',
      session.startDate,
      addDays(session.endDateExclusive, -1),
      year,
      '2027',
    ]);
  }
  const terms = DEMO_SESSIONS.map((session) => `${year}-${session.key}`).join(',');

  // Schools, their courses and classes, teachers and their enrolments.
  const schoolSource = new Map<string, string>();
  const sectionSource = new Map<string, { source: string; school: string; period: string }>();
  const teacherOf = new Map<string, string>();
  const courseWritten = new Set<string>();
  for (const chunk of district.structure()) {
    for (const school of chunk.schools ?? []) {
      schoolSource.set(school.school_id as string, school.source_id as string);
      await f['orgs.csv'].write([
        school.source_id,
        'active',
        MODIFIED,
        school.name,
        'school',
        school.source_id,
        'org-district',
      ]);
    }
    const calendars = new Map((chunk.calendars ?? []).map((calendar) => [calendar.calendar_id, calendar]));
    for (const day of chunk.calendar_days ?? []) {
      const calendar = calendars.get(day.calendar_id);
      await f['calendar.csv'].write([
        schoolSource.get(calendar?.school_id as string),
        calendar?.code,
        day.date,
        day.day_type,
        day.instructional_minutes,
        day.note ?? '',
      ]);
    }
    const staffById = new Map((chunk.staff_users ?? []).map((user) => [user.user_id, user]));
    const periodName = new Map((chunk.periods ?? []).map((period) => [period.period_id as string, period]));
    for (const link of chunk.section_staff ?? [])
      teacherOf.set(link.section_id as string, link.user_id as string);
    for (const user of chunk.staff_users ?? []) {
      const [given, ...rest] = String(user.display_name).split(' ');
      await f['users.csv'].writeRecord({
        ...userBase(user.source_id as string),
        username: user.email,
        givenName: given,
        familyName: rest.join(' '),
        email: user.email,
      });
    }
    for (const grant of chunk.staff_role_grants ?? []) {
      const source = staffById.get(grant.user_id)?.source_id as string;
      const role =
        grant.role === 'teacher'
          ? 'teacher'
          : grant.role === 'counselor'
            ? 'counselor'
            : grant.scope === 'district'
              ? 'districtAdministrator'
              : 'principal';
      const org = grant.school_id ? schoolSource.get(grant.school_id as string) : 'org-district';
      await writeRole(f['roles.csv'], {
        sourcedId: `role-${source}`,
        userSourcedId: source,
        role,
        beginDate: DEMO_SCHOOL_YEAR.firstDay,
        orgSourcedId: org,
      });
    }
    for (const section of chunk.sections ?? []) {
      const school = schoolSource.get(section.school_id as string) as string;
      const courseCode = (section.course_code as string | null) ?? `HOMEROOM-${school}`;
      const courseId = `course-${school}-${courseCode}`;
      if (!courseWritten.has(courseId)) {
        courseWritten.add(courseId);
        await f['courses.csv'].write([
          courseId,
          'active',
          MODIFIED,
          year,
          section.course_code ? String(section.name).replace(/ \d+, period \d+$/, '') : 'Homeroom',
          courseCode,
          '',
          school,
          '',
          '',
        ]);
      }
      const period = section.period_id ? periodName.get(section.period_id as string) : undefined;
      const periodLabel = period ? String(period.ordinal) : '';
      sectionSource.set(section.section_id as string, {
        source: section.source_id as string,
        school,
        period: periodLabel,
      });
      await f['classes.csv'].write([
        section.source_id,
        'active',
        MODIFIED,
        section.name,
        '',
        courseId,
        section.source_id,
        section.is_homeroom ? 'homeroom' : 'scheduled',
        '',
        school,
        terms,
        '',
        '',
        periodLabel,
      ]);
      const teacher = staffById.get(teacherOf.get(section.section_id as string) as string);
      if (teacher) {
        await f['enrollments.csv'].write([
          `enr-${section.source_id}-${teacher.source_id}`,
          'active',
          MODIFIED,
          section.source_id,
          school,
          teacher.source_id,
          'teacher',
          'true',
          DEMO_SCHOOL_YEAR.firstDay,
          '',
        ]);
      }
    }
  }

  // Families: guardians, students, their enrolments, demographics and attendance.
  for (const family of district.families()) {
    const studentSource = new Map(family.students.map((student) => [student.student_id as string, student]));
    const contactSource = new Map(
      family.contacts.map((contact) => [
        contact.contact_id as string,
        `guardian-${String(contact.source_id).slice(8)}`,
      ]),
    );
    for (const contact of family.contacts) {
      const phone = family.contact_phones.find((p) => p.contact_id === contact.contact_id);
      const emailRow = family.contact_emails.find((e) => e.contact_id === contact.contact_id);
      const children = family.student_contacts.filter((link) => link.contact_id === contact.contact_id);
      const agents = children
        .map((link) => studentSource.get(link.student_id as string)?.source_id)
        .join(',');
      const source = contactSource.get(contact.contact_id as string) as string;
      await f['users.csv'].writeRecord({
        ...userBase(source),
        givenName: contact.first_name,
        familyName: contact.last_name,
        email: emailRow?.email,
        sms: phone?.can_receive_sms ? phone.phone_e164 : '',
        phone: phone?.phone_e164,
        agentSourcedIds: agents,
        'metadata.homeroom.preferredLanguage': contact.preferred_language,
      });
      const relationship = String(children[0]?.relationship ?? 'guardian');
      await writeRole(f['roles.csv'], {
        sourcedId: `role-${source}`,
        userSourcedId: source,
        role: GUARDIAN_ROLE[relationship] ?? 'guardian',
        orgSourcedId: 'org-district',
      });
    }
    for (const student of family.students) {
      const spans = family.enrolment_spans.filter((span) => span.student_id === student.student_id);
      const guardians = family.student_contacts
        .filter((link) => link.student_id === student.student_id)
        .map((link) => contactSource.get(link.contact_id as string))
        .join(',');
      const primarySchool = schoolSource.get(spans[spans.length - 1]?.school_id as string) ?? '';
      await f['users.csv'].writeRecord({
        ...userBase(student.source_id as string),
        username: student.local_id,
        userIds: `{state:${student.state_id}}`,
        givenName: student.first_name,
        familyName: student.last_name,
        identifier: student.local_id,
        agentSourcedIds: guardians,
        grades: student.grade_level,
        userMasterIdentifier: student.state_id,
        primaryOrgSourcedId: primarySchool,
        'metadata.homeroom.preferredLanguage': student.home_language,
      });
      for (const span of spans) {
        const school = schoolSource.get(span.school_id as string) as string;
        await writeRole(f['roles.csv'], {
          sourcedId: `role-${span.source_id}`,
          userSourcedId: student.source_id,
          roleType: spans.length > 1 ? 'secondary' : 'primary',
          role: 'student',
          beginDate: span.entry_date,
          endDate: span.end_date_exclusive,
          orgSourcedId: school,
        });
      }
      const races = new Set(student.races as string[]);
      await f['demographics.csv'].write([
        student.source_id,
        'active',
        MODIFIED,
        student.date_of_birth,
        student.gender === 'F' ? 'female' : 'male',
        yesNo(races.has('american_indian_alaska_native')),
        yesNo(races.has('asian')),
        yesNo(races.has('black')),
        yesNo(races.has('native_hawaiian_pacific_islander')),
        yesNo(races.has('white')),
        yesNo(races.size > 1),
        yesNo(Boolean(student.hispanic_latino)),
        '',
        'IL',
        '',
        '',
      ]);
    }
    for (const enrolment of family.section_enrolments) {
      const student = studentSource.get(enrolment.student_id as string);
      const section = sectionSource.get(enrolment.section_id as string);
      if (!student || !section) continue;
      await f['enrollments.csv'].write([
        enrolment.source_id,
        'active',
        MODIFIED,
        section.source,
        section.school,
        student.source_id,
        'student',
        'false',
        enrolment.entry_date,
        enrolment.end_date_exclusive ?? '',
      ]);
    }
    for (const event of family.attendance_events) {
      const student = studentSource.get(event.student_id as string);
      const section = event.section_id ? sectionSource.get(event.section_id as string) : undefined;
      await f['attendance.csv'].write([
        student?.local_id,
        schoolSource.get(event.school_id as string),
        event.date,
        event.category,
        event.minutes ?? '',
        event.day_fraction ?? '',
        section?.source ?? '',
        section?.period ?? '',
        event.reason ?? '',
        event.is_excused === null || event.is_excused === undefined ? '' : yesNo(event.is_excused),
        event.arrival_time ?? '',
        event.departure_time ?? '',
        event.source_id,
      ]);
    }
  }

  const manifest = open('manifest.csv', ['propertyName', 'value']);
  const bulk = new Set([
    'academicSessions',
    'classes',
    'courses',
    'demographics',
    'enrollments',
    'orgs',
    'roles',
    'users',
  ]);
  await manifest.write(['manifest.version', '1.0']);
  await manifest.write(['oneroster.version', '1.2']);
  for (const name of [
    'academicSessions',
    'categories',
    'classes',
    'classResources',
    'courses',
    'courseResources',
    'demographics',
    'enrollments',
    'lineItemLearningObjectiveIds',
    'lineItems',
    'lineItemScoreScales',
    'orgs',
    'resources',
    'resultLearningObjectiveIds',
    'results',
    'resultScoreScales',
    'roles',
    'scoreScales',
    'userProfiles',
    'userResources',
    'users',
  ]) {
    await manifest.write([`file.${name}`, bulk.has(name) ? 'bulk' : 'absent']);
  }
  await manifest.write(['source.systemName', 'Riverside SIS (Homeroom demo)']);
  await manifest.write(['source.systemCode', 'riverside-sis']);
  const rows: Record<string, number> = { 'manifest.csv': manifest.rows };
  await manifest.close();
  for (const [name, file] of Object.entries(files)) {
    rows[name] = file.rows;
    await file.close();
  }
  return { directory, files: ['manifest.csv', ...Object.keys(files)], rows };
}
