/**
 * Who a signed-in staff member is, as the rest of the server sees them: their district, their
 * roles and the scopes those roles cover. Built from the database on every request, so a
 * role taken away or an account disabled counts at once.
 */

/** A staff role; the closed set staff_role_grants.role allows. */
export type StaffRole =
  | 'district_admin'
  | 'school_admin'
  | 'attendance_champion'
  | 'counselor'
  | 'teacher'
  | 'analyst';

/** Every staff role, in order of breadth (also the order of StaffPrincipal.roles). */
export const ALL_STAFF_ROLES: readonly StaffRole[] = [
  'district_admin',
  'school_admin',
  'attendance_champion',
  'counselor',
  'teacher',
  'analyst',
];

/** What a role grant covers: the district, one school, the sections the member teaches, or their caseload. */
export type StaffScope = 'district' | 'school' | 'section' | 'caseload';

export interface StaffGrant {
  readonly role: StaffRole;
  readonly scope: StaffScope;
  /** The school of a school, section or caseload grant; null for a district grant. */
  readonly schoolId: string | null;
}

export interface StaffPrincipal {
  readonly districtId: string;
  readonly userId: string;
  readonly displayName: string;
  /** The distinct roles of `grants`, in ALL_STAFF_ROLES order. */
  readonly roles: readonly StaffRole[];
  readonly grants: readonly StaffGrant[];
}

/** Whether a string is one of the staff roles. */
export function isStaffRole(value: string): value is StaffRole {
  return (ALL_STAFF_ROLES as readonly string[]).includes(value);
}

/** Whether the principal holds at least one of the roles. */
export function hasAnyRole(principal: StaffPrincipal, roles: readonly StaffRole[]): boolean {
  return principal.roles.some((role) => roles.includes(role));
}
