import type { Kysely } from 'kysely';
import { runSqlScript } from '../sql-script.ts';

/**
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
