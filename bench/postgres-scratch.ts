/**
 * Scratch databases on a PostgreSQL server for the benchmarks: each `open` creates a fresh
 * database (homeroom_bench_<time>_<n>); `dispose` closes and drops one at once (a large
 * district takes gigabytes), and `drop` drops whatever is left and closes the admin client.
 */
import pg from 'pg';
import { type Database, openDatabase } from '../src/platform/db/connection.ts';

export interface PostgresScratch {
  open(options?: { readonly poolMax?: number }): Promise<Database>;
  dispose(database: Database): Promise<void>;
  drop(): Promise<void>;
}

export async function postgresScratch(serverUrl: string): Promise<PostgresScratch> {
  const names = new Map<Database, string>();
  const dropped = new Set<string>();
  let created = 0;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const dropNamed = async (name: string) => {
    if (dropped.has(name)) return;
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    dropped.add(name);
  };
  return {
    open: async (options = {}) => {
      const name = `homeroom_bench_${Date.now()}_${created}`;
      created += 1;
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      const database = await openDatabase({ url: url.toString(), poolMax: options.poolMax ?? 4 });
      names.set(database, name);
      return database;
    },
    dispose: async (database) => {
      const name = names.get(database);
      await database.close();
      names.delete(database);
      if (name) await dropNamed(name);
    },
    drop: async () => {
      for (const [database, name] of names) {
        await database.close().catch(() => {});
        await dropNamed(name);
      }
      names.clear();
      await admin.end();
    },
  };
}
