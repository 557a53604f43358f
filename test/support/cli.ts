/**
 * Running the real `homeroom` binary as a person would, for CLI tests: a child process on
 * the database the test chose (PostgreSQL through DATABASE_URL, or an embedded data
 * directory), with its exit code and output.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase, testEngine } from './database.ts';

const BIN = new URL('../../bin/homeroom.js', import.meta.url).pathname;

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `homeroom ...args` with `env` and collects what it printed. */
export function homeroom(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

/**
 * The environment for CLI runs on the engine under test: a fresh PostgreSQL database, or an
 * embedded data directory under `scratch`. Call `database?.close()` afterwards.
 */
export async function cliEnvironment(
  scratch: string,
): Promise<{ env: NodeJS.ProcessEnv; database?: TestDatabase }> {
  const { DATABASE_URL: _ignored, TEST_DATABASE_URL: _alsoIgnored, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = { ...inherited, LOG_LEVEL: 'silent' };
  if (testEngine() === 'postgres') {
    const database = await createTestDatabase();
    env.DATABASE_URL = database.url as string;
    return { env, database };
  }
  env.HOMEROOM_DATA_DIR = join(scratch, 'data');
  return { env };
}
