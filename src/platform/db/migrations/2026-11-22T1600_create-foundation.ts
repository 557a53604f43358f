import type { Kysely } from 'kysely';
import { runSqlScript } from '../sql-script.ts';

/**
 * The foundation schema: the district (tenant), its schools and calendars, students and
 * their enrolment spans, sections, families and contacts, staff and their scopes,
 * attendance events and the audit log.
 *
 * Rules every table follows (asserted by test/schema.test.ts over the live catalogue):
 * - it has a `district_id` column, and its primary key and every foreign key start with it;
 * - school dates are plain `date`s in the district's time zone; instants are `timestamptz`;
 * - every foreign key has an index that starts with its columns (deletes and joins stay fast);
 * - date ranges are half-open: `start` inclusive, `end_exclusive` exclusive (OneRoster's
 *   convention; Ed-Fi's inclusive exit dates are normalised on import by adding a day).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runSqlScript(
    db,
    `
    CREATE TABLE districts (
      district_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      time_zone text NOT NULL DEFAULT 'America/New_York',
      default_locale text NOT NULL DEFAULT 'en',
      definition_profile text NOT NULL DEFAULT 'federal',
      state_code char(2),
      source_id text,
      is_demo boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE schools (
      district_id uuid NOT NULL REFERENCES districts (district_id) ON DELETE CASCADE,
      school_id uuid NOT NULL DEFAULT gen_random_uuid(),
      name text NOT NULL,
      school_type text NOT NULL CHECK (school_type IN ('elementary', 'middle', 'high', 'k8', 'k12', 'other')),
      grade_low text NOT NULL,
      grade_high text NOT NULL,
      neighbourhood text,
      source_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (district_id, school_id),
      UNIQUE (district_id, source_id)
    );

    CREATE TABLE school_years (
      district_id uuid NOT NULL REFERENCES districts (district_id) ON DELETE CASCADE,
      school_year_id uuid NOT NULL DEFAULT gen_random_uuid(),
      name text NOT NULL,
      start_date date NOT NULL,
      end_date_exclusive date NOT NULL,
      source_id text,
      PRIMARY KEY (district_id, school_year_id),
      UNIQUE (district_id, name),
      CHECK (end_date_exclusive > start_date)
    );

    CREATE TABLE sessions (
      district_id uuid NOT NULL,
      session_id uuid NOT NULL DEFAULT gen_random_uuid(),
      school_year_id uuid NOT NULL,
      school_id uuid,
      name text NOT NULL,
      session_type text NOT NULL CHECK (session_type IN ('term', 'semester', 'trimester', 'quarter', 'grading_period', 'other')),
      start_date date NOT NULL,
      end_date_exclusive date NOT NULL,
      source_id text,
      PRIMARY KEY (district_id, session_id),
      FOREIGN KEY (district_id, school_year_id) REFERENCES school_years (district_id, school_year_id) ON DELETE CASCADE,
      FOREIGN KEY (district_id, school_id) REFERENCES schools (district_id, school_id) ON DELETE CASCADE,
      CHECK (end_date_exclusive > start_date)
    );

    CREATE INDEX sessions_school_year ON sessions (district_id, school_year_id);
    CREATE INDEX sessions_school ON sessions (district_id, school_id) WHERE school_id IS NOT NULL;

    CREATE TABLE calendars (
      district_id uuid NOT NULL,
      calendar_id uuid NOT NULL DEFAULT gen_random_uuid(),
      school_id uuid NOT NULL,
      school_year_id uuid NOT NULL,
      code text NOT NULL,
      name text NOT NULL,
      last_attendance_date date,
      PRIMARY KEY (district_id, calendar_id),
      UNIQUE (district_id, school_id, school_year_id, code),
      FOREIGN KEY (district_id, school_id) REFERENCES schools (district_id, school_id) ON DELETE CASCADE,
      FOREIGN KEY (district_id, school_year_id) REFERENCES school_years (district_id, school_year_id) ON DELETE CASCADE
    );
    CREATE INDEX calendars_school_year ON calendars (district_id, school_year_id);
    COMMENT ON COLUMN calendars.last_attendance_date IS
      'Last date for which the school submitted attendance; days enrolled are not counted beyond it.';

    CREATE TABLE calendar_days (
      district_id uuid NOT NULL,
      calendar_id uuid NOT NULL,
      date date NOT NULL,
      day_type text NOT NULL CHECK (day_type IN (
        'instructional', 'makeup', 'holiday', 'teacher_only', 'emergency_closure',
        'weather_closure', 'break', 'weekend', 'other'
      )),
      instructional_minutes integer NOT NULL DEFAULT 0 CHECK (instructional_minutes BETWEEN 0 AND 1440),
      note text,
      PRIMARY KEY (district_id, calendar_id, date),
      FOREIGN KEY (district_id, calendar_id) REFERENCES calendars (district_id, calendar_id) ON DELETE CASCADE,
      CHECK ((day_type IN ('instructional', 'makeup')) = (instructional_minutes > 0))
    );
    COMMENT ON TABLE calendar_days IS
      'One row per calendar date that is named; instructional and make-up days count towards days enrolled.';

    CREATE TABLE bell_schedules (
      district_id uuid NOT NULL,
      bell_schedule_id uuid NOT NULL DEFAULT gen_random_uuid(),
      school_id uuid NOT NULL,
      name text NOT NULL,
      PRIMARY KEY (district_id, bell_schedule_id),
      UNIQUE (district_id, school_id, name),
      FOREIGN KEY (district_id, school_id) REFERENCES schools (district_id, school_id) ON DELETE CASCADE
    );

    CREATE TABLE periods (
      district_id uuid NOT NULL,
      period_id uuid NOT NULL DEFAULT gen_random_uuid(),
      bell_schedule_id uuid NOT NULL,
      name text NOT NULL,
      ordinal smallint NOT NULL,
      start_time time NOT NULL,
      end_time time NOT NULL,
      is_homeroom boolean NOT NULL DEFAULT false,
      PRIMARY KEY (district_id, period_id),
      UNIQUE (district_id, bell_schedule_id, ordinal),
      FOREIGN KEY (district_id, bell_schedule_id) REFERENCES bell_schedules (district_id, bell_schedule_id) ON DELETE CASCADE,
      CHECK (end_time > start_time)
    );

    CREATE TABLE students (
      district_id uuid NOT NULL REFERENCES districts (district_id) ON DELETE CASCADE,
      student_id uuid NOT NULL DEFAULT gen_random_uuid(),
      local_id text NOT NULL,
      state_id text,
      source_id text,
      first_name text NOT NULL,
      middle_name text,
      last_name text NOT NULL,
      preferred_name text,
      date_of_birth date,
      grade_level text NOT NULL CHECK (grade_level IN (
        'PK', 'KG', '01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'
      )),
      gender text,
      home_language text NOT NULL DEFAULT 'en',
      english_learner boolean NOT NULL DEFAULT false,
      disability boolean NOT NULL DEFAULT false,
      economically_disadvantaged boolean NOT NULL DEFAULT false,
      hispanic_latino boolean NOT NULL DEFAULT false,
      races text[] NOT NULL DEFAULT '{}',
      homeless boolean NOT NULL DEFAULT false,
      foster_care boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (district_id, student_id),
      UNIQUE (district_id, local_id),
      UNIQUE (district_id, source_id)
    );
    COMMENT ON COLUMN students.races IS
      'CEDS race codes: american_indian_alaska_native, asian, black, native_hawaiian_pacific_islander, white.';

    CREATE TABLE enrolment_spans (
      district_id uuid NOT NULL,
      enrolment_span_id uuid NOT NULL DEFAULT gen_random_uuid(),
      student_id uuid NOT NULL,
      school_id uuid NOT NULL,
      school_year_id uuid NOT NULL,
      calendar_id uuid NOT NULL,
      grade_level text NOT NULL,
      entry_date date NOT NULL,
      end_date_exclusive date,
      exit_reason text,
      is_primary boolean NOT NULL DEFAULT true,
      source_id text,
      PRIMARY KEY (district_id, enrolment_span_id),
      UNIQUE (district_id, source_id),
      FOREIGN KEY (district_id, student_id) REFERENCES students (district_id, student_id) ON DELETE CASCADE,
      FOREIGN KEY (district_id, school_id) REFERENCES schools (district_id, school_id) ON DELETE CASCADE,
      FOREIGN KEY (district_id, school_year_id) REFERENCES school_years (district_id, school_year_id) ON DELETE CASCADE,
      FOREIGN KEY (district_id, calendar_id) REFERENCES calendars (district_id, calendar_id) ON DELETE CASCADE,
      CHECK (end_date_exclusive IS NULL OR end_date_exclusive > entry_date)
    );
    CREATE INDEX enrolment_spans_student ON enrolment_spans (district_id, student_id, entry_date);
    CREATE INDEX enrolment_spans_school ON enrolment_spans (district_id, school_id, school_year_id);
    CREATE INDEX enrolment_spans_calendar ON enrolment_spans (district_id, calendar_id);
    CREATE INDEX enrolment_spans_school_year ON enrolment_spans (district_id, school_year_id);

    CREATE TABLE sections (
      district_id uuid NOT NULL,
      section_id uuid NOT NULL DEFAULT gen_random_uuid(),
      school_id uuid NOT NULL,
      school_year_id uuid NOT NULL,
      session_id uuid,
      period_id uuid,
      course_code text,
      name text NOT NULL,
      is_homeroom boolean NOT NULL DEFAULT false,
      source_id text,
      PRIMARY KEY (district_id, section_id),
      UNIQUE (district_id, source_id),
      FOREIGN KEY (district_id, school_id) REFERENCES schools (district_id, school_id) ON DELETE CASCADE,
      FOREIGN KEY (district_id, school_year_id) REFERENCES school_years (district_id, school_year_id) ON DELETE CASCADE,
      FOREIGN KEY (district_id, session_id) REFERENCES sessions (district_id, session_id) ON DELETE SET NULL (session_id),
      FOREIGN KEY (district_id, period_id) REFERENCES periods (district_id, period_id) ON DELETE SET NULL (period_id)
    );
    CREATE INDEX sections_school ON sections (district_id, school_id, school_year_id);
    CREATE INDEX sections_period ON sections (district_id, period_id) WHERE period_id IS NOT NULL;
    CREATE INDEX sections_school_year ON sections (district_id, school_year_id);
    CREATE INDEX sections_session ON sections (district_id, session_id) WHERE session_id IS NOT NULL;

    CREATE TABLE section_enrolments (
      district_id uuid NOT NULL,
      section_id uuid NOT NULL,
      student_id uuid NOT NULL,
      entry_date date NOT NULL,
      end_date_exclusive date,
      source_id text,
      PRIMARY KEY (district_id, section_id, student_id, entry_date),
      UNIQUE (district_id, source_id),
      FOREIGN KEY (district_id, section_id) REFERENCES sections (district_id, section_id) ON DELETE CASCADE,
      FOREIGN KEY (district_id, student_id) REFERENCES students (district_id, student_id) ON DELETE CASCADE,
      CHECK (end_date_exclusive IS NULL OR end_date_exclusive > entry_date)
    );
    CREATE INDEX section_enrolments_student ON section_enrolments (district_id, student_id);

    CREATE TABLE households (
      district_id uuid NOT NULL REFERENCES districts (district_id) ON DELETE CASCADE,
      household_id uuid NOT NULL DEFAULT gen_random_uuid(),
      label text NOT NULL,
      neighbourhood text,
      address_line text,
      postal_code text,
      source_id text,
      PRIMARY KEY (district_id, household_id),
      UNIQUE (district_id, source_id)
    );

    CREATE TABLE contacts (
      district_id uuid NOT NULL REFERENCES districts (district_id) ON DELETE CASCADE,
      contact_id uuid NOT NULL DEFAULT gen_random_uuid(),
      household_id uuid,
      first_name text NOT NULL,
      last_name text NOT NULL,
      preferred_language text NOT NULL DEFAULT 'en',
      preferred_channel text NOT NULL DEFAULT 'sms' CHECK (preferred_channel IN ('sms', 'voice', 'email', 'portal')),
      reads_text boolean NOT NULL DEFAULT true,
      contact_window_start time,
      contact_window_end time,
      needs_attention text,
      source_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (district_id, contact_id),
      UNIQUE (district_id, source_id),
      FOREIGN KEY (district_id, household_id) REFERENCES households (district_id, household_id) ON DELETE SET NULL (household_id),
      CHECK ((contact_window_start IS NULL) = (contact_window_end IS NULL))
    );
    COMMENT ON COLUMN contacts.reads_text IS 'False when the family asked for voice because they do not read.';
    COMMENT ON COLUMN contacts.needs_attention IS 'Why staff should look at this contact (invalid number, bounced email...).';
    CREATE INDEX contacts_household ON contacts (district_id, household_id) WHERE household_id IS NOT NULL;

    CREATE TABLE contact_phones (
      district_id uuid NOT NULL,
      contact_id uuid NOT NULL,
      phone_e164 text NOT NULL CHECK (phone_e164 ~ '^[+][1-9][0-9]{6,14}$'),
      phone_type text NOT NULL DEFAULT 'mobile' CHECK (phone_type IN ('mobile', 'home', 'work', 'other')),
      can_receive_sms boolean NOT NULL DEFAULT true,
      is_primary boolean NOT NULL DEFAULT false,
      PRIMARY KEY (district_id, contact_id, phone_e164),
      FOREIGN KEY (district_id, contact_id) REFERENCES contacts (district_id, contact_id) ON DELETE CASCADE
    );
    CREATE INDEX contact_phones_number ON contact_phones (district_id, phone_e164);

    CREATE TABLE contact_emails (
      district_id uuid NOT NULL,
      contact_id uuid NOT NULL,
      email text NOT NULL CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
      is_primary boolean NOT NULL DEFAULT false,
      PRIMARY KEY (district_id, contact_id, email),
      FOREIGN KEY (district_id, contact_id) REFERENCES contacts (district_id, contact_id) ON DELETE CASCADE
    );

    CREATE TABLE contact_consents (
      district_id uuid NOT NULL,
      contact_id uuid NOT NULL,
      channel text NOT NULL CHECK (channel IN ('sms', 'voice', 'email', 'portal')),
      status text NOT NULL CHECK (status IN ('granted', 'implied', 'opted_out')),
      source text NOT NULL,
      changed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (district_id, contact_id, channel),
      FOREIGN KEY (district_id, contact_id) REFERENCES contacts (district_id, contact_id) ON DELETE CASCADE
    );
    COMMENT ON COLUMN contact_consents.status IS
      'implied: the number was given to the school (FCC 16-88); granted: explicit; opted_out: never send.';

    CREATE TABLE student_contacts (
      district_id uuid NOT NULL,
      student_id uuid NOT NULL,
      contact_id uuid NOT NULL,
      relationship text NOT NULL CHECK (relationship IN (
        'mother', 'father', 'parent', 'guardian', 'grandparent', 'relative', 'foster_parent',
        'step_parent', 'sibling', 'emergency_contact', 'other'
      )),
      household_id uuid,
      lives_with_student boolean NOT NULL DEFAULT true,
      has_educational_rights boolean NOT NULL DEFAULT true,
      receives_attendance_messages boolean NOT NULL DEFAULT true,
      may_view_portal boolean NOT NULL DEFAULT true,
      contact_priority smallint NOT NULL DEFAULT 1,
      source_id text,
      PRIMARY KEY (district_id, student_id, contact_id),
      FOREIGN KEY (district_id, student_id) REFERENCES students (district_id, student_id) ON DELETE CASCADE,
      FOREIGN KEY (district_id, contact_id) REFERENCES contacts (district_id, contact_id) ON DELETE CASCADE,
      FOREIGN KEY (district_id, household_id) REFERENCES households (district_id, household_id) ON DELETE SET NULL (household_id)
    );
    CREATE INDEX student_contacts_contact ON student_contacts (district_id, contact_id);
    CREATE INDEX student_contacts_household ON student_contacts (district_id, household_id) WHERE household_id IS NOT NULL;

    CREATE TABLE staff_users (
      district_id uuid NOT NULL REFERENCES districts (district_id) ON DELETE CASCADE,
      user_id uuid NOT NULL DEFAULT gen_random_uuid(),
      email text NOT NULL CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
      display_name text NOT NULL,
      title text,
      preferred_locale text NOT NULL DEFAULT 'en',
      password_hash text,
      is_active boolean NOT NULL DEFAULT true,
      source_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (district_id, user_id),
      UNIQUE (district_id, source_id)
    );
    CREATE UNIQUE INDEX staff_users_email ON staff_users (district_id, lower(email));

    CREATE TABLE staff_role_grants (
      district_id uuid NOT NULL,
      grant_id uuid NOT NULL DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL,
      role text NOT NULL CHECK (role IN (
        'district_admin', 'school_admin', 'attendance_champion', 'counselor', 'teacher', 'analyst'
      )),
      scope text NOT NULL CHECK (scope IN ('district', 'school', 'section', 'caseload')),
      school_id uuid,
      PRIMARY KEY (district_id, grant_id),
      FOREIGN KEY (district_id, user_id) REFERENCES staff_users (district_id, user_id) ON DELETE CASCADE,
      FOREIGN KEY (district_id, school_id) REFERENCES schools (district_id, school_id) ON DELETE CASCADE,
      CHECK ((scope = 'district') = (school_id IS NULL))
    );
    CREATE INDEX staff_role_grants_user ON staff_role_grants (district_id, user_id);
    CREATE INDEX staff_role_grants_school ON staff_role_grants (district_id, school_id) WHERE school_id IS NOT NULL;
    COMMENT ON TABLE staff_role_grants IS
      'A role held over a scope: the whole district, one school, the sections a teacher teaches, or a caseload.';

    CREATE TABLE section_staff (
      district_id uuid NOT NULL,
      section_id uuid NOT NULL,
      user_id uuid NOT NULL,
      is_primary boolean NOT NULL DEFAULT true,
      PRIMARY KEY (district_id, section_id, user_id),
      FOREIGN KEY (district_id, section_id) REFERENCES sections (district_id, section_id) ON DELETE CASCADE,
      FOREIGN KEY (district_id, user_id) REFERENCES staff_users (district_id, user_id) ON DELETE CASCADE
    );
    CREATE INDEX section_staff_user ON section_staff (district_id, user_id);

    CREATE TABLE caseload_students (
      district_id uuid NOT NULL,
      user_id uuid NOT NULL,
      student_id uuid NOT NULL,
      assigned_on date NOT NULL DEFAULT current_date,
      PRIMARY KEY (district_id, user_id, student_id),
      FOREIGN KEY (district_id, user_id) REFERENCES staff_users (district_id, user_id) ON DELETE CASCADE,
      FOREIGN KEY (district_id, student_id) REFERENCES students (district_id, student_id) ON DELETE CASCADE
    );
    CREATE INDEX caseload_students_student ON caseload_students (district_id, student_id);

    CREATE TABLE attendance_events (
      district_id uuid NOT NULL,
      attendance_event_id uuid NOT NULL DEFAULT gen_random_uuid(),
      student_id uuid NOT NULL,
      school_id uuid NOT NULL,
      date date NOT NULL,
      section_id uuid,
      period_id uuid,
      category text NOT NULL CHECK (category IN (
        'present', 'excused_absence', 'unexcused_absence', 'tardy', 'early_departure',
        'partial', 'in_school_suspension', 'out_of_school_suspension'
      )),
      minutes integer CHECK (minutes IS NULL OR minutes BETWEEN 0 AND 1440),
      day_fraction numeric(4, 3) CHECK (day_fraction IS NULL OR day_fraction BETWEEN 0 AND 1),
      arrival_time time,
      departure_time time,
      reason text CHECK (reason IS NULL OR reason IN (
        'illness', 'medical', 'family', 'transport', 'religious', 'bereavement', 'suspension',
        'school_activity', 'weather', 'housing', 'caregiving', 'vacation', 'unknown', 'other'
      )),
      is_excused boolean,
      note text,
      source_system text NOT NULL,
      source_id text NOT NULL,
      recorded_by uuid,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (district_id, attendance_event_id),
      UNIQUE (district_id, source_system, source_id),
      FOREIGN KEY (district_id, student_id) REFERENCES students (district_id, student_id) ON DELETE CASCADE,
      FOREIGN KEY (district_id, school_id) REFERENCES schools (district_id, school_id) ON DELETE CASCADE,
      FOREIGN KEY (district_id, section_id) REFERENCES sections (district_id, section_id) ON DELETE CASCADE,
      FOREIGN KEY (district_id, period_id) REFERENCES periods (district_id, period_id) ON DELETE SET NULL (period_id),
      FOREIGN KEY (district_id, recorded_by) REFERENCES staff_users (district_id, user_id) ON DELETE SET NULL (recorded_by)
    );
    CREATE INDEX attendance_events_student_date ON attendance_events (district_id, student_id, date);
    CREATE INDEX attendance_events_school_date ON attendance_events (district_id, school_id, date);
    CREATE INDEX attendance_events_section ON attendance_events (district_id, section_id, date) WHERE section_id IS NOT NULL;
    CREATE INDEX attendance_events_period ON attendance_events (district_id, period_id) WHERE period_id IS NOT NULL;
    CREATE INDEX attendance_events_recorded_by ON attendance_events (district_id, recorded_by) WHERE recorded_by IS NOT NULL;
    COMMENT ON TABLE attendance_events IS
      'Attendance at its finest grain. section_id NULL is a daily (school-level) event. No row means present '
      'for districts that record in the negative. (source_system, source_id) makes re-imports idempotent.';

    CREATE TABLE audit_log (
      district_id uuid NOT NULL REFERENCES districts (district_id),
      audit_id bigint GENERATED ALWAYS AS IDENTITY,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      actor_type text NOT NULL CHECK (actor_type IN ('staff', 'guardian', 'student', 'system', 'provider')),
      actor_id text,
      actor_role text,
      student_id uuid,
      action text NOT NULL,
      target_type text,
      target_id text,
      outcome text NOT NULL CHECK (outcome IN ('allowed', 'denied', 'failed')),
      is_disclosure boolean NOT NULL DEFAULT false,
      detail jsonb NOT NULL DEFAULT '{}',
      ip inet,
      PRIMARY KEY (district_id, audit_id)
    );
    CREATE INDEX audit_log_student ON audit_log (district_id, student_id, occurred_at);
    COMMENT ON TABLE audit_log IS
      'Append-only record of who did what to which student (FERPA 34 CFR 99.32 disclosures included). '
      'No foreign key to students: the record outlives the row.';

    CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END;
    $$;
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
  `,
  );
}
