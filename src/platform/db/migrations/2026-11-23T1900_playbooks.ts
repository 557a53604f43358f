import type { Kysely } from 'kysely';
import { runSqlScript } from '../sql-script.ts';

/**
 * Outreach playbooks (issue 6): each district's playbooks as validated data (off until a
 * district turns one on), the record of every step fired for a student — at most once per
 * student, step and threshold in a school year, enforced by the key — and staff tasks.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runSqlScript(
    db,
    `
    CREATE TABLE playbooks (
      district_id uuid NOT NULL REFERENCES districts (district_id) ON DELETE CASCADE,
      playbook_key text NOT NULL CHECK (playbook_key ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
      version integer NOT NULL DEFAULT 1,
      definition jsonb NOT NULL,
      enabled boolean NOT NULL DEFAULT false,
      updated_by uuid,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (district_id, playbook_key)
    );
    COMMENT ON COLUMN playbooks.enabled IS 'Off until a district has seen its dry run and turned it on.';

    CREATE TABLE playbook_firings (
      district_id uuid NOT NULL REFERENCES districts (district_id) ON DELETE CASCADE,
      school_year_id uuid NOT NULL,
      student_id uuid NOT NULL,
      playbook_key text NOT NULL,
      step_id text NOT NULL,
      threshold text NOT NULL,
      playbook_version integer NOT NULL,
      why text NOT NULL,
      outcome jsonb NOT NULL DEFAULT '{}',
      fired_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (district_id, school_year_id, student_id, playbook_key, step_id, threshold),
      FOREIGN KEY (district_id, student_id) REFERENCES students (district_id, student_id) ON DELETE CASCADE
    );
    CREATE INDEX playbook_firings_student ON playbook_firings (district_id, student_id, fired_at);
    COMMENT ON TABLE playbook_firings IS
      'Every step fired, once per student, step and threshold per school year (the key), with why.';

    CREATE TABLE tasks (
      district_id uuid NOT NULL REFERENCES districts (district_id) ON DELETE CASCADE,
      task_id uuid NOT NULL DEFAULT gen_random_uuid(),
      student_id uuid NOT NULL,
      school_id uuid,
      title text NOT NULL,
      assignee_role text NOT NULL CHECK (assignee_role IN ('school_admin', 'attendance_champion', 'counselor', 'teacher')),
      due_date date NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
      why text NOT NULL,
      source text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      done_at timestamptz,
      done_by uuid,
      PRIMARY KEY (district_id, task_id),
      FOREIGN KEY (district_id, student_id) REFERENCES students (district_id, student_id) ON DELETE CASCADE
    );
    CREATE INDEX tasks_open ON tasks (district_id, assignee_role, due_date) WHERE status = 'open';
    CREATE INDEX tasks_student ON tasks (district_id, student_id);
  `,
  );
}
