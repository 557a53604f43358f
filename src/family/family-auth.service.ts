/**
 * Families sign in without a password (docs/decisions/0011): they give a phone number or an
 * email, we send a six-digit code to it if — and only if — it is on file for a guardian who may
 * use the portal, and they type the code back. Nothing in the answers, the timing of the
 * database work or the rate limits tells anyone whether an address is on file: a row is written
 * for every request, and only the message differs, which the asker never sees.
 *
 * Limits, all counted in the database so every server process shares them:
 * - a code lives CODE_TTL_MS and allows CODE_MAX_GUESSES guesses, then is dead;
 * - an address gets at most CODES_PER_ADDRESS_WINDOW codes per CODE_WINDOW_MS and
 *   CODES_PER_ADDRESS_DAY per day (so at most 50 guesses a day at a one-in-a-million code);
 * - one client address may ask for at most CODES_PER_IP_HOUR codes an hour (flooding).
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { type Kysely, sql, type Transaction } from 'kysely';
import { renderTemplate } from '../messaging/content/templates.ts';
import { enqueueMessage } from '../messaging/outbox.ts';
import type { DB } from '../platform/db/types.ts';
import { AppError } from '../platform/errors.ts';
import type { JobSender } from '../platform/jobs/job.ts';
import { normalisePhone } from '../platform/phone.ts';
import { portalLink } from './portal-rights.ts';

export { portalLink } from './portal-rights.ts';

export const CODE_TTL_MS = 10 * 60_000;
export const CODE_MAX_GUESSES = 5;
export const CODE_WINDOW_MS = 15 * 60_000;
export const CODES_PER_ADDRESS_WINDOW = 3;
export const CODES_PER_ADDRESS_DAY = 10;
export const CODES_PER_IP_HOUR = 30;
/** "Keep me signed in" on a family's own phone: 90 days, renewed while used at least monthly. */
export const REMEMBERED_SESSION_MS = 90 * 24 * 60 * 60_000;
export const REMEMBERED_IDLE_MS = 30 * 24 * 60 * 60_000;
/** A shared or borrowed device: the browser session, at most 12 hours, 2 hours idle. */
export const SHORT_SESSION_MS = 12 * 60 * 60_000;
export const SHORT_IDLE_MS = 2 * 60 * 60_000;
const TOUCH_INTERVAL_MS = 60_000;

/** The message template key of sign-in codes: staff views never show these bodies. */
export const SIGN_IN_TEMPLATE = 'sign_in_code';
/** What a sign-in code message's body becomes once the code is used. */
export const REDACTED_CODE_BODY = '[sign-in code, used]';

const TOKEN_PATTERN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

export type AddressKind = 'phone' | 'email';

export interface FamilyAddress {
  readonly kind: AddressKind;
  readonly address: string;
}

/** A phone number (US formats or E.164) or an email, normalised; INVALID_INPUT otherwise. */
export function parseFamilyAddress(input: string): FamilyAddress {
  const trimmed = input.trim();
  if (trimmed.includes('@')) {
    const email = trimmed.toLowerCase();
    if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email) && email.length <= 320)
      return { kind: 'email', address: email };
  } else {
    const phone = normalisePhone(trimmed);
    if (phone) return { kind: 'phone', address: phone };
  }
  throw new AppError('INVALID_INPUT', {
    message: 'Enter a mobile phone number (like 555-010-2030) or an email address.',
    userMessageKey: 'signIn.error.address',
    details: { fields: [{ field: 'body.address', message: 'is not a phone number or an email address' }] },
  });
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function cleanIp(ip: string | null | undefined): string | null {
  return ip && isIP(ip) !== 0 ? ip : null;
}

export interface GuardianContact {
  readonly contactId: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly preferredLanguage: string;
  readonly readsText: boolean;
  readonly canReceiveSms: boolean;
}

/**
 * The guardians in a district who hold this address and may use the portal for at least one
 * child: the link allows the portal, carries educational rights, and is not an emergency
 * contact only.
 */
