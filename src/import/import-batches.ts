/**
 * The shape every file import shares: read the header (required columns checked, a column
 * mapping applied), validate rows one by one, and write them in batches of a few thousand,
 * one transaction per batch (docs/decisions/0008). A batch the database refuses is retried
 * row by row, so one bad row costs only itself. Rows are upserted by source id: inserted,
 * updated only when something changed, otherwise counted unchanged.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import { CsvFileError, type CsvRecord } from './csv-reader.ts';
import type { Executor, ImportReport } from './import-run.ts';

export interface SourceRow<T> {
  readonly line: number;
  readonly raw: string;
  readonly value: T;
}

/** A row that failed validation: which column, and why. */
export class RowProblem {
  readonly column: string | null;
  readonly reason: string;

  constructor(column: string | null, reason: string) {
    this.column = column;
    this.reason = reason;
  }
}

/** Columns of a file, by canonical name, after the mapping. */
export class Header {
  readonly #index = new Map<string, number>();
  readonly names: string[];

  readonly file: string;

  constructor(file: string, fields: string[], mapping: Readonly<Record<string, string>> = {}) {
    this.file = file;
    this.names = fields.map((field) => field.trim());
    const byFileName = new Map<string, number>();
    this.names.forEach((name, index) => {
      if (byFileName.has(name)) throw new CsvFileError(file, 1, name, `the column "${name}" appears twice.`);
      byFileName.set(name, index);
    });
    const mappedFrom = new Set(Object.values(mapping));
    for (const [name, index] of byFileName) if (!mappedFrom.has(name)) this.#index.set(name, index);
    for (const [canonical, fileName] of Object.entries(mapping)) {
      const index = byFileName.get(fileName);
      if (index !== undefined) this.#index.set(canonical, index);
    }
  }

  has(column: string): boolean {
    return this.#index.has(column);
  }

  /** Fails the file when a required column is missing, naming it (and its mapped name). */
  require(columns: readonly string[], mapping: Readonly<Record<string, string>> = {}): void {
    for (const column of columns) {
      if (!this.#index.has(column)) {
        const mapped = mapping[column];
        throw new CsvFileError(
          this.file,
          1,
          column,
          mapped
            ? `the required column "${mapped}" (mapped to ${column}) is missing from the header.`
            : `the required column "${column}" is missing from the header.`,
        );
      }
    }
  }

  /** A field of a record by canonical column name, trimmed; '' when the column is absent. */
  get(fields: readonly string[], column: string): string {
    const index = this.#index.get(column);
    return index === undefined ? '' : (fields[index] ?? '').trim();
  }

