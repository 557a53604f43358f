/**
 * Signing in through the real route, for route tests: `signInAs(app, email)` returns the
 * Cookie header value of a fresh session, to pass as `headers: { cookie }` to app.inject().
 */
import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { DEMO_PASSWORD } from '../../src/demo/demo-district.ts';
import type { DB } from '../../src/platform/db/types.ts';

/**
 * Signs in as the staff member with this email (the demo password by default) and returns
 * `homeroom_session=<token>`. Throws with the answer when the sign-in is refused.
 */
export async function signInAs(
  app: FastifyInstance,
  email: string,
  password: string = DEMO_PASSWORD,
  district?: string,
): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { email, password, ...(district ? { district } : {}) },
  });
  if (response.statusCode !== 200) {
    throw new Error(`Signing in as ${email} answered ${response.statusCode}: ${response.body}`);
  }
  const setCookie = response.headers['set-cookie'];
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  const pair = first?.split(';')[0];
  if (!pair) throw new Error(`Signing in as ${email} set no cookie.`);
  return pair;
}

/** The six-digit code in a sign-in message's body (a call reads it out as "4, 8, 2, 9, 1, 3"). */
export function codeInMessage(body: string): string {
  const spoken = /\d(?:, \d){5}/.exec(body);
  if (spoken) return spoken[0].replace(/\D/g, '');
  const written = /\b\d{6}\b/.exec(body);
  if (!written) throw new Error(`No sign-in code in: ${body}`);
  return written[0];
}

/**
 * Signs a family in through the real portal forms: asks for a code for this phone or email,
 * reads the code from the outbox (as the family's phone would), and types it back. Returns
 * `homeroom_family=<token>`. The app must have a job queue (the code is sent through it).
 */
export async function signInAsFamily(
  app: FastifyInstance,
  db: Kysely<DB>,
  address: string,
  options: { remember?: boolean } = {},
): Promise<string> {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const asked = await app.inject({
    method: 'POST',
    url: '/family/sign-in',
    headers: form,
    payload: new URLSearchParams({ address, ...(options.remember ? { remember: '1' } : {}) }).toString(),
  });
  if (asked.statusCode !== 303)
    throw new Error(`Asking for a code answered ${asked.statusCode}: ${asked.body}`);
  const next = new URL(String(asked.headers.location), 'http://homeroom.test');
  const codeId = next.searchParams.get('c') ?? '';
  const districtId = next.searchParams.get('d') ?? '';
  const sent = await sql<{ body: string }>`SELECT body FROM messages
    WHERE district_id = ${districtId} AND dedupe_key = ${`sign-in:${codeId}`}`.execute(db);
  const body = sent.rows[0]?.body;
  if (!body)
    throw new Error(`No code was sent to ${address}: is it on file for a guardian who may use the portal?`);
  const verified = await app.inject({
    method: 'POST',
    url: '/family/sign-in/code',
    headers: form,
    payload: new URLSearchParams({
      c: codeId,
      d: districtId,
      code: codeInMessage(body),
      r: options.remember ? '1' : '',
    }).toString(),
  });
  if (verified.statusCode !== 303)
    throw new Error(`The code answered ${verified.statusCode}: ${verified.body}`);
  const setCookie = verified.headers['set-cookie'];
  const pair = (Array.isArray(setCookie) ? setCookie[0] : setCookie)?.split(';')[0];
  if (!pair) throw new Error('Signing in as a family set no cookie.');
  return pair;
}
