/**
 * Messaging a student's family: one message per guardian who receives attendance messages, on
 * the channel they can use (their preference; a call for a family that does not read; the next
 * channel when one is opted out or has no address), in their language, at the first moment
 * quiet hours and their own window allow — all written to the outbox in one transaction.
 */
import { randomUUID } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import { AppError } from '../platform/errors.ts';
import type { JobSender } from '../platform/jobs/job.ts';
import type { StaffPrincipal } from '../staff/staff-principal.ts';
import { isStudentVisible } from '../staff/student-scope.ts';
import { type LanguageCode, resolveLanguage } from './content/languages.ts';
import { renderTemplate, type TemplateKey, templateVariables } from './content/templates.ts';
import { familyBudgetUsage, SEND_DIGEST } from './digest.job.ts';
import { enqueueMessage } from './outbox.ts';
import type { Channel } from './providers/provider.ts';
import {
  earliestSendTime,
  endOfLocalDay,
  type MessageCategory,
  type SendWindowRules,
} from './send-window.ts';
import type { Translator } from './translation.ts';

export type MessageContent =
  | { readonly template: TemplateKey; readonly values?: Readonly<Record<string, string | number>> }
  | { readonly text: string; readonly subject?: string };

export interface FamilyMessageRequest {
  readonly content: MessageContent;
  readonly category: MessageCategory;
  /** Makes the request safe to repeat: the same key never makes a second message per contact and channel. */
  readonly idempotencyKey?: string;
  /** Only these guardians (default: every guardian who receives attendance messages). */
  readonly contactIds?: readonly string[];
}

export interface PlannedMessage {
  readonly messageId: string;
  readonly created: boolean;
  readonly contactId: string;
  readonly contactName: string;
  readonly channel: Channel;
  readonly language: string;
  readonly notBefore: string;
  readonly body: string;
  /** What staff wrote, when `body` is its machine translation. */
  readonly originalBody?: string;
  /** 'failed': translation was on but did not work, so the family gets the original words. */
  readonly translation?: 'machine' | 'failed';
  /** Over the family's weekly budget: it goes in the next digest instead of on its own. */
  readonly heldForDigest?: boolean;
}

export interface FamilyMessageResult {
  readonly messages: readonly PlannedMessage[];
  /** Guardians who could not be reached, and why (no address, opted out everywhere). */
  readonly unreachable: readonly {
    readonly contactId: string;
    readonly contactName: string;
    readonly reason: string;
  }[];
}

interface StudentContext {
  first_name: string;
  preferred_name: string | null;
  school_name: string | null;
  year_end: string | null;
  district_name: string;
  time_zone: string;
  sms_number: string | null;
  quiet_start: string | null;
  quiet_end: string | null;
  school_day_start: string | null;
  school_day_end: string | null;
  absent_milli: number | null;
  days_attended: number | null;
  days_enrolled: number | null;
  projected_current: number | null;
}

interface ContactRow {
  contact_id: string;
  household_id: string | null;
  first_name: string;
  last_name: string;
  preferred_language: string;
  preferred_channel: Channel;
  reads_text: boolean;
  contact_window_start: string | null;
  contact_window_end: string | null;
  phone: string | null;
  sms_phone: string | null;
  email: string | null;
  opted_out: Channel[] | null;
}

async function studentContext(
  db: Kysely<DB>,
  districtId: string,
  studentId: string,
): Promise<StudentContext> {
  const { rows } = await sql<StudentContext>`
    SELECT s.first_name, s.preferred_name, d.name AS district_name, d.time_zone,
      span.school_name, span.year_end,
      ms.sms_number, ms.quiet_start::text AS quiet_start, ms.quiet_end::text AS quiet_end,
      ms.school_day_start::text AS school_day_start, ms.school_day_end::text AS school_day_end,
      sa.absent_milli, sa.days_attended, sa.days_enrolled, sa.projected_current
    FROM students s
    JOIN districts d ON d.district_id = s.district_id
    LEFT JOIN messaging_settings ms ON ms.district_id = s.district_id
    LEFT JOIN LATERAL (SELECT sc.name AS school_name, (sy.end_date_exclusive - 1)::text AS year_end
      FROM enrolment_spans es
      JOIN schools sc ON sc.district_id = es.district_id AND sc.school_id = es.school_id
      JOIN school_years sy ON sy.district_id = es.district_id AND sy.school_year_id = es.school_year_id
      WHERE es.district_id = s.district_id AND es.student_id = s.student_id
      ORDER BY es.entry_date DESC LIMIT 1) span ON true
    LEFT JOIN LATERAL (SELECT * FROM student_attendance a WHERE a.district_id = s.district_id AND a.student_id = s.student_id
      ORDER BY a.as_of DESC LIMIT 1) sa ON true
    WHERE s.district_id = ${districtId} AND s.student_id = ${studentId}`.execute(db);
  const found = rows[0];
  if (!found) throw new AppError('NOT_FOUND', { message: 'No such student.' });
  return found;
}

