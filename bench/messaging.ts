/**
 * Messages per second from the outbox to the fake Twilio, on PostgreSQL, with 1 and with 3
 * `homeroom worker` processes, counting duplicates (a body the fake accepted twice) and losses
 * (an outbox message that did not end accepted). The baseline is the same provider adapter
 * calling the same fake with the same concurrency and no database: the cost of the outbox,
 * the ledger and the queue shows as the ratio.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { seedDemoDistrict } from '../src/demo/demo.service.ts';
import { DEMO_DISTRICT_ID } from '../src/demo/demo-plan.ts';
import { createJobs } from '../src/jobs.ts';
import { enqueueMessage } from '../src/messaging/outbox.ts';
import { createTwilioProvider } from '../src/messaging/providers/twilio.provider.ts';
import { loadConfig } from '../src/platform/config.ts';
import { openDatabase } from '../src/platform/db/connection.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { createJobQueue } from '../src/platform/jobs/queue.ts';
import { FakeTwilio } from '../test/support/fakes/fake-twilio.ts';
import type { Measurement } from './harness.ts';

const BIN = new URL('../bin/homeroom.js', import.meta.url).pathname;
const MESSAGES = 2_000;
const BATCH = 10;

function startWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'worker'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker running')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited ${code}: ${output.slice(-500)}`)));
  });
}

async function stopWorker(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

export async function benchMessaging(serverUrl: string): Promise<Measurement[]> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const name = `homeroom_bench_messaging_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const database = await openDatabase({ url: databaseUrl, poolMax: 4 });
  const fake = await FakeTwilio.start();
  fake.callbackStatuses([]);
  const out: Measurement[] = [];
  try {
    await migrateToLatest(database.db);
    await seedDemoDistrict(database.db, { seed: 1, students: 300, asOf: '2027-03-15' });
    await sql`UPDATE messaging_settings SET quiet_start = '00:00', quiet_end = '24:00'`.execute(database.db);
    const { rows: contacts } = await sql<{ contact_id: string; phone_e164: string }>`
      SELECT DISTINCT ON (p.contact_id) p.contact_id, p.phone_e164 FROM contact_phones p
      WHERE p.district_id = ${DEMO_DISTRICT_ID} AND NOT EXISTS (SELECT 1 FROM contact_consents c
        WHERE c.district_id = p.district_id AND c.contact_id = p.contact_id AND c.channel = 'sms' AND c.status = 'opted_out')
      ORDER BY p.contact_id LIMIT 200`.execute(database.db);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_MAX: '6',
      MESSAGING_MODE: 'live',
      TWILIO_ACCOUNT_SID: fake.accountSid,
      TWILIO_AUTH_TOKEN: fake.authToken,
      TWILIO_API_URL: fake.apiBaseUrl,
      PUBLIC_URL: 'http://127.0.0.1:9',
      LOG_LEVEL: 'info',
    };
    const config = loadConfig({
      DATABASE_URL: databaseUrl,
      MESSAGING_MODE: 'live',
      TWILIO_ACCOUNT_SID: fake.accountSid,
      TWILIO_AUTH_TOKEN: fake.authToken,
      TWILIO_API_URL: fake.apiBaseUrl,
    });
    const queue = createJobQueue(database, pino({ level: 'silent' }), createJobs(config));
    await queue.start();

    // The baseline: the adapter alone, as many calls in flight as one worker has.
    const provider = createTwilioProvider({
      accountSid: fake.accountSid,
      authToken: fake.authToken,
      apiUrl: fake.apiBaseUrl,
      timeoutMs: 15_000,
    });
    const baselineStarted = performance.now();
    for (let start = 0; start < MESSAGES; start += BATCH) {
      await Promise.all(
        Array.from({ length: Math.min(BATCH, MESSAGES - start) }, (_, i) => {
          const contact = contacts[(start + i) % contacts.length] as { phone_e164: string };
          return provider.send(
            {
              districtId: DEMO_DISTRICT_ID,
              messageId: randomUUID(),
              channel: 'sms',
              category: 'general',
              language: 'en',
              from: '+12175550100',
              to: contact.phone_e164,
              subject: null,
              body: `baseline ${start + i}`,
              statusCallbackUrl: 'http://127.0.0.1:9/cb',
              gatherUrl: '',
              unsubscribeUrl: '',
              replyTo: null,
              keypadPrompt: null,
              speechLanguage: null,
            },
            new AbortController().signal,
          );
        }),
      );
    }
    const baselineRate = MESSAGES / ((performance.now() - baselineStarted) / 1000);
    out.push({
      name: `${MESSAGES.toLocaleString('en-US')} SMS through the Twilio adapter alone, ${BATCH} in flight`,
      value: baselineRate,
      unit: 'msg/s',
    });

    for (const workers of [1, 3]) {
      const run = randomUUID().slice(0, 8);
      const children = await Promise.all(Array.from({ length: workers }, () => startWorker(env)));
      try {
        const started = performance.now();
        // Written while the workers run, as a morning's alerts would be.
        for (let start = 0; start < MESSAGES; start += 200) {
          await database.db.transaction().execute(async (trx) => {
            for (let i = start; i < Math.min(start + 200, MESSAGES); i += 1) {
              const contact = contacts[i % contacts.length] as { contact_id: string; phone_e164: string };
              await enqueueMessage(trx, queue, {
                districtId: DEMO_DISTRICT_ID,
                dedupeKey: `bench:${run}:${i}`,
                contactId: contact.contact_id,
                studentId: null,
                channel: 'sms',
                category: 'general',
                templateKey: null,
                language: 'en',
                toAddress: contact.phone_e164,
                subject: null,
                body: `bench ${run} ${i}`,
                notBefore: new Date(),
              });
            }
          });
        }
        const enqueued = (performance.now() - started) / 1000;
        let open = MESSAGES;
        while (open > 0 && performance.now() - started < 600_000) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM messages
            WHERE dedupe_key LIKE ${`bench:${run}:%`} AND status IN ('queued', 'sending', 'uncertain')`.execute(
            database.db,
          );
          open = rows[0]?.n ?? 0;
        }
        const seconds = (performance.now() - started) / 1000;
        const bodies = new Map<string, number>();
        for (const message of fake.messages) {
          if (message.body.startsWith(`bench ${run} `))
            bodies.set(message.body, (bodies.get(message.body) ?? 0) + 1);
        }
        const duplicates = [...bodies.values()].reduce((sum, count) => sum + count - 1, 0);
        // A loss: an outbox message that did not end accepted, or that the provider never received.
        const { rows: finished } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM messages
          WHERE dedupe_key LIKE ${`bench:${run}:%`} AND status = 'accepted'`.execute(database.db);
        const losses = MESSAGES - Math.min(finished[0]?.n ?? 0, bodies.size);
        out.push({
          name: `${MESSAGES.toLocaleString('en-US')} SMS from the outbox, ${workers} worker process${workers > 1 ? 'es' : ''} (PostgreSQL)`,
          value: MESSAGES / seconds,
          unit: 'msg/s',
          baseline: baselineRate,
          baselineName: 'adapter alone',
          note: `written in ${enqueued.toFixed(1)} s, last accepted at ${seconds.toFixed(1)} s; duplicates ${duplicates}, losses ${losses}`,
        });
      } finally {
        await Promise.all(children.map(stopWorker));
      }
    }
    await queue.stop(5_000);
  } finally {
    await fake.close();
    await database.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
  return out;
}
