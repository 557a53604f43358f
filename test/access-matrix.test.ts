/**
 * RELIABILITY.md scenario 19: every registered route, called anonymously, as each demo role
 * and as a signed-in family. Anonymous callers get 401 except on routes declared public; each
 * role gets 403 exactly where the route's declared roles leave it out, and is let through
 * (neither 401 nor 403) where they include it; a family gets through exactly the family
 * routes and 403 on every staff route, and staff get 403 on every family route. Access is
 * decided before validation, so a 400 or 404 never counts as "protected".
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoDistrict } from '../src/demo/demo.service.ts';
import { demoSignIns } from '../src/demo/demo-district.ts';
import { loadConfig } from '../src/platform/config.ts';
import { buildApp } from '../src/platform/http/app.ts';
import type { StaffRole } from '../src/staff/staff-principal.ts';
import { createTestDatabase, type TestDatabase, testEngine } from './support/database.ts';
import { RecordingQueue } from './support/messaging.ts';
import { signInAs, signInAsFamily } from './support/sign-in.ts';

let database: TestDatabase;
let app: FastifyInstance;
const signedIn: { email: string; role: StaffRole; cookie: string }[] = [];
let familyCookie = '';
let familyPhone = '';

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoDistrict(database.db, { seed: 3, students: 100, asOf: '2027-01-15' });
  app = await buildApp({
    config: loadConfig({}),
    database,
    logger: pino({ level: 'silent' }),
    queue: new RecordingQueue(),
  });
  await app.ready();
  for (const account of demoSignIns())
    signedIn.push({
      email: account.email,
      role: account.role as StaffRole,
      cookie: await signInAs(app, account.email),
    });
  // A guardian of a demo student, with a portal link, signs in with the phone on file.
  const guardian = await sql<{ phone_e164: string }>`
    SELECT p.phone_e164 FROM contact_phones p
    JOIN student_contacts sc ON sc.district_id = p.district_id AND sc.contact_id = p.contact_id
    WHERE sc.may_view_portal AND sc.has_educational_rights AND sc.relationship <> 'emergency_contact'
    ORDER BY p.phone_e164 LIMIT 1`.execute(database.db);
  familyPhone = guardian.rows[0]?.phone_e164 ?? '';
  familyCookie = await signInAsFamily(app, database.db, familyPhone);
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
      const roles = route.access === 'family' ? [] : route.access.roles;
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

  it('lets a signed-in family through the family routes only', async () => {
    let familyRoutes = 0;
    for (const route of routes()) {
      if (route.access === 'public') continue;
      const response = await app.inject({
        method: route.method as 'GET',
        url: urlOf(route.url),
        headers: { cookie: familyCookie },
        payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : {},
      });
      const label = `${route.method} ${route.url} as a family`;
      if (route.access === 'family') {
        familyRoutes += 1;
        expect([401, 403], label).not.toContain(response.statusCode);
      } else {
        expect(response.statusCode, label).toBe(403);
      }
    }
    expect(familyRoutes).toBeGreaterThan(5);
  });
});
