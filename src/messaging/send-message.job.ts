/**
 * The job that sends one outbox message, exactly once where the provider lets us know, and
 * never lost (docs/decisions/0009). pg-boss delivers the job at least once, so the handler
 * re-reads the message and its send ledger every time:
 *
 * 1. a finished message (accepted or later, failed, suppressed) is left alone;
 * 2. an open attempt (one whose provider call has no recorded answer) is reconciled first —
 *    the provider is asked whether it has the message — and only an attempt the provider
 *    does not have is followed by a new one;
 * 3. consent and routing are checked just before the call: an opted-out contact is never sent
 *    to, nor one whose link to the student no longer takes that kind of message;
 * 4. an `attempting` row is committed before the call, and at most one attempt may be open,
 *    so two runs of the same job cannot both call the provider;
 * 5. the answer decides: accepted (done; callbacks report delivery), retryable (a new job at
 *    the provider's Retry-After or an exponential backoff with jitter), permanent (failed,
 *    flagged for staff) or uncertain (reconciled later, never blindly re-sent).
 *
 * Retries are scheduled as new jobs in the same transaction as the ledger update, so the
 * delay can honour Retry-After; pg-boss's own retries remain for errors of our own (the
 * database going away), which rerun the same idempotent steps.
 */
import { Type } from '@sinclair/typebox';
import { type Kysely, sql, type Transaction } from 'kysely';
import { portalLink } from '../family/portal-rights.ts';
import type { DB } from '../platform/db/types.ts';
import {
  defineJob,
  type JobContext,
  type JobDefinition,
  type JobSender,
  UuidString,
} from '../platform/jobs/job.ts';
import { speechLanguageOf } from './content/languages.ts';
import { renderTemplate } from './content/templates.ts';
import { recordStatusEvent } from './delivery-status.ts';
import type { Channel, OutboundMessage, ProviderRegistry, SendOutcome } from './providers/provider.ts';

export const SEND_MESSAGE = 'messaging.send-message';

export interface SendPolicy {
  /** Provider calls per message before it is given up (and put on the staff list). */
  readonly maxAttempts: number;
  /** First retry delay; doubles with each attempt, with ±50% jitter, at most an hour. */
  readonly retryBaseMs: number;
  /** How long after an unclear outcome the provider is asked whether it has the message. */
  readonly reconcileDelayMs: number;
  /** An attempt younger than this may still be in another worker's hands: wait for it. */
  readonly inFlightGraceMs: number;
  /** An SMS whose outcome stays unknown this long is given to staff rather than re-sent. */
  readonly giveUpUnknownAfterMs: number;
}

export const DEFAULT_SEND_POLICY: SendPolicy = {
  maxAttempts: 8,
  retryBaseMs: 30_000,
  reconcileDelayMs: 30_000,
  inFlightGraceMs: 120_000,
  giveUpUnknownAfterMs: 6 * 3_600_000,
};

export interface SendMessageDependencies {
  readonly providers: ProviderRegistry;
  readonly publicUrl: string;
  /** EMAIL_REPLY_DOMAIN: emails carry Reply-To reply+<message id>@ this domain. */
  readonly replyDomain?: string | undefined;
  readonly policy?: Partial<SendPolicy>;
  readonly random?: () => number;
}

/** Nothing more to do (a held message waits for its digest, which is sent as a message of its own). */
const FINISHED = new Set([
  'accepted',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'suppressed',
  'held',
  'digested',
]);

const Payload = Type.Object({
  districtId: UuidString,
  messageId: UuidString,
  v: Type.Literal(1),
});

interface MessageRow {
  district_id: string;
  message_id: string;
  contact_id: string;
  channel: Channel;
  category: 'attendance_alert' | 'general' | 'reply';
  language: string;
  to_address: string;
  subject: string | null;
  body: string;
  status: string;
  not_before: Date;
  expires_at: Date | null;
  attempts: number;
  keypad_prompt: string | null;
  unsubscribe_token: string;
  /** An email to a guardian who may use the family portal for this child: it ends with a sign-in link. */
  portal_link: string | null;
  /** False when the guardian's link to the student no longer takes this kind of message (routing changed after it was queued). */
  routed: boolean;
  consent: string | null;
  sms_number: string | null;
  email_from: string | null;
}

