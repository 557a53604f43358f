/**
 * The staff pages about students: the list (filters and paging on the server, sorted by who
 * needs attention most) and one student's page — the figures and why they are flagged, the
 * trajectory against the 90% line, the guardians with their language and consent, the
 * conversation with the family, and a form to send a built-in message.
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { listStudents, type StudentListItem } from '../../attendance/attendance.repository.ts';
import { STUDENT_READERS, studentDetail } from '../../attendance/attendance.routes.ts';
import { TIERS, type Tier } from '../../attendance/definition-profiles.ts';
import { CONFERENCE_HOSTS } from '../../family/conference.routes.ts';
import {
  CONFERENCE_MODES,
  offerConferenceSlots,
  studentConferenceSlots,
} from '../../family/conference.service.ts';
import {
  SENDABLE_TEMPLATE_KEYS,
  TEMPLATE_CHANNELS,
  type TemplateKey,
  templateVariables,
} from '../../messaging/content/templates.ts';
import { listConversation } from '../../messaging/conversation.repository.ts';
import { MESSAGE_SENDERS } from '../../messaging/messaging.routes.ts';
import { messageFamily } from '../../messaging/messaging.service.ts';
import { zonedInstant } from '../../messaging/send-window.ts';
import { neutraliseCell } from '../../platform/csv-cells.ts';
import { AppError, isAppError } from '../../platform/errors.ts';
import type { AppDependencies } from '../../platform/http/app.ts';
import { html, type SafeHtml } from '../../platform/http/html.ts';
import { trajectoryChart } from '../../platform/http/trajectory-chart.ts';
import { districtTimeZone } from '../../roster/district.repository.ts';
import { visibleStudent } from '../student-scope.ts';
import { redirectWithNotice, sendStaffPage } from './staff-page.ts';

const TIER_LABELS: Readonly<Record<Tier, string>> = {
  satisfactory: 'Satisfactory',
  at_risk: 'At risk',
  moderate_chronic: 'Moderate chronic',
  severe_chronic: 'Severe chronic',
};
const PATTERN_LABELS: Readonly<Record<string, string>> = {
  weekday: 'one weekday',
  around_breaks: 'around breaks',
  skipped_section: 'skips a class',
  worsening: 'worsening',
  improving: 'improving',
  early_signal: 'early signal',
};
/** What Homeroom fills in by itself from the student's record (messaging.service.ts). */
const AUTOMATIC_VALUES = new Set([
  'childName',
  'schoolName',
  'districtName',
  'staffName',
  'schoolPhone',
  'daysMissed',
  'projectedDays',
  'yearEndMonth',
  'daysAttended',
  'daysScheduled',
]);
/**
 * Templates staff send from a student's page: those that go by text and need nothing typed in
 * (conference invitations need a time, and arrive with conferences; replies are not sent by hand).
 */
const SENDABLE: readonly TemplateKey[] = SENDABLE_TEMPLATE_KEYS.filter(
  (key) =>
    TEMPLATE_CHANNELS[key].includes('sms') &&
    ![
      'consent_confirmation',
      'opt_out_confirmation',
      'opt_in_confirmation',
      'help_reply',
      'weekly_digest',
    ].includes(key) &&
    templateVariables(key).every((name) => AUTOMATIC_VALUES.has(name)),
);
const TEMPLATE_LABELS: Readonly<Record<string, string>> = {
  same_day_check_in: 'Same-day check-in (we missed your child today)',
  real_number: 'The real number, with the projection',
  improvement_celebration: 'Celebrate improvement',
  weekly_summary: 'Weekly summary',
  monthly_summary: 'Monthly summary',
  conference_invitation: 'Conference invitation',
  conference_reminder: 'Conference reminder',
  survey_invitation: 'How is school going? (1 to 10)',
  no_answer_follow_up: 'Follow-up when nobody answered',
};

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;
/** The figures store the share of days missed; people read attendance (the share attended). */
const attendance = (absenceRate: number) => percent(1 - absenceRate);
const number = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));
const tierBadge = (tier: Tier) => html`<span class="tier tier-${tier}">${TIER_LABELS[tier]}</span>`;

