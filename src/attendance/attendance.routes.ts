/**
 * The attendance API: student lists (filtered, sorted, paged on the server), one student's
 * figures with "why is this student flagged?", rollups, and the district's definition
 * profiles. Every route is scoped to what the signed-in staff member may see; a student
 * outside that scope is "not found", never "forbidden", so the API does not confirm who exists.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import { AppError } from '../platform/errors.ts';
import type { AppDependencies } from '../platform/http/app.ts';
import type { StaffPrincipal, StaffRole } from '../staff/staff-principal.ts';
import { visibleStudent } from '../staff/student-scope.ts';
import {
  findStudentFigures,
  listStudents,
  PATTERNS,
  ROLLUPS,
  rollup,
  SORTS,
  SUBGROUPS,
} from './attendance.repository.ts';
import { resolveProfile } from './attendance.service.ts';
import { DEFINITION_PROFILES, TIERS } from './definition-profiles.ts';
import { explainFigures, type StoredFigures } from './explain.ts';
import { parseDefinitionProfile } from './profile-schema.ts';

/** Who works with named students; analysts see rollups only. */
export const STUDENT_READERS: readonly StaffRole[] = [
  'district_admin',
  'school_admin',
  'attendance_champion',
  'counselor',
  'teacher',
];
export const ROLLUP_READERS: readonly StaffRole[] = [...STUDENT_READERS, 'analyst'];
export const PROFILE_EDITORS: readonly StaffRole[] = ['district_admin'];
/** Groups smaller than this are suppressed for analysts (they see no names, and no small cells either). */
export const SMALL_CELL = 10;

const literals = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((value) => Type.Literal(value)));
const Grade = Type.String({ pattern: '^(PK|KG|0[1-9]|1[0-2])$' });