interface AttemptRow {
  attempt_no: number;
  state: 'attempting' | 'uncertain';
  started_at: Date;
  provider: string;
}

/** The backoff before retry `attempt` (1-based): base × 2^(attempt−1), jittered ±50%, capped at an hour, never before Retry-After. */
export function retryDelayMs(
  attempt: number,
  policy: SendPolicy,
  random: () => number,
  retryAfterMs?: number,
): number {
  const backoff = Math.min(3_600_000, policy.retryBaseMs * 2 ** (attempt - 1)) * (0.5 + random());
  return Math.round(Math.max(backoff, retryAfterMs ?? 0));
}

async function loadMessage(
  db: Kysely<DB>,
  districtId: string,
  messageId: string,
): Promise<MessageRow | undefined> {
  const { rows } = await sql<MessageRow>`
    SELECT m.district_id, m.message_id, m.contact_id, m.channel, m.category, m.language, m.to_address,
           m.subject, m.body, m.status, m.not_before, m.expires_at, m.attempts, m.keypad_prompt, m.unsubscribe_token,
           CASE WHEN m.channel = 'email' AND m.category <> 'reply' AND m.student_id IS NOT NULL
             AND EXISTS (SELECT 1 FROM student_contacts sc WHERE sc.district_id = m.district_id
               AND sc.student_id = m.student_id AND sc.contact_id = m.contact_id AND ${portalLink(sql.ref('sc'))})
             THEN m.message_id || '/' || m.portal_token END AS portal_link,
           (m.student_id IS NULL OR m.category = 'reply' OR EXISTS (SELECT 1 FROM student_contacts r
             WHERE r.district_id = m.district_id AND r.student_id = m.student_id AND r.contact_id = m.contact_id
               AND (CASE WHEN m.category = 'attendance_alert' THEN r.receives_attendance_messages ELSE r.receives_other_messages END)))
             AS routed,
           cc.status AS consent, ms.sms_number, ms.email_from
    FROM messages m
    LEFT JOIN contact_consents cc ON cc.district_id = m.district_id AND cc.contact_id = m.contact_id
      AND cc.channel = (CASE WHEN m.channel = 'voice' THEN 'voice' ELSE m.channel END)
    LEFT JOIN messaging_settings ms ON ms.district_id = m.district_id
    WHERE m.district_id = ${districtId} AND m.message_id = ${messageId}`.execute(db);
  return rows[0];
}

function outbound(message: MessageRow, publicUrl: string, replyDomain: string | undefined): OutboundMessage {
  const ids = `d=${message.district_id}&m=${message.message_id}`;
  return {
    districtId: message.district_id,
    messageId: message.message_id,
    channel: message.channel,
    category: message.category,
    language: message.language,
    from: message.channel === 'email' ? message.email_from : message.sms_number,
    to: message.to_address,
    subject: message.subject,
    // The sign-in link is added here, as the email leaves: the stored body never holds it.
    body: message.portal_link
      ? `${message.body}\n\n${renderTemplate('portal_link', message.language, { link: `${publicUrl}/family/link/${message.portal_link}` }).text}`
      : message.body,
    statusCallbackUrl: `${publicUrl}/webhooks/twilio/status?${ids}`,
    gatherUrl: `${publicUrl}/webhooks/twilio/voice?${ids}`,
    unsubscribeUrl: `${publicUrl}/unsubscribe/${message.unsubscribe_token}`,
    replyTo: replyDomain && message.channel === 'email' ? `reply+${message.message_id}@${replyDomain}` : null,
    keypadPrompt: message.keypad_prompt,
    speechLanguage: speechLanguageOf(message.language),
  };
}

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Locks the message row first in every transaction that also touches its attempts, in the same
 * order as the status callbacks (messages, then attempts), so the two never deadlock.
 */
async function lockMessage(
  trx: Transaction<DB>,
  message: { district_id: string; message_id: string },
): Promise<void> {
  await sql`SELECT 1 FROM messages WHERE district_id = ${message.district_id} AND message_id = ${message.message_id}
    FOR UPDATE`.execute(trx);
}

