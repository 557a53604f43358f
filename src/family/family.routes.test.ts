/**
 * The family portal over HTTP: a guardian reaches only their own children (another family's
 * child, and a household without rights, are refused), forms keep what was typed and say what is
 * wrong, sending twice records once, and the cookies say how long a session lasts.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testEngine } from '../../test/support/database.ts';
import { addGuardian, outboxMessage, RecordingQueue } from '../../test/support/messaging.ts';
import { signInAs, signInAsFamily } from '../../test/support/sign-in.ts';
import { seedDemoDistrict } from '../demo/demo.service.ts';
import { DEMO_DISTRICT_ID } from '../demo/demo-plan.ts';
import { createProviders } from '../messaging/providers/providers.ts';
import { sendMessage } from '../messaging/send-message.job.ts';
import { loadConfig } from '../platform/config.ts';
import { addDays } from '../platform/dates.ts';
import { buildApp } from '../platform/http/app.ts';
import { districtToday } from '../roster/district.repository.ts';

let database: TestDatabase;
let app: FastifyInstance;
const queue = new RecordingQueue();
const bench = () => ({ database, districtId: DEMO_DISTRICT_ID });
const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };
let today = '';

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoDistrict(database.db, { seed: 9, students: 60, asOf: '2027-01-15' });
  app = await buildApp({ config: loadConfig({}), database, logger: pino({ level: 'silent' }), queue });
  await app.ready();
  today = await districtToday(database.db, DEMO_DISTRICT_ID);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await database?.close();
});

async function studentIds(offset: number, count: number): Promise<string[]> {
  const { rows } = await sql<{ student_id: string }>`SELECT student_id FROM students
    ORDER BY local_id OFFSET ${offset} LIMIT ${count}`.execute(database.db);
  return rows.map((row) => row.student_id);
}

function form(values: Record<string, string>): string {
  return new URLSearchParams(values).toString();
}

async function portalReplies(contactId: string) {
  const { rows } = await sql<{
    body: string;
    intent: Record<string, unknown>;
  }>`SELECT body, intent FROM inbound_messages
    WHERE contact_id = ${contactId} AND channel = 'portal' ORDER BY received_at`.execute(database.db);
  return rows;
}

describe(`family portal routes (${testEngine()})`, () => {
  it("refuses another family's child on every page and form, and records nothing", async () => {
    const [mine, theirs] = await studentIds(3, 2);
    const guardian = await addGuardian(bench(), { studentId: mine as string });
    const cookie = await signInAsFamily(app, database.db, guardian.phone);
    const home = await app.inject({
      method: 'GET',
      url: '/family',
      headers: { cookie, accept: 'text/html' },
    });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain(`/family/children/${mine}`);
    expect(home.body).not.toContain(`/family/children/${theirs}`);
    for (const [method, url] of [
      ['GET', `/family/children/${theirs}`],
      ['GET', `/family/children/${theirs}/report`],
      ['POST', `/family/children/${theirs}/report`],
      ['POST', `/family/children/${theirs}/at-school`],
      ['GET', '/family/children/not-a-uuid'],
    ] as const) {
      const response = await app.inject({
        method,
        url,
        headers: { cookie, ...FORM },
        payload:
          method === 'POST'
            ? form({ requestId: crypto.randomUUID(), kind: 'absent', date: today, reason: 'illness' })
            : undefined,
      });
      expect(response.statusCode, `${method} ${url}`).toBe(404);
    }
    const help = await app.inject({
      method: 'POST',
      url: '/family/help',
      headers: { cookie, ...FORM },
      payload: form({ requestId: crypto.randomUUID(), studentId: theirs as string, barrier: 'health' }),
    });
    expect(help.statusCode).toBe(404);
    expect(await portalReplies(guardian.contactId)).toEqual([]);
  });

  it('shows a guardian with two households only the child they have rights to', async () => {
    const [withRights, withoutRights] = await studentIds(10, 2);
    const guardian = await addGuardian(bench(), { studentId: withRights as string });
    await sql`INSERT INTO student_contacts (district_id, student_id, contact_id, relationship, has_educational_rights)
      VALUES (${DEMO_DISTRICT_ID}, ${withoutRights}, ${guardian.contactId}, 'step_parent', false)`.execute(
      database.db,
    );
    const cookie = await signInAsFamily(app, database.db, guardian.phone);
    const home = await app.inject({
      method: 'GET',
      url: '/family',
      headers: { cookie, accept: 'text/html' },
    });
    expect(home.body).toContain(`/family/children/${withRights}`);
    expect(home.body).not.toContain(`/family/children/${withoutRights}`);
    const page = await app.inject({
      method: 'GET',
      url: `/family/children/${withoutRights}`,
      headers: { cookie, accept: 'text/html' },
    });
    expect(page.statusCode).toBe(404);
  });

  it('records a reported absence once however often the form is sent, with what the family chose', async () => {
    const [child] = await studentIds(20, 1);
    const guardian = await addGuardian(bench(), { studentId: child as string });
    const cookie = await signInAsFamily(app, database.db, guardian.phone);
    const requestId = crypto.randomUUID();
    const report = form({
      requestId,
      kind: 'absent',
      date: addDays(today, 1),
      until: addDays(today, 3),
      reason: 'medical',
      barrier: 'health',
      note: 'Surgery on Tuesday.',
    });
    for (let n = 0; n < 3; n += 1) {
      const response = await app.inject({
        method: 'POST',
        url: `/family/children/${child}/report`,
        headers: { cookie, ...FORM },
        payload: report,
      });
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toMatch(new RegExp(`^/family/children/${child}\\?notice=`));
    }
    const replies = await portalReplies(guardian.contactId);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.intent).toMatchObject({
      intent: 'absence_reason',
      kind: 'absent',
      date: addDays(today, 1),
      until: addDays(today, 3),
      reason: 'medical',
      barrier: 'health',
      portalBarrier: 'health',
      note: 'Surgery on Tuesday.',
      source: 'portal',
    });
    expect(replies[0]?.body).toContain(
      `Absent from ${addDays(today, 1)} to ${addDays(today, 3)} (medical; barrier: health)`,
    );
    // The staff inbox shows it, with the student, for the school's staff to record.
    const staff = await signInAs(app, 'attendance.lead@riverside.example.org');
    const inbox = await app.inject({
      method: 'GET',
      url: '/api/messaging/inbox',
      headers: { cookie: staff },
    });
    expect(
      inbox.json().items.some((item: { body: string }) => item.body.includes('Surgery on Tuesday.')),
    ).toBe(true);
  });

  it('refuses a report with a date in the past, too far ahead, or an unknown reason, naming it and keeping the form', async () => {
    const [child] = await studentIds(21, 1);
    const guardian = await addGuardian(bench(), { studentId: child as string });
    const cookie = await signInAsFamily(app, database.db, guardian.phone);
    const cases = [
      [{ date: addDays(today, -1), reason: 'illness' }, 'Choose a date from today up to 60 days ahead.'],
      [{ date: addDays(today, 61), reason: 'illness' }, 'Choose a date from today up to 60 days ahead.'],
      [{ date: 'tomorrow', reason: 'illness' }, 'Enter the date as year-month-day, like 2027-01-15.'],
      [{ date: today, until: addDays(today, 30), reason: 'illness' }, 'at most 3 weeks later'],
    ] as const;
    for (const [values, message] of cases) {
      const response = await app.inject({
        method: 'POST',
        url: `/family/children/${child}/report`,
        headers: { cookie, ...FORM },
        payload: form({ requestId: crypto.randomUUID(), kind: 'absent', note: 'keep me', ...values }),
      });
      expect(response.statusCode, JSON.stringify(values)).toBe(400);
      expect(response.body).toContain(message);
      expect(response.body).toContain('keep me');
    }
    const unknownReason = await app.inject({
      method: 'POST',
      url: `/family/children/${child}/report`,
      headers: { cookie, ...FORM },
      payload: form({
        requestId: crypto.randomUUID(),
        kind: 'absent',
        date: today,
        reason: 'vacation-in-space',
      }),
    });
    expect(unknownReason.statusCode).toBe(400);
    expect(await portalReplies(guardian.contactId)).toEqual([]);
  });

  it('takes "my child is at school" for today, and a written message, without reading STOP as opting out', async () => {
    const [child] = await studentIds(22, 1);
    const guardian = await addGuardian(bench(), { studentId: child as string });
    const cookie = await signInAsFamily(app, database.db, guardian.phone);
    const atSchool = await app.inject({
      method: 'POST',
      url: `/family/children/${child}/at-school`,
      headers: { cookie, ...FORM },
      payload: form({ requestId: crypto.randomUUID() }),
    });
    expect(atSchool.statusCode).toBe(303);
    const written = await app.inject({
      method: 'POST',
      url: '/family/messages',
      headers: { cookie, ...FORM },
      payload: form({ requestId: crypto.randomUUID(), studentId: child as string, text: 'STOP' }),
    });
    expect(written.statusCode).toBe(303);
    const replies = await portalReplies(guardian.contactId);
    expect(replies.map((reply) => reply.intent.intent)).toEqual(['at_school', 'unknown']);
    expect(replies[0]?.intent).toMatchObject({ studentId: child, date: today });
    const consents =
      await sql`SELECT 1 FROM contact_consents WHERE contact_id = ${guardian.contactId}`.execute(database.db);
    expect(consents.rows).toEqual([]);
    // A written message is queued for translation for staff.
    expect(queue.take().some((job) => job.name === 'messaging.translate-reply')).toBe(true);

    const empty = await app.inject({
      method: 'POST',
      url: '/family/messages',
      headers: { cookie, ...FORM },
      payload: form({ requestId: crypto.randomUUID(), text: '   ' }),
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Write a message first.');
    const tooLong = await app.inject({
      method: 'POST',
      url: '/family/messages',
      headers: { cookie, ...FORM },
      payload: form({ requestId: crypto.randomUUID(), text: 'x'.repeat(1001) }),
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).toContain('under 1,000 characters');
  });

  it('saves preferences for every record of the guardian, and opts back in', async () => {
    const [child] = await studentIds(23, 1);
    const guardian = await addGuardian(bench(), { studentId: child as string, optedOut: ['sms'] });
    const cookie = await signInAsFamily(app, database.db, guardian.phone);
    const save = (values: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: '/family/settings',
        headers: { cookie, ...FORM },
        payload: form(values),
      });
    const saved = await save({
      language: 'so',
      channel: 'voice',
      windowStart: '17:00',
      windowEnd: '20:00',
      'consent-sms': '1',
      'consent-voice': '1',
    });
    expect(saved.statusCode).toBe(303);
    const { rows } = await sql<{ preferred_language: string; preferred_channel: string; start: string }>`
      SELECT preferred_language, preferred_channel, contact_window_start::text AS start FROM contacts
      WHERE contact_id = ${guardian.contactId}`.execute(database.db);
    expect(rows[0]).toEqual({ preferred_language: 'so', preferred_channel: 'voice', start: '17:00:00' });
    const consents = await sql<{
      channel: string;
      status: string;
    }>`SELECT channel, status FROM contact_consents
      WHERE contact_id = ${guardian.contactId} ORDER BY channel`.execute(database.db);
    expect(consents.rows).toEqual([
      { channel: 'email', status: 'opted_out' },
      { channel: 'sms', status: 'granted' },
    ]);
    // This household keeps the news about the child but leaves the same-day alerts to the other.
    const split = await app.inject({
      method: 'POST',
      url: '/family/settings',
      headers: { cookie, ...FORM },
      payload: `${form({ language: 'en', channel: 'sms', 'consent-sms': '1', children: child as string })}&${form({ [`other-${child}`]: '1' })}`,
    });
    expect(split.statusCode).toBe(303);
    const routing = await sql<{ receives_attendance_messages: boolean; receives_other_messages: boolean }>`
      SELECT receives_attendance_messages, receives_other_messages FROM student_contacts
      WHERE contact_id = ${guardian.contactId} AND student_id = ${child}`.execute(database.db);
    expect(routing.rows).toEqual([{ receives_attendance_messages: false, receives_other_messages: true }]);
    const page = await app.inject({
      method: 'GET',
      url: '/family/settings',
      headers: { cookie, accept: 'text/html' },
    });
    expect(page.body).toMatch(new RegExp(`id="alerts-${child}" name="alerts-${child}" value="1">`));
    expect(page.body).toMatch(new RegExp(`id="other-${child}" name="other-${child}" value="1" checked>`));
    // An alert already waiting in the outbox is not sent once this household stopped alerts.
    const waiting = await outboxMessage({ database, districtId: DEMO_DISTRICT_ID, queue }, guardian, {
      category: 'attendance_alert',
    });
    const config = loadConfig({});
    await sendMessage(
      {
        providers: createProviders(config),
        publicUrl: config.PUBLIC_URL,
        replyDomain: undefined,
        policy: {},
        random: () => 0.5,
      },
      { districtId: DEMO_DISTRICT_ID, messageId: waiting },
      { db: database.db, logger: pino({ level: 'silent' }), signal: new AbortController().signal, queue },
    );
    const suppressed = await sql<{
      status: string;
      error_code: string;
    }>`SELECT status, error_code FROM messages
      WHERE message_id = ${waiting}`.execute(database.db);
    expect(suppressed.rows).toEqual([{ status: 'suppressed', error_code: 'not_routed' }]);
    const half = await save({ language: 'en', channel: 'sms', windowStart: '17:00' });
    expect(half.statusCode).toBe(400);
    expect(half.body).toContain('Give both times, or neither.');
  });

  it('answers a number that is not on file as it answers one that is, and says when flooding must wait', async () => {
    const ask = (address: string, ip: string) =>
      app.inject({
        method: 'POST',
        url: '/family/sign-in',
        headers: FORM,
        payload: form({ address }),
        remoteAddress: ip,
      });
    const known = await addGuardian(bench(), {});
    const onFile = await ask(known.phone, '10.9.0.1');
    const notOnFile = await ask('+17735559999', '10.9.0.2');
    expect(onFile.statusCode).toBe(303);
    expect(notOnFile.statusCode).toBe(303);
    const shape = (location: unknown) => String(location).replace(/[0-9a-f-]{36}/g, 'ID');
    expect(shape(notOnFile.headers.location)).toBe(shape(onFile.headers.location));
    for (let n = 0; n < 2; n += 1) await ask('+17735559999', `10.9.1.${n}`);
    const flooded = await ask('+17735559999', '10.9.2.1');
    expect(flooded.statusCode).toBe(429);
    expect(Number(flooded.headers['retry-after'])).toBeGreaterThan(0);
    expect(flooded.body).toContain('Too many codes were asked for.');
    const bad = await ask('call me maybe', '10.9.3.1');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter a mobile phone number');
    expect(bad.body).toContain('value="call me maybe"');
  });

  it('keeps a remembered session for 90 days and a shared-device one for the browser session; signing out ends it', async () => {
    const guardian = await addGuardian(bench(), {});
    const asked = await app.inject({
      method: 'POST',
      url: '/family/sign-in',
      headers: FORM,
      payload: form({ address: guardian.phone, remember: '1' }),
    });
    const location = new URL(String(asked.headers.location), 'http://x');
    const { rows } = await sql<{ body: string }>`SELECT body FROM messages
      WHERE dedupe_key = ${`sign-in:${location.searchParams.get('c')}`}`.execute(database.db);
    const code = /\b\d{6}\b/.exec(rows[0]?.body ?? '')?.[0] ?? '';
    const verified = await app.inject({
      method: 'POST',
      url: '/family/sign-in/code',
      headers: FORM,
      payload: form({
        c: location.searchParams.get('c') ?? '',
        d: location.searchParams.get('d') ?? '',
        code,
        r: '1',
      }),
    });
    expect(String(verified.headers['set-cookie'])).toMatch(
      /homeroom_family=.*Max-Age=7776000.*HttpOnly.*SameSite=Lax/,
    );
    const shared = await signInAsFamily(app, database.db, (await addGuardian(bench(), {})).phone);
    expect(shared).toMatch(/^homeroom_family=/);

    const cookie = String(verified.headers['set-cookie']).split(';')[0] as string;
    const out = await app.inject({ method: 'POST', url: '/family/sign-out', headers: { cookie, ...FORM } });
    expect(out.statusCode).toBe(303);
    const after = await app.inject({
      method: 'GET',
      url: '/family',
      headers: { cookie, accept: 'text/html' },
    });
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe('/family/sign-in?next=%2Ffamily');
  });

  it('never shows a sign-in code on a staff page, and sends a signed-out family to sign in and back', async () => {
    const guardian = await addGuardian(bench(), {});
    await signInAsFamily(app, database.db, guardian.phone);
    const staff = await signInAs(app, 'admin@riverside.example.org');
    const conversation = await app.inject({
      method: 'GET',
      url: `/api/students/${guardian.studentId}/conversation`,
      headers: { cookie: staff },
    });
    expect(conversation.statusCode).toBe(200);
    expect(conversation.body).not.toMatch(/\b\d{6}\b/);
    const anonymous = await app.inject({
      method: 'GET',
      url: `/family/children/${guardian.studentId}?month=2026-10`,
      headers: { accept: 'text/html' },
    });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe(
      `/family/sign-in?next=${encodeURIComponent(`/family/children/${guardian.studentId}?month=2026-10`)}`,
    );
    const json = await app.inject({ method: 'GET', url: '/family' });
    expect(json.statusCode).toBe(401);
  });

  it('is installable on a phone: a manifest for /family with an icon, linked from every portal page', async () => {
    const manifest = await app.inject({ method: 'GET', url: '/family/manifest.webmanifest' });
    expect(manifest.statusCode).toBe(200);
    expect(manifest.headers['content-type']).toContain('application/manifest+json');
    expect(manifest.json()).toMatchObject({
      start_url: '/family',
      display: 'standalone',
      short_name: 'Homeroom',
    });
    const icon = await app.inject({ method: 'GET', url: manifest.json().icons[0].src });
    expect(icon.statusCode).toBe(200);
    expect(icon.body).toMatch(/^<svg /);
    const page = await app.inject({
      method: 'GET',
      url: '/family/sign-in',
      headers: { accept: 'text/html' },
    });
    expect(page.body).toContain('<link rel="manifest" href="/family/manifest.webmanifest">');
  });

  it('takes a survey answer once, names a score outside 1 to 10, and shows staff the results in scope', async () => {
    const [child] = await studentIds(30, 1);
    const guardian = await addGuardian(bench(), { studentId: child as string, language: 'es' });
    const cookie = await signInAsFamily(app, database.db, guardian.phone);
    const page = await app.inject({
      method: 'GET',
      url: `/family/children/${child}/survey`,
      headers: { cookie, accept: 'text/html' },
    });
    expect(page.body).toContain('Del 1 al 10, ¿cómo le va a');
    const answer = form({
      requestId: crypto.randomUUID(),
      score: '7',
      going_well: 'Le gusta su maestra.',
      hard: 'El autobús llega tarde.',
    });
    for (let n = 0; n < 2; n += 1) {
      const sent = await app.inject({
        method: 'POST',
        url: `/family/children/${child}/survey`,
        headers: { cookie, ...FORM },
        payload: answer,
      });
      expect(sent.statusCode).toBe(303);
    }
    const stored = await sql<{
      score: number;
      answers: Record<string, string>;
      language: string;
      channel: string;
    }>`
      SELECT score, answers, language, channel FROM survey_responses WHERE contact_id = ${guardian.contactId}`.execute(
      database.db,
    );
    expect(stored.rows).toEqual([
      {
        score: 7,
        answers: { going_well: 'Le gusta su maestra.', hard: 'El autobús llega tarde.' },
        language: 'es',
        channel: 'portal',
      },
    ]);
    for (const [values, message] of [
      [{ score: '11', help: 'keep me' }, 'Elija un número del 1 al 10.'],
      [{ score: '', help: '  ' }, 'Elija un número del 1 al 10, o responda una pregunta.'],
    ] as const) {
      const refused = await app.inject({
        method: 'POST',
        url: `/family/children/${child}/survey`,
        headers: { cookie, ...FORM },
        payload: form({ requestId: crypto.randomUUID(), ...values }),
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain(message);
    }
    const admin = await signInAs(app, 'admin@riverside.example.org');
    const results = await app.inject({
      method: 'GET',
      url: '/api/surveys/results',
      headers: { cookie: admin },
    });
    expect(results.json()).toMatchObject({ responses: 1, averageScore: 7, byChannel: { portal: 1 } });
    expect(results.json().comments.map((c: { text: string }) => c.text)).toEqual([
      'Le gusta su maestra.',
      'El autobús llega tarde.',
    ]);
    // A teacher may not read survey results; a school administrator of another school sees none of these.
    const teacher = await signInAs(app, 'teacher@riverside.example.org');
    expect(
      (await app.inject({ method: 'GET', url: '/api/surveys/results', headers: { cookie: teacher } }))
        .statusCode,
    ).toBe(403);
  });

  it('shows the attendance policy in the family language, takes one electronic signature, and counts it for staff', async () => {
    const [child] = await studentIds(31, 1);
    const guardian = await addGuardian(bench(), { studentId: child as string, language: 'ar' });
    const cookie = await signInAsFamily(app, database.db, guardian.phone);
    const home = await app.inject({
      method: 'GET',
      url: '/family',
      headers: { cookie, accept: 'text/html' },
    });
    expect(home.body).toContain('يُرجى قراءة سياسة الحضور والتوقيع عليها');
    const page = await app.inject({
      method: 'GET',
      url: '/family/policy',
      headers: { cookie, accept: 'text/html' },
    });
    expect(page.body).toContain('سياسة الحضور في منطقة ريفرسايد التعليمية');
    const sign = (values: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: '/family/policy',
        headers: { cookie, ...FORM },
        payload: form(values),
      });
    const base = { version: '1', contactId: guardian.contactId };
    const unticked = await sign({ ...base, signedName: 'Amina Hassan' });
    expect(unticked.statusCode).toBe(400);
    expect(unticked.body).toContain('ضعوا علامة في المربع');
    expect(unticked.body).toContain('value="Amina Hassan"');
    expect((await sign({ ...base, agree: '1', signedName: ' ' })).statusCode).toBe(400);
    const stale = await sign({ ...base, version: '0', agree: '1', signedName: 'Amina Hassan' });
    expect(stale.statusCode).toBe(400);
    expect(stale.body).toContain('تغيّرت السياسة');
    for (let n = 0; n < 2; n += 1)
      expect((await sign({ ...base, agree: '1', signedName: ' Amina   Hassan ' })).statusCode).toBe(303);
    const { rows } = await sql<{ signed_name: string; language: string; text_sha256: string }>`
      SELECT signed_name, language, text_sha256 FROM policy_acknowledgements WHERE contact_id = ${guardian.contactId}`.execute(
      database.db,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ signed_name: 'Amina Hassan', language: 'ar' });
    expect(rows[0]?.text_sha256).toMatch(/^[0-9a-f]{64}$/);
    const after = await app.inject({
      method: 'GET',
      url: '/family/policy',
      headers: { cookie, accept: 'text/html' },
    });
    expect(after.body).toContain('وقّع عليها Amina Hassan');
    expect(after.body).not.toContain('name="signedName"');

    // A new version asks everyone again; the old signature stays.
    const admin = await signInAs(app, 'admin@riverside.example.org');
    const published = await app.inject({
      method: 'POST',
      url: '/api/policy',
      headers: { cookie: admin },
      payload: {
        title: 'Attendance policy 2027',
        body: 'Every day counts.',
        translations: { klingon: { title: 'x', body: 'y' } },
      },
    });
    expect(published.statusCode).toBe(400);
    expect(published.json().error.message).toContain('klingon is not one');
    const v2 = await app.inject({
      method: 'POST',
      url: '/api/policy',
      headers: { cookie: admin },
      payload: { title: 'Attendance policy 2027', body: 'Every day counts.' },
    });
    expect(v2.json()).toEqual({ version: 2 });
    const english = await app.inject({
      method: 'GET',
      url: '/family/policy',
      headers: { cookie, accept: 'text/html' },
    });
    expect(english.body).toContain('Every day counts.');
    expect(english.body).toContain('هذه السياسة باللغة الإنجليزية');
    const counts = await app.inject({
      method: 'GET',
      url: '/api/policy/signatures',
      headers: { cookie: admin },
    });
    expect(counts.json()).toMatchObject({ version: 2, signed: 0 });
    expect(counts.json().guardians).toBeGreaterThan(0);
  });

  it('lets staff offer conference times and a family book one, once; the other times are released', async () => {
    const [child, other] = await studentIds(32, 2);
    const guardian = await addGuardian(bench(), { studentId: child as string });
    const stranger = await addGuardian(bench(), { studentId: other as string });
    const counselor = await signInAs(app, 'admin@riverside.example.org');
    const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
    const offer = (slots: object[]) =>
      app.inject({
        method: 'POST',
        url: `/api/students/${child}/conference-slots`,
        headers: { cookie: counselor },
        payload: { slots },
      });
    const past = await offer([{ startsAt: inDays(-1), minutes: 20, mode: 'phone' }]);
    expect(past.statusCode).toBe(400);
    expect(past.json().error.message).toContain('slots[0] is not');
    const offered = await offer([
      { startsAt: inDays(2), minutes: 20, mode: 'in_person', location: 'Room 104' },
      { startsAt: inDays(3), minutes: 20, mode: 'phone' },
    ]);
    expect(offered.statusCode).toBe(201);
    const [first, second] = offered.json().slots as { slotId: string }[];

    const cookie = await signInAsFamily(app, database.db, guardian.phone);
    const page = await app.inject({
      method: 'GET',
      url: `/family/children/${child}`,
      headers: { cookie, accept: 'text/html' },
    });
    expect(page.body).toContain('The school would like to meet with you about');
    expect(page.body).toContain('Room 104');
    // Another family cannot book this child's times.
    const strangerCookie = await signInAsFamily(app, database.db, stranger.phone);
    const refused = await app.inject({
      method: 'POST',
      url: `/family/children/${child}/conference`,
      headers: { cookie: strangerCookie, ...FORM },
      payload: form({ slotId: first?.slotId as string }),
    });
    expect(refused.statusCode).toBe(404);

    const booked = await app.inject({
      method: 'POST',
      url: `/family/children/${child}/conference`,
      headers: { cookie, ...FORM },
      payload: form({ slotId: second?.slotId as string }),
    });
    expect(decodeURIComponent(String(booked.headers.location))).toContain('Your meeting is booked.');
    const late = await app.inject({
      method: 'POST',
      url: `/family/children/${child}/conference`,
      headers: { cookie, ...FORM },
      payload: form({ slotId: first?.slotId as string }),
    });
    expect(decodeURIComponent(String(late.headers.location))).toContain('That time is no longer available.');
    const staffView = await app.inject({
      method: 'GET',
      url: `/api/students/${child}/conference-slots`,
      headers: { cookie: counselor },
    });
    expect(
      staffView
        .json()
        .slots.map((slot: { status: string; bookedBy: string | null }) => [slot.status, slot.bookedBy]),
    ).toEqual([
      ['released', null],
      ['booked', guardian.contactId],
    ]);
    const after = await app.inject({
      method: 'GET',
      url: `/family/children/${child}`,
      headers: { cookie, accept: 'text/html' },
    });
    expect(after.body).toContain('Your meeting about');
    expect(after.body).toContain('By phone');
  });

  it('shows a family who asks for help the community resources for that barrier, in their language', async () => {
    const [child] = await studentIds(34, 1);
    const guardian = await addGuardian(bench(), { studentId: child as string, language: 'es' });
    const admin = await signInAs(app, 'admin@riverside.example.org');
    const added = await app.inject({
      method: 'POST',
      url: '/api/community-resources',
      headers: { cookie: admin },
      payload: {
        name: 'Night bus for shift workers',
        description: 'A late bus for parents who work nights.',
        phone: '(217) 555-0199',
        barriers: ['work', 'transportation'],
        translations: {
          es: {
            name: 'Autobús nocturno',
            description: 'Un autobús tarde para padres que trabajan de noche.',
          },
        },
      },
    });
    expect(added.statusCode).toBe(201);
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/community-resources',
      headers: { cookie: admin },
      payload: { name: 'x', description: 'y', barriers: ['weather'] },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.message).toContain('weather is not one');

    const cookie = await signInAsFamily(app, database.db, guardian.phone);
    const asked = await app.inject({
      method: 'POST',
      url: '/family/help',
      headers: { cookie, ...FORM },
      payload: form({
        requestId: crypto.randomUUID(),
        studentId: child as string,
        barrier: 'transportation',
      }),
    });
    expect(asked.statusCode).toBe(303);
    const page = await app.inject({
      method: 'GET',
      url: String(asked.headers.location),
      headers: { cookie, accept: 'text/html' },
    });
    expect(page.body).toContain('Ayuda cerca de usted');
    expect(page.body).toContain('Autobús nocturno');
    // The demo's transit pass helps with transportation too; the clinic (health) is not shown.
    expect(page.body).toContain('Pase estudiantil de Riverside Transit');
    expect(page.body).not.toContain('Clínica Comunitaria');
    expect(page.body).toContain('href="tel:2175550199"');

    // A retired resource is no longer shown.
    await app.inject({
      method: 'DELETE',
      url: `/api/community-resources/${added.json().resourceId}`,
      headers: { cookie: admin },
    });
    const after = await app.inject({
      method: 'GET',
      url: String(asked.headers.location),
      headers: { cookie, accept: 'text/html' },
    });
    expect(after.body).not.toContain('Autobús nocturno');
  });

  it('keeps a photo of a note with a report, recognised by its bytes, for staff who may see it', async () => {
    const [child] = await studentIds(35, 1);
    const guardian = await addGuardian(bench(), { studentId: child as string });
    const cookie = await signInAsFamily(app, database.db, guardian.phone);
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(200, 7),
    ]);
    const multipartBody = (
      fields: Record<string, string>,
      file?: { data: Buffer; name: string; type: string },
    ) => {
      const boundary = `----homeroom${crypto.randomUUID()}`;
      const parts: Buffer[] = [];
      for (const [name, value] of Object.entries(fields)) {
        parts.push(
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
        );
      }
      if (file) {
        parts.push(
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
          ),
          file.data,
          Buffer.from('\r\n'),
        );
      }
      parts.push(Buffer.from(`--${boundary}--\r\n`));
      return {
        payload: Buffer.concat(parts),
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      };
    };
    const fields = { kind: 'absent', date: today, reason: 'medical', note: 'Note attached' };
    const report = (file?: { data: Buffer; name: string; type: string }, requestId = crypto.randomUUID()) => {
      const body = multipartBody({ ...fields, requestId }, file);
      return app.inject({
        method: 'POST',
        url: `/family/children/${child}/report`,
        headers: { cookie, accept: 'text/html', ...body.headers },
        payload: body.payload,
      });
    };
    // A file that only claims to be a picture is refused, naming what is accepted, and nothing is kept.
    const fake = await report({
      data: Buffer.from('<script>alert(1)</script>'),
      name: 'note.png',
      type: 'image/png',
    });
    expect(fake.statusCode).toBe(400);
    expect(fake.body).toContain(
      'The photo must be a picture (JPEG, PNG, WEBP or HEIC) or a PDF, up to 5 MB.',
    );
    expect(fake.body).toContain('Note attached');
    const tooBig = await report({
      data: Buffer.concat([png, Buffer.alloc(5 * 1024 * 1024)]),
      name: 'big.png',
      type: 'image/png',
    });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.body).toContain('The photo must be a picture');
    expect(await portalReplies(guardian.contactId)).toEqual([]);

    const sent = await report({ data: png, name: 'note.jpg', type: 'image/jpeg' });
    expect(sent.statusCode).toBe(303);
    const { rows } = await sql<{ attachment_id: string; content_type: string }>`
      SELECT a.attachment_id, a.content_type FROM inbound_attachments a
      JOIN inbound_messages i ON i.district_id = a.district_id AND i.inbound_id = a.inbound_id
      WHERE i.contact_id = ${guardian.contactId}`.execute(database.db);
    // The type comes from the bytes (a PNG), not from what the browser said (JPEG).
    expect(rows.map((row) => row.content_type)).toEqual(['image/png']);
    const attachmentId = rows[0]?.attachment_id as string;

    const lead = await signInAs(app, 'attendance.lead@riverside.example.org');
    const inbox = await app.inject({
      method: 'GET',
      url: '/inbox',
      headers: { cookie: lead, accept: 'text/html' },
    });
    expect(inbox.body).toContain(`/inbox/attachments/${attachmentId}`);
    const photo = await app.inject({
      method: 'GET',
      url: `/inbox/attachments/${attachmentId}`,
      headers: { cookie: lead },
    });
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(photo.headers['content-security-policy']).toContain('sandbox');
    expect(Buffer.compare(photo.rawPayload, png)).toBe(0);
    // A teacher may not open the inbox; a principal of another school does not see this family.
    const teacher = await signInAs(app, 'teacher@riverside.example.org');
    expect(
      (
        await app.inject({
          method: 'GET',
          url: `/inbox/attachments/${attachmentId}`,
          headers: { cookie: teacher },
        })
      ).statusCode,
    ).toBe(403);
  });

  it('sends alerts and other news each by the channel the family chose for it', async () => {
    const [child] = await studentIds(36, 1);
    const guardian = await addGuardian(bench(), {
      studentId: child as string,
      email: 'two-channels@example.org',
    });
    const cookie = await signInAsFamily(app, database.db, guardian.phone);
    const saved = await app.inject({
      method: 'POST',
      url: '/family/settings',
      headers: { cookie, ...FORM },
      payload: form({
        language: 'en',
        channel: 'sms',
        newsChannel: 'email',
        'consent-sms': '1',
        'consent-email': '1',
      }),
    });
    expect(saved.statusCode).toBe(303);
    const admin = await signInAs(app, 'admin@riverside.example.org');
    const send = (template: string, category: string) =>
      app.inject({
        method: 'POST',
        url: `/api/students/${child}/messages`,
        headers: { cookie: admin },
        payload: { template, category, contactIds: [guardian.contactId] },
      });
    const alert = await send('same_day_check_in', 'attendance_alert');
    const news = await send('improvement_celebration', 'general');
    expect(alert.json().messages.map((m: { channel: string }) => m.channel)).toEqual(['sms']);
    expect(news.json().messages.map((m: { channel: string }) => m.channel)).toEqual(['email']);
    const page = await app.inject({
      method: 'GET',
      url: '/family/settings',
      headers: { cookie, accept: 'text/html' },
    });
    expect(page.body).toContain('id="news-email" name="newsChannel" value="email" checked');
  });
});
