/**
 * Writing to the outbox: a message row and its send job, inside the transaction of the
 * decision that caused it, so the job exists if and only if the decision committed. The
 * dedupe key (cause, recipient, channel) makes deciding twice harmless: the second insert
 * finds the first message and enqueues nothing.
 */
import { sql, type Transaction } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import type { JobSender } from '../platform/jobs/job.ts';
import type { Channel } from './providers/provider.ts';
import { SEND_MESSAGE } from './send-message.job.ts';
import type { MessageCategory } from './send-window.ts';

export interface NewMessage {
  readonly districtId: string;
  /** Unique per district: the cause, the recipient and the channel, e.g. `absence:<event>:<contact>:sms`. */
  readonly dedupeKey: string;
  readonly contactId: string;
  readonly studentId: string | null;
  readonly channel: Channel;
  readonly category: MessageCategory;
  readonly templateKey: string | null;
  readonly language: string;
  readonly toAddress: string;
  readonly subject: string | null;
  readonly body: string;
  readonly keypadPrompt?: string | null;
  readonly notBefore: Date;
  readonly createdBy?: string | null;
  /** Not sent after this (a same-day alert: the end of that day). */
  readonly expiresAt?: Date | null;
  /** Over the family's weekly budget: kept `held` (no send job) for the next digest. */
  readonly hold?: boolean;
  /** What staff wrote, when `body` is its machine translation. */
  readonly originalBody?: string | null;
  readonly originalLanguage?: string | null;
}

/**
 * Adds a message to the outbox and enqueues its send (a held message gets none: the digest
 * job sends it); `created` is false when the dedupe key already existed.
 */
export async function enqueueMessage(
  trx: Transaction<DB>,
  queue: JobSender,
  message: NewMessage,
): Promise<{ messageId: string; created: boolean }> {
  const { rows } = await sql<{ message_id: string }>`
    INSERT INTO messages (district_id, dedupe_key, contact_id, student_id, channel, category, template_key,
      language, to_address, subject, body, keypad_prompt, not_before, created_by, original_body, original_language, expires_at, status)
    VALUES (${message.districtId}, ${message.dedupeKey}, ${message.contactId}, ${message.studentId},
      ${message.channel}, ${message.category}, ${message.templateKey}, ${message.language}, ${message.toAddress},
      ${message.subject}, ${message.body}, ${message.keypadPrompt ?? null}, ${message.notBefore}, ${message.createdBy ?? null},
      ${message.originalBody ?? null}, ${message.originalLanguage ?? null}, ${message.expiresAt ?? null},
      ${message.hold ? 'held' : 'queued'})
    ON CONFLICT (district_id, dedupe_key) DO NOTHING
    RETURNING message_id`.execute(trx);
  const created = rows[0];
  if (created && message.hold) return { messageId: created.message_id, created: true };
  if (!created) {
    const existing = await sql<{ message_id: string }>`
      SELECT message_id FROM messages
      WHERE district_id = ${message.districtId} AND dedupe_key = ${message.dedupeKey}`.execute(trx);
    return { messageId: existing.rows[0]?.message_id ?? '', created: false };
  }
  await queue.send(
    SEND_MESSAGE,
    { districtId: message.districtId, messageId: created.message_id },
    { trx, ...(message.notBefore.getTime() > Date.now() ? { startAfter: message.notBefore } : {}) },
  );
  return { messageId: created.message_id, created: true };
}
