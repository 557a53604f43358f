/**
 * The district's attendance policy, and families signing it electronically. The school
 * publishes versions (each a new row); a family reads the current one in their language (or in
 * English, told so, when it has no translation) and signs by typing their name and ticking that
 * they have read it. The signature keeps the version, the language and the SHA-256 of the exact
 * text shown, the time, the client address and the browser. Signing again changes nothing.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import { AppError } from '../platform/errors.ts';
import type { StaffPrincipal } from '../staff/staff-principal.ts';
import type { FamilyPrincipal } from './family-auth.service.ts';
import { portalLink } from './portal-rights.ts';

export interface PolicyText {
  readonly version: number;
  readonly title: string;
  readonly body: string;
  /** The language the text is in: the reader's, or 'en' when it has no translation. */
  readonly language: string;
  readonly translated: boolean;
  readonly sha256: string;
}

function digest(title: string, body: string): string {
  return createHash('sha256').update(`${title}\n\n${body}`).digest('hex');
}

/** The current policy in the reader's language (English when it has none), or null when none is published. */
export async function currentPolicy(
  db: Kysely<DB>,
  districtId: string,
  language: string,
): Promise<PolicyText | null> {
  const { rows } = await sql<{
    version: number;
    title: string;
    body: string;
    translations: Record<string, { title?: string; body?: string }>;
  }>`
    SELECT version, title, body, translations FROM attendance_policies WHERE district_id = ${districtId}
    ORDER BY version DESC LIMIT 1`.execute(db);
  const row = rows[0];
  if (!row) return null;
  const own = language === 'en' ? undefined : row.translations[language];
  const translated = language === 'en' || Boolean(own?.title && own.body);
  const title = own?.title && own.body ? own.title : row.title;
  const body = own?.title && own.body ? own.body : row.body;
  return {
    version: row.version,
    title,
    body,
    language: translated ? language : 'en',
    translated,
    sha256: digest(title, body),
  };
}

/** Who of the signed-in guardians signed this version, and when. */
export async function signaturesOf(
  db: Kysely<DB>,
  principal: FamilyPrincipal,
  version: number,
): Promise<{ contactId: string; signedName: string; signedAt: Date }[]> {
  const { rows } = await sql<{ contact_id: string; signed_name: string; signed_at: Date }>`
    SELECT contact_id, signed_name, signed_at FROM policy_acknowledgements
    WHERE district_id = ${principal.districtId} AND version = ${version}
      AND contact_id IN (${sql.join(principal.guardians.map((g) => sql`${g.contactId}::uuid`))})
    ORDER BY signed_at`.execute(db);
  return rows.map((row) => ({
    contactId: row.contact_id,
    signedName: row.signed_name,
    signedAt: row.signed_at,
  }));
}

function invalid(field: string, message: string, userMessageKey: string): AppError {
  return new AppError('INVALID_INPUT', {
    message,
    userMessageKey,
    details: { fields: [{ field, message }] },
  });
}

/**
 * A guardian signs the version they read. INVALID_INPUT when they did not tick that they read
 * it or did not type a name; CONFLICT when a newer version was published while they read.
 */
