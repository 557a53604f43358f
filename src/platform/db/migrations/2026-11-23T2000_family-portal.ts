import type { Kysely } from 'kysely';
import { runSqlScript } from '../sql-script.ts';

/**
 * The family portal (issue 8, docs/decisions/0011): sign-in by a one-time code sent to a
 * phone or email already on file, and long sessions on a family's own phone.
 *
 * - `family_sign_in_codes` keeps one row per code asked for, whether or not the address is on
 *   file (so the answer and the rate limits cannot tell anyone which numbers a school has).
 *   The code itself is never stored: only its SHA-256 with the row's salt. A code lives 10
 *   minutes and allows 5 guesses; the rate limits count these rows.
 * - `family_sessions` is keyed by the SHA-256 of the cookie's random token, like staff
 *   sessions. A session holds the address that was proven, not a list of people: each request
 *   finds the guardians with that address again, so a school removing a number or a right
 *   counts at once.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runSqlScript(
    db,
    `
    CREATE TABLE family_sign_in_codes (
      district_id uuid NOT NULL REFERENCES districts (district_id) ON DELETE CASCADE,
      code_id uuid NOT NULL DEFAULT gen_random_uuid(),
      address_kind text NOT NULL CHECK (address_kind IN ('phone', 'email')),
      address text NOT NULL CHECK (length(address) <= 320),
      on_file boolean NOT NULL,
      code_hash text NOT NULL CHECK (code_hash ~ '^[0-9a-f]{64}$'),
      salt text NOT NULL,
      guesses smallint NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      ip inet,
      PRIMARY KEY (district_id, code_id),
      CHECK (expires_at > created_at)
    );
    CREATE INDEX family_sign_in_codes_address ON family_sign_in_codes (district_id, address, created_at);
    CREATE INDEX family_sign_in_codes_ip ON family_sign_in_codes (ip, created_at) WHERE ip IS NOT NULL;
    COMMENT ON TABLE family_sign_in_codes IS
      'One row per one-time code asked for, on file or not; the code is stored only as a salted SHA-256.';

    CREATE TABLE family_sessions (
      district_id uuid NOT NULL REFERENCES districts (district_id) ON DELETE CASCADE,
      session_id text NOT NULL CHECK (session_id ~ '^[0-9a-f]{64}$'),
      address_kind text NOT NULL CHECK (address_kind IN ('phone', 'email')),
      address text NOT NULL,
      language text,
      remember boolean NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      user_agent text CHECK (user_agent IS NULL OR length(user_agent) <= 512),
      PRIMARY KEY (district_id, session_id),
      CHECK (expires_at > created_at)
    );
    CREATE INDEX family_sessions_expires ON family_sessions (expires_at);
    COMMENT ON COLUMN family_sessions.address IS
      'The phone (E.164) or email the family proved they hold; the guardians are found from it on every request.';
    COMMENT ON COLUMN family_sessions.remember IS
      'True on a personal phone ("keep me signed in"): 90 days, else the browser session and 2 hours idle.';
  `,
  );
}
