/**
 * A messaging test bench: a fresh database with the small demo district, the fake Twilio and
 * the SMTP sink, the application listening on a real port (so provider callbacks arrive over
 * HTTP) in live mode against those fakes, and a job queue that records what the handlers
 * schedule, so a test runs the next job itself, in order, without waiting for the clock.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { sql, type Transaction } from 'kysely';
import { pino } from 'pino';
import { seedDemoDistrict } from '../../src/demo/demo.service.ts';
import { DEMO_SMS_NUMBER } from '../../src/demo/demo-district.ts';
import { DEMO_DISTRICT_ID } from '../../src/demo/demo-plan.ts';
import { createProviders } from '../../src/messaging/providers/providers.ts';
import { type SendPolicy, sendMessage } from '../../src/messaging/send-message.job.ts';
import { type Config, loadConfig } from '../../src/platform/config.ts';
import type { DB } from '../../src/platform/db/types.ts';
import { buildApp } from '../../src/platform/http/app.ts';
import type { JobSender } from '../../src/platform/jobs/job.ts';
import type { StaffPrincipal } from '../../src/staff/staff-principal.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { FakeTwilio } from './fakes/fake-twilio.ts';
import { SmtpSink } from './fakes/smtp-sink.ts';

export interface ScheduledJob {
  readonly name: string;
  readonly payload: { districtId: string; messageId: string };
  readonly startAfter: Date | undefined;
}

/**
 * Records jobs instead of queueing them. It does not follow transactions (the handlers only
 * enqueue in transactions that commit); the outbox-atomicity test uses the real queue.
 */
export class RecordingQueue implements JobSender {
  readonly jobs: ScheduledJob[] = [];
  async send(
    name: string,
    payload: object,
    options: { trx?: Transaction<DB>; startAfter?: Date } = {},
  ): Promise<string> {
    this.jobs.push({ name, payload: payload as ScheduledJob['payload'], startAfter: options.startAfter });
    return randomUUID();
  }
  /** Every job recorded so far, emptying the record. */
  take(): ScheduledJob[] {
    return this.jobs.splice(0, this.jobs.length);
  }
}

