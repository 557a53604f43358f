import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testEngine } from '../../../test/support/database.ts';
import { loadConfig } from '../config.ts';
import type { Database } from '../db/connection.ts';
import { AppError } from '../errors.ts';
import { buildApp } from './app.ts';
import { renderHomePage } from './home.routes.ts';
import { escapeHtml } from './html.ts';

const silent = pino({ level: 'silent' });
let database: TestDatabase;
let app: FastifyInstance;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await buildApp({ config: loadConfig({}), database, logger: silent });
  app.get('/test/boom', { config: { access: 'public' } }, async () => {
    throw new Error('secret internals: connection string postgres://user:pw@host');
  });
  app.get('/test/forbidden', { config: { access: 'public' } }, async () => {
    throw new AppError('FORBIDDEN', { message: 'You may not see this school.' });
  });
  app.post(
    '/test/echo',
    {
      config: { access: 'public' },
      schema: {
        body: {
          type: 'object',
          required: ['date', 'minutes'],
          properties: { date: { type: 'string', format: 'date' }, minutes: { type: 'integer', minimum: 0 } },
          additionalProperties: false,
        },
      },
    },
    async (request) => request.body,
  );
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

describe(`HTTP application on ${testEngine()}`, () => {
  it('answers liveness without touching the database', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('answers readiness with a database round trip', async () => {
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ok', engine: testEngine(), database: { status: 'ok' } });
  });

  it('reports degraded readiness (503, no stack trace) when the database does not answer', async () => {
    const broken: Database = { ...database, ping: () => Promise.reject(new Error('connection refused')) };
    const degraded = await buildApp({ config: loadConfig({}), database: broken, logger: silent });
    const response = await degraded.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json()).toEqual({
      status: 'degraded',
      engine: testEngine(),
      database: { status: 'unreachable' },
    });
    expect(response.body).not.toContain('connection refused');
    await degraded.close();
  });

  it('reports draining readiness while the process stops', async () => {
    const draining = await buildApp({
      config: loadConfig({}),
      database,
      logger: silent,
      isDraining: () => true,
    });
    const response = await draining.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ status: 'draining' });
    await draining.close();
  });

  it('serves Prometheus metrics, behind a bearer token when METRICS_TOKEN is set', async () => {
    const open = await app.inject({ method: 'GET', url: '/metrics' });
    expect(open.statusCode).toBe(200);
    expect(open.headers['content-type']).toContain('text/plain');
    expect(open.body).toContain('process_cpu_user_seconds_total');

    const guarded = await buildApp({
      config: loadConfig({ METRICS_TOKEN: 's3cret' }),
      database,
      logger: silent,
    });
    expect((await guarded.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const wrong = await guarded.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.statusCode).toBe(401);
    const right = await guarded.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer s3cret' },
    });
    expect(right.statusCode).toBe(200);
    await guarded.close();
  });

  it('refuses to register a route that does not say who may call it', async () => {
    const fresh = await buildApp({ config: loadConfig({}), database, logger: silent });
    expect(() => fresh.get('/undeclared', async () => 'hello')).toThrow(/does not declare config.access/);
    await fresh.close();
  });

  it('answers an unknown route with a JSON 404 naming it', async () => {
    const response = await app.inject({ method: 'GET', url: '/no/such/page?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'No route for GET /no/such/page' },
    });
  });

  it('names every invalid field of a request body', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/test/echo',
      payload: { date: '2027-13-45', minutes: -5 },
    });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.error.code).toBe('INVALID_INPUT');
    expect(body.error.fields.map((field: { field: string }) => field.field).sort()).toEqual([
      'body.date',
      'body.minutes',
    ]);
  });

  it('turns an AppError into its status and code', async () => {
    const response = await app.inject({ method: 'GET', url: '/test/forbidden' });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({
      error: { code: 'FORBIDDEN', message: 'You may not see this school.' },
    });
  });

  it('hides an unexpected error behind a generic 500', async () => {
    const response = await app.inject({ method: 'GET', url: '/test/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({
      error: { code: 'INTERNAL', message: 'Something went wrong on our side. It has been logged.' },
    });
    expect(response.body).not.toContain('secret');
  });

  it('sends security headers', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('renders district names as text, never as HTML', () => {
    expect(escapeHtml('<script>alert("x")</script>')).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;',
    );
    const name = '=HYPERLINK("http://evil")<img src=x onerror=alert(1)>';
    const overview = {
      districtId: 'd',
      slug: 's',
      name,
      timeZone: 'UTC',
      isDemo: false,
      schools: 1,
      students: 2,
      staff: 3,
    };
    const page = renderHomePage([overview], 'pw');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});
