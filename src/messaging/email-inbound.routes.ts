/**
 * Email replies, forwarded by a Mailgun route (the district points EMAIL_REPLY_DOMAIN's MX at
 * Mailgun and forwards to /webhooks/mailgun/inbound). Every email Homeroom sends carries
 * Reply-To reply+<message id>@EMAIL_REPLY_DOMAIN, so a reply names the message it answers,
 * and with it the district and the guardian; a reply to another address is matched by the
 * sender's address when exactly one district has it.
 *
 * Authenticity: Mailgun signs timestamp + token with HMAC-SHA256 and the webhook signing key;
 * a request more than 15 minutes old is refused, and each email is stored once (by its
 * Message-Id), so a replay has no second effect. Without MAILGUN_SIGNING_KEY every request is
 * refused. Bodies arrive form-encoded: set the Mailgun route to forward without attachments
 * (a multipart request is refused with 415; attachments are not kept).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { AppError } from '../platform/errors.ts';
import type { AppDependencies } from '../platform/http/app.ts';
import { type KnownSender, receiveReply } from './inbound.ts';
import { enqueueMessage } from './outbox.ts';

interface SenderRow {
  district_id: string;
  name: string;
  sms_number: string | null;
  contact_id: string;
  preferred_language: string;
}

/** How old a signed request may be. */
export const MAILGUN_MAX_AGE_SECONDS = 15 * 60;

/** Whether Mailgun signed this timestamp and token with `key` (hex HMAC-SHA256), compared in constant time. */
export function isValidMailgunSignature(
  key: string,
  timestamp: string,
  token: string,
  signature: string,
): boolean {
  const expected = Buffer.from(
    createHmac('sha256', key)
      .update(timestamp + token)
      .digest('hex'),
  );
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const REPLY_ADDRESS = /^reply\+([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@/i;

/** The bare address in "Name <address>" (lower case). */
function address(value: string): string {
  return (/<([^>]+)>/.exec(value)?.[1] ?? value).trim().toLowerCase();
}

type Form = Record<string, string | string[] | undefined>;
const field = (form: Form, name: string): string | undefined => {
  const value = form[name];
  return Array.isArray(value) ? value[0] : value;
};

export function registerEmailInboundRoutes(
  app: FastifyInstance,
  { config, database, queue }: AppDependencies,
): void {
  const db = database.db;

  /** The district and guardian an email reply comes from, or undefined. */
  async function senderOf(recipient: string, from: string): Promise<KnownSender | undefined> {
    const messageId = REPLY_ADDRESS.exec(recipient)?.[1];
    const { rows } = messageId
      ? await sql<SenderRow>`
          SELECT d.district_id, d.name, ms.sms_number, c.contact_id, c.preferred_language
          FROM messages m JOIN districts d ON d.district_id = m.district_id
          JOIN contacts c ON c.district_id = m.district_id AND c.contact_id = m.contact_id
          LEFT JOIN messaging_settings ms ON ms.district_id = m.district_id
          WHERE m.message_id = ${messageId}`.execute(db)
      : await sql<SenderRow>`
          SELECT d.district_id, d.name, ms.sms_number, c.contact_id, c.preferred_language
          FROM contact_emails e JOIN districts d ON d.district_id = e.district_id
          JOIN contacts c ON c.district_id = e.district_id AND c.contact_id = e.contact_id
          LEFT JOIN messaging_settings ms ON ms.district_id = e.district_id
          WHERE lower(e.email) = ${from}
          ORDER BY e.is_primary DESC`.execute(db);
    const first = rows[0];
    if (!first || rows.some((row) => row.district_id !== first.district_id)) return undefined;
    return {
      district: { district_id: first.district_id, name: first.name, sms_number: first.sms_number },
      contacts: rows.map((row) => ({
        contact_id: row.contact_id,
        preferred_language: row.preferred_language,
      })),
    };
  }

  app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: 1_048_576 });

    scope.post('/webhooks/mailgun/inbound', { config: { access: 'public' } }, async (request, reply) => {
      const key = config.MAILGUN_SIGNING_KEY;
      if (!key) {
        throw new AppError('UNAVAILABLE', {
          message:
            'Email replies are refused: MAILGUN_SIGNING_KEY is not configured, so no request can be verified.',
        });
      }
      const form = (request.body ?? {}) as Form;
      const timestamp = field(form, 'timestamp') ?? '';
      const token = field(form, 'token') ?? '';
      const signature = field(form, 'signature') ?? '';
      if (!isValidMailgunSignature(key, timestamp, token, signature)) {
        throw new AppError('FORBIDDEN', { message: 'The Mailgun signature does not match this request.' });
      }
      if (
        !/^\d+$/.test(timestamp) ||
        Math.abs(Date.now() / 1000 - Number(timestamp)) > MAILGUN_MAX_AGE_SECONDS
      ) {
        throw new AppError('FORBIDDEN', {
          message: 'The Mailgun signature is too old (more than 15 minutes).',
        });
      }
      const recipient = field(form, 'recipient') ?? '';
      const from = address(field(form, 'sender') ?? field(form, 'from') ?? '');
      const sender = await senderOf(recipient, from);
      // Nobody we know (or several districts): accepted so Mailgun does not retry, and not stored.
      if (!sender) return reply.status(200).send({ stored: false });
      const emailId = field(form, 'Message-Id') ?? `token:${token}`;
      const subject = field(form, 'subject') ?? '';
      const result = await receiveReply(
        db,
        {
          provider: 'mailgun',
          providerMessageId: emailId,
          channel: 'email',
          from,
          to: recipient,
          body: (field(form, 'stripped-text') ?? field(form, 'body-plain') ?? '').trim(),
        },
        { sender, ...(config.TRANSLATION_PROVIDER !== 'off' && queue ? { translate: queue } : {}) },
      );
      // The one confirmation (STOP, START, HELP) goes back by email, through the outbox.
      if (result.recorded && result.reply && result.contactId && queue) {
        const contactId = result.contactId;
        const answer = result.reply;
        await db.transaction().execute((trx) =>
          enqueueMessage(trx, queue, {
            districtId: sender.district.district_id,
            dedupeKey: `reply:mailgun:${emailId}`,
            contactId,
            studentId: null,
            channel: 'email',
            category: 'reply',
            templateKey: null,
            language: answer.language,
            toAddress: from,
            subject: subject.toLowerCase().startsWith('re:') ? subject : `Re: ${subject}`,
            body: answer.text,
            notBefore: new Date(),
          }),
        );
      }
      return reply.status(200).send({ stored: result.recorded, intent: result.intent });
    });
  });
}
