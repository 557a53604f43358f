/**
 * Signing in through the real route, for route tests: `signInAs(app, email)` returns the
 * Cookie header value of a fresh session, to pass as `headers: { cookie }` to app.inject().
 */
import type { FastifyInstance } from 'fastify';
import { DEMO_PASSWORD } from '../../src/demo/demo-district.ts';

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
