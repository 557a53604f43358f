/**
 * The call-in menu through the fake Twilio's signed voice webhooks: a Spanish-speaking parent
 * who does not read calls the district number, picks a child and says she will miss school
 * tomorrow; it reaches the staff inbox once however often Twilio retries; an unknown number is
 * sent to the school office; an unsigned request is refused.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../test/support/database.ts';
import { addGuardian, type MessagingBench, startMessagingBench } from '../../test/support/messaging.ts';
import { addDays } from '../platform/dates.ts';
import { districtToday } from '../roster/district.repository.ts';

let bench: MessagingBench;

beforeAll(async () => {
  bench = await startMessagingBench();
}, 120_000);

afterAll(async () => {
  await bench?.close();
});

const url = () => `${bench.config.PUBLIC_URL}/webhooks/twilio/voice-inbound`;

function actionOf(twiml: string): string {
  const action = /<Gather[^>]*\baction="([^"]+)"/.exec(twiml)?.[1];
  if (!action) throw new Error(`No <Gather> in ${twiml}`);
  return action.replaceAll('&amp;', '&');
}

describe(`the call-in menu (${testEngine()})`, () => {
  it('lets a parent who does not read report, by keypad and in Spanish, that a child will miss school tomorrow', async () => {
    const guardian = await addGuardian(bench, { language: 'es', readsText: false });
    const { rows: others } = await sql<{ student_id: string; name: string }>`
      SELECT student_id, coalesce(preferred_name, first_name) AS name FROM students
      WHERE district_id = ${bench.districtId} AND student_id <> ${guardian.studentId} ORDER BY local_id LIMIT 1 OFFSET 7`.execute(
      bench.database.db,
    );
    const second = others[0] as { student_id: string; name: string };
    await sql`INSERT INTO student_contacts (district_id, student_id, contact_id, relationship)
      VALUES (${bench.districtId}, ${second.student_id}, ${guardian.contactId}, 'mother')`.execute(
      bench.database.db,
    );
    const call = { from: guardian.phone, to: bench.smsNumber, sid: `CA${'1'.repeat(32)}` };

    const greeting = await bench.fake.postInboundCall(url(), call);
    expect(greeting.status).toBe(200);
    expect(greeting.body).toContain('language="es-US"');
    expect(greeting.body).toMatch(/Para .+, marque 1\. Para .+, marque 2\./);
    const children = [...greeting.body.matchAll(/Para ([^,]+), marque (\d)/g)].map((m) => ({
      name: m[1],
      digit: m[2],
    }));
    const digit = children.find((child) => child.name === second.name)?.digit as string;

    const menu = await bench.fake.postInboundCall(actionOf(greeting.body), { ...call, digits: digit });
    expect(menu.body).toContain(`Marque 3 si ${second.name} faltará mañana.`);
    const done = await bench.fake.postInboundCall(actionOf(menu.body), { ...call, digits: '3' });
    expect(done.body).toContain('Gracias. Le avisamos a la escuela.');
    expect(done.body).toContain('<Hangup/>');
    // Twilio retries a webhook that timed out: the report is kept once.
    await bench.fake.postInboundCall(actionOf(menu.body), { ...call, digits: '3' });
    const tomorrow = addDays(await districtToday(bench.database.db, bench.districtId), 1);
    const { rows } = await sql<{
      intent: { intent: string; studentId: string; date: string; reason: string };
    }>`
      SELECT intent FROM inbound_messages WHERE contact_id = ${guardian.contactId}`.execute(
      bench.database.db,
    );
    expect(rows.map((row) => row.intent)).toEqual([
      expect.objectContaining({
        intent: 'absence_reason',
        studentId: second.student_id,
        date: tomorrow,
        reason: 'other',
      }),
    ]);
  });

  it('takes a request for help, and says again what a key that is not a choice was', async () => {
    const guardian = await addGuardian(bench, { language: 'en', readsText: false });
    const call = { from: guardian.phone, to: bench.smsNumber, sid: `CA${'2'.repeat(32)}` };
    const menu = await bench.fake.postInboundCall(url(), call);
    // One child: the menu comes at once.
    expect(menu.body).toContain('Press 4 if you need help from the school.');
    const wrong = await bench.fake.postInboundCall(actionOf(menu.body), { ...call, digits: '7' });
    expect(wrong.body).toContain('Sorry, that is not one of the choices.');
    expect(wrong.body).toContain('<Gather');
    await bench.fake.postInboundCall(actionOf(wrong.body), { ...call, digits: '4' });
    const tasks = await sql<{ assignee_role: string }>`SELECT assignee_role FROM tasks
      WHERE student_id = ${guardian.studentId} AND source LIKE 'portal:%'`.execute(bench.database.db);
    expect(tasks.rows).toEqual([{ assignee_role: 'counselor' }]);
  });

  it('sends an unknown number to the school office and records nothing; refuses an unsigned call', async () => {
    const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM inbound_messages`.execute(
      bench.database.db,
    );
    const unknown = await bench.fake.postInboundCall(url(), {
      from: '+13125550999',
      to: bench.smsNumber,
      sid: `CA${'3'.repeat(32)}`,
    });
    expect(unknown.body).toContain('We could not find this phone number.');
    expect(unknown.body).toContain('No encontramos este número de teléfono.');
    expect(unknown.body).not.toContain('<Gather');
    const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM inbound_messages`.execute(
      bench.database.db,
    );
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
    const forged = await fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'forged' },
      body: new URLSearchParams({ CallSid: 'CAforged', From: '+13125550999', To: bench.smsNumber }),
    });
    expect(forged.status).toBe(403);
  });
});
