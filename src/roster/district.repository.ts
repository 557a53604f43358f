/** SQL for districts and their headline counts. */
import { type Kysely, sql } from 'kysely';
import { todayIn } from '../platform/dates.ts';
import type { DB } from '../platform/db/types.ts';

export interface DistrictOverview {
  readonly districtId: string;
  readonly slug: string;
  readonly name: string;
  readonly timeZone: string;
  readonly isDemo: boolean;
  readonly schools: number;
  readonly students: number;
  readonly staff: number;
}

/** Every district with its counts of schools, students and active staff, by name. */
export async function findDistrictOverviews(db: Kysely<DB>): Promise<DistrictOverview[]> {
  const rows = await db
    .selectFrom('districts as d')
    .select([
      'd.district_id',
      'd.slug',
      'd.name',
      'd.time_zone',
      'd.is_demo',
      sql<number>`(SELECT count(*) FROM schools s WHERE s.district_id = d.district_id)`.as('schools'),
      sql<number>`(SELECT count(*) FROM students s WHERE s.district_id = d.district_id)`.as('students'),
      sql<number>`(SELECT count(*) FROM staff_users u WHERE u.district_id = d.district_id AND u.is_active)`.as(
        'staff',
      ),
    ])
    .orderBy('d.name')
    .execute();
  return rows.map((row) => ({
    districtId: row.district_id,
    slug: row.slug,
    name: row.name,
    timeZone: row.time_zone,
    isDemo: row.is_demo,
    schools: Number(row.schools),
    students: Number(row.students),
    staff: Number(row.staff),
  }));
}

/** Whether any district exists (start-up seeds the demo only into an empty database). */
export async function hasAnyDistrict(db: Kysely<DB>): Promise<boolean> {
  const row = await db.selectFrom('districts').select('district_id').limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Today's date in a district's time zone (school dates are plain dates in that zone). */
/** The district's time zone (IANA name). */
export async function districtTimeZone(db: Kysely<DB>, districtId: string): Promise<string> {
  const { rows } = await sql<{ time_zone: string }>`
    SELECT time_zone FROM districts WHERE district_id = ${districtId}`.execute(db);
  return rows[0]?.time_zone ?? 'America/New_York';
}

export async function districtToday(
  db: Kysely<DB>,
  districtId: string,
  now: Date = new Date(),
): Promise<string> {
  return todayIn(await districtTimeZone(db, districtId), now);
}

/**
 * A phone number (national format) of a demo guardian who may use the family portal, for the
 * start page to offer (the demo's numbers are fictional 555 numbers). Null when there is none.
 */
export async function findDemoFamilyPhone(db: Kysely<DB>, districtId: string): Promise<string | null> {
  const { rows } = await sql<{ phone_e164: string }>`
    SELECT p.phone_e164 FROM contact_phones p
    JOIN student_contacts sc ON sc.district_id = p.district_id AND sc.contact_id = p.contact_id
    JOIN contacts c ON c.district_id = p.district_id AND c.contact_id = p.contact_id
    WHERE p.district_id = ${districtId} AND p.can_receive_sms AND c.reads_text AND c.preferred_language = 'en'
      AND sc.may_view_portal AND sc.has_educational_rights AND sc.relationship <> 'emergency_contact'
    ORDER BY p.phone_e164 LIMIT 1`.execute(db);
  const phone = rows[0]?.phone_e164;
  return phone?.startsWith('+1')
    ? `${phone.slice(2, 5)}-${phone.slice(5, 8)}-${phone.slice(8)}`
    : (phone ?? null);
}
