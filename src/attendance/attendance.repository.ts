/**
 * Reading the engine's figures: filtered, sorted and paged student lists, one student's
 * figures with their history, and rollups by school, grade, subgroup, section and district.
 * Every query takes a visibility predicate (the caller's scope) and never returns a student
 * outside it.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import type { Tier } from './definition-profiles.ts';

export const SUBGROUPS = [
  'english_learner',
  'disability',
  'economically_disadvantaged',
  'hispanic_latino',
  'homeless',
  'foster_care',
] as const;
export type Subgroup = (typeof SUBGROUPS)[number];

export const PATTERNS = [
  'weekday',
  'around_breaks',
  'skipped_section',
  'worsening',
  'improving',
  'early_signal',
] as const;
export type Pattern = (typeof PATTERNS)[number];

export const SORTS = ['rate_desc', 'rate_asc', 'absent_desc', 'projected_desc', 'name'] as const;
export type Sort = (typeof SORTS)[number];

export interface StudentListFilter {
  readonly tiers?: readonly Tier[];
  readonly chronic?: boolean;
  readonly onTrack?: boolean;
  readonly patterns?: readonly Pattern[];
  readonly grades?: readonly string[];
  readonly schoolId?: string;
  readonly subgroup?: Subgroup;
  /** Students whose tier changed since this many days before the figures' date. */
  readonly movedTierWithinDays?: number;
  readonly moved?: 'up' | 'down';
  /** Name or local id, case-insensitive prefix. */
  readonly search?: string;
}

export interface Page {
  readonly page: number;
  readonly pageSize: number;
  readonly sort: Sort;
}

export interface StudentListItem {
  readonly studentId: string;
  readonly localId: string;
  readonly name: string;
  readonly gradeLevel: string;
  readonly schoolId: string;
  readonly schoolName: string;
  readonly daysEnrolled: number;
  readonly daysAbsent: number;
  readonly rate: number;
  readonly tier: Tier;
  readonly chronic: boolean | null;
  readonly onTrack: boolean;
  readonly projected: number;
  readonly earlySignalMonth: number | null;
  readonly patterns: readonly Pattern[];
  readonly previousTier: Tier | null;
}

export interface StudentList {
  readonly asOf: string | null;
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
  readonly students: readonly StudentListItem[];
}

const TIER_RANK = sql`CASE t.tier WHEN 'satisfactory' THEN 0 WHEN 'at_risk' THEN 1 WHEN 'moderate_chronic' THEN 2 ELSE 3 END`;
const PREVIOUS_RANK = sql`CASE h.tier WHEN 'satisfactory' THEN 0 WHEN 'at_risk' THEN 1 WHEN 'moderate_chronic' THEN 2 ELSE 3 END`;

function patternCondition(pattern: Pattern): RawBuilder<unknown> {
  switch (pattern) {
    case 'weekday':
      return sql`t.pattern_weekday IS NOT NULL`;
    case 'around_breaks':
      return sql`t.pattern_around_breaks`;
    case 'skipped_section':
      return sql`t.skipped_section_id IS NOT NULL`;
    case 'worsening':
      return sql`t.trend = 'worsening'`;
    case 'improving':
      return sql`t.trend = 'improving'`;
    case 'early_signal':
      return sql`t.early_signal_month IS NOT NULL`;
  }
}

/** The school year of a district's latest figures (the one lists and rollups show). */
async function latestYear(
  db: Kysely<DB>,
  districtId: string,
): Promise<{ schoolYearId: string; asOf: string } | null> {
  const row = await sql<{
    school_year_id: string;
    as_of: string;
  }>`SELECT t.school_year_id, t.as_of::text AS as_of
    FROM student_attendance t WHERE t.district_id = ${districtId}
    ORDER BY t.as_of DESC LIMIT 1`.execute(db);
  const first = row.rows[0];
  return first ? { schoolYearId: first.school_year_id, asOf: first.as_of } : null;
}

