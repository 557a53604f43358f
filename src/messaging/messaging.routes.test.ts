/**
 * The staff messaging API and the outbox end to end: a staff member sends a message to a
 * family, a real pg-boss worker sends it to the fake Twilio, the signed callbacks mark it
 * delivered, the family replies, and the reply lands in the conversation and the inbox.
 */
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../test/support/database.ts';
import {
  addGuardian,
  type MessagingBench,
  messageState,
  outboxMessage,
  startMessagingBench,
} from '../../test/support/messaging.ts';
import { signInAs } from '../../test/support/sign-in.ts';
import { createJobs } from '../jobs.ts';
import { createJobQueue, type JobQueue } from '../platform/jobs/queue.ts';
import { createDigestJob } from './digest.job.ts';
import { enqueueMessage } from './outbox.ts';
import { isWithinSendWindow } from './send-window.ts';

let bench: MessagingBench;
let admin: string;
let teacher: string;

beforeAll(async () => {
  bench = await startMessagingBench();
  admin = await signInAs(bench.app, 'admin@riverside.example.org');
  teacher = await signInAs(bench.app, 'teacher@riverside.example.org');
}, 120_000);

afterAll(async () => {
  await bench?.close();
});

const db = () => bench.database.db;

function send(cookie: string, studentId: string, payload: object) {
  return bench.app.inject({
    method: 'POST',
    url: `/api/students/${studentId}/messages`,
    headers: { cookie },
    payload,
  });
}

/** A student the demo teacher does not teach. */
async function studentOutsideTeacherScope(): Promise<string> {
  const { rows } = await sql<{ student_id: string }>`
    SELECT s.student_id FROM students s WHERE s.district_id = ${bench.districtId}
      AND NOT EXISTS (SELECT 1 FROM section_enrolments se JOIN section_staff ss USING (district_id, section_id)
        JOIN staff_users u ON u.district_id = ss.district_id AND u.user_id = ss.user_id
        WHERE se.district_id = s.district_id AND se.student_id = s.student_id AND u.email LIKE 'teacher@%')
    LIMIT 1`.execute(db());
  return rows[0]?.student_id as string;
}