/**
 * The student's guardians who get messages of this category (routing per guardian), each with
 * the channel they prefer for it (alerts: `preferred_channel`; the rest: `news_channel` if set).
 */
async function familyContacts(
  db: Kysely<DB>,
  districtId: string,
  studentId: string,
  category: MessageCategory,
): Promise<ContactRow[]> {
  const { rows } = await sql<ContactRow>`
    SELECT c.contact_id, c.household_id, c.first_name, c.last_name, c.preferred_language,
      CASE WHEN ${category} = 'attendance_alert' THEN c.preferred_channel ELSE coalesce(c.news_channel, c.preferred_channel) END
        AS preferred_channel,
      c.reads_text,
      c.contact_window_start::text AS contact_window_start, c.contact_window_end::text AS contact_window_end,
      (SELECT p.phone_e164 FROM contact_phones p WHERE p.district_id = c.district_id AND p.contact_id = c.contact_id
        ORDER BY p.is_primary DESC, p.phone_type = 'mobile' DESC LIMIT 1) AS phone,
      (SELECT p.phone_e164 FROM contact_phones p WHERE p.district_id = c.district_id AND p.contact_id = c.contact_id
        AND p.can_receive_sms ORDER BY p.is_primary DESC LIMIT 1) AS sms_phone,
      (SELECT e.email FROM contact_emails e WHERE e.district_id = c.district_id AND e.contact_id = c.contact_id
        ORDER BY e.is_primary DESC LIMIT 1) AS email,
      (SELECT array_agg(cc.channel) FROM contact_consents cc WHERE cc.district_id = c.district_id
        AND cc.contact_id = c.contact_id AND cc.status = 'opted_out') AS opted_out
    FROM student_contacts sc
    JOIN contacts c ON c.district_id = sc.district_id AND c.contact_id = sc.contact_id
    WHERE sc.district_id = ${districtId} AND sc.student_id = ${studentId}
      AND (CASE WHEN ${category} = 'attendance_alert' THEN sc.receives_attendance_messages ELSE sc.receives_other_messages END)
    ORDER BY sc.contact_priority, c.last_name, c.first_name`.execute(db);
  return rows;
}

/** The channel and address to use for a contact, or why there is none. */
export function chooseChannel(
  contact: ContactRow,
): { channel: Channel; address: string } | { reason: string } {
  const opted = new Set(contact.opted_out ?? []);
  const preference: Channel[] = contact.reads_text
    ? [contact.preferred_channel, 'sms', 'email', 'voice']
    : ['voice', contact.preferred_channel, 'sms', 'email'];
  const addresses: Record<Channel, string | null> = {
    sms: contact.sms_phone,
    voice: contact.phone,
    email: contact.email,
    portal: null, // portal messages arrive with the family portal
  };
  for (const channel of new Set(preference)) {
    const address = addresses[channel];
    if (address && !opted.has(channel)) return { channel, address };
  }
  const any = Object.values(addresses).some(Boolean);
  return {
    reason: any ? 'opted out of every channel we have an address for' : 'no phone number or email on file',
  };
}

/** Messages one staff member may send in an hour: a script looping on "send" stops here, not at the provider's bill. */
export const STAFF_HOURLY_MESSAGE_LIMIT = 300;
/** Messages a family gets in a week when the district has not set its own budget. */
export const DEFAULT_WEEKLY_BUDGET = 5;