async function closeAttempt(
  db: Db,
  message: MessageRow,
  attemptNo: number,
  state: 'accepted' | 'retryable' | 'rejected' | 'uncertain' | 'absent',
  detail: { providerMessageId?: string; httpStatus?: number; code?: string; text?: string } = {},
): Promise<void> {
  await sql`
    UPDATE message_attempts SET state = ${state}, finished_at = now(),
      provider_message_id = coalesce(${detail.providerMessageId ?? null}, provider_message_id),
      http_status = ${detail.httpStatus ?? null}, error_code = ${detail.code ?? null},
      error_detail = ${detail.text ?? null}
    WHERE district_id = ${message.district_id} AND message_id = ${message.message_id}
      AND attempt_no = ${attemptNo} AND state IN ('attempting', 'uncertain')`.execute(db);
}

/** Marks the message accepted by the provider (never lowering a status a callback already raised). */
export async function recordAccepted(
  db: Db,
  message: { district_id: string; message_id: string; channel: string },
  provider: string,
  providerMessageId: string,
  status: 'accepted' | 'sent' | 'delivered',
): Promise<void> {
  await sql`
    UPDATE messages SET provider = ${provider}, provider_message_id = ${providerMessageId},
      status = CASE WHEN message_status_rank(status) < message_status_rank(${status}) THEN ${status} ELSE status END,
      error_code = NULL, error_detail = NULL, updated_at = now()
    WHERE district_id = ${message.district_id} AND message_id = ${message.message_id}`.execute(db);
  await recordStatusEvent(db, message, status, { provider, providerMessageId });
}

/** Ends a message for good: failed (with the reason, on the staff list) or suppressed. */
async function finish(
  db: Db,
  message: MessageRow,
  status: 'failed' | 'suppressed',
  code: string,
  detail: string,
  needsStaff: boolean,
): Promise<void> {
  await sql`
    UPDATE messages SET status = ${status}, error_code = ${code}, error_detail = ${detail},
      needs_staff = ${needsStaff}, updated_at = now()
    WHERE district_id = ${message.district_id} AND message_id = ${message.message_id}
      AND status NOT IN ('accepted', 'sent', 'delivered', 'undelivered', 'failed', 'suppressed')`.execute(db);
  await recordStatusEvent(db, message, status, { code, detail });
}

async function schedule(
  queue: JobSender,
  trx: Transaction<DB>,
  message: MessageRow,
  afterMs: number,
): Promise<void> {
  await queue.send(
    SEND_MESSAGE,
    { districtId: message.district_id, messageId: message.message_id },
    { trx, startAfter: new Date(Date.now() + afterMs) },
  );
}

