/**
 * Teachers taking attendance for a section (a homeroom or a class): the roster of the day with
 * each student's mark, and a write that sets marks — present, absent (excused or not), tardy
 * or early departure with minutes and a reason. Teachers mark their own sections, today only
 * (in the district's time zone), and may correct today's marks; school and district staff may
 * also correct earlier days of the school year. Every change is kept in
 * attendance_mark_history with what it was before; the attendance figures refresh by themselves
 * (the events' triggers queue the students).
 *
 * Homeroom records in the negative, as most districts do: "present" is the absence of an event,
 * so marking a student present removes the section's event for that day.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import { ATTENDANCE_REASONS } from '../import/attendance-import.ts';
import { todayIn } from '../platform/dates.ts';
import type { DB } from '../platform/db/types.ts';
import { AppError } from '../platform/errors.ts';
import { hasAnyRole, type StaffPrincipal } from '../staff/staff-principal.ts';

export const MARKS = ['present', 'absent', 'tardy', 'early_departure'] as const;
export type MarkStatus = (typeof MARKS)[number];

/** The reasons a mark may give: those attendance events take, less suspension (not a teacher's mark). */
export type MarkReason = Exclude<(typeof ATTENDANCE_REASONS)[number], 'suspension'>;
export const MARK_REASONS: readonly MarkReason[] = ATTENDANCE_REASONS.filter(
  (reason): reason is MarkReason => reason !== 'suspension',
);

export interface Mark {
  readonly studentId: string;
  readonly status: MarkStatus;
  /** For absences: excused (a reason the district accepts) or not. */
  readonly excused?: boolean;
  /** Minutes late (tardy) or missed (early departure). */
  readonly minutes?: number;
  readonly reason?: MarkReason;
  readonly note?: string;
}

export interface RosterEntry {
  readonly studentId: string;
  readonly name: string;
  readonly mark: Mark;
  readonly recordedAt: string | null;
}

/** Who may correct days before today (teachers mark today only). */
const CORRECTORS = ['district_admin', 'school_admin', 'attendance_champion'] as const;

/** The source of events written here, so imports and taken marks never overwrite each other. */
export const TAKEN_SOURCE = 'homeroom-taken';

interface SectionRow {
  section_id: string;
  school_id: string;
  school_year_id: string;
  name: string;
  time_zone: string;
  start_date: string;
  end_date_exclusive: string;
  teaches: boolean;
}

/** The section, if the principal may take its attendance (teaches it, or has its school or district). */
async function sectionFor(db: Kysely<DB>, principal: StaffPrincipal, sectionId: string): Promise<SectionRow> {
  const schools = principal.grants.flatMap((grant) =>
    grant.scope === 'school' && grant.schoolId && grant.role !== 'analyst' ? [grant.schoolId] : [],
  );
  const district = principal.grants.some((grant) => grant.scope === 'district' && grant.role !== 'analyst');
  const { rows } = await sql<SectionRow>`
    SELECT s.section_id, s.school_id, s.school_year_id, s.name, d.time_zone, sy.start_date::text AS start_date,
      sy.end_date_exclusive::text AS end_date_exclusive,
      EXISTS (SELECT 1 FROM section_staff ss WHERE ss.district_id = s.district_id AND ss.section_id = s.section_id
        AND ss.user_id = ${principal.userId}) AS teaches
    FROM sections s
    JOIN districts d ON d.district_id = s.district_id
    JOIN school_years sy ON sy.district_id = s.district_id AND sy.school_year_id = s.school_year_id
    WHERE s.district_id = ${principal.districtId} AND s.section_id = ${sectionId}`.execute(db);
  const section = rows[0];
  const allowed = section && (section.teaches || district || schools.includes(section.school_id));
  if (!section || !allowed) throw new AppError('NOT_FOUND', { message: 'No such section among yours.' });
  return section;
}

/**
 * Checks the date: a school day of the section's school, up to today; today only for a teacher
 * (in the district's time zone), earlier days also for those who correct.
 */
async function checkDate(
  db: Kysely<DB>,
  principal: StaffPrincipal,
  section: SectionRow,
  date: string,
  today: string,
): Promise<void> {
  if (date > today)
    throw new AppError('INVALID_INPUT', {
      message: `${date} is in the future: attendance is taken on the day.`,
    });
  if (date < section.start_date || date >= section.end_date_exclusive) {
    throw new AppError('INVALID_INPUT', { message: `${date} is outside this section's school year.` });
  }
  if (date !== today && !hasAnyRole(principal, CORRECTORS)) {
    throw new AppError('FORBIDDEN', {
      message: `Teachers take and correct attendance on the day (today is ${today}); ask the attendance office to correct ${date}.`,
    });
  }
  const { rows } = await sql<{ school_day: boolean }>`
    SELECT EXISTS (SELECT 1 FROM calendars c JOIN calendar_days cd ON cd.district_id = c.district_id AND cd.calendar_id = c.calendar_id
      WHERE c.district_id = ${principal.districtId} AND c.school_id = ${section.school_id}
        AND c.school_year_id = ${section.school_year_id} AND cd.date = ${date}::date
        AND cd.day_type IN ('instructional', 'makeup')) AS school_day`.execute(db);
  if (!rows[0]?.school_day) {
    throw new AppError('INVALID_INPUT', {
      message: `${date} is not a school day in this school's calendar.`,
    });
  }
}

