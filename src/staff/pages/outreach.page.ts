/**
 * The worklist and the playbooks, as pages: a member's open tasks by due date with why each
 * exists (marked done with one button), and for district administrators the playbooks with
 * their dry run — what each step would do today, per school, with examples — and the switch
 * that turns one on or off.
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { PLAYBOOK_ADMINS, TASK_WORKERS } from '../../outreach/playbook.routes.ts';
import { dryRun, listPlaybooks, savePlaybook } from '../../outreach/playbook.service.ts';
import { AppError } from '../../platform/errors.ts';
import type { AppDependencies } from '../../platform/http/app.ts';
import { html } from '../../platform/http/html.ts';
import { districtToday } from '../../roster/district.repository.ts';
import { visibleStudent } from '../student-scope.ts';
import { redirectWithNotice, sendStaffPage } from './staff-page.ts';

export function registerOutreachPages(app: FastifyInstance, dependencies: AppDependencies): void {
  const { config } = dependencies;
  const db = dependencies.database.db;

  app.get<{ Querystring: { notice?: string } }>(
    '/worklist',
    { config: { access: { roles: TASK_WORKERS } } },
    async (request, reply) => {
      const principal = request.staff;
      const today = await districtToday(db, principal.districtId);
      const { rows } = await sql<{
        task_id: string;
        student_id: string;
        student_name: string;
        title: string;
        due_date: string;
        why: string;
      }>`
      SELECT k.task_id, k.student_id, coalesce(s.preferred_name, s.first_name) || ' ' || s.last_name AS student_name,
        k.title, k.due_date::text AS due_date, k.why
      FROM tasks k JOIN students s ON s.district_id = k.district_id AND s.student_id = k.student_id
      WHERE k.district_id = ${principal.districtId} AND k.status = 'open' AND k.assignee_role IN (${sql.join(principal.roles)})
        AND ${visibleStudent(principal, sql.ref('k.student_id'))}
      ORDER BY k.due_date, k.created_at LIMIT 200`.execute(db);
      const main = html`<h1>My worklist</h1>
      ${
        rows.length === 0
          ? html`<p class="empty">Nothing to do: no open tasks for your students.</p>`
          : html`<p>${rows.length} open ${rows.length === 1 ? 'task' : 'tasks'}, soonest due first.</p>
        <ul class="outbox">${rows.map(
          (task) => html`<li class="card">
            <p class="meta">${task.due_date < today ? html`<strong class="error">Overdue since ${task.due_date}</strong>` : html`Due ${task.due_date}`} · <a href="/students/${task.student_id}">${task.student_name}</a></p>
            <p class="body"><strong>${task.title}</strong></p>
            <p class="meta">Why: ${task.why}</p>
            <form method="post" action="/worklist/${task.task_id}/done"><button type="submit">Done<span class="visually-hidden">: ${task.title} for ${task.student_name}</span></button></form>
          </li>`,
        )}</ul>`
      }`;
      return sendStaffPage(reply, {
        principal,
        config,
        current: 'worklist',
        title: 'My worklist',
        main,
        notice: request.query.notice,
      });
    },
  );

  app.get<{ Querystring: { notice?: string } }>(
    '/playbooks',
    { config: { access: { roles: PLAYBOOK_ADMINS } } },
    async (request, reply) => {
      const principal = request.staff;
      const playbooks = await listPlaybooks(db, principal.districtId);
      const plans = await Promise.all(
        playbooks.map((playbook) => dryRun(db, principal.districtId, playbook.key)),
      );
      const main = html`<h1>Outreach playbooks</h1>
      <p>A playbook acts for each student when the figures say so: a message to the family or a task for staff, each step once per student and threshold this school year. Below is what each would do <strong>today</strong> (a dry run: nothing is sent).</p>
      ${plans.map(
        ({ playbook, steps }) => html`<section class="card" aria-labelledby="playbook-${playbook.key}">
        <h2 id="playbook-${playbook.key}">${playbook.definition.name} <span class="status">${playbook.enabled ? 'on' : 'off'}</span></h2>
        <p class="meta">Version ${playbook.version}</p>
        <div class="table-wrap"><table class="data"><thead><tr><th scope="col">Step</th><th scope="col" class="num">Students today</th><th scope="col">By school</th><th scope="col">For example</th></tr></thead>
          <tbody>${steps.map((step) => html`<tr><td>${step.description}</td><td class="num">${step.students}</td><td>${step.bySchool.map((school) => `${school.school}: ${school.students}`).join('; ') || '—'}</td><td>${step.examples[0]?.why ?? '—'}</td></tr>`)}</tbody></table></div>
        <form method="post" action="/playbooks/${playbook.key}">
          <input type="hidden" name="enabled" value="${playbook.enabled ? 'false' : 'true'}">
          <button type="submit">${playbook.enabled ? 'Turn off' : 'Turn on'}</button>
        </form>
      </section>`,
      )}`;
      return sendStaffPage(reply, {
        principal,
        config,
        current: 'playbooks',
        title: 'Outreach playbooks',
        main,
        notice: request.query.notice,
      });
    },
  );

  app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: 4096 });

    scope.post<{ Params: { taskId: string } }>(
      '/worklist/:taskId/done',
      { config: { access: { roles: TASK_WORKERS } } },
      async (request, reply) => {
        const principal = request.staff;
        if (!/^[0-9a-f-]{36}$/i.test(request.params.taskId))
          throw new AppError('NOT_FOUND', { message: 'No such task.' });
        const result = await sql`
        UPDATE tasks k SET status = 'done', done_at = now(), done_by = ${principal.userId}
        WHERE k.district_id = ${principal.districtId} AND k.task_id = ${request.params.taskId} AND k.status = 'open'
          AND ${visibleStudent(principal, sql.ref('k.student_id'))}`.execute(db);
        return redirectWithNotice(
          reply,
          '/worklist',
          Number(result.numAffectedRows ?? 0) > 0 ? 'Marked done.' : 'That task was already done.',
        );
      },
    );

    scope.post<{ Params: { key: string }; Body: { enabled?: string } }>(
      '/playbooks/:key',
      { config: { access: { roles: PLAYBOOK_ADMINS } } },
      async (request, reply) => {
        const enabled = request.body?.enabled === 'true';
        if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(request.params.key))
          throw new AppError('NOT_FOUND', { message: 'No such playbook.' });
        const saved = await savePlaybook(db, request.staff, request.params.key, { enabled });
        return redirectWithNotice(
          reply,
          '/playbooks',
          `${saved.definition.name} is ${saved.enabled ? 'on: it runs after each change in the figures' : 'off'}.`,
        );
      },
    );
  });
}
