/**
 * Which students each demo account sees, against sets computed independently from the raw
 * rows, on the engine under test.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testEngine } from '../../test/support/database.ts';
import { seedDemoDistrict } from '../demo/demo.service.ts';
import { DEMO_DISTRICT_ID, DEMO_PASSWORD, demoSignIns } from '../demo/demo-district.ts';
import { signIn } from './session.service.ts';
import type { StaffPrincipal } from './staff-principal.ts';
import { isStudentVisible, visibleStudent } from './student-scope.ts';

let database: TestDatabase;

/** What the raw rows say each scope covers, read without the helper under test. */
interface Truth {
  all: Set<string>;
  bySchool: Map<string, Set<string>>;
  byTeacher: Map<string, Set<string>>;
  byCaseload: Map<string, Set<string>>;
}
let truth: Truth;

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key) ?? new Set<string>();
  set.add(value);
  map.set(key, set);
}

function expectedFor(principal: StaffPrincipal): Set<string> {
  const visible = new Set<string>();
  for (const grant of principal.grants) {
    const add = (students: Set<string> | undefined) => {
      for (const student of students ?? []) visible.add(student);
    };
    if (grant.scope === 'district') add(truth.all);
    if (grant.scope === 'school') add(truth.bySchool.get(grant.schoolId as string));
    if (grant.scope === 'section') add(truth.byTeacher.get(principal.userId));
    if (grant.scope === 'caseload') add(truth.byCaseload.get(principal.userId));
  }
  return visible;
}

async function visibleTo(principal: StaffPrincipal): Promise<Set<string>> {
  const rows = await database.db
    .selectFrom('students as t')
    .select('t.student_id')
    .where('t.district_id', '=', DEMO_DISTRICT_ID)
    .where(visibleStudent(principal, sql.ref('t.student_id')))
    .execute();
  return new Set(rows.map((row) => row.student_id));
}

async function principalOf(email: string): Promise<StaffPrincipal> {
  return (await signIn(database.db, { email, password: DEMO_PASSWORD })).principal;
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoDistrict(database.db, { seed: 5, students: 300, asOf: '2027-03-01' });
  const d = DEMO_DISTRICT_ID;
  const [students, spans, teaching, enrolments, caseloads] = await Promise.all([
    database.db.selectFrom('students').select('student_id').where('district_id', '=', d).execute(),
    database.db
      .selectFrom('enrolment_spans')
      .select(['school_id', 'student_id'])
      .where('district_id', '=', d)
      .execute(),
    database.db
      .selectFrom('section_staff')
      .select(['section_id', 'user_id'])
      .where('district_id', '=', d)
      .execute(),
    database.db
      .selectFrom('section_enrolments')
      .select(['section_id', 'student_id'])
      .where('district_id', '=', d)
      .execute(),
    database.db
      .selectFrom('caseload_students')
      .select(['user_id', 'student_id'])
      .where('district_id', '=', d)
      .execute(),
  ]);
  const studentsOfSection = new Map<string, Set<string>>();
  for (const row of enrolments) addTo(studentsOfSection, row.section_id, row.student_id);
  truth = {
    all: new Set(students.map((row) => row.student_id)),
    bySchool: new Map(),
    byTeacher: new Map(),
    byCaseload: new Map(),
  };
  for (const row of spans) addTo(truth.bySchool, row.school_id, row.student_id);
  for (const row of teaching) {
    for (const student of studentsOfSection.get(row.section_id) ?? [])
      addTo(truth.byTeacher, row.user_id, student);
  }
  for (const row of caseloads) addTo(truth.byCaseload, row.user_id, row.student_id);
});

afterAll(async () => {
  await database?.close();
});

describe(`students a staff member may see, on ${testEngine()}`, () => {
  it('matches the raw rows for every demo account', async () => {
    expect(truth.all.size).toBe(300);
    const sizes: Record<string, number> = {};
    for (const account of demoSignIns()) {
      const principal = await principalOf(account.email);
      const visible = await visibleTo(principal);
      expect([...visible].sort(), account.email).toEqual([...expectedFor(principal)].sort());
      sizes[account.email.split('@')[0] as string] = visible.size;
    }
    // District-wide roles see everyone; the others a proper, non-empty part.
    expect(sizes).toMatchObject({ admin: 300, 'attendance.lead': 300, analyst: 300 });
    for (const local of ['principal', 'champion', 'counselor', 'teacher', 'teacher.high']) {
      expect(sizes[local], local).toBeGreaterThan(0);
      expect(sizes[local], local).toBeLessThan(300);
    }
    // A teacher sees their class, not their school.
    expect(sizes.teacher).toBeLessThan(sizes.principal as number);
  });

  it('lets a school admin see a student who moved away from their school, and no one who never attended it', async () => {
    const principal = await principalOf('principal@riverside.example.org');
    const school = principal.grants[0]?.schoolId as string;
    const visible = await visibleTo(principal);
    const { rows } = await sql<{ student_id: string; attended: boolean }>`
      SELECT s.student_id,
             EXISTS (SELECT 1 FROM enrolment_spans e WHERE e.district_id = s.district_id
                       AND e.student_id = s.student_id AND e.school_id = ${school}) AS attended
      FROM students s WHERE s.district_id = ${DEMO_DISTRICT_ID}`.execute(database.db);
    for (const row of rows) expect(visible.has(row.student_id)).toBe(row.attended);
  });

  it('adds up several grants, and shows nothing without one', async () => {
    const teacher = await principalOf('teacher.high@riverside.example.org');
    const counselor = await principalOf('counselor@riverside.example.org');
    // The same person teaching and holding a caseload: give the teacher the counselor's caseload.
    const copied = await database.db
      .insertInto('caseload_students')
      .columns(['district_id', 'user_id', 'student_id'])
      .expression(
        database.db
          .selectFrom('caseload_students')
          .select(['district_id', sql<string>`${teacher.userId}::uuid`.as('user_id'), 'student_id'])
          .where('district_id', '=', DEMO_DISTRICT_ID)
          .where('user_id', '=', counselor.userId),
      )
      .returning('student_id')
      .execute();
    expect(copied.length).toBeGreaterThan(0);
    const withCaseload: StaffPrincipal = {
      ...teacher,
      roles: ['counselor', 'teacher'],
      grants: [...teacher.grants, ...counselor.grants],
    };
    const union = new Set([...(await visibleTo(teacher)), ...(await visibleTo(counselor))]);
    expect([...(await visibleTo(withCaseload))].sort()).toEqual([...union].sort());
    expect((await visibleTo({ ...teacher, roles: [], grants: [] })).size).toBe(0);
  });

  it('never shows another district its students', async () => {
    const admin = await principalOf('admin@riverside.example.org');
    const other = await database.db
      .insertInto('districts')
      .values({ slug: 'elsewhere', name: 'Elsewhere' })
      .returning('district_id')
      .executeTakeFirstOrThrow();
    expect((await visibleTo({ ...admin, districtId: other.district_id })).size).toBe(0);
  });

  it('answers for one student', async () => {
    const teacher = await principalOf('teacher@riverside.example.org');
    const visible = [...(await visibleTo(teacher))];
    const hidden = [...truth.all].filter((student) => !visible.includes(student));
    expect(await isStudentVisible(database.db, teacher, visible[0] as string)).toBe(true);
    expect(await isStudentVisible(database.db, teacher, hidden[0] as string)).toBe(false);
    expect(await isStudentVisible(database.db, teacher, 'not-a-uuid')).toBe(false);
  });
});
