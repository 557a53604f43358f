/**
 * Twilio's webhooks: message and call status callbacks, inbound SMS and a call's keypad choice.
 * They are public routes authenticated by X-Twilio-Signature, checked against the URL Twilio
 * called — PUBLIC_URL followed by the path and query this server received, because behind a
 * proxy the server's own view of the URL (host, scheme, port) is not the one Twilio signed.
 * With no auth token configured every webhook is refused: an unsigned endpoint would let anyone
 * opt a family out or forge a delivery. Replays are harmless: each status is recorded once per
 * message and each inbound message once per MessageSid.
 */
import { randomBytes } from 'node:crypto';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../platform/config.ts';
import { AppError } from '../platform/errors.ts';
import type { AppDependencies } from '../platform/http/app.ts';
import { speechLanguageOf } from './content/languages.ts';
import { applyDeliveryStatus, fromTwilioCallStatus, fromTwilioMessageStatus } from './delivery-status.ts';
import { receiveReply } from './inbound.ts';
import { isValidTwilioSignature, type WebhookParams } from './twilio-signature.ts';

/** In dev mode without Twilio, the development outbox signs its "reply as this family" webhooks with this. */
const DEV_WEBHOOK_TOKEN = randomBytes(24).toString('base64url');

/** The token webhooks must be signed with, or undefined when webhooks are refused. */
export function webhookAuthToken(config: Config): string | undefined {
  return config.TWILIO_AUTH_TOKEN ?? (config.MESSAGING_MODE === 'dev' ? DEV_WEBHOOK_TOKEN : undefined);
}

/** The URL Twilio called, as it signed it. */
export function signedUrl(config: Config, request: FastifyRequest): string {
  return `${config.PUBLIC_URL}${request.url}`;
}

export type Form = Record<string, string | string[] | undefined>;

export function field(form: Form, name: string): string | undefined {
  const value = form[name];
  return Array.isArray(value) ? value[0] : value;
}

export function twiml(reply: FastifyReply, inner: string): FastifyReply {
  return reply
    .type('text/xml; charset=utf-8')
    .send(`<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`);
}

export function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

const IDS = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function messageIds(request: FastifyRequest): { districtId: string; messageId: string } {
  const query = request.query as Record<string, string | undefined>;
  const districtId = query.d ?? '';
  const messageId = query.m ?? '';
  if (!IDS.test(districtId) || !IDS.test(messageId)) {
    throw new AppError('INVALID_INPUT', {
      message: 'The callback URL must carry d (district id) and m (message id).',
    });
  }
  return { districtId, messageId };
}

/** Refuses the request unless Twilio signed it with our token; returns its form fields. */
export function verifyTwilioRequest(config: Config, request: FastifyRequest): Form {
  const token = webhookAuthToken(config);
  if (!token) {
    throw new AppError('UNAVAILABLE', {
      message:
        'Twilio webhooks are refused: TWILIO_AUTH_TOKEN is not configured, so no request can be verified.',
    });
  }
  const form = (request.body ?? {}) as Form;
  const params = Object.fromEntries(
    Object.entries(form).filter((entry): entry is [string, string | string[]] => entry[1] !== undefined),
  ) as WebhookParams;
  const signature = request.headers['x-twilio-signature'];
  if (
    !isValidTwilioSignature(
      token,
      signedUrl(config, request),
      params,
      typeof signature === 'string' ? signature : undefined,
    )
  ) {
    throw new AppError('FORBIDDEN', {
      message: 'The X-Twilio-Signature header does not match this request.',
    });
  }
  return form;
}

export function registerWebhookRoutes(
  app: FastifyInstance,
  { config, database, queue }: AppDependencies,
): void {
  const db = database.db;
  // Replies are translated for staff only when a translation provider is configured.
  const translate = config.TRANSLATION_PROVIDER !== 'off' && queue ? { translate: queue } : {};

  app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: 65_536 });

    scope.post('/webhooks/twilio/status', { config: { access: 'public' } }, async (request, reply) => {
      const form = verifyTwilioRequest(config, request);
      const ids = messageIds(request);
      const callSid = field(form, 'CallSid');
      const messageSid = field(form, 'MessageSid') ?? field(form, 'SmsSid');
      if (callSid) {
        const mapped = fromTwilioCallStatus(field(form, 'CallStatus') ?? '', field(form, 'AnsweredBy'));
        if (mapped) {
          await applyDeliveryStatus(db, {
            ...ids,
            provider: 'twilio',
            providerMessageId: callSid,
            status: mapped.status,
            answeredBy: mapped.answeredBy,
            errorCode: field(form, 'ErrorCode'),
          });
        }
      } else if (messageSid) {
        const status = fromTwilioMessageStatus(
          field(form, 'MessageStatus') ?? field(form, 'SmsStatus') ?? '',
        );
        if (status) {
          await applyDeliveryStatus(db, {
            ...ids,
            provider: 'twilio',
            providerMessageId: messageSid,
            status,
            errorCode: field(form, 'ErrorCode'),
          });
        }
      } else {
        throw new AppError('INVALID_INPUT', { message: 'A status callback needs MessageSid or CallSid.' });
      }
      return reply.status(204).send();
    });

    scope.post('/webhooks/twilio/sms', { config: { access: 'public' } }, async (request, reply) => {
      const form = verifyTwilioRequest(config, request);
      const sid = field(form, 'MessageSid') ?? field(form, 'SmsMessageSid');
      const from = field(form, 'From');
      const to = field(form, 'To');
      if (!sid || !from || !to) {
        throw new AppError('INVALID_INPUT', { message: 'An inbound message needs MessageSid, From and To.' });
      }
      const result = await receiveReply(
        db,
        {
          provider: 'twilio',
          providerMessageId: sid,
          channel: 'sms',
          from,
          to,
          body: field(form, 'Body') ?? '',
        },
        translate,
      );
      return twiml(reply, result.reply ? `<Message>${escapeXml(result.reply.text)}</Message>` : '');
    });

    scope.post('/webhooks/twilio/voice', { config: { access: 'public' } }, async (request, reply) => {
      const form = verifyTwilioRequest(config, request);
      const ids = messageIds(request);
      const callSid = field(form, 'CallSid');
      const digits = field(form, 'Digits') ?? '';
      if (!callSid) throw new AppError('INVALID_INPUT', { message: 'A keypad answer needs CallSid.' });
      const call = await db
        .selectFrom('messages')
        .leftJoin('messaging_settings', 'messaging_settings.district_id', 'messages.district_id')
        .select(['messages.to_address', 'messages.channel', 'messaging_settings.sms_number'])
        .where('messages.district_id', '=', ids.districtId)
        .where('messages.message_id', '=', ids.messageId)
        .executeTakeFirst();
      if (call?.channel !== 'voice') throw new AppError('NOT_FOUND', { message: 'No such call.' });
      const result = await receiveReply(db, {
        provider: 'twilio-voice',
        providerMessageId: `${callSid}:${digits}`,
        channel: 'voice',
        from: call.to_address,
        to: call.sms_number ?? '',
        body: digits,
      });
      const language = speechLanguageOf(result.reply?.language ?? 'en');
      return twiml(
        reply,
        result.reply
          ? `<Say${language ? ` language="${language}"` : ''}>${escapeXml(result.reply.text)}</Say>`
          : '',
      );
    });
  });
}
