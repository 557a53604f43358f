/**
 * Who may see a child in the family portal, as one SQL condition on a student_contacts row:
 * the link allows the portal, carries educational rights, and is not an emergency contact only.
 * Kept apart (it imports nothing of Homeroom's) so messaging can use it without a cycle.
 */
import { sql } from 'kysely';

/** The condition on a student_contacts row (alias given) that lets the guardian see the child in the portal. */
export function portalLink(alias: ReturnType<typeof sql.ref>) {
  return sql`${alias}.may_view_portal AND ${alias}.has_educational_rights AND ${alias}.relationship <> 'emergency_contact'`;
}
