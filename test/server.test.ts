/**
 * The real process: `homeroom serve` starts, seeds the demo once, answers its health checks,
 * stops cleanly on SIGTERM and keeps its data across a restart. A wrong setting stops it
 * with a message naming the variable.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testEngine } from './support/database.ts';

const BIN = new URL('../bin/homeroom.js', import.meta.url).pathname;

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
}

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { DATABASE_URL: _ignored, TEST_DATABASE_URL: _alsoIgnored, ...inherited } = process.env;
  return { ...inherited, LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1', ...extra };
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Starts `homeroom serve` and resolves once it prints its URL. */
function startServer(env: NodeJS.ProcessEnv): Promise<Running> {
  const child = spawn(process.execPath, [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/Homeroom is running at (http:\/\/\S+)/);
      if (match?.[1]) resolve({ child, url: match[1], output: () => output });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`serve exited with ${code} before it was ready:\n${output}`)),
    );
  });
}

let database: TestDatabase | undefined;
let dataDir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'homeroom-serve-'));
  const common = {
    HOMEROOM_DEMO_STUDENTS: '100',
    HOMEROOM_DEMO_SEED: '11',
    HOMEROOM_DEMO_AS_OF: '2026-12-01',
  };
  if (testEngine() === 'postgres') {
    database = await createTestDatabase();
    env = baseEnv({ ...common, DATABASE_URL: database.url as string, HOMEROOM_IN_PROCESS_WORKERS: 'true' });
  } else {
    env = baseEnv({ ...common, HOMEROOM_DATA_DIR: dataDir });
  }
});

afterAll(async () => {
  await database?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe(`homeroom serve on ${testEngine()}`, () => {
  it('refuses to start with a wrong setting, naming the variable and the expected form', async () => {
    const child = spawn(process.execPath, [BIN, 'serve'], {
      env: baseEnv({ PORT: 'eighty', HOMEROOM_DATA_DIR: dataDir }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const { code } = await exitOf(child);
    expect(code).toBe(78);
    expect(stderr).toContain('PORT="eighty" is not valid: expected an integer from 0 to 65535');
  });

  it('starts, seeds the demo, answers health checks, and stops cleanly on SIGTERM', async () => {
    const server = await startServer(env);
    try {
      expect(server.output()).toContain('admin@riverside.example.org');

      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });

      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({
        status: 'ok',
        engine: testEngine(),
        database: { status: 'ok' },
      });

      const home = await fetch(server.url);
      expect(home.status).toBe(200);
      expect(await home.text()).toMatch(/Riverside[\s\S]*100<\/dd>/);

      const metrics = await fetch(`${server.url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(
        /homeroom_http_request_duration_seconds_count\{[^}]*route="\/readyz"/,
      );
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await exitOf(server.child)).toEqual({ code: 0, signal: null });
  });

  it('keeps everything across a restart and does not seed the demo twice', async () => {
    const server = await startServer(env);
    try {
      const home = await (await fetch(server.url)).text();
      expect(home.match(/<li class="card">/g)).toHaveLength(1);
      expect(home).toMatch(/Riverside[\s\S]*100<\/dd>/);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect((await exitOf(server.child)).code).toBe(0);
  });
});
