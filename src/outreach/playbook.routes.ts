/**
 * Playbooks and tasks over HTTP: the district's playbooks, saving one (validated, versioned) or
 * turning it on, its dry run, running it now; each member's worklist of tasks (sorted by due
 * date) and marking a task done; a student's outreach history with why each step fired.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { AppError } from '../platform/errors.ts';
import type { AppDependencies } from '../platform/http/app.ts';
import type { StaffRole } from '../staff/staff-principal.ts';
import { isStudentVisible, visibleStudent } from '../staff/student-scope.ts';
import { dryRun, listPlaybooks, runPlaybook, savePlaybook } from './playbook.service.ts';

export const PLAYBOOK_ADMINS: readonly StaffRole[] = ['district_admin'];
const PLAYBOOK_READERS: readonly StaffRole[] = ['district_admin', 'school_admin', 'attendance_champion'];
export const TASK_WORKERS: readonly StaffRole[] = [
  'district_admin',
  'school_admin',
  'attendance_champion',
  'counselor',
  'teacher',
];

const Uuid = Type.String({ format: 'uuid' });
const KeyParams = Type.Object({ key: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' }) });
const SaveBody = Type.Object(
  { definition: Type.Optional(Type.Unknown()), enabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export function registerPlaybookRoutes(app: FastifyInstance, dependencies: AppDependencies): void {
  const db = dependencies.database.db;

  app.get('/api/playbooks', { config: { access: { roles: PLAYBOOK_READERS } } }, async (request) => ({
    playbooks: await listPlaybooks(db, request.staff.districtId),
  }));

  app.put<{ Params: Static<typeof KeyParams>; Body: Static<typeof SaveBody> }>(
    '/api/playbooks/:key',
    { config: { access: { roles: PLAYBOOK_ADMINS } }, schema: { params: KeyParams, body: SaveBody } },
    async (request) => savePlaybook(db, request.staff, request.params.key, request.body),
  );

  app.get<{ Params: Static<typeof KeyParams> }>(
    '/api/playbooks/:key/dry-run',
    { config: { access: { roles: PLAYBOOK_ADMINS } }, schema: { params: KeyParams } },
    async (request) => dryRun(db, request.staff.districtId, request.params.key),
  );

  app.post<{ Params: Static<typeof KeyParams> }>(
    '/api/playbooks/:key/run',
    { config: { access: { roles: PLAYBOOK_ADMINS } }, schema: { params: KeyParams } },
    async (request) => {
      const queue = dependencies.queue;
      if (!queue)
        throw new AppError('UNAVAILABLE', {
          message: 'The job queue is not running, so nothing can be sent.',
        });
      return { steps: await runPlaybook({ db, queue }, request.staff.districtId, request.params.key) };
    },
  );

  app.get('/api/tasks', { config: { access: { roles: TASK_WORKERS } } }, async (request) => {
    const principal = request.staff;
    const { rows } = await sql<Record<string, unknown>>`
      SELECT k.task_id, k.student_id, coalesce(s.preferred_name, s.first_name) || ' ' || s.last_name AS student_name,
        k.title, k.assignee_role, k.due_date::text AS due_date, k.why, k.source, k.created_at
      FROM tasks k JOIN students s ON s.district_id = k.district_id AND s.student_id = k.student_id
      WHERE k.district_id = ${principal.districtId} AND k.status = 'open'
        AND k.assignee_role IN (${sql.join(principal.roles)})
        AND ${visibleStudent(principal, sql.ref('k.student_id'))}
      ORDER BY k.due_date, k.created_at LIMIT 200`.execute(db);
    return { tasks: rows };
  });

  app.post<{ Params: { taskId: string } }>(
    '/api/tasks/:taskId/done',
    { config: { access: { roles: TASK_WORKERS } }, schema: { params: Type.Object({ taskId: Uuid }) } },
    async (request) => {
      const principal = request.staff;
      const result = await sql`
        UPDATE tasks k SET status = 'done', done_at = now(), done_by = ${principal.userId}
        WHERE k.district_id = ${principal.districtId} AND k.task_id = ${request.params.taskId} AND k.status = 'open'
          AND ${visibleStudent(principal, sql.ref('k.student_id'))}`.execute(db);
      if (Number(result.numAffectedRows ?? 0) === 0)
        throw new AppError('NOT_FOUND', { message: 'No such open task.' });
      return { taskId: request.params.taskId, status: 'done' };
    },
  );

  app.get<{ Params: { studentId: string } }>(
    '/api/students/:studentId/outreach',
    { config: { access: { roles: TASK_WORKERS } }, schema: { params: Type.Object({ studentId: Uuid }) } },
    async (request) => {
      const principal = request.staff;
      const { studentId } = request.params;
      if (!(await isStudentVisible(db, principal, studentId)))
        throw new AppError('NOT_FOUND', { message: 'No such student.' });
      const [firings, tasks] = await Promise.all([
        sql<
          Record<string, unknown>
        >`SELECT playbook_key, step_id, threshold, playbook_version, why, outcome, fired_at
          FROM playbook_firings WHERE district_id = ${principal.districtId} AND student_id = ${studentId}
          ORDER BY fired_at`.execute(db),
        sql<
          Record<string, unknown>
        >`SELECT task_id, title, assignee_role, due_date::text AS due_date, status, why
          FROM tasks WHERE district_id = ${principal.districtId} AND student_id = ${studentId} ORDER BY created_at`.execute(
          db,
        ),
      ]);
      return { studentId, steps: firings.rows, tasks: tasks.rows };
    },
  );
}
