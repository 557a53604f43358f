/**
 * Signing in, session lifetimes and signing out, on the engine under test (PGlite, or
 * PostgreSQL with TEST_DATABASE_URL).
 */
import { createHash } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testEngine } from '../../test/support/database.ts';
import { AppError } from '../platform/errors.ts';
import {
  deleteEndedStaffSessions,
  endStaffSessions,
  getSessionDetails,
  getSessionPrincipal,
  SESSION_ABSOLUTE_TIMEOUT_MS,
  SESSION_IDLE_TIMEOUT_MS,
  signIn,
  signOut,
} from './session.service.ts';
import type { StaffGrant } from './staff-principal.ts';

const PASSWORD = 'correct horse battery staple';
const MINUTE = 60_000;

let database: TestDatabase;
let north: { districtId: string; schoolId: string };
let south: { districtId: string; schoolId: string };
let passwordHash: string;

async function createDistrict(slug: string): Promise<{ districtId: string; schoolId: string }> {
  const district = await database.db
    .insertInto('districts')
    .values({ slug, name: `${slug} district` })
    .returning('district_id')
    .executeTakeFirstOrThrow();
  const school = await database.db
    .insertInto('schools')
    .values({
      district_id: district.district_id,
      name: `${slug} high`,
      school_type: 'high',
      grade_low: '09',
      grade_high: '12',
    })
    .returning('school_id')
    .executeTakeFirstOrThrow();
  return { districtId: district.district_id, schoolId: school.school_id };
}

