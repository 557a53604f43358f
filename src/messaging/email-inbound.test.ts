/**
 * Email replies through a Mailgun-shaped webhook over real HTTP: the reply address names the
 * message, so the reply joins that family's conversation and is read for intent; the signature
 * and its age are checked; a replay adds nothing; "unsubscribe" in a reply stops email and is
 * answered once by email; without a signing key every request is refused.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../test/support/database.ts';
import {
  addGuardian,
  type MessagingBench,
  outboxMessage,
  startMessagingBench,
} from '../../test/support/messaging.ts';
import { loadConfig } from '../platform/config.ts';
import { buildApp } from '../platform/http/app.ts';

const KEY = 'key-test-signing';
let bench: MessagingBench;

beforeAll(async () => {
  bench = await startMessagingBench({
    EMAIL_REPLY_DOMAIN: 'replies.riverside.example.org',
    MAILGUN_SIGNING_KEY: KEY,
  });
}, 120_000);

afterAll(async () => {
  await bench?.close();
});

function signed(fields: Record<string, string>, options: { key?: string; age?: number } = {}) {
  const timestamp = String(Math.floor(Date.now() / 1000) - (options.age ?? 0));
  const token = randomBytes(25).toString('hex');
  const signature = createHmac('sha256', options.key ?? KEY)
    .update(timestamp + token)
    .digest('hex');
  return new URLSearchParams({ ...fields, timestamp, token, signature });
}

const post = (body: URLSearchParams) =>
  fetch(`${bench.config.PUBLIC_URL}/webhooks/mailgun/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });

async function emailedGuardian(email: string) {
  const guardian = await addGuardian(bench, { email });
  const messageId = await outboxMessage(bench, guardian, {
    channel: 'email',
    to: email,
    category: 'general',
    body: `Hello ${email}`,
  });
  await bench.run(messageId);
  const mail = bench.sink.messages.find((message) => message.envelope.to.includes(email));
  return { guardian, messageId, replyTo: mail?.headers.get('reply-to') ?? '' };
}

const inbound = async (contactId: string) =>
  (
    await sql<{ body: string; intent: { intent: string; barrier?: string }; channel: string }>`
      SELECT body, intent, channel FROM inbound_messages WHERE district_id = ${bench.districtId} AND contact_id = ${contactId}
      ORDER BY received_at`.execute(bench.database.db)
  ).rows;

describe(`email replies (${testEngine()})`, () => {
  it('sends email with a reply address naming the message, and files the reply in the conversation with its intent', async () => {
    const { guardian, messageId, replyTo } = await emailedGuardian('mum@example.org');
    expect(replyTo).toBe(`reply+${messageId}@replies.riverside.example.org`);
    const fields = {
      recipient: replyTo,
      sender: 'mum@example.org',
      from: 'Mum <mum@example.org>',
      subject: 'Re: Hello',
      'body-plain': 'She is sick with a fever today.\n\nOn Monday you wrote: ...',
      'stripped-text': 'She is sick with a fever today.',
      'Message-Id': '<reply-1@example.org>',
    };
    const first = await post(signed(fields));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ stored: true, intent: 'absence_reason' });
    // Mailgun retries, or someone replays it: nothing new.
    const replay = await post(signed(fields));
    expect(await replay.json()).toMatchObject({ stored: false });
    expect(await inbound(guardian.contactId)).toEqual([
      {
        body: 'She is sick with a fever today.',
        intent: expect.objectContaining({ intent: 'absence_reason', barrier: 'health' }),
        channel: 'email',
      },
    ]);
  });

  it('refuses a bad signature, a stale one, and a wrong key', async () => {
    const fields = {
      recipient: 'reply+00000000-0000-4000-8000-000000000000@replies.riverside.example.org',
      sender: 'x@example.org',
      'stripped-text': 'hi',
    };
    const tampered = signed(fields);
    tampered.set('stripped-text', 'STOP');
    tampered.set(
      'signature',
      createHmac('sha256', KEY)
        .update('0' + 'x')
        .digest('hex'),
    );
    expect((await post(tampered)).status).toBe(403);
    expect((await post(signed(fields, { age: 3600 }))).status).toBe(403);
    expect((await post(signed(fields, { key: 'another-key' }))).status).toBe(403);
  });

  it('stops email at once on "unsubscribe", answering once by email', async () => {
    const { guardian, replyTo } = await emailedGuardian('dad@example.org');
    bench.queue.take();
    const response = await post(
      signed({
        recipient: replyTo,
        sender: 'dad@example.org',
        subject: 'Re: Hello',
        'stripped-text': 'Unsubscribe',
        'Message-Id': '<reply-2@example.org>',
      }),
    );
    expect(await response.json()).toMatchObject({ stored: true, intent: 'opt_out' });
    const consent = await sql<{ status: string }>`SELECT status FROM contact_consents
      WHERE district_id = ${bench.districtId} AND contact_id = ${guardian.contactId} AND channel = 'email'`.execute(
      bench.database.db,
    );
    expect(consent.rows[0]?.status).toBe('opted_out');
    const [confirmation] = bench.queue.take();
    expect(confirmation).toBeDefined();
    await bench.run(confirmation?.payload.messageId as string);
    const sent = bench.sink.messages.filter((message) => message.envelope.to.includes('dad@example.org'));
    expect(sent).toHaveLength(2);
    expect(sent[1]?.subject).toBe('Re: Hello');
  });

  it('refuses every request when no signing key is configured', async () => {
    const closed = await buildApp({
      config: loadConfig({}),
      database: bench.database,
      logger: pino({ level: 'silent' }),
    });
    const response = await closed.inject({
      method: 'POST',
      url: '/webhooks/mailgun/inbound',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: signed({ recipient: 'a@b.org', sender: 'c@d.org' }).toString(),
    });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.message).toContain('MAILGUN_SIGNING_KEY');
    await closed.close();
  });
});
