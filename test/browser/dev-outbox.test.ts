/**
 * The development outbox in Chromium, as someone trying Homeroom would use it: sign in, send a
 * message to a family, see it as the family would (in Spanish), reply STOP as the family
 * through the real signed webhook, and see the opt-out confirmed; axe finds nothing serious.
 */
import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { pino } from 'pino';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoDistrict } from '../../src/demo/demo.service.ts';
import { DEMO_PASSWORD } from '../../src/demo/demo-district.ts';
import { createJobs } from '../../src/jobs.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { buildApp } from '../../src/platform/http/app.ts';
import { createJobQueue, type JobQueue } from '../../src/platform/jobs/queue.ts';
import { launchBrowser, screenshotPath, seriousViolations } from '../support/browser.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addGuardian } from '../support/messaging.ts';

let database: TestDatabase;
let app: FastifyInstance;
let queue: JobQueue;
let browser: Browser;
let baseUrl: string;
const silent = pino({ level: 'silent' });

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoDistrict(database.db, { seed: 7, students: 120, asOf: '2027-01-15' });
  // Any hour, so the message is due whenever the test runs.
  await sql`UPDATE messaging_settings SET quiet_start = '00:00', quiet_end = '24:00', school_day_start = '00:00', school_day_end = '24:00'`.execute(
    database.db,
  );
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  baseUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig({ PUBLIC_URL: baseUrl });
  queue = createJobQueue(database, silent, createJobs(config));
  await queue.start();
  await queue.work();
  app = await buildApp({ config, database, logger: silent, queue });
  await app.listen({ host: '127.0.0.1', port });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await queue?.stop(5000);
  await database?.close();
});

describe('development outbox in Chromium', () => {
  it('signs in, shows a message as the family sees it, and takes their STOP reply through the signed webhook', async () => {
    const guardian = await addGuardian(
      { database, districtId: (await districtId()) as string },
      { language: 'es' },
    );
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();

    await page.goto(`${baseUrl}/dev/outbox`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('sign-in'), fullPage: true });
    await page.getByLabel('Email').fill('admin@riverside.example.org');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForFunction(() => (document.getElementById('sign-in-error')?.textContent ?? '') !== '');
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/email or password/i);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${baseUrl}/dev/outbox`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Development outbox');

    const sent = await context.request.post(`${baseUrl}/api/students/${guardian.studentId}/messages`, {
      data: { template: 'same_day_check_in', category: 'attendance_alert', contactIds: [guardian.contactId] },
    });
    expect(sent.status()).toBe(201);
    const deadline = Date.now() + 20_000;
    let text = '';
    while (Date.now() < deadline) {
      await page.reload();
      text = (await page.locator('.outbox').textContent()) ?? '';
      if (text.includes('delivered')) break;
      await page.waitForTimeout(300);
    }
    const message = page.locator('.outbox li').filter({ hasText: guardian.phone }).first();
    await expect(message.locator('.body').getAttribute('lang')).resolves.toBe('es');
    await expect(message.locator('.body').textContent()).resolves.toMatch(/^Hoy extrañamos a /);
    await expect(message.locator('.status').textContent()).resolves.toBe('delivered');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('dev-outbox'), fullPage: true });

    await message.getByLabel('Reply as this family').fill('STOP');
    await message.getByRole('button', { name: 'Send reply' }).click();
    await page.waitForURL(/\/dev\/outbox\?/);
    const notice = await page.getByRole('status').textContent();
    expect(notice).toContain('opt out');
    const { rows } = await sql<{ status: string }>`SELECT status FROM contact_consents
      WHERE contact_id = ${guardian.contactId} AND channel = 'sms'`.execute(database.db);
    expect(rows[0]?.status).toBe('opted_out');
    const reply = page.locator('.outbox li.from-family').filter({ hasText: 'STOP' }).first();
    await expect(reply.textContent()).resolves.toContain('opt out');
    await page.screenshot({ path: screenshotPath('dev-outbox-after-stop'), fullPage: true });

    await page.setViewportSize({ width: 360, height: 740 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await context.close();
  });
});

async function districtId(): Promise<string | undefined> {
  const { rows } = await sql<{
    district_id: string;
  }>`SELECT district_id FROM districts WHERE is_demo`.execute(database.db);
  return rows[0]?.district_id;
}
