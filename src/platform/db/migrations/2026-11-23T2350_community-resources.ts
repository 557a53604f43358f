import type { Kysely } from 'kysely';
import { runSqlScript } from '../sql-script.ts';

/**
 * Community resources (issue 8): the help a district knows of near its families — a transit
 * pass, a clinic, a food pantry — each tagged with the barriers it helps with, so a family who
 * asks for help in the portal sees the matching ones at once, in their language when the
 * district translated them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runSqlScript(
    db,
    `
    CREATE TABLE community_resources (
      district_id uuid NOT NULL REFERENCES districts (district_id) ON DELETE CASCADE,
      resource_id uuid NOT NULL DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      description text NOT NULL CHECK (length(description) <= 1000),
      phone text CHECK (phone IS NULL OR length(phone) <= 40),
      url text CHECK (url IS NULL OR url ~ '^https?://'),
      address text CHECK (address IS NULL OR length(address) <= 300),
      barriers text[] NOT NULL CHECK (cardinality(barriers) >= 1),
      translations jsonb NOT NULL DEFAULT '{}',
      active boolean NOT NULL DEFAULT true,
      updated_by uuid,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (district_id, resource_id)
    );
    CREATE INDEX community_resources_barriers ON community_resources USING gin (barriers);
    COMMENT ON COLUMN community_resources.barriers IS
      'The portal barriers it helps with: transportation, health, housing, childcare, work, school_climate, basic_needs, other.';
  `,
  );
}
