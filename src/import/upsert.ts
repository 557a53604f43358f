/**
 * Write helpers for importers that are not CSV-shaped (the Ed-Fi JSON import), extracted from
 * the pattern the CSV importers follow (import-batches.ts, docs/decisions/0008): parsed rows
 * are written in batches of one transaction each, a batch the database refuses is retried
 * one row per transaction (so one bad row costs only itself), counts and rejected rows
 * commit with their batch, and ids are looked up by natural key, a batch at a time.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import { DEFAULT_BATCH_SIZE, type RowProblem, type SourceRow, type UpsertOutcome } from './import-batches.ts';
import type { Executor, ImportReport } from './import-run.ts';

export type Reject<T> = (row: SourceRow<T>, column: string | null, reason: string) => void;

/** A source row that failed validation before any database work. */
export interface RejectedSource {
  readonly line: number;
  readonly raw: string;
  readonly problem: RowProblem;
}

export type ParsedSource<T> = SourceRow<T> | RejectedSource;

export interface BatchWrite<T> {
  /** The file rejected rows are reported under. */
  readonly file: string;
  /** The entity rows are counted against. */
  readonly entity: string;
  readonly batchSize?: number;
  /** Writes one batch inside its transaction; calls reject for rows it refuses; counts. */
  readonly apply: (trx: Executor, rows: SourceRow<T>[], reject: Reject<T>) => Promise<void>;
  /** Tables to ANALYZE each time the rows read double (from 4,000; docs/decisions/0005). */
  readonly tables?: readonly (keyof DB)[];
  readonly onBatch?: (rowsRead: number, batches: number) => void | Promise<void>;
}

/**
 * Writes one batch in one transaction with the report's pending counts and errors. If the
 * database refuses it, retries each row in its own transaction and reports the rows it still
 * refuses with the database's message.
 */
