/**
 * Writes the demo district into the database: streams the generator's rows into batched
 * multi-row inserts, in dependency order. Up to 20,000 students it is one transaction (all
 * or nothing); beyond that it commits every 5,000 students so that a million-student demo
 * does not hold one enormous transaction, and a failure names how far it got.
 */
import { hash } from '@node-rs/argon2';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import { AppError } from '../platform/errors.ts';
import {
  DEMO_DISTRICT_ID,
  DEMO_PASSWORD,
  DEMO_TABLES,
  type DemoOptions,
  type DemoRows,
  type DemoTable,
  generateDemoDistrict,
} from './demo-district.ts';

export interface SeedProgress {
  readonly phase: string;
  readonly done: number;
  readonly total: number;
}

export interface SeedDemoOptions extends DemoOptions {
  /** Delete an existing demo district first (its audit log is kept). */
  readonly replace?: boolean;
  readonly onProgress?: (progress: SeedProgress) => void;
}

export interface SeedSummary {
  readonly districtId: string;
  readonly counts: Record<DemoTable, number>;
  readonly ms: number;
}

const ONE_TRANSACTION_UP_TO = 20_000;
const STUDENTS_PER_COMMIT = 5_000;
const ROWS_PER_STATEMENT = 5_000;
const FLUSH_AT_ROWS = 8_000;

type Executor = Kysely<DB> | Transaction<DB>;

class RowBuffer {
  readonly counts = Object.fromEntries(DEMO_TABLES.map((table) => [table, 0])) as Record<DemoTable, number>;
  #rows = new Map<DemoTable, Record<string, unknown>[]>();
  #size = 0;
  #inserted = 0;
  #analyzeAt = 4_000;

  add(chunk: DemoRows): void {
    for (const table of DEMO_TABLES) {
      const rows = chunk[table] as Record<string, unknown>[] | undefined;
      if (!rows || rows.length === 0) continue;
      const list = this.#rows.get(table);
      if (list) list.push(...rows);
      else this.#rows.set(table, [...rows]);
      this.#size += rows.length;
    }
  }

  get size(): number {
    return this.#size;
  }

  async flush(db: Executor, passwordHash: string): Promise<void> {
    for (const table of DEMO_TABLES) {
      const rows = this.#rows.get(table);
      if (!rows || rows.length === 0) continue;
      if (table === 'staff_users') for (const row of rows) row.password_hash = passwordHash;
      await insertRows(db, table, rows);
      this.counts[table] += rows.length;
    }
    this.#inserted += this.#size;
    this.#rows.clear();
    this.#size = 0;
    // Tables created empty have no statistics, so the foreign-key checks on every insert
    // are planned as sequential scans and the load slows quadratically. Refreshing the
    // statistics as the tables grow (each time they double) keeps the checks on the indexes.
    if (this.#inserted >= this.#analyzeAt) {
      this.#analyzeAt = this.#inserted * 2;
      await sql`ANALYZE ${sql.join(DEMO_TABLES.map((table) => sql.table(table)))}`.execute(db);
    }
  }
}

/**
 * Inserts rows as one JSON parameter per statement, expanded by json_populate_recordset:
 * several times faster than a multi-row VALUES list on both engines (one bind, no SQL text
 * proportional to the rows). Columns the rows do not name keep their defaults.
 */
async function insertRows(db: Executor, table: DemoTable, rows: Record<string, unknown>[]): Promise<void> {
  const columns = Object.keys(rows[0] as object);
  const columnList = sql.join(columns.map((column) => sql.id(column)));
  const onConflict =
    table === 'districts'
      ? sql`ON CONFLICT (district_id) DO UPDATE SET name = excluded.name, slug = excluded.slug,
          time_zone = excluded.time_zone, is_demo = excluded.is_demo, updated_at = now()`
      : sql``;
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const batch = JSON.stringify(rows.slice(start, start + ROWS_PER_STATEMENT));
    await sql`INSERT INTO ${sql.table(table)} (${columnList})
      SELECT ${columnList} FROM json_populate_recordset(NULL::${sql.table(table)}, ${batch}::json)
      ${onConflict}`.execute(db);
  }
}

