/**
 * What the family portal reads: only the children linked to the signed-in guardians by a link
 * that allows the portal (`portalLink`), and of each child only what a parent needs — the
 * year's figures in plain words, the calendar, absences with their reasons, and the
 * conversation with the school. Every query is bounded by the principal's guardians, so a
 * child of another family is simply not found.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Tier } from '../attendance/definition-profiles.ts';
import type { DB } from '../platform/db/types.ts';
import { type FamilyPrincipal, portalLink, SIGN_IN_TEMPLATE } from './family-auth.service.ts';

export interface FamilyChild {
  readonly studentId: string;
  readonly name: string;
  readonly lastName: string;
  readonly grade: string;
  readonly schoolName: string;
  readonly schoolId: string;
  readonly timeZone: string;
  readonly figures: {
    readonly asOf: string;
    readonly daysEnrolled: number;
    readonly daysMissed: number;
    /** The share of school days missed (the absence rate). */
    readonly rate: number;
    readonly tier: Tier;
    readonly eligible: boolean;
    readonly projected: number;
    readonly remainingDays: number;
    readonly improving: boolean;
  } | null;
}

function contactIds(principal: FamilyPrincipal): RawBuilder<unknown> {
  return sql.join(principal.guardians.map((guardian) => sql`${guardian.contactId}::uuid`));
}

/** The condition that the student (a column reference) is a child of the signed-in family. */
export function familyChildCondition(principal: FamilyPrincipal, studentId: RawBuilder<unknown>) {
  return sql`EXISTS (SELECT 1 FROM student_contacts fsc WHERE fsc.district_id = ${principal.districtId}
    AND fsc.student_id = ${studentId} AND fsc.contact_id IN (${contactIds(principal)}) AND ${portalLink(sql.ref('fsc'))})`;
}

/** The family's children (all of them, in every school), each with this year's figures when there are any. */
export async function familyChildren(
  db: Kysely<DB>,
  principal: FamilyPrincipal,
  onlyStudentId?: string,
): Promise<FamilyChild[]> {
  const { rows } = await sql<{
    student_id: string;
    name: string;
    last_name: string;
    grade_level: string;
    school_id: string;
    school_name: string;
    time_zone: string;
    as_of: string | null;
    days_enrolled: number | null;
    absent_milli: number | null;
    rate: number | null;
    tier: Tier | null;
    eligible: boolean | null;
    projected_current: number | null;
    remaining_days: number | null;
    trend: string | null;
  }>`
    SELECT s.student_id, coalesce(s.preferred_name, s.first_name) AS name, s.last_name, s.grade_level,
      sc.school_id, sc.name AS school_name, d.time_zone,
      t.as_of::text AS as_of, t.days_enrolled, t.absent_milli, t.rate, t.tier, t.eligible, t.projected_current,
      t.remaining_days, t.trend
    FROM students s
    JOIN districts d ON d.district_id = s.district_id
    JOIN LATERAL (
      SELECT es.school_id FROM enrolment_spans es WHERE es.district_id = s.district_id AND es.student_id = s.student_id
      ORDER BY (es.end_date_exclusive IS NULL) DESC, es.end_date_exclusive DESC, es.is_primary DESC, es.entry_date DESC LIMIT 1
    ) current ON true
    JOIN schools sc ON sc.district_id = s.district_id AND sc.school_id = current.school_id
    LEFT JOIN LATERAL (
      SELECT * FROM student_attendance a WHERE a.district_id = s.district_id AND a.student_id = s.student_id
      ORDER BY a.as_of DESC LIMIT 1
    ) t ON true
    WHERE s.district_id = ${principal.districtId} AND ${familyChildCondition(principal, sql.ref('s.student_id'))}
      ${onlyStudentId ? sql`AND s.student_id = ${onlyStudentId}` : sql``}
    ORDER BY s.date_of_birth NULLS LAST, name`.execute(db);
  return rows.map((row) => ({
    studentId: row.student_id,
    name: row.name,
    lastName: row.last_name,
    grade: row.grade_level,
    schoolName: row.school_name,
    schoolId: row.school_id,
    timeZone: row.time_zone,
    figures:
      row.as_of === null
        ? null
        : {
            asOf: row.as_of,
            daysEnrolled: row.days_enrolled ?? 0,
            daysMissed: (row.absent_milli ?? 0) / 1000,
            rate: row.rate ?? 1,
            tier: row.tier ?? 'satisfactory',
            eligible: row.eligible ?? false,
            projected: row.projected_current ?? 0,
            remainingDays: row.remaining_days ?? 0,
            improving: row.trend === 'improving',
          },
  }));
}

export type DayStatus = 'present' | 'absent' | 'excused' | 'partial' | 'tardy' | 'no_school' | 'future';

export interface CalendarDay {
  readonly date: string;
  readonly status: DayStatus;
  readonly reason: string | null;
}

/**
 * The child's school days in [from, to): each instructional day of their calendar while
 * enrolled, as present (no event: schools record in the negative), absent (excused or not),
 * part of the day, or late; other named days are "no school"; days after `today` are "not yet".
 */
