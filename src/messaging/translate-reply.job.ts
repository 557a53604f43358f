/**
 * Translates a family's reply for staff, after the webhook has answered (a slow translation
 * service must not hold up Twilio). The reply's own words stay in `body`; the translation goes
 * beside them. Idempotent: a reply already translated is left alone.
 */
import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import { defineJob, type JobDefinition, UuidString } from '../platform/jobs/job.ts';
import { matchLanguage, resolveLanguage } from './content/languages.ts';
import type { Translator } from './translation.ts';

export const TRANSLATE_REPLY = 'messaging.translate-reply';

const Payload = Type.Object({
  districtId: UuidString,
  inboundId: UuidString,
  v: Type.Literal(1),
});

export function createTranslateReplyJob(translator: Translator | null): JobDefinition<typeof Payload> {
  return defineJob({
    name: TRANSLATE_REPLY,
    version: 1,
    payload: Payload,
    options: { retryLimit: 5, retryDelaySeconds: 30, expireInSeconds: 60, batchSize: 5 },
    async handle({ districtId, inboundId }, { db }) {
      if (!translator) return;
      const { rows } = await sql<{
        body: string;
        intent: { language?: string };
        contact_language: string | null;
        staff_language: string;
      }>`
        SELECT i.body, i.intent, c.preferred_language AS contact_language, d.default_locale AS staff_language
        FROM inbound_messages i JOIN districts d ON d.district_id = i.district_id
        LEFT JOIN contacts c ON c.district_id = i.district_id AND c.contact_id = i.contact_id
        WHERE i.district_id = ${districtId} AND i.inbound_id = ${inboundId} AND i.translated_body IS NULL`.execute(
        db,
      );
      const reply = rows[0];
      if (!reply || reply.body.trim() === '') return;
      const to = resolveLanguage(reply.staff_language);
      const from = matchLanguage(reply.intent.language ?? reply.contact_language ?? '');
      if (from === to) return;
      const translation = await translator.translate(reply.body, { to, ...(from ? { from } : {}) });
      await sql`
        UPDATE inbound_messages SET translated_body = ${translation.text}, translated_language = ${to},
          translation_provider = ${translator.name}
        WHERE district_id = ${districtId} AND inbound_id = ${inboundId} AND translated_body IS NULL`.execute(
        db,
      );
    },
  });
}
