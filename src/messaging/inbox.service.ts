/**
 * The staff inbox: families' replies not yet handled — texts, emails, keypad choices and what
 * families send from the portal — for the students a staff member may see. Staff record a
 * reported absence from a reply (with its audit trail) or mark the reply handled. The API and
 * the inbox page both use these.
 */
import { type Kysely, sql } from 'kysely';
import { type MarkReason, recordReportedAbsence } from '../attendance/take-attendance.ts';
import type { DB } from '../platform/db/types.ts';
import { AppError } from '../platform/errors.ts';
import type { StaffPrincipal } from '../staff/staff-principal.ts';
import { isStudentVisible, visibleStudent } from '../staff/student-scope.ts';

export interface InboxItem {
  readonly inbound_id: string;
  readonly channel: string;
  readonly from_address: string;
  readonly body: string;
  readonly translated_body: string | null;
  readonly intent: {
    intent?: string;
    barrier?: string;
    studentId?: string;
    date?: string;
    until?: string;
    reason?: string;
    kind?: string;
    source?: string;
  } | null;
  readonly received_at: Date;
  readonly contact_id: string;
  readonly contact_name: string;
  readonly students: { studentId: string; name: string }[] | null;
}

/** Open replies from families of students the reader may see, newest first. */
export async function listInbox(db: Kysely<DB>, principal: StaffPrincipal, limit = 50): Promise<InboxItem[]> {
  const { rows } = await sql<InboxItem>`
    SELECT i.inbound_id, i.channel, i.from_address, i.body, i.translated_body, i.intent, i.received_at, i.contact_id,
      c.first_name || ' ' || c.last_name AS contact_name,
      (SELECT json_agg(json_build_object('studentId', s.student_id, 'name', s.first_name || ' ' || s.last_name))
        FROM student_contacts sc JOIN students s ON s.district_id = sc.district_id AND s.student_id = sc.student_id
        WHERE sc.district_id = i.district_id AND sc.contact_id = i.contact_id
          AND ${visibleStudent(principal, sql.ref('sc.student_id'))}) AS students
    FROM inbound_messages i JOIN contacts c ON c.district_id = i.district_id AND c.contact_id = i.contact_id
    WHERE i.district_id = ${principal.districtId} AND i.handled_at IS NULL
      AND EXISTS (SELECT 1 FROM student_contacts sc WHERE sc.district_id = i.district_id AND sc.contact_id = i.contact_id
        AND ${visibleStudent(principal, sql.ref('sc.student_id'))})
    ORDER BY i.received_at DESC LIMIT ${limit}`.execute(db);
  return rows;
}

/** Marks an open reply handled; NOT_FOUND when it is not open or not the reader's to see. */
export async function markReplyHandled(
  db: Kysely<DB>,
  principal: StaffPrincipal,
  inboundId: string,
): Promise<void> {
  const result = await sql`
    UPDATE inbound_messages i SET handled_at = now(), handled_by = ${principal.userId}
    WHERE i.district_id = ${principal.districtId} AND i.inbound_id = ${inboundId} AND i.handled_at IS NULL
      AND EXISTS (SELECT 1 FROM student_contacts sc WHERE sc.district_id = i.district_id AND sc.contact_id = i.contact_id
        AND ${visibleStudent(principal, sql.ref('sc.student_id'))})`.execute(db);
  if (Number(result.numAffectedRows ?? 0) === 0)
    throw new AppError('NOT_FOUND', { message: 'No such open reply.' });
}

/** The attendance reason a barrier family suggests when staff give none. */
const REASON_FOR_BARRIER: Readonly<Record<string, MarkReason>> = {
  health: 'illness',
  logistics: 'transport',
  family_circumstances: 'family',
  school: 'other',
};

/**
 * Records the absence a family reported in a reply, for one student on one date, excused or
 * not as staff decide (the reason: staff's, the one the family chose, or the barrier's), marks
 * the reply handled and writes the audit entry.
 */
export async function recordAbsenceFromReply(
  db: Kysely<DB>,
  principal: StaffPrincipal,
  inboundId: string,
  absence: {
    readonly studentId: string;
    readonly date: string;
    readonly excused: boolean;
    readonly reason?: MarkReason | undefined;
  },
) {
  const { studentId, date, excused } = absence;
  if (!(await isStudentVisible(db, principal, studentId)))
    throw new AppError('NOT_FOUND', { message: 'No such student.' });
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{
      body: string;
      channel: string;
      intent: { barrier?: string; reason?: string };
    }>`
      SELECT i.body, i.channel, i.intent FROM inbound_messages i
      JOIN student_contacts sc ON sc.district_id = i.district_id AND sc.contact_id = i.contact_id AND sc.student_id = ${studentId}
      WHERE i.district_id = ${principal.districtId} AND i.inbound_id = ${inboundId}
      FOR UPDATE OF i`.execute(trx);
    const found = rows[0];
    if (!found) throw new AppError('NOT_FOUND', { message: "No such reply from this student's family." });
    const reason =
      absence.reason ??
      (found.intent.reason as MarkReason | undefined) ??
      REASON_FOR_BARRIER[found.intent.barrier ?? ''] ??
      'unknown';
    await recordReportedAbsence(trx, {
      districtId: principal.districtId,
      studentId,
      date,
      excused,
      reason,
      note: `Reported by the family (${found.channel}): ${found.body}`,
      sourceSystem: 'family-reply',
      sourceId: `${inboundId}:${studentId}:${date}`,
      recordedBy: principal.userId,
    });
    await sql`UPDATE inbound_messages SET handled_at = coalesce(handled_at, now()), handled_by = coalesce(handled_by, ${principal.userId})
      WHERE district_id = ${principal.districtId} AND inbound_id = ${inboundId}`.execute(trx);
    await sql`
      INSERT INTO audit_log (district_id, actor_type, actor_id, actor_role, student_id, action, target_type, target_id, outcome, detail)
      VALUES (${principal.districtId}, 'staff', ${principal.userId}, ${principal.roles[0] ?? null}, ${studentId},
        'attendance.record-from-reply', 'inbound_message', ${inboundId}, 'allowed',
        ${JSON.stringify({ date, excused, reason })})`.execute(trx);
    return {
      inboundId,
      studentId,
      date,
      category: excused ? 'excused_absence' : 'unexcused_absence',
      reason,
    };
  });
}
