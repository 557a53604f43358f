import type { Kysely } from 'kysely';
import { runSqlScript } from '../sql-script.ts';

/**
 * Messaging (docs/decisions/0009): the outbox, the send ledger, delivery evidence, inbound
 * replies and each district's messaging settings.
 *
 * - `messages` is the outbox: one row per message to one contact on one channel, written in
 *   the transaction of the decision that caused it. `dedupe_key` (cause, recipient, channel)
 *   is unique, so deciding twice still makes one message.
 * - `message_attempts` is the send ledger: an `attempting` row is committed before every
 *   provider call, and at most one attempt per message may be open (attempting or
 *   uncertain), so two workers can never both call the provider for the same message.
 * - `message_status_events` keeps every delivery status once (a replayed callback has no
 *   second effect) with its time: the evidence Ohio's same-day rule asks for.
 * - `inbound_messages` keeps replies once per provider id (Twilio's signatures carry no
 *   timestamp, so a replayed webhook is stopped here).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runSqlScript(
    db,
    `
    CREATE TABLE messaging_settings (
      district_id uuid PRIMARY KEY REFERENCES districts (district_id) ON DELETE CASCADE,
      sms_number text UNIQUE CHECK (sms_number ~ '^[+][1-9][0-9]{6,14}$'),
      email_from text,
      quiet_start time NOT NULL DEFAULT '08:00',
      quiet_end time NOT NULL DEFAULT '21:00',
      school_day_start time NOT NULL DEFAULT '07:30',
      school_day_end time NOT NULL DEFAULT '15:30',
      weekly_budget_per_family smallint NOT NULL DEFAULT 5 CHECK (weekly_budget_per_family BETWEEN 1 AND 100),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (quiet_start < quiet_end),
      CHECK (school_day_start < school_day_end)
    );
    COMMENT ON COLUMN messaging_settings.quiet_start IS
      'Non-urgent messages go only between quiet_start and quiet_end in the district''s time zone.';
    COMMENT ON COLUMN messaging_settings.sms_number IS
      'The number families text; an inbound SMS to it belongs to this district.';

    CREATE TABLE messages (
      district_id uuid NOT NULL REFERENCES districts (district_id) ON DELETE CASCADE,
      message_id uuid NOT NULL DEFAULT gen_random_uuid(),
      dedupe_key text NOT NULL,
      contact_id uuid NOT NULL,
      student_id uuid,
      channel text NOT NULL CHECK (channel IN ('sms', 'voice', 'email', 'portal')),
      category text NOT NULL CHECK (category IN ('attendance_alert', 'general', 'reply')),
      template_key text,
      language text NOT NULL,
      to_address text NOT NULL,
      subject text,
      body text NOT NULL,
      status text NOT NULL DEFAULT 'queued' CHECK (status IN (
        'queued', 'sending', 'uncertain', 'accepted', 'sent', 'delivered', 'undelivered', 'failed', 'suppressed'
      )),
      not_before timestamptz NOT NULL DEFAULT now(),
      attempts integer NOT NULL DEFAULT 0,
      provider text,
      provider_message_id text,
      error_code text,
      error_detail text,
      needs_staff boolean NOT NULL DEFAULT false,
      answered_by text,
      keypad_prompt text,
      unsubscribe_token uuid NOT NULL DEFAULT gen_random_uuid(),
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (district_id, message_id),
      UNIQUE (district_id, dedupe_key),
      FOREIGN KEY (district_id, contact_id) REFERENCES contacts (district_id, contact_id) ON DELETE CASCADE,
      FOREIGN KEY (district_id, student_id) REFERENCES students (district_id, student_id) ON DELETE SET NULL (student_id)
    );
    CREATE UNIQUE INDEX messages_provider_id ON messages (provider, provider_message_id) WHERE provider_message_id IS NOT NULL;
    CREATE UNIQUE INDEX messages_unsubscribe_token ON messages (unsubscribe_token);
    CREATE INDEX messages_contact ON messages (district_id, contact_id, created_at);
    CREATE INDEX messages_student ON messages (district_id, student_id, created_at) WHERE student_id IS NOT NULL;
    CREATE INDEX messages_needs_staff ON messages (district_id, updated_at) WHERE needs_staff;
    CREATE INDEX messages_open ON messages (district_id, not_before) WHERE status IN ('queued', 'sending', 'uncertain');
    COMMENT ON COLUMN messages.status IS
      'queued → sending → accepted (the provider took it) → sent → delivered | undelivered; failed (terminal, '
      'error_code says why); suppressed (never sent: opted out); uncertain (the provider may have it: reconcile, never re-send blindly).';
    COMMENT ON COLUMN messages.needs_staff IS 'The dead-letter list: a terminal failure staff should look at.';

    CREATE FUNCTION message_status_rank(status text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE status
        WHEN 'queued' THEN 0 WHEN 'sending' THEN 1 WHEN 'uncertain' THEN 1 WHEN 'accepted' THEN 2
        WHEN 'sent' THEN 3 WHEN 'undelivered' THEN 4 WHEN 'failed' THEN 4 WHEN 'delivered' THEN 5
        WHEN 'suppressed' THEN 6 ELSE 0 END
    $$;
    COMMENT ON FUNCTION message_status_rank(text) IS
      'Statuses only move up this ladder: a late or replayed callback never downgrades a message.';

    CREATE TABLE message_attempts (
      district_id uuid NOT NULL,
      message_id uuid NOT NULL,
      attempt_no integer NOT NULL CHECK (attempt_no >= 1),
      state text NOT NULL CHECK (state IN ('attempting', 'accepted', 'retryable', 'rejected', 'uncertain', 'absent')),
      provider text NOT NULL,
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      provider_message_id text,
      http_status integer,
      error_code text,
      error_detail text,
      PRIMARY KEY (district_id, message_id, attempt_no),
      FOREIGN KEY (district_id, message_id) REFERENCES messages (district_id, message_id) ON DELETE CASCADE
    );
    CREATE UNIQUE INDEX message_attempts_one_open ON message_attempts (district_id, message_id)
      WHERE state IN ('attempting', 'uncertain');
    COMMENT ON TABLE message_attempts IS
      'The send ledger: an attempting row is committed before each provider call; at most one attempt is open.';

    CREATE TABLE message_status_events (
      district_id uuid NOT NULL,
      message_id uuid NOT NULL,
      status text NOT NULL,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      channel text NOT NULL,
      detail jsonb NOT NULL DEFAULT '{}',
      PRIMARY KEY (district_id, message_id, status),
      FOREIGN KEY (district_id, message_id) REFERENCES messages (district_id, message_id) ON DELETE CASCADE
    );
    COMMENT ON TABLE message_status_events IS
      'Delivery evidence: each status once, with when it happened (a replayed callback adds nothing).';

    CREATE TABLE inbound_messages (
      district_id uuid NOT NULL REFERENCES districts (district_id) ON DELETE CASCADE,
      inbound_id uuid NOT NULL DEFAULT gen_random_uuid(),
      provider text NOT NULL,
      provider_message_id text NOT NULL,
      channel text NOT NULL CHECK (channel IN ('sms', 'voice', 'email', 'portal')),
      from_address text NOT NULL,
      to_address text NOT NULL,
      body text NOT NULL,
      contact_id uuid,
      intent jsonb NOT NULL DEFAULT '{}',
      handled_at timestamptz,
      handled_by uuid,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (district_id, inbound_id),
      UNIQUE (district_id, provider, provider_message_id),
      FOREIGN KEY (district_id, contact_id) REFERENCES contacts (district_id, contact_id) ON DELETE SET NULL (contact_id)
    );
    CREATE INDEX inbound_messages_contact ON inbound_messages (district_id, contact_id, received_at);
    CREATE INDEX inbound_messages_open ON inbound_messages (district_id, received_at) WHERE handled_at IS NULL;
    COMMENT ON COLUMN inbound_messages.intent IS
      'What the reply seems to mean, with its evidence: a suggestion for staff, never applied silently (opt-out excepted).';

    ALTER TABLE import_runs DROP CONSTRAINT import_runs_kind_check;
    ALTER TABLE import_runs ADD CONSTRAINT import_runs_kind_check
      CHECK (kind IN ('oneroster', 'attendance_csv', 'calendar_csv', 'edfi'));
  `,
  );
}
