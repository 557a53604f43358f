/**
 * Twilio's webhooks over real HTTP, signed by the fake Twilio (RELIABILITY.md scenario 11 and
 * DOMAIN.md §7): signatures checked against the public URL, refused without a token, replays
 * and out-of-order callbacks without a second effect, and replies read for intent, with STOP
 * applied at once in any language.
 */
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../test/support/database.ts';
import { FakeTwilio } from '../../test/support/fakes/fake-twilio.ts';
import {
  addGuardian,
  type MessagingBench,
  messageState,
  outboxMessage,
  startMessagingBench,
} from '../../test/support/messaging.ts';
import { signInAs } from '../../test/support/sign-in.ts';
import { loadConfig } from '../platform/config.ts';
import { buildApp } from '../platform/http/app.ts';
import { twilioSignature } from './twilio-signature.ts';

let bench: MessagingBench;

beforeAll(async () => {
  bench = await startMessagingBench();
}, 120_000);

afterAll(async () => {
  await bench?.close();
});

const db = () => bench.database.db;

async function post(
  path: string,
  params: Record<string, string>,
  options: { token?: string; url?: string; headers?: Record<string, string> } = {},
) {
  const url = options.url ?? `${bench.config.PUBLIC_URL}${path}`;
  return fetch(`${bench.config.PUBLIC_URL}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(options.token ?? bench.fake.authToken, url, params),
      ...options.headers,
    },
    body: new URLSearchParams(params),
  });
}

async function sentMessage() {
  const guardian = await addGuardian(bench);
  const messageId = await outboxMessage(bench, guardian);
  bench.fake.callbackStatuses([]);
  await bench.run(messageId);
  bench.fake.callbackStatuses(['sent', 'delivered']);
  const { message } = await messageState(bench, messageId);
  return { guardian, messageId, sid: message.provider_message_id as string };
}

describe(`status callbacks (${testEngine()})`, () => {
  it('refuses a callback whose signature does not match, and one signed for another URL', async () => {
    const { messageId, sid } = await sentMessage();
    const path = `/webhooks/twilio/status?d=${bench.districtId}&m=${messageId}`;
    const params = { MessageSid: sid, MessageStatus: 'delivered', AccountSid: bench.fake.accountSid };
    expect((await post(path, params, { token: 'not-the-token' })).status).toBe(403);
    expect(
      (await post(path, params, { url: `${bench.config.PUBLIC_URL}/webhooks/twilio/status` })).status,
    ).toBe(403);
    const tampered = await fetch(`${bench.config.PUBLIC_URL}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(
          bench.fake.authToken,
          `${bench.config.PUBLIC_URL}${path}`,
          params,
        ),
      },
      body: new URLSearchParams({ ...params, MessageStatus: 'failed' }),
    });
    expect(tampered.status).toBe(403);
    expect((await messageState(bench, messageId)).message.status).toBe('accepted');
  });

  it('records each status once under five concurrent replays, and never downgrades delivered to sent (scenario 11)', async () => {
    const { messageId, sid } = await sentMessage();
    const path = `/webhooks/twilio/status?d=${bench.districtId}&m=${messageId}`;
    const delivered = {
      MessageSid: sid,
      SmsSid: sid,
      MessageStatus: 'delivered',
      SmsStatus: 'delivered',
      AccountSid: bench.fake.accountSid,
    };
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(path, delivered)));
    expect(answers.map((answer) => answer.status)).toEqual([204, 204, 204, 204, 204]);
    expect((await post(path, { ...delivered, MessageStatus: 'sent', SmsStatus: 'sent' })).status).toBe(204);
    const state = await messageState(bench, messageId);
    expect(state.message.status).toBe('delivered');
    expect(state.events.filter((event) => event.status === 'delivered')).toHaveLength(1);
    expect(state.events.map((event) => event.status).sort()).toEqual(['accepted', 'delivered', 'sent']);
  });

  it('settles an unclear attempt when the callback names the message before reconciliation does', async () => {
    const guardian = await addGuardian(bench);
    const messageId = await outboxMessage(bench, guardian);
    bench.fake.failNext({ kind: 'fail_after_accept' });
    await bench.run(messageId);
    await bench.fake.pendingCallbacks();
    const state = await messageState(bench, messageId);
    expect(state.message.status).toBe('delivered');
    expect(state.attempts.map((attempt) => attempt.state)).toEqual(['accepted']);
    await bench.run(messageId);
    expect(bench.fake.messages.filter((message) => message.body === state.message.body)).toHaveLength(1);
    bench.queue.take();
  });

  it('rebuilds the public URL behind a proxy: Twilio signs https://homeroom.example.org, the server listens on 127.0.0.1', async () => {
    const publicUrl = 'https://homeroom.example.org';
    const proxied = await buildApp({
      config: loadConfig({
        TWILIO_ACCOUNT_SID: bench.fake.accountSid,
        TWILIO_AUTH_TOKEN: bench.fake.authToken,
        PUBLIC_URL: publicUrl,
        TRUST_PROXY: 'true',
      }),
      database: bench.database,
      logger: pino({ level: 'silent' }),
    });
    await proxied.listen({ host: '127.0.0.1', port: 0 });
    const local = `http://127.0.0.1:${(proxied.server.address() as { port: number }).port}`;
    const fake = await FakeTwilio.start({
      accountSid: bench.fake.accountSid,
      authToken: bench.fake.authToken,
      webhookProxy: { [publicUrl]: local },
    });
    try {
      const guardian = await addGuardian(bench);
      const viaProxy = await fake.postInboundSms(`${publicUrl}/webhooks/twilio/sms`, {
        from: guardian.phone,
        to: bench.smsNumber,
        body: 'Thanks',
      });
      expect(viaProxy.status).toBe(200);
      // The same request signed for the address the server sees is refused.
      const params = { MessageSid: 'SMlocal', From: guardian.phone, To: bench.smsNumber, Body: 'Thanks' };
      const direct = await fetch(`${local}/webhooks/twilio/sms`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilioSignature(bench.fake.authToken, `${local}/webhooks/twilio/sms`, params),
        },
        body: new URLSearchParams(params),
      });
      expect(direct.status).toBe(403);
    } finally {
      await fake.close();
      await proxied.close();
    }
  });

  it('refuses every webhook when no auth token is configured (live mode)', async () => {
    const closed = await buildApp({
      config: loadConfig({ MESSAGING_MODE: 'live' }),
      database: bench.database,
      logger: pino({ level: 'silent' }),
    });
    for (const url of [
      '/webhooks/twilio/sms',
      `/webhooks/twilio/status?d=${bench.districtId}&m=${bench.districtId}`,
    ]) {
      const response = await closed.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'anything' },
        payload: 'MessageSid=SM1&From=%2B13125550000&To=%2B12175550100&Body=STOP',
      });
      expect(response.statusCode).toBe(503);
      expect(response.json().error.message).toContain('TWILIO_AUTH_TOKEN');
    }
    await closed.close();
  });
});

