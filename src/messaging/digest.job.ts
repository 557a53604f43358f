/**
 * The weekly digest: messages a family's weekly budget held back are sent together, as one
 * message headed "This week's messages from ..." in the family's language, once the budget
 * allows another message. Same-day alerts are never held (they go first and count), so a
 * digest only ever carries messages that could wait.
 *
 * The job runs for one guardian. It is idempotent: it takes the held messages under a lock,
 * writes the digest to the outbox (with its send job) and marks them digested in the same
 * transaction, so a second run finds nothing held. If the budget is still spent it schedules
 * itself for when the oldest counted message leaves the seven-day window.
 */
import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import { defineJob, type JobDefinition, UuidString } from '../platform/jobs/job.ts';
import { renderTemplate } from './content/templates.ts';
import { enqueueMessage } from './outbox.ts';
import type { Channel } from './providers/provider.ts';
import { earliestSendTime } from './send-window.ts';

export const SEND_DIGEST = 'messaging.send-digest';

const Payload = Type.Object({
  districtId: UuidString,
  contactId: UuidString,
  v: Type.Literal(1),
});

interface HeldMessage {
  message_id: string;
  channel: Channel;
  to_address: string;
  subject: string | null;
  body: string;
  language: string;
  student_id: string | null;
  created_at: Date;
}

/** The SQL condition "counts towards this guardian's family budget": the guardian or their household, last 7 days. */
export function familyBudgetUsage(districtId: string, contactId: string) {
  return sql<{ used: number; frees_at: Date | null; budget: number }>`
    SELECT count(*)::int AS used, min(m.created_at) + interval '7 days' AS frees_at,
      coalesce((SELECT weekly_budget_per_family FROM messaging_settings WHERE district_id = ${districtId}), 5) AS budget
    FROM messages m
    JOIN contacts mc ON mc.district_id = m.district_id AND mc.contact_id = m.contact_id
    JOIN contacts c ON c.district_id = m.district_id AND c.contact_id = ${contactId}
    WHERE m.district_id = ${districtId} AND m.category <> 'reply'
      AND m.status NOT IN ('suppressed', 'held', 'digested')
      AND m.created_at > now() - interval '7 days'
      AND (m.contact_id = c.contact_id OR mc.household_id = c.household_id)`;
}

export function createDigestJob(): JobDefinition<typeof Payload> {
  return defineJob({
    name: SEND_DIGEST,
    version: 1,
    payload: Payload,
    options: { retryLimit: 5, retryDelaySeconds: 60, expireInSeconds: 120, batchSize: 5 },
    async handle({ districtId, contactId }, { db, queue }) {
      await db.transaction().execute(async (trx) => {
        const { rows: held } = await sql<HeldMessage>`
          SELECT message_id, channel, to_address, subject, body, language, student_id, created_at FROM messages
          WHERE district_id = ${districtId} AND contact_id = ${contactId} AND status = 'held'
          ORDER BY created_at, message_id
          FOR UPDATE`.execute(trx);
        if (held.length === 0) return;
        const { rows: usage } = await familyBudgetUsage(districtId, contactId).execute(trx);
        const { used = 0, frees_at: freesAt = null, budget = 5 } = usage[0] ?? {};
        if (used >= budget && freesAt) {
          await queue.send(SEND_DIGEST, { districtId, contactId }, { trx, startAfter: freesAt });
          return;
        }
        const latest = held[held.length - 1] as HeldMessage;
        const { rows: district } = await sql<{
          name: string;
          time_zone: string;
          quiet_start: string | null;
          quiet_end: string | null;
        }>`
          SELECT d.name, d.time_zone, ms.quiet_start::text AS quiet_start, ms.quiet_end::text AS quiet_end
          FROM districts d LEFT JOIN messaging_settings ms ON ms.district_id = d.district_id
          WHERE d.district_id = ${districtId}`.execute(trx);
        const place = district[0];
        const values = { schoolName: place?.name ?? '' };
        // The digest can wait, so it keeps to quiet hours like any message that can.
        const notBefore = earliestSendTime(new Date(), 'general', {
          timeZone: place?.time_zone ?? 'America/New_York',
          quietStart: place?.quiet_start ?? '08:00',
          quietEnd: place?.quiet_end ?? '21:00',
          schoolDayStart: '00:00',
          schoolDayEnd: '00:01',
        });
        const header = renderTemplate('weekly_digest', latest.language, values);
        const body = [header.text, ...held.map((message) => message.body)].join('\n\n');
        const { messageId } = await enqueueMessage(trx, queue, {
          districtId,
          dedupeKey: `digest:${contactId}:${(held[0] as HeldMessage).message_id}`,
          contactId,
          studentId: held.every((message) => message.student_id === latest.student_id)
            ? latest.student_id
            : null,
          channel: latest.channel,
          category: 'general',
          templateKey: 'weekly_digest',
          language: header.language,
          toAddress: latest.to_address,
          subject:
            latest.channel === 'email'
              ? renderTemplate('weekly_digest', latest.language, values, { part: 'emailSubject' }).text
              : null,
          body,
          notBefore,
        });
        await sql`
          UPDATE messages SET status = 'digested', digest_id = ${messageId}, updated_at = now()
          WHERE district_id = ${districtId} AND message_id IN (${sql.join(held.map((message) => message.message_id))})`.execute(
          trx,
        );
      });
    },
  });
}
