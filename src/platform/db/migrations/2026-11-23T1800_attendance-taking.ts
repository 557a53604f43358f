import type { Kysely } from 'kysely';
import { runSqlScript } from '../sql-script.ts';

/**
 * Teachers taking attendance (issue 3): every change a teacher or administrator makes to a
 * student's mark for a section and day is kept, append-only, with who made it and when, so a
 * same-day correction leaves a record of what was there before.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runSqlScript(
    db,
    `
    CREATE TABLE attendance_mark_history (
      district_id uuid NOT NULL REFERENCES districts (district_id) ON DELETE CASCADE,
      mark_history_id bigint GENERATED ALWAYS AS IDENTITY,
      section_id uuid NOT NULL,
      student_id uuid NOT NULL,
      date date NOT NULL,
      previous_mark jsonb,
      new_mark jsonb NOT NULL,
      changed_by uuid NOT NULL,
      changed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (district_id, mark_history_id)
    );
    CREATE INDEX attendance_mark_history_section_date ON attendance_mark_history (district_id, section_id, date);
    COMMENT ON TABLE attendance_mark_history IS
      'Every change to a taken mark (present, absent, tardy, early departure): what it was, what it became, who, when.';
    CREATE TRIGGER attendance_mark_history_no_update BEFORE UPDATE OR DELETE ON attendance_mark_history
      FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
  `,
  );
}