export async function commitBatch<T>(
  db: Kysely<DB>,
  report: ImportReport,
  rows: SourceRow<T>[],
  apply: BatchWrite<T>['apply'],
  reject: Reject<T>,
): Promise<void> {
  report.save();
  try {
    await db.transaction().execute(async (trx) => {
      if (rows.length > 0) await apply(trx, rows, reject);
      await report.persist(trx);
    });
    return;
  } catch {
    report.restore();
  }
  for (const row of rows) {
    report.save();
    try {
      await db.transaction().execute(async (trx) => {
        await apply(trx, [row], reject);
        await report.persist(trx);
      });
    } catch (error) {
      report.restore();
      reject(
        row,
        null,
        `the database refused the row: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  await report.persist(db);
}

/**
 * Streams parsed rows into batches (rejecting the ones that failed validation) and commits
 * each batch; returns the rows read. When the source fails part-way (a file that cannot be
 * read on), the rows already read are committed before the error is passed on.
 */
export async function writeInBatches<T>(
  db: Kysely<DB>,
  report: ImportReport,
  rows: AsyncIterable<ParsedSource<T>>,
  spec: BatchWrite<T>,
): Promise<number> {
  const batchSize = spec.batchSize ?? DEFAULT_BATCH_SIZE;
  const reject = (row: { line: number; raw: string }, column: string | null, reason: string) =>
    report.reject(spec.entity, { file: spec.file, line: row.line, column, reason, raw: row.raw });
  let batch: SourceRow<T>[] = [];
  let rowsRead = 0;
  let batches = 0;
  let analyzeAt = 4_000;
  const commit = async () => {
    const rows = batch;
    batch = [];
    await commitBatch(db, report, rows, spec.apply, reject);
    batches += 1;
    if (spec.tables && spec.tables.length > 0 && rowsRead >= analyzeAt) {
      analyzeAt = rowsRead * 2;
      await sql`ANALYZE ${sql.join(spec.tables.map((table) => sql.table(table)))}`.execute(db);
    }
    await spec.onBatch?.(rowsRead, batches);
  };
  try {
    for await (const row of rows) {
      rowsRead += 1;
      if ('problem' in row) reject(row, row.problem.column, row.problem.reason);
      else batch.push(row);
      if (batch.length >= batchSize) await commit();
    }
  } catch (error) {
    await commit();
    throw error;
  }
  await commit();
  return rowsRead;
}

/**
 * Ids by natural key for one district: `keyColumn` → `idColumn` of `table`, for the keys
 * given (one query; keys not found are absent from the map).
 */
export async function findIdsByKey(
  db: Executor,
  districtId: string,
  table: keyof DB,
  keyColumn: string,
  idColumn: string,
  keys: Iterable<string>,
): Promise<Map<string, string>> {
  const unique = [...new Set(keys)];
  if (unique.length === 0) return new Map();
  const result = await sql<{ key: string; id: string }>`
    SELECT ${sql.ref(keyColumn)}::text AS key, ${sql.ref(idColumn)}::text AS id
    FROM ${sql.table(table)}
    WHERE district_id = ${districtId} AND ${sql.ref(keyColumn)} = ANY(${unique}::text[])`.execute(db);
  return new Map(result.rows.map((row) => [row.key, row.id]));
}

/**
 * Upserts into a table that has no unique constraint on `key` (sessions): rows whose key is
 * stored are updated when a column differs, the others inserted. Every row must name the
 * same columns. Two set-based statements; counts as upsertRows does.
 */
export async function upsertByKey(
  db: Executor,
  table: keyof DB,
  rows: readonly Record<string, unknown>[],
  key: readonly string[],
): Promise<UpsertOutcome> {
  if (rows.length === 0) return { created: 0, updated: 0, unchanged: 0 };
  const columns = Object.keys(rows[0] as object);
  const compared = columns.filter((column) => !key.includes(column));
  const target = sql.table(table);
  const incoming = sql`json_populate_recordset(NULL::${target}, ${JSON.stringify(rows)}::json)`;
  const sameKey = sql.join(
    key.map((column) => sql`t.${sql.id(column)} = i.${sql.id(column)}`),
    sql` AND `,
  );
  let updated = 0;
  if (compared.length > 0) {
    const result = await sql<{ one: number }>`UPDATE ${target} AS t
      SET ${sql.join(compared.map((column) => sql`${sql.id(column)} = i.${sql.id(column)}`))}
      FROM ${incoming} AS i
      WHERE ${sameKey}
        AND (${sql.join(compared.map((column) => sql`t.${sql.id(column)}`))})
          IS DISTINCT FROM (${sql.join(compared.map((column) => sql`i.${sql.id(column)}`))})
      RETURNING 1 AS one`.execute(db);
    updated = result.rows.length;
  }
  const columnList = sql.join(columns.map((column) => sql.id(column)));
  const inserted = await sql<{ one: number }>`INSERT INTO ${target} (${columnList})
    SELECT ${sql.join(columns.map((column) => sql`i.${sql.id(column)}`))} FROM ${incoming} AS i
    WHERE NOT EXISTS (SELECT 1 FROM ${target} AS t WHERE ${sameKey})
    RETURNING 1 AS one`.execute(db);
  const created = inserted.rows.length;
  return { created, updated, unchanged: rows.length - created - updated };
}

/**
 * The calendar of a school for a school year: the one with `code`, or without a code the
 * `regular` one (else the first by code); created, empty, when there is none.
 */
export async function findOrCreateCalendar(
  db: Executor,
  report: ImportReport,
  schoolId: string,
  schoolYearId: string,
  code: string | null,
): Promise<string> {
  let query = db
    .selectFrom('calendars')
    .select('calendar_id')
    .where('district_id', '=', report.districtId)
    .where('school_id', '=', schoolId)
    .where('school_year_id', '=', schoolYearId);
  if (code) query = query.where('code', '=', code);
  const existing = await query.orderBy(sql`code = 'regular'`, 'desc').orderBy('code').executeTakeFirst();
  if (existing) return existing.calendar_id;
  const created = await db
    .insertInto('calendars')
    .values({
      district_id: report.districtId,
      school_id: schoolId,
      school_year_id: schoolYearId,
      code: code ?? 'regular',
      name: code ?? 'Regular',
    })
    .returning('calendar_id')
    .executeTakeFirstOrThrow();
  report.count('calendars', 'created');
  return created.calendar_id;
}