const ListQuery = Type.Object(
  {
    tier: Type.Optional(Type.Array(literals(TIERS))),
    chronic: Type.Optional(Type.Boolean()),
    onTrack: Type.Optional(Type.Boolean()),
    pattern: Type.Optional(Type.Array(literals(PATTERNS))),
    grade: Type.Optional(Type.Array(Grade)),
    schoolId: Type.Optional(Type.String({ format: 'uuid' })),
    subgroup: Type.Optional(literals(SUBGROUPS)),
    moved: Type.Optional(literals(['up', 'down'] as const)),
    movedWithinDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    sort: Type.Optional(literals(SORTS)),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);

const StudentParams = Type.Object(
  { studentId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
const RollupQuery = Type.Object({ by: Type.Optional(literals(ROLLUPS)) }, { additionalProperties: false });
const ProfileParams = Type.Object(
  { key: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' }) },
  { additionalProperties: false },
);
const SelectProfileBody = Type.Object(
  { key: Type.String({ minLength: 1, maxLength: 63 }) },
  { additionalProperties: false },
);

function principalOf(request: FastifyRequest): StaffPrincipal {
  const principal = (request as FastifyRequest & { staff?: StaffPrincipal }).staff;
  if (!principal) throw new AppError('UNAUTHENTICATED', { message: 'Sign in first.' });
  return principal;
}

export function registerAttendanceRoutes(app: FastifyInstance, { database }: AppDependencies): void {
  const { db } = database;

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/attendance/students',
    { config: { access: { roles: STUDENT_READERS } }, schema: { querystring: ListQuery } },
    async (request) => {
      const principal = principalOf(request);
      const q = request.query;
      return listStudents(
        db,
        principal.districtId,
        (ref) => visibleStudent(principal, ref),
        {
          tiers: q.tier,
          chronic: q.chronic,
          onTrack: q.onTrack,
          patterns: q.pattern,
          grades: q.grade,
          schoolId: q.schoolId,
          subgroup: q.subgroup,
          moved: q.moved,
          movedTierWithinDays: q.movedWithinDays,
          search: q.q,
        },
        { page: q.page ?? 1, pageSize: q.pageSize ?? 50, sort: q.sort ?? 'rate_desc' },
      );
    },
  );

  app.get<{ Params: Static<typeof StudentParams> }>(
    '/api/attendance/students/:studentId',
    { config: { access: { roles: STUDENT_READERS } }, schema: { params: StudentParams } },
    async (request) => {
      const principal = principalOf(request);
      const detail = await studentDetail(db, principal, request.params.studentId);
      await sql`INSERT INTO audit_log (district_id, actor_type, actor_id, actor_role, student_id, action, target_type, target_id, outcome, ip)
        VALUES (${principal.districtId}, 'staff', ${principal.userId}, ${principal.roles[0] ?? null}, ${request.params.studentId},
          'attendance.view-student', 'student', ${request.params.studentId}, 'allowed', ${request.ip})`.execute(
        db,
      );
      return detail;
    },
  );

  app.get<{ Querystring: Static<typeof RollupQuery> }>(
    '/api/attendance/rollups',
    { config: { access: { roles: ROLLUP_READERS } }, schema: { querystring: RollupQuery } },
    async (request) => {
      const principal = principalOf(request);
      const by = request.query.by ?? 'school';
      const result = await rollup(db, principal.districtId, by, (ref) => visibleStudent(principal, ref));
      const analystOnly = principal.roles.every((role) => role === 'analyst');
      return {
        by,
        asOf: result.asOf,
        rows: result.rows.map((row) =>
          analystOnly && row.students < SMALL_CELL
            ? {
                key: row.key,
                label: row.label,
                suppressed: true,
                reason: `fewer than ${SMALL_CELL} students`,
              }
            : row,
        ),
      };
    },
  );

  app.get('/api/attendance/profiles', { config: { access: { roles: ROLLUP_READERS } } }, async (request) => {
    const principal = principalOf(request);
    const [current, own] = await Promise.all([
      resolveProfile(db, principal.districtId),
      db
        .selectFrom('definition_profiles')
        .select(['key', 'based_on', 'settings', 'updated_at'])
        .where('district_id', '=', principal.districtId)
        .orderBy('key')
        .execute(),
    ]);
    return {
      current: current.key,
      builtIn: Object.values(DEFINITION_PROFILES),
      own: own.map((row) => ({
        ...(row.settings as object),
        key: row.key,
        basedOn: row.based_on,
        updatedAt: row.updated_at,
      })),
    };
  });

  app.put<{ Params: Static<typeof ProfileParams>; Body: unknown }>(
    '/api/attendance/profiles/:key',
    { config: { access: { roles: PROFILE_EDITORS } }, schema: { params: ProfileParams } },
    async (request) => {
      const principal = principalOf(request);
      const { key } = request.params;
      if (DEFINITION_PROFILES[key])
        throw new AppError('CONFLICT', {
          message: `"${key}" is a built-in profile; save your copy under another key (for example "${key}-copy").`,
        });
      const body = (request.body ?? {}) as { basedOn?: unknown; profile?: unknown };
      const basedOn = typeof body.basedOn === 'string' ? body.basedOn : null;
      if (!basedOn || !DEFINITION_PROFILES[basedOn])
        throw new AppError('INVALID_INPUT', {
          message: `basedOn must name a built-in profile (${Object.keys(DEFINITION_PROFILES).join(', ')}).`,
          details: { fields: [{ field: 'body.basedOn', message: 'must name a built-in profile' }] },
        });
      const profile = parseDefinitionProfile({ ...(body.profile as object), key });
      const { key: _key, ...settings } = profile;
      await db
        .insertInto('definition_profiles')
        .values({
          district_id: principal.districtId,
          key,
          based_on: basedOn,
          settings: JSON.stringify(settings),
        })
        .onConflict((oc) =>
          oc.columns(['district_id', 'key']).doUpdateSet({
            based_on: basedOn,
            settings: JSON.stringify(settings),
            updated_at: sql`now()`,
          }),
        )
        .execute();
      const current = await resolveProfile(db, principal.districtId).catch(() => null);
      if (current?.key === key) await queueWholeDistrict(principal.districtId);
      return { key, basedOn, ...settings };
    },
  );

  app.put<{ Body: Static<typeof SelectProfileBody> }>(
    '/api/attendance/profile',
    { config: { access: { roles: PROFILE_EDITORS } }, schema: { body: SelectProfileBody } },
    async (request) => {
      const principal = principalOf(request);
      const { key } = request.body;
      const own = await db
        .selectFrom('definition_profiles')
        .select('key')
        .where('district_id', '=', principal.districtId)
        .where('key', '=', key)
        .executeTakeFirst();
      if (!own && !DEFINITION_PROFILES[key])
        throw new AppError('INVALID_INPUT', {
          message: `No definition profile "${key}": pick a built-in one (${Object.keys(DEFINITION_PROFILES).join(', ')}) or one of your own.`,
          details: { fields: [{ field: 'body.key', message: 'is not a known profile' }] },
        });
      await db
        .updateTable('districts')
        .set({ definition_profile: key, updated_at: sql`now()` })
        .where('district_id', '=', principal.districtId)
        .execute();
      const queued = await queueWholeDistrict(principal.districtId);
      return { current: key, studentsQueued: queued };
    },
  );

  /** Every student of the district is refreshed by the refresher under the new rules. */
  async function queueWholeDistrict(districtId: string): Promise<number> {
    const result = await sql`INSERT INTO attendance_refresh_queue (district_id, student_id)
      SELECT DISTINCT district_id, student_id FROM enrolment_spans WHERE district_id = ${districtId}
      ON CONFLICT DO NOTHING`.execute(db);
    return Number(result.numAffectedRows ?? 0);
  }
}

/** One student's figures as the API and the staff pages show them (NOT_FOUND outside the caller's scope). */
export async function studentDetail(db: Kysely<DB>, principal: StaffPrincipal, studentId: string) {
  const detail = await findStudentFigures(db, principal.districtId, studentId, (ref) =>
    visibleStudent(principal, ref),
  );
  if (!detail) {
    throw new AppError('NOT_FOUND', {
      message: `No attendance figures for student ${studentId} that you may see.`,
    });
  }
  const profile = await resolveProfile(db, principal.districtId);
  const figures = detail.figures;
  return {
    studentId: studentId,
    name: `${(figures.preferred_name as string | null) ?? figures.first_name} ${figures.last_name}`,
    localId: figures.local_id,
    gradeLevel: figures.grade_level,
    school: { schoolId: figures.school_id, name: figures.school_name },
    asOf: figures.as_of,
    profile: { key: profile.key, name: profile.name, measure: profile.measure },
    total: publicFigures(figures),
    bySchool: detail.schools.map((school) => ({
      schoolId: school.school_id,
      name: school.school_name,
      ...publicFigures(school),
    })),
    projection: {
      remainingDays: figures.remaining_days,
      atCurrentPace: figures.projected_current,
      atRecentPace: figures.projected_recent,
      onTrackToBeChronic: figures.on_track,
    },
    earlySignalMonth: figures.early_signal_month,
    patterns: {
      weekday: figures.pattern_weekday,
      aroundBreaks: figures.pattern_around_breaks,
      skippedSection:
        figures.skipped_section_id === null
          ? null
          : {
              sectionId: figures.skipped_section_id,
              name: detail.skippedSectionName,
              days: figures.skipped_section_days,
            },
      trend: figures.trend,
    },
    history: detail.history,
    explanation: explainFigures(figures as unknown as StoredFigures, profile, detail.skippedSectionName),
  };
}

function publicFigures(row: Record<string, unknown>) {
  return {
    daysEnrolled: row.days_enrolled,
    daysAbsent: (row.absent_milli as number) / 1000,
    excused: (row.excused_milli as number) / 1000,
    unexcused: (row.unexcused_milli as number) / 1000,
    outOfSchoolSuspension: (row.oss_milli as number) / 1000,
    daysAttended: row.days_attended,
    tardies: row.tardies,
    earlyDepartures: row.early_departures,
    hoursScheduled: (row.minutes_scheduled as number) / 60,
    hoursMissed: (row.minutes_missed as number) / 60,
    rate: row.rate,
    eligible: row.eligible,
    chronic: row.chronic,
    tier: row.tier,
    longestRun: row.longest_run,
  };
}
