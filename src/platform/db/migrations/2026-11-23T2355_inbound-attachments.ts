import type { Kysely } from 'kysely';
import { runSqlScript } from '../sql-script.ts';

/**
 * A photo of a note (a doctor's note) a family attaches to an absence report in the portal
 * (issue 8). Kept in the database beside the reply it belongs to, at most 5 MB, only types
 * recognised by their first bytes; staff who may see the reply may open it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runSqlScript(
    db,
    `
    CREATE TABLE inbound_attachments (
      district_id uuid NOT NULL,
      attachment_id uuid NOT NULL DEFAULT gen_random_uuid(),
      inbound_id uuid NOT NULL,
      content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf')),
      bytes bytea NOT NULL CHECK (octet_length(bytes) BETWEEN 1 AND 5242880),
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (district_id, attachment_id),
      FOREIGN KEY (district_id, inbound_id) REFERENCES inbound_messages (district_id, inbound_id) ON DELETE CASCADE
    );
    CREATE INDEX inbound_attachments_inbound ON inbound_attachments (district_id, inbound_id);
  `,
  );
}
