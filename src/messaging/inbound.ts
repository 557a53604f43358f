/**
 * A family's reply: kept once per provider id (a replayed webhook changes nothing), matched to
 * the contact by their number, and read for intent. Opting out is the one intent applied at
 * once (the law requires it): the contact's consent for the channel becomes opted_out and the
 * one allowed confirmation is returned. START re-subscribes, HELP says who is writing and how to
 * stop. Everything else — "she is sick", "he is at school", "we need help" — is stored as a
 * suggestion with its evidence for staff to confirm, never applied silently.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import { recordSurveyResponse } from '../family/survey.service.ts';
import type { DB } from '../platform/db/types.ts';
import type { JobSender } from '../platform/jobs/job.ts';
import { renderTemplate, type TemplateKey } from './content/templates.ts';
import { type ReplyIntent, recogniseReply } from './intent/reply-intent.ts';
import type { Channel } from './providers/provider.ts';
import { setConsent } from './send-message.job.ts';
import { TRANSLATE_REPLY } from './translate-reply.job.ts';

export interface InboundReply {
  readonly provider: string;
  readonly providerMessageId: string;
  readonly channel: Channel;
  readonly from: string;
  readonly to: string;
  readonly body: string;
}

export interface InboundResult {
  /** False when this provider id was already received (a replay): nothing else happened. */
  readonly recorded: boolean;
  readonly inboundId: string | null;
  readonly districtId: string | null;
  readonly contactId: string | null;
  readonly intent: string;
  /** The immediate answer to send back (opt-out confirmation, HELP), in the family's language. */
  readonly reply: { readonly text: string; readonly language: string } | null;
}

export interface ContactMatch {
  contact_id: string;
  preferred_language: string;
}

export interface SenderDistrict {
  district_id: string;
  name: string;
  sms_number: string | null;
}

/** Who sent a reply, when the caller has already worked it out (an email's reply address names its message). */
export interface KnownSender {
  readonly district: SenderDistrict;
  readonly contacts: readonly ContactMatch[];
}

/** Which district a reply belongs to: the one whose number it was sent to. */
async function districtForNumber(db: Kysely<DB>, to: string): Promise<SenderDistrict | undefined> {
  const { rows } = await sql<SenderDistrict>`
    SELECT d.district_id, d.name, ms.sms_number FROM messaging_settings ms JOIN districts d USING (district_id)
    WHERE ms.sms_number = ${to}`.execute(db);
  return rows[0];
}

/** The keypad choices a call offers (the voice_keypad_prompt template reads them out). */
export const KEYPAD_CHOICES: Readonly<Record<string, ReplyIntent>> = {
  '1': {
    intent: 'at_school',
    evidence: [{ phrase: '1', language: 'keypad', meaning: 'my child is at school' }],
  },
  '2': {
    intent: 'absence_reason',
    barrier: 'health',
    evidence: [{ phrase: '2', language: 'keypad', meaning: 'my child is sick' }],
  },
  '3': {
    intent: 'help_request',
    evidence: [{ phrase: '3', language: 'keypad', meaning: 'we need help from the school' }],
  },
  '9': { intent: 'opt_out', evidence: [{ phrase: '9', language: 'keypad', meaning: 'stop these calls' }] },
};

interface AskedQuestion {
  readonly template_key: string | null;
  readonly student_id: string | null;
}

/** The template of the latest text the school sent this contact in the last 7 days. */
async function latestQuestion(
  trx: Transaction<DB>,
  districtId: string,
  contactId: string,
): Promise<AskedQuestion | undefined> {
  const { rows } = await sql<AskedQuestion>`
    SELECT template_key, student_id FROM messages
    WHERE district_id = ${districtId} AND contact_id = ${contactId} AND channel = 'sms' AND category <> 'reply'
      AND status IN ('sending', 'uncertain', 'accepted', 'sent', 'delivered') AND created_at > now() - interval '7 days'
    ORDER BY created_at DESC LIMIT 1`.execute(trx);
  return rows[0];
}

/** A whole reply that is a number from 1 to 10, in Western or Arabic-Indic digits. */
function scoreOf(body: string): number | undefined {
  const digits = body
    .trim()
    .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[.!]$/, '');
  return /^(10|[1-9])$/.test(digits) ? Number(digits) : undefined;
}

/**
 * What a reply means given what the school asked last. After a survey invitation a number from 1
 * to 10 is the score. After a same-day check-in (whose text ends with sms_reply_menu) 1, 2 and
 * 3 mean what they mean on a call. Opting out by text stays a keyword (STOP), never a digit.
 */
function inContext(read: ReplyIntent, body: string, asked: AskedQuestion | undefined): ReplyIntent {
  const about = asked?.student_id ? { studentId: asked.student_id } : {};
  if (
    asked?.template_key === 'survey_invitation' &&
    (read.intent === 'menu_choice' || read.intent === 'unknown')
  ) {
    const score = scoreOf(body);
    if (score !== undefined) {
      return {
        intent: 'survey_score',
        score,
        ...about,
        evidence: [{ phrase: body.trim(), language: 'und', meaning: `a score of ${score} out of 10` }],
      };
    }
  }
  if (
    asked?.template_key === 'same_day_check_in' &&
    read.intent === 'menu_choice' &&
    read.choice !== undefined &&
    [1, 2, 3].includes(read.choice)
  ) {
    const meaning = KEYPAD_CHOICES[String(read.choice)] as ReplyIntent;
    return {
      ...meaning,
      choice: read.choice,
      ...about,
      evidence: meaning.evidence.map((item) => ({ ...item, language: 'menu' })),
    };
  }
  return read;
}

