/**
 * Which students a staff member may see, as SQL to put in any query over students. A grant's
 * scope decides: the district (every student of the district), a school (students with an
 * enrolment span there, in any school year), sections (students enrolled in a section the
 * member teaches, per section_staff) or a caseload (their caseload_students). Several grants
 * add up (OR). The rule lives here only, so every route shows the same students.
 */
import { type Expression, type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import type { StaffPrincipal } from './staff-principal.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A boolean SQL expression, true when `principal` may see the student whose id is `studentId`
 * (a column reference such as `sql.ref('t.student_id')`). Only students of the principal's
 * district are ever true; a principal without grants sees nobody. The subqueries use aliases
 * starting with `scope_`, so the reference must not.
 */
export function visibleStudent(
  principal: StaffPrincipal,
  studentId: Expression<unknown>,
): RawBuilder<boolean> {
  const d = principal.districtId;
  const scopes = new Set(principal.grants.map((grant) => grant.scope));
  const schoolIds = [
    ...new Set(
      principal.grants.flatMap((grant) =>
        grant.scope === 'school' && grant.schoolId ? [grant.schoolId] : [],
      ),
    ),
  ];
  const conditions: RawBuilder<boolean>[] = [];
  if (scopes.has('district')) {
    conditions.push(sql`EXISTS (SELECT 1 FROM students scope_s
      WHERE scope_s.district_id = ${d} AND scope_s.student_id = ${studentId})`);
  } else {
    // A district grant already covers every school, section and caseload.
    if (schoolIds.length > 0) {
      conditions.push(sql`EXISTS (SELECT 1 FROM enrolment_spans scope_es
        WHERE scope_es.district_id = ${d} AND scope_es.student_id = ${studentId}
          AND scope_es.school_id IN (${sql.join(schoolIds)}))`);
    }
    if (scopes.has('section')) {
      conditions.push(sql`EXISTS (SELECT 1 FROM section_enrolments scope_se
        JOIN section_staff scope_ss ON scope_ss.district_id = scope_se.district_id
          AND scope_ss.section_id = scope_se.section_id
        WHERE scope_se.district_id = ${d} AND scope_se.student_id = ${studentId}
          AND scope_ss.user_id = ${principal.userId})`);
    }
    if (scopes.has('caseload')) {
      conditions.push(sql`EXISTS (SELECT 1 FROM caseload_students scope_cs
        WHERE scope_cs.district_id = ${d} AND scope_cs.user_id = ${principal.userId}
          AND scope_cs.student_id = ${studentId})`);
    }
  }
  if (conditions.length === 0) return sql<boolean>`false`;
  return sql<boolean>`(${sql.join(conditions, sql` OR `)})`;
}

/**
 * Whether `principal` may see this one student (false for an id that is not a uuid). For a
 * service's first line before it reads or changes anything about a student.
 */
export async function isStudentVisible(
  db: Kysely<DB>,
  principal: StaffPrincipal,
  studentId: string,
): Promise<boolean> {
  if (!UUID.test(studentId)) return false;
  const { rows } = await sql<{ visible: boolean }>`
    SELECT ${visibleStudent(principal, sql`${studentId}::uuid`)} AS visible`.execute(db);
  return rows[0]?.visible === true;
}
