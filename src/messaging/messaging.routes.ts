/**
 * The staff side of messaging: send a message to a student's family, read the conversation
 * with that family, the list of messages that need staff (the dead letters: failed for good,
 * unclear, undelivered) and the inbox of replies to act on; preview a text's SMS length and
 * tone while writing it. Everything is scoped to the students the staff member may see: a
 * message or reply about any other student is "not found".
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { MARK_REASONS } from '../attendance/take-attendance.ts';
import { AppError } from '../platform/errors.ts';
import type { AppDependencies } from '../platform/http/app.ts';
import type { StaffRole } from '../staff/staff-principal.ts';
import { isStudentVisible, visibleStudent } from '../staff/student-scope.ts';
import { smsSegments } from './content/sms-segments.ts';
import { SENDABLE_TEMPLATE_KEYS } from './content/templates.ts';
import { checkTone } from './content/tone-check.ts';
import { listConversation } from './conversation.repository.ts';
import { listInbox, markReplyHandled, recordAbsenceFromReply } from './inbox.service.ts';
import { messageFamily } from './messaging.service.ts';
import { SEND_MESSAGE } from './send-message.job.ts';
import { createTranslator } from './translation.ts';

/** Who talks with families. Analysts never see a message. */
export const MESSAGE_SENDERS: readonly StaffRole[] = [
  'district_admin',
  'school_admin',
  'attendance_champion',
  'counselor',
  'teacher',
];
/** Who works the staff lists (failed messages, the shared inbox). */
export const INBOX_READERS: readonly StaffRole[] = [
  'district_admin',
  'school_admin',
  'attendance_champion',
  'counselor',
];

const Uuid = Type.String({ format: 'uuid' });
const StudentParams = Type.Object({ studentId: Uuid });
const MessageParams = Type.Object({ messageId: Uuid });
const InboundParams = Type.Object({ inboundId: Uuid });

const SendBody = Type.Object(
  {
    template: Type.Optional(Type.Union(SENDABLE_TEMPLATE_KEYS.map((key) => Type.Literal(key)))),
    values: Type.Optional(
      Type.Record(Type.String({ pattern: '^[a-zA-Z]{1,40}$' }), Type.String({ maxLength: 200 })),
    ),
    text: Type.Optional(Type.String({ minLength: 1, maxLength: 1600 })),
    subject: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    category: Type.Optional(Type.Union([Type.Literal('attendance_alert'), Type.Literal('general')])),
    contactIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 20 })),
    idempotencyKey: Type.Optional(
      Type.String({ minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9._:-]+$' }),
    ),
  },
  { additionalProperties: false },
);

const ContactParams = Type.Object({ studentId: Uuid, contactId: Uuid });
const RecordAbsenceBody = Type.Object(
  {
    studentId: Uuid,
    date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    excused: Type.Boolean(),
    reason: Type.Optional(Type.Union(MARK_REASONS.map((reason) => Type.Literal(reason)))),
  },
  { additionalProperties: false },
);

/** The attendance reason a family's barrier suggests, when staff do not choose one. */
const RoutingBody = Type.Object(
  { attendanceAlerts: Type.Boolean(), otherMessages: Type.Boolean() },
  { additionalProperties: false },
);

const PreviewBody = Type.Object(
  { text: Type.String({ maxLength: 5000 }), language: Type.Optional(Type.String({ maxLength: 10 })) },
  { additionalProperties: false },
);

const ListQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) },
  { additionalProperties: false },
);

/** Counts arrive as text in JSON forms; templates need real numbers for plurals. */
function numbersAsNumbers(values: Readonly<Record<string, string>>): Record<string, string | number> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      /^\d{1,9}(\.\d+)?$/.test(value) ? Number(value) : value,
    ]),
  );
}

