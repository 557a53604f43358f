/**
 * The development outbox (dev mode only): every message a family would have received, newest
 * first, with their replies, for the students the signed-in staff member may see. "Reply as this
 * family" sends a real, signed Twilio webhook over HTTP to this server's public address, so the
 * whole inbound path — signature, replay guard, opt-out, intent — runs as it would in production.
 */
import { randomBytes } from 'node:crypto';
import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { AppError } from '../platform/errors.ts';
import type { AppDependencies } from '../platform/http/app.ts';
import { html, type SafeHtml } from '../platform/http/html.ts';
import { renderPage } from '../platform/http/page.ts';
import { visibleStudent } from '../staff/student-scope.ts';
import { type ConversationItem, listConversation } from './conversation.repository.ts';
import { MESSAGE_SENDERS } from './messaging.routes.ts';
import { twilioSignature } from './twilio-signature.ts';
import { webhookAuthToken } from './webhooks.routes.ts';

const RTL = new Set(['ar']);
const when = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

function renderItem(item: ConversationItem): SafeHtml {
  const lang = item.language ?? undefined;
  const intent =
    item.intent?.intent && item.intent.intent !== 'unknown'
      ? html`<p class="meta">Reads as: <strong>${item.intent.intent.replaceAll('_', ' ')}</strong>${item.intent.barrier ? ` (${item.intent.barrier.replaceAll('_', ' ')})` : ''}${item.intent.evidence?.length ? html` — because of “${item.intent.evidence.map((e) => e.phrase).join('”, “')}”` : ''}</p>`
      : '';
  return html`<li class="card${item.direction === 'in' ? ' from-family' : ''}">
    <p class="meta">${item.direction === 'out' ? html`To <strong>${item.contact_name}</strong> (${item.address})` : html`From <strong>${item.contact_name}</strong> (${item.address})`}
      · ${item.channel.toUpperCase()} · ${when.format(item.at)} UTC · <span class="status">${item.status}</span></p>
    <p class="body" ${lang ? html`lang="${lang}" dir="${RTL.has(lang) ? 'rtl' : 'ltr'}"` : ''}>${item.body}</p>
    ${item.other_text ? html`<p class="meta">${item.direction === 'out' ? 'Written by staff as' : 'Machine translation'}: <span lang="en">${item.other_text}</span></p>` : ''}
    ${intent}
    ${
      item.direction === 'out' && item.channel === 'sms'
        ? html`<form method="post" action="/dev/outbox/reply">
      <input type="hidden" name="messageId" value="${item.id}">
      <label for="reply-${item.id}">Reply as this family</label>
      <textarea id="reply-${item.id}" name="body" rows="2" maxlength="1600" required></textarea>
      <button type="submit">Send reply</button>
    </form>`
        : ''
    }
  </li>`;
}

export function registerDevOutboxRoutes(app: FastifyInstance, { config, database }: AppDependencies): void {
  if (config.MESSAGING_MODE !== 'dev') return;
  const db = database.db;

  app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: 16_384 });

    scope.get<{ Querystring: { answer?: string; intent?: string } }>(
      '/dev/outbox',
      { config: { access: { roles: MESSAGE_SENDERS } } },
      async (request, reply) => {
        const districtId = request.staff.districtId;
        const rows = await listConversation(
          db,
          districtId,
          { visible: (ref) => visibleStudent(request.staff, ref) },
          { newestFirst: true, limit: 200, revealSignInCodes: true },
        );
        const answer = request.query.answer;
        const main = html`<h1>Development outbox</h1>
          <p class="notice">Homeroom is in development mode (<code>MESSAGING_MODE=dev</code>): nothing leaves this server. These are the messages families would have received, newest first, with their replies.</p>
          ${
            answer !== undefined
              ? html`<p class="notice" role="status">Reply sent through the signed webhook.${request.query.intent ? ` It reads as: ${request.query.intent.replaceAll('_', ' ')}.` : ''}${answer ? ` The family was answered: “${answer}”` : ''}</p>`
              : ''
          }
          ${rows.length > 0 ? html`<ul class="outbox">${rows.map(renderItem)}</ul>` : html`<p class="empty">No messages yet. Send one to a family from a student's page or the API (POST /api/students/:id/messages).</p>`}`;
        return reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(renderPage({ title: 'Development outbox', main }));
      },
    );

    scope.post<{ Body: { messageId?: string; body?: string } }>(
      '/dev/outbox/reply',
      { config: { access: { roles: MESSAGE_SENDERS } } },
      async (request, reply) => {
        const { messageId, body } = request.body ?? {};
        if (!messageId || !/^[0-9a-f-]{36}$/i.test(messageId) || !body || body.length > 1600) {
          throw new AppError('INVALID_INPUT', {
            message: 'A reply needs messageId and a body of 1 to 1600 characters.',
          });
        }
        const { rows } = await sql<{ to_address: string; sms_number: string | null }>`
          SELECT m.to_address, ms.sms_number FROM messages m
          LEFT JOIN messaging_settings ms ON ms.district_id = m.district_id
          WHERE m.district_id = ${request.staff.districtId} AND m.message_id = ${messageId} AND m.channel = 'sms'
            AND ${visibleStudent(request.staff, sql.ref('m.student_id'))}`.execute(db);
        const message = rows[0];
        if (!message) throw new AppError('NOT_FOUND', { message: 'No such text message.' });
        if (!message.sms_number) {
          throw new AppError('CONFLICT', {
            message:
              'This district has no SMS number in its messaging settings, so a reply has nowhere to go.',
          });
        }
        const token = webhookAuthToken(config);
        if (!token) throw new AppError('UNAVAILABLE', { message: 'Webhooks are off: no auth token.' });
        const sid = `SM${randomBytes(16).toString('hex')}`;
        const params = {
          AccountSid: `AC${'0'.repeat(32)}`,
          ApiVersion: '2010-04-01',
          Body: body,
          From: message.to_address,
          MessageSid: sid,
          NumMedia: '0',
          NumSegments: '1',
          SmsMessageSid: sid,
          SmsSid: sid,
          To: message.sms_number,
        };
        const url = `${config.PUBLIC_URL}/webhooks/twilio/sms`;
        const response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': twilioSignature(token, url, params),
          },
          body: new URLSearchParams(params),
          signal: AbortSignal.timeout(10_000),
        }).catch((error: unknown) => {
          throw new AppError('UNAVAILABLE', {
            message: `The webhook at ${url} could not be reached (is PUBLIC_URL this server?): ${(error as Error).message}`,
          });
        });
        const text = await response.text();
        if (!response.ok)
          throw new AppError('UNAVAILABLE', {
            message: `The webhook answered HTTP ${response.status}: ${text.slice(0, 200)}`,
          });
        const answer = /<Message>([\s\S]*?)<\/Message>/.exec(text)?.[1] ?? '';
        const { rows: received } = await sql<{ intent: { intent?: string } }>`
          SELECT intent FROM inbound_messages WHERE district_id = ${request.staff.districtId} AND provider_message_id = ${sid}`.execute(
          db,
        );
        const query = new URLSearchParams({
          answer: answer.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&'),
          intent: received[0]?.intent.intent ?? '',
        });
        return reply.redirect(`/dev/outbox?${query}`, 303);
      },
    );
  });
}