export async function guardiansWithAddress(
  db: Kysely<DB> | Transaction<DB>,
  districtId: string,
  address: FamilyAddress,
): Promise<GuardianContact[]> {
  const holds =
    address.kind === 'phone'
      ? sql`EXISTS (SELECT 1 FROM contact_phones p WHERE p.district_id = c.district_id AND p.contact_id = c.contact_id
          AND p.phone_e164 = ${address.address})`
      : sql`EXISTS (SELECT 1 FROM contact_emails e WHERE e.district_id = c.district_id AND e.contact_id = c.contact_id
          AND lower(e.email) = ${address.address})`;
  const canSms =
    address.kind === 'phone'
      ? sql`coalesce((SELECT bool_or(p.can_receive_sms) FROM contact_phones p WHERE p.district_id = c.district_id
          AND p.contact_id = c.contact_id AND p.phone_e164 = ${address.address}), false)`
      : sql`false`;
  const { rows } = await sql<{
    contact_id: string;
    first_name: string;
    last_name: string;
    preferred_language: string;
    reads_text: boolean;
    can_sms: boolean;
  }>`
    SELECT c.contact_id, c.first_name, c.last_name, c.preferred_language, c.reads_text, ${canSms} AS can_sms
    FROM contacts c
    WHERE c.district_id = ${districtId} AND ${holds}
      AND EXISTS (SELECT 1 FROM student_contacts sc WHERE sc.district_id = c.district_id AND sc.contact_id = c.contact_id
        AND ${portalLink(sql.ref('sc'))})
    ORDER BY c.contact_id`.execute(db);
  return rows.map((row) => ({
    contactId: row.contact_id,
    firstName: row.first_name,
    lastName: row.last_name,
    preferredLanguage: row.preferred_language,
    readsText: row.reads_text,
    canReceiveSms: row.can_sms,
  }));
}

export interface CodeRequest {
  readonly districtId: string;
  readonly districtName: string;
  readonly address: FamilyAddress;
  readonly ip?: string | null | undefined;
  /** The language of the page the family used; the code is sent in it when the guardian has none. */
  readonly language?: string | undefined;
}

async function refuseIfFlooded(
  trx: Transaction<DB>,
  request: CodeRequest,
  ip: string | null,
  now: Date,
): Promise<void> {
  const { rows } = await sql<{
    window: number;
    day: number;
    oldest_window: Date | null;
    oldest_day: Date | null;
  }>`
    SELECT count(*) FILTER (WHERE created_at > ${new Date(now.getTime() - CODE_WINDOW_MS)})::int AS window,
      count(*)::int AS day,
      min(created_at) FILTER (WHERE created_at > ${new Date(now.getTime() - CODE_WINDOW_MS)}) AS oldest_window,
      min(created_at) AS oldest_day
    FROM family_sign_in_codes
    WHERE district_id = ${request.districtId} AND address = ${request.address.address}
      AND created_at > ${new Date(now.getTime() - 24 * 60 * 60_000)}`.execute(trx);
  const counts = rows[0];
  const retryAfter = (oldest: Date | null, windowMs: number) =>
    Math.max(1, Math.ceil(((oldest ?? now).getTime() + windowMs - now.getTime()) / 1000));
  if (counts && counts.window >= CODES_PER_ADDRESS_WINDOW) {
    throw rateLimited(retryAfter(counts.oldest_window, CODE_WINDOW_MS));
  }
  if (counts && counts.day >= CODES_PER_ADDRESS_DAY) {
    throw rateLimited(retryAfter(counts.oldest_day, 24 * 60 * 60_000));
  }
  if (ip) {
    const perIp = await sql<{ n: number; oldest: Date | null }>`
      SELECT count(*)::int AS n, min(created_at) AS oldest FROM family_sign_in_codes
      WHERE ip = ${ip}::inet AND created_at > ${new Date(now.getTime() - 60 * 60_000)}`.execute(trx);
    const row = perIp.rows[0];
    if (row && row.n >= CODES_PER_IP_HOUR) throw rateLimited(retryAfter(row.oldest, 60 * 60_000));
  }
}

function rateLimited(retryAfterSeconds: number): AppError {
  return new AppError('RATE_LIMITED', {
    message: `Too many codes were asked for: try again in ${Math.ceil(retryAfterSeconds / 60)} minutes.`,
    userMessageKey: 'signIn.error.tooMany',
    details: { retryAfterSeconds },
  });
}

/**
 * Writes a code row and, when the address is on file, sends the code to it through the outbox
 * (by voice, read digit by digit, to a guardian who does not read or a number that cannot take
 * texts). Returns the row's id, which the family's next step names; the same shape either way.
 */
