/**
 * The record of one import: its counts per entity, the rows it rejected (file, line,
 * column, reason), and the report a district downloads as CSV. Counts and errors are
 * written in the same transaction as the batch they describe, so a run killed mid-way
 * shows exactly what it committed.
 */

import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { type Kysely, sql, type Transaction } from 'kysely';
import { neutraliseCell } from '../platform/csv-cells.ts';
import type { DB, Json } from '../platform/db/types.ts';

export type Executor = Kysely<DB> | Transaction<DB>;

export type ImportKind = 'oneroster' | 'attendance_csv' | 'calendar_csv' | 'edfi';

export interface EntityCounts {
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  rejected: number;
}

export interface RejectedRow {
  readonly file: string;
  readonly line: number | null;
  readonly column: string | null;
  readonly reason: string;
  readonly raw?: string | null;
}

const RAW_LIMIT = 500;

const emptyCounts = (): EntityCounts => ({ created: 0, updated: 0, unchanged: 0, deleted: 0, rejected: 0 });

/** Counts and rejected rows of one run, kept in memory only until the batch commits. */
export class ImportReport {
  counts: Record<string, EntityCounts> = {};
  readonly notes: string[] = [];
  #pending: RejectedRow[] = [];
  #errorsWritten = 0;
  #saved: { counts: string; pending: number } | null = null;

  readonly districtId: string;
  readonly importRunId: string;

  constructor(districtId: string, importRunId: string) {
    this.districtId = districtId;
    this.importRunId = importRunId;
  }

  /** Adds `n` to one count of an entity. */
  count(entity: string, key: keyof EntityCounts, n = 1): void {
    if (n === 0 && this.counts[entity]) return;
    const counts = this.counts[entity] ?? emptyCounts();
    counts[key] += n;
    this.counts[entity] = counts;
  }

  /** Rejects a row: counted against the entity and kept for the report. */
  reject(entity: string | null, row: RejectedRow): void {
    if (entity) this.count(entity, 'rejected');
    this.#pending.push({ ...row, raw: row.raw ? row.raw.slice(0, RAW_LIMIT) : null });
  }

  /** Notes something the summary should say once (an ignored column, say). */
  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  get rejectedRows(): number {
    return this.#errorsWritten + this.#pending.length;
  }

  /** Remembers the state before a batch, so a batch that rolls back can be counted again. */
  save(): void {
    this.#saved = { counts: JSON.stringify(this.counts), pending: this.#pending.length };
  }

  /** Forgets what the batch since save() counted (its transaction rolled back). */
  restore(): void {
    if (!this.#saved) return;
    this.counts = JSON.parse(this.#saved.counts);
    this.#pending.length = this.#saved.pending;
  }

  /** Writes pending rejected rows and the counts so far, inside the batch's transaction. */
  async persist(db: Executor): Promise<void> {
    const rows = this.#pending.map((row, index) => ({
      district_id: this.districtId,
      import_run_id: this.importRunId,
      error_no: this.#errorsWritten + index + 1,
      file: row.file,
      line: row.line,
      column: row.column,
      reason: row.reason,
      raw: row.raw ?? null,
    }));
    for (let start = 0; start < rows.length; start += 2_000) {
      await db
        .insertInto('import_errors')
        .values(rows.slice(start, start + 2_000))
        .execute();
    }
    await db
      .updateTable('import_runs')
      .set({ counts: sql<Json>`${JSON.stringify(this.counts)}::jsonb` })
      .where('district_id', '=', this.districtId)
      .where('import_run_id', '=', this.importRunId)
      .execute();
    this.#errorsWritten += rows.length;
    this.#pending = [];
    this.#saved = null;
  }
}

/** Starts a run and returns its report. */
export async function startImportRun(
  db: Kysely<DB>,
  districtId: string,
  kind: ImportKind,
  source: string,
): Promise<ImportReport> {
  const run = await db
    .insertInto('import_runs')
    .values({ district_id: districtId, kind, source })
    .returning('import_run_id')
    .executeTakeFirstOrThrow();
  return new ImportReport(districtId, run.import_run_id);
}

/** Ends a run: the last counts and errors, its status and, when it failed, why. */
export async function finishImportRun(
  db: Kysely<DB>,
  report: ImportReport,
  status: 'succeeded' | 'failed',
  message?: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await report.persist(trx);
    await trx
      .updateTable('import_runs')
      .set({
        status,
        finished_at: sql<Date>`now()`,
        message: message ?? (report.notes.length > 0 ? report.notes.join('\n') : null),
      })
      .where('district_id', '=', report.districtId)
      .where('import_run_id', '=', report.importRunId)
      .execute();
  });
}

export { neutraliseCell };

/** Writes a run's rejected rows as CSV (file, line, column, reason, raw); returns how many. */
export async function writeImportErrorsCsv(
  db: Kysely<DB>,
  districtId: string,
  importRunId: string,
  path: string,
): Promise<number> {
  const out = createWriteStream(path);
  const csv = stringify({ header: true, columns: ['file', 'line', 'column', 'reason', 'raw'] });
  csv.pipe(out);
  let written = 0;
  let after = 0;
  for (;;) {
    const page = await db
      .selectFrom('import_errors')
      .select(['error_no', 'file', 'line', 'column', 'reason', 'raw'])
      .where('district_id', '=', districtId)
      .where('import_run_id', '=', importRunId)
      .where('error_no', '>', after)
      .orderBy('error_no')
      .limit(5_000)
      .execute();
    if (page.length === 0) break;
    for (const row of page) {
      csv.write([
        neutraliseCell(row.file),
        row.line ?? '',
        neutraliseCell(row.column ?? ''),
        neutraliseCell(row.reason),
        neutraliseCell(row.raw ?? ''),
      ]);
      written += 1;
    }
    after = page[page.length - 1]?.error_no ?? after;
  }
  csv.end();
  await finished(out);
  return written;
}