/** Sends a message to a student's family (or the listed guardians) and returns what was planned. */
export async function messageFamily(
  dependencies: {
    readonly db: Kysely<DB>;
    readonly queue: JobSender;
    readonly translator?: Translator | null;
  },
  principal: StaffPrincipal,
  studentId: string,
  request: FamilyMessageRequest,
  now: Date = new Date(),
  options: {
    /** Write inside this transaction (a playbook step records its firing with the messages). */
    readonly trx?: Transaction<DB>;
    /** Sent by Homeroom itself (a playbook), not a person: no per-person hourly limit. */
    readonly system?: boolean;
  } = {},
): Promise<FamilyMessageResult> {
  const queue = dependencies.queue;
  // Inside a caller's transaction every read goes through it too (on PGlite there is one session).
  const db: Kysely<DB> = options.trx ?? dependencies.db;
  if (!(await isStudentVisible(db, principal, studentId)))
    throw new AppError('NOT_FOUND', { message: 'No such student.' });
  const { rows: sentByMe } = options.system
    ? { rows: [{ n: 0 }] }
    : await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM messages
    WHERE district_id = ${principal.districtId} AND created_by = ${principal.userId}
      AND created_at > now() - interval '1 hour'`.execute(db);
  if ((sentByMe[0]?.n ?? 0) >= STAFF_HOURLY_MESSAGE_LIMIT) {
    throw new AppError('RATE_LIMITED', {
      message: `You have sent ${STAFF_HOURLY_MESSAGE_LIMIT} messages in the last hour, the most one person may send; try again later or ask an administrator.`,
      details: { retryAfterSeconds: 600 },
    });
  }
  const student = await studentContext(db, principal.districtId, studentId);
  let contacts = await familyContacts(db, principal.districtId, studentId, request.category);
  if (request.contactIds) {
    const wanted = new Set(request.contactIds);
    const unknown = request.contactIds.filter((id) => !contacts.some((contact) => contact.contact_id === id));
    if (unknown.length > 0) {
      throw new AppError('INVALID_INPUT', {
        message: `These contacts are not guardians of this student who get ${request.category === 'attendance_alert' ? 'attendance alerts' : 'messages other than alerts'}: ${unknown.join(', ')}.`,
      });
    }
    contacts = contacts.filter((contact) => wanted.has(contact.contact_id));
  }
  const absent = (student.absent_milli ?? 0) / 1000;
  const values: Record<string, string | number> = {
    childName: student.preferred_name ?? student.first_name,
    schoolName: student.school_name ?? student.district_name,
    districtName: student.district_name,
    staffName: principal.displayName,
    schoolPhone: student.sms_number ?? '',
    daysMissed: Math.round(absent),
    projectedDays: Math.round(student.projected_current ?? absent),
    // The month the year ends, 1-12 (each language names it in the form its sentence needs; 0: "the end of the school year").
    yearEndMonth: student.year_end ? Number(student.year_end.slice(5, 7)) : 0,
    daysAttended: student.days_attended ?? 0,
    daysScheduled: student.days_enrolled ?? 0,
    ...('template' in request.content ? request.content.values : {}),
  };
  if ('template' in request.content) {
    const missing = templateVariables(request.content.template).filter((name) => !(name in values));
    if (missing.length > 0) {
      throw new AppError('INVALID_INPUT', {
        message: `The template ${request.content.template} needs values for: ${missing.join(', ')} (pass them in "values").`,
      });
    }
  }
  // Staff's own words in each family language, translated before the transaction (a slow
  // translation service must not hold it open). No translator: the words go as written.
  const translations = new Map<LanguageCode, string | null>();
  if ('text' in request.content && dependencies.translator) {
    for (const language of new Set(contacts.map((contact) => resolveLanguage(contact.preferred_language)))) {
      if (language === 'en') continue;
      try {
        translations.set(
          language,
          (await dependencies.translator.translate(request.content.text, { from: 'en', to: language })).text,
        );
      } catch {
        translations.set(language, null);
      }
    }
  }
  const key = request.idempotencyKey ?? randomUUID();
  const planned: PlannedMessage[] = [];
  const unreachable: { contactId: string; contactName: string; reason: string }[] = [];

  const write = async (trx: Transaction<DB>) => {
    for (const contact of contacts) {
      const contactName = `${contact.first_name} ${contact.last_name}`;
      const route = chooseChannel(contact);
      if ('reason' in route) {
        unreachable.push({ contactId: contact.contact_id, contactName, reason: route.reason });
        continue;
      }
      let body: string;
      let subject: string | null = null;
      let language = contact.preferred_language;
      let keypadPrompt: string | null = null;
      let originalBody: string | null = null;
      let translation: 'machine' | 'failed' | undefined;
      if ('template' in request.content) {
        const rendered = renderTemplate(request.content.template, contact.preferred_language, values);
        body = rendered.text;
        language = rendered.language;
        if (route.channel === 'email') {
          subject = renderTemplate(request.content.template, language, values, { part: 'emailSubject' }).text;
        }
        if (route.channel === 'voice')
          keypadPrompt = renderTemplate('voice_keypad_prompt', language, values).text;
        // A family who cannot write a sentence in any language can still answer with a number.
        if (route.channel === 'sms' && request.content.template === 'same_day_check_in')
          body = `${body}\n${renderTemplate('sms_reply_menu', language, values).text}`;
      } else {
        // Staff's own words: in the family's language when a translator is on, the original kept beside it.
        body = request.content.text;
        subject = request.content.subject ?? `${values.schoolName}`;
        language = 'en';
        const target = resolveLanguage(contact.preferred_language);
        const translated = translations.get(target);
        if (translated) {
          originalBody = body;
          body = translated;
          language = target;
          translation = 'machine';
        } else if (translated === null) {
          translation = 'failed';
        }
      }
      const rules: SendWindowRules = {
        timeZone: student.time_zone,
        quietStart: student.quiet_start ?? '08:00',
        quietEnd: student.quiet_end ?? '21:00',
        schoolDayStart: student.school_day_start ?? '07:30',
        schoolDayEnd: student.school_day_end ?? '15:30',
        contactWindow:
          contact.contact_window_start && contact.contact_window_end
            ? { start: contact.contact_window_start, end: contact.contact_window_end }
            : null,
      };
      const notBefore = earliestSendTime(now, request.category, rules);
      // Attendance alerts always go (and count); other messages over the family's weekly budget
      // are held and sent together in a digest once the budget allows.
      const { rows: usage } = await familyBudgetUsage(principal.districtId, contact.contact_id).execute(trx);
      const { used = 0, frees_at: budgetFreesAt = null, budget = DEFAULT_WEEKLY_BUDGET } = usage[0] ?? {};
      const hold = request.category !== 'attendance_alert' && used >= budget;
      // "We missed your child today" only makes sense today.
      const expiresAt =
        request.category === 'attendance_alert' ? endOfLocalDay(now, student.time_zone) : null;
      if (expiresAt && notBefore >= expiresAt) {
        unreachable.push({
          contactId: contact.contact_id,
          contactName,
          reason: 'too late today for a same-day alert: quiet hours have begun, and it would arrive tomorrow',
        });
        continue;
      }
      const { messageId, created } = await enqueueMessage(trx, queue, {
        districtId: principal.districtId,
        dedupeKey: `staff:${key}:${contact.contact_id}:${route.channel}`,
        contactId: contact.contact_id,
        studentId,
        channel: route.channel,
        category: request.category,
        templateKey: 'template' in request.content ? request.content.template : null,
        language,
        toAddress: route.address,
        subject,
        body,
        keypadPrompt,
        notBefore,
        createdBy: principal.userId,
        expiresAt,
        hold,
        ...(originalBody ? { originalBody, originalLanguage: 'en' } : {}),
      });
      planned.push({
        messageId,
        created,
        contactId: contact.contact_id,
        contactName,
        channel: route.channel,
        language,
        notBefore: notBefore.toISOString(),
        body,
        ...(originalBody ? { originalBody } : {}),
        ...(translation ? { translation } : {}),
        ...(hold ? { heldForDigest: true } : {}),
      });
      if (hold && created) {
        await queue.send(
          SEND_DIGEST,
          { districtId: principal.districtId, contactId: contact.contact_id },
          { trx, startAfter: new Date(Math.max(notBefore.getTime(), budgetFreesAt?.getTime() ?? 0)) },
        );
      }
    }
    await sql`
      INSERT INTO audit_log (district_id, actor_type, actor_id, actor_role, student_id, action, target_type, target_id, outcome, detail)
      VALUES (${principal.districtId}, ${options.system ? 'system' : 'staff'}, ${principal.userId},
        ${options.system ? null : (principal.roles[0] ?? null)}, ${studentId}, 'message.send', 'student', ${studentId}, 'allowed',
        ${JSON.stringify({ messages: planned.map((message) => message.messageId), unreachable: unreachable.length })})`.execute(
      trx,
    );
  };
  if (options.trx) await write(options.trx);
  else await db.transaction().execute(write);
  return { messages: planned, unreachable };
}
