/**
 * Staff sign-in and sessions (docs/decisions/0006). A session is a row in staff_sessions
 * keyed by the SHA-256 of a 32-byte random token; the cookie holds the district id and the
 * token. Every request re-reads the session, the account and its grants, so signing out,
 * disabling an account or removing a role counts at once, on every server process.
 */
import { createHash, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { verify } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import { AppError } from '../platform/errors.ts';
import {
  type AuditEntry,
  deleteEndedSessions,
  deleteSession,
  deleteSessionsOfUser,
  findDistrictIdBySlug,
  findGrants,
  findSchoolNames,
  findSession,
  findSignInCandidates,
  getDistrictName,
  insertAuditEntry,
  insertSession,
  type SignInCandidate,
  touchSession,
} from './session.repository.ts';
import { ALL_STAFF_ROLES, type StaffGrant, type StaffPrincipal, type StaffRole } from './staff-principal.ts';

/** A session ends after 30 minutes without a request (a shared classroom computer left signed in). */
export const SESSION_IDLE_TIMEOUT_MS = 30 * 60_000;
/** A session ends 12 hours after sign-in however active it is: one school day, then sign in again. */
export const SESSION_ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60_000;
/** last_seen_at is written at most this often, so reads do not each cost a write. */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;

export const SIGN_IN_ACTION = 'staff.sign-in';
export const SIGN_OUT_ACTION = 'staff.sign-out';

/** The one answer to every refused sign-in, so it never tells whether an account exists. */
const SIGN_IN_REFUSED = 'The email or password is not right.';
const SESSION_ENDED = 'Your session has ended or is not valid: sign in again.';

const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;
const USER_AGENT_MAX = 512;
/**
 * An argon2id hash (same parameters as real ones) of a random string nobody knows: verifying
 * against it when the email is unknown makes that answer take as long as a wrong password.
 */
const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$SDJLtqwysXfTtE0k65FLSQ$wty8SlHIYI9QbFBeL1QRd8eSIPnTxWMIeMCsCsHvapw';

export interface SignInAttempt {
  readonly email: string;
  readonly password: string;
  /** The district's slug; needed only when the email has accounts in several districts. */
  readonly district?: string | undefined;
  readonly ip?: string | null | undefined;
  readonly userAgent?: string | null | undefined;
}

export interface SignedIn {
  /** The cookie value: `<district id>.<token>`. Give it to the browser only. */
  readonly token: string;
  readonly principal: StaffPrincipal;
  readonly expiresAt: Date;
}

export interface SessionDetails {
  readonly district: { readonly slug: string; readonly name: string };
  readonly displayName: string;
  readonly roles: readonly StaffRole[];
  readonly grants: readonly (StaffGrant & { readonly schoolName: string | null })[];
}

type RefusalReason = 'unknown-email' | 'wrong-password' | 'no-password' | 'inactive' | 'no-role';

function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function parseToken(token: string): { districtId: string; sessionHash: string } | undefined {
  const match = TOKEN_PATTERN.exec(token);
  if (!match?.[1] || !match[2]) return undefined;
  return { districtId: match[1], sessionHash: hashToken(match[2]) };
}

function cleanIp(ip: string | null | undefined): string | null {
  return ip && isIP(ip) !== 0 ? ip : null;
}

async function isPassword(passwordHash: string | null, password: string): Promise<boolean> {
  try {
    const matches = await verify(passwordHash ?? DUMMY_HASH, password);
    return matches && passwordHash !== null;
  } catch {
    // A malformed stored hash refuses the sign-in like a wrong password.
    return false;
  }
}

function rolesOf(grants: readonly StaffGrant[]): StaffRole[] {
  return ALL_STAFF_ROLES.filter((role) => grants.some((grant) => grant.role === role));
}

function principalOf(
  account: { districtId: string; userId: string; displayName: string },
  grants: StaffGrant[],
): StaffPrincipal {
  return {
    districtId: account.districtId,
    userId: account.userId,
    displayName: account.displayName,
    roles: rolesOf(grants),
    grants,
  };
}

/**
 * Signs a staff member in by email and password and opens a session. Throws UNAUTHENTICATED
 * with one generic message for an unknown email, a wrong password, a disabled account or an
 * account with no role; INVALID_INPUT when the password is right for accounts in several
 * districts and `district` does not say which. Every attempt whose district is known is
 * written to the audit log (never the password).
 */
export async function signIn(db: Kysely<DB>, attempt: SignInAttempt, now = new Date()): Promise<SignedIn> {
  const email = attempt.email.trim();
  const ip = cleanIp(attempt.ip);
  const userAgent = attempt.userAgent ? attempt.userAgent.slice(0, USER_AGENT_MAX) : null;
  const auditEntry = (
    candidate: { districtId: string; userId: string | null },
    outcome: 'allowed' | 'denied',
    detail: Record<string, unknown>,
    roles: readonly StaffRole[] = [],
  ): AuditEntry => ({
    districtId: candidate.districtId,
    actorId: candidate.userId,
    actorRole: roles.length > 0 ? roles.join(',') : null,
    action: SIGN_IN_ACTION,
    outcome,
    detail: { email, ...detail, ...(userAgent ? { userAgent } : {}) },
    ip,
    occurredAt: now,
  });
  const refuse = async (
    candidates: readonly { districtId: string; userId: string | null }[],
    reason: RefusalReason,
  ) => {
    for (const candidate of candidates)
      await insertAuditEntry(db, auditEntry(candidate, 'denied', { reason }));
    return new AppError('UNAUTHENTICATED', { message: SIGN_IN_REFUSED });
  };

  const districtId = attempt.district ? await findDistrictIdBySlug(db, attempt.district) : undefined;
  if (attempt.district && !districtId) {
    await isPassword(null, attempt.password);
    throw await refuse([], 'unknown-email');
  }
  const candidates = await findSignInCandidates(db, email, districtId);
  if (candidates.length === 0) {
    await isPassword(null, attempt.password);
    throw await refuse(districtId ? [{ districtId, userId: null }] : [], 'unknown-email');
  }
  // Verified in parallel (argon2 runs on the libuv pool), so several accounts cost one verify's time.
  const verified = await Promise.all(candidates.map((c) => isPassword(c.passwordHash, attempt.password)));
  const matching = candidates.filter((_, index) => verified[index]);
  if (matching.length === 0) {
    throw await refuse(candidates, candidates.some((c) => c.passwordHash) ? 'wrong-password' : 'no-password');
  }
  if (candidates.length > 1) {
    // Only someone who knows a password learns that the email exists in several districts.
    for (const candidate of matching) {
      await insertAuditEntry(db, auditEntry(candidate, 'denied', { reason: 'district-not-given' }));
    }
    throw new AppError('INVALID_INPUT', {
      message: `This email has accounts in several districts (${matching.map((c) => c.districtSlug).join(', ')}): say which one in "district" (its slug).`,
      details: {
        fields: [{ field: 'body.district', message: 'is required for this email' }],
        districts: matching.map((c) => ({ slug: c.districtSlug, name: c.districtName })),
      },
    });
  }
  const account = matching[0] as SignInCandidate;
  if (!account.isActive) throw await refuse([account], 'inactive');
  const grants = await findGrants(db, account.districtId, account.userId);
  if (grants.length === 0) throw await refuse([account], 'no-role');

  const secret = randomBytes(TOKEN_BYTES).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_TIMEOUT_MS);
  const principal = principalOf(account, grants);
  await db.transaction().execute(async (trx) => {
    await deleteEndedSessions(trx, now, new Date(now.getTime() - SESSION_IDLE_TIMEOUT_MS), account);
    await insertSession(trx, {
      districtId: account.districtId,
      sessionHash: hashToken(secret),
      userId: account.userId,
      now,
      expiresAt,
      ip,
      userAgent,
    });
    await insertAuditEntry(trx, auditEntry(account, 'allowed', {}, principal.roles));
  });
  return { token: `${account.districtId}.${secret}`, principal, expiresAt };
}

