/**
 * The family portal on the embedded database (what `npm start` runs), with the demo district
 * of 1,500 students: how long a family's pages take to render, through Fastify's inject, next
 * to /healthz in the same app (the cost of the framework alone), and how many bytes each page
 * sends, raw and gzipped (the pages load no script, so that is all a phone downloads besides
 * the stylesheets).
 */
import { gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { pino } from 'pino';
import { backfillHistory } from '../src/attendance/attendance.service.ts';
import { seedDemoDistrict } from '../src/demo/demo.service.ts';
import { DEMO_DISTRICT_ID } from '../src/demo/demo-plan.ts';
import { loadConfig } from '../src/platform/config.ts';
import { openDatabase } from '../src/platform/db/connection.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { buildApp } from '../src/platform/http/app.ts';
import type { JobSender } from '../src/platform/jobs/job.ts';
import { codeInMessage } from '../test/support/sign-in.ts';
import { type Measurement, medianMs } from './harness.ts';

const AS_OF = '2027-03-15';
const RUNS = 50;

export async function benchPortal(): Promise<Measurement[]> {
  const database = await openDatabase({ dataDir: null });
  await migrateToLatest(database.db);
  await seedDemoDistrict(database.db, { seed: 1, students: 1_500, asOf: AS_OF });
  await backfillHistory(database.db, DEMO_DISTRICT_ID, { asOf: AS_OF, everyDays: 7 });
  const queue: JobSender = { send: async () => crypto.randomUUID() };
  const app = await buildApp({ config: loadConfig({}), database, logger: pino({ level: 'silent' }), queue });
  await app.ready();
  try {
    // The guardian with the most children on the portal: the heaviest home page.
    const { rows } = await sql<{ phone_e164: string; student_id: string }>`
      SELECT p.phone_e164, min(sc.student_id::text) AS student_id FROM contact_phones p
      JOIN student_contacts sc ON sc.district_id = p.district_id AND sc.contact_id = p.contact_id
      WHERE sc.may_view_portal AND sc.has_educational_rights AND sc.relationship <> 'emergency_contact' AND p.can_receive_sms
      GROUP BY p.phone_e164 ORDER BY count(*) DESC, p.phone_e164 LIMIT 1`.execute(database.db);
    const guardian = rows[0];
    if (!guardian) throw new Error('The demo has no guardian with a phone.');
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const signIn = async () => {
      const asked = await app.inject({
        method: 'POST',
        url: '/family/sign-in',
        headers: form,
        payload: new URLSearchParams({ address: guardian.phone_e164 }).toString(),
        remoteAddress: `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.1`,
      });
      const next = new URL(String(asked.headers.location), 'http://bench');
      const sent = await sql<{ body: string }>`SELECT body FROM messages
        WHERE dedupe_key = ${`sign-in:${next.searchParams.get('c')}`}`.execute(database.db);
      const verified = await app.inject({
        method: 'POST',
        url: '/family/sign-in/code',
        headers: form,
        payload: new URLSearchParams({
          c: next.searchParams.get('c') ?? '',
          d: next.searchParams.get('d') ?? '',
          code: codeInMessage(sent.rows[0]?.body ?? ''),
        }).toString(),
      });
      return String(verified.headers['set-cookie']).split(';')[0] as string;
    };
    const cookie = await signIn();
    // Each sign-in writes a code row; clear them so the per-address limit does not stop the runs.
    const signInMs = await medianMs(async () => {
      await sql`DELETE FROM family_sign_in_codes`.execute(database.db);
      await signIn();
    }, 10);
    const get = (url: string) => app.inject({ method: 'GET', url, headers: { cookie, accept: 'text/html' } });
    const healthMs = await medianMs(() => app.inject({ method: 'GET', url: '/healthz' }), RUNS, 5);
    const pages = [
      ['sign-in page', '/family/sign-in'],
      ['home (all children, plain words)', '/family'],
      ['a child: calendar, trajectory, absences', `/family/children/${guardian.student_id}?month=2027-02`],
      ['messages', '/family/messages'],
      ['settings', '/family/settings'],
    ] as const;
    const out: Measurement[] = [];
    for (const [name, url] of pages) {
      const response = await get(url);
      if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}`);
      const ms = await medianMs(() => get(url), RUNS, 5);
      out.push({
        name: `portal page: ${name}`,
        value: ms,
        unit: 'ms',
        baseline: healthMs,
        baselineName: '/healthz in the same app',
        note: `${(response.rawPayload.length / 1024).toFixed(1)} KB HTML, ${(gzipSync(response.rawPayload).length / 1024).toFixed(1)} KB gzipped, no script`,
      });
    }
    out.push({
      name: 'portal sign-in: ask for a code, then type it',
      value: signInMs,
      unit: 'ms',
      baseline: healthMs,
      baselineName: '/healthz in the same app',
      note: 'two requests, three transactions',
    });
    return out;
  } finally {
    await app.close();
    await database.close();
  }
}
