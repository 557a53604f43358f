/**
 * Debian's Chromium driven by playwright-core. Never downloads a browser: the path is
 * /usr/bin/chromium unless CHROMIUM_PATH says otherwise.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launches headless Chromium with the flags this closed network needs (and a fresh, empty profile). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH).`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Where screenshots go (kept out of git). */
export function screenshotPath(name: string): string {
  const directory = join(process.cwd(), '.test-results', 'screenshots');
  mkdirSync(directory, { recursive: true });
  return join(directory, `${name}.png`);
}
