/**
 * The send job against the fake Twilio and a real SMTP server (RELIABILITY.md §B): nothing sent
 * twice (I1: at most one provider-accepted message per outbox row), nothing lost (I2: every
 * message ends accepted or later, or failed with a reason), whatever the provider answers.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../test/support/database.ts';
import {
  addGuardian,
  demoAdmin,
  type MessagingBench,
  messageState,
  outboxMessage,
  startMessagingBench,
} from '../../test/support/messaging.ts';
import { messageFamily } from './messaging.service.ts';
import { createTwilioProvider } from './providers/twilio.provider.ts';
import { DEFAULT_SEND_POLICY, retryDelayMs } from './send-message.job.ts';
import { zonedInstant } from './send-window.ts';

let bench: MessagingBench;

beforeAll(async () => {
  bench = await startMessagingBench();
}, 120_000);

afterAll(async () => {
  await bench?.close();
});

/** How many messages the fake accepted for this body (the no-duplicates count). */
const accepted = (body: string) => bench.fake.messages.filter((message) => message.body === body).length;

async function newSms(options: Parameters<typeof outboxMessage>[2] = {}) {
  const guardian = await addGuardian(bench);
  const messageId = await outboxMessage(bench, guardian, options);
  const { message } = await messageState(bench, messageId);
  return { guardian, messageId, body: message.body };
}