  /** Columns present in the file that the importer does not read. */
  unused(known: ReadonlySet<string>): string[] {
    return [...this.#index.keys()].filter((name) => !known.has(name));
  }
}

/** A short, single-line excerpt of a record for the error report. */
export function excerpt(fields: readonly string[]): string {
  return fields
    .map((field) => (/[",\n\r]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field))
    .join(',')
    .replace(/[\r\n]+/g, ' ')
    .slice(0, 200);
}

export interface FileImport<T> {
  readonly file: string;
  readonly entity: string;
  readonly records: AsyncIterable<CsvRecord>;
  readonly required: readonly string[];
  readonly mapping?: Readonly<Record<string, string>>;
  readonly batchSize?: number;
  /** Validates one record (no database); returns a problem to reject it. */
  readonly parse: (header: Header, fields: readonly string[]) => T | RowProblem;
  /** Writes one batch inside its transaction; calls reject for rows it refuses; counts. */
  readonly apply: (
    trx: Executor,
    rows: SourceRow<T>[],
    reject: (row: SourceRow<T>, column: string | null, reason: string) => void,
  ) => Promise<void>;
  /** Called after each committed batch with the rows read so far. */
  readonly onBatch?: (rowsRead: number, batches: number) => void | Promise<void>;
  /**
   * Tables the batches write. Their statistics are refreshed each time the rows read double
   * (from 4,000): a first load into empty tables otherwise plans foreign-key checks and
   * lookups as sequential scans and slows quadratically (docs/decisions/0005).
   */
  readonly tables?: readonly (keyof DB)[];
  /** Called with the header once it is read (to note unused columns, say). */
  readonly onHeader?: (header: Header) => void;
}

export const DEFAULT_BATCH_SIZE = 5_000;

/** Streams one CSV file through parse → batch → apply; returns the rows read. */
export async function importCsvFile<T>(
  db: Kysely<DB>,
  report: ImportReport,
  spec: FileImport<T>,
): Promise<number> {
  const batchSize = spec.batchSize ?? DEFAULT_BATCH_SIZE;
  let header: Header | undefined;
  let batch: SourceRow<T>[] = [];
  let rowsRead = 0;
  let batches = 0;
  let analyzeAt = 4_000;

  const reject = (row: { line: number; raw: string }, column: string | null, reason: string) =>
    report.reject(spec.entity, { file: spec.file, line: row.line, column, reason, raw: row.raw });

  const commit = async () => {
    const rows = batch;
    batch = [];
    report.save();
    try {
      await db.transaction().execute(async (trx) => {
        if (rows.length > 0) await spec.apply(trx, rows, reject);
        await report.persist(trx);
      });
    } catch {
      // One row the database refuses must not cost the others: retry one row per transaction.
      report.restore();
      for (const row of rows) {
        report.save();
        try {
          await db.transaction().execute(async (trx) => {
            await spec.apply(trx, [row], reject);
            await report.persist(trx);
          });
        } catch (error) {
          report.restore();
          const message = error instanceof Error ? error.message : String(error);
          reject(row, null, `the database refused the row: ${message}`);
        }
      }
      await report.persist(db);
    }
    batches += 1;
    if (spec.tables && spec.tables.length > 0 && rowsRead >= analyzeAt) {
      analyzeAt = rowsRead * 2;
      await sql`ANALYZE ${sql.join(spec.tables.map((table) => sql.table(table)))}`.execute(db);
    }
    await spec.onBatch?.(rowsRead, batches);
  };

  for await (const record of spec.records) {
    if (!header) {
      header = new Header(spec.file, record.fields, spec.mapping);
      header.require(spec.required, spec.mapping);
      spec.onHeader?.(header);
      continue;
    }
    rowsRead += 1;
    const raw = excerpt(record.fields);
    if (record.fields.length !== header.names.length) {
      reject(
        { line: record.line, raw },
        null,
        `the row has ${record.fields.length} fields; the header has ${header.names.length}.`,
      );
      continue;
    }
    const value = spec.parse(header, record.fields);
    if (value instanceof RowProblem) reject({ line: record.line, raw }, value.column, value.reason);
    else batch.push({ line: record.line, raw, value });
    if (batch.length >= batchSize) await commit();
  }
  if (!header) throw new CsvFileError(spec.file, 1, null, 'the file is empty (no header row).');
  await commit();
  return rowsRead;
}

export interface UpsertOutcome {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
}

/**
 * Inserts rows, or updates the row with the same key when a compared column differs
 * (rows identical to what is stored are not touched, so a re-import writes nothing).
 * Every row must name the same columns. Uses one JSON parameter per statement.
 */
export async function upsertRows(
  db: Executor,
  table: keyof DB,
  rows: readonly Record<string, unknown>[],
  options: { readonly key: readonly string[]; readonly touch?: boolean },
): Promise<UpsertOutcome> {
  if (rows.length === 0) return { created: 0, updated: 0, unchanged: 0 };
  const columns = Object.keys(rows[0] as object);
  const compared = columns.filter((column) => !options.key.includes(column));
  const columnList = sql.join(columns.map((column) => sql.id(column)));
  const sets = compared.map((column) => sql`${sql.id(column)} = excluded.${sql.id(column)}`);
  if (options.touch) sets.push(sql`updated_at = now()`);
  const target = sql.table(table);
  const conflict =
    compared.length === 0
      ? sql`ON CONFLICT (${sql.join(options.key.map((column) => sql.id(column)))}) DO NOTHING`
      : sql`ON CONFLICT (${sql.join(options.key.map((column) => sql.id(column)))}) DO UPDATE SET ${sql.join(sets)}
        WHERE (${sql.join(compared.map((column) => sql`${target}.${sql.id(column)}`))})
          IS DISTINCT FROM (${sql.join(compared.map((column) => sql`excluded.${sql.id(column)}`))})`;
  const result = await sql<{ inserted: boolean }>`INSERT INTO ${target} (${columnList})
    SELECT ${columnList} FROM json_populate_recordset(NULL::${target}, ${JSON.stringify(rows)}::json)
    ${conflict}
    RETURNING (xmax = 0) AS inserted`.execute(db);
  const created = result.rows.filter((row) => row.inserted).length;
  const updated = result.rows.length - created;
  return { created, updated, unchanged: rows.length - result.rows.length };
}

/** Adds an upsert's outcome to an entity's counts. */
export function countOutcome(report: ImportReport, entity: string, outcome: UpsertOutcome): void {
  report.count(entity, 'created', outcome.created);
  report.count(entity, 'updated', outcome.updated);
  report.count(entity, 'unchanged', outcome.unchanged);
}

/** Valid calendar date as YYYY-MM-DD. */
export function isDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
}

/** A OneRoster date (YYYY-MM-DD, or a date-time whose date part is used). */
export function parseDate(value: string): string | null {
  const date = value.slice(0, 10);
  return isDate(date) && (value.length === 10 || value[10] === 'T') ? date : null;
}

export { addDays } from '../platform/dates.ts';

/** Removes duplicate keys within a batch: the later row is rejected, naming the first. */
export function dropDuplicates<T>(
  rows: SourceRow<T>[],
  keyOf: (value: T) => string,
  column: string,
  reject: (row: SourceRow<T>, column: string | null, reason: string) => void,
): SourceRow<T>[] {
  const seen = new Map<string, number>();
  const kept: SourceRow<T>[] = [];
  for (const row of rows) {
    const key = keyOf(row.value);
    const first = seen.get(key);
    if (first !== undefined) {
      reject(
        row,
        column,
        `duplicate ${column} "${key}" (first on line ${first}); this row was not imported.`,
      );
      continue;
    }
    seen.set(key, row.line);
    kept.push(row);
  }
  return kept;
}
