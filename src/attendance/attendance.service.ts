/**
 * Running the attendance engine for a district: which definition profile and school year
 * apply, a full recompute in batches (with progress), an incremental refresh of the
 * students the triggers queued, and a district's own copies of definition profiles.
 */
import { type Kysely, sql } from 'kysely';
import { addDays, addMonths, todayIn } from '../platform/dates.ts';
import type { DB } from '../platform/db/types.ts';
import { AppError } from '../platform/errors.ts';
import { type RefreshResult, refreshAttendance } from './attendance-engine.ts';
import { DEFINITION_PROFILES, type DefinitionProfile } from './definition-profiles.ts';
import { parseDefinitionProfile } from './profile-schema.ts';

export interface DistrictContext {
  readonly districtId: string;
  readonly schoolYearId: string;
  readonly schoolYearName: string;
  readonly asOf: string;
  readonly profile: DefinitionProfile;
}

/** The profile a district uses: its own copy by key, or a built-in one. */
export async function resolveProfile(db: Kysely<DB>, districtId: string): Promise<DefinitionProfile> {
  const district = await db
    .selectFrom('districts')
    .select('definition_profile')
    .where('district_id', '=', districtId)
    .executeTakeFirst();
  if (!district) throw new AppError('NOT_FOUND', { message: `No district ${districtId}.` });
  const key = district.definition_profile;
  const own = await db
    .selectFrom('definition_profiles')
    .select('settings')
    .where('district_id', '=', districtId)
    .where('key', '=', key)
    .executeTakeFirst();
  if (own) return parseDefinitionProfile({ ...(own.settings as object), key });
  const builtIn = DEFINITION_PROFILES[key];
  if (!builtIn)
    throw new AppError('CONFLICT', {
      message: `District ${districtId} uses definition profile "${key}", which is neither built in nor one of its own.`,
    });
  return builtIn;
}

/**
 * The district's context on a date: the school year that holds it (asOf may be the day
 * after the last day) and its profile. asOf defaults to today in the district's time zone.
 */
export async function districtContext(
  db: Kysely<DB>,
  districtId: string,
  asOf?: string,
): Promise<DistrictContext> {
  const district = await db
    .selectFrom('districts')
    .select(['time_zone'])
    .where('district_id', '=', districtId)
    .executeTakeFirst();
  if (!district) throw new AppError('NOT_FOUND', { message: `No district ${districtId}.` });
  const date = asOf ?? todayIn(district.time_zone);
  const year = await db
    .selectFrom('school_years')
    .select(['school_year_id', 'name'])
    .where('district_id', '=', districtId)
    .where('start_date', '<=', date)
    .where('end_date_exclusive', '>=', date)
    .orderBy('start_date', 'desc')
    .executeTakeFirst();
  if (!year)
    throw new AppError('NOT_FOUND', {
      message: `District ${districtId} has no school year that holds ${date}.`,
    });
  return {
    districtId,
    schoolYearId: year.school_year_id,
    schoolYearName: year.name,
    asOf: date,
    profile: await resolveProfile(db, districtId),
  };
}

export interface RecomputeProgress {
  readonly done: number;
  readonly total: number;
}

export interface RecomputeOptions {
  readonly asOf?: string;
  /** Students per transaction: bounds memory and lock time. */
  readonly batchSize?: number;
  readonly recordHistory?: boolean;
  readonly onProgress?: (progress: RecomputeProgress) => void;
}

export interface RecomputeSummary extends RefreshResult {
  readonly asOf: string;
  readonly schoolYear: string;
  readonly profile: string;
  readonly batches: number;
  readonly ms: number;
}

/**
 * Rebuilds every student's figures from scratch, in batches of students (the same
 * statements as the incremental refresh). Students no longer enrolled lose their rows.
 */
