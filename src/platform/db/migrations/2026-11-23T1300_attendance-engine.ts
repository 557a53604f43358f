import type { Kysely } from 'kysely';
import { runSqlScript } from '../sql-script.ts';

/**
 * The attendance engine's tables (docs/attendance-engine.md): a district's own copies of
 * definition profiles, the per-student figures (in total and per school) that the engine
 * maintains, their daily history, and the queue of students whose figures are stale.
 *
 * Figures are stored in exact integer units (thousandths of a day, minutes); rates are
 * derived from them. One row per student and school year: the engine replaces it whole.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runSqlScript(
    db,
    `
    CREATE TABLE definition_profiles (
      district_id uuid NOT NULL REFERENCES districts (district_id) ON DELETE CASCADE,
      key text NOT NULL CHECK (key ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
      based_on text NOT NULL,
      settings jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (district_id, key)
    );
    COMMENT ON TABLE definition_profiles IS
      'A district''s own definition profiles, copied from a built-in one and edited; districts.definition_profile names one of these or a built-in.';

    CREATE TABLE student_attendance (
      district_id uuid NOT NULL,
      school_year_id uuid NOT NULL,
      student_id uuid NOT NULL,
      school_id uuid NOT NULL,
      grade_level text NOT NULL,
      as_of date NOT NULL,
      profile_key text NOT NULL,
      days_enrolled integer NOT NULL,
      absent_milli integer NOT NULL,
      excused_milli integer NOT NULL,
      unexcused_milli integer NOT NULL,
      oss_milli integer NOT NULL,
      days_attended integer NOT NULL,
      tardies integer NOT NULL,
      early_departures integer NOT NULL,
      minutes_scheduled integer NOT NULL,
      minutes_missed integer NOT NULL,
      rate double precision NOT NULL,
      eligible boolean NOT NULL,
      chronic boolean,
      tier text NOT NULL CHECK (tier IN ('satisfactory', 'at_risk', 'moderate_chronic', 'severe_chronic')),
      longest_run integer NOT NULL,
      early_signal_month smallint,
      remaining_days integer NOT NULL,
      projected_current double precision NOT NULL,
      projected_recent double precision NOT NULL,
      on_track boolean NOT NULL,
      pattern_weekday smallint,
      pattern_around_breaks boolean NOT NULL,
      skipped_section_id uuid,
      skipped_section_days integer,
      trend text CHECK (trend IN ('worsening', 'improving')),
      oh_unexcused_minutes_year integer,
      oh_unexcused_minutes_max_month integer,
      oh_unexcused_minutes_consecutive integer,
      oh_habitual_truant boolean,
      oh_notice_due boolean,
      ct_unexcused_days_year integer,
      ct_unexcused_days_max_month integer,
      ct_truant boolean,
      ct_habitual_truant boolean,
      computed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (district_id, school_year_id, student_id),
      FOREIGN KEY (district_id, school_year_id) REFERENCES school_years (district_id, school_year_id) ON DELETE CASCADE,
      FOREIGN KEY (district_id, student_id) REFERENCES students (district_id, student_id) ON DELETE CASCADE,
      FOREIGN KEY (district_id, school_id) REFERENCES schools (district_id, school_id) ON DELETE CASCADE
    );
    CREATE INDEX student_attendance_student ON student_attendance (district_id, student_id);
    CREATE INDEX student_attendance_school ON student_attendance (district_id, school_id, school_year_id, tier);
    CREATE INDEX student_attendance_tier ON student_attendance (district_id, school_year_id, tier, rate DESC);
    COMMENT ON TABLE student_attendance IS
      'A student''s attendance figures for a school year, in total over every school, as of as_of (exclusive). '
      'school_id is the school of the latest enrolment. Maintained by the attendance engine; never edited by hand.';

    CREATE TABLE student_school_attendance (
      district_id uuid NOT NULL,
      school_year_id uuid NOT NULL,
      student_id uuid NOT NULL,
      school_id uuid NOT NULL,
      days_enrolled integer NOT NULL,
      absent_milli integer NOT NULL,
      excused_milli integer NOT NULL,
      unexcused_milli integer NOT NULL,
      oss_milli integer NOT NULL,
      days_attended integer NOT NULL,
      tardies integer NOT NULL,
      early_departures integer NOT NULL,
      minutes_scheduled integer NOT NULL,
      minutes_missed integer NOT NULL,
      rate double precision NOT NULL,
      eligible boolean NOT NULL,
      chronic boolean,
      tier text NOT NULL CHECK (tier IN ('satisfactory', 'at_risk', 'moderate_chronic', 'severe_chronic')),
      longest_run integer NOT NULL,
      PRIMARY KEY (district_id, school_year_id, student_id, school_id),
      FOREIGN KEY (district_id, school_year_id, student_id)
        REFERENCES student_attendance (district_id, school_year_id, student_id) ON DELETE CASCADE,
      FOREIGN KEY (district_id, school_id) REFERENCES schools (district_id, school_id) ON DELETE CASCADE
    );
    CREATE INDEX student_school_attendance_school ON student_school_attendance (district_id, school_id, school_year_id);
    COMMENT ON TABLE student_school_attendance IS
      'The same figures per school where the student was enrolled (the federal definition is per school).';

    CREATE TABLE student_attendance_history (
      district_id uuid NOT NULL,
      student_id uuid NOT NULL,
      as_of date NOT NULL,
      school_year_id uuid NOT NULL,
      days_enrolled integer NOT NULL,
      absent_milli integer NOT NULL,
      minutes_missed integer NOT NULL,
      rate double precision NOT NULL,
      tier text NOT NULL,
      chronic boolean,
      on_track boolean NOT NULL,
      PRIMARY KEY (district_id, student_id, as_of),
      FOREIGN KEY (district_id, student_id) REFERENCES students (district_id, student_id) ON DELETE CASCADE,
      FOREIGN KEY (district_id, school_year_id) REFERENCES school_years (district_id, school_year_id) ON DELETE CASCADE
    );
    CREATE INDEX student_attendance_history_school_year ON student_attendance_history (district_id, school_year_id, as_of);
    COMMENT ON TABLE student_attendance_history IS
      'A student''s rate and tier as computed for each as-of date (one row a day at most), for trends and tier moves.';

    CREATE TABLE attendance_refresh_queue (
      district_id uuid NOT NULL,
      student_id uuid NOT NULL,
      queued_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (district_id, student_id),
      FOREIGN KEY (district_id, student_id) REFERENCES students (district_id, student_id) ON DELETE CASCADE
    );
    COMMENT ON TABLE attendance_refresh_queue IS
      'Students whose attendance figures are stale. Triggers on events, enrolments, section enrolments and '
      'calendar days add them; the engine refreshes and removes them.';

    CREATE FUNCTION queue_attendance_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO attendance_refresh_queue (district_id, student_id)
          SELECT DISTINCT district_id, student_id FROM new_rows
          ON CONFLICT DO NOTHING;
      END IF;
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO attendance_refresh_queue (district_id, student_id)
          SELECT DISTINCT o.district_id, o.student_id FROM old_rows o
          WHERE EXISTS (SELECT 1 FROM students s WHERE s.district_id = o.district_id AND s.student_id = o.student_id)
          ON CONFLICT DO NOTHING;
      END IF;
      RETURN NULL;
    END;
    $$;

    CREATE FUNCTION queue_attendance_refresh_for_calendar() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO attendance_refresh_queue (district_id, student_id)
        SELECT DISTINCT e.district_id, e.student_id
        FROM enrolment_spans e
        JOIN (
          SELECT district_id, calendar_id FROM new_rows
          UNION SELECT district_id, calendar_id FROM old_rows
        ) c ON c.district_id = e.district_id AND c.calendar_id = e.calendar_id
        ON CONFLICT DO NOTHING;
      RETURN NULL;
    END;
    $$;
    CREATE FUNCTION queue_attendance_refresh_for_new_calendar_days() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO attendance_refresh_queue (district_id, student_id)
        SELECT DISTINCT e.district_id, e.student_id
        FROM enrolment_spans e
        JOIN (SELECT DISTINCT district_id, calendar_id FROM new_rows) c
          ON c.district_id = e.district_id AND c.calendar_id = e.calendar_id
        ON CONFLICT DO NOTHING;
      RETURN NULL;
    END;
    $$;
    CREATE FUNCTION queue_attendance_refresh_for_old_calendar_days() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO attendance_refresh_queue (district_id, student_id)
        SELECT DISTINCT e.district_id, e.student_id
        FROM enrolment_spans e
        JOIN (SELECT DISTINCT district_id, calendar_id FROM old_rows) c
          ON c.district_id = e.district_id AND c.calendar_id = e.calendar_id
        ON CONFLICT DO NOTHING;
      RETURN NULL;
    END;
    $$;
  `,
  );
  // One trigger per operation: transition tables allow only one event per trigger.
  const studentTables = ['attendance_events', 'enrolment_spans', 'section_enrolments'];
  for (const table of studentTables) {
    await runSqlScript(
      db,
      `
      CREATE TRIGGER ${table}_refresh_insert AFTER INSERT ON ${table}
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION queue_attendance_refresh();
      CREATE TRIGGER ${table}_refresh_update AFTER UPDATE ON ${table}
        REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION queue_attendance_refresh();
      CREATE TRIGGER ${table}_refresh_delete AFTER DELETE ON ${table}
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION queue_attendance_refresh();
      `,
    );
  }
  await runSqlScript(
    db,
    `
    CREATE TRIGGER calendar_days_refresh_insert AFTER INSERT ON calendar_days
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION queue_attendance_refresh_for_new_calendar_days();
    CREATE TRIGGER calendar_days_refresh_update AFTER UPDATE ON calendar_days
      REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION queue_attendance_refresh_for_calendar();
    CREATE TRIGGER calendar_days_refresh_delete AFTER DELETE ON calendar_days
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION queue_attendance_refresh_for_old_calendar_days();
    CREATE TRIGGER calendars_refresh_update AFTER UPDATE ON calendars
      REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION queue_attendance_refresh_for_calendar();
    `,
  );
}