export async function requestSignInCode(
  db: Kysely<DB>,
  queue: JobSender,
  request: CodeRequest,
  now = new Date(),
): Promise<{ codeId: string }> {
  const ip = cleanIp(request.ip);
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const salt = randomBytes(16).toString('hex');
  return db.transaction().execute(async (trx) => {
    // One request at a time per address, so two at once cannot both slip under the limit.
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`family-code:${request.districtId}:${request.address.address}`}, 0))`.execute(
      trx,
    );
    await refuseIfFlooded(trx, request, ip, now);
    const guardians = await guardiansWithAddress(trx, request.districtId, request.address);
    const inserted = await sql<{ code_id: string }>`
      INSERT INTO family_sign_in_codes (district_id, address_kind, address, on_file, code_hash, salt, created_at, expires_at, ip)
      VALUES (${request.districtId}, ${request.address.kind}, ${request.address.address}, ${guardians.length > 0},
        ${sha256(`${salt}:${code}`)}, ${salt}, ${now}, ${new Date(now.getTime() + CODE_TTL_MS)}, ${ip})
      RETURNING code_id`.execute(trx);
    const codeId = inserted.rows[0]?.code_id as string;
    const guardian = guardians[0];
    if (guardian) {
      const channel =
        request.address.kind === 'email'
          ? 'email'
          : guardian.readsText && guardian.canReceiveSms
            ? 'sms'
            : 'voice';
      const language = guardian.preferredLanguage || request.language || 'en';
      const values = {
        districtName: request.districtName,
        // Read out one digit at a time on a call.
        code: channel === 'voice' ? code.split('').join(', ') : code,
      };
      const body = renderTemplate(SIGN_IN_TEMPLATE, language, values);
      await enqueueMessage(trx, queue, {
        districtId: request.districtId,
        dedupeKey: `sign-in:${codeId}`,
        contactId: guardian.contactId,
        studentId: null,
        channel,
        // Sent at once, whatever the hour or the weekly budget: the family just asked for it.
        category: 'reply',
        templateKey: SIGN_IN_TEMPLATE,
        language: body.language,
        toAddress: request.address.address,
        subject:
          channel === 'email'
            ? renderTemplate(SIGN_IN_TEMPLATE, language, values, { part: 'emailSubject' }).text
            : null,
        body: body.text,
        notBefore: now,
        expiresAt: new Date(now.getTime() + CODE_TTL_MS),
      });
    }
    return { codeId };
  });
}

/** Opens a family session for a proven address, with its audit entry; returns the cookie value. */
async function openFamilySession(
  trx: Transaction<DB>,
  session: {
    readonly districtId: string;
    readonly address: FamilyAddress;
    readonly remember: boolean;
    readonly language?: string | null | undefined;
    readonly userAgent?: string | null | undefined;
    readonly ip?: string | null | undefined;
    /** How the address was proven: a typed code, or a link in an email. */
    readonly via: 'code' | 'email-link';
    readonly now: Date;
  },
): Promise<{ token: string; expiresAt: Date }> {
  const { districtId, address, now } = session;
  const secret = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + (session.remember ? REMEMBERED_SESSION_MS : SHORT_SESSION_MS));
  await sql`DELETE FROM family_sessions WHERE expires_at <= ${now}`.execute(trx);
  await sql`
    INSERT INTO family_sessions (district_id, session_id, address_kind, address, language, remember, created_at,
      last_seen_at, expires_at, user_agent)
    VALUES (${districtId}, ${sha256(secret)}, ${address.kind}, ${address.address}, ${session.language ?? null},
      ${session.remember}, ${now}, ${now}, ${expiresAt}, ${session.userAgent?.slice(0, 512) ?? null})`.execute(
    trx,
  );
  await sql`
    INSERT INTO audit_log (district_id, occurred_at, actor_type, actor_id, action, outcome, detail, ip)
    VALUES (${districtId}, ${now}, 'guardian', ${address.address}, 'family.sign-in', 'allowed',
      ${JSON.stringify({ addressKind: address.kind, remember: session.remember, via: session.via })}, ${cleanIp(session.ip)})`.execute(
    trx,
  );
  return { token: `${districtId}.${secret}`, expiresAt };
}

/** How long the sign-in link at the end of an email works (once). */
export const EMAIL_LINK_TTL_MS = 7 * 24 * 60 * 60_000;

const LINK =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export interface EmailLink {
  readonly districtId: string;
  readonly messageId: string;
  readonly language: string;
  readonly address: FamilyAddress;
}

/**
 * The email behind a sign-in link (`<message id>/<portal token>`), if the link is still good:
 * sent by email under 7 days ago, not used, and its guardian may still use the portal for the
 * child it was about. Reading it changes nothing (link scanners fetch every URL in an email).
 */
export async function findEmailLink(
  db: Kysely<DB> | Transaction<DB>,
  link: string,
  now = new Date(),
  lock = false,
): Promise<EmailLink | undefined> {
  const match = LINK.exec(link);
  if (!match?.[1] || !match[2]) return undefined;
  const { rows } = await sql<{
    district_id: string;
    message_id: string;
    language: string;
    to_address: string;
  }>`
    SELECT m.district_id, m.message_id, m.language, m.to_address FROM messages m
    WHERE m.message_id = ${match[1]} AND m.portal_token = ${match[2]} AND m.channel = 'email'
      AND m.category <> 'reply' AND m.portal_link_used_at IS NULL AND m.created_at > ${new Date(now.getTime() - EMAIL_LINK_TTL_MS)}
      AND m.status IN ('accepted', 'sent', 'delivered')
      AND EXISTS (SELECT 1 FROM student_contacts sc WHERE sc.district_id = m.district_id AND sc.student_id = m.student_id
        AND sc.contact_id = m.contact_id AND ${portalLink(sql.ref('sc'))})
    ${lock ? sql`FOR UPDATE OF m` : sql``}`.execute(db);
  const row = rows[0];
  return row
    ? {
        districtId: row.district_id,
        messageId: row.message_id,
        language: row.language,
        address: { kind: 'email', address: row.to_address.trim().toLowerCase() },
      }
    : undefined;
}

/**
 * Signs a family in by the link at the end of an email: the link is spent (it works once) and a
 * session opens for the email address it was sent to. UNAUTHENTICATED when it is not good.
 */
export async function useEmailLink(
  db: Kysely<DB>,
  attempt: {
    readonly link: string;
    readonly remember: boolean;
    readonly userAgent?: string | null | undefined;
    readonly ip?: string | null | undefined;
  },
  now = new Date(),
): Promise<SignInResult & { language: string }> {
  return db.transaction().execute(async (trx) => {
    const found = await findEmailLink(trx, attempt.link, now, true);
    if (!found) {
      throw new AppError('UNAUTHENTICATED', {
        message: 'This sign-in link has been used or has expired: ask for a code instead.',
        userMessageKey: 'signIn.linkExpired',
      });
    }
    await sql`UPDATE messages SET portal_link_used_at = ${now}
      WHERE district_id = ${found.districtId} AND message_id = ${found.messageId}`.execute(trx);
    const session = await openFamilySession(trx, {
      districtId: found.districtId,
      address: found.address,
      remember: attempt.remember,
      language: found.language,
      userAgent: attempt.userAgent,
      ip: attempt.ip,
      via: 'email-link',
      now,
    });
    return { ...session, remember: attempt.remember, language: found.language };
  });
}

export interface SignInResult {
  /** The cookie value `<district id>.<token>`; give it to the browser only. */
  readonly token: string;
  readonly remember: boolean;
  readonly expiresAt: Date;
}

const CODE_REFUSED = 'This code is not right or has expired: ask for a new one.';

/**
 * Checks a code and opens a session. A wrong guess is counted (committed) before the refusal;
 * the fifth kills the code. A used, expired or unknown code gets the same answer.
 */
export async function verifySignInCode(
  db: Kysely<DB>,
  attempt: {
    readonly districtId: string;
    readonly codeId: string;
    readonly code: string;
    readonly remember: boolean;
    readonly language?: string | undefined;
    readonly userAgent?: string | null | undefined;
    readonly ip?: string | null | undefined;
  },
  now = new Date(),
): Promise<SignInResult & { guessesLeft: number }> {
  const typed = attempt.code.replace(/\D/g, '');
  const outcome = await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{
      address_kind: AddressKind;
      address: string;
      code_hash: string;
      salt: string;
      guesses: number;
      expires_at: Date;
      used_at: Date | null;
    }>`
      SELECT address_kind, address, code_hash, salt, guesses, expires_at, used_at FROM family_sign_in_codes
      WHERE district_id = ${attempt.districtId} AND code_id = ${attempt.codeId}
      FOR UPDATE`.execute(trx);
    const row = rows[0];
    if (!row || row.used_at || row.expires_at <= now || row.guesses >= CODE_MAX_GUESSES) {
      return { ok: false as const, guessesLeft: 0 };
    }
    const guesses = row.guesses + 1;
    const matches =
      typed.length === 6 &&
      timingSafeEqual(Buffer.from(sha256(`${row.salt}:${typed}`), 'hex'), Buffer.from(row.code_hash, 'hex'));
    await sql`UPDATE family_sign_in_codes SET guesses = ${guesses}, used_at = ${matches ? now : null}
      WHERE district_id = ${attempt.districtId} AND code_id = ${attempt.codeId}`.execute(trx);
    if (!matches) return { ok: false as const, guessesLeft: CODE_MAX_GUESSES - guesses };
    // The code has done its work: staff and the database need not keep it readable.
    await sql`UPDATE messages SET body = ${REDACTED_CODE_BODY}, updated_at = now()
      WHERE district_id = ${attempt.districtId} AND dedupe_key = ${`sign-in:${attempt.codeId}`}`.execute(trx);
    const session = await openFamilySession(trx, {
      districtId: attempt.districtId,
      address: { kind: row.address_kind, address: row.address },
      remember: attempt.remember,
      language: attempt.language,
      userAgent: attempt.userAgent,
      ip: attempt.ip,
      via: 'code',
      now,
    });
    return { ok: true as const, ...session, guessesLeft: CODE_MAX_GUESSES - guesses };
  });
  if (!outcome.ok) {
    throw new AppError('UNAUTHENTICATED', {
      message:
        outcome.guessesLeft > 0
          ? `The code is not right: ${outcome.guessesLeft} more ${outcome.guessesLeft === 1 ? 'try' : 'tries'}.`
          : CODE_REFUSED,
      userMessageKey: outcome.guessesLeft > 0 ? 'signIn.error.wrongCode' : 'signIn.error.deadCode',
      details: { guessesLeft: outcome.guessesLeft },
    });
  }
  return {
    token: outcome.token,
    remember: attempt.remember,
    expiresAt: outcome.expiresAt,
    guessesLeft: outcome.guessesLeft,
  };
}

export interface FamilyPrincipal {
  readonly districtId: string;
  readonly sessionId: string;
  readonly address: FamilyAddress;
  /** The language chosen on the portal in this session, if any. */
  readonly language: string | null;
  readonly remember: boolean;
  readonly guardians: readonly GuardianContact[];
}

const SESSION_ENDED = 'Your sign-in has ended: sign in again.';

function parseToken(token: string): { districtId: string; sessionId: string } | undefined {
  const match = TOKEN_PATTERN.exec(token);
  if (!match?.[1] || !match[2]) return undefined;
  return { districtId: match[1], sessionId: sha256(match[2]) };
}

/**
 * The family behind a session cookie, read afresh on every request: the guardians holding the
 * proven address who may still use the portal. UNAUTHENTICATED when the session has ended,
 * idled out, or no guardian holds the address any more.
 */
export async function getFamilyPrincipal(
  db: Kysely<DB>,
  token: string,
  now = new Date(),
): Promise<FamilyPrincipal> {
  const parsed = parseToken(token);
  const ended = () =>
    new AppError('UNAUTHENTICATED', { message: SESSION_ENDED, userMessageKey: 'signIn.error.ended' });
  if (!parsed) throw ended();
  const { rows } = await sql<{
    address_kind: AddressKind;
    address: string;
    language: string | null;
    remember: boolean;
    last_seen_at: Date;
    expires_at: Date;
  }>`
    SELECT address_kind, address, language, remember, last_seen_at, expires_at FROM family_sessions
    WHERE district_id = ${parsed.districtId} AND session_id = ${parsed.sessionId}`.execute(db);
  const session = rows[0];
  const idle = session?.remember ? REMEMBERED_IDLE_MS : SHORT_IDLE_MS;
  if (!session || session.expires_at <= now || session.last_seen_at.getTime() + idle <= now.getTime()) {
    if (session) await endFamilySession(db, token);
    throw ended();
  }
  const address = { kind: session.address_kind, address: session.address };
  const guardians = await guardiansWithAddress(db, parsed.districtId, address);
  if (guardians.length === 0) {
    await endFamilySession(db, token);
    throw ended();
  }
  if (now.getTime() - session.last_seen_at.getTime() >= TOUCH_INTERVAL_MS) {
    await sql`UPDATE family_sessions SET last_seen_at = ${now}
      WHERE district_id = ${parsed.districtId} AND session_id = ${parsed.sessionId}`.execute(db);
  }
  return {
    districtId: parsed.districtId,
    sessionId: parsed.sessionId,
    address,
    language: session.language,
    remember: session.remember,
    guardians,
  };
}

/** Ends the session behind this cookie value (signing out); unknown values are ignored. */
export async function endFamilySession(db: Kysely<DB>, token: string): Promise<void> {
  const parsed = parseToken(token);
  if (!parsed) return;
  await sql`DELETE FROM family_sessions WHERE district_id = ${parsed.districtId} AND session_id = ${parsed.sessionId}`.execute(
    db,
  );
}

/** Remembers the language a family chose on the portal for the rest of this session. */
export async function setSessionLanguage(
  db: Kysely<DB> | Transaction<DB>,
  principal: FamilyPrincipal,
  language: string,
): Promise<void> {
  await sql`UPDATE family_sessions SET language = ${language}
    WHERE district_id = ${principal.districtId} AND session_id = ${principal.sessionId}`.execute(db);
}