export function registerMessagingRoutes(app: FastifyInstance, dependencies: AppDependencies): void {
  const db = dependencies.database.db;
  const translator = createTranslator(dependencies.config);

  app.post<{ Params: Static<typeof StudentParams>; Body: Static<typeof SendBody> }>(
    '/api/students/:studentId/messages',
    { config: { access: { roles: MESSAGE_SENDERS } }, schema: { params: StudentParams, body: SendBody } },
    async (request, reply) => {
      const { body } = request;
      if (!body.template === !body.text) {
        throw new AppError('INVALID_INPUT', {
          message: 'Give either template (a built-in message) or text (your own words), not both.',
        });
      }
      const queue = dependencies.queue;
      if (!queue)
        throw new AppError('UNAVAILABLE', {
          message: 'The job queue is not running, so nothing can be sent.',
        });
      const result = await messageFamily({ db, queue, translator }, request.staff, request.params.studentId, {
        content: body.template
          ? { template: body.template, ...(body.values ? { values: numbersAsNumbers(body.values) } : {}) }
          : { text: body.text ?? '', ...(body.subject ? { subject: body.subject } : {}) },
        category: body.category ?? 'general',
        ...(body.idempotencyKey ? { idempotencyKey: body.idempotencyKey } : {}),
        ...(body.contactIds ? { contactIds: body.contactIds } : {}),
      });
      return reply.status(result.messages.some((message) => message.created) ? 201 : 200).send(result);
    },
  );

  app.get<{ Params: Static<typeof StudentParams> }>(
    '/api/students/:studentId/conversation',
    { config: { access: { roles: MESSAGE_SENDERS } }, schema: { params: StudentParams } },
    async (request) => {
      const { studentId } = request.params;
      if (!(await isStudentVisible(db, request.staff, studentId)))
        throw new AppError('NOT_FOUND', { message: 'No such student.' });
      const items = await listConversation(db, request.staff.districtId, { studentId });
      return { studentId, items };
    },
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/messaging/needs-staff',
    { config: { access: { roles: INBOX_READERS } }, schema: { querystring: ListQuery } },
    async (request) => {
      const { rows } = await sql<Record<string, unknown>>`
        SELECT m.message_id, m.student_id, m.contact_id, c.first_name || ' ' || c.last_name AS contact_name,
          m.channel, m.to_address, m.status, m.error_code, m.error_detail, m.attempts, m.updated_at
        FROM messages m JOIN contacts c ON c.district_id = m.district_id AND c.contact_id = m.contact_id
        WHERE m.district_id = ${request.staff.districtId} AND m.needs_staff
          AND ${visibleStudent(request.staff, sql.ref('m.student_id'))}
        ORDER BY m.updated_at DESC LIMIT ${request.query.limit ?? 50}`.execute(db);
      return { items: rows };
    },
  );

  app.post<{ Params: Static<typeof MessageParams>; Body: { action: 'retry' | 'dismiss' } }>(
    '/api/messaging/messages/:messageId/resolve',
    {
      config: { access: { roles: INBOX_READERS } },
      schema: {
        params: MessageParams,
        body: Type.Object(
          { action: Type.Union([Type.Literal('retry'), Type.Literal('dismiss')]) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const { messageId } = request.params;
      const districtId = request.staff.districtId;
      const queue = dependencies.queue;
      if (!queue) throw new AppError('UNAVAILABLE', { message: 'The job queue is not running.' });
      return db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ status: string; error_code: string | null }>`
          SELECT status, error_code FROM messages m
          WHERE m.district_id = ${districtId} AND m.message_id = ${messageId} AND m.needs_staff
            AND ${visibleStudent(request.staff, sql.ref('m.student_id'))}
          FOR UPDATE`.execute(trx);
        const found = rows[0];
        if (!found) throw new AppError('NOT_FOUND', { message: 'No such message on the list.' });
        if (request.body.action === 'retry') {
          if (found.status !== 'failed' || found.error_code === 'opted_out' || found.error_code === '21610') {
            throw new AppError('CONFLICT', {
              message: 'Only a failed message to a contact who has not opted out can be sent again.',
            });
          }
          // A fresh budget of attempts; the ledger keeps the earlier ones.
          await sql`
            UPDATE messages SET status = 'queued', needs_staff = false, attempts = 0, not_before = now(), updated_at = now()
            WHERE district_id = ${districtId} AND message_id = ${messageId}`.execute(trx);
          await sql`DELETE FROM message_status_events WHERE district_id = ${districtId} AND message_id = ${messageId} AND status = 'failed'`.execute(
            trx,
          );
          await queue.send(SEND_MESSAGE, { districtId, messageId }, { trx });
        } else {
          await sql`UPDATE messages SET needs_staff = false, updated_at = now()
            WHERE district_id = ${districtId} AND message_id = ${messageId}`.execute(trx);
        }
        return { messageId, action: request.body.action };
      });
    },
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/messaging/inbox',
    { config: { access: { roles: INBOX_READERS } }, schema: { querystring: ListQuery } },
    async (request) => {
      return { items: await listInbox(db, request.staff, request.query.limit ?? 50) };
    },
  );

  app.post<{ Params: Static<typeof InboundParams> }>(
    '/api/messaging/inbox/:inboundId/handled',
    { config: { access: { roles: INBOX_READERS } }, schema: { params: InboundParams } },
    async (request) => {
      await markReplyHandled(db, request.staff, request.params.inboundId);
      return { inboundId: request.params.inboundId, handled: true };
    },
  );

  app.post<{ Params: Static<typeof InboundParams>; Body: Static<typeof RecordAbsenceBody> }>(
    '/api/messaging/inbox/:inboundId/record-absence',
    {
      config: { access: { roles: INBOX_READERS } },
      schema: { params: InboundParams, body: RecordAbsenceBody },
    },
    async (request) => {
      return recordAbsenceFromReply(db, request.staff, request.params.inboundId, request.body);
    },
  );

  app.put<{ Params: Static<typeof ContactParams>; Body: Static<typeof RoutingBody> }>(
    '/api/students/:studentId/contacts/:contactId/routing',
    { config: { access: { roles: INBOX_READERS } }, schema: { params: ContactParams, body: RoutingBody } },
    async (request) => {
      const { studentId, contactId } = request.params;
      const districtId = request.staff.districtId;
      if (!(await isStudentVisible(db, request.staff, studentId)))
        throw new AppError('NOT_FOUND', { message: 'No such student.' });
      return db.transaction().execute(async (trx) => {
        const result = await sql`
          UPDATE student_contacts SET receives_attendance_messages = ${request.body.attendanceAlerts},
            receives_other_messages = ${request.body.otherMessages}
          WHERE district_id = ${districtId} AND student_id = ${studentId} AND contact_id = ${contactId}`.execute(
          trx,
        );
        if (Number(result.numAffectedRows ?? 0) === 0) {
          throw new AppError('NOT_FOUND', { message: 'This contact is not linked to this student.' });
        }
        await sql`
          INSERT INTO audit_log (district_id, actor_type, actor_id, actor_role, student_id, action, target_type, target_id, outcome, detail)
          VALUES (${districtId}, 'staff', ${request.staff.userId}, ${request.staff.roles[0] ?? null}, ${studentId},
            'contact.routing', 'contact', ${contactId}, 'allowed', ${JSON.stringify(request.body)})`.execute(
          trx,
        );
        return { studentId, contactId, ...request.body };
      });
    },
  );

  app.post<{ Body: Static<typeof PreviewBody> }>(
    '/api/messaging/preview',
    { config: { access: { roles: MESSAGE_SENDERS } }, schema: { body: PreviewBody } },
    async (request) => ({
      segments: smsSegments(request.body.text),
      tone: checkTone(request.body.text, request.body.language ?? 'en'),
    }),
  );
}