describe(`sending (${testEngine()})`, () => {
  it('sends an SMS once, then records sent and delivered from signed callbacks as evidence', async () => {
    const { messageId, body, guardian } = await newSms();
    await bench.run(messageId);
    await bench.fake.pendingCallbacks();
    const state = await messageState(bench, messageId);
    expect(accepted(body)).toBe(1);
    const sent = bench.fake.messages.find((message) => message.body === body);
    expect(sent?.to).toBe(guardian.phone);
    expect(sent?.from).toBe(bench.smsNumber);
    expect(state.message.status).toBe('delivered');
    expect(state.message.provider_message_id).toBe(sent?.sid);
    expect(state.attempts).toEqual([
      expect.objectContaining({ attempt_no: 1, state: 'accepted', provider_message_id: sent?.sid }),
    ]);
    expect(state.events.map((event) => event.status)).toEqual(['accepted', 'sent', 'delivered']);
    // Running the job again (pg-boss delivers at least once) changes nothing.
    await bench.run(messageId);
    expect(accepted(body)).toBe(1);
  });

  it('retries a 429 no sooner than Retry-After, then sends once', async () => {
    const { messageId, body } = await newSms();
    bench.fake.failNext({ kind: 'rate_limit', retryAfterSeconds: 7 });
    const before = Date.now();
    await bench.run(messageId);
    let state = await messageState(bench, messageId);
    expect(state.message.status).toBe('queued');
    expect(state.attempts[0]).toMatchObject({ state: 'retryable', http_status: 429, error_code: '20429' });
    const [retry] = bench.queue.take();
    expect(retry?.payload.messageId).toBe(messageId);
    expect(retry?.startAfter?.getTime()).toBeGreaterThanOrEqual(before + 7000);
    await bench.run(messageId);
    state = await messageState(bench, messageId);
    expect(state.message.status).not.toBe('queued');
    expect(accepted(body)).toBe(1);
    expect(state.attempts.map((attempt) => attempt.state)).toEqual(['retryable', 'accepted']);
  });

  it('fans out under a provider rate limit: every 429 retried no sooner than Retry-After, all sent, none twice (scenario 2)', async () => {
    bench.queue.take();
    bench.fake.callbackStatuses([]);
    bench.fake.rateLimitAbove(15);
    // A short backoff, so Retry-After (1 s from the fake) is what decides the wait.
    const fastRetries = { retryBaseMs: 50, maxAttempts: 20 };
    try {
      const outbox = await Promise.all(Array.from({ length: 60 }, () => newSms()));
      const ids = outbox.map((item) => item.messageId);
      for (let start = 0; start < ids.length; start += 20) {
        await Promise.all(ids.slice(start, start + 20).map((id) => bench.run(id, fastRetries)));
      }
      let limited = 0;
      for (let round = 0; round < 20 && bench.queue.jobs.length > 0; round += 1) {
        const due = bench.queue.take();
        limited += due.length;
        const latest = Math.max(...due.map((job) => job.startAfter?.getTime() ?? 0));
        // Wait as the queue would: no retry before its time.
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, latest - Date.now())));
        await Promise.all(due.map((job) => bench.run(job.payload.messageId, fastRetries)));
      }
      expect(limited).toBeGreaterThan(0);
      for (const item of outbox) expect(accepted(item.body)).toBe(1);
      const { rows } = await sql<{
        status: string;
        n: number;
      }>`SELECT status, count(*)::int AS n FROM messages
        WHERE district_id = ${bench.districtId} AND message_id IN (${sql.join(ids)}) GROUP BY status`.execute(
        bench.database.db,
      );
      expect(rows).toEqual([{ status: 'accepted', n: 60 }]);
      const early = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM message_attempts a JOIN message_attempts b
          ON b.district_id = a.district_id AND b.message_id = a.message_id AND b.attempt_no = a.attempt_no + 1
        WHERE a.message_id IN (${sql.join(ids)}) AND a.http_status = 429 AND b.started_at < a.finished_at + interval '1 second'`.execute(
        bench.database.db,
      );
      expect(early.rows[0]?.n).toBe(0);
    } finally {
      bench.fake.rateLimitAbove(null);
      bench.fake.callbackStatuses(['sent', 'delivered']);
    }
  }, 60_000);

  it('backs off exponentially with jitter when the provider gives no Retry-After', () => {
    const policy = DEFAULT_SEND_POLICY;
    expect(retryDelayMs(1, policy, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(3, policy, () => 0.5)).toBe(120_000);
    expect(retryDelayMs(3, policy, () => 0)).toBe(60_000);
    expect(retryDelayMs(3, policy, () => 0.999)).toBeLessThan(180_000);
    expect(retryDelayMs(30, policy, () => 0.5)).toBe(3_600_000);
    expect(retryDelayMs(1, policy, () => 0.5, 90_000)).toBe(90_000);
  });

  it('reconciles a 500 after the provider accepted, and never sends a second SMS', async () => {
    const { messageId, body } = await newSms();
    bench.fake.failNext({ kind: 'fail_after_accept' });
    await bench.run(messageId);
    let state = await messageState(bench, messageId);
    expect(
      state.message.status === 'uncertain' ||
        state.message.status === 'delivered' ||
        state.message.status === 'sent',
    ).toBe(true);
    expect(accepted(body)).toBe(1);
    expect(bench.queue.take().length).toBeLessThanOrEqual(1);
    await bench.run(messageId);
    await bench.fake.pendingCallbacks();
    state = await messageState(bench, messageId);
    expect(accepted(body)).toBe(1);
    expect(['accepted', 'sent', 'delivered']).toContain(state.message.status);
    expect(state.attempts).toHaveLength(1);
    expect(state.attempts[0]?.state).toBe('accepted');
  });

  it('treats a timeout as unclear: reconciles and finds the message the slow provider took', async () => {
    const { messageId, body } = await newSms();
    bench.fake.failNext({ kind: 'hang_after_accept', ms: 5000 });
    await bench.run(messageId);
    const first = await messageState(bench, messageId);
    expect(first.attempts[0]).toMatchObject({ state: expect.stringMatching(/uncertain|accepted/) });
    await bench.run(messageId);
    const state = await messageState(bench, messageId);
    expect(accepted(body)).toBe(1);
    expect(state.attempts.map((attempt) => attempt.state)).toEqual(['accepted']);
  });

  it('resends after a timeout or a reset when reconciliation shows the provider never had it', async () => {
    for (const fault of [{ kind: 'hang', ms: 5000 } as const, { kind: 'reset' } as const]) {
      const { messageId, body } = await newSms();
      bench.fake.failNext(fault);
      await bench.run(messageId);
      expect((await messageState(bench, messageId)).message.status).toBe('uncertain');
      expect(accepted(body)).toBe(0);
      await bench.run(messageId);
      const state = await messageState(bench, messageId);
      expect(accepted(body)).toBe(1);
      expect(state.attempts.map((attempt) => attempt.state)).toEqual(['absent', 'accepted']);
    }
  });

  it('recovers a worker killed after the provider accepted but before the id was saved (scenario 5)', async () => {
    const { messageId, body, guardian } = await newSms();
    // The dead worker's traces: its ledger row, and the message the provider took.
    await sql`INSERT INTO message_attempts (district_id, message_id, attempt_no, state, provider, started_at)
      VALUES (${bench.districtId}, ${messageId}, 1, 'attempting', 'twilio', now() - interval '5 minutes')`.execute(
      bench.database.db,
    );
    await sql`UPDATE messages SET status = 'sending', attempts = 1 WHERE district_id = ${bench.districtId} AND message_id = ${messageId}`.execute(
      bench.database.db,
    );
    const provider = createTwilioProvider({
      accountSid: bench.fake.accountSid,
      authToken: bench.fake.authToken,
      apiUrl: bench.fake.apiBaseUrl,
      timeoutMs: 2000,
    });
    bench.fake.callbackStatuses([]);
    const taken = await provider.send(
      {
        districtId: bench.districtId,
        messageId,
        channel: 'sms',
        category: 'attendance_alert',
        language: 'en',
        from: bench.smsNumber,
        to: guardian.phone,
        subject: null,
        body,
        statusCallbackUrl: `${bench.config.PUBLIC_URL}/webhooks/twilio/status?d=${bench.districtId}&m=${messageId}`,
        gatherUrl: '',
        unsubscribeUrl: '',
        replyTo: null,
        keypadPrompt: null,
        speechLanguage: null,
      },
      new AbortController().signal,
    );
    bench.fake.callbackStatuses(['sent', 'delivered']);
    expect(taken.kind).toBe('accepted');
    await bench.run(messageId, { inFlightGraceMs: 60_000 });
    const state = await messageState(bench, messageId);
    expect(accepted(body)).toBe(1);
    expect(state.message.status).toBe('accepted');
    expect(state.attempts).toEqual([
      expect.objectContaining({ state: 'accepted', error_code: 'reconciled' }),
    ]);
  });

  it('recovers a worker killed before the provider call: sends exactly once (scenario 6)', async () => {
    const { messageId, body } = await newSms();
    await sql`INSERT INTO message_attempts (district_id, message_id, attempt_no, state, provider, started_at)
      VALUES (${bench.districtId}, ${messageId}, 1, 'attempting', 'twilio', now() - interval '5 minutes')`.execute(
      bench.database.db,
    );
    await sql`UPDATE messages SET status = 'sending', attempts = 1 WHERE district_id = ${bench.districtId} AND message_id = ${messageId}`.execute(
      bench.database.db,
    );
    await bench.run(messageId, { inFlightGraceMs: 60_000 });
    const state = await messageState(bench, messageId);
    expect(accepted(body)).toBe(1);
    expect(state.attempts.map((attempt) => attempt.state)).toEqual(['absent', 'accepted']);
  });

  it('lets two concurrent runs of one job make a single provider call', async () => {
    const { messageId, body } = await newSms();
    bench.fake.failNext({ kind: 'hang_after_accept', ms: 300 });
    await Promise.all([
      bench.run(messageId, { inFlightGraceMs: 60_000 }),
      bench.run(messageId, { inFlightGraceMs: 60_000 }),
    ]);
    expect(accepted(body)).toBe(1);
    const creates = bench.fake.requests.filter(
      (request) => request.method === 'POST' && request.path.endsWith('/Messages.json'),
    );
    expect(creates.length).toBeGreaterThan(0);
    const state = await messageState(bench, messageId);
    expect(state.attempts).toHaveLength(1);
  });

  it('aborts a run that outlives its expiry through the job signal, and the ledger stops a second call (scenario 12a)', async () => {
    const { messageId, body } = await newSms();
    bench.fake.failNext({ kind: 'hang_after_accept', ms: 5000 });
    const expiry = new AbortController();
    const first = bench.run(messageId, { inFlightGraceMs: 60_000 }, expiry.signal);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expiry.abort(new Error('job expired'));
    // pg-boss hands the job to a second worker while the first is still finishing.
    await Promise.all([first, bench.run(messageId, { inFlightGraceMs: 60_000 })]);
    expect(accepted(body)).toBe(1);
    await bench.run(messageId);
    expect(accepted(body)).toBe(1);
    expect((await messageState(bench, messageId)).attempts).toHaveLength(1);
  });

  it('fails for good on permanent errors, with the code, flagged for staff, without retrying (scenario 8)', async () => {
    const optedOut = await newSms();
    bench.fake.failFor(optedOut.guardian.phone, {
      kind: 'error',
      status: 400,
      code: 21610,
      message: 'Attempt to send to unsubscribed recipient',
    });
    await bench.run(optedOut.messageId);
    let state = await messageState(bench, optedOut.messageId);
    expect(state.message).toMatchObject({ status: 'failed', error_code: '21610', needs_staff: true });
    expect(bench.queue.take()).toEqual([]);
    const consent = await sql<{ status: string }>`SELECT status FROM contact_consents
      WHERE district_id = ${bench.districtId} AND contact_id = ${optedOut.guardian.contactId} AND channel = 'sms'`.execute(
      bench.database.db,
    );
    expect(consent.rows[0]?.status).toBe('opted_out');

    const invalid = await newSms();
    bench.fake.failFor(invalid.guardian.phone, {
      kind: 'error',
      status: 400,
      code: 21211,
      message: "The 'To' number is not a valid phone number.",
    });
    await bench.run(invalid.messageId);
    await bench.run(invalid.messageId);
    state = await messageState(bench, invalid.messageId);
    expect(state.message).toMatchObject({ status: 'failed', error_code: '21211', needs_staff: true });
    expect(state.attempts).toHaveLength(1);
    const contact = await sql<{ needs_attention: string | null }>`SELECT needs_attention FROM contacts
      WHERE district_id = ${bench.districtId} AND contact_id = ${invalid.guardian.contactId}`.execute(
      bench.database.db,
    );
    expect(contact.rows[0]?.needs_attention).toContain('21211');
  });

  it('never sends to an opted-out contact: the send path suppresses it', async () => {
    const guardian = await addGuardian(bench, { optedOut: ['sms'] });
    const messageId = await outboxMessage(bench, guardian);
    const { message } = await messageState(bench, messageId);
    await bench.run(messageId);
    const state = await messageState(bench, messageId);
    expect(state.message).toMatchObject({ status: 'suppressed', error_code: 'opted_out' });
    expect(accepted(message.body)).toBe(0);
    expect(state.attempts).toEqual([]);
  });

  it('does not send a same-day alert on a later day: it expires at the end of its day', async () => {
    const { messageId, body } = await newSms();
    await sql`UPDATE messages SET expires_at = now() - interval '1 minute' WHERE district_id = ${bench.districtId} AND message_id = ${messageId}`.execute(
      bench.database.db,
    );
    await bench.run(messageId);
    expect((await messageState(bench, messageId)).message).toMatchObject({
      status: 'suppressed',
      error_code: 'expired',
    });
    expect(accepted(body)).toBe(0);
  });

  it('does not write a same-day alert that quiet hours would push to tomorrow', async () => {
    const guardian = await addGuardian(bench);
    const { rows } = await sql<{
      time_zone: string;
    }>`SELECT time_zone FROM districts WHERE district_id = ${bench.districtId}`.execute(bench.database.db);
    const zone = rows[0]?.time_zone as string;
    // 22:30 in the district: past quiet hours and school hours alike.
    const late = zonedInstant(new Date().toISOString().slice(0, 10), 22 * 60 + 30, zone);
    const admin = await demoAdmin(bench);
    const result = await messageFamily(
      { db: bench.database.db, queue: bench.queue },
      admin,
      guardian.studentId,
      {
        content: { template: 'same_day_check_in' },
        category: 'attendance_alert',
        contactIds: [guardian.contactId],
      },
      late,
    );
    expect(result.messages).toEqual([]);
    expect(result.unreachable).toEqual([
      expect.objectContaining({ reason: expect.stringContaining('too late today') }),
    ]);
    // A general message at that hour waits for the morning instead.
    const general = await messageFamily(
      { db: bench.database.db, queue: bench.queue },
      admin,
      guardian.studentId,
      {
        content: { text: 'A note for tomorrow.' },
        category: 'general',
        contactIds: [guardian.contactId],
      },
      late,
    );
    expect(new Date(general.messages[0]?.notBefore as string).getTime()).toBeGreaterThan(late.getTime());
    bench.queue.take();
  });

  it('gives up after the attempt budget, visibly (I2: failed with a reason, never stuck)', async () => {
    const { messageId, body } = await newSms();
    // Three 500s, each reconciled (absent) before the next attempt; a fourth attempt is over budget.
    bench.fake.failNext({ kind: 'server_error' }, 3);
    for (let run = 0; run < 4; run += 1) await bench.run(messageId, { maxAttempts: 3 });
    const state = await messageState(bench, messageId);
    expect(state.message).toMatchObject({
      status: 'failed',
      error_code: 'retries_exhausted',
      needs_staff: true,
    });
    expect(state.attempts.map((attempt) => attempt.state)).toEqual(['absent', 'absent', 'absent']);
    expect(accepted(body)).toBe(0);
    bench.queue.take();
  });
});

describe(`email over SMTP (${testEngine()})`, () => {
  it('sends HTML and text with one-click unsubscribe headers, and an alert without them', async () => {
    const guardian = await addGuardian(bench, { email: 'parent.one@example.org' });
    const general = await outboxMessage(bench, guardian, {
      channel: 'email',
      to: 'parent.one@example.org',
      category: 'general',
      body: 'Maria has missed 8 days so far.',
    });
    const alert = await outboxMessage(bench, guardian, {
      channel: 'email',
      to: 'parent.one@example.org',
      category: 'attendance_alert',
      body: 'We missed Maria today.',
    });
    await bench.run(general);
    await bench.run(alert);
    const mail = bench.sink.messages.find((message) => message.text?.includes('missed 8 days'));
    expect(mail?.envelope.to).toEqual(['parent.one@example.org']);
    const { message } = await messageState(bench, general);
    expect(message.status).toBe('sent');
    expect(mail?.headers.get('list-unsubscribe')).toBe(
      `<${bench.config.PUBLIC_URL}/unsubscribe/${message.unsubscribe_token}>`,
    );
    expect(mail?.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(mail?.html).toContain('<p>Maria has missed 8 days so far.</p>');
    const alertMail = bench.sink.messages.find((item) => item.text?.includes('We missed Maria today'));
    expect(alertMail?.headers.has('list-unsubscribe')).toBe(false);

    // The one-click POST opts the contact out of email, and the next email is suppressed.
    const response = await fetch(`${bench.config.PUBLIC_URL}/unsubscribe/${message.unsubscribe_token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(response.status).toBe(200);
    const next = await outboxMessage(bench, guardian, {
      channel: 'email',
      to: 'parent.one@example.org',
      category: 'general',
    });
    await bench.run(next);
    expect((await messageState(bench, next)).message.status).toBe('suppressed');
  });

  it('writes Arabic email right to left', async () => {
    const guardian = await addGuardian(bench, { email: 'parent.ar@example.org', language: 'ar' });
    const messageId = await outboxMessage(bench, guardian, {
      channel: 'email',
      to: 'parent.ar@example.org',
      language: 'ar',
      body: 'افتقدنا ابنتكم اليوم.',
    });
    await bench.run(messageId);
    const mail = bench.sink.messages.find((message) => message.envelope.to.includes('parent.ar@example.org'));
    expect(mail?.html).toContain('dir="rtl"');
    expect(mail?.html).toContain('lang="ar"');
  });

  it('fails on an SMTP 5xx rejection without retrying, and retries a 4xx', async () => {
    const guardian = await addGuardian(bench, { email: 'bounce@example.org' });
    const rejected = await outboxMessage(bench, guardian, { channel: 'email', to: 'bounce@example.org' });
    bench.sink.rejectNext(550);
    await bench.run(rejected);
    expect((await messageState(bench, rejected)).message).toMatchObject({
      status: 'failed',
      error_code: 'smtp_550',
      needs_staff: true,
    });
    expect(bench.queue.take()).toEqual([]);

    const deferred = await outboxMessage(bench, guardian, { channel: 'email', to: 'bounce@example.org' });
    bench.sink.rejectNext(451);
    await bench.run(deferred);
    expect((await messageState(bench, deferred)).message).toMatchObject({
      status: 'queued',
      error_code: 'smtp_451',
    });
    expect(bench.queue.take()).toHaveLength(1);
    await bench.run(deferred);
    expect((await messageState(bench, deferred)).message.status).toBe('sent');
  });
});