/** Sends (or reconciles) one message. Safe to run any number of times, concurrently too. */
export async function sendMessage(
  dependencies: SendMessageDependencies,
  payload: { districtId: string; messageId: string },
  context: Pick<JobContext, 'db' | 'logger' | 'signal' | 'queue'>,
): Promise<void> {
  const policy = { ...DEFAULT_SEND_POLICY, ...dependencies.policy };
  const random = dependencies.random ?? Math.random;
  const { db, queue, logger } = context;
  const message = await loadMessage(db, payload.districtId, payload.messageId);
  if (!message || FINISHED.has(message.status)) return;
  const provider = dependencies.providers[message.channel];
  if (!provider) {
    await finish(
      db,
      message,
      'failed',
      'no_provider',
      `No provider is configured for ${message.channel}.`,
      true,
    );
    return;
  }
  const request = outbound(message, dependencies.publicUrl, dependencies.replyDomain);

  // 2. An attempt without a recorded answer: find out what happened before anything else.
  const { rows: open } = await sql<AttemptRow>`
    SELECT attempt_no, state, started_at, provider FROM message_attempts
    WHERE district_id = ${message.district_id} AND message_id = ${message.message_id}
      AND state IN ('attempting', 'uncertain')`.execute(db);
  const attempt = open[0];
  if (attempt) {
    const age = Date.now() - attempt.started_at.getTime();
    if (attempt.state === 'attempting' && age < policy.inFlightGraceMs) {
      // Possibly still in another worker's hands (a job that outlived its expiry): look again later.
      await db
        .transaction()
        .execute((trx) => schedule(queue, trx, message, policy.inFlightGraceMs - age + 1000));
      return;
    }
    const answer = await provider.reconcile(request, attempt.started_at, context.signal);
    if (answer.kind === 'found') {
      await db.transaction().execute(async (trx) => {
        await lockMessage(trx, message);
        await closeAttempt(trx, message, attempt.attempt_no, 'accepted', {
          providerMessageId: answer.providerMessageId,
          code: 'reconciled',
        });
        await recordAccepted(trx, message, provider.name, answer.providerMessageId, 'accepted');
      });
      logger.info({ messageId: message.message_id }, 'reconciled: the provider had the message');
      return;
    }
    if (answer.kind === 'unknown') {
      // Email: at least once (same Message-ID). SMS: ask again until it is too old, then staff decide. Voice: staff decide.
      const resend = message.channel === 'email' || message.channel === 'portal';
      if (!resend) {
        if (message.channel === 'voice' || age >= policy.giveUpUnknownAfterMs) {
          await db.transaction().execute(async (trx) => {
            await lockMessage(trx, message);
            await closeAttempt(trx, message, attempt.attempt_no, 'uncertain', {
              code: 'unknown',
              text: answer.detail,
            });
            await finish(
              trx,
              message,
              'failed',
              'uncertain_outcome',
              `The provider may have it; not re-sent to avoid a duplicate. ${answer.detail}`,
              true,
            );
          });
          return;
        }
        await db.transaction().execute((trx) => schedule(queue, trx, message, policy.reconcileDelayMs));
        return;
      }
    }
    await closeAttempt(db, message, attempt.attempt_no, 'absent', {
      code: answer.kind === 'absent' ? 'reconciled_absent' : 'resent_unknown',
    });
  }

  // A same-day alert that could not go out that day is not sent the next morning.
  if (message.expires_at && message.expires_at.getTime() <= Date.now()) {
    await finish(
      db,
      message,
      'suppressed',
      'expired',
      'Not sent in time: a same-day message is not sent on a later day.',
      false,
    );
    return;
  }

  // 3. Consent, at the last moment.
  if (message.consent === 'opted_out' && message.category !== 'reply') {
    await finish(
      db,
      message,
      'suppressed',
      'opted_out',
      `The contact opted out of ${message.channel}.`,
      false,
    );
    return;
  }
  // Routing, at the last moment too: a family (or staff) may have changed who gets what since.
  if (!message.routed) {
    await finish(
      db,
      message,
      'suppressed',
      'not_routed',
      `The contact no longer gets ${message.category === 'attendance_alert' ? 'attendance alerts' : 'these messages'} about this student.`,
      false,
    );
    return;
  }
  if (message.not_before.getTime() > Date.now() + 1000) {
    await db
      .transaction()
      .execute((trx) => schedule(queue, trx, message, message.not_before.getTime() - Date.now()));
    return;
  }
  const attemptNo = message.attempts + 1;
  if (attemptNo > policy.maxAttempts) {
    await finish(
      db,
      message,
      'failed',
      'retries_exhausted',
      `Gave up after ${message.attempts} attempts.`,
      true,
    );
    return;
  }

  // 4. The claim and the ledger row, committed before the call. The claim only succeeds if the
  // message is still where this run read it (not raised by a callback that settled an unclear
  // attempt meanwhile, not claimed by another run); a second run finds the open attempt.
  const claimLost = new Error('claim lost');
  try {
    await db.transaction().execute(async (trx) => {
      const claimed = await sql`
        UPDATE messages SET status = 'sending', attempts = ${attemptNo}, updated_at = now()
        WHERE district_id = ${message.district_id} AND message_id = ${message.message_id}
          AND status IN ('queued', 'sending', 'uncertain') AND attempts = ${message.attempts}`.execute(trx);
      if (Number(claimed.numAffectedRows ?? 0) === 0) throw claimLost;
      await sql`
        INSERT INTO message_attempts (district_id, message_id, attempt_no, state, provider)
        VALUES (${message.district_id}, ${message.message_id}, ${attemptNo}, 'attempting', ${provider.name})`.execute(
        trx,
      );
    });
  } catch (error) {
    if (error === claimLost) return; // the message moved on without us
    if ((error as { code?: string }).code === '23505') return; // another run holds the attempt
    throw error;
  }

  // 5. The call, and what its answer means.
  let outcome: SendOutcome;
  try {
    outcome = await provider.send(request, context.signal);
  } catch (error) {
    outcome = { kind: 'uncertain', code: 'provider_error', detail: (error as Error).message };
  }
  await applyOutcome(db, queue, message, attemptNo, provider.name, outcome, policy, random);
  logger.info(
    {
      messageId: message.message_id,
      channel: message.channel,
      attempt: attemptNo,
      outcome: outcome.kind,
      code: 'code' in outcome ? outcome.code : undefined,
    },
    'message attempt finished',
  );
}

