import AxeBuilder from '@axe-core/playwright';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoDistrict } from '../../src/demo/demo.service.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { buildApp } from '../../src/platform/http/app.ts';
import { launchBrowser, screenshotPath } from '../support/browser.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;
let app: FastifyInstance;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoDistrict(database.db, { seed: 7, students: 200, asOf: '2027-01-15' });
  app = await buildApp({ config: loadConfig({}), database, logger: pino({ level: 'silent' }) });
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await database?.close();
});

describe('start page in Chromium', () => {
  it('shows the demo district with its counts and the demo sign-ins, at desktop and phone widths', async () => {
    for (const [name, viewport] of [
      ['home-desktop', { width: 1280, height: 900 }],
      ['home-phone', { width: 360, height: 740 }],
    ] as const) {
      const page = await browser.newPage({ viewport });
      const response = await page.goto(baseUrl);
      expect(response?.status()).toBe(200);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
        'Homeroom is running',
      );
      const card = page.getByRole('listitem').filter({ hasText: 'Riverside' });
      await expect(card.textContent()).resolves.toMatch(/students\s*200/);
      const rows = page.getByRole('table').getByRole('row');
      expect(await rows.count()).toBeGreaterThanOrEqual(7);
      await expect(page.getByRole('table').textContent()).resolves.toContain('admin@riverside.example.org');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${name} scrolls sideways`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: screenshotPath(name), fullPage: true });
      await page.close();
    }
  });

  it('has no serious or critical accessibility violations (axe)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(baseUrl);
    const results = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'])
      .analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    await context.close();
  });

  it('is reachable by keyboard: every link takes focus in reading order', async () => {
    const page = await browser.newPage();
    await page.goto(baseUrl);
    const focused: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      await page.keyboard.press('Tab');
      focused.push(await page.evaluate(() => document.activeElement?.textContent ?? ''));
    }
    expect(focused).toEqual([
      'Sign in',
      'development outbox',
      'family portal',
      'liveness',
      'readiness',
      'metrics',
    ]);
    await page.close();
  });
});
