import type { Kysely } from 'kysely';
import { runSqlScript } from '../sql-script.ts';

/** Every foreign key is indexed by its own columns (test/schema.test.ts): the two family tables that were not. */
export async function up(db: Kysely<any>): Promise<void> {
  await runSqlScript(
    db,
    `
    CREATE INDEX survey_responses_contact ON survey_responses (district_id, contact_id);
    CREATE INDEX policy_acknowledgements_contact ON policy_acknowledgements (district_id, contact_id);
  `,
  );
}
