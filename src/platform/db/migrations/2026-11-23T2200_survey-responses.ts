import type { Kysely } from 'kysely';
import { runSqlScript } from '../sql-script.ts';

/**
 * Family surveys (issue 8): "from 1 to 10, how is school going for your child?", then open
 * questions, answered in the portal or by texting a number back to a survey invitation. One row
 * per answer, kept once per source (the portal form's request id, or the text's inbound id).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runSqlScript(
    db,
    `
    CREATE TABLE survey_responses (
      district_id uuid NOT NULL REFERENCES districts (district_id) ON DELETE CASCADE,
      response_id uuid NOT NULL DEFAULT gen_random_uuid(),
      contact_id uuid NOT NULL,
      student_id uuid,
      channel text NOT NULL CHECK (channel IN ('portal', 'sms', 'email')),
      score smallint CHECK (score BETWEEN 1 AND 10),
      answers jsonb NOT NULL DEFAULT '{}',
      language text NOT NULL,
      source_id text NOT NULL,
      submitted_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (district_id, response_id),
      UNIQUE (district_id, source_id),
      FOREIGN KEY (district_id, contact_id) REFERENCES contacts (district_id, contact_id) ON DELETE CASCADE,
      FOREIGN KEY (district_id, student_id) REFERENCES students (district_id, student_id) ON DELETE SET NULL (student_id)
    );
    CREATE INDEX survey_responses_student ON survey_responses (district_id, student_id, submitted_at);
    COMMENT ON COLUMN survey_responses.answers IS
      'The open answers as written, by question key (going_well, hard, help).';
  `,
  );
}
