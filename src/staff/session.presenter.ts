/** The fields of a session that leave the server: names and roles, never ids of sessions or hashes. */
import type { SessionResponse, SignedInResponse } from './session.schemas.ts';
import type { SessionDetails } from './session.service.ts';
import type { StaffPrincipal } from './staff-principal.ts';

/** The answer to a successful sign-in. */
export function presentSignedIn(principal: StaffPrincipal): SignedInResponse {
  return { user: { displayName: principal.displayName, roles: [...principal.roles] } };
}

/** Who is signed in: for the staff app's header and to decide what it shows. */
export function presentSession(details: SessionDetails): SessionResponse {
  return {
    user: {
      displayName: details.displayName,
      roles: [...details.roles],
      grants: details.grants.map((grant) => ({
        role: grant.role,
        scope: grant.scope,
        schoolId: grant.schoolId,
        schoolName: grant.schoolName,
      })),
    },
    district: { slug: details.district.slug, name: details.district.name },
  };
}