export async function signPolicy(
  db: Kysely<DB>,
  principal: FamilyPrincipal,
  signature: {
    readonly version: number;
    readonly contactId: string;
    readonly signedName: string;
    readonly agreed: boolean;
    readonly language: string;
    readonly ip?: string | null | undefined;
    readonly userAgent?: string | null | undefined;
  },
): Promise<{ created: boolean }> {
  const guardian = principal.guardians.find((g) => g.contactId === signature.contactId);
  if (!guardian)
    throw invalid('body.contactId', 'is not one of the signed-in guardians', 'policy.error.name');
  if (!signature.agreed) throw invalid('body.agree', 'must be ticked', 'policy.error.agree');
  const name = signature.signedName.trim().replace(/\s+/g, ' ');
  if (name.length < 2 || name.length > 200)
    throw invalid('body.signedName', 'must be a full name', 'policy.error.name');
  const policy = await currentPolicy(db, principal.districtId, signature.language);
  if (!policy || policy.version !== signature.version) {
    throw new AppError('CONFLICT', {
      message: 'A newer version of the policy was published: read it again.',
      userMessageKey: 'policy.error.changed',
    });
  }
  const ip = signature.ip && isIP(signature.ip) !== 0 ? signature.ip : null;
  return db.transaction().execute(async (trx) => {
    const result = await sql`
      INSERT INTO policy_acknowledgements (district_id, version, contact_id, signed_name, language, text_sha256, ip, user_agent)
      VALUES (${principal.districtId}, ${policy.version}, ${guardian.contactId}, ${name}, ${policy.language},
        ${policy.sha256}, ${ip}, ${signature.userAgent?.slice(0, 512) ?? null})
      ON CONFLICT DO NOTHING`.execute(trx);
    const created = Number(result.numAffectedRows ?? 0) > 0;
    if (created) {
      await sql`
        INSERT INTO audit_log (district_id, actor_type, actor_id, action, target_type, target_id, outcome, detail, ip)
        VALUES (${principal.districtId}, 'guardian', ${guardian.contactId}, 'family.sign-policy', 'attendance_policy',
          ${String(policy.version)}, 'allowed', ${JSON.stringify({ signedName: name, language: policy.language, sha256: policy.sha256 })}, ${ip})`.execute(
        trx,
      );
    }
    return { created };
  });
}

/** Publishes a new version of the policy (the previous ones, and their signatures, stay). */
export async function publishPolicy(
  db: Kysely<DB>,
  principal: StaffPrincipal,
  policy: {
    readonly title: string;
    readonly body: string;
    readonly translations?: Record<string, { title: string; body: string }>;
  },
): Promise<{ version: number }> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`policy:${principal.districtId}`}, 0))`.execute(
      trx,
    );
    const { rows } = await sql<{ version: number }>`
      INSERT INTO attendance_policies (district_id, version, title, body, translations, published_by)
      SELECT ${principal.districtId}, coalesce(max(version), 0) + 1, ${policy.title.trim()}, ${policy.body.trim()},
        ${JSON.stringify(policy.translations ?? {})}, ${principal.userId}
      FROM attendance_policies WHERE district_id = ${principal.districtId}
      RETURNING version`.execute(trx);
    return { version: rows[0]?.version as number };
  });
}

/** How many of the portal guardians of the students the reader may see signed the current version. */
export async function policySignatures(
  db: Kysely<DB>,
  districtId: string,
  visible: (studentId: RawBuilder<unknown>) => RawBuilder<unknown>,
) {
  const policy = await currentPolicy(db, districtId, 'en');
  if (!policy) return { version: null, guardians: 0, signed: 0, recent: [] };
  const { rows } = await sql<{ guardians: number; signed: number }>`
    SELECT count(DISTINCT sc.contact_id)::int AS guardians,
      count(DISTINCT a.contact_id)::int AS signed
    FROM student_contacts sc
    LEFT JOIN policy_acknowledgements a ON a.district_id = sc.district_id AND a.contact_id = sc.contact_id
      AND a.version = ${policy.version}
    WHERE sc.district_id = ${districtId} AND ${portalLink(sql.ref('sc'))} AND ${visible(sql.ref('sc.student_id'))}`.execute(
    db,
  );
  const recent = await sql<{ contact_id: string; signed_name: string; signed_at: Date; language: string }>`
    SELECT a.contact_id, a.signed_name, a.signed_at, a.language FROM policy_acknowledgements a
    WHERE a.district_id = ${districtId} AND a.version = ${policy.version}
      AND EXISTS (SELECT 1 FROM student_contacts sc WHERE sc.district_id = a.district_id AND sc.contact_id = a.contact_id
        AND ${visible(sql.ref('sc.student_id'))})
    ORDER BY a.signed_at DESC LIMIT 50`.execute(db);
  return {
    version: policy.version,
    guardians: rows[0]?.guardians ?? 0,
    signed: rows[0]?.signed ?? 0,
    recent: recent.rows.map((row) => ({
      contactId: row.contact_id,
      signedName: row.signed_name,
      signedAt: row.signed_at,
      language: row.language,
    })),
  };
}