export async function listStudents(
  db: Kysely<DB>,
  districtId: string,
  visible: (studentId: RawBuilder<unknown>) => RawBuilder<unknown>,
  filter: StudentListFilter,
  page: Page,
): Promise<StudentList> {
  const year = await latestYear(db, districtId);
  if (!year) return { asOf: null, total: 0, page: page.page, pageSize: page.pageSize, students: [] };
  const conditions: RawBuilder<unknown>[] = [
    sql`t.district_id = ${districtId}`,
    sql`t.school_year_id = ${year.schoolYearId}`,
    visible(sql.ref('t.student_id')),
  ];
  if (filter.tiers?.length) conditions.push(sql`t.tier IN (${sql.join(filter.tiers)})`);
  if (filter.chronic !== undefined) conditions.push(sql`coalesce(t.chronic, false) = ${filter.chronic}`);
  if (filter.onTrack !== undefined) conditions.push(sql`t.on_track = ${filter.onTrack}`);
  for (const pattern of filter.patterns ?? []) conditions.push(patternCondition(pattern));
  if (filter.grades?.length) conditions.push(sql`t.grade_level IN (${sql.join(filter.grades)})`);
  if (filter.schoolId)
    conditions.push(sql`EXISTS (SELECT 1 FROM student_school_attendance ss WHERE ss.district_id = t.district_id
      AND ss.school_year_id = t.school_year_id AND ss.student_id = t.student_id AND ss.school_id = ${filter.schoolId})`);
  if (filter.subgroup) conditions.push(sql`${sql.ref(`s.${filter.subgroup}`)}`);
  if (filter.search) {
    const prefix = `${filter.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(
      sql`(lower(s.last_name) LIKE ${prefix} OR lower(s.first_name) LIKE ${prefix} OR lower(s.local_id) LIKE ${prefix})`,
    );
  }
  const days = filter.movedTierWithinDays ?? 30;
  const previous = sql`LEFT JOIN LATERAL (
      SELECT h.tier FROM student_attendance_history h
      WHERE h.district_id = t.district_id AND h.student_id = t.student_id
        AND h.as_of <= t.as_of - ${days}::int
      ORDER BY h.as_of DESC LIMIT 1) h ON true`;
  if (filter.moved === 'up') conditions.push(sql`h.tier IS NOT NULL AND ${TIER_RANK} > ${PREVIOUS_RANK}`);
  if (filter.moved === 'down') conditions.push(sql`h.tier IS NOT NULL AND ${TIER_RANK} < ${PREVIOUS_RANK}`);
  const where = sql.join(conditions, sql` AND `);
  const order = {
    rate_desc: sql`t.rate DESC, s.last_name, s.first_name, t.student_id`,
    rate_asc: sql`t.rate ASC, s.last_name, s.first_name, t.student_id`,
    absent_desc: sql`t.absent_milli DESC, s.last_name, s.first_name, t.student_id`,
    projected_desc: sql`t.projected_current DESC, s.last_name, s.first_name, t.student_id`,
    name: sql`s.last_name, s.first_name, t.student_id`,
  }[page.sort];
  const from = sql`FROM student_attendance t
    JOIN students s ON s.district_id = t.district_id AND s.student_id = t.student_id
    JOIN schools sc ON sc.district_id = t.district_id AND sc.school_id = t.school_id
    ${previous}`;
  const [count, rows] = await Promise.all([
    sql<{ total: string }>`SELECT count(*) AS total ${from} WHERE ${where}`.execute(db),
    sql<
      Record<string, unknown>
    >`SELECT t.*, s.local_id, s.first_name, s.last_name, s.preferred_name, sc.name AS school_name,
        h.tier AS previous_tier
      ${from} WHERE ${where} ORDER BY ${order}
      LIMIT ${page.pageSize} OFFSET ${(page.page - 1) * page.pageSize}`.execute(db),
  ]);
  return {
    asOf: year.asOf,
    total: Number(count.rows[0]?.total ?? 0),
    page: page.page,
    pageSize: page.pageSize,
    students: rows.rows.map(toListItem),
  };
}

function patternsOf(row: Record<string, unknown>): Pattern[] {
  const patterns: Pattern[] = [];
  if (row.pattern_weekday !== null) patterns.push('weekday');
  if (row.pattern_around_breaks) patterns.push('around_breaks');
  if (row.skipped_section_id !== null) patterns.push('skipped_section');
  if (row.trend === 'worsening') patterns.push('worsening');
  if (row.trend === 'improving') patterns.push('improving');
  if (row.early_signal_month !== null) patterns.push('early_signal');
  return patterns;
}

function toListItem(row: Record<string, unknown>): StudentListItem {
  return {
    studentId: row.student_id as string,
    localId: row.local_id as string,
    name: `${(row.preferred_name as string | null) ?? row.first_name} ${row.last_name}`,
    gradeLevel: row.grade_level as string,
    schoolId: row.school_id as string,
    schoolName: row.school_name as string,
    daysEnrolled: row.days_enrolled as number,
    daysAbsent: (row.absent_milli as number) / 1000,
    rate: row.rate as number,
    tier: row.tier as Tier,
    chronic: row.chronic as boolean | null,
    onTrack: row.on_track as boolean,
    projected: row.projected_current as number,
    earlySignalMonth: row.early_signal_month as number | null,
    patterns: patternsOf(row),
    previousTier: (row.previous_tier as Tier | null) ?? null,
  };
}

export interface StudentDetail {
  readonly figures: Record<string, unknown>;
  readonly schools: readonly Record<string, unknown>[];
  readonly history: readonly { asOf: string; rate: number; tier: Tier; chronic: boolean | null }[];
  readonly skippedSectionName: string | null;
}

export async function findStudentFigures(
  db: Kysely<DB>,
  districtId: string,
  studentId: string,
  visible: (studentId: RawBuilder<unknown>) => RawBuilder<unknown>,
): Promise<StudentDetail | null> {
  const year = await latestYear(db, districtId);
  if (!year) return null;
  const figures = await sql<
    Record<string, unknown>
  >`SELECT t.*, t.as_of::text AS as_of, s.local_id, s.first_name,
      s.last_name, s.preferred_name, sc.name AS school_name, sec.name AS skipped_section_name
    FROM student_attendance t
    JOIN students s ON s.district_id = t.district_id AND s.student_id = t.student_id
    JOIN schools sc ON sc.district_id = t.district_id AND sc.school_id = t.school_id
    LEFT JOIN sections sec ON sec.district_id = t.district_id AND sec.section_id = t.skipped_section_id
    WHERE t.district_id = ${districtId} AND t.school_year_id = ${year.schoolYearId} AND t.student_id = ${studentId}
      AND ${visible(sql.ref('t.student_id'))}`.execute(db);
  const row = figures.rows[0];
  if (!row) return null;
  const [schools, history] = await Promise.all([
    sql<Record<string, unknown>>`SELECT ss.*, sc.name AS school_name FROM student_school_attendance ss
      JOIN schools sc ON sc.district_id = ss.district_id AND sc.school_id = ss.school_id
      WHERE ss.district_id = ${districtId} AND ss.school_year_id = ${year.schoolYearId} AND ss.student_id = ${studentId}
      ORDER BY sc.name`.execute(db),
    sql<{
      as_of: string;
      rate: number;
      tier: Tier;
      chronic: boolean | null;
    }>`SELECT as_of::text AS as_of, rate, tier, chronic
      FROM student_attendance_history
      WHERE district_id = ${districtId} AND student_id = ${studentId} AND school_year_id = ${year.schoolYearId}
      ORDER BY as_of`.execute(db),
  ]);
  return {
    figures: row,
    schools: schools.rows,
    history: history.rows.map((h) => ({ asOf: h.as_of, rate: h.rate, tier: h.tier, chronic: h.chronic })),
    skippedSectionName: (row.skipped_section_name as string | null) ?? null,
  };
}

export const ROLLUPS = ['district', 'school', 'grade', 'subgroup', 'section'] as const;
export type RollupBy = (typeof ROLLUPS)[number];

export interface RollupRow {
  readonly key: string;
  readonly label: string;
  readonly students: number;
  readonly eligible: number;
  readonly chronic: number;
  /** chronic / eligible, or null with no eligible student. */
  readonly chronicRate: number | null;
  readonly onTrack: number;
  readonly tiers: Readonly<Record<Tier, number>>;
}

export async function rollup(
  db: Kysely<DB>,
  districtId: string,
  by: RollupBy,
  visible: (studentId: RawBuilder<unknown>) => RawBuilder<unknown>,
): Promise<{ asOf: string | null; rows: RollupRow[] }> {
  const year = await latestYear(db, districtId);
  if (!year) return { asOf: null, rows: [] };
  const base = sql`FROM student_attendance t
    JOIN students s ON s.district_id = t.district_id AND s.student_id = t.student_id`;
  const where = sql`t.district_id = ${districtId} AND t.school_year_id = ${year.schoolYearId} AND ${visible(sql.ref('t.student_id'))}`;
  const measures = sql`count(*) AS students,
    count(*) FILTER (WHERE t.eligible) AS eligible,
    count(*) FILTER (WHERE t.chronic) AS chronic,
    count(*) FILTER (WHERE t.on_track) AS on_track,
    count(*) FILTER (WHERE t.tier = 'satisfactory') AS satisfactory,
    count(*) FILTER (WHERE t.tier = 'at_risk') AS at_risk,
    count(*) FILTER (WHERE t.tier = 'moderate_chronic') AS moderate_chronic,
    count(*) FILTER (WHERE t.tier = 'severe_chronic') AS severe_chronic`;
  let query: RawBuilder<Record<string, unknown>>;
  switch (by) {
    case 'district':
      query = sql`SELECT 'district' AS key, d.name AS label, ${measures} ${base}
        JOIN districts d ON d.district_id = t.district_id WHERE ${where} GROUP BY d.name`;
      break;
    case 'school':
      query = sql`SELECT ss.school_id::text AS key, sc.name AS label,
          count(*) AS students, count(*) FILTER (WHERE ss.eligible) AS eligible,
          count(*) FILTER (WHERE ss.chronic) AS chronic, count(*) FILTER (WHERE t.on_track AND t.school_id = ss.school_id) AS on_track,
          count(*) FILTER (WHERE ss.tier = 'satisfactory') AS satisfactory, count(*) FILTER (WHERE ss.tier = 'at_risk') AS at_risk,
          count(*) FILTER (WHERE ss.tier = 'moderate_chronic') AS moderate_chronic,
          count(*) FILTER (WHERE ss.tier = 'severe_chronic') AS severe_chronic
        ${base}
        JOIN student_school_attendance ss ON ss.district_id = t.district_id AND ss.school_year_id = t.school_year_id
          AND ss.student_id = t.student_id
        JOIN schools sc ON sc.district_id = ss.district_id AND sc.school_id = ss.school_id
        WHERE ${where} GROUP BY ss.school_id, sc.name ORDER BY sc.name`;
      break;
    case 'grade':
      query = sql`SELECT t.grade_level AS key, t.grade_level AS label, ${measures} ${base}
        WHERE ${where} GROUP BY t.grade_level
        ORDER BY CASE t.grade_level WHEN 'PK' THEN '00' WHEN 'KG' THEN '00a' ELSE t.grade_level END`;
      break;
    case 'subgroup':
      query = sql`SELECT g.key, g.key AS label, ${measures} ${base}
        CROSS JOIN LATERAL (VALUES ${sql.join(
          SUBGROUPS.map((subgroup) => sql`(${subgroup}, ${sql.ref(`s.${subgroup}`)})`),
        )}, ('all_students', true)) AS g(key, member)
        WHERE ${where} AND g.member GROUP BY g.key ORDER BY g.key`;
      break;
    case 'section':
      query = sql`SELECT se.section_id::text AS key, sec.name AS label, ${measures} ${base}
        JOIN section_enrolments se ON se.district_id = t.district_id AND se.student_id = t.student_id
          AND se.entry_date < t.as_of AND (se.end_date_exclusive IS NULL OR se.end_date_exclusive >= t.as_of)
        JOIN sections sec ON sec.district_id = se.district_id AND sec.section_id = se.section_id
        WHERE ${where} AND sec.school_year_id = t.school_year_id GROUP BY se.section_id, sec.name ORDER BY sec.name`;
      break;
  }
  const result = await query.execute(db);
  return {
    asOf: year.asOf,
    rows: result.rows.map((row) => {
      const n = (key: string) => Number(row[key] ?? 0);
      return {
        key: row.key as string,
        label: row.label as string,
        students: n('students'),
        eligible: n('eligible'),
        chronic: n('chronic'),
        chronicRate: n('eligible') > 0 ? n('chronic') / n('eligible') : null,
        onTrack: n('on_track'),
        tiers: {
          satisfactory: n('satisfactory'),
          at_risk: n('at_risk'),
          moderate_chronic: n('moderate_chronic'),
          severe_chronic: n('severe_chronic'),
        },
      };
    }),
  };
}