/** Deletes the demo district's rows (not its audit log, which is append-only). */
async function deleteDemo(db: Executor): Promise<void> {
  for (const table of [...DEMO_TABLES].reverse()) {
    if (table === 'districts') continue;
    await db.deleteFrom(table).where('district_id', '=', DEMO_DISTRICT_ID).execute();
  }
  await sql`DELETE FROM districts d WHERE d.district_id = ${DEMO_DISTRICT_ID}
    AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.district_id = d.district_id)`.execute(db);
}

/** Creates the demo district (Riverside Unified) and returns how many rows went where. */
export async function seedDemoDistrict(db: Kysely<DB>, options: SeedDemoOptions): Promise<SeedSummary> {
  const started = performance.now();
  const existing = await db
    .selectFrom('districts')
    .select(['district_id', 'name'])
    .where('district_id', '=', DEMO_DISTRICT_ID)
    .executeTakeFirst();
  if (existing && !options.replace) {
    const hasData = await db
      .selectFrom('schools')
      .select('school_id')
      .where('district_id', '=', DEMO_DISTRICT_ID)
      .limit(1)
      .executeTakeFirst();
    if (hasData) {
      throw new AppError('CONFLICT', {
        message: `The demo district "${existing.name}" already exists. Run \`homeroom demo --replace\` to rebuild it.`,
      });
    }
  }
  if (options.students < 1) {
    throw new AppError('INVALID_INPUT', { message: `students must be at least 1, got ${options.students}.` });
  }

  const district = generateDemoDistrict(options);
  // One salted hash for every demo account: the password is public, and hashing it per
  // account would cost seconds for nothing.
  const passwordHash = await hash(DEMO_PASSWORD);
  const buffer = new RowBuffer();
  const report = (phase: string, done: number, total: number) => options.onProgress?.({ phase, done, total });
  const singleTransaction = options.students <= ONE_TRANSACTION_UP_TO;
  let studentsDone = 0;

  const writeStructure = async (trx: Executor) => {
    if (existing) await deleteDemo(trx);
    const schools = district.plan.schools.length;
    let done = 0;
    for (const chunk of district.structure()) {
      buffer.add(chunk);
      if (chunk.schools) done += chunk.schools.length;
      if (buffer.size >= FLUSH_AT_ROWS) await buffer.flush(trx, passwordHash);
      report('schools', done, schools);
    }
    await buffer.flush(trx, passwordHash);
  };

  const families = district.families();
  /** Writes families until `limit` more students are done or the generator ends. */
  const writeFamilies = async (trx: Executor, limit: number): Promise<boolean> => {
    const stopAt = studentsDone + limit;
    while (studentsDone < stopAt) {
      const next = families.next();
      if (next.done) break;
      buffer.add(next.value);
      studentsDone += next.value.students?.length ?? 0;
      if (buffer.size >= FLUSH_AT_ROWS) {
        await buffer.flush(trx, passwordHash);
        report('students', studentsDone, options.students);
      }
    }
    await buffer.flush(trx, passwordHash);
    report('students', studentsDone, options.students);
    return studentsDone < options.students;
  };

  if (singleTransaction) {
    await db.transaction().execute(async (trx) => {
      await writeStructure(trx);
      await writeFamilies(trx, Number.POSITIVE_INFINITY);
    });
  } else {
    await db.transaction().execute(writeStructure);
    let more = true;
    let committed = 0;
    while (more) {
      try {
        more = await db.transaction().execute((trx) => writeFamilies(trx, STUDENTS_PER_COMMIT));
        committed = studentsDone;
      } catch (error) {
        throw new AppError('INTERNAL', {
          message: `Seeding the demo stopped after ${committed.toLocaleString('en-US')} of ${options.students.toLocaleString('en-US')} students. Run \`homeroom demo --replace\` to start again.`,
          cause: error,
        });
      }
    }
  }
  return { districtId: DEMO_DISTRICT_ID, counts: buffer.counts, ms: performance.now() - started };
}
