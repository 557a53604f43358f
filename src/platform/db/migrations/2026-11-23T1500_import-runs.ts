import type { Kysely } from 'kysely';
import { runSqlScript } from '../sql-script.ts';

/**
 * Import runs and their rejected rows (docs/decisions/0008). A run records what was read,
 * when, how it ended and its counts per entity (created, updated, unchanged, deleted,
 * rejected); every rejected row is kept with its file, 1-based line, column and reason, so
 * a district can download the report as CSV and fix its export.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runSqlScript(
    db,
    `
    CREATE TABLE import_runs (
      district_id uuid NOT NULL REFERENCES districts (district_id) ON DELETE CASCADE,
      import_run_id uuid NOT NULL DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind IN ('oneroster', 'attendance_csv', 'calendar_csv')),
      source text NOT NULL,
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
      counts jsonb NOT NULL DEFAULT '{}',
      message text,
      PRIMARY KEY (district_id, import_run_id),
      CHECK ((status = 'running') = (finished_at IS NULL))
    );
    CREATE INDEX import_runs_started ON import_runs (district_id, started_at);
    COMMENT ON COLUMN import_runs.counts IS
      'Per entity: {"students": {"created": 1, "updated": 0, "unchanged": 0, "deleted": 0, "rejected": 0}, ...}.';
    COMMENT ON COLUMN import_runs.status IS
      'running also for a run whose process was killed: re-running the import is safe (idempotent).';

    CREATE TABLE import_errors (
      district_id uuid NOT NULL,
      import_run_id uuid NOT NULL,
      error_no integer NOT NULL,
      file text NOT NULL,
      line integer,
      "column" text,
      reason text NOT NULL,
      raw text CHECK (raw IS NULL OR length(raw) <= 500),
      PRIMARY KEY (district_id, import_run_id, error_no),
      FOREIGN KEY (district_id, import_run_id) REFERENCES import_runs (district_id, import_run_id) ON DELETE CASCADE
    );
    COMMENT ON TABLE import_errors IS
      'Rejected rows of an import run: file, 1-based line, column and reason; raw is the row, truncated.';
  `,
  );
}
