/**
 * The session routes and route access through app.inject(), on the engine under test, with
 * the demo district's accounts.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testEngine } from '../../test/support/database.ts';
import { signInAs } from '../../test/support/sign-in.ts';
import { seedDemoDistrict } from '../demo/demo.service.ts';
import { DEMO_DISTRICT_ID, DEMO_DISTRICT_SLUG, DEMO_PASSWORD, demoSignIns } from '../demo/demo-district.ts';
import { loadConfig } from '../platform/config.ts';
import { buildApp } from '../platform/http/app.ts';
import { SIGN_IN_MAX_FAILURES } from './sign-in-throttle.ts';

const silent = pino({ level: 'silent' });
const ADMIN = 'admin@riverside.example.org';
const TEACHER = 'teacher@riverside.example.org';
const ANALYST = 'analyst@riverside.example.org';

let database: TestDatabase;
let app: FastifyInstance;

function cookieOf(setCookie: string | string[] | undefined): string {
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  return first?.split(';')[0] ?? '';
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoDistrict(database.db, { seed: 7, students: 100, asOf: '2027-01-15' });
  app = await buildApp({ config: loadConfig({}), database, logger: silent });
  app.get('/test/admin-only', { config: { access: { roles: ['district_admin'] } } }, async (request) => ({
    userId: request.staff.userId,
    roles: request.staff.roles,
  }));
  app.post(
    '/test/admin-write',
    {
      config: { access: { roles: ['district_admin'] } },
      schema: {
        body: {
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string', minLength: 1 } },
          additionalProperties: false,
        },
      },
    },
    async () => ({ ok: true }),
  );
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

describe(`POST /api/session on ${testEngine()}`, () => {
  it('signs in, sets an HttpOnly session cookie, and GET /api/session says who is signed in', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: ADMIN, password: DEMO_PASSWORD },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ user: { displayName: 'Dana Whitfield', roles: ['district_admin'] } });
    expect(response.headers['cache-control']).toBe('no-store');
    const setCookie = response.headers['set-cookie'] as string;
    expect(setCookie).toMatch(
      /^homeroom_session=[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    expect(setCookie).not.toContain('Secure');

    const whoami = await app.inject({
      method: 'GET',
      url: '/api/session',
      headers: { cookie: cookieOf(setCookie) },
    });
    expect(whoami.statusCode).toBe(200);
    expect(whoami.json()).toEqual({
      user: {
        displayName: 'Dana Whitfield',
        roles: ['district_admin'],
        grants: [{ role: 'district_admin', scope: 'district', schoolId: null, schoolName: null }],
      },
      district: { slug: DEMO_DISTRICT_SLUG, name: 'Riverside Unified School District' },
    });
  });

  it('lets every demo account sign in and describe its session', async () => {
    for (const account of demoSignIns()) {
      const cookie = await signInAs(app, account.email);
      const whoami = await app.inject({ method: 'GET', url: '/api/session', headers: { cookie } });
      expect(whoami.statusCode).toBe(200);
      const body = whoami.json();
      expect(body.user.roles).toEqual([account.role]);
      expect(body.user.grants.length).toBeGreaterThan(0);
      for (const grant of body.user.grants)
        expect(grant.schoolName === null).toBe(grant.scope === 'district');
    }
  });

  it('sets a Secure __Host- cookie when the request came over HTTPS through a trusted proxy', async () => {
    const proxied = await buildApp({ config: loadConfig({ TRUST_PROXY: 'true' }), database, logger: silent });
    try {
      const response = await proxied.inject({
        method: 'POST',
        url: '/api/session',
        headers: { 'x-forwarded-proto': 'https' },
        payload: { email: ADMIN, password: DEMO_PASSWORD },
      });
      expect(response.statusCode).toBe(200);
      const setCookie = response.headers['set-cookie'] as string;
      expect(setCookie).toMatch(/^__Host-homeroom_session=\S+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
      const cookie = cookieOf(setCookie);
      const overHttps = await proxied.inject({
        method: 'GET',
        url: '/api/session',
        headers: { cookie, 'x-forwarded-proto': 'https' },
      });
      expect(overHttps.statusCode).toBe(200);
      // The same token under the plain name is not read over HTTPS (it could be planted).
      const plain = await proxied.inject({
        method: 'GET',
        url: '/api/session',
        headers: { cookie: cookie.replace('__Host-', ''), 'x-forwarded-proto': 'https' },
      });
      expect(plain.statusCode).toBe(401);
    } finally {
      await proxied.close();
    }
  });

  it('answers a wrong password and an unknown email with the same 401', async () => {
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: ADMIN, password: 'not-the-password' },
    });
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: 'nobody@riverside.example.org', password: 'not-the-password' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.body).toBe(unknown.body);
    expect(wrong.json()).toEqual({
      error: { code: 'UNAUTHENTICATED', message: 'The email or password is not right.' },
    });
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a disabled account', async () => {
    const email = 'attendance.lead@riverside.example.org';
    await database.db
      .updateTable('staff_users')
      .set({ is_active: false })
      .where('email', '=', email)
      .execute();
    try {
      const response = await app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { email, password: DEMO_PASSWORD },
      });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('UNAUTHENTICATED');
    } finally {
      await database.db
        .updateTable('staff_users')
        .set({ is_active: true })
        .where('email', '=', email)
        .execute();
    }
  });

  it('validates the body, naming the field, and never echoes the password', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: ADMIN, password: '', extra: 'x' },
    });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.error.code).toBe('INVALID_INPUT');
    expect(body.error.fields.map((field: { field: string }) => field.field)).toContain('body.password');
  });

  it('gives a new session at each sign-in and ends the one the browser held', async () => {
    const before = await signInAs(app, ANALYST);
    const response = await app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { cookie: before },
      payload: { email: ANALYST, password: DEMO_PASSWORD },
    });
    const after = cookieOf(response.headers['set-cookie']);
    expect(after).not.toBe(before);
    expect(
      (await app.inject({ method: 'GET', url: '/api/session', headers: { cookie: before } })).statusCode,
    ).toBe(401);
    expect(
      (await app.inject({ method: 'GET', url: '/api/session', headers: { cookie: after } })).statusCode,
    ).toBe(200);
  });

  it(`throttles an email from one address after ${SIGN_IN_MAX_FAILURES} failures, but not from another`, async () => {
    const email = 'principal@riverside.example.org';
    const attempt = (password: string, remoteAddress: string) =>
      app.inject({ method: 'POST', url: '/api/session', remoteAddress, payload: { email, password } });
    for (let i = 0; i < SIGN_IN_MAX_FAILURES; i += 1) {
      expect((await attempt(`guess-${i}`, '198.51.100.20')).statusCode).toBe(401);
    }
    const throttled = await attempt(DEMO_PASSWORD, '198.51.100.20');
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json().error.code).toBe('RATE_LIMITED');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect(Number(throttled.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    // Someone guessing from elsewhere cannot lock the principal out.
    expect((await attempt(DEMO_PASSWORD, '203.0.113.50')).statusCode).toBe(200);

    const audited = await database.db
      .selectFrom('audit_log')
      .select('outcome')
      .where('action', '=', 'staff.sign-in')
      .where(sql<string>`detail ->> 'email'`, '=', email)
      .execute();
    expect(audited.filter((row) => row.outcome === 'denied')).toHaveLength(SIGN_IN_MAX_FAILURES);
  });
});

describe(`GET and DELETE /api/session on ${testEngine()}`, () => {
  it('answers 401 without a session cookie, or with one that is not valid, and clears it', async () => {
    const none = await app.inject({ method: 'GET', url: '/api/session' });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual({
      error: { code: 'UNAUTHENTICATED', message: 'Sign in first: this needs a staff session.' },
    });
    const forged = await app.inject({
      method: 'GET',
      url: '/api/session',
      headers: { cookie: `homeroom_session=${DEMO_DISTRICT_ID}.${'x'.repeat(43)}` },
    });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error.code).toBe('UNAUTHENTICATED');
    expect(forged.headers['set-cookie']).toMatch(
      /^homeroom_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    expect((await app.inject({ method: 'DELETE', url: '/api/session' })).statusCode).toBe(401);
  });

  it('refuses a session left idle for 30 minutes or past its 12 hours', async () => {
    const idle = await signInAs(app, ADMIN);
    const expired = await signInAs(app, ADMIN);
    const hashOf = (cookie: string) =>
      createHash('sha256')
        .update(cookie.split('.')[1] as string)
        .digest('hex');
    await database.db
      .updateTable('staff_sessions')
      .set({ last_seen_at: new Date(Date.now() - 31 * 60_000) })
      .where('session_id', '=', hashOf(idle))
      .execute();
    await database.db
      .updateTable('staff_sessions')
      .set({
        created_at: new Date(Date.now() - 13 * 3_600_000),
        expires_at: new Date(Date.now() - 3_600_000),
      })
      .where('session_id', '=', hashOf(expired))
      .execute();
    for (const cookie of [idle, expired]) {
      const response = await app.inject({ method: 'GET', url: '/api/session', headers: { cookie } });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('signs out: the cookie is cleared and the old cookie no longer works', async () => {
    const cookie = await signInAs(app, TEACHER);
    const response = await app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie } });
    expect(response.statusCode).toBe(204);
    expect(response.headers['set-cookie']).toMatch(
      /^homeroom_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    const after = await app.inject({ method: 'GET', url: '/api/session', headers: { cookie } });
    expect(after.statusCode).toBe(401);
  });

  it('ends the sessions of an account as soon as it is disabled', async () => {
    const email = 'champion@riverside.example.org';
    const cookie = await signInAs(app, email);
    await database.db
      .updateTable('staff_users')
      .set({ is_active: false })
      .where('email', '=', email)
      .execute();
    try {
      expect((await app.inject({ method: 'GET', url: '/api/session', headers: { cookie } })).statusCode).toBe(
        401,
      );
    } finally {
      await database.db
        .updateTable('staff_users')
        .set({ is_active: true })
        .where('email', '=', email)
        .execute();
    }
    // Enabling the account again does not bring the old session back.
    expect((await app.inject({ method: 'GET', url: '/api/session', headers: { cookie } })).statusCode).toBe(
      401,
    );
  });
});

describe(`route access on ${testEngine()}`, () => {
  it('answers 401 without a session, 403 to a teacher and 200 to the district admin', async () => {
    const anonymous = await app.inject({ method: 'GET', url: '/test/admin-only' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('UNAUTHENTICATED');

    const teacher = await app.inject({
      method: 'GET',
      url: '/test/admin-only',
      headers: { cookie: await signInAs(app, TEACHER) },
    });
    expect(teacher.statusCode).toBe(403);
    expect(teacher.json()).toEqual({
      error: { code: 'FORBIDDEN', message: 'Your role may not do this: it needs the role district_admin.' },
    });

    const admin = await app.inject({
      method: 'GET',
      url: '/test/admin-only',
      headers: { cookie: await signInAs(app, ADMIN) },
    });
    expect(admin.statusCode).toBe(200);
    expect(admin.json()).toEqual({ userId: expect.any(String), roles: ['district_admin'] });
  });

  it('checks access before it validates the body, so a 400 never stands in for a 401 or 403', async () => {
    const anonymous = await app.inject({
      method: 'POST',
      url: '/test/admin-write',
      payload: { wrong: true },
    });
    expect(anonymous.statusCode).toBe(401);
    const teacher = await app.inject({
      method: 'POST',
      url: '/test/admin-write',
      headers: { cookie: await signInAs(app, TEACHER) },
      payload: { wrong: true },
    });
    expect(teacher.statusCode).toBe(403);
    const admin = await signInAs(app, ADMIN);
    const invalid = await app.inject({
      method: 'POST',
      url: '/test/admin-write',
      headers: { cookie: admin },
      payload: { wrong: true },
    });
    expect(invalid.statusCode).toBe(400);
    const valid = await app.inject({
      method: 'POST',
      url: '/test/admin-write',
      headers: { cookie: admin },
      payload: { name: 'x' },
    });
    expect(valid.statusCode).toBe(200);
  });

  it('refuses a state-changing request sent from another site, even with a valid session', async () => {
    const cookie = await signInAs(app, ADMIN);
    const crossSite = await app.inject({
      method: 'POST',
      url: '/test/admin-write',
      headers: { cookie, origin: 'https://evil.example.com' },
      payload: { name: 'x' },
    });
    expect(crossSite.statusCode).toBe(403);
    expect(crossSite.json().error.code).toBe('FORBIDDEN');
    const fetchMetadata = await app.inject({
      method: 'DELETE',
      url: '/api/session',
      headers: { cookie, 'sec-fetch-site': 'cross-site' },
    });
    expect(fetchMetadata.statusCode).toBe(403);
    const sameOrigin = await app.inject({
      method: 'POST',
      url: '/test/admin-write',
      headers: { cookie, origin: 'http://localhost:80', host: 'localhost:80' },
      payload: { name: 'x' },
    });
    expect(sameOrigin.statusCode).toBe(200);
    const publicUrl = await app.inject({
      method: 'POST',
      url: '/test/admin-write',
      headers: { cookie, origin: 'http://localhost:3000' },
      payload: { name: 'x' },
    });
    expect(publicUrl.statusCode).toBe(200);
  });

  it('still refuses to register a route without an access declaration, or with roles that do not exist', async () => {
    const fresh = await buildApp({ config: loadConfig({}), database, logger: silent });
    try {
      expect(() => fresh.get('/undeclared', async () => 'hello')).toThrow(/does not declare config.access/);
      expect(() => fresh.get('/nobody', { config: { access: { roles: [] } } }, async () => 'hello')).toThrow(
        /list at least one/,
      );
      expect(() =>
        fresh.get(
          '/typo',
          // @ts-expect-error: the type already refuses an unknown role; the hook refuses it at run time too.
          { config: { access: { roles: ['district_admn'] } } },
          async () => 'hello',
        ),
      ).toThrow(/district_admn/);
    } finally {
      await fresh.close();
    }
  });

  it('keeps public routes public', async () => {
    for (const url of ['/', '/healthz', '/readyz', '/assets/home.css']) {
      expect((await app.inject({ method: 'GET', url })).statusCode).toBe(200);
    }
  });
});
