/**
 * The inbox, as a page: what families sent that no one has handled yet — texts, emails, keypad
 * choices, and reports and messages from the family portal — newest first, for the students the
 * reader may see. A reported absence is recorded in the attendance record with one form (date,
 * reason, excused or not: the district's decision, not the family's); anything else is marked
 * done once someone has acted on it.
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { MARK_REASONS, type MarkReason } from '../../attendance/take-attendance.ts';
import { attachmentsOf, loadAttachment } from '../../family/attachments.service.ts';
import { listInbox, markReplyHandled, recordAbsenceFromReply } from '../../messaging/inbox.service.ts';
import { INBOX_READERS } from '../../messaging/messaging.routes.ts';
import { AppError, isAppError } from '../../platform/errors.ts';
import type { AppDependencies } from '../../platform/http/app.ts';
import { html } from '../../platform/http/html.ts';
import { districtTimeZone, districtToday } from '../../roster/district.repository.ts';
import { redirectWithNotice, sendStaffPage } from './staff-page.ts';

const INTENT_LABELS: Readonly<Record<string, string>> = {
  absence_reason: 'reports an absence',
  at_school: 'says the child is at school',
  help_request: 'asks for help',
  survey_score: 'answers the survey',
  menu_choice: 'sent a number',
  unknown: 'a message',
};

export function registerInboxPage(app: FastifyInstance, dependencies: AppDependencies): void {
  const { config } = dependencies;
  const db = dependencies.database.db;

  app.get<{ Querystring: { notice?: string } }>(
    '/inbox',
    { config: { access: { roles: INBOX_READERS } } },
    async (request, reply) => {
      const principal = request.staff;
      const [items, today, timeZone] = await Promise.all([
        listInbox(db, principal, 100),
        districtToday(db, principal.districtId),
        districtTimeZone(db, principal.districtId),
      ]);
      const attachments = await attachmentsOf(
        db,
        principal.districtId,
        items.map((item) => item.inbound_id),
      );
      const when = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone });
      const main = html`<h1>Inbox</h1>
        ${
          items.length === 0
            ? html`<p class="empty">Nothing waiting: every reply from families has been handled.</p>`
            : html`<p>${items.length} ${items.length === 1 ? 'reply' : 'replies'} from families waiting, newest first.</p>
          <ul class="outbox">${items.map((item) => {
            const intent = item.intent ?? {};
            const students = item.students ?? [];
            const about = students.find((s) => s.studentId === intent.studentId);
            const label = `${INTENT_LABELS[intent.intent ?? 'unknown'] ?? 'a message'}${intent.barrier ? ` (${intent.barrier.replaceAll('_', ' ')})` : ''}`;
            return html`<li class="card from-family" aria-labelledby="reply-${item.inbound_id}">
              <p class="meta" id="reply-${item.inbound_id}"><strong>${item.contact_name}</strong> ${label} · ${item.channel === 'portal' ? 'family portal' : item.channel.toUpperCase()} · ${when.format(item.received_at)}${about ? html` · about <a href="/students/${about.studentId}">${about.name}</a>` : ''}</p>
              <p class="body" dir="auto">${item.body}</p>
              ${item.translated_body ? html`<p class="meta">Translated: ${item.translated_body}</p>` : ''}
              ${(attachments.get(item.inbound_id) ?? []).map(
                (attachment, index) =>
                  html`<p><a href="/inbox/attachments/${attachment.attachmentId}" target="_blank" rel="noopener">${attachment.contentType === 'application/pdf' ? 'The note (PDF)' : 'The photo of the note'}${index > 0 ? ` ${index + 1}` : ''}</a></p>`,
              )}
              ${
                intent.intent === 'absence_reason' && (intent.kind === 'late' || intent.kind === 'early')
                  ? html`<p class="meta">The family says ${about?.name ?? 'the child'} will ${intent.kind === 'late' ? 'arrive late' : 'leave early'} on ${intent.date}: mark it when attendance is taken that day.</p>`
                  : intent.intent === 'absence_reason' && students.length > 0
                    ? html`<form method="post" action="/inbox/${item.inbound_id}/record-absence" class="inline-form">
                  <label for="student-${item.inbound_id}">Student</label>
                  <select id="student-${item.inbound_id}" name="studentId">${students.map(
                    (s) =>
                      html`<option value="${s.studentId}"${s.studentId === intent.studentId ? html` selected` : ''}>${s.name}</option>`,
                  )}</select>
                  <label for="date-${item.inbound_id}">Date</label>
                  <input id="date-${item.inbound_id}" name="date" type="date" value="${intent.date ?? today}">
                  <label for="reason-${item.inbound_id}">Reason</label>
                  <select id="reason-${item.inbound_id}" name="reason">${MARK_REASONS.map(
                    (reason) =>
                      html`<option value="${reason}"${reason === (intent.reason ?? 'unknown') ? html` selected` : ''}>${reason.replaceAll('_', ' ')}</option>`,
                  )}</select>
                  <label class="check"><input type="checkbox" name="excused" value="1"> Excused</label>
                  <button type="submit">Record absence<span class="visually-hidden"> for ${item.contact_name}'s reply</span></button>
                  ${intent.until && intent.until !== intent.date ? html`<small>The family reported ${intent.date} to ${intent.until}: record each school day.</small>` : ''}
                </form>`
                    : ''
              }
              <form method="post" action="/inbox/${item.inbound_id}/handled"><button type="submit" class="secondary">Done<span class="visually-hidden">: ${item.contact_name}'s reply</span></button></form>
            </li>`;
          })}</ul>`
        }`;
      return sendStaffPage(reply, {
        principal,
        config,
        current: 'inbox',
        title: 'Inbox',
        main,
        notice: request.query.notice,
      });
    },
  );

  // A family's photo of a note, for staff who may see their reply. Served as an attachment
  // that cannot run anything: its type was checked by its first bytes when it arrived.
  app.get<{ Params: { attachmentId: string } }>(
    '/inbox/attachments/:attachmentId',
    { config: { access: { roles: INBOX_READERS } } },
    async (request, reply) => {
      if (!/^[0-9a-f-]{36}$/.test(request.params.attachmentId))
        throw new AppError('NOT_FOUND', { message: 'No such attachment.' });
      const attachment = await loadAttachment(db, request.staff, request.params.attachmentId);
      return reply
        .type(attachment.contentType)
        .header('cache-control', 'private, no-store')
        .header(
          'content-security-policy',
          "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
        )
        .header('content-disposition', 'inline')
        .send(attachment.bytes);
    },
  );

  app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: 4096 });
    scope.post<{ Params: { inboundId: string }; Body: Record<string, string | undefined> }>(
      '/inbox/:inboundId/record-absence',
      { config: { access: { roles: INBOX_READERS } } },
      async (request, reply) => {
        const body = request.body ?? {};
        const reason = MARK_REASONS.find((r) => r === body.reason) as MarkReason | undefined;
        try {
          if (
            !/^[0-9a-f-]{36}$/.test(request.params.inboundId) ||
            !/^[0-9a-f-]{36}$/.test(body.studentId ?? '')
          )
            throw new AppError('NOT_FOUND', { message: 'No such reply.' });
          if (!/^\d{4}-\d{2}-\d{2}$/.test(body.date ?? ''))
            throw new AppError('INVALID_INPUT', { message: 'Give the date as YYYY-MM-DD.' });
          const recorded = await recordAbsenceFromReply(db, request.staff, request.params.inboundId, {
            studentId: body.studentId as string,
            date: body.date as string,
            excused: body.excused === '1',
            reason,
          });
          return redirectWithNotice(
            reply,
            '/inbox',
            `Recorded an ${recorded.category === 'excused_absence' ? 'excused' : 'unexcused'} absence on ${recorded.date} (${recorded.reason}).`,
          );
        } catch (error) {
          if (isAppError(error) && error.code === 'INVALID_INPUT')
            return redirectWithNotice(reply, '/inbox', `Not recorded: ${error.message}`);
          throw error;
        }
      },
    );
    scope.post<{ Params: { inboundId: string } }>(
      '/inbox/:inboundId/handled',
      { config: { access: { roles: INBOX_READERS } } },
      async (request, reply) => {
        if (!/^[0-9a-f-]{36}$/.test(request.params.inboundId))
          throw new AppError('NOT_FOUND', { message: 'No such reply.' });
        await markReplyHandled(db, request.staff, request.params.inboundId);
        return redirectWithNotice(reply, '/inbox', 'Marked done.');
      },
    );
  });
}