function keypadIntent(digits: string): ReplyIntent {
  return KEYPAD_CHOICES[digits.trim()] ?? { intent: 'unknown', evidence: [] };
}

const CONFIRMATIONS: Partial<Record<string, TemplateKey>> = {
  opt_out: 'opt_out_confirmation',
  opt_in: 'opt_in_confirmation',
  help_keyword: 'help_reply',
};

/**
 * Records a reply and applies what must be applied at once (opt-out, opt-in). With `translate`,
 * a job to translate it for staff is enqueued in the same transaction.
 */
export async function receiveReply(
  db: Kysely<DB>,
  reply: InboundReply,
  options: { translate?: JobSender; sender?: KnownSender } = {},
): Promise<InboundResult> {
  const district = options.sender?.district ?? (await districtForNumber(db, reply.to));
  if (!district) {
    return {
      recorded: false,
      inboundId: null,
      districtId: null,
      contactId: null,
      intent: 'unknown',
      reply: null,
    };
  }
  const read = reply.channel === 'voice' ? keypadIntent(reply.body) : recogniseReply(reply.body);
  return db.transaction().execute(async (trx) => {
    const contacts =
      options.sender?.contacts ??
      (
        await sql<ContactMatch>`
          SELECT c.contact_id, c.preferred_language FROM contact_phones p
          JOIN contacts c ON c.district_id = p.district_id AND c.contact_id = p.contact_id
          WHERE p.district_id = ${district.district_id} AND p.phone_e164 = ${reply.from}
          ORDER BY p.is_primary DESC, c.contact_id`.execute(trx)
      ).rows;
    const contact = contacts[0];
    // A number means what the school's latest text asked: a score for a survey invitation, a
    // menu choice after a same-day check-in, and nothing in particular otherwise.
    const asked =
      contact && reply.channel === 'sms'
        ? await latestQuestion(trx, district.district_id, contact.contact_id)
        : undefined;
    const intent = inContext(read, reply.body, asked);
    const inserted = await sql<{ inbound_id: string }>`
      INSERT INTO inbound_messages (district_id, provider, provider_message_id, channel, from_address, to_address,
        body, contact_id, intent, handled_at)
      VALUES (${district.district_id}, ${reply.provider}, ${reply.providerMessageId}, ${reply.channel}, ${reply.from},
        ${reply.to}, ${reply.body}, ${contact?.contact_id ?? null}, ${JSON.stringify(intent)},
        ${['opt_out', 'opt_in', 'help_keyword', 'survey_score'].includes(intent.intent) ? sql`now()` : null})
      ON CONFLICT (district_id, provider, provider_message_id) DO NOTHING
      RETURNING inbound_id`.execute(trx);
    const row = inserted.rows[0];
    if (!row) {
      return {
        recorded: false,
        inboundId: null,
        districtId: district.district_id,
        contactId: contact?.contact_id ?? null,
        intent: intent.intent,
        reply: null,
      };
    }
    if (intent.intent === 'survey_score' && contact) {
      await recordSurveyResponse(trx, {
        districtId: district.district_id,
        contactId: contact.contact_id,
        studentId: intent.studentId ?? null,
        channel: 'sms',
        score: intent.score ?? null,
        answers: {},
        language: contact.preferred_language,
        sourceId: `inbound:${row.inbound_id}`,
      });
    }
    // Every number a family uses is theirs to stop: opt out each contact on this number.
    if (intent.intent === 'opt_out' || intent.intent === 'opt_in') {
      for (const match of contacts) {
        await setConsent(
          trx,
          district.district_id,
          match.contact_id,
          reply.channel,
          intent.intent === 'opt_out' ? 'opted_out' : 'granted',
          `${reply.channel}_reply:${reply.providerMessageId}`,
        );
      }
    }
    const template = CONFIRMATIONS[intent.intent];
    const language = contact?.preferred_language ?? intent.language ?? 'en';
    const answer = template
      ? renderTemplate(template, language, {
          schoolName: district.name,
          districtName: district.name,
          schoolPhone: district.sms_number ?? '',
        })
      : null;
    if (options.translate && reply.channel !== 'voice') {
      await options.translate.send(
        TRANSLATE_REPLY,
        { districtId: district.district_id, inboundId: row.inbound_id },
        { trx },
      );
    }
    if (answer && contact && reply.channel !== 'email') {
      // The answer goes back in the webhook's response; it is kept in the conversation like any message.
      // (An email's answer is sent through the outbox by the caller.)
      await sql`
        INSERT INTO messages (district_id, dedupe_key, contact_id, channel, category, template_key, language,
          to_address, body, status, provider)
        VALUES (${district.district_id}, ${`reply:${reply.provider}:${reply.providerMessageId}`}, ${contact.contact_id},
          ${reply.channel}, 'reply', ${template ?? null}, ${answer.language}, ${reply.from}, ${answer.text}, 'accepted',
          ${`${reply.provider}-reply`})
        ON CONFLICT (district_id, dedupe_key) DO NOTHING`.execute(trx);
    }
    return {
      recorded: true,
      inboundId: row.inbound_id,
      districtId: district.district_id,
      contactId: contact?.contact_id ?? null,
      intent: intent.intent,
      reply: answer ? { text: answer.text, language: answer.language } : null,
    };
  });
}
