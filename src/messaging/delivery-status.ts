/**
 * Delivery status from provider callbacks. Each status is recorded once per message (a replay
 * inserts nothing) with the time it arrived — the delivery evidence Ohio's same-day rule asks
 * for — and the message's status only moves up (message_status_rank), so `delivered` arriving
 * before `sent` ends `delivered`. Both happen in one transaction, so five concurrent copies of
 * one callback make exactly one transition.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../platform/db/types.ts';

export type DeliveryStatus = 'accepted' | 'sent' | 'delivered' | 'undelivered' | 'failed';

/** Twilio's message statuses in Homeroom's terms (receiving/received are inbound, not ours). */
export function fromTwilioMessageStatus(status: string): DeliveryStatus | null {
  switch (status) {
    case 'queued':
    case 'accepted':
    case 'scheduled':
    case 'sending':
      return 'accepted';
    case 'sent':
      return 'sent';
    case 'delivered':
    case 'read':
      return 'delivered';
    case 'undelivered':
      return 'undelivered';
    case 'failed':
    case 'canceled':
      return 'failed';
    default:
      return null;
  }
}

/** A call's final status: answered by a person or a machine counts as delivered; no answer or busy does not. */
export function fromTwilioCallStatus(
  callStatus: string,
  answeredBy: string | undefined,
): { status: DeliveryStatus; answeredBy: string | null } | null {
  switch (callStatus) {
    case 'queued':
    case 'initiated':
    case 'ringing':
      return { status: 'accepted', answeredBy: null };
    case 'in-progress':
      return { status: 'sent', answeredBy: null };
    case 'completed':
      return {
        status: 'delivered',
        answeredBy:
          answeredBy?.startsWith('machine') || answeredBy === 'fax'
            ? 'voicemail'
            : answeredBy === 'human'
              ? 'human'
              : 'unknown',
      };
    case 'busy':
      return { status: 'undelivered', answeredBy: 'busy' };
    case 'no-answer':
      return { status: 'undelivered', answeredBy: 'no_answer' };
    case 'failed':
    case 'canceled':
      return { status: 'failed', answeredBy: null };
    default:
      return null;
  }
}

/**
 * Records that a message reached a status, once (the first time wins; a repeat inserts nothing).
 * Returns whether this call recorded it.
 */
export async function recordStatusEvent(
  db: Kysely<DB> | Transaction<DB>,
  message: { readonly district_id: string; readonly message_id: string; readonly channel: string },
  status: string,
  detail: Readonly<Record<string, unknown>>,
): Promise<boolean> {
  const inserted = await sql`
    INSERT INTO message_status_events (district_id, message_id, status, channel, detail)
    VALUES (${message.district_id}, ${message.message_id}, ${status}, ${message.channel}, ${JSON.stringify(detail)})
    ON CONFLICT DO NOTHING`.execute(db);
  return Number(inserted.numAffectedRows ?? 0) > 0;
}

export interface StatusReport {
  readonly districtId: string;
  readonly messageId: string;
  readonly provider: string;
  readonly providerMessageId: string;
  readonly status: DeliveryStatus;
  readonly errorCode?: string | undefined;
  readonly answeredBy?: string | null | undefined;
}

/** Applies one callback. Returns false when the message is unknown or the status was already recorded. */
export async function applyDeliveryStatus(db: Kysely<DB>, report: StatusReport): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const { rows: message } = await sql<{ channel: string; provider_message_id: string | null }>`
      SELECT channel, provider_message_id FROM messages
      WHERE district_id = ${report.districtId} AND message_id = ${report.messageId}
      FOR UPDATE`.execute(trx);
    const found = message[0];
    if (!found) return false;
    // A callback for a different provider id than the one we kept is not about this message.
    if (found.provider_message_id && found.provider_message_id !== report.providerMessageId) return false;
    const recorded = await recordStatusEvent(
      trx,
      { district_id: report.districtId, message_id: report.messageId, channel: found.channel },
      report.status,
      {
        providerMessageId: report.providerMessageId,
        errorCode: report.errorCode ?? null,
        answeredBy: report.answeredBy ?? null,
      },
    );
    if (!recorded) return false;
    const bad = report.status === 'undelivered' || report.status === 'failed';
    await sql`
      UPDATE messages SET
        status = CASE WHEN message_status_rank(status) < message_status_rank(${report.status}) THEN ${report.status} ELSE status END,
        provider = coalesce(provider, ${report.provider}),
        provider_message_id = coalesce(provider_message_id, ${report.providerMessageId}),
        error_code = CASE WHEN ${bad} THEN ${report.errorCode ?? null} ELSE error_code END,
        needs_staff = needs_staff OR (${bad} AND message_status_rank(status) < message_status_rank(${report.status})),
        answered_by = coalesce(${report.answeredBy ?? null}, answered_by),
        updated_at = now()
      WHERE district_id = ${report.districtId} AND message_id = ${report.messageId}`.execute(trx);
    // The provider has it: an attempt still open (an unclear outcome) is settled by this callback.
    await sql`
      UPDATE message_attempts SET state = 'accepted', finished_at = now(), provider_message_id = ${report.providerMessageId},
        error_code = 'settled_by_callback'
      WHERE district_id = ${report.districtId} AND message_id = ${report.messageId}
        AND state IN ('attempting', 'uncertain')`.execute(trx);
    return true;
  });
}
