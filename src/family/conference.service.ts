/**
 * Conferences a family books: staff offer a few times to meet about a student (each a slot
 * with its host, length and mode); a guardian who may use the portal for that student books
 * one, and the other offered times are released. Booking is one conditional update, so two
 * guardians (or two taps) cannot both book, and a slot in the past cannot be booked.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import { AppError } from '../platform/errors.ts';
import type { StaffPrincipal } from '../staff/staff-principal.ts';
import { isStudentVisible } from '../staff/student-scope.ts';
import { familyChildCondition } from './family.repository.ts';
import type { FamilyPrincipal } from './family-auth.service.ts';

export const CONFERENCE_MODES = ['in_person', 'phone', 'video'] as const;
export type ConferenceMode = (typeof CONFERENCE_MODES)[number];
/** At most this many times in one offer: enough to choose, few enough to read on a phone. */
export const MAX_SLOTS_PER_OFFER = 6;

export interface ConferenceSlot {
  readonly slotId: string;
  readonly studentId: string;
  readonly hostName: string;
  readonly startsAt: Date;
  readonly minutes: number;
  readonly mode: ConferenceMode;
  readonly location: string | null;
  readonly status: 'offered' | 'booked' | 'released' | 'cancelled';
  readonly bookedBy: string | null;
}

interface SlotRow {
  slot_id: string;
  student_id: string;
  host_name: string;
  starts_at: Date;
  minutes: number;
  mode: ConferenceMode;
  location: string | null;
  status: ConferenceSlot['status'];
  booked_by: string | null;
}

function toSlot(row: SlotRow): ConferenceSlot {
  return {
    slotId: row.slot_id,
    studentId: row.student_id,
    hostName: row.host_name,
    startsAt: row.starts_at,
    minutes: row.minutes,
    mode: row.mode,
    location: row.location,
    status: row.status,
    bookedBy: row.booked_by,
  };
}

/** Offers times to meet about a student the staff member may see. Each must be in the future. */
export async function offerConferenceSlots(
  db: Kysely<DB>,
  principal: StaffPrincipal,
  studentId: string,
  slots: readonly {
    startsAt: string;
    minutes: number;
    mode: ConferenceMode;
    location?: string | undefined;
  }[],
  now = new Date(),
): Promise<ConferenceSlot[]> {
  if (!(await isStudentVisible(db, principal, studentId)))
    throw new AppError('NOT_FOUND', { message: 'No such student.' });
  const past = slots
    .map((slot, index) => ({ index, at: new Date(slot.startsAt) }))
    .filter(({ at }) => Number.isNaN(at.getTime()) || at <= now);
  if (past.length > 0) {
    throw new AppError('INVALID_INPUT', {
      message: `Every time offered must be in the future: ${past.map(({ index }) => `slots[${index}]`).join(', ')} ${past.length === 1 ? 'is' : 'are'} not.`,
      details: {
        fields: past.map(({ index }) => ({
          field: `body.slots.${index}.startsAt`,
          message: 'is not in the future',
        })),
      },
    });
  }
  return db.transaction().execute(async (trx) => {
    const out: ConferenceSlot[] = [];
    for (const slot of slots) {
      const { rows } = await sql<SlotRow>`
        INSERT INTO conference_slots (district_id, student_id, school_id, host_user_id, host_name, starts_at, minutes, mode,
          location, created_by)
        SELECT ${principal.districtId}, ${studentId},
          (SELECT es.school_id FROM enrolment_spans es WHERE es.district_id = ${principal.districtId} AND es.student_id = ${studentId}
            ORDER BY es.end_date_exclusive IS NULL DESC, es.entry_date DESC LIMIT 1),
          ${principal.userId}, ${principal.displayName}, ${slot.startsAt}::timestamptz, ${slot.minutes}, ${slot.mode},
          ${slot.location?.trim() || null}, ${principal.userId}
        RETURNING slot_id, student_id, host_name, starts_at, minutes, mode, location, status, booked_by`.execute(
        trx,
      );
      out.push(toSlot(rows[0] as SlotRow));
    }
    return out;
  });
}

/** Every slot offered for a student (for staff), soonest first. */
export async function studentConferenceSlots(
  db: Kysely<DB>,
  principal: StaffPrincipal,
  studentId: string,
): Promise<ConferenceSlot[]> {
  if (!(await isStudentVisible(db, principal, studentId)))
    throw new AppError('NOT_FOUND', { message: 'No such student.' });
  const { rows } = await sql<SlotRow>`
    SELECT slot_id, student_id, host_name, starts_at, minutes, mode, location, status, booked_by FROM conference_slots
    WHERE district_id = ${principal.districtId} AND student_id = ${studentId} ORDER BY starts_at`.execute(db);
  return rows.map(toSlot);
}

/** What the family sees for a child: the upcoming booked meeting, or the times still offered. */
export async function familyConferenceSlots(
  db: Kysely<DB>,
  principal: FamilyPrincipal,
  studentId: string,
  now = new Date(),
): Promise<{ booked: ConferenceSlot | null; offered: ConferenceSlot[] }> {
  const { rows } = await sql<SlotRow>`
    SELECT slot_id, student_id, host_name, starts_at, minutes, mode, location, status, booked_by FROM conference_slots c
    WHERE c.district_id = ${principal.districtId} AND c.student_id = ${studentId} AND c.starts_at > ${now}
      AND c.status IN ('offered', 'booked') AND ${familyChildCondition(principal, sql.ref('c.student_id'))}
    ORDER BY c.starts_at`.execute(db);
  const slots = rows.map(toSlot);
  return {
    booked: slots.find((slot) => slot.status === 'booked') ?? null,
    offered: slots.filter((slot) => slot.status === 'offered'),
  };
}

/**
 * Books an offered time for a child of this family and releases the child's other offered
 * times. CONFLICT when the time is gone (booked, released, cancelled or past).
 */
export async function bookConferenceSlot(
  db: Kysely<DB>,
  principal: FamilyPrincipal,
  studentId: string,
  slotId: string,
  now = new Date(),
): Promise<ConferenceSlot> {
  const guardian = principal.guardians[0];
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<SlotRow>`
      UPDATE conference_slots c SET status = 'booked', booked_by = ${guardian?.contactId ?? null}, booked_at = ${now}
      WHERE c.district_id = ${principal.districtId} AND c.slot_id = ${slotId} AND c.student_id = ${studentId}
        AND c.status = 'offered' AND c.starts_at > ${now} AND ${familyChildCondition(principal, sql.ref('c.student_id'))}
      RETURNING slot_id, student_id, host_name, starts_at, minutes, mode, location, status, booked_by`.execute(
      trx,
    );
    const booked = rows[0];
    if (!booked) {
      throw new AppError('CONFLICT', {
        message: 'That time is no longer available.',
        userMessageKey: 'conference.gone',
      });
    }
    await sql`UPDATE conference_slots SET status = 'released'
      WHERE district_id = ${principal.districtId} AND student_id = ${studentId} AND status = 'offered'`.execute(
      trx,
    );
    await sql`
      INSERT INTO audit_log (district_id, actor_type, actor_id, student_id, action, target_type, target_id, outcome, detail)
      VALUES (${principal.districtId}, 'guardian', ${guardian?.contactId ?? null}, ${studentId}, 'family.book-conference',
        'conference_slot', ${slotId}, 'allowed', ${JSON.stringify({ startsAt: booked.starts_at })})`.execute(
      trx,
    );
    return toSlot(booked);
  });
}
