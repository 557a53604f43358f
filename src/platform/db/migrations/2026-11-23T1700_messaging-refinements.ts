import type { Kysely } from 'kysely';
import { runSqlScript } from '../sql-script.ts';

/**
 * Refinements to messaging (issue 5), in one migration:
 *
 * Held messages and digests: a message over a family's weekly budget is `held` (no send job)
 * and later sent with the others in one digest message; the held ones end `digested`, pointing
 * at the digest (`digest_id`).
 *
 * Routing per guardian: `student_contacts.receives_other_messages` beside the existing
 * `receives_attendance_messages`, so a second household can get only alerts, or only the rest.
 *
 * Same-day alerts that expire: a message saying "we missed your child today" must not go out
 * tomorrow morning, so it carries `expires_at` (the end of that school day in the district's
 * zone) and the send job suppresses it once that has passed.
 *
 * Translations kept beside originals (issue 5): a staff member's own words sent in the family's
 * language keep what the staff member wrote (`messages.original_body`), and a family's reply
 * keeps what they wrote with its translation for staff (`inbound_messages.translated_body`).
 * The original is always kept and shown; translation is off unless a provider is configured.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runSqlScript(
    db,
    `
    ALTER TABLE messages DROP CONSTRAINT messages_status_check;
    ALTER TABLE messages ADD CONSTRAINT messages_status_check CHECK (status IN (
      'queued', 'held', 'sending', 'uncertain', 'accepted', 'sent', 'delivered', 'undelivered', 'failed',
      'suppressed', 'digested'
    ));
    ALTER TABLE messages ADD COLUMN digest_id uuid;
    CREATE INDEX messages_held ON messages (district_id, contact_id) WHERE status = 'held';
    CREATE OR REPLACE FUNCTION message_status_rank(status text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE status
        WHEN 'queued' THEN 0 WHEN 'held' THEN 0 WHEN 'sending' THEN 1 WHEN 'uncertain' THEN 1 WHEN 'accepted' THEN 2
        WHEN 'sent' THEN 3 WHEN 'undelivered' THEN 4 WHEN 'failed' THEN 4 WHEN 'delivered' THEN 5
        WHEN 'suppressed' THEN 6 WHEN 'digested' THEN 6 ELSE 0 END
    $$;
    ALTER TABLE student_contacts ADD COLUMN receives_other_messages boolean NOT NULL DEFAULT true;
    COMMENT ON COLUMN student_contacts.receives_other_messages IS
      'Whether this guardian gets messages other than same-day attendance alerts about this student (summaries, invitations...).';

    ALTER TABLE messages ADD COLUMN expires_at timestamptz;
    COMMENT ON COLUMN messages.expires_at IS
      'Not sent after this instant (a same-day alert: the end of that day); the message ends suppressed, expired.';
    ALTER TABLE messages ADD COLUMN original_body text;
    ALTER TABLE messages ADD COLUMN original_language text;
    COMMENT ON COLUMN messages.original_body IS
      'What staff wrote, when body is its machine translation into the family''s language.';
    ALTER TABLE inbound_messages ADD COLUMN translated_body text;
    ALTER TABLE inbound_messages ADD COLUMN translated_language text;
    ALTER TABLE inbound_messages ADD COLUMN translation_provider text;
    COMMENT ON COLUMN inbound_messages.translated_body IS
      'A machine translation of body for staff; body (the family''s own words) is always kept and shown.';
  `,
  );
}