async function createStaff(
  districtId: string,
  email: string,
  options: { active?: boolean; grants?: StaffGrant[]; passwordHash?: string | null } = {},
): Promise<string> {
  const user = await database.db
    .insertInto('staff_users')
    .values({
      district_id: districtId,
      email,
      display_name: `Staff ${email}`,
      password_hash: options.passwordHash === undefined ? passwordHash : options.passwordHash,
      is_active: options.active ?? true,
    })
    .returning('user_id')
    .executeTakeFirstOrThrow();
  const grants = options.grants ?? [{ role: 'teacher', scope: 'district', schoolId: null }];
  for (const grant of grants) {
    await database.db
      .insertInto('staff_role_grants')
      .values({
        district_id: districtId,
        user_id: user.user_id,
        role: grant.role,
        scope: grant.scope,
        school_id: grant.schoolId,
      })
      .execute();
  }
  return user.user_id;
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

async function auditOf(email: string) {
  const rows = await database.db
    .selectFrom('audit_log')
    .select(['district_id', 'actor_type', 'actor_id', 'actor_role', 'action', 'outcome', 'detail', 'ip'])
    .where('action', 'in', ['staff.sign-in', 'staff.sign-out'])
    .orderBy('audit_id')
    .execute();
  return rows.filter(
    (row) => (row.detail as unknown as { email?: string }).email === email || row.action === 'staff.sign-out',
  );
}

beforeAll(async () => {
  database = await createTestDatabase();
  passwordHash = await hash(PASSWORD);
  north = await createDistrict('north');
  south = await createDistrict('south');
});

afterAll(async () => {
  await database?.close();
});

describe(`signing in on ${testEngine()}`, () => {
  it('opens a session for the right password, keeping only a hash of the token', async () => {
    const userId = await createStaff(north.districtId, 'Ada.Lovelace@north.example.org', {
      grants: [
        { role: 'teacher', scope: 'section', schoolId: north.schoolId },
        { role: 'counselor', scope: 'caseload', schoolId: north.schoolId },
      ],
    });
    const now = new Date('2027-01-11T13:00:00Z');
    const signedIn = await signIn(
      database.db,
      {
        email: '  ada.lovelace@NORTH.example.org ',
        password: PASSWORD,
        ip: '203.0.113.9',
        userAgent: 'Firefox',
      },
      now,
    );
    expect(signedIn.principal).toEqual({
      districtId: north.districtId,
      userId,
      displayName: 'Staff Ada.Lovelace@north.example.org',
      roles: ['counselor', 'teacher'],
      grants: [
        { role: 'counselor', scope: 'caseload', schoolId: north.schoolId },
        { role: 'teacher', scope: 'section', schoolId: north.schoolId },
      ],
    });
    expect(signedIn.expiresAt).toEqual(new Date(now.getTime() + SESSION_ABSOLUTE_TIMEOUT_MS));
    const [districtPart, secret] = signedIn.token.split('.');
    expect(districtPart).toBe(north.districtId);
    expect(Buffer.from(secret as string, 'base64url')).toHaveLength(32);

    const session = await database.db
      .selectFrom('staff_sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    expect(session.session_id).toBe(
      createHash('sha256')
        .update(secret as string)
        .digest('hex'),
    );
    expect(session.session_id).not.toContain(secret as string);
    expect(session).toMatchObject({ ip: '203.0.113.9', user_agent: 'Firefox' });
    expect(new Date(session.expires_at)).toEqual(signedIn.expiresAt);

    const principal = await getSessionPrincipal(
      database.db,
      signedIn.token,
      new Date(now.getTime() + MINUTE),
    );
    expect(principal).toEqual(signedIn.principal);
  });

  it('gives the same answer for an unknown email and a wrong password, and audits both without the password', async () => {
    await createStaff(north.districtId, 'grace@north.example.org');
    const unknown = await refusal(
      signIn(database.db, { email: 'nobody@north.example.org', password: PASSWORD, district: 'north' }),
    );
    const wrong = await refusal(signIn(database.db, { email: 'grace@north.example.org', password: 'guess' }));
    expect(unknown.code).toBe('UNAUTHENTICATED');
    expect(unknown.status).toBe(401);
    expect({ code: wrong.code, message: wrong.message, details: wrong.details }).toEqual({
      code: unknown.code,
      message: unknown.message,
      details: unknown.details,
    });

    const rows = await database.db
      .selectFrom('audit_log')
      .select(['actor_type', 'actor_id', 'outcome', 'detail', 'district_id'])
      .where('action', '=', 'staff.sign-in')
      .where('outcome', '=', 'denied')
      .execute();
    const details = rows.map((row) => row.detail as unknown as { email: string; reason: string });
    expect(details).toContainEqual({ email: 'nobody@north.example.org', reason: 'unknown-email' });
    expect(details).toContainEqual({ email: 'grace@north.example.org', reason: 'wrong-password' });
    expect(rows.every((row) => row.actor_type === 'staff' && row.district_id === north.districtId)).toBe(
      true,
    );
    expect(JSON.stringify(rows)).not.toContain('guess');
    expect(JSON.stringify(rows)).not.toContain(PASSWORD);
  });

  it('records a successful sign-in in the audit log', async () => {
    const userId = await createStaff(north.districtId, 'audited@north.example.org');
    await signIn(database.db, { email: 'audited@north.example.org', password: PASSWORD, ip: '198.51.100.7' });
    const rows = await auditOf('audited@north.example.org');
    expect(rows.filter((row) => row.action === 'staff.sign-in')).toEqual([
      {
        district_id: north.districtId,
        actor_type: 'staff',
        actor_id: userId,
        actor_role: 'teacher',
        action: 'staff.sign-in',
        outcome: 'allowed',
        detail: { email: 'audited@north.example.org' },
        ip: '198.51.100.7',
      },
    ]);
  });

  it('refuses a disabled account, an account without a password and one without a role, with the same answer', async () => {
    await createStaff(north.districtId, 'left@north.example.org', { active: false });
    await createStaff(north.districtId, 'sso@north.example.org', { passwordHash: null });
    await createStaff(north.districtId, 'new@north.example.org', { grants: [] });
    const generic = await refusal(
      signIn(database.db, { email: 'nobody@north.example.org', password: PASSWORD }),
    );
    for (const email of ['left@north.example.org', 'sso@north.example.org', 'new@north.example.org']) {
      const error = await refusal(signIn(database.db, { email, password: PASSWORD }));
      expect({ code: error.code, message: error.message }).toEqual({
        code: generic.code,
        message: generic.message,
      });
    }
    const reasons = (
      await database.db
        .selectFrom('audit_log')
        .select('detail')
        .where('action', '=', 'staff.sign-in')
        .where('outcome', '=', 'denied')
        .execute()
    ).map((row) => row.detail as unknown as { email: string; reason: string });
    expect(reasons).toContainEqual({ email: 'left@north.example.org', reason: 'inactive' });
    expect(reasons).toContainEqual({ email: 'sso@north.example.org', reason: 'no-password' });
    expect(reasons).toContainEqual({ email: 'new@north.example.org', reason: 'no-role' });
  });

  it('asks for the district when the email has accounts in several, and signs in to the one named', async () => {
    const northId = await createStaff(north.districtId, 'shared@example.org');
    const southId = await createStaff(south.districtId, 'Shared@Example.org');
    const ambiguous = await refusal(signIn(database.db, { email: 'shared@example.org', password: PASSWORD }));
    expect(ambiguous.code).toBe('INVALID_INPUT');
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.message).toContain('several districts (north, south)');
    expect(ambiguous.message).toContain('"district"');

    const wrong = await refusal(signIn(database.db, { email: 'shared@example.org', password: 'nope' }));
    expect(wrong.code).toBe('UNAUTHENTICATED');

    const inSouth = await signIn(database.db, {
      email: 'shared@example.org',
      password: PASSWORD,
      district: 'south',
    });
    expect(inSouth.principal).toMatchObject({ districtId: south.districtId, userId: southId });
    const inNorth = await signIn(database.db, {
      email: 'shared@example.org',
      password: PASSWORD,
      district: 'north',
    });
    expect(inNorth.principal).toMatchObject({ districtId: north.districtId, userId: northId });
    const noSuchDistrict = await refusal(
      signIn(database.db, { email: 'shared@example.org', password: PASSWORD, district: 'atlantis' }),
    );
    expect(noSuchDistrict.code).toBe('UNAUTHENTICATED');
  });
});

