/**
 * Opens the database: PostgreSQL through a `pg` pool when a URL is given, otherwise the
 * embedded PGlite. Both return the same Kysely instance type and parse values the same
 * way (dates as 'YYYY-MM-DD' strings, bigint as number, numeric as string), so the rest of
 * the code never knows which engine it runs on.
 */
import { mkdirSync } from 'node:fs';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  sql,
} from 'kysely';
import pg from 'pg';
import type { DB } from './types.ts';

export type Engine = 'pglite' | 'postgres';

export interface Database {
  readonly db: Kysely<DB>;
  readonly engine: Engine;
  /** The embedded instance, when engine is pglite (tests clone and dump it). */
  readonly pglite?: PGlite;
  /** The pool, when engine is postgres (pg-boss shares it). */
  readonly pool?: pg.Pool;
  /**
   * Runs `work` with the embedded instance to itself (no other query interleaves), for
   * libraries that talk to PGlite directly (pg-boss). Only defined when engine is pglite.
   */
  readonly exclusive?: <T>(work: (pglite: PGlite) => Promise<T>) => Promise<T>;
  /** One round trip to the database; throws when it is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type OpenDatabaseOptions =
  | { readonly url: string; readonly poolMax?: number; readonly applicationName?: string }
  | { readonly dataDir: string | null; readonly loadDataDir?: Blob };

const OID = { INT8: 20, NUMERIC: 1700, DATE: 1082, TIME: 1083, TIMESTAMP: 1114 } as const;
const asIs = (value: string): string => value;

/** Opens PostgreSQL (options.url) or PGlite (options.dataDir; null keeps it in memory). */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if ('url' in options) return openPostgres(options.url, options.poolMax ?? 10, options.applicationName);
  return openPglite(options.dataDir, options.loadDataDir);
}

function openPostgres(url: string, poolMax: number, applicationName = 'homeroom'): Database {
  const typeOverrides = new pg.TypeOverrides();
  typeOverrides.setTypeParser(OID.DATE, asIs);
  typeOverrides.setTypeParser(OID.TIMESTAMP, asIs);
  typeOverrides.setTypeParser(OID.INT8, (value: string) => Number(value));
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    application_name: applicationName,
    types: typeOverrides,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // Without a listener, an idle client's lost connection would crash the process.
  pool.on('error', () => {});
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    engine: 'postgres',
    pool,
    ping: async () => {
      await sql`SELECT 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

async function openPglite(dataDir: string | null, loadDataDir?: Blob): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(loadDataDir ? { loadDataDir } : {}),
    parsers: {
      [pgliteTypes.DATE]: asIs,
      [pgliteTypes.TIMESTAMP]: asIs,
      [pgliteTypes.INT8]: (value: string) => Number(value),
      [pgliteTypes.NUMERIC]: asIs,
    },
  });
  const driver = new SerialPgliteDriver(pglite);
  const db = new Kysely<DB>({ dialect: new SerialPgliteDialect(driver) });
  return {
    db,
    engine: 'pglite',
    pglite,
    exclusive: (work) => driver.runExclusive(() => work(pglite)),
    ping: async () => {
      await sql`SELECT 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

/**
 * A Kysely dialect for PGlite that hands out its single session to one holder at a time.
 * PGlite has one backend; without this, two concurrent transactions would interleave their
 * statements in the same session (kysely-pglite does exactly that), so this behaves like a
 * pool of size one.
 */
class SerialPgliteDialect implements Dialect {
  readonly #driver: SerialPgliteDriver;
  constructor(driver: SerialPgliteDriver) {
    this.#driver = driver;
  }
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return this.#driver;
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

class SerialPgliteDriver implements Driver {
  readonly #pglite: PGlite;
  readonly #connection: PgliteConnection;
  #tail: Promise<void> = Promise.resolve();
  #release: (() => void) | undefined;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
    this.#connection = new PgliteConnection(pglite);
  }
  async init(): Promise<void> {}
  /** Runs `work` while holding the session, like a query would. */
  async runExclusive<T>(work: () => Promise<T>): Promise<T> {
    await this.acquireConnection();
    try {
      return await work();
    } finally {
      await this.releaseConnection();
    }
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    this.#release = release;
    return this.#connection;
  }
  async releaseConnection(): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('BEGIN'));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('COMMIT'));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }
  async destroy(): Promise<void> {
    if (!this.#pglite.closed) await this.#pglite.close();
  }
}

class PgliteConnection implements DatabaseConnection {
  readonly #pglite: PGlite;
  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }
  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.#pglite.query<R>(compiledQuery.sql, [...compiledQuery.parameters]);
    return {
      rows: result.rows,
      ...(result.affectedRows !== undefined ? { numAffectedRows: BigInt(result.affectedRows) } : {}),
    };
  }
  // biome-ignore lint/correctness/useYield: PGlite returns whole results; streaming is not offered.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('The embedded database does not stream query results; page with keyset queries instead.');
  }
}