describe(`messaging API (${testEngine()})`, () => {
  it('sends a template to each guardian in their language and channel, inside quiet hours, once per idempotency key', async () => {
    const studentId = await studentOutsideTeacherScope();
    const spanish = await addGuardian(bench, { studentId, language: 'es' });
    const voice = await addGuardian(bench, { studentId, readsText: false, channel: 'voice' });
    const payload = {
      template: 'same_day_check_in',
      category: 'attendance_alert',
      idempotencyKey: 'absence-2027-01-15-a',
      contactIds: [spanish.contactId, voice.contactId],
    };
    const response = await send(admin, studentId, payload);
    expect(response.statusCode).toBe(201);
    const result = response.json() as {
      messages: { contactId: string; channel: string; language: string; notBefore: string; body: string }[];
    };
    const byContact = new Map(result.messages.map((message) => [message.contactId, message]));
    expect(byContact.get(spanish.contactId)).toMatchObject({ channel: 'sms', language: 'es' });
    expect(byContact.get(voice.contactId)).toMatchObject({ channel: 'voice' });
    const { rows } = await sql<{
      time_zone: string;
    }>`SELECT time_zone FROM districts WHERE district_id = ${bench.districtId}`.execute(db());
    for (const message of result.messages) {
      expect(
        isWithinSendWindow(new Date(message.notBefore), 'attendance_alert', {
          timeZone: rows[0]?.time_zone as string,
          quietStart: '08:00',
          quietEnd: '21:00',
          schoolDayStart: '07:30',
          schoolDayEnd: '15:30',
        }),
      ).toBe(true);
    }
    expect(bench.queue.take()).toHaveLength(2);
    const again = await send(admin, studentId, payload);
    expect(again.statusCode).toBe(200);
    expect(
      (again.json() as { messages: { created: boolean }[] }).messages.every((message) => !message.created),
    ).toBe(true);
    expect(bench.queue.take()).toHaveLength(0);
    const audit = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM audit_log WHERE district_id = ${bench.districtId}
      AND student_id = ${studentId} AND action = 'message.send'`.execute(db());
    expect(audit.rows[0]?.n).toBe(2);
  });

  it('reports guardians who cannot be reached, and refuses a student outside the caller scope as not found', async () => {
    const studentId = await studentOutsideTeacherScope();
    const stopped = await addGuardian(bench, { studentId, optedOut: ['sms', 'voice'] });
    const response = await send(admin, studentId, {
      text: 'Hello from the attendance team.',
      contactIds: [stopped.contactId],
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      messages: [],
      unreachable: [{ contactId: stopped.contactId, reason: expect.stringContaining('opted out') }],
    });
    const hidden = await send(teacher, studentId, { text: 'Hello' });
    expect(hidden.statusCode).toBe(404);
  });

  it('names what is wrong with a request', async () => {
    const studentId = await studentOutsideTeacherScope();
    const both = await send(admin, studentId, { template: 'same_day_check_in', text: 'Hi' });
    expect(both.statusCode).toBe(400);
    expect(both.json().error.message).toContain('either template');
    const unknownTemplate = await send(admin, studentId, { template: 'threaten_family' });
    expect(unknownTemplate.statusCode).toBe(400);
    expect(unknownTemplate.json().error.message).toContain('body.template');
    const stranger = await send(admin, studentId, {
      text: 'Hi',
      contactIds: ['00000000-0000-4000-8000-000000000009'],
    });
    expect(stranger.statusCode).toBe(400);
    expect(stranger.json().error.message).toContain('00000000-0000-4000-8000-000000000009');
  });

  it('counts SMS segments and flags blaming words while staff write', async () => {
    const response = await bench.app.inject({
      method: 'POST',
      url: '/api/messaging/preview',
      headers: { cookie: teacher },
      payload: { text: 'Your child has excessive absences and truancy proceedings may follow.' },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json() as {
      segments: { encoding: string; segments: number };
      tone: { phrase: string }[];
    };
    expect(body.segments).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    const flagged = body.tone.map((flag) => flag.phrase.toLowerCase());
    expect(flagged).toContain('excessive absences');
    expect(flagged.some((phrase) => phrase.includes('truancy'))).toBe(true);
  });

  it("holds messages over the family's weekly budget and sends them in one digest once it allows; alerts always go", async () => {
    const studentId = await studentOutsideTeacherScope();
    const guardian = await addGuardian(bench, { studentId });
    await sql`UPDATE messaging_settings SET weekly_budget_per_family = 2 WHERE district_id = ${bench.districtId}`.execute(
      db(),
    );
    bench.queue.take();
    try {
      for (const key of ['budget-1', 'budget-2']) {
        const ok = await send(admin, studentId, {
          text: `Note ${key}.`,
          contactIds: [guardian.contactId],
          idempotencyKey: key,
        });
        expect(ok.json().messages[0].heldForDigest).toBeUndefined();
      }
      for (const key of ['budget-3', 'budget-4']) {
        const over = await send(admin, studentId, {
          text: `Note ${key}.`,
          contactIds: [guardian.contactId],
          idempotencyKey: key,
        });
        expect(over.json().messages[0]).toMatchObject({ heldForDigest: true });
      }
      const alert = await send(admin, studentId, {
        template: 'same_day_check_in',
        category: 'attendance_alert',
        contactIds: [guardian.contactId],
      });
      expect(alert.json().messages[0].heldForDigest).toBeUndefined();
      const jobs = bench.queue.take();
      const digests = jobs.filter((job) => job.name === 'messaging.send-digest');
      expect(digests).toHaveLength(2);
      // The digest waits until the oldest counted message is a week old.
      expect(digests[0]?.startAfter?.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
      expect(jobs.filter((job) => job.name === 'messaging.send-message')).toHaveLength(3);

      const digestJob = createDigestJob();
      const context = {
        db: db(),
        logger: pino({ level: 'silent' }),
        jobId: 'j',
        signal: new AbortController().signal,
        queue: bench.queue,
      };
      const payload = { districtId: bench.districtId, contactId: guardian.contactId, v: 1 as const };
      // Run early (still over budget): it waits again rather than sending.
      await digestJob.handle(payload, context);
      expect(bench.queue.take().map((job) => job.name)).toEqual(['messaging.send-digest']);
      // A week later the budget allows one more message: the digest carries both held notes.
      await sql`UPDATE messages SET created_at = created_at - interval '8 days' WHERE district_id = ${bench.districtId}
        AND contact_id = ${guardian.contactId} AND status <> 'held'`.execute(db());
      await digestJob.handle(payload, context);
      await digestJob.handle(payload, context);
      const { rows } = await sql<{
        status: string;
        body: string;
        digest_id: string | null;
        template_key: string | null;
      }>`
        SELECT status, body, digest_id, template_key FROM messages WHERE district_id = ${bench.districtId} AND contact_id = ${guardian.contactId}
        ORDER BY created_at`.execute(db());
      const digest = rows.filter((row) => row.template_key === 'weekly_digest');
      expect(digest).toHaveLength(1);
      expect(digest[0]?.body).toBe(
        "This week's messages from Riverside Unified School District:\n\nNote budget-3.\n\nNote budget-4.",
      );
      expect(rows.filter((row) => row.status === 'digested')).toHaveLength(2);
      expect(bench.queue.take().filter((job) => job.name === 'messaging.send-message')).toHaveLength(1);
    } finally {
      await sql`UPDATE messaging_settings SET weekly_budget_per_family = 5 WHERE district_id = ${bench.districtId}`.execute(
        db(),
      );
      bench.queue.take();
    }
  });

  it("records the absence a family reported, once staff confirm it, with its source and the family's words", async () => {
    const studentId = await studentOutsideTeacherScope();
    const guardian = await addGuardian(bench, { studentId });
    await bench.fake.postInboundSms(`${bench.config.PUBLIC_URL}/webhooks/twilio/sms`, {
      from: guardian.phone,
      to: bench.smsNumber,
      body: 'He is sick with a fever today',
    });
    const { rows } = await sql<{ inbound_id: string }>`SELECT inbound_id FROM inbound_messages
      WHERE district_id = ${bench.districtId} AND contact_id = ${guardian.contactId}`.execute(db());
    const inboundId = rows[0]?.inbound_id as string;
    const url = `/api/messaging/inbox/${inboundId}/record-absence`;
    const payload = { studentId, date: '2027-01-14', excused: true };
    const recorded = await bench.app.inject({ method: 'POST', url, headers: { cookie: admin }, payload });
    expect(recorded.statusCode).toBe(200);
    expect(recorded.json()).toMatchObject({ category: 'excused_absence', reason: 'illness' });
    expect(
      (await bench.app.inject({ method: 'POST', url, headers: { cookie: admin }, payload })).statusCode,
    ).toBe(200);
    const events = await sql<{ category: string; reason: string; note: string; source_system: string }>`
      SELECT category, reason, note, source_system FROM attendance_events
      WHERE district_id = ${bench.districtId} AND student_id = ${studentId} AND source_system = 'family-reply'`.execute(
      db(),
    );
    expect(events.rows).toEqual([
      {
        category: 'excused_absence',
        reason: 'illness',
        note: 'Reported by the family (sms): He is sick with a fever today',
        source_system: 'family-reply',
      },
    ]);
    const handled = await sql<{
      handled_at: Date | null;
    }>`SELECT handled_at FROM inbound_messages WHERE inbound_id = ${inboundId}`.execute(db());
    expect(handled.rows[0]?.handled_at).not.toBeNull();
    // Another student of the district is not this family's child; a date out of enrolment is named.
    const { rows: others } = await sql<{ student_id: string }>`SELECT student_id FROM students
      WHERE district_id = ${bench.districtId} AND student_id <> ${studentId} LIMIT 1`.execute(db());
    const otherChild = await bench.app.inject({
      method: 'POST',
      url,
      headers: { cookie: admin },
      payload: { ...payload, studentId: others[0]?.student_id },
    });
    expect(otherChild.statusCode).toBe(404);
    const outOfYear = await bench.app.inject({
      method: 'POST',
      url,
      headers: { cookie: admin },
      payload: { ...payload, date: '2025-01-14' },
    });
    expect(outOfYear.statusCode).toBe(400);
    expect(outOfYear.json().error.message).toContain('not enrolled on 2025-01-14');
    expect(
      (await bench.app.inject({ method: 'POST', url, headers: { cookie: teacher }, payload })).statusCode,
    ).toBe(403);
  });

  it('routes per guardian: a second household can get alerts only', async () => {
    const studentId = await studentOutsideTeacherScope();
    const home = await addGuardian(bench, { studentId });
    const other = await addGuardian(bench, { studentId });
    const routing = await bench.app.inject({
      method: 'PUT',
      url: `/api/students/${studentId}/contacts/${other.contactId}/routing`,
      headers: { cookie: admin },
      payload: { attendanceAlerts: true, otherMessages: false },
    });
    expect(routing.statusCode).toBe(200);
    const general = await send(admin, studentId, {
      text: 'Conference next week.',
      contactIds: [home.contactId],
    });
    expect(general.statusCode).toBe(201);
    const refused = await send(admin, studentId, {
      text: 'Conference next week.',
      contactIds: [other.contactId],
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain('messages other than alerts');
    const alert = await send(admin, studentId, {
      template: 'same_day_check_in',
      category: 'attendance_alert',
      contactIds: [home.contactId, other.contactId],
    });
    expect(alert.json().messages).toHaveLength(2);
    const byTeacher = await bench.app.inject({
      method: 'PUT',
      url: `/api/students/${studentId}/contacts/${other.contactId}/routing`,
      headers: { cookie: teacher },
      payload: { attendanceAlerts: false, otherMessages: false },
    });
    expect(byTeacher.statusCode).toBe(403);
    bench.queue.take();
  });

  it('stops one person sending in a loop: 429 with Retry-After once the hourly limit is reached (scenario 23)', async () => {
    const studentId = await studentOutsideTeacherScope();
    const guardian = await addGuardian(bench, { studentId });
    const { rows } = await sql<{
      user_id: string;
    }>`SELECT user_id FROM staff_users WHERE email = 'teacher@riverside.example.org'`.execute(db());
    const teacherId = rows[0]?.user_id as string;
    await sql`INSERT INTO messages (district_id, dedupe_key, contact_id, channel, category, language, to_address, body, status, created_by)
      SELECT ${bench.districtId}, 'loop:' || n, ${guardian.contactId}, 'sms', 'attendance_alert', 'en', ${guardian.phone}, 'loop', 'suppressed', ${teacherId}
      FROM generate_series(1, 300) AS n`.execute(db());
    const ownStudent = await sql<{ student_id: string }>`
      SELECT se.student_id FROM section_enrolments se JOIN section_staff ss USING (district_id, section_id)
      WHERE ss.user_id = ${teacherId} LIMIT 1`.execute(db());
    const limited = await send(teacher, ownStudent.rows[0]?.student_id as string, { text: 'Hello again' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('600');
    expect(limited.json().error.message).toContain('300 messages in the last hour');
    await sql`DELETE FROM messages WHERE dedupe_key LIKE 'loop:%'`.execute(db());
  });

  it('lists failed messages for staff, and sends one again on request', async () => {
    const guardian = await addGuardian(bench);
    const messageId = await outboxMessage(bench, guardian);
    bench.fake.failFor(guardian.phone, { kind: 'error', status: 400, code: 21211, message: 'Invalid To' });
    await bench.run(messageId);
    const list = await bench.app.inject({
      method: 'GET',
      url: '/api/messaging/needs-staff',
      headers: { cookie: admin },
    });
    expect((list.json() as { items: { message_id: string; error_code: string }[] }).items).toEqual(
      expect.arrayContaining([expect.objectContaining({ message_id: messageId, error_code: '21211' })]),
    );
    const teacherList = await bench.app.inject({
      method: 'GET',
      url: '/api/messaging/needs-staff',
      headers: { cookie: teacher },
    });
    expect(teacherList.statusCode).toBe(403);
    const retry = await bench.app.inject({
      method: 'POST',
      url: `/api/messaging/messages/${messageId}/resolve`,
      headers: { cookie: admin },
      payload: { action: 'retry' },
    });
    expect(retry.statusCode).toBe(200);
    expect(bench.queue.take().map((job) => job.payload.messageId)).toEqual([messageId]);
    expect((await messageState(bench, messageId)).message).toMatchObject({
      status: 'queued',
      needs_staff: false,
    });
  });
});

describe(`outbox end to end with a real worker (${testEngine()})`, () => {
  let queue: JobQueue;

  beforeAll(async () => {
    // Any hour of the day, so the test does not depend on when it runs.
    await sql`UPDATE messaging_settings SET quiet_start = '00:00', quiet_end = '24:00', school_day_start = '00:00', school_day_end = '24:00'
      WHERE district_id = ${bench.districtId}`.execute(db());
    queue = createJobQueue(bench.database, pino({ level: 'silent' }), createJobs(bench.config));
    await queue.start();
  }, 60_000);

  afterAll(async () => {
    await queue?.stop(5000);
  });

  it('writes the message and its job in one transaction: both or neither (scenario 10)', async () => {
    const guardian = await addGuardian(bench);
    const jobs = async () =>
      (
        await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'messaging.send-message'`.execute(db())
      ).rows[0]?.n ?? 0;
    const before = await jobs();
    const input = {
      districtId: bench.districtId,
      dedupeKey: 'atomicity-1',
      contactId: guardian.contactId,
      studentId: guardian.studentId,
      channel: 'sms' as const,
      category: 'general' as const,
      templateKey: null,
      language: 'en',
      toAddress: guardian.phone,
      subject: null,
      body: 'Atomicity check',
      notBefore: new Date(),
    };
    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          await enqueueMessage(trx, queue, input);
          throw new Error('the decision failed after the outbox write');
        }),
    ).rejects.toThrow('the decision failed');
    expect(await jobs()).toBe(before);
    expect(
      (await sql`SELECT 1 FROM messages WHERE dedupe_key = 'atomicity-1'`.execute(db())).rows,
    ).toHaveLength(0);
    await db()
      .transaction()
      .execute((trx) => enqueueMessage(trx, queue, input));
    expect(await jobs()).toBe(before + 1);
    expect(
      (await sql`SELECT 1 FROM messages WHERE dedupe_key = 'atomicity-1'`.execute(db())).rows,
    ).toHaveLength(1);
  });

  it('sends through the worker, is delivered, and the family reply reaches the conversation and the inbox', async () => {
    const appWithQueue = bench.app;
    const guardian = await addGuardian(bench, { studentId: await studentOutsideTeacherScope() });
    await queue.work();
    // The API enqueues through the bench's recording queue; hand its jobs to the real queue.
    const response = await send(admin, guardian.studentId, {
      template: 'same_day_check_in',
      category: 'attendance_alert',
      contactIds: [guardian.contactId],
    });
    expect(response.statusCode).toBe(201);
    for (const job of bench.queue.take()) await queue.send(job.name, job.payload);
    const messageId = (response.json() as { messages: { messageId: string }[] }).messages[0]
      ?.messageId as string;
    const deadline = Date.now() + 30_000;
    while ((await messageState(bench, messageId)).message.status !== 'delivered' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect((await messageState(bench, messageId)).message.status).toBe('delivered');
    const answer = await bench.fake.postInboundSms(`${bench.config.PUBLIC_URL}/webhooks/twilio/sms`, {
      from: guardian.phone,
      to: bench.smsNumber,
      body: 'He missed the bus, sorry',
    });
    expect(answer.status).toBe(200);
    const conversation = await appWithQueue.inject({
      method: 'GET',
      url: `/api/students/${guardian.studentId}/conversation`,
      headers: { cookie: admin },
    });
    const items = (
      conversation.json() as {
        items: { id: string; contact_id: string; direction: string; body: string; status: string }[];
      }
    ).items.filter((item) => item.contact_id === guardian.contactId);
    expect(items.map((item) => item.direction)).toEqual(['out', 'in']);
    expect(items[0]).toMatchObject({ id: messageId, status: 'delivered' });
    expect(items[1]?.body).toBe('He missed the bus, sorry');
    const inbox = await appWithQueue.inject({
      method: 'GET',
      url: '/api/messaging/inbox',
      headers: { cookie: admin },
    });
    const open = (
      inbox.json() as { items: { inbound_id: string; body: string; intent: { barrier?: string } }[] }
    ).items.find((item) => item.body === 'He missed the bus, sorry');
    expect(open?.intent.barrier).toBe('logistics');
    const handled = await appWithQueue.inject({
      method: 'POST',
      url: `/api/messaging/inbox/${open?.inbound_id}/handled`,
      headers: { cookie: admin },
    });
    expect(handled.statusCode).toBe(200);
    const again = await appWithQueue.inject({
      method: 'POST',
      url: `/api/messaging/inbox/${open?.inbound_id}/handled`,
      headers: { cookie: admin },
    });
    expect(again.statusCode).toBe(404);
  });
});