describe(`sessions on ${testEngine()}`, () => {
  const start = new Date('2027-02-01T14:00:00Z');
  const at = (minutes: number) => new Date(start.getTime() + minutes * MINUTE);

  it('ends a session left idle for 30 minutes, and deletes it', async () => {
    await createStaff(north.districtId, 'idle@north.example.org');
    const { token } = await signIn(
      database.db,
      { email: 'idle@north.example.org', password: PASSWORD },
      start,
    );
    await expect(getSessionPrincipal(database.db, token, at(29))).resolves.toBeDefined();
    // Activity at minute 29 moved the idle clock: 30 minutes after it, the session ends.
    await expect(getSessionPrincipal(database.db, token, at(58))).resolves.toBeDefined();
    const error = await refusal(
      getSessionPrincipal(database.db, token, at(58 + SESSION_IDLE_TIMEOUT_MS / MINUTE)),
    );
    expect(error.code).toBe('UNAUTHENTICATED');
    // Deleted: even a request "back in time" is refused now.
    expect((await refusal(getSessionPrincipal(database.db, token, at(59)))).code).toBe('UNAUTHENTICATED');
  });

  it('ends a session 12 hours after sign-in however active it is', async () => {
    await createStaff(north.districtId, 'busy@north.example.org');
    const { token } = await signIn(
      database.db,
      { email: 'busy@north.example.org', password: PASSWORD },
      start,
    );
    for (let minute = 20; minute < 12 * 60; minute += 20) {
      await getSessionPrincipal(database.db, token, at(minute));
    }
    const error = await refusal(getSessionPrincipal(database.db, token, at(12 * 60)));
    expect(error.code).toBe('UNAUTHENTICATED');
  });

  it('writes last_seen_at at most once a minute', async () => {
    const userId = await createStaff(north.districtId, 'touch@north.example.org');
    const { token } = await signIn(
      database.db,
      { email: 'touch@north.example.org', password: PASSWORD },
      start,
    );
    const lastSeen = async () =>
      (
        await database.db
          .selectFrom('staff_sessions')
          .select('last_seen_at')
          .where('user_id', '=', userId)
          .executeTakeFirstOrThrow()
      ).last_seen_at;
    await getSessionPrincipal(database.db, token, new Date(start.getTime() + 59_000));
    expect(new Date(await lastSeen())).toEqual(start);
    await getSessionPrincipal(database.db, token, new Date(start.getTime() + 61_000));
    expect(new Date(await lastSeen())).toEqual(new Date(start.getTime() + 61_000));
  });

  it('stops the sessions of an account as soon as it is disabled', async () => {
    const userId = await createStaff(north.districtId, 'disabled@north.example.org');
    const first = await signIn(database.db, { email: 'disabled@north.example.org', password: PASSWORD });
    const second = await signIn(database.db, { email: 'disabled@north.example.org', password: PASSWORD });
    await database.db
      .updateTable('staff_users')
      .set({ is_active: false })
      .where('user_id', '=', userId)
      .execute();
    for (const { token } of [first, second]) {
      expect((await refusal(getSessionPrincipal(database.db, token))).code).toBe('UNAUTHENTICATED');
    }
  });

  it('sees a role taken away on the next request', async () => {
    const userId = await createStaff(north.districtId, 'demoted@north.example.org', {
      grants: [
        { role: 'school_admin', scope: 'school', schoolId: north.schoolId },
        { role: 'teacher', scope: 'section', schoolId: north.schoolId },
      ],
    });
    const { token } = await signIn(database.db, { email: 'demoted@north.example.org', password: PASSWORD });
    await database.db
      .deleteFrom('staff_role_grants')
      .where('user_id', '=', userId)
      .where('role', '=', 'school_admin')
      .execute();
    expect((await getSessionPrincipal(database.db, token)).roles).toEqual(['teacher']);
  });

  it('ends a session at sign-out and records it', async () => {
    const userId = await createStaff(north.districtId, 'bye@north.example.org');
    const { token } = await signIn(database.db, { email: 'bye@north.example.org', password: PASSWORD });
    await signOut(database.db, token, { ip: '192.0.2.1' });
    expect((await refusal(getSessionPrincipal(database.db, token))).code).toBe('UNAUTHENTICATED');
    const rows = await database.db
      .selectFrom('audit_log')
      .select(['outcome', 'ip'])
      .where('action', '=', 'staff.sign-out')
      .where('actor_id', '=', userId)
      .execute();
    expect(rows).toEqual([{ outcome: 'allowed', ip: '192.0.2.1' }]);
    await expect(signOut(database.db, token)).resolves.toBeUndefined();
  });

  it('ends every session of a staff member at once', async () => {
    const userId = await createStaff(north.districtId, 'all@north.example.org');
    const tokens = [
      (await signIn(database.db, { email: 'all@north.example.org', password: PASSWORD })).token,
      (await signIn(database.db, { email: 'all@north.example.org', password: PASSWORD })).token,
    ];
    expect(await endStaffSessions(database.db, north.districtId, userId)).toBe(2);
    for (const token of tokens) {
      expect((await refusal(getSessionPrincipal(database.db, token))).code).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses malformed, forged and cross-district tokens', async () => {
    await createStaff(north.districtId, 'forged@north.example.org');
    const { token } = await signIn(database.db, { email: 'forged@north.example.org', password: PASSWORD });
    const secret = token.split('.')[1] as string;
    for (const bad of [
      '',
      'nonsense',
      secret,
      `${north.districtId}.${'A'.repeat(43)}`,
      `${south.districtId}.${secret}`,
      `${north.districtId}.${secret}x`,
      `${north.districtId.toUpperCase()}.${secret}`,
    ]) {
      expect((await refusal(getSessionPrincipal(database.db, bad))).code).toBe('UNAUTHENTICATED');
    }
    await expect(getSessionPrincipal(database.db, token)).resolves.toBeDefined();
  });

  it('cleans up ended sessions', async () => {
    await createStaff(north.districtId, 'old@north.example.org');
    await signIn(
      database.db,
      { email: 'old@north.example.org', password: PASSWORD },
      new Date('2020-01-01T00:00:00Z'),
    );
    expect(await deleteEndedStaffSessions(database.db)).toBeGreaterThanOrEqual(1);
    const left = await database.db
      .selectFrom('staff_sessions')
      .select('session_id')
      .where('expires_at', '<', new Date())
      .execute();
    expect(left).toEqual([]);
  });

  it('describes the session: district, roles and grants with school names', async () => {
    await createStaff(south.districtId, 'principal@south.example.org', {
      grants: [{ role: 'school_admin', scope: 'school', schoolId: south.schoolId }],
    });
    const { principal } = await signIn(database.db, {
      email: 'principal@south.example.org',
      password: PASSWORD,
    });
    expect(await getSessionDetails(database.db, principal)).toEqual({
      district: { slug: 'south', name: 'south district' },
      displayName: 'Staff principal@south.example.org',
      roles: ['school_admin'],
      grants: [{ role: 'school_admin', scope: 'school', schoolId: south.schoolId, schoolName: 'south high' }],
    });
  });
});
