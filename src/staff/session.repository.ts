/**
 * SQL for staff sign-in: accounts by email, role grants, the staff_sessions table, and the
 * sign-in entries of the audit log (until the audit domain has its own repository).
 */
import { type Kysely, sql } from 'kysely';
import type { DB, Json } from '../platform/db/types.ts';
import { isStaffRole, type StaffGrant, type StaffScope } from './staff-principal.ts';

export interface SignInCandidate {
  readonly districtId: string;
  readonly districtSlug: string;
  readonly districtName: string;
  readonly userId: string;
  readonly displayName: string;
  readonly passwordHash: string | null;
  readonly isActive: boolean;
}

export interface SessionRow {
  readonly districtId: string;
  readonly userId: string;
  readonly displayName: string;
  readonly isActive: boolean;
  readonly lastSeenAt: Date;
  readonly expiresAt: Date;
}

export interface NewSession {
  readonly districtId: string;
  readonly sessionHash: string;
  readonly userId: string;
  readonly now: Date;
  readonly expiresAt: Date;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export interface AuditEntry {
  readonly districtId: string;
  readonly actorId: string | null;
  readonly actorRole: string | null;
  readonly action: string;
  readonly outcome: 'allowed' | 'denied' | 'failed';
  readonly detail: Readonly<Record<string, unknown>>;
  readonly ip: string | null;
  readonly occurredAt: Date;
}

const SCOPES: readonly StaffScope[] = ['district', 'school', 'section', 'caseload'];

/** The district with this slug, or undefined. */
export async function findDistrictIdBySlug(db: Kysely<DB>, slug: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('districts')
    .select('district_id')
    .where('slug', '=', slug)
    .executeTakeFirst();
  return row?.district_id;
}

/**
 * The staff accounts whose email is `email` in any letter case: in one district when
 * `districtId` is given, otherwise in every district (at most one per district).
 */
export async function findSignInCandidates(
  db: Kysely<DB>,
  email: string,
  districtId?: string,
): Promise<SignInCandidate[]> {
  let query = db
    .selectFrom('staff_users as u')
    .innerJoin('districts as d', 'd.district_id', 'u.district_id')
    .select([
      'u.district_id',
      'd.slug',
      'd.name',
      'u.user_id',
      'u.display_name',
      'u.password_hash',
      'u.is_active',
    ])
    .where(sql<string>`lower(u.email)`, '=', email.toLowerCase());
  if (districtId !== undefined) query = query.where('u.district_id', '=', districtId);
  const rows = await query.orderBy('d.slug').execute();
  return rows.map((row) => ({
    districtId: row.district_id,
    districtSlug: row.slug,
    districtName: row.name,
    userId: row.user_id,
    displayName: row.display_name,
    passwordHash: row.password_hash,
    isActive: row.is_active,
  }));
}

/** A staff member's role grants (unknown roles or scopes, which the schema forbids, are skipped). */
export async function findGrants(db: Kysely<DB>, districtId: string, userId: string): Promise<StaffGrant[]> {
  const rows = await db
    .selectFrom('staff_role_grants')
    .select(['role', 'scope', 'school_id'])
    .where('district_id', '=', districtId)
    .where('user_id', '=', userId)
    .orderBy('role')
    .orderBy('scope')
    .orderBy('school_id')
    .execute();
  const grants: StaffGrant[] = [];
  for (const row of rows) {
    const scope = SCOPES.find((known) => known === row.scope);
    if (!isStaffRole(row.role) || !scope) continue;
    grants.push({ role: row.role, scope, schoolId: row.school_id });
  }
  return grants;
}

/** Names of the schools with these ids in the district, by id. */
export async function findSchoolNames(
  db: Kysely<DB>,
  districtId: string,
  schoolIds: readonly string[],
): Promise<Map<string, string>> {
  if (schoolIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('schools')
    .select(['school_id', 'name'])
    .where('district_id', '=', districtId)
    .where('school_id', 'in', [...schoolIds])
    .execute();
  return new Map(rows.map((row) => [row.school_id, row.name]));
}

/** The district's slug and name; throws when it does not exist. */
export async function getDistrictName(
  db: Kysely<DB>,
  districtId: string,
): Promise<{ slug: string; name: string }> {
  return db
    .selectFrom('districts')
    .select(['slug', 'name'])
    .where('district_id', '=', districtId)
    .executeTakeFirstOrThrow();
}

export async function insertSession(db: Kysely<DB>, session: NewSession): Promise<void> {
  await db
    .insertInto('staff_sessions')
    .values({
      district_id: session.districtId,
      session_id: session.sessionHash,
      user_id: session.userId,
      created_at: session.now,
      last_seen_at: session.now,
      expires_at: session.expiresAt,
      ip: session.ip,
      user_agent: session.userAgent,
    })
    .execute();
}

/** The session with this hash and its staff member, or undefined. */
export async function findSession(
  db: Kysely<DB>,
  districtId: string,
  sessionHash: string,
): Promise<SessionRow | undefined> {
  const row = await db
    .selectFrom('staff_sessions as s')
    .innerJoin('staff_users as u', (join) =>
      join.onRef('u.district_id', '=', 's.district_id').onRef('u.user_id', '=', 's.user_id'),
    )
    .select(['s.user_id', 's.last_seen_at', 's.expires_at', 'u.display_name', 'u.is_active'])
    .where('s.district_id', '=', districtId)
    .where('s.session_id', '=', sessionHash)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    districtId,
    userId: row.user_id,
    displayName: row.display_name,
    isActive: row.is_active,
    lastSeenAt: new Date(row.last_seen_at),
    expiresAt: new Date(row.expires_at),
  };
}

/** Records activity on a session. */
export async function touchSession(
  db: Kysely<DB>,
  districtId: string,
  sessionHash: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('staff_sessions')
    .set({ last_seen_at: now })
    .where('district_id', '=', districtId)
    .where('session_id', '=', sessionHash)
    .execute();
}

/** Deletes one session; returns its staff member's id, or undefined when there was none. */
export async function deleteSession(
  db: Kysely<DB>,
  districtId: string,
  sessionHash: string,
): Promise<string | undefined> {
  const row = await db
    .deleteFrom('staff_sessions')
    .where('district_id', '=', districtId)
    .where('session_id', '=', sessionHash)
    .returning('user_id')
    .executeTakeFirst();
  return row?.user_id;
}

/** Deletes every session of one staff member; returns how many there were. */
export async function deleteSessionsOfUser(
  db: Kysely<DB>,
  districtId: string,
  userId: string,
): Promise<number> {
  const result = await db
    .deleteFrom('staff_sessions')
    .where('district_id', '=', districtId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Deletes sessions that ended (past expires_at, or idle since before `idleSince`), of one
 * staff member when `userId` is given, otherwise of every district; returns how many.
 */
export async function deleteEndedSessions(
  db: Kysely<DB>,
  now: Date,
  idleSince: Date,
  owner?: { readonly districtId: string; readonly userId: string },
): Promise<number> {
  let query = db
    .deleteFrom('staff_sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleSince)]));
  if (owner) {
    query = query.where('district_id', '=', owner.districtId).where('user_id', '=', owner.userId);
  }
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Appends one entry to the audit log. */
export async function insertAuditEntry(db: Kysely<DB>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      district_id: entry.districtId,
      occurred_at: entry.occurredAt,
      actor_type: 'staff',
      actor_id: entry.actorId,
      actor_role: entry.actorRole,
      action: entry.action,
      target_type: entry.actorId ? 'staff_user' : null,
      target_id: entry.actorId,
      outcome: entry.outcome,
      // The generated type of a defaulted jsonb column takes no plain string, so cast in SQL.
      detail: sql<Json>`${JSON.stringify(entry.detail)}::jsonb`,
      ip: entry.ip,
    })
    .execute();
}