/**
 * The staff member signed in with this session token. Throws UNAUTHENTICATED when the token
 * is malformed or unknown, the session is idle or past its absolute end (it is then
 * deleted), or the account is disabled. Records activity at most once a minute.
 */
export async function getSessionPrincipal(
  db: Kysely<DB>,
  token: string,
  now = new Date(),
): Promise<StaffPrincipal> {
  const parsed = parseToken(token);
  if (!parsed) throw new AppError('UNAUTHENTICATED', { message: SESSION_ENDED });
  const session = await findSession(db, parsed.districtId, parsed.sessionHash);
  if (!session) throw new AppError('UNAUTHENTICATED', { message: SESSION_ENDED });
  const idleFor = now.getTime() - session.lastSeenAt.getTime();
  if (idleFor >= SESSION_IDLE_TIMEOUT_MS || now >= session.expiresAt || !session.isActive) {
    await deleteSession(db, parsed.districtId, parsed.sessionHash);
    throw new AppError('UNAUTHENTICATED', { message: SESSION_ENDED });
  }
  if (idleFor >= SESSION_TOUCH_INTERVAL_MS)
    await touchSession(db, parsed.districtId, parsed.sessionHash, now);
  return principalOf(session, await findGrants(db, session.districtId, session.userId));
}

/** Ends the session of this token (nothing happens when there is none) and records the sign-out. */
export async function signOut(
  db: Kysely<DB>,
  token: string,
  context: { readonly ip?: string | null | undefined } = {},
  now = new Date(),
): Promise<void> {
  const parsed = parseToken(token);
  if (!parsed) return;
  const userId = await deleteSession(db, parsed.districtId, parsed.sessionHash);
  if (!userId) return;
  await insertAuditEntry(db, {
    districtId: parsed.districtId,
    actorId: userId,
    actorRole: null,
    action: SIGN_OUT_ACTION,
    outcome: 'allowed',
    detail: {},
    ip: cleanIp(context.ip),
    occurredAt: now,
  });
}

/**
 * Ends every session of a staff member at once (call it when an account is disabled or its
 * password changes); returns how many ended. Disabled accounts' sessions are refused anyway.
 */
export async function endStaffSessions(db: Kysely<DB>, districtId: string, userId: string): Promise<number> {
  return deleteSessionsOfUser(db, districtId, userId);
}

/** Deletes every ended session of every district (for a periodic clean-up); returns how many. */
export async function deleteEndedStaffSessions(db: Kysely<DB>, now = new Date()): Promise<number> {
  return deleteEndedSessions(db, now, new Date(now.getTime() - SESSION_IDLE_TIMEOUT_MS));
}

/** What the signed-in staff member may know about their own session: district, roles, grants. */
export async function getSessionDetails(db: Kysely<DB>, principal: StaffPrincipal): Promise<SessionDetails> {
  const schoolIds = [
    ...new Set(principal.grants.flatMap((grant) => (grant.schoolId ? [grant.schoolId] : []))),
  ];
  const [district, schools] = await Promise.all([
    getDistrictName(db, principal.districtId),
    findSchoolNames(db, principal.districtId, schoolIds),
  ]);
  return {
    district,
    displayName: principal.displayName,
    roles: principal.roles,
    grants: principal.grants.map((grant) => ({
      ...grant,
      schoolName: grant.schoolId ? (schools.get(grant.schoolId) ?? null) : null,
    })),
  };
}
