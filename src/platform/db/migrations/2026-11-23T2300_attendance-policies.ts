import type { Kysely } from 'kysely';
import { runSqlScript } from '../sql-script.ts';

/**
 * The district's attendance policy and families' electronic signatures (issue 8). A policy is
 * published in versions (a new text is a new version, never an edit), with translations. A
 * signature keeps what the E-SIGN Act needs to show intent and what was signed: the typed name,
 * the version, the language and the SHA-256 of the exact text shown, the time, the client
 * address and browser.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runSqlScript(
    db,
    `
    CREATE TABLE attendance_policies (
      district_id uuid NOT NULL REFERENCES districts (district_id) ON DELETE CASCADE,
      version integer NOT NULL CHECK (version >= 1),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      body text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
      translations jsonb NOT NULL DEFAULT '{}',
      published_at timestamptz NOT NULL DEFAULT now(),
      published_by uuid,
      PRIMARY KEY (district_id, version)
    );
    COMMENT ON COLUMN attendance_policies.translations IS
      'By language code: {"title": ..., "body": ...}; a language without one is shown the English text, and told so.';

    CREATE TABLE policy_acknowledgements (
      district_id uuid NOT NULL,
      version integer NOT NULL,
      contact_id uuid NOT NULL,
      signed_name text NOT NULL CHECK (length(signed_name) BETWEEN 2 AND 200),
      language text NOT NULL,
      text_sha256 text NOT NULL CHECK (text_sha256 ~ '^[0-9a-f]{64}$'),
      signed_at timestamptz NOT NULL DEFAULT now(),
      ip inet,
      user_agent text CHECK (user_agent IS NULL OR length(user_agent) <= 512),
      PRIMARY KEY (district_id, version, contact_id),
      FOREIGN KEY (district_id, version) REFERENCES attendance_policies (district_id, version) ON DELETE CASCADE,
      FOREIGN KEY (district_id, contact_id) REFERENCES contacts (district_id, contact_id) ON DELETE CASCADE
    );
    COMMENT ON COLUMN policy_acknowledgements.text_sha256 IS
      'SHA-256 of the title and body exactly as shown to the signer, in the language shown.';
  `,
  );
}
