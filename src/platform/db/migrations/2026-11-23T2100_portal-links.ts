import type { Kysely } from 'kysely';
import { runSqlScript } from '../sql-script.ts';

/**
 * Sign-in links in email (issue 8): an email to a guardian who may use the family portal ends
 * with a link that signs them in, once, within 7 days. The link is built when the email is sent
 * from the message's own random `portal_token`, so it is never part of the stored body and staff
 * never see it; `portal_link_used_at` makes it single-use.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runSqlScript(
    db,
    `
    ALTER TABLE messages ADD COLUMN portal_token uuid NOT NULL DEFAULT gen_random_uuid();
    ALTER TABLE messages ADD COLUMN portal_link_used_at timestamptz;
    COMMENT ON COLUMN messages.portal_token IS
      'Random secret of the one-time family portal sign-in link an email carries (added at send time, never stored in body).';
  `,
  );
}