export async function childCalendar(
  db: Kysely<DB>,
  districtId: string,
  studentId: string,
  from: string,
  to: string,
  today: string,
): Promise<CalendarDay[]> {
  const { rows } = await sql<{
    date: string;
    day_type: string;
    absent: boolean | null;
    excused: boolean | null;
    partial: boolean | null;
    tardy: boolean | null;
    reason: string | null;
  }>`
    WITH days AS (
      SELECT DISTINCT ON (cd.date) cd.date, cd.day_type FROM enrolment_spans es
      JOIN calendar_days cd ON cd.district_id = es.district_id AND cd.calendar_id = es.calendar_id
      WHERE es.district_id = ${districtId} AND es.student_id = ${studentId}
        AND cd.date >= ${from}::date AND cd.date < ${to}::date AND cd.date >= es.entry_date
        AND (es.end_date_exclusive IS NULL OR cd.date < es.end_date_exclusive)
      ORDER BY cd.date, (cd.day_type IN ('instructional', 'makeup')) DESC
    ), events AS (
      SELECT e.date,
        bool_or(e.section_id IS NULL AND e.category IN ('excused_absence', 'unexcused_absence', 'out_of_school_suspension')) AS absent,
        bool_and(coalesce(e.is_excused, e.category = 'excused_absence'))
          FILTER (WHERE e.category IN ('excused_absence', 'unexcused_absence')) AS excused,
        bool_or(e.category IN ('partial', 'early_departure')
          OR (e.section_id IS NOT NULL AND e.category IN ('excused_absence', 'unexcused_absence'))) AS partial,
        bool_or(e.category = 'tardy') AS tardy,
        min(e.reason) AS reason
      FROM attendance_events e
      WHERE e.district_id = ${districtId} AND e.student_id = ${studentId} AND e.date >= ${from}::date AND e.date < ${to}::date
      GROUP BY e.date
    )
    SELECT days.date::text AS date, days.day_type, events.absent, events.excused, events.partial, events.tardy, events.reason
    FROM days LEFT JOIN events USING (date) ORDER BY days.date`.execute(db);
  return rows.map((row) => {
    const instructional = row.day_type === 'instructional' || row.day_type === 'makeup';
    const status: DayStatus = !instructional
      ? 'no_school'
      : row.date > today
        ? 'future'
        : row.absent
          ? row.excused
            ? 'excused'
            : 'absent'
          : row.partial
            ? 'partial'
            : row.tardy
              ? 'tardy'
              : 'present';
    return { date: row.date, status, reason: row.reason };
  });
}

export interface RecentAbsence {
  readonly date: string;
  readonly wholeDay: boolean;
  readonly excused: boolean;
  readonly reason: string | null;
}

/** The child's most recent absences (whole or part days), newest first. */
export async function recentAbsences(
  db: Kysely<DB>,
  districtId: string,
  studentId: string,
  limit = 10,
): Promise<RecentAbsence[]> {
  const { rows } = await sql<{ date: string; whole_day: boolean; excused: boolean; reason: string | null }>`
    SELECT e.date::text AS date, bool_or(e.section_id IS NULL AND e.category IN ('excused_absence', 'unexcused_absence', 'out_of_school_suspension')) AS whole_day,
      bool_and(coalesce(e.is_excused, e.category = 'excused_absence')) AS excused, min(e.reason) AS reason
    FROM attendance_events e
    WHERE e.district_id = ${districtId} AND e.student_id = ${studentId}
      AND e.category IN ('excused_absence', 'unexcused_absence', 'out_of_school_suspension', 'partial', 'early_departure')
    GROUP BY e.date ORDER BY e.date DESC LIMIT ${limit}`.execute(db);
  return rows.map((row) => ({
    date: row.date,
    wholeDay: row.whole_day,
    excused: row.excused,
    reason: row.reason,
  }));
}

/** The year's trajectory: the absence rate at each stored date. */
export async function childTrajectory(
  db: Kysely<DB>,
  districtId: string,
  studentId: string,
): Promise<{ asOf: string; rate: number }[]> {
  const { rows } = await sql<{ asOf: string; rate: number }>`
    SELECT h.as_of::text AS "asOf", h.rate FROM student_attendance_history h
    WHERE h.district_id = ${districtId} AND h.student_id = ${studentId}
      AND h.school_year_id = (SELECT a.school_year_id FROM student_attendance a
        WHERE a.district_id = ${districtId} AND a.student_id = ${studentId} ORDER BY a.as_of DESC LIMIT 1)
    ORDER BY h.as_of`.execute(db);
  return rows;
}

export interface FamilyConversationItem {
  readonly direction: 'out' | 'in';
  readonly at: Date;
  readonly body: string;
  readonly studentName: string | null;
  readonly channel: string;
}

/**
 * Messages between the school and these guardians, oldest first (the last `limit`): what was
 * sent (never a sign-in code, never one that was held back or not sent) and what they wrote.
 */
export async function familyConversation(
  db: Kysely<DB>,
  principal: FamilyPrincipal,
  limit = 100,
): Promise<FamilyConversationItem[]> {
  const { rows } = await sql<{
    direction: 'out' | 'in';
    at: Date;
    body: string;
    student_name: string | null;
    channel: string;
  }>`
    SELECT * FROM (
      SELECT 'out' AS direction, m.created_at AS at, m.body, coalesce(s.preferred_name, s.first_name) AS student_name, m.channel
      FROM messages m LEFT JOIN students s ON s.district_id = m.district_id AND s.student_id = m.student_id
      WHERE m.district_id = ${principal.districtId} AND m.contact_id IN (${contactIds(principal)})
        AND m.template_key IS DISTINCT FROM ${SIGN_IN_TEMPLATE}
        AND m.status IN ('accepted', 'sent', 'delivered', 'undelivered')
      UNION ALL
      SELECT 'in', i.received_at, i.body,
        (SELECT coalesce(s.preferred_name, s.first_name) FROM students s
          WHERE s.district_id = i.district_id AND s.student_id::text = i.intent->>'studentId'),
        i.channel
      FROM inbound_messages i
      WHERE i.district_id = ${principal.districtId} AND i.contact_id IN (${contactIds(principal)})
    ) items ORDER BY at DESC LIMIT ${limit}`.execute(db);
  return rows.reverse().map((row) => ({
    direction: row.direction,
    at: row.at,
    body: row.body,
    studentName: row.student_name,
    channel: row.channel,
  }));
}
