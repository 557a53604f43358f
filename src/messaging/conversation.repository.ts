/**
 * The conversation with families: every message to them and every reply from them, in one
 * list. The API shows one student's family (ascending), the student's page the latest 30, the
 * development outbox everything its reader may see (newest first); all read it here. A family's
 * portal sign-in code is never shown, except in the development outbox (where the demo's
 * families get their codes).
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../platform/db/types.ts';

export interface ConversationItem {
  readonly direction: 'out' | 'in';
  readonly id: string;
  readonly contact_id: string;
  readonly contact_name: string;
  /** The family's number or address (to, or from). */
  readonly address: string;
  readonly channel: string;
  readonly category: string | null;
  readonly language: string | null;
  readonly body: string;
  /** Out: what staff wrote when `body` is its translation. In: the reply's translation for staff. */
  readonly other_text: string | null;
  readonly status: string;
  readonly error_code: string | null;
  readonly answered_by: string | null;
  readonly not_before: Date | null;
  readonly at: Date;
  readonly intent: { intent?: string; barrier?: string; evidence?: { phrase: string }[] } | null;
  readonly evidence: { status: string; at: string }[] | null;
}

/** Whose conversation: one student's family, or every family linked to a student the reader may see. */
export type ConversationScope =
  | { readonly studentId: string }
  | { readonly visible: (studentId: RawBuilder<unknown>) => RawBuilder<unknown> };

export async function listConversation(
  db: Kysely<DB>,
  districtId: string,
  scope: ConversationScope,
  options: {
    readonly newestFirst?: boolean;
    readonly limit?: number;
    /** Show family sign-in codes (the development outbox only: in live use no one should read them). */
    readonly revealSignInCodes?: boolean;
  } = {},
): Promise<ConversationItem[]> {
  const family = (alias: 'm' | 'i') =>
    'studentId' in scope
      ? sql`${sql.ref(`${alias}.contact_id`)} IN (SELECT contact_id FROM student_contacts
          WHERE district_id = ${districtId} AND student_id = ${scope.studentId})`
      : sql`EXISTS (SELECT 1 FROM student_contacts sc WHERE sc.district_id = ${sql.ref(`${alias}.district_id`)}
          AND sc.contact_id = ${sql.ref(`${alias}.contact_id`)} AND ${scope.visible(sql.ref('sc.student_id'))})`;
  const { rows } = await sql<ConversationItem>`
    SELECT * FROM (
      SELECT 'out' AS direction, m.message_id AS id, m.contact_id, c.first_name || ' ' || c.last_name AS contact_name,
        m.to_address AS address, m.channel, m.category, m.language,
        ${options.revealSignInCodes ? sql`m.body` : sql`CASE WHEN m.template_key = 'sign_in_code' THEN '[a sign-in code for the family portal]' ELSE m.body END`} AS body,
        m.original_body AS other_text, m.status,
        m.error_code, m.answered_by, m.not_before, m.created_at AS at, NULL::jsonb AS intent,
        (SELECT json_agg(json_build_object('status', e.status, 'at', e.occurred_at) ORDER BY e.occurred_at)
          FROM message_status_events e WHERE e.district_id = m.district_id AND e.message_id = m.message_id) AS evidence
      FROM messages m JOIN contacts c ON c.district_id = m.district_id AND c.contact_id = m.contact_id
      WHERE m.district_id = ${districtId} AND ${family('m')}
      UNION ALL
      SELECT 'in', i.inbound_id, i.contact_id, c.first_name || ' ' || c.last_name, i.from_address, i.channel, NULL,
        c.preferred_language, i.body, i.translated_body, CASE WHEN i.handled_at IS NULL THEN 'open' ELSE 'handled' END,
        NULL, NULL, NULL, i.received_at, i.intent, NULL
      FROM inbound_messages i JOIN contacts c ON c.district_id = i.district_id AND c.contact_id = i.contact_id
      WHERE i.district_id = ${districtId} AND ${family('i')}
    ) conversation
    ORDER BY ${options.newestFirst ? sql`at DESC, id` : sql`at, id`}
    ${options.limit ? sql`LIMIT ${options.limit}` : sql``}`.execute(db);
  return rows;
}