describe(`voice (${testEngine()})`, () => {
  it('calls with text-to-speech in the family language and keypad choices; records who answered and the choice', async () => {
    const guardian = await addGuardian(bench, { language: 'es', channel: 'voice', readsText: false });
    bench.fake.callOutcome(guardian.phone, { answeredBy: 'human', digits: '1' });
    const messageId = await outboxMessage(bench, guardian, {
      channel: 'voice',
      language: 'es',
      body: 'Extrañamos a Sofía hoy en la escuela.',
    });
    await bench.run(messageId);
    await bench.fake.pendingCallbacks();
    const call = bench.fake.calls.find((item) => item.to === guardian.phone);
    expect(call?.twiml).toContain('<Say language="es-');
    expect(call?.twiml).toContain('Extrañamos a Sofía hoy en la escuela.');
    expect(call?.twiml).toContain('<Gather numDigits="1"');
    const state = await messageState(bench, messageId);
    expect(state.message).toMatchObject({ status: 'delivered', answered_by: 'human' });
    const replies = await sql<{ intent: { intent: string } }>`SELECT intent FROM inbound_messages
      WHERE district_id = ${bench.districtId} AND contact_id = ${guardian.contactId} AND channel = 'voice'`.execute(
      bench.database.db,
    );
    expect(replies.rows.map((row) => row.intent.intent)).toEqual(['at_school']);
  });

  it('records voicemail and no answer as evidence', async () => {
    const machine = await addGuardian(bench, { channel: 'voice', readsText: false });
    bench.fake.callOutcome(machine.phone, { answeredBy: 'machine_end_beep' });
    const left = await outboxMessage(bench, machine, { channel: 'voice' });
    await bench.run(left);
    const nobody = await addGuardian(bench, { channel: 'voice', readsText: false });
    bench.fake.callOutcome(nobody.phone, { answeredBy: 'no-answer' });
    const missed = await outboxMessage(bench, nobody, { channel: 'voice' });
    await bench.run(missed);
    await bench.fake.pendingCallbacks();
    expect((await messageState(bench, left)).message).toMatchObject({
      status: 'delivered',
      answered_by: 'voicemail',
    });
    expect((await messageState(bench, missed)).message).toMatchObject({
      status: 'undelivered',
      answered_by: 'no_answer',
      needs_staff: true,
    });
  });
});
