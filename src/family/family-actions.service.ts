/**
 * What a family does in the portal: tell the school about an absence (today or ahead of time),
 * answer "my child is at school", write to the school, ask for help, and set their preferences.
 *
 * Reports and messages become replies in the staff inbox (`inbound_messages`, channel
 * 'portal'), exactly like a text or an email from the family: staff confirm an absence into
 * the attendance record (with its audit trail) from there, as they do for a texted reason. The
 * intent is not guessed from words here: the family chose it, so it is stored as chosen. Each
 * form carries a request id, so sending it twice (a double tap, a retry on a bad connection)
 * records it once. Asking for help also opens a task for the student's counselor.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import { MARK_REASONS, type MarkReason } from '../attendance/take-attendance.ts';
import { resolveLanguage } from '../messaging/content/languages.ts';
import { recogniseReply } from '../messaging/intent/reply-intent.ts';
import type { Channel } from '../messaging/providers/provider.ts';
import { setConsent } from '../messaging/send-message.job.ts';
import { TRANSLATE_REPLY } from '../messaging/translate-reply.job.ts';
import { addDays } from '../platform/dates.ts';
import type { DB } from '../platform/db/types.ts';
import { AppError } from '../platform/errors.ts';
import type { JobSender } from '../platform/jobs/job.ts';
import { districtToday } from '../roster/district.repository.ts';
import { checkAttachment, storeAttachment } from './attachments.service.ts';
import { familyChildren } from './family.repository.ts';
import type { FamilyPrincipal } from './family-auth.service.ts';
import { portalLink } from './portal-rights.ts';

/** The reasons a family may give (what the attendance record calls them). */
export const FAMILY_REASONS: readonly MarkReason[] = MARK_REASONS.filter((reason) =>
  ['illness', 'medical', 'family', 'transport', 'religious', 'bereavement', 'other'].includes(reason),
);

/** The barriers a family may name, each mapped to the barrier family of DOMAIN.md §5. */
export const FAMILY_BARRIERS = {
  transportation: 'logistics',
  health: 'health',
  housing: 'logistics',
  childcare: 'logistics',
  work: 'logistics',
  school_climate: 'school',
  basic_needs: 'family_circumstances',
  other: null,
} as const;
export type FamilyBarrier = keyof typeof FAMILY_BARRIERS;

