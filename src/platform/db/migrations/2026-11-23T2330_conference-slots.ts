import type { Kysely } from 'kysely';
import { runSqlScript } from '../sql-script.ts';

/**
 * Conferences a family books (issues 6 and 8): staff offer a few times to meet about a student;
 * a guardian books one in the portal, which releases the others. A slot is booked at most once
 * (the status moves only from offered, in one conditional update).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runSqlScript(
    db,
    `
    CREATE TABLE conference_slots (
      district_id uuid NOT NULL REFERENCES districts (district_id) ON DELETE CASCADE,
      slot_id uuid NOT NULL DEFAULT gen_random_uuid(),
      student_id uuid NOT NULL,
      school_id uuid,
      host_user_id uuid,
      host_name text NOT NULL,
      starts_at timestamptz NOT NULL,
      minutes smallint NOT NULL CHECK (minutes BETWEEN 10 AND 120),
      mode text NOT NULL CHECK (mode IN ('in_person', 'phone', 'video')),
      location text CHECK (location IS NULL OR length(location) <= 200),
      status text NOT NULL DEFAULT 'offered' CHECK (status IN ('offered', 'booked', 'released', 'cancelled')),
      booked_by uuid,
      booked_at timestamptz,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (district_id, slot_id),
      FOREIGN KEY (district_id, student_id) REFERENCES students (district_id, student_id) ON DELETE CASCADE,
      CHECK ((status = 'booked') = (booked_by IS NOT NULL))
    );
    CREATE INDEX conference_slots_student ON conference_slots (district_id, student_id, starts_at);
    COMMENT ON COLUMN conference_slots.status IS
      'offered: the family may book it; booked: by booked_by; released: another offered time was booked; cancelled: by staff.';
  `,
  );
}
