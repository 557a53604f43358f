/**
 * Signing families in with a one-time code: the abuse cases of issue 8 (guessing, flooding,
 * enumeration), expiry, who counts as a guardian who may use the portal, and sessions that
 * follow the school's records.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testEngine } from '../../test/support/database.ts';
import { addGuardian, RecordingQueue } from '../../test/support/messaging.ts';
import { codeInMessage } from '../../test/support/sign-in.ts';
import { seedDemoDistrict } from '../demo/demo.service.ts';
import { DEMO_DISTRICT_ID } from '../demo/demo-plan.ts';
import { isAppError } from '../platform/errors.ts';
import {
  CODE_MAX_GUESSES,
  CODE_TTL_MS,
  CODES_PER_ADDRESS_WINDOW,
  CODES_PER_IP_HOUR,
  type FamilyAddress,
  getFamilyPrincipal,
  parseFamilyAddress,
  REDACTED_CODE_BODY,
  requestSignInCode,
  SHORT_IDLE_MS,
  verifySignInCode,
} from './family-auth.service.ts';

let database: TestDatabase;
const queue = new RecordingQueue();
const bench = () => ({ database, districtId: DEMO_DISTRICT_ID });
let phoneCounter = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoDistrict(database.db, { seed: 5, students: 60, asOf: '2027-01-15' });
}, 120_000);

afterAll(async () => {
  await database?.close();
});

function freshPhone(): string {
  phoneCounter += 1;
  return `+1773555${String(2000 + phoneCounter).padStart(4, '0')}`;
}

async function ask(
  address: FamilyAddress,
  now = new Date(),
  ip = `10.0.${phoneCounter % 250}.${(phoneCounter * 7) % 250}`,
) {
  return requestSignInCode(
    database.db,
    queue,
    { districtId: DEMO_DISTRICT_ID, districtName: 'Riverside Unified', address, ip },
    now,
  );
}

async function sentBody(
  codeId: string,
): Promise<{ body: string; channel: string; subject: string | null } | undefined> {
  const { rows } = await sql<{ body: string; channel: string; subject: string | null }>`
    SELECT body, channel, subject FROM messages WHERE district_id = ${DEMO_DISTRICT_ID}
      AND dedupe_key = ${`sign-in:${codeId}`}`.execute(database.db);
  return rows[0];
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; key: string; details: unknown }> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, key: error.userMessageKey, details: error.details };
    throw error;
  }
  throw new Error('Expected a refusal.');
}

describe(`family sign-in by one-time code (${testEngine()})`, () => {
  it('reads phone numbers and emails as families type them, and names what is wrong otherwise', async () => {
    expect(parseFamilyAddress(' (312) 555-0100 ')).toEqual({ kind: 'phone', address: '+13125550100' });
    expect(parseFamilyAddress('+13125550100')).toEqual({ kind: 'phone', address: '+13125550100' });
    expect(parseFamilyAddress(' Ana.Perez@Example.org')).toEqual({
      kind: 'email',
      address: 'ana.perez@example.org',
    });
    for (const bad of ['', '555-0100', 'ana@', 'not a number']) {
      expect(() => parseFamilyAddress(bad), bad).toThrow(/mobile phone number .* or an email address/);
    }
  });

  it('texts a code to a number on file, in the guardian language, stores only its salted hash, and signs in once', async () => {
    const guardian = await addGuardian(bench(), { phone: freshPhone(), language: 'es' });
    const { codeId } = await ask({ kind: 'phone', address: guardian.phone });
    const sent = await sentBody(codeId);
    expect(sent?.channel).toBe('sms');
    expect(sent?.body).toMatch(/^Su código para entrar a Homeroom de Riverside Unified es \d{6}\./);
    const code = codeInMessage(sent?.body ?? '');
    const stored = await sql<{
      code_hash: string;
      on_file: boolean;
    }>`SELECT code_hash, on_file FROM family_sign_in_codes
      WHERE code_id = ${codeId}`.execute(database.db);
    expect(stored.rows[0]?.on_file).toBe(true);
    expect(stored.rows[0]?.code_hash).not.toContain(code);
    expect(queue.take().map((job) => job.name)).toEqual(['messaging.send-message']);

    const signedIn = await verifySignInCode(database.db, {
      districtId: DEMO_DISTRICT_ID,
      codeId,
      code,
      remember: true,
    });
    const principal = await getFamilyPrincipal(database.db, signedIn.token);
    expect(principal.guardians.map((g) => g.contactId)).toEqual([guardian.contactId]);
    // Used once: the code no longer works, and its message no longer shows it.
    expect(
      (
        await refusal(
          verifySignInCode(database.db, { districtId: DEMO_DISTRICT_ID, codeId, code, remember: false }),
        )
      ).key,
    ).toBe('signIn.error.deadCode');
    expect((await sentBody(codeId))?.body).toBe(REDACTED_CODE_BODY);
  });

  it('answers a number that is not on file exactly as one that is, and sends nothing', async () => {
    const unknown = freshPhone();
    const { codeId } = await ask({ kind: 'phone', address: unknown });
    expect(codeId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await sentBody(codeId)).toBeUndefined();
    expect(queue.take()).toEqual([]);
    // Any guess fails the way a wrong guess at a real code fails.
    const wrong = await refusal(
      verifySignInCode(database.db, {
        districtId: DEMO_DISTRICT_ID,
        codeId,
        code: '000000',
        remember: false,
      }),
    );
    expect(wrong).toEqual({
      code: 'UNAUTHENTICATED',
      key: 'signIn.error.wrongCode',
      details: { guessesLeft: 4 },
    });
  });

  it(`allows ${CODE_MAX_GUESSES} guesses, then the code is dead even for the right one`, async () => {
    const guardian = await addGuardian(bench(), { phone: freshPhone() });
    const { codeId } = await ask({ kind: 'phone', address: guardian.phone });
    const code = codeInMessage((await sentBody(codeId))?.body ?? '');
    const wrongCode = code === '123456' ? '654321' : '123456';
    const left: unknown[] = [];
    for (let guess = 0; guess < CODE_MAX_GUESSES; guess += 1) {
      const answer = await refusal(
        verifySignInCode(database.db, {
          districtId: DEMO_DISTRICT_ID,
          codeId,
          code: wrongCode,
          remember: false,
        }),
      );
      left.push(answer.details);
    }
    expect(left).toEqual([4, 3, 2, 1, 0].map((guessesLeft) => ({ guessesLeft })));
    const late = await refusal(
      verifySignInCode(database.db, { districtId: DEMO_DISTRICT_ID, codeId, code, remember: false }),
    );
    expect(late.key).toBe('signIn.error.deadCode');
  });

  it(`refuses a code after ${CODE_TTL_MS / 60_000} minutes`, async () => {
    const guardian = await addGuardian(bench(), { phone: freshPhone() });
    const asked = new Date(Date.now() - CODE_TTL_MS - 1000);
    const { codeId } = await ask({ kind: 'phone', address: guardian.phone }, asked);
    const code = codeInMessage((await sentBody(codeId))?.body ?? '');
    const answer = await refusal(
      verifySignInCode(database.db, { districtId: DEMO_DISTRICT_ID, codeId, code, remember: false }),
    );
    expect(answer.key).toBe('signIn.error.deadCode');
  });

  it(`limits codes to ${CODES_PER_ADDRESS_WINDOW} per address per quarter hour, on file or not, and says when to come back`, async () => {
    const now = new Date();
    for (const address of [(await addGuardian(bench(), { phone: freshPhone() })).phone, freshPhone()]) {
      for (let n = 0; n < CODES_PER_ADDRESS_WINDOW; n += 1) {
        await ask({ kind: 'phone', address }, new Date(now.getTime() + n * 1000), `192.0.2.${n + 1}`);
      }
      const flooded = await refusal(
        ask({ kind: 'phone', address }, new Date(now.getTime() + 10_000), '192.0.2.9'),
      );
      expect(flooded.code).toBe('RATE_LIMITED');
      const wait = (flooded.details as { retryAfterSeconds: number }).retryAfterSeconds;
      expect(wait).toBeGreaterThan(800);
      expect(wait).toBeLessThanOrEqual(900);
      // After the quarter hour, the address may ask again.
      await ask({ kind: 'phone', address }, new Date(now.getTime() + 16 * 60_000), '192.0.2.10');
    }
    queue.take();
  });

  it(`limits one client address to ${CODES_PER_IP_HOUR} codes an hour, whatever the numbers`, async () => {
    const ip = '198.51.100.7';
    for (let n = 0; n < CODES_PER_IP_HOUR; n += 1)
      await ask({ kind: 'phone', address: freshPhone() }, new Date(), ip);
    const flooded = await refusal(ask({ kind: 'phone', address: freshPhone() }, new Date(), ip));
    expect(flooded.code).toBe('RATE_LIMITED');
    await ask({ kind: 'phone', address: freshPhone() }, new Date(), '198.51.100.8');
  });

  it('lets no more than the limit through when requests for one address arrive together', async () => {
    const address = freshPhone();
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, n) => ask({ kind: 'phone', address }, new Date(), `203.0.113.${n + 1}`)),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(CODES_PER_ADDRESS_WINDOW);
  });

  it('calls a guardian who does not read and reads the code digit by digit; emails an email address', async () => {
    const listener = await addGuardian(bench(), { phone: freshPhone(), readsText: false });
    const called = await ask({ kind: 'phone', address: listener.phone });
    const call = await sentBody(called.codeId);
    expect(call?.channel).toBe('voice');
    expect(call?.body).toMatch(/ is \d, \d, \d, \d, \d, \d\./);

    const reader = await addGuardian(bench(), {
      phone: freshPhone(),
      email: `family${phoneCounter}@example.org`,
    });
    const emailed = await ask({ kind: 'email', address: `FAMILY${phoneCounter}@example.org`.toLowerCase() });
    const mail = await sentBody(emailed.codeId);
    expect(mail?.channel).toBe('email');
    expect(mail?.subject).toBe('Your sign-in code for Riverside Unified');
    expect(reader.contactId).toBeTruthy();
    queue.take();
  });

  it('sends nothing to a contact whose only link gives no portal, no educational rights, or is for emergencies', async () => {
    for (const link of [
      sql`may_view_portal = false`,
      sql`has_educational_rights = false`,
      sql`relationship = 'emergency_contact'`,
    ]) {
      const guardian = await addGuardian(bench(), { phone: freshPhone() });
      await sql`UPDATE student_contacts SET ${link} WHERE district_id = ${DEMO_DISTRICT_ID}
        AND contact_id = ${guardian.contactId}`.execute(database.db);
      const { codeId } = await ask({ kind: 'phone', address: guardian.phone });
      expect(await sentBody(codeId)).toBeUndefined();
    }
    expect(queue.take()).toEqual([]);
  });

  it('ends a session when the school removes the number, and a short one after two idle hours', async () => {
    const guardian = await addGuardian(bench(), { phone: freshPhone() });
    const signIn = async (remember: boolean, now = new Date()) => {
      const { codeId } = await ask(
        { kind: 'phone', address: guardian.phone },
        now,
        `100.64.0.${remember ? 1 : 2}`,
      );
      const code = codeInMessage((await sentBody(codeId))?.body ?? '');
      return verifySignInCode(database.db, { districtId: DEMO_DISTRICT_ID, codeId, code, remember }, now);
    };
    const short = await signIn(false);
    const remembered = await signIn(true);
    const later = new Date(Date.now() + SHORT_IDLE_MS + 60_000);
    expect((await refusal(getFamilyPrincipal(database.db, short.token, later))).code).toBe('UNAUTHENTICATED');
    expect((await getFamilyPrincipal(database.db, remembered.token, later)).guardians).toHaveLength(1);

    await sql`DELETE FROM contact_phones WHERE district_id = ${DEMO_DISTRICT_ID} AND contact_id = ${guardian.contactId}`.execute(
      database.db,
    );
    expect((await refusal(getFamilyPrincipal(database.db, remembered.token))).code).toBe('UNAUTHENTICATED');
    const left = await sql<{ n: number }>`SELECT count(*)::int AS n FROM family_sessions
      WHERE address = ${guardian.phone}`.execute(database.db);
    expect(left.rows[0]?.n).toBe(0);
    queue.take();
  });

  it('refuses a malformed or forged session cookie', async () => {
    for (const token of ['', 'nonsense', `${DEMO_DISTRICT_ID}.${'A'.repeat(43)}`]) {
      expect((await refusal(getFamilyPrincipal(database.db, token))).code).toBe('UNAUTHENTICATED');
    }
  });
});
