/**
 * A fresh, migrated database for one test file: a copy of the run's template on
 * PostgreSQL (TEST_DATABASE_URL) or a PGlite loaded from the run's dump.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { type Database, openDatabase } from '../../src/platform/db/connection.ts';
import { databaseUrlFor, quoteIdentifier } from './postgres-admin.ts';

export interface TestDatabase extends Database {
  /** The connection string, when the engine is PostgreSQL (for processes the test starts). */
  readonly url?: string;
}

/** Creates a fresh migrated database; close() drops it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const setup = inject('testDatabase');
  if (setup.engine === 'pglite') {
    const loadDataDir = new Blob([readFileSync(setup.dumpPath)]);
    return openDatabase({ dataDir: null, loadDataDir });
  }
  const serverUrl = process.env.TEST_DATABASE_URL as string;
  const name = setup.templateName.replace('template', `t${randomBytes(4).toString('hex')}`);
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(
      `CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE ${quoteIdentifier(setup.templateName)}`,
    );
  } finally {
    await admin.end();
  }
  const url = databaseUrlFor(serverUrl, name);
  const database = await openDatabase({ url, poolMax: 5 });
  return {
    ...database,
    url,
    close: async () => {
      await database.close();
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

/** The engine this run tests, for test names. */
export function testEngine(): 'pglite' | 'postgres' {
  return inject('testDatabase').engine;
}