interface ListQuery {
  readonly q?: string;
  readonly tier?: string;
  readonly chronic?: string;
  readonly onTrack?: string;
  readonly schoolId?: string;
  readonly page?: string;
  readonly notice?: string;
}

function renderRow(student: StudentListItem): SafeHtml {
  return html`<tr>
    <td><a href="/students/${student.studentId}">${student.name}</a><br><small>${student.localId}</small></td>
    <td>${student.gradeLevel}</td>
    <td>${student.schoolName}</td>
    <td class="num">${number(student.daysAbsent)} / ${student.daysEnrolled}</td>
    <td class="num">${attendance(student.rate)}</td>
    <td>${tierBadge(student.tier)}${student.onTrack && !student.chronic ? html`<br><small>on track to be chronic</small>` : ''}</td>
    <td class="num">${Math.round(student.projected)}</td>
    <td>${student.patterns.map((pattern) => PATTERN_LABELS[pattern] ?? pattern).join(', ')}</td>
  </tr>`;
}

/** Most rows one export may hold (a district's whole list fits; a runaway query does not). */
export const EXPORT_LIMIT = 50_000;

/** One CSV cell: formulas neutralised, quoted when it holds a comma, quote or line break. */
function csvCell(value: string | number | boolean | null): string {
  const text = neutraliseCell(value === null ? '' : String(value));
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function registerStudentPages(app: FastifyInstance, dependencies: AppDependencies): void {
  const { config } = dependencies;
  const db = dependencies.database.db;

  /** The list's filters from the query string, checked (unknown values are ignored, as a form would send them). */
  async function filtersOf(principal: FastifyRequest['staff'], query: ListQuery) {
    const tier = TIERS.includes(query.tier as Tier) ? (query.tier as Tier) : undefined;
    const search = query.q?.trim().slice(0, 100) || undefined;
    const { rows: schools } = await sql<{ school_id: string; name: string }>`
      SELECT school_id, name FROM schools WHERE district_id = ${principal.districtId} ORDER BY name`.execute(
      db,
    );
    const schoolId = schools.some((school) => school.school_id === query.schoolId)
      ? query.schoolId
      : undefined;
    const filter = {
      ...(tier ? { tiers: [tier] } : {}),
      ...(query.chronic === 'on' ? { chronic: true } : {}),
      ...(query.onTrack === 'on' ? { onTrack: true } : {}),
      ...(schoolId ? { schoolId } : {}),
      ...(search ? { search } : {}),
    };
    const params = new URLSearchParams(
      Object.entries({ q: search, tier, chronic: query.chronic, onTrack: query.onTrack, schoolId }).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    );
    return { tier, search, schoolId, schools, filter, params };
  }

  app.get<{ Querystring: ListQuery }>(
    '/students/export.csv',
    { config: { access: { roles: STUDENT_READERS } } },
    async (request, reply) => {
      const principal = request.staff;
      const { filter } = await filtersOf(principal, request.query);
      const students: StudentListItem[] = [];
      for (let page = 1; students.length < EXPORT_LIMIT; page += 1) {
        const list = await listStudents(
          db,
          principal.districtId,
          (ref) => visibleStudent(principal, ref),
          filter,
          {
            page,
            pageSize: 200,
            sort: 'rate_desc',
          },
        );
        students.push(...list.students);
        if (list.students.length < 200 || students.length >= list.total) break;
      }
      // Every export is recorded against each student in it (FERPA 34 CFR 99.32 asks for a record of disclosures).
      if (students.length > 0) {
        await sql`
          INSERT INTO audit_log (district_id, actor_type, actor_id, actor_role, student_id, action, target_type, outcome,
            is_disclosure, detail, ip)
          SELECT ${principal.districtId}, 'staff', ${principal.userId}, ${principal.roles[0] ?? null}, id, 'students.export',
            'student', 'allowed', true, ${JSON.stringify({ filter, rows: students.length })}, ${request.ip}
          FROM unnest(${students.map((student) => student.studentId)}::uuid[]) AS id`.execute(db);
      }
      const header = [
        'local_id',
        'name',
        'grade',
        'school',
        'days_enrolled',
        'days_absent',
        'attendance_rate',
        'tier',
        'chronic',
        'on_track_to_be_chronic',
        'projected_absences',
        'patterns',
      ];
      const rows = students.map((student) =>
        [
          student.localId,
          student.name,
          student.gradeLevel,
          student.schoolName,
          student.daysEnrolled,
          number(student.daysAbsent),
          (1 - student.rate).toFixed(4),
          student.tier,
          student.chronic,
          student.onTrack,
          Math.round(student.projected),
          student.patterns.join(' '),
        ]
          .map(csvCell)
          .join(','),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="students.csv"')
        .header('cache-control', 'no-store')
        .send(`\uFEFF${[header.join(','), ...rows].join('\r\n')}\r\n`);
    },
  );

  app.get<{ Querystring: ListQuery }>(
    '/students',
    { config: { access: { roles: STUDENT_READERS } } },
    async (request, reply) => {
      const principal = request.staff;
      const query = request.query;
      const page = Math.max(1, Number.parseInt(query.page ?? '1', 10) || 1);
      const { tier, search, schoolId, schools, filter, params } = await filtersOf(principal, query);
      const list = await listStudents(
        db,
        principal.districtId,
        (ref) => visibleStudent(principal, ref),
        filter,
        {
          page,
          pageSize: 25,
          sort: 'rate_desc',
        },
      );
      const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
      const link = (target: number) => {
        const withPage = new URLSearchParams(params);
        withPage.set('page', String(target));
        return `/students?${withPage}`;
      };
      const main = html`<h1>Students</h1>
      <form class="filters" method="get" action="/students" role="search">
        <label>Name or ID <input type="search" name="q" value="${search ?? ''}"></label>
        <label>Tier <select name="tier"><option value="">Any tier</option>${TIERS.map((value) => html`<option value="${value}"${value === tier ? html` selected` : ''}>${TIER_LABELS[value]}</option>`)}</select></label>
        <label>School <select name="schoolId"><option value="">All my schools</option>${schools.map((school) => html`<option value="${school.school_id}"${school.school_id === schoolId ? html` selected` : ''}>${school.name}</option>`)}</select></label>
        <label class="check"><input type="checkbox" name="chronic"${query.chronic === 'on' ? html` checked` : ''}> Chronically absent</label>
        <label class="check"><input type="checkbox" name="onTrack"${query.onTrack === 'on' ? html` checked` : ''}> On track to be chronic</label>
        <button type="submit">Show</button>
      </form>
      <p>${list.total.toLocaleString('en-US')} ${list.total === 1 ? 'student' : 'students'}${list.asOf ? `, figures as of ${list.asOf}` : ''}; lowest attendance first. <a href="/students/export.csv?${params}" download>Download as CSV</a> (each download is recorded for every student in it).</p>
      ${
        list.students.length === 0
          ? html`<p class="empty">No students match these filters.</p>`
          : html`<div class="table-wrap"><table class="data">
        <caption class="visually-hidden">Students, lowest attendance first</caption>
        <thead><tr><th scope="col">Student</th><th scope="col">Grade</th><th scope="col">School</th><th scope="col" class="num">Days absent / enrolled</th><th scope="col" class="num">Attendance</th><th scope="col">Tier</th><th scope="col" class="num">Projected absences</th><th scope="col">Patterns</th></tr></thead>
        <tbody>${list.students.map(renderRow)}</tbody>
      </table></div>`
      }
      <nav class="pager" aria-label="Pages">
        ${page > 1 ? html`<a href="${link(page - 1)}">Previous</a>` : ''}
        <span>Page ${page} of ${pages}</span>
        ${page < pages ? html`<a href="${link(page + 1)}">Next</a>` : ''}
      </nav>`;
      return sendStaffPage(reply, {
        principal,
        config,
        current: 'students',
        title: 'Students',
        main,
        notice: query.notice,
      });
    },
  );

  app.get<{ Params: { studentId: string }; Querystring: { notice?: string } }>(
    '/students/:studentId',
    { config: { access: { roles: STUDENT_READERS } } },
    async (request, reply) => {
      const principal = request.staff;
      const { studentId } = request.params;
      if (!/^[0-9a-f-]{36}$/i.test(studentId))
        throw new AppError('NOT_FOUND', { message: 'No such student.' });
      const detail = await studentDetail(db, principal, studentId);
      await sql`INSERT INTO audit_log (district_id, actor_type, actor_id, actor_role, student_id, action, target_type, target_id, outcome, ip)
        VALUES (${principal.districtId}, 'staff', ${principal.userId}, ${principal.roles[0] ?? null}, ${studentId},
          'attendance.view-student', 'student', ${studentId}, 'allowed', ${request.ip})`.execute(db);
      const main = await renderStudent(request, studentId, detail);
      return sendStaffPage(reply, {
        principal,
        config,
        current: 'students',
        title: detail.name,
        main,
        notice: request.query.notice,
      });
    },
  );

  async function renderStudent(
    request: FastifyRequest,
    studentId: string,
    detail: Awaited<ReturnType<typeof studentDetail>>,
  ) {
    const principal = request.staff;
    const total = detail.total;
    const guardians = await sql<{
      contact_id: string;
      name: string;
      relationship: string;
      preferred_language: string;
      preferred_channel: string;
      opted_out: string[] | null;
      receives_attendance_messages: boolean;
    }>`
      SELECT c.contact_id, c.first_name || ' ' || c.last_name AS name, sc.relationship, c.preferred_language, c.preferred_channel,
        sc.receives_attendance_messages,
        (SELECT array_agg(cc.channel ORDER BY cc.channel) FROM contact_consents cc WHERE cc.district_id = c.district_id
          AND cc.contact_id = c.contact_id AND cc.status = 'opted_out') AS opted_out
      FROM student_contacts sc JOIN contacts c ON c.district_id = sc.district_id AND c.contact_id = sc.contact_id
      WHERE sc.district_id = ${principal.districtId} AND sc.student_id = ${studentId}
      ORDER BY sc.contact_priority, c.last_name`.execute(db);
    const conversation = await listConversation(
      db,
      principal.districtId,
      { studentId },
      { newestFirst: true, limit: 30 },
    );
    const when = new Intl.DateTimeFormat('en-US', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: 'UTC',
    });
    const canSend = MESSAGE_SENDERS.some((role) => principal.roles.includes(role));
    const canMeet = CONFERENCE_HOSTS.some((role) => principal.roles.includes(role));
    const slots = canMeet ? await studentConferenceSlots(db, principal, studentId) : [];
    const timeZone = await districtTimeZone(db, principal.districtId);
    const slotTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone });
    return html`<p><a href="/students">← All students</a></p>
      <h1>${detail.name}</h1>
      <p>Grade ${detail.gradeLevel} · ${detail.school.name} · ID ${detail.localId} · figures as of ${detail.asOf} (${detail.profile.name})</p>
      <div class="figures-row">
        <div class="figure"><span class="value">${attendance(total.rate as number)}</span> attendance</div>
        <div class="figure"><span class="value">${number(total.daysAbsent as number)}</span> days missed of ${total.daysEnrolled}</div>
        <div class="figure"><span class="value">${Math.round(detail.projection.atCurrentPace as number)}</span> days projected by the end of the year</div>
        <div class="figure"><span class="value">${tierBadge(total.tier as Tier)}</span> ${detail.projection.onTrackToBeChronic && !total.chronic ? 'on track to be chronic' : ''}</div>
      </div>
      <section aria-labelledby="why"><h2 id="why">${detail.explanation.flagged ? 'Why this student is flagged' : 'How this student is doing'}</h2>
        <ul>${detail.explanation.reasons.map((reason) => html`<li>${reason.text}</li>`)}</ul>
      </section>
      <section aria-labelledby="trajectory"><h2 id="trajectory">Trajectory</h2>${trajectoryChart(
        detail.history.map((point) => ({ asOf: point.asOf, rate: 1 - point.rate })),
      )}</section>
      <section aria-labelledby="family"><h2 id="family">Family</h2>
        ${
          guardians.rows.length === 0
            ? html`<p class="empty">No guardians on file.</p>`
            : html`<div class="table-wrap"><table class="data"><thead><tr><th scope="col">Guardian</th><th scope="col">Relationship</th><th scope="col">Language</th><th scope="col">Prefers</th><th scope="col">Opted out of</th></tr></thead>
          <tbody>${guardians.rows.map((guardian) => html`<tr><td>${guardian.name}${guardian.receives_attendance_messages ? '' : html`<br><small>no attendance messages</small>`}</td><td>${guardian.relationship.replaceAll('_', ' ')}</td><td>${guardian.preferred_language}</td><td>${guardian.preferred_channel}</td><td>${guardian.opted_out?.join(', ') ?? '—'}</td></tr>`)}</tbody></table></div>`
        }
      </section>
      ${
        canSend
          ? html`<section aria-labelledby="send"><h2 id="send">Send a message to the family</h2>
        <form class="stack" method="post" action="/students/${studentId}/messages">
          <label for="template">Message</label>
          <select id="template" name="template">${SENDABLE.map((key) => html`<option value="${key}">${TEMPLATE_LABELS[key] ?? key}</option>`)}</select>
          <label class="check"><input type="checkbox" name="alert"> This is a same-day absence alert</label>
          <p><small>Each guardian gets it in their language, on the channel they can use, within quiet hours.</small></p>
          <button type="submit">Send</button>
        </form></section>`
          : ''
      }
      ${
        canMeet
          ? html`<section aria-labelledby="meet"><h2 id="meet">Meeting the family</h2>
        ${
          slots.length === 0
            ? html`<p class="empty">No times offered yet.</p>`
            : html`<ul>${slots.map((slot) => html`<li>${slotTime.format(slot.startsAt)} · ${slot.minutes} min · ${slot.mode.replace('_', ' ')}${slot.location ? ` · ${slot.location}` : ''} · with ${slot.hostName} · <strong>${slot.status}</strong></li>`)}</ul>`
        }
        <form class="stack" method="post" action="/students/${studentId}/conference-slots">
          <p><small>Offer up to three times; the family books one in their portal (times in ${timeZone}).</small></p>
          ${[1, 2, 3].map(
            (n) => html`<fieldset><legend>Time ${n}${n > 1 ? ' (optional)' : ''}</legend>
            <label for="date-${n}">Date</label><input id="date-${n}" name="date-${n}" type="date"${n === 1 ? html` required` : ''}>
            <label for="time-${n}">Start</label><input id="time-${n}" name="time-${n}" type="time"${n === 1 ? html` required` : ''}>
            <label for="minutes-${n}">Length</label><select id="minutes-${n}" name="minutes-${n}"><option value="20">20 minutes</option><option value="30">30 minutes</option><option value="45">45 minutes</option></select>
            <label for="mode-${n}">How</label><select id="mode-${n}" name="mode-${n}"><option value="in_person">In person</option><option value="phone">By phone</option><option value="video">By video</option></select>
            <label for="location-${n}">Where (optional)</label><input id="location-${n}" name="location-${n}" maxlength="200">
          </fieldset>`,
          )}
          <button type="submit">Offer these times</button>
        </form></section>`
          : ''
      }
      <section aria-labelledby="conversation"><h2 id="conversation">Conversation</h2>
        ${
          conversation.length === 0
            ? html`<p class="empty">No messages yet.</p>`
            : html`<ul class="outbox">${conversation.map(
                (item) => html`<li class="card${item.direction === 'in' ? ' from-family' : ''}">
            <p class="meta">${item.direction === 'out' ? 'To' : 'From'} <strong>${item.contact_name}</strong> · ${item.channel.toUpperCase()} · ${when.format(item.at)} UTC · <span class="status">${item.status}</span></p>
            <p class="body">${item.body}</p>
            ${item.intent?.intent && item.intent.intent !== 'unknown' ? html`<p class="meta">Reads as: ${item.intent.intent.replaceAll('_', ' ')}${item.intent.barrier ? ` (${item.intent.barrier.replaceAll('_', ' ')})` : ''}</p>` : ''}
          </li>`,
              )}</ul>`
        }
      </section>`;
  }

  app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: 16_384 });
    scope.post<{ Params: { studentId: string }; Body: Record<string, string | undefined> }>(
      '/students/:studentId/conference-slots',
      { config: { access: { roles: CONFERENCE_HOSTS } } },
      async (request, reply) => {
        const { studentId } = request.params;
        const body = request.body ?? {};
        const timeZone = await districtTimeZone(db, request.staff.districtId);
        const slots = [1, 2, 3]
          .filter((n) => body[`date-${n}`] && body[`time-${n}`])
          .map((n) => {
            const date = body[`date-${n}`] as string;
            const [hours = 0, minutes = 0] = (body[`time-${n}`] as string).split(':').map(Number);
            if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !Number.isFinite(hours) || !Number.isFinite(minutes))
              throw new AppError('INVALID_INPUT', { message: `Time ${n} is not a date and a time.` });
            const mode = CONFERENCE_MODES.find((m) => m === body[`mode-${n}`]) ?? 'in_person';
            return {
              startsAt: zonedInstant(date, hours * 60 + minutes, timeZone).toISOString(),
              minutes: [20, 30, 45].includes(Number(body[`minutes-${n}`]))
                ? Number(body[`minutes-${n}`])
                : 20,
              mode,
              location: body[`location-${n}`] || undefined,
            };
          });
        if (slots.length === 0)
          return redirectWithNotice(
            reply,
            `/students/${studentId}`,
            'Nothing offered: give at least one date and time.',
          );
        try {
          await offerConferenceSlots(db, request.staff, studentId, slots);
          return redirectWithNotice(
            reply,
            `/students/${studentId}`,
            `Offered ${slots.length} ${slots.length === 1 ? 'time' : 'times'}: the family can book one in their portal.`,
          );
        } catch (error) {
          if (isAppError(error) && error.code === 'INVALID_INPUT')
            return redirectWithNotice(reply, `/students/${studentId}`, `Not offered: ${error.message}`);
          throw error;
        }
      },
    );

    scope.post<{ Params: { studentId: string }; Body: { template?: string; alert?: string } }>(
      '/students/:studentId/messages',
      { config: { access: { roles: MESSAGE_SENDERS } } },
      async (request, reply) => {
        const { studentId } = request.params;
        const template = SENDABLE.find((key) => key === request.body?.template);
        if (!template) throw new AppError('INVALID_INPUT', { message: 'Choose one of the listed messages.' });
        const queue = dependencies.queue;
        if (!queue)
          throw new AppError('UNAVAILABLE', {
            message: 'The job queue is not running, so nothing can be sent.',
          });
        try {
          const result = await messageFamily({ db, queue }, request.staff, studentId, {
            content: { template },
            category: request.body?.alert === 'on' ? 'attendance_alert' : 'general',
          });
          const sent = result.messages.length;
          const notice =
            sent === 0
              ? `Nothing was sent: ${result.unreachable.map((item) => `${item.contactName}: ${item.reason}`).join('; ') || 'no guardian gets these messages'}.`
              : `Sent to ${sent} ${sent === 1 ? 'guardian' : 'guardians'}${result.unreachable.length > 0 ? `; not reached: ${result.unreachable.map((item) => `${item.contactName} (${item.reason})`).join('; ')}` : ''}.`;
          return redirectWithNotice(reply, `/students/${studentId}`, notice);
        } catch (error) {
          if (isAppError(error) && error.code === 'INVALID_INPUT') {
            return redirectWithNotice(reply, `/students/${studentId}`, `Not sent: ${error.message}`);
          }
          throw error;
        }
      },
    );
  });
}
