/**
 * Prepares one migrated template database per test run, so that each test file gets a
 * fresh, already-migrated database in milliseconds:
 * - TEST_DATABASE_URL set: a template database on that server (CREATE DATABASE ... TEMPLATE);
 * - otherwise: a migrated PGlite data directory dumped to a file that each file loads.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/platform/db/connection.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { databaseUrlFor, quoteIdentifier } from './postgres-admin.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase: { engine: 'postgres'; templateName: string } | { engine: 'pglite'; dumpPath: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const templateName = `homeroom_template_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${quoteIdentifier(templateName)}`);
    const database = await openDatabase({ url: databaseUrlFor(serverUrl, templateName), poolMax: 1 });
    await migrateToLatest(database.db);
    await database.close();
    project.provide('testDatabase', { engine: 'postgres', templateName });
    return async () => {
      const { rows } = await admin.query<{ datname: string }>(
        'SELECT datname FROM pg_database WHERE datname LIKE $1',
        [`${templateName.replace('template', '%')}%`],
      );
      for (const { datname } of rows)
        await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(datname)} WITH (FORCE)`);
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(templateName)} WITH (FORCE)`);
      await admin.end();
    };
  }
  const directory = mkdtempSync(join(tmpdir(), 'homeroom-test-'));
  const dumpPath = join(directory, 'template.tar.gz');
  const database = await openDatabase({ dataDir: null });
  await migrateToLatest(database.db);
  const dump = await database.pglite?.dumpDataDir('gzip');
  if (!dump) throw new Error('PGlite did not produce a data directory dump.');
  writeFileSync(dumpPath, Buffer.from(await dump.arrayBuffer()));
  await database.close();
  project.provide('testDatabase', { engine: 'pglite', dumpPath });
  return async () => rmSync(directory, { recursive: true, force: true });
}