async function applyOutcome(
  db: Kysely<DB>,
  queue: JobSender,
  message: MessageRow,
  attemptNo: number,
  providerName: string,
  outcome: SendOutcome,
  policy: SendPolicy,
  random: () => number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockMessage(trx, message);
    switch (outcome.kind) {
      case 'accepted':
        await closeAttempt(trx, message, attemptNo, 'accepted', {
          providerMessageId: outcome.providerMessageId,
        });
        await recordAccepted(trx, message, providerName, outcome.providerMessageId, outcome.status);
        return;
      case 'retryable': {
        await closeAttempt(trx, message, attemptNo, 'retryable', {
          httpStatus: outcome.httpStatus,
          code: outcome.code,
          text: outcome.detail,
        });
        await sql`
          UPDATE messages SET status = 'queued', error_code = ${outcome.code}, error_detail = ${outcome.detail}, updated_at = now()
          WHERE district_id = ${message.district_id} AND message_id = ${message.message_id} AND status = 'sending'`.execute(
          trx,
        );
        if (attemptNo >= policy.maxAttempts) {
          await finish(
            trx,
            message,
            'failed',
            'retries_exhausted',
            `Gave up after ${attemptNo} attempts: ${outcome.detail}`,
            true,
          );
          return;
        }
        await schedule(queue, trx, message, retryDelayMs(attemptNo, policy, random, outcome.retryAfterMs));
        return;
      }
      case 'permanent':
        await closeAttempt(trx, message, attemptNo, 'rejected', {
          httpStatus: outcome.httpStatus,
          code: outcome.code,
          text: outcome.detail,
        });
        await finish(trx, message, 'failed', outcome.code, outcome.detail, true);
        await sql`
          UPDATE contacts SET needs_attention = ${`${message.channel} to ${message.to_address} failed: ${outcome.detail} (${outcome.code})`},
            updated_at = now()
          WHERE district_id = ${message.district_id} AND contact_id = ${message.contact_id}`.execute(trx);
        if (outcome.optedOut) {
          await setConsent(
            trx,
            message.district_id,
            message.contact_id,
            message.channel,
            'opted_out',
            `provider:${outcome.code}`,
          );
        }
        return;
      case 'uncertain':
        await closeAttempt(trx, message, attemptNo, 'uncertain', {
          httpStatus: outcome.httpStatus,
          code: outcome.code,
          text: outcome.detail,
        });
        await sql`
          UPDATE messages SET status = 'uncertain', error_code = ${outcome.code}, error_detail = ${outcome.detail}, updated_at = now()
          WHERE district_id = ${message.district_id} AND message_id = ${message.message_id} AND status = 'sending'`.execute(
          trx,
        );
        await schedule(queue, trx, message, policy.reconcileDelayMs);
        return;
    }
  });
}

/** Records a contact's consent for a channel (one row per contact and channel). */
export async function setConsent(
  db: Db,
  districtId: string,
  contactId: string,
  channel: Channel,
  status: 'granted' | 'implied' | 'opted_out',
  source: string,
): Promise<void> {
  await sql`
    INSERT INTO contact_consents (district_id, contact_id, channel, status, source)
    VALUES (${districtId}, ${contactId}, ${channel}, ${status}, ${source})
    ON CONFLICT (district_id, contact_id, channel)
    DO UPDATE SET status = excluded.status, source = excluded.source, changed_at = now()`.execute(db);
}

export function createSendMessageJob(dependencies: SendMessageDependencies): JobDefinition<typeof Payload> {
  return defineJob({
    name: SEND_MESSAGE,
    version: 1,
    payload: Payload,
    // Longer than a provider call's timeout plus a reconciliation's listing, so a run is not expired mid-call.
    options: {
      retryLimit: 10,
      retryDelaySeconds: 15,
      retryBackoff: true,
      expireInSeconds: 300,
      batchSize: 10,
    },
    handle: (payload, context) => sendMessage(dependencies, payload, context),
  });
}