interface EventRow {
  student_id: string;
  category: string;
  minutes: number | null;
  reason: string | null;
  note: string | null;
  recorded_at: Date;
}

function markOf(studentId: string, event: EventRow | undefined): Mark {
  if (!event) return { studentId, status: 'present' };
  const absent = event.category === 'excused_absence' || event.category === 'unexcused_absence';
  return {
    studentId,
    status: absent ? 'absent' : (event.category as MarkStatus),
    ...(absent ? { excused: event.category === 'excused_absence' } : {}),
    ...(event.minutes !== null ? { minutes: event.minutes } : {}),
    ...(event.reason ? { reason: event.reason as Mark['reason'] } : {}),
    ...(event.note ? { note: event.note } : {}),
  };
}

async function rosterOf(
  db: Kysely<DB> | Transaction<DB>,
  districtId: string,
  sectionId: string,
  date: string,
): Promise<RosterEntry[]> {
  const { rows } = await sql<{ student_id: string; name: string } & Partial<EventRow>>`
    SELECT s.student_id, coalesce(s.preferred_name, s.first_name) || ' ' || s.last_name AS name,
      e.category, e.minutes, e.reason, e.note, e.recorded_at
    FROM section_enrolments se
    JOIN students s ON s.district_id = se.district_id AND s.student_id = se.student_id
    LEFT JOIN attendance_events e ON e.district_id = se.district_id AND e.source_system = ${TAKEN_SOURCE}
      AND e.source_id = ${sectionId} || ':' || ${date} || ':' || se.student_id
    WHERE se.district_id = ${districtId} AND se.section_id = ${sectionId}
      AND se.entry_date <= ${date}::date AND (se.end_date_exclusive IS NULL OR se.end_date_exclusive > ${date}::date)
    ORDER BY s.last_name, s.first_name, s.student_id`.execute(db);
  return rows.map((row) => ({
    studentId: row.student_id,
    name: row.name,
    mark: markOf(row.student_id, row.category ? (row as EventRow) : undefined),
    recordedAt: row.recorded_at ? row.recorded_at.toISOString() : null,
  }));
}

/** The section's roster on a date, with each student's mark. */
export async function sectionRoster(
  db: Kysely<DB>,
  principal: StaffPrincipal,
  sectionId: string,
  date: string,
): Promise<{ section: { sectionId: string; name: string }; date: string; roster: RosterEntry[] }> {
  const section = await sectionFor(db, principal, sectionId);
  return {
    section: { sectionId, name: section.name },
    date,
    roster: await rosterOf(db, principal.districtId, sectionId, date),
  };
}

function categoryOf(mark: Mark): string | null {
  switch (mark.status) {
    case 'present':
      return null;
    case 'absent':
      return mark.excused ? 'excused_absence' : 'unexcused_absence';
    default:
      return mark.status;
  }
}

