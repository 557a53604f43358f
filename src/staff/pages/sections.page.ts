/**
 * Taking attendance on a phone or a tablet between classes: the sections a member takes
 * attendance for, and one section's roster for today with large choices per student
 * (present, absent, tardy, left early, with minutes). Saving shows what changed; marks can be
 * corrected the same day. The rules live in src/attendance/take-attendance.ts.
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { ATTENDANCE_TAKERS } from '../../attendance/take-attendance.routes.ts';
import {
  MARKS,
  type Mark,
  type MarkStatus,
  sectionRoster,
  takeAttendance,
} from '../../attendance/take-attendance.ts';
import { AppError, isAppError } from '../../platform/errors.ts';
import type { AppDependencies } from '../../platform/http/app.ts';
import { html } from '../../platform/http/html.ts';
import { districtToday } from '../../roster/district.repository.ts';
import { redirectWithNotice, sendStaffPage } from './staff-page.ts';

const MARK_LABELS: Readonly<Record<MarkStatus, string>> = {
  present: 'Present',
  absent: 'Absent',
  tardy: 'Late',
  early_departure: 'Left early',
};

export function registerSectionPages(app: FastifyInstance, dependencies: AppDependencies): void {
  const { config } = dependencies;
  const db = dependencies.database.db;

  app.get<{ Querystring: { notice?: string } }>(
    '/sections',
    { config: { access: { roles: ATTENDANCE_TAKERS } } },
    async (request, reply) => {
      const principal = request.staff;
      const { rows } = await sql<{ section_id: string; name: string; school_name: string; students: number }>`
      SELECT s.section_id, s.name, sc.name AS school_name,
        (SELECT count(*)::int FROM section_enrolments se WHERE se.district_id = s.district_id AND se.section_id = s.section_id
          AND se.end_date_exclusive IS NULL) AS students
      FROM section_staff ss
      JOIN sections s ON s.district_id = ss.district_id AND s.section_id = ss.section_id
      JOIN schools sc ON sc.district_id = s.district_id AND sc.school_id = s.school_id
      WHERE ss.district_id = ${principal.districtId} AND ss.user_id = ${principal.userId}
      ORDER BY s.is_homeroom DESC, s.name`.execute(db);
      const main = html`<h1>Take attendance</h1>
      ${
        rows.length === 0
          ? html`<p class="empty">You teach no sections. Attendance staff can open any section of their school from its address, /sections/&lt;id&gt;.</p>`
          : html`<ul class="cards">${rows.map((section) => html`<li class="card"><h2><a href="/sections/${section.section_id}">${section.name}</a></h2><p>${section.school_name} · ${section.students} students</p></li>`)}</ul>`
      }`;
      return sendStaffPage(reply, {
        principal,
        config,
        current: 'sections',
        title: 'Take attendance',
        main,
        notice: request.query.notice,
      });
    },
  );

  app.get<{ Params: { sectionId: string }; Querystring: { notice?: string } }>(
    '/sections/:sectionId',
    { config: { access: { roles: ATTENDANCE_TAKERS } } },
    async (request, reply) => {
      const principal = request.staff;
      const { sectionId } = request.params;
      if (!/^[0-9a-f-]{36}$/i.test(sectionId))
        throw new AppError('NOT_FOUND', { message: 'No such section among yours.' });
      const today = await districtToday(db, principal.districtId);
      const { section, roster } = await sectionRoster(db, principal, sectionId, today);
      const main = html`<p><a href="/sections">← My sections</a></p>
        <h1>${section.name}</h1>
        <p>${today} · everyone is present unless you mark otherwise.</p>
        <form method="post" action="/sections/${sectionId}">
          <input type="hidden" name="date" value="${today}">
          <div class="table-wrap"><table class="data">
            <caption class="visually-hidden">Attendance for ${section.name} on ${today}</caption>
            <thead><tr><th scope="col">Student</th><th scope="col">Mark</th><th scope="col">Minutes (late or left early)</th></tr></thead>
            <tbody>${roster.map(
              (entry) => html`<tr>
              <th scope="row">${entry.name}</th>
              <td><fieldset class="marks"><legend class="visually-hidden">${entry.name}</legend>
                ${MARKS.map((status) => html`<label><input type="radio" name="mark.${entry.studentId}" value="${status}"${entry.mark.status === status ? html` checked` : ''}> ${MARK_LABELS[status]}</label>`)}
              </fieldset></td>
              <td><label class="visually-hidden" for="minutes-${entry.studentId}">Minutes for ${entry.name}</label>
                <input class="minutes" id="minutes-${entry.studentId}" name="minutes.${entry.studentId}" type="number" min="1" max="600" inputmode="numeric" value="${entry.mark.minutes ?? ''}"></td>
            </tr>`,
            )}</tbody>
          </table></div>
          <p><button type="submit">Save attendance</button></p>
        </form>`;
      return sendStaffPage(reply, {
        principal,
        config,
        current: 'sections',
        title: section.name,
        main,
        notice: request.query.notice,
      });
    },
  );

  app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: 65_536 });
    scope.post<{ Params: { sectionId: string }; Body: Record<string, string> }>(
      '/sections/:sectionId',
      { config: { access: { roles: ATTENDANCE_TAKERS } } },
      async (request, reply) => {
        const { sectionId } = request.params;
        const body = request.body ?? {};
        const marks: Mark[] = [];
        for (const [name, value] of Object.entries(body)) {
          const studentId = /^mark\.([0-9a-f-]{36})$/i.exec(name)?.[1];
          if (!studentId || !MARKS.includes(value as MarkStatus)) continue;
          const status = value as MarkStatus;
          const minutes = Number.parseInt(body[`minutes.${studentId}`] ?? '', 10);
          marks.push({
            studentId,
            status,
            ...((status === 'tardy' || status === 'early_departure') && Number.isFinite(minutes)
              ? { minutes }
              : {}),
          });
        }
        try {
          const result = await takeAttendance(db, request.staff, sectionId, body.date ?? '', marks);
          const absent = result.roster.filter((entry) => entry.mark.status !== 'present').length;
          return redirectWithNotice(
            reply,
            `/sections/${sectionId}`,
            `Saved: ${result.changed} ${result.changed === 1 ? 'change' : 'changes'}; ${absent} not present.`,
          );
        } catch (error) {
          if (isAppError(error) && (error.code === 'INVALID_INPUT' || error.code === 'FORBIDDEN')) {
            return redirectWithNotice(reply, `/sections/${sectionId}`, `Not saved: ${error.message}`);
          }
          throw error;
        }
      },
    );
  });
}