export async function recomputeAttendance(
  db: Kysely<DB>,
  districtId: string,
  options: RecomputeOptions = {},
): Promise<RecomputeSummary> {
  const started = performance.now();
  const context = await districtContext(db, districtId, options.asOf);
  const batchSize = options.batchSize ?? 25_000;
  const enrolled = await sql<{ student_id: string }>`SELECT DISTINCT student_id FROM enrolment_spans
    WHERE district_id = ${districtId} AND school_year_id = ${context.schoolYearId} ORDER BY student_id`.execute(
    db,
  );
  const ids = enrolled.rows.map((row) => row.student_id);
  const stale = await sql`DELETE FROM student_attendance t
    WHERE t.district_id = ${districtId} AND t.school_year_id = ${context.schoolYearId}
      AND NOT EXISTS (SELECT 1 FROM enrolment_spans e WHERE e.district_id = t.district_id
        AND e.student_id = t.student_id AND e.school_year_id = t.school_year_id)`.execute(db);
  let students = 0;
  let batches = 0;
  options.onProgress?.({ done: 0, total: ids.length });
  for (let start = 0; start < ids.length; start += batchSize) {
    const batch = ids.slice(start, start + batchSize);
    const result = await refreshAttendance(db, {
      ...context,
      studentIds: batch,
      recordHistory: options.recordHistory ?? true,
    });
    students += result.students;
    batches += 1;
    // Fresh (or emptied) figure tables have no statistics, and the next batch's deletes and
    // history inserts are then planned as nested loops over them: ten times slower at 100,000
    // students. Analyse as the rows written double (decision 0005 does the same for seeding).
    if ((batches & (batches - 1)) === 0 && start + batchSize < ids.length)
      await sql`ANALYZE student_attendance, student_school_attendance, student_attendance_history`.execute(
        db,
      );
    options.onProgress?.({ done: Math.min(ids.length, start + batch.length), total: ids.length });
  }
  await sql`ANALYZE student_attendance, student_school_attendance`.execute(db);
  return {
    students,
    removed: Number(stale.numAffectedRows ?? 0),
    asOf: context.asOf,
    schoolYear: context.schoolYearName,
    profile: context.profile.key,
    batches,
    ms: performance.now() - started,
  };
}

/**
 * Refreshes the students whose data changed (queued by triggers), a batch at a time, until
 * the queue is empty. Returns how many students were refreshed.
 */
export async function refreshQueuedAttendance(
  db: Kysely<DB>,
  districtId: string,
  options: { readonly asOf?: string; readonly batchSize?: number; readonly recordHistory?: boolean } = {},
): Promise<number> {
  const context = await districtContext(db, districtId, options.asOf);
  let refreshed = 0;
  for (;;) {
    const queued = await db
      .selectFrom('attendance_refresh_queue')
      .select('student_id')
      .where('district_id', '=', districtId)
      .orderBy('student_id')
      .limit(options.batchSize ?? 10_000)
      .execute();
    if (queued.length === 0) return refreshed;
    await refreshAttendance(db, {
      ...context,
      studentIds: queued.map((row) => row.student_id),
      recordHistory: options.recordHistory ?? true,
    });
    refreshed += queued.length;
  }
}

/** Districts with students waiting for a refresh. */
export async function districtsWithQueuedRefresh(db: Kysely<DB>): Promise<string[]> {
  const rows = await db.selectFrom('attendance_refresh_queue').select('district_id').distinct().execute();
  return rows.map((row) => row.district_id);
}

/**
 * The as-of dates of a history from the first school day to asOf: every month from a month
 * after the first day, and every week over the last six weeks (enough for a trend line and
 * for "moved tiers this month"), ending with asOf itself.
 */
export function historyDates(firstSchoolDay: string, asOf: string, everyDays?: number): string[] {
  const dates = new Set<string>();
  if (everyDays !== undefined) {
    for (let date = addDays(firstSchoolDay, everyDays); date < asOf; date = addDays(date, everyDays))
      dates.add(date);
  } else {
    for (let month = 1; ; month += 1) {
      const date = addMonths(firstSchoolDay, month);
      if (date >= asOf) break;
      dates.add(date);
    }
    for (let weeks = 6; weeks >= 1; weeks -= 1) {
      const date = addDays(asOf, -7 * weeks);
      if (date > firstSchoolDay) dates.add(date);
    }
  }
  dates.add(asOf);
  return [...dates].sort();
}

/**
 * Records a history from the first weeks of the school year up to asOf (historyDates), so
 * trends and tier moves have something to show (the demo, and a district's first import).
 * Ends with the figures as of asOf.
 */
export async function backfillHistory(
  db: Kysely<DB>,
  districtId: string,
  options: {
    readonly asOf: string;
    readonly everyDays?: number;
    readonly onProgress?: (p: RecomputeProgress) => void;
  },
): Promise<number> {
  const context = await districtContext(db, districtId, options.asOf);
  const start = await sql<{ first: string | null }>`SELECT min(cd.date)::text AS first FROM calendar_days cd
    JOIN calendars c ON c.district_id = cd.district_id AND c.calendar_id = cd.calendar_id
    WHERE c.district_id = ${districtId} AND c.school_year_id = ${context.schoolYearId} AND cd.instructional_minutes > 0`.execute(
    db,
  );
  const first = start.rows[0]?.first;
  const dates = first ? historyDates(first, options.asOf, options.everyDays) : [options.asOf];
  let done = 0;
  for (const date of dates) {
    await recomputeAttendance(db, districtId, { asOf: date, recordHistory: true });
    done += 1;
    options.onProgress?.({ done, total: dates.length });
  }
  return dates.length;
}

export { todayIn };