/** Sets marks for a section and day; returns the roster as it now stands and how many marks changed. */
export async function takeAttendance(
  db: Kysely<DB>,
  principal: StaffPrincipal,
  sectionId: string,
  date: string,
  marks: readonly Mark[],
  options: { readonly today?: string } = {},
): Promise<{ changed: number; roster: RosterEntry[] }> {
  const section = await sectionFor(db, principal, sectionId);
  const seen = new Set<string>();
  for (const mark of marks) {
    if (seen.has(mark.studentId)) {
      throw new AppError('INVALID_INPUT', {
        message: `Student ${mark.studentId} is marked twice; send one mark per student.`,
      });
    }
    seen.add(mark.studentId);
    if ((mark.status === 'tardy' || mark.status === 'early_departure') && mark.minutes === undefined) {
      throw new AppError('INVALID_INPUT', {
        message: `A ${mark.status.replace('_', ' ')} mark needs minutes (student ${mark.studentId}).`,
      });
    }
    if (mark.status !== 'absent' && mark.excused !== undefined) {
      throw new AppError('INVALID_INPUT', {
        message: `Only an absence is excused or not (student ${mark.studentId}).`,
      });
    }
  }
  await checkDate(db, principal, section, date, options.today ?? todayIn(section.time_zone));
  return db.transaction().execute(async (trx) => {
    const before = new Map(
      (await rosterOf(trx, principal.districtId, sectionId, date)).map((entry) => [entry.studentId, entry]),
    );
    const strangers = marks.filter((mark) => !before.has(mark.studentId)).map((mark) => mark.studentId);
    if (strangers.length > 0) {
      throw new AppError('INVALID_INPUT', {
        message: `Not on this section's roster on ${date}: ${strangers.join(', ')}.`,
      });
    }
    let changed = 0;
    for (const mark of marks) {
      const previous = before.get(mark.studentId)?.mark;
      const category = categoryOf(mark);
      // The mark as it will read back, so "no change" compares like with like.
      const nextMark = markOf(
        mark.studentId,
        category === null
          ? undefined
          : {
              student_id: mark.studentId,
              category,
              minutes: mark.minutes ?? null,
              reason: mark.reason ?? null,
              note: mark.note ?? null,
              recorded_at: new Date(),
            },
      );
      if (JSON.stringify(previous) === JSON.stringify(nextMark)) continue;
      const sourceId = `${sectionId}:${date}:${mark.studentId}`;
      if (category === null) {
        await sql`DELETE FROM attendance_events WHERE district_id = ${principal.districtId}
          AND source_system = ${TAKEN_SOURCE} AND source_id = ${sourceId}`.execute(trx);
      } else {
        await sql`
          INSERT INTO attendance_events (district_id, student_id, school_id, date, section_id, category, minutes, reason,
            is_excused, note, source_system, source_id, recorded_by, recorded_at)
          VALUES (${principal.districtId}, ${mark.studentId}, ${section.school_id}, ${date}, ${sectionId}, ${category},
            ${mark.minutes ?? null}, ${mark.reason ?? null},
            ${mark.status === 'absent' ? (mark.excused ?? false) : null}, ${mark.note ?? null}, ${TAKEN_SOURCE},
            ${sourceId}, ${principal.userId}, now())
          ON CONFLICT (district_id, source_system, source_id) DO UPDATE SET category = excluded.category,
            minutes = excluded.minutes, reason = excluded.reason, is_excused = excluded.is_excused, note = excluded.note,
            recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at`.execute(trx);
      }
      await sql`
        INSERT INTO attendance_mark_history (district_id, section_id, student_id, date, previous_mark, new_mark, changed_by)
        VALUES (${principal.districtId}, ${sectionId}, ${mark.studentId}, ${date}, ${JSON.stringify(previous ?? null)},
          ${JSON.stringify(nextMark)}, ${principal.userId})`.execute(trx);
      changed += 1;
    }
    return { changed, roster: await rosterOf(trx, principal.districtId, sectionId, date) };
  });
}

/**
 * Records a whole-day absence that a family reported (a reply staff confirmed), with its
 * source, so the attendance record shows where it came from. Idempotent by `sourceId`.
 * Throws INVALID_INPUT when the student is not enrolled on that date.
 */
export async function recordReportedAbsence(
  db: Kysely<DB> | Transaction<DB>,
  absence: {
    readonly districtId: string;
    readonly studentId: string;
    readonly date: string;
    readonly excused: boolean;
    readonly reason: MarkReason;
    readonly note: string;
    readonly sourceSystem: string;
    readonly sourceId: string;
    readonly recordedBy: string;
  },
): Promise<void> {
  const { rows } = await sql<{ school_id: string }>`
    SELECT es.school_id FROM enrolment_spans es
    WHERE es.district_id = ${absence.districtId} AND es.student_id = ${absence.studentId}
      AND es.entry_date <= ${absence.date}::date AND (es.end_date_exclusive IS NULL OR es.end_date_exclusive > ${absence.date}::date)
    ORDER BY es.is_primary DESC LIMIT 1`.execute(db);
  const schoolId = rows[0]?.school_id;
  if (!schoolId) {
    throw new AppError('INVALID_INPUT', {
      message: `The student is not enrolled on ${absence.date}, so no absence can be recorded.`,
    });
  }
  await sql`
    INSERT INTO attendance_events (district_id, student_id, school_id, date, category, reason, is_excused, note,
      source_system, source_id, recorded_by)
    VALUES (${absence.districtId}, ${absence.studentId}, ${schoolId}, ${absence.date},
      ${absence.excused ? 'excused_absence' : 'unexcused_absence'}, ${absence.reason}, ${absence.excused},
      ${absence.note.slice(0, 500)}, ${absence.sourceSystem}, ${absence.sourceId}, ${absence.recordedBy})
    ON CONFLICT (district_id, source_system, source_id) DO UPDATE SET category = excluded.category,
      reason = excluded.reason, is_excused = excluded.is_excused, recorded_by = excluded.recorded_by,
      recorded_at = now()`.execute(db);
}