export const REPORT_KINDS = ['absent', 'late', 'early'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** How far ahead a family may report (a planned absence, a surgery). */
export const REPORT_AHEAD_DAYS = 60;
/** The longest absence one report covers; longer ones need a conversation with the school. */
export const REPORT_MAX_SPAN_DAYS = 21;
export const NOTE_MAX = 1000;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function invalid(field: string, message: string, userMessageKey: string): AppError {
  return new AppError('INVALID_INPUT', {
    message,
    userMessageKey,
    details: { fields: [{ field, message }] },
  });
}

/** A child of this family, or NOT_FOUND (whether or not the student exists elsewhere). */
export async function requireChild(db: Kysely<DB>, principal: FamilyPrincipal, studentId: string) {
  const child = /^[0-9a-f-]{36}$/.test(studentId)
    ? (await familyChildren(db, principal, studentId))[0]
    : undefined;
  if (!child)
    throw new AppError('NOT_FOUND', { message: 'No such child.', userMessageKey: 'error.notFound' });
  return child;
}

interface PortalReply {
  readonly studentId: string | null;
  readonly requestId: string;
  /** What staff read in the inbox: the family's words, or a summary of what they chose. */
  readonly body: string;
  readonly intent: Record<string, unknown>;
  readonly action: string;
}

/** Stores a portal reply once per request id; true when it was new. Audited as the guardian. */
async function recordPortalReply(
  trx: Transaction<DB>,
  principal: FamilyPrincipal,
  reply: PortalReply,
  queue: JobSender | undefined,
  translate: boolean,
): Promise<{ inboundId: string; created: boolean }> {
  const guardian = principal.guardians[0];
  const inserted = await sql<{ inbound_id: string }>`
    INSERT INTO inbound_messages (district_id, provider, provider_message_id, channel, from_address, to_address, body,
      contact_id, intent)
    VALUES (${principal.districtId}, 'portal', ${reply.requestId}, 'portal', ${principal.address.address}, 'portal',
      ${reply.body}, ${guardian?.contactId ?? null}, ${JSON.stringify({ ...reply.intent, source: 'portal' })})
    ON CONFLICT (district_id, provider, provider_message_id) DO NOTHING
    RETURNING inbound_id`.execute(trx);
  const row = inserted.rows[0];
  if (!row) {
    const existing = await sql<{ inbound_id: string }>`SELECT inbound_id FROM inbound_messages
      WHERE district_id = ${principal.districtId} AND provider = 'portal' AND provider_message_id = ${reply.requestId}`.execute(
      trx,
    );
    return { inboundId: existing.rows[0]?.inbound_id ?? '', created: false };
  }
  await sql`
    INSERT INTO audit_log (district_id, actor_type, actor_id, student_id, action, target_type, target_id, outcome, detail)
    VALUES (${principal.districtId}, 'guardian', ${guardian?.contactId ?? null}, ${reply.studentId}, ${reply.action},
      'inbound_message', ${row.inbound_id}, 'allowed', ${JSON.stringify({ address: principal.address.kind })})`.execute(
    trx,
  );
  if (translate && queue) {
    await queue.send(
      TRANSLATE_REPLY,
      { districtId: principal.districtId, inboundId: row.inbound_id },
      { trx },
    );
  }
  return { inboundId: row.inbound_id, created: true };
}

/** INVALID_INPUT unless a form's request id (which makes sending it twice harmless) is a UUID. */
export function checkRequestId(requestId: string): void {
  if (!/^[0-9a-f-]{36}$/.test(requestId)) {
    throw invalid('body.requestId', 'The form is out of date: open it again.', 'error.title');
  }
}

function checkNote(note: string | undefined, field = 'body.note'): string {
  const text = (note ?? '').trim();
  if (text.length > NOTE_MAX) throw invalid(field, `is longer than ${NOTE_MAX} characters`, 'error.tooLong');
  return text;
}

export interface AbsenceReport {
  readonly studentId: string;
  readonly requestId: string;
  readonly kind: ReportKind;
  readonly date: string;
  readonly until?: string | undefined;
  readonly time?: string | undefined;
  readonly reason: string;
  readonly barrier?: string | undefined;
  readonly note?: string | undefined;
  /** A photo of a note (a picture or a PDF, at most 5 MB), kept with the report. */
  readonly photo?: Buffer | undefined;
}

/**
 * A family tells the school about an absence, a late arrival or an early departure, for today
 * or a day ahead (up to REPORT_AHEAD_DAYS). It lands in the staff inbox with the date, reason
 * and barrier chosen, for staff to record.
 */
export async function reportAbsence(
  db: Kysely<DB>,
  queue: JobSender | undefined,
  principal: FamilyPrincipal,
  report: AbsenceReport,
  now = new Date(),
): Promise<{ inboundId: string; created: boolean; childName: string }> {
  checkRequestId(report.requestId);
  const child = await requireChild(db, principal, report.studentId);
  if (!REPORT_KINDS.includes(report.kind as ReportKind))
    throw invalid('body.kind', `must be one of ${REPORT_KINDS.join(', ')}`, 'report.kind');
  if (!FAMILY_REASONS.includes(report.reason as MarkReason))
    throw invalid('body.reason', `must be one of ${FAMILY_REASONS.join(', ')}`, 'report.reason');
  const barrier = report.barrier ? report.barrier : undefined;
  if (barrier !== undefined && !(barrier in FAMILY_BARRIERS))
    throw invalid(
      'body.barrier',
      `must be one of ${Object.keys(FAMILY_BARRIERS).join(', ')}`,
      'report.barrier',
    );
  const today = await districtToday(db, principal.districtId, now);
  if (!ISO_DATE.test(report.date))
    throw invalid('body.date', 'must be a date like 2027-01-15', 'report.error.dateFormat');
  if (report.date < today || report.date > addDays(today, REPORT_AHEAD_DAYS))
    throw invalid(
      'body.date',
      `must be from ${today} to ${addDays(today, REPORT_AHEAD_DAYS)}`,
      'report.error.date',
    );
  const until = report.kind === 'absent' && report.until ? report.until : undefined;
  if (until !== undefined) {
    if (!ISO_DATE.test(until))
      throw invalid('body.until', 'must be a date like 2027-01-15', 'report.error.dateFormat');
    if (until < report.date || until > addDays(report.date, REPORT_MAX_SPAN_DAYS))
      throw invalid(
        'body.until',
        `must be on or after the first day and at most ${REPORT_MAX_SPAN_DAYS} days later`,
        'report.error.until',
      );
  }
  const time =
    report.kind !== 'absent' && report.time && /^\d{2}:\d{2}$/.test(report.time) ? report.time : undefined;
  const note = checkNote(report.note);
  const photo = report.photo && report.photo.length > 0 ? report.photo : undefined;
  if (photo) checkAttachment(photo);
  const what =
    report.kind === 'absent'
      ? `Absent ${until && until !== report.date ? `from ${report.date} to ${until}` : `on ${report.date}`}`
      : `${report.kind === 'late' ? 'Arriving late' : 'Leaving early'} on ${report.date}${time ? ` at about ${time}` : ''}`;
  const body = `${what} (${report.reason}${barrier ? `; barrier: ${barrier}` : ''}) — reported in the family portal for ${child.name}.${note ? ` ${note}` : ''}${photo ? ' A photo of a note is attached.' : ''}`;
  return db.transaction().execute(async (trx) => {
    const result = await recordPortalReply(
      trx,
      principal,
      {
        studentId: child.studentId,
        requestId: report.requestId,
        body,
        action: 'family.report-absence',
        intent: {
          intent: 'absence_reason',
          studentId: child.studentId,
          kind: report.kind,
          date: report.date,
          ...(until ? { until } : {}),
          ...(time ? { time } : {}),
          reason: report.reason,
          ...(barrier
            ? { barrier: FAMILY_BARRIERS[barrier as FamilyBarrier] ?? undefined, portalBarrier: barrier }
            : {}),
          ...(note ? { note } : {}),
          evidence: [],
        },
      },
      queue,
      note !== '',
    );
    if (photo && result.created) await storeAttachment(trx, principal.districtId, result.inboundId, photo);
    return { ...result, childName: child.name };
  });
}

/** "My child is at school": the answer to a same-day alert, for staff to correct the record. */
export async function answerAtSchool(
  db: Kysely<DB>,
  principal: FamilyPrincipal,
  answer: { readonly studentId: string; readonly requestId: string },
  now = new Date(),
): Promise<{ inboundId: string; created: boolean; childName: string }> {
  checkRequestId(answer.requestId);
  const child = await requireChild(db, principal, answer.studentId);
  const today = await districtToday(db, principal.districtId, now);
  return db.transaction().execute(async (trx) => {
    const result = await recordPortalReply(
      trx,
      principal,
      {
        studentId: child.studentId,
        requestId: answer.requestId,
        body: `${child.name} is at school today (${today}) — answered in the family portal.`,
        action: 'family.answer-at-school',
        intent: { intent: 'at_school', studentId: child.studentId, date: today, evidence: [] },
      },
      undefined,
      false,
    );
    return { ...result, childName: child.name };
  });
}

/** A message from the family to the school, in their own words (translated for staff when set up). */
export async function writeToSchool(
  db: Kysely<DB>,
  queue: JobSender | undefined,
  principal: FamilyPrincipal,
  message: { readonly studentId?: string | undefined; readonly requestId: string; readonly text: string },
): Promise<{ inboundId: string; created: boolean }> {
  checkRequestId(message.requestId);
  const text = checkNote(message.text, 'body.text');
  if (text === '') throw invalid('body.text', 'is empty', 'messages.error.empty');
  const child = message.studentId ? await requireChild(db, principal, message.studentId) : undefined;
  const read = recogniseReply(text);
  // Typing STOP in the portal is not a request to stop texts; the settings page does that.
  const intent =
    read.intent === 'opt_out' || read.intent === 'opt_in' || read.intent === 'help_keyword'
      ? 'unknown'
      : read.intent;
  return db.transaction().execute((trx) =>
    recordPortalReply(
      trx,
      principal,
      {
        studentId: child?.studentId ?? null,
        requestId: message.requestId,
        body: text,
        action: 'family.write',
        intent: { ...read, intent, ...(child ? { studentId: child.studentId } : {}) },
      },
      queue,
      true,
    ),
  );
}

/**
 * Asking for help: the barrier goes to the staff inbox and a task for the child's counselor
 * (due in two days), so a person follows up.
 */
export async function askForHelp(
  db: Kysely<DB>,
  queue: JobSender | undefined,
  principal: FamilyPrincipal,
  request: {
    readonly studentId: string;
    readonly requestId: string;
    readonly barrier: string;
    readonly note?: string;
  },
  now = new Date(),
): Promise<{ inboundId: string; created: boolean }> {
  checkRequestId(request.requestId);
  const child = await requireChild(db, principal, request.studentId);
  if (!(request.barrier in FAMILY_BARRIERS))
    throw invalid(
      'body.barrier',
      `must be one of ${Object.keys(FAMILY_BARRIERS).join(', ')}`,
      'help.barrier',
    );
  const barrier = request.barrier as FamilyBarrier;
  const note = checkNote(request.note);
  const today = await districtToday(db, principal.districtId, now);
  return db.transaction().execute(async (trx) => {
    const result = await recordPortalReply(
      trx,
      principal,
      {
        studentId: child.studentId,
        requestId: request.requestId,
        body: `Asked for help with ${barrier.replace('_', ' ')} for ${child.name} in the family portal.${note ? ` ${note}` : ''}`,
        action: 'family.ask-for-help',
        intent: {
          intent: 'help_request',
          studentId: child.studentId,
          ...(FAMILY_BARRIERS[barrier] ? { barrier: FAMILY_BARRIERS[barrier] } : {}),
          portalBarrier: barrier,
          ...(note ? { note } : {}),
          evidence: [],
        },
      },
      queue,
      note !== '',
    );
    if (result.created) {
      await sql`
        INSERT INTO tasks (district_id, student_id, school_id, title, assignee_role, due_date, why, source)
        VALUES (${principal.districtId}, ${child.studentId}, ${child.schoolId},
          ${`Call ${child.name}'s family: they asked for help (${barrier.replace('_', ' ')})`}, 'counselor',
          ${addDays(today, 2)}, ${`The family asked for help in the portal on ${today}.${note ? ` They wrote: "${note.slice(0, 300)}"` : ''}`},
          ${`portal:${result.inboundId}`})`.execute(trx);
    }
    return result;
  });
}

export const PREFERRED_CHANNELS = ['sms', 'voice', 'email'] as const;
export const CONSENT_CHANNELS: readonly Channel[] = ['sms', 'voice', 'email'];

export interface FamilyPreferences {
  readonly language: string;
  readonly channel: (typeof PREFERRED_CHANNELS)[number];
  /** The channel for messages other than alerts; null: the same as `channel`. */
  readonly newsChannel: (typeof PREFERRED_CHANNELS)[number] | null;
  readonly windowStart: string | null;
  readonly windowEnd: string | null;
  /** The channels the family agrees to get messages on; the others are opted out. */
  readonly consents: readonly Channel[];
  /**
   * Which messages about each child this household gets (two households of one child may split
   * them): attendance alerts, and everything else. Children left out keep what they had.
   */
  readonly routing: readonly {
    readonly studentId: string;
    readonly alerts: boolean;
    readonly other: boolean;
  }[];
}

/** The preferences as stored for the first guardian (they are saved for all of them together). */
export async function loadPreferences(
  db: Kysely<DB>,
  principal: FamilyPrincipal,
): Promise<FamilyPreferences> {
  const guardian = principal.guardians[0];
  const { rows } = await sql<{
    preferred_language: string;
    preferred_channel: string;
    news_channel: string | null;
    start: string | null;
    end: string | null;
    opted_out: string[] | null;
  }>`
    SELECT c.preferred_language, c.preferred_channel, c.news_channel, to_char(c.contact_window_start, 'HH24:MI') AS start,
      to_char(c.contact_window_end, 'HH24:MI') AS end,
      (SELECT array_agg(cc.channel) FROM contact_consents cc WHERE cc.district_id = c.district_id
        AND cc.contact_id = c.contact_id AND cc.status = 'opted_out') AS opted_out
    FROM contacts c WHERE c.district_id = ${principal.districtId} AND c.contact_id = ${guardian?.contactId ?? null}`.execute(
    db,
  );
  const row = rows[0];
  const optedOut = new Set(row?.opted_out ?? []);
  const routing = await sql<{ student_id: string; alerts: boolean; other: boolean }>`
    SELECT sc.student_id, bool_or(sc.receives_attendance_messages) AS alerts, bool_or(sc.receives_other_messages) AS other
    FROM student_contacts sc
    WHERE sc.district_id = ${principal.districtId} AND sc.contact_id IN (${sql.join(principal.guardians.map((g) => sql`${g.contactId}::uuid`))})
      AND ${portalLink(sql.ref('sc'))}
    GROUP BY sc.student_id`.execute(db);
  return {
    routing: routing.rows.map((r) => ({ studentId: r.student_id, alerts: r.alerts, other: r.other })),
    language: resolveLanguage(row?.preferred_language ?? 'en'),
    channel: (PREFERRED_CHANNELS as readonly string[]).includes(row?.preferred_channel ?? '')
      ? (row?.preferred_channel as FamilyPreferences['channel'])
      : 'sms',
    newsChannel: (PREFERRED_CHANNELS as readonly string[]).includes(row?.news_channel ?? '')
      ? (row?.news_channel as FamilyPreferences['channel'])
      : null,
    windowStart: row?.start ?? null,
    windowEnd: row?.end ?? null,
    consents: CONSENT_CHANNELS.filter((channel) => !optedOut.has(channel)),
  };
}

/**
 * Saves the family's preferences on every guardian record holding the signed-in address.
 * Unticking a channel opts out of it (recorded with source 'portal'); ticking it again opts
 * back in. Choosing voice also tells staff the family may prefer not to read.
 */
export async function savePreferences(
  db: Kysely<DB>,
  principal: FamilyPrincipal,
  preferences: FamilyPreferences,
): Promise<void> {
  if (!(PREFERRED_CHANNELS as readonly string[]).includes(preferences.channel))
    throw invalid('body.channel', `must be one of ${PREFERRED_CHANNELS.join(', ')}`, 'settings.channel');
  if (
    preferences.newsChannel !== null &&
    !(PREFERRED_CHANNELS as readonly string[]).includes(preferences.newsChannel)
  )
    throw invalid('body.newsChannel', `must be one of ${PREFERRED_CHANNELS.join(', ')}`, 'settings.channel');
  const time = /^([01]\d|2[0-3]):[0-5]\d$/;
  const start = preferences.windowStart || null;
  const end = preferences.windowEnd || null;
  if ((start === null) !== (end === null) || (start && !time.test(start)) || (end && !time.test(end)))
    throw invalid('body.windowStart', 'give both times (HH:MM), or neither', 'settings.error.quiet');
  const language = resolveLanguage(preferences.language);
  await db.transaction().execute(async (trx) => {
    for (const guardian of principal.guardians) {
      await sql`UPDATE contacts SET preferred_language = ${language}, preferred_channel = ${preferences.channel},
          news_channel = ${preferences.newsChannel === preferences.channel ? null : preferences.newsChannel},
          contact_window_start = ${start}::time, contact_window_end = ${end}::time, updated_at = now()
        WHERE district_id = ${principal.districtId} AND contact_id = ${guardian.contactId}`.execute(trx);
      const current = await sql<{
        channel: string;
        status: string;
      }>`SELECT channel, status FROM contact_consents
        WHERE district_id = ${principal.districtId} AND contact_id = ${guardian.contactId}`.execute(trx);
      const status = new Map(current.rows.map((row) => [row.channel, row.status]));
      for (const choice of preferences.routing) {
        await sql`UPDATE student_contacts SET receives_attendance_messages = ${choice.alerts},
            receives_other_messages = ${choice.other}
          WHERE district_id = ${principal.districtId} AND contact_id = ${guardian.contactId}
            AND student_id = ${choice.studentId} AND ${portalLink(sql.ref('student_contacts'))}`.execute(trx);
      }
      for (const channel of CONSENT_CHANNELS) {
        const wanted = preferences.consents.includes(channel);
        const was = status.get(channel);
        if (!wanted && was !== 'opted_out')
          await setConsent(trx, principal.districtId, guardian.contactId, channel, 'opted_out', 'portal');
        if (wanted && was === 'opted_out')
          await setConsent(trx, principal.districtId, guardian.contactId, channel, 'granted', 'portal');
      }
    }
    await sql`
      INSERT INTO audit_log (district_id, actor_type, actor_id, action, target_type, target_id, outcome, detail)
      VALUES (${principal.districtId}, 'guardian', ${principal.guardians[0]?.contactId ?? null}, 'family.preferences',
        'contact', ${principal.guardians[0]?.contactId ?? null}, 'allowed',
        ${JSON.stringify({ language, channel: preferences.channel, consents: preferences.consents, routing: preferences.routing })})`.execute(
      trx,
    );
  });
}
