/**
 * RELIABILITY.md scenario 19: every registered route, called anonymously and as each demo
 * role. Anonymous callers get 401 except on routes declared public; each role gets 403
 * exactly where the route's declared roles leave it out, and is let through (neither 401
 * nor 403) where they include it. Access is decided before validation, so a 400 or 404
 * never counts as "protected".
 */
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoDistrict } from '../src/demo/demo.service.ts';
import { demoSignIns } from '../src/demo/demo-district.ts';
import { loadConfig } from '../src/platform/config.ts';
import { buildApp } from '../src/platform/http/app.ts';
import type { StaffRole } from '../src/staff/staff-principal.ts';
import { createTestDatabase, type TestDatabase, testEngine } from './support/database.ts';
import { signInAs } from './support/sign-in.ts';

let database: TestDatabase;
let app: FastifyInstance;
const signedIn: { email: string; role: StaffRole; cookie: string }[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoDistrict(database.db, { seed: 3, students: 100, asOf: '2027-01-15' });
  app = await buildApp({ config: loadConfig({}), database, logger: pino({ level: 'silent' }) });
  await app.ready();
  for (const account of demoSignIns())
    signedIn.push({
      email: account.email,
      role: account.role as StaffRole,
      cookie: await signInAs(app, account.email),
    });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await database?.close();
});

const SOME_ID = '00000000-0000-4000-8000-000000000001';
const routes = () => app.routeTable.filter((route) => route.method !== 'HEAD' && route.method !== 'OPTIONS');

function urlOf(url: string): string {
  return url.replace(/:[A-Za-z]+/g, SOME_ID).replace(/\*$/, 'x');
}

describe(`access matrix (${testEngine()})`, () => {
  it('has routes to check, and every one declares who may call it', () => {
    expect(routes().length).toBeGreaterThan(8);
    for (const route of routes()) expect(route.access, `${route.method} ${route.url}`).toBeDefined();
  });

  it('answers 401 to anonymous callers on every route not declared public', async () => {
    for (const route of routes()) {
      if (route.access === 'public') continue;
      const response = await app.inject({
        method: route.method as 'GET',
        url: urlOf(route.url),
        payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : {},
      });
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(response.json().error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('lets each role through exactly the routes that list it', async () => {
    const matrix: string[] = [];
    for (const route of routes()) {
      if (route.access === 'public') continue;
      const roles = route.access.roles;
      for (const who of signedIn) {
        const response = await app.inject({
          method: route.method as 'GET',
          url: urlOf(route.url),
          headers: { cookie: who.cookie },
          payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : {},
        });
        const label = `${route.method} ${route.url} as ${who.role} (${who.email})`;
        if (roles.includes(who.role)) expect([401, 403], label).not.toContain(response.statusCode);
        else expect(response.statusCode, label).toBe(403);
        matrix.push(`${label}: ${response.statusCode}`);
        // Signing out ends the session the rest of the matrix uses: sign in again.
        if (route.method === 'DELETE' && route.url === '/api/session')
          who.cookie = await signInAs(app, who.email);
      }
    }
    expect(matrix.length).toBeGreaterThan(0);
  });
});