export interface MessagingBench {
  readonly database: TestDatabase;
  readonly fake: FakeTwilio;
  readonly sink: SmtpSink;
  readonly app: FastifyInstance;
  readonly config: Config;
  readonly queue: RecordingQueue;
  readonly districtId: string;
  readonly smsNumber: string;
  /** Runs the send job for a message once, as a worker would. */
  run(messageId: string, policy?: Partial<SendPolicy>, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

const silent = pino({ level: 'silent' });

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startMessagingBench(overrides: Record<string, string> = {}): Promise<MessagingBench> {
  const database = await createTestDatabase();
  await seedDemoDistrict(database.db, { seed: 5, students: 100, asOf: '2027-01-15' });
  const fake = await FakeTwilio.start();
  const sink = await SmtpSink.start();
  const queue = new RecordingQueue();
  const port = await freePort();
  const config = loadConfig({
    MESSAGING_MODE: 'live',
    TWILIO_ACCOUNT_SID: fake.accountSid,
    TWILIO_AUTH_TOKEN: fake.authToken,
    TWILIO_API_URL: fake.apiBaseUrl,
    SMTP_URL: `smtp://${sink.host}:${sink.port}`,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    MESSAGE_SEND_TIMEOUT_MS: '2000',
    ...overrides,
  });
  const app = await buildApp({ config, database, logger: silent, queue });
  await app.listen({ host: '127.0.0.1', port });
  const providers = createProviders(config);
  return {
    database,
    fake,
    sink,
    app,
    config,
    queue,
    districtId: DEMO_DISTRICT_ID,
    smsNumber: DEMO_SMS_NUMBER,
    run: (messageId, policy = {}, signal = new AbortController().signal) =>
      sendMessage(
        {
          providers,
          publicUrl: config.PUBLIC_URL,
          replyDomain: config.EMAIL_REPLY_DOMAIN,
          policy: { inFlightGraceMs: 0, ...policy },
          random: () => 0.5,
        },
        { districtId: DEMO_DISTRICT_ID, messageId },
        { db: database.db, logger: silent, signal, queue },
      ),
    async close() {
      await app.close();
      await fake.close();
      await sink.close();
      await database.close();
    },
  };
}

let counter = 0;

export interface GuardianOptions {
  readonly phone?: string;
  readonly email?: string;
  readonly language?: string;
  readonly channel?: 'sms' | 'voice' | 'email';
  readonly readsText?: boolean;
  readonly optedOut?: readonly ('sms' | 'voice' | 'email')[];
  readonly studentId?: string;
}

/** A new guardian of a demo student, reachable as asked. */
export async function addGuardian(
  bench: Pick<MessagingBench, 'database' | 'districtId'>,
  options: GuardianOptions = {},
): Promise<{ contactId: string; studentId: string; phone: string }> {
  const db = bench.database.db;
  counter += 1;
  const phone = options.phone ?? `+1312555${String(1000 + counter).padStart(4, '0')}`;
  const studentId =
    options.studentId ??
    (
      await sql<{
        student_id: string;
      }>`SELECT student_id FROM students WHERE district_id = ${bench.districtId}
        ORDER BY local_id LIMIT 1 OFFSET ${counter % 50}`.execute(db)
    ).rows[0]?.student_id;
  if (!studentId) throw new Error('The demo district has no students.');
  const { rows } = await sql<{ contact_id: string }>`
    INSERT INTO contacts (district_id, first_name, last_name, preferred_language, preferred_channel, reads_text)
    VALUES (${bench.districtId}, 'Test', ${`Guardian ${counter}`}, ${options.language ?? 'en'}, ${options.channel ?? 'sms'},
      ${options.readsText ?? true})
    RETURNING contact_id`.execute(db);
  const contactId = rows[0]?.contact_id as string;
  await sql`INSERT INTO contact_phones (district_id, contact_id, phone_e164, is_primary)
    VALUES (${bench.districtId}, ${contactId}, ${phone}, true)`.execute(db);
  if (options.email) {
    await sql`INSERT INTO contact_emails (district_id, contact_id, email, is_primary)
      VALUES (${bench.districtId}, ${contactId}, ${options.email}, true)`.execute(db);
  }
  for (const channel of options.optedOut ?? []) {
    await sql`INSERT INTO contact_consents (district_id, contact_id, channel, status, source)
      VALUES (${bench.districtId}, ${contactId}, ${channel}, 'opted_out', 'test')`.execute(db);
  }
  await sql`INSERT INTO student_contacts (district_id, student_id, contact_id, relationship, receives_attendance_messages)
    VALUES (${bench.districtId}, ${studentId}, ${contactId}, 'guardian', true)`.execute(db);
  return { contactId, studentId, phone };
}

/** Puts one message in the outbox directly (as a playbook would), due now. */
export async function outboxMessage(
  bench: Pick<MessagingBench, 'database' | 'districtId' | 'queue'>,
  guardian: { contactId: string; studentId: string; phone: string },
  options: {
    channel?: 'sms' | 'voice' | 'email';
    body?: string;
    to?: string;
    category?: 'attendance_alert' | 'general';
    language?: string;
  } = {},
): Promise<string> {
  const { enqueueMessage } = await import('../../src/messaging/outbox.ts');
  const channel = options.channel ?? 'sms';
  const { messageId } = await bench.database.db.transaction().execute((trx) =>
    enqueueMessage(trx, bench.queue, {
      districtId: bench.districtId,
      dedupeKey: `test:${randomUUID()}`,
      contactId: guardian.contactId,
      studentId: guardian.studentId,
      channel,
      category: options.category ?? 'attendance_alert',
      templateKey: null,
      language: options.language ?? 'en',
      toAddress: options.to ?? guardian.phone,
      subject: channel === 'email' ? 'Attendance' : null,
      body: options.body ?? `We missed your child today (${randomUUID().slice(0, 8)}). Is everything okay?`,
      keypadPrompt: channel === 'voice' ? 'Press 1 if your child is at school.' : null,
      notBefore: new Date(),
    }),
  );
  bench.queue.take();
  return messageId;
}

/** A district-wide administrator of the demo district, for calling services directly. */
export async function demoAdmin(
  bench: Pick<MessagingBench, 'database' | 'districtId'>,
): Promise<StaffPrincipal> {
  const { rows } = await sql<{ user_id: string; display_name: string }>`
    SELECT user_id, display_name FROM staff_users WHERE district_id = ${bench.districtId} AND email LIKE 'admin@%'`.execute(
    bench.database.db,
  );
  const admin = rows[0];
  if (!admin) throw new Error('The demo district has no administrator.');
  return {
    districtId: bench.districtId,
    userId: admin.user_id,
    displayName: admin.display_name,
    roles: ['district_admin'],
    grants: [{ role: 'district_admin', scope: 'district', schoolId: null }],
  };
}

/** The message, its send ledger and its delivery evidence, for assertions. */
export async function messageState(
  bench: Pick<MessagingBench, 'database' | 'districtId'>,
  messageId: string,
) {
  const db = bench.database.db;
  const message = await db
    .selectFrom('messages')
    .selectAll()
    .where('district_id', '=', bench.districtId)
    .where('message_id', '=', messageId)
    .executeTakeFirstOrThrow();
  const attempts = await db
    .selectFrom('message_attempts')
    .select(['attempt_no', 'state', 'error_code', 'http_status', 'provider_message_id'])
    .where('district_id', '=', bench.districtId)
    .where('message_id', '=', messageId)
    .orderBy('attempt_no')
    .execute();
  const events = await db
    .selectFrom('message_status_events')
    .select(['status', 'occurred_at', 'detail'])
    .where('district_id', '=', bench.districtId)
    .where('message_id', '=', messageId)
    .orderBy('occurred_at')
    .execute();
  return { message, attempts, events };
}
