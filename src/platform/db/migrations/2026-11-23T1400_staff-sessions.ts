import type { Kysely } from 'kysely';
import { runSqlScript } from '../sql-script.ts';

/**
 * Staff sign-in sessions (docs/decisions/0006). The cookie carries a random token; the
 * table keeps only its SHA-256 hash, so a copy of the database does not let anyone sign in.
 * A session ends when it has been idle too long (last_seen_at), at expires_at whatever
 * happens, when its staff member signs out, or when the account is disabled or deleted.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runSqlScript(
    db,
    `
    CREATE TABLE staff_sessions (
      district_id uuid NOT NULL,
      session_id text NOT NULL CHECK (session_id ~ '^[0-9a-f]{64}$'),
      user_id uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      ip inet,
      user_agent text CHECK (user_agent IS NULL OR length(user_agent) <= 512),
      PRIMARY KEY (district_id, session_id),
      FOREIGN KEY (district_id, user_id) REFERENCES staff_users (district_id, user_id) ON DELETE CASCADE,
      CHECK (expires_at > created_at)
    );
    CREATE INDEX staff_sessions_user ON staff_sessions (district_id, user_id);
    CREATE INDEX staff_sessions_expires ON staff_sessions (expires_at);
    COMMENT ON COLUMN staff_sessions.session_id IS
      'Hex SHA-256 of the random token in the session cookie; the token itself is never stored.';
    COMMENT ON COLUMN staff_sessions.expires_at IS
      'Absolute end of the session, set at sign-in; the idle timeout is measured from last_seen_at.';

    -- Sign-in looks an email up before it knows the district.
    CREATE INDEX staff_users_email_any_district ON staff_users (lower(email));
  `,
  );
}