describe(`replies (${testEngine()})`, () => {
  const reply = (from: string, body: string, sid?: string) =>
    bench.fake.postInboundSms(`${bench.config.PUBLIC_URL}/webhooks/twilio/sms`, {
      from,
      to: bench.smsNumber,
      body,
      ...(sid ? { sid } : {}),
    });

  it('opts out on STOP at once with one confirmation; a replay changes nothing; the next message is suppressed', async () => {
    const guardian = await addGuardian(bench);
    const first = await reply(guardian.phone, 'Stop', 'SMstop0001');
    expect(first.status).toBe(200);
    expect(first.body).toMatch(/<Message>[^<]+<\/Message>/);
    const again = await reply(guardian.phone, 'Stop', 'SMstop0001');
    expect(again.status).toBe(200);
    expect(again.body).not.toContain('<Message>');
    const rows = await sql<{ n: number }>`SELECT count(*)::int AS n FROM inbound_messages
      WHERE district_id = ${bench.districtId} AND provider_message_id = 'SMstop0001'`.execute(db());
    expect(rows.rows[0]?.n).toBe(1);
    const confirmations = await sql<{ n: number }>`SELECT count(*)::int AS n FROM messages
      WHERE district_id = ${bench.districtId} AND contact_id = ${guardian.contactId} AND category = 'reply'`.execute(
      db(),
    );
    expect(confirmations.rows[0]?.n).toBe(1);
    const messageId = await outboxMessage(bench, guardian);
    await bench.run(messageId);
    expect((await messageState(bench, messageId)).message.status).toBe('suppressed');

    const back = await reply(guardian.phone, 'START');
    expect(back.body).toContain('<Message>');
    const consent = await sql<{ status: string }>`SELECT status FROM contact_consents
      WHERE district_id = ${bench.districtId} AND contact_id = ${guardian.contactId} AND channel = 'sms'`.execute(
      db(),
    );
    expect(consent.rows[0]?.status).toBe('granted');
  });

  it('opts out on a plain-language refusal in Spanish and Arabic, and answers in the family language', async () => {
    const spanish = await addGuardian(bench, { language: 'es' });
    const answer = await reply(spanish.phone, 'Ya no quiero recibir mensajes por favor');
    expect(answer.body).toContain('<Message>');
    const arabic = await addGuardian(bench, { language: 'ar' });
    const arabicAnswer = await reply(arabic.phone, 'توقف');
    expect(arabicAnswer.body).toMatch(/[\u0600-\u06ff]/);
    const consents = await sql<{ status: string }>`SELECT status FROM contact_consents
      WHERE district_id = ${bench.districtId} AND contact_id IN (${spanish.contactId}, ${arabic.contactId}) AND channel = 'sms'`.execute(
      db(),
    );
    expect(consents.rows.map((row) => row.status)).toEqual(['opted_out', 'opted_out']);
  });

  it('answers HELP with who is writing, and keeps an absence reason as a suggestion with evidence, applying nothing', async () => {
    const guardian = await addGuardian(bench);
    const help = await reply(guardian.phone, 'HELP');
    expect(help.body).toContain('<Message>');
    const reason = await reply(guardian.phone, 'She has a fever, she will stay home today');
    expect(reason.body).not.toContain('<Message>');
    const { rows } = await sql<{
      intent: { intent: string; barrier?: string; evidence: { phrase: string }[] };
      handled_at: Date | null;
    }>`
      SELECT intent, handled_at FROM inbound_messages WHERE district_id = ${bench.districtId} AND contact_id = ${guardian.contactId}
      ORDER BY received_at`.execute(db());
    expect(rows[1]?.intent).toMatchObject({ intent: 'absence_reason', barrier: 'health' });
    expect(rows[1]?.intent.evidence.length).toBeGreaterThan(0);
    expect(rows[1]?.handled_at).toBeNull();
    const consent = await sql`SELECT 1 FROM contact_consents WHERE district_id = ${bench.districtId}
      AND contact_id = ${guardian.contactId}`.execute(db());
    expect(consent.rows).toHaveLength(0);
  });

  it('ends a same-day check-in by text with the reply menu in the family language, and reads a texted digit as that choice', async () => {
    const spanish = await addGuardian(bench, { language: 'es' });
    const cookie = await signInAs(bench.app, 'admin@riverside.example.org');
    const sent = await bench.app.inject({
      method: 'POST',
      url: `/api/students/${spanish.studentId}/messages`,
      headers: { cookie },
      payload: { template: 'same_day_check_in', contactIds: [spanish.contactId] },
    });
    expect(sent.statusCode).toBe(201);
    const { rows: bodies } = await sql<{ body: string }>`SELECT body FROM messages
      WHERE district_id = ${bench.districtId} AND contact_id = ${spanish.contactId}`.execute(db());
    expect(bodies[0]?.body).toMatch(
      /\nResponda 1 si .+ está en la escuela, 2 si .+ está enfermo o enferma, o 3 si necesita ayuda de la escuela\.$/,
    );
    bench.queue.take();
    for (const planned of sent.json().messages as { messageId: string }[]) await bench.run(planned.messageId);

    await reply(spanish.phone, '2');
    await reply(spanish.phone, '٣');
    await reply(spanish.phone, '9');
    const { rows } = await sql<{ intent: { intent: string; barrier?: string; choice?: number } }>`
      SELECT intent FROM inbound_messages WHERE district_id = ${bench.districtId} AND contact_id = ${spanish.contactId}
      ORDER BY received_at`.execute(db());
    expect(rows.map((row) => row.intent)).toEqual([
      expect.objectContaining({ intent: 'absence_reason', barrier: 'health', choice: 2 }),
      expect.objectContaining({ intent: 'help_request', choice: 3 }),
      expect.objectContaining({ intent: 'menu_choice', choice: 9 }),
    ]);
    // A digit never opts out by text: STOP does.
    const consent = await sql`SELECT 1 FROM contact_consents WHERE district_id = ${bench.districtId}
      AND contact_id = ${spanish.contactId}`.execute(db());
    expect(consent.rows).toHaveLength(0);
    // Staff cannot send a portal sign-in code or the menu on its own.
    for (const template of ['sign_in_code', 'sms_reply_menu']) {
      const refused = await bench.app.inject({
        method: 'POST',
        url: `/api/students/${spanish.studentId}/messages`,
        headers: { cookie },
        payload: { template, contactIds: [spanish.contactId] },
      });
      expect(refused.statusCode, template).toBe(400);
    }
  });

  it('reads a texted number after a survey invitation as the score, and records it for the school', async () => {
    const guardian = await addGuardian(bench);
    const cookie = await signInAs(bench.app, 'admin@riverside.example.org');
    const sent = await bench.app.inject({
      method: 'POST',
      url: `/api/students/${guardian.studentId}/messages`,
      headers: { cookie },
      payload: { template: 'survey_invitation', category: 'general', contactIds: [guardian.contactId] },
    });
    expect(sent.statusCode).toBe(201);
    for (const planned of sent.json().messages as { messageId: string }[]) await bench.run(planned.messageId);
    bench.queue.take();
    // "2" here is a score, not "my child is sick": the school asked for a number from 1 to 10.
    await reply(guardian.phone, '10', 'SMsurvey0001');
    await reply(guardian.phone, '10', 'SMsurvey0001');
    const { rows } = await sql<{
      intent: { intent: string; score?: number; studentId?: string };
      handled: boolean;
    }>`
      SELECT intent, handled_at IS NOT NULL AS handled FROM inbound_messages
      WHERE district_id = ${bench.districtId} AND contact_id = ${guardian.contactId}`.execute(db());
    expect(rows).toEqual([
      {
        intent: expect.objectContaining({ intent: 'survey_score', score: 10, studentId: guardian.studentId }),
        handled: true,
      },
    ]);
    const responses = await sql<{ score: number; channel: string; student_id: string }>`
      SELECT score, channel, student_id FROM survey_responses WHERE contact_id = ${guardian.contactId}`.execute(
      db(),
    );
    expect(responses.rows).toEqual([{ score: 10, channel: 'sms', student_id: guardian.studentId }]);
    const results = await bench.app.inject({
      method: 'GET',
      url: '/api/surveys/results',
      headers: { cookie },
    });
    expect(results.statusCode).toBe(200);
    expect(results.json().responses).toBeGreaterThanOrEqual(1);
    expect(results.json().distribution[9]).toBeGreaterThanOrEqual(1);
    expect(results.json().byChannel.sms).toBeGreaterThanOrEqual(1);
  });

  it('keeps a reply from a number nobody has on file, without inventing a contact', async () => {
    const answer = await reply('+13125559999', 'Who is this?');
    expect(answer.status).toBe(200);
    const { rows } = await sql<{ contact_id: string | null }>`SELECT contact_id FROM inbound_messages
      WHERE district_id = ${bench.districtId} AND from_address = '+13125559999'`.execute(db());
    expect(rows).toEqual([{ contact_id: null }]);
  });
});
