import type { Kysely } from 'kysely';
import { runSqlScript } from '../sql-script.ts';

/**
 * A channel per kind of message (issue 8): a guardian may want same-day alerts by text and the
 * rest (summaries, good news, invitations) by email. `news_channel` is the channel for messages
 * other than alerts; null means the same as `preferred_channel`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runSqlScript(
    db,
    `
    ALTER TABLE contacts ADD COLUMN news_channel text CHECK (news_channel IN ('sms', 'voice', 'email'));
    COMMENT ON COLUMN contacts.news_channel IS
      'Channel for messages other than attendance alerts; null: the same as preferred_channel.';
  `,
  );
}
