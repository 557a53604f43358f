/**
 * Playbooks on the demo district: the built-in default is there and off; a dry run shows what
 * would happen and writes nothing; a run does exactly what the dry run showed — messages to
 * families through the outbox, tasks for staff — once per student, step and threshold; every
 * step says why; a playbook is validated and versioned; tasks make each member's worklist.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../test/support/database.ts';
import { type MessagingBench, startMessagingBench } from '../../test/support/messaging.ts';
import { signInAs } from '../../test/support/sign-in.ts';
import { backfillHistory } from '../attendance/attendance.service.ts';
import { DEFAULT_PLAYBOOK_KEY, dryRun, listPlaybooks, runPlaybook } from './playbook.service.ts';

let bench: MessagingBench;
let admin: string;

beforeAll(async () => {
  bench = await startMessagingBench();
  await backfillHistory(bench.database.db, bench.districtId, { asOf: '2027-01-15', everyDays: 30 });
  await sql`UPDATE messaging_settings SET quiet_start = '00:00', quiet_end = '24:00', weekly_budget_per_family = 50`.execute(
    bench.database.db,
  );
  admin = await signInAs(bench.app, 'admin@riverside.example.org');
}, 120_000);

afterAll(async () => {
  await bench?.close();
});

const count = async (table: 'playbook_firings' | 'tasks' | 'messages') =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(bench.database.db))
    .rows[0]?.n ?? 0;

describe(`playbooks (${testEngine()})`, () => {
  it('has the evidence-based default and the Ohio and Connecticut playbooks, off until the district turns one on', async () => {
    const playbooks = await listPlaybooks(bench.database.db, bench.districtId);
    expect(playbooks.map((playbook) => [playbook.key, playbook.enabled, playbook.version])).toEqual([
      ['connecticut', false, 1],
      [DEFAULT_PLAYBOOK_KEY, false, 1],
      ['ohio', false, 1],
    ]);
    expect(
      playbooks
        .find((playbook) => playbook.key === DEFAULT_PLAYBOOK_KEY)
        ?.definition.steps.map((step) => step.id),
    ).toEqual([
      'same-day-check-in',
      'early-signal-real-number',
      'on-track-real-number',
      'at-risk-teacher-call',
      'chronic-conference',
      'no-reply-intensify',
      'celebrate-improvement',
    ]);
  });

  it('shows in a dry run what would happen, per step and school with examples, writing nothing', async () => {
    const before = await Promise.all([count('playbook_firings'), count('tasks'), count('messages')]);
    const plan = await dryRun(bench.database.db, bench.districtId, DEFAULT_PLAYBOOK_KEY);
    expect(plan.steps.find((step) => step.stepId === 'chronic-conference')?.students).toBeGreaterThan(0);
    const chronic = plan.steps.find((step) => step.stepId === 'chronic-conference');
    expect(chronic?.bySchool.reduce((sum, school) => sum + school.students, 0)).toBe(chronic?.students);
    expect(chronic?.examples[0]?.why).toContain('moderate chronic tier or worse');
    expect(await Promise.all([count('playbook_firings'), count('tasks'), count('messages')])).toEqual(before);
  });

  it('does what the dry run showed, once per student and threshold, and says why', async () => {
    const plan = await dryRun(bench.database.db, bench.districtId, DEFAULT_PLAYBOOK_KEY);
    bench.queue.take();
    const run = await runPlaybook(
      { db: bench.database.db, queue: bench.queue },
      bench.districtId,
      DEFAULT_PLAYBOOK_KEY,
    );
    for (const step of plan.steps)
      expect(run.find((item) => item.stepId === step.stepId)?.fired).toBe(step.students);
    const conference = run.find((step) => step.stepId === 'chronic-conference');
    expect(conference?.tasks).toBe(conference?.fired);
    const realNumber = run.find((step) => step.stepId === 'early-signal-real-number');
    expect(realNumber?.messages).toBeGreaterThan(0);
    expect(bench.queue.take().filter((job) => job.name === 'messaging.send-message').length).toBe(
      run.reduce((sum, step) => sum + step.messages, 0),
    );
    const { rows } = await sql<{ template_key: string; created_by: string }>`
      SELECT DISTINCT template_key, created_by::text AS created_by FROM messages WHERE dedupe_key LIKE 'staff:playbook:%'`.execute(
      bench.database.db,
    );
    expect(rows.map((row) => row.template_key).sort()).toEqual(expect.arrayContaining(['real_number']));

    // Again: nothing new, whatever the figures still say.
    const again = await runPlaybook(
      { db: bench.database.db, queue: bench.queue },
      bench.districtId,
      DEFAULT_PLAYBOOK_KEY,
    );
    expect(again.every((step) => step.fired === 0)).toBe(true);
    expect(bench.queue.take()).toEqual([]);

    const { rows: firings } = await sql<{ student_id: string }>`SELECT student_id FROM playbook_firings
      WHERE step_id = 'chronic-conference' LIMIT 1`.execute(bench.database.db);
    const history = await bench.app.inject({
      method: 'GET',
      url: `/api/students/${firings[0]?.student_id}/outreach`,
      headers: { cookie: admin },
    });
    const body = history.json() as {
      steps: { step_id: string; why: string }[];
      tasks: { title: string; status: string }[];
    };
    expect(body.steps.find((step) => step.step_id === 'chronic-conference')?.why).toMatch(
      /moderate chronic tier or worse \(playbook "Evidence-based default", step "chronic-conference"\)/,
    );
    expect(body.tasks.map((task) => task.title)).toContain(
      'Offer a conference and make a success plan with the family',
    );
  });

  it('checks in the same day a student is absent without a reason, once that day; and steps up when a family does not reply', async () => {
    // 10:00 in the district on a school day.
    const now = new Date('2027-01-14T16:00:00Z');
    const { rows } = await sql<{ student_id: string; school_id: string }>`
      SELECT t.student_id, t.school_id FROM student_attendance t ORDER BY t.student_id LIMIT 1`.execute(
      bench.database.db,
    );
    const student = rows[0] as { student_id: string; school_id: string };
    await sql`DELETE FROM attendance_events WHERE student_id = ${student.student_id} AND date = '2027-01-14'`.execute(
      bench.database.db,
    );
    await sql`INSERT INTO attendance_events (district_id, student_id, school_id, date, category, source_system, source_id)
      VALUES (${bench.districtId}, ${student.student_id}, ${student.school_id}, '2027-01-14', 'unexcused_absence', 'test', 'absent-today')`.execute(
      bench.database.db,
    );
    const plan = await dryRun(bench.database.db, bench.districtId, DEFAULT_PLAYBOOK_KEY, now);
    const sameDay = plan.steps.find((step) => step.stepId === 'same-day-check-in');
    expect(sameDay?.students).toBeGreaterThan(0);
    bench.queue.take();
    const run = await runPlaybook(
      { db: bench.database.db, queue: bench.queue },
      bench.districtId,
      DEFAULT_PLAYBOOK_KEY,
      now,
    );
    expect(run.find((step) => step.stepId === 'same-day-check-in')?.fired).toBe(sameDay?.students);
    const { rows: alerts } = await sql<{
      category: string;
      template_key: string;
    }>`SELECT DISTINCT category, template_key FROM messages
      WHERE student_id = ${student.student_id} AND template_key = 'same_day_check_in'`.execute(
      bench.database.db,
    );
    expect(alerts).toEqual([{ category: 'attendance_alert', template_key: 'same_day_check_in' }]);
    const again = await runPlaybook(
      { db: bench.database.db, queue: bench.queue },
      bench.districtId,
      DEFAULT_PLAYBOOK_KEY,
      now,
    );
    expect(again.find((step) => step.stepId === 'same-day-check-in')?.fired).toBe(0);

    // Nobody replied for six days: the counselor is asked to reach the family another way.
    await sql`UPDATE messages SET created_at = now() - interval '6 days', status = 'delivered' WHERE student_id = ${student.student_id}`.execute(
      bench.database.db,
    );
    const later = await runPlaybook(
      { db: bench.database.db, queue: bench.queue },
      bench.districtId,
      DEFAULT_PLAYBOOK_KEY,
      now,
    );
    expect(later.find((step) => step.stepId === 'no-reply-intensify')?.tasks).toBeGreaterThan(0);
    const { rows: tasks } = await sql<{
      title: string;
    }>`SELECT title FROM tasks WHERE student_id = ${student.student_id}
      AND source = 'playbook:default:no-reply-intensify'`.execute(bench.database.db);
    expect(tasks).toHaveLength(1);
    bench.queue.take();
  });

  it("follows Ohio's absence-intervention timeline and Connecticut's parent meeting, in school days, never filing with a court by itself", async () => {
    const now = new Date('2027-01-14T16:00:00Z');
    const { rows } = await sql<{
      student_id: string;
    }>`SELECT student_id FROM student_attendance ORDER BY student_id DESC LIMIT 2`.execute(bench.database.db);
    const [ohio, connecticut] = rows.map((row) => row.student_id) as [string, string];
    await sql`UPDATE student_attendance SET oh_habitual_truant = true WHERE student_id = ${ohio}`.execute(
      bench.database.db,
    );
    await sql`UPDATE student_attendance SET ct_truant = true WHERE student_id = ${connecticut}`.execute(
      bench.database.db,
    );
    const plan = await dryRun(bench.database.db, bench.districtId, 'ohio', now);
    expect(plan.steps.filter((step) => step.stepId.startsWith('ait-')).map((step) => step.students)).toEqual([
      1, 1, 1, 1,
    ]);
    await runPlaybook({ db: bench.database.db, queue: bench.queue }, bench.districtId, 'ohio', now);
    await runPlaybook({ db: bench.database.db, queue: bench.queue }, bench.districtId, 'connecticut', now);
    const { rows: tasks } = await sql<{
      student_id: string;
      title: string;
      due_date: string;
      school_day: boolean;
    }>`
      SELECT k.student_id, k.title, k.due_date::text AS due_date,
        EXISTS (SELECT 1 FROM calendar_days cd JOIN enrolment_spans es ON es.calendar_id = cd.calendar_id AND es.student_id = k.student_id
          WHERE cd.date = k.due_date AND cd.day_type = 'instructional') AS school_day
      FROM tasks k WHERE k.source LIKE 'playbook:ohio:%' OR k.source LIKE 'playbook:connecticut:%' ORDER BY k.due_date`.execute(
      bench.database.db,
    );
    const attempts = tasks.find((task) => task.title.startsWith('Make at least three'));
    expect(attempts?.student_id).toBe(ohio);
    // Seven school days from Thursday 14 January: past two weekends (and Martin Luther King Day, if the calendar has it).
    expect(attempts?.due_date && attempts.due_date > '2027-01-21').toBe(true);
    expect(attempts?.school_day).toBe(true);
    expect(tasks.find((task) => task.title.startsWith('Assign the student'))?.due_date).toBe('2027-01-24');
    expect(tasks.some((task) => task.title.includes('a staff decision'))).toBe(true);
    const meeting = tasks.find((task) => task.student_id === connecticut);
    expect(meeting?.title).toContain('meeting with the parent');
    expect(meeting?.school_day).toBe(true);
    // Nothing is ever filed: the only court step is a checklist for staff.
    expect(
      tasks
        .filter((task) => /court/i.test(task.title))
        .every((task) => task.title.includes('staff decision')),
    ).toBe(true);
    bench.queue.take();
  });

  it('validates a playbook and names what is wrong; a changed definition is a new version; it can be turned on', async () => {
    const bad = await bench.app.inject({
      method: 'PUT',
      url: `/api/playbooks/${DEFAULT_PLAYBOOK_KEY}`,
      headers: { cookie: admin },
      payload: {
        definition: {
          name: 'Mine',
          steps: [
            {
              id: 'a',
              description: 'x',
              trigger: { kind: 'tier', atLeast: 'awful' },
              action: { kind: 'task' },
            },
          ],
        },
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('/steps/0');
    const twice = await bench.app.inject({
      method: 'PUT',
      url: `/api/playbooks/${DEFAULT_PLAYBOOK_KEY}`,
      headers: { cookie: admin },
      payload: {
        definition: {
          name: 'Mine',
          steps: [
            {
              id: 'a',
              description: 'Five absences',
              trigger: { kind: 'cumulative_absences', atLeast: 5 },
              action: { kind: 'message', template: 'real_number' },
            },
            {
              id: 'a',
              description: 'Again',
              trigger: { kind: 'early_signal' },
              action: { kind: 'message', template: 'real_number' },
            },
          ],
        },
      },
    });
    expect(twice.statusCode).toBe(400);
    expect(twice.json().error.message).toContain('repeated: a');
    const good = await bench.app.inject({
      method: 'PUT',
      url: `/api/playbooks/${DEFAULT_PLAYBOOK_KEY}`,
      headers: { cookie: admin },
      payload: {
        enabled: true,
        definition: {
          name: 'Mine',
          steps: [
            {
              id: 'five',
              description: 'Five absences in grades 9-12',
              trigger: { kind: 'cumulative_absences', atLeast: 5 },
              conditions: { grades: ['09', '10', '11', '12'] },
              action: {
                kind: 'task',
                title: 'Check in with the student',
                assigneeRole: 'counselor',
                dueInDays: 2,
              },
            },
          ],
        },
      },
    });
    expect(good.statusCode).toBe(200);
    expect(good.json()).toMatchObject({ version: 2, enabled: true, definition: { name: 'Mine' } });
    const plan = await dryRun(bench.database.db, bench.districtId, DEFAULT_PLAYBOOK_KEY);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM student_attendance
      WHERE absent_milli >= 5000 AND grade_level IN ('09', '10', '11', '12')
        AND as_of = (SELECT max(as_of) FROM student_attendance)`.execute(bench.database.db);
    expect(plan.steps[0]?.students).toBe(rows[0]?.n);
  });

  it("makes each member's worklist from the tasks they are assigned and may see", async () => {
    const counselor = await signInAs(bench.app, 'counselor@riverside.example.org');
    const list = await bench.app.inject({ method: 'GET', url: '/api/tasks', headers: { cookie: counselor } });
    expect(list.statusCode).toBe(200);
    const tasks = (list.json() as { tasks: { task_id: string; assignee_role: string; due_date: string }[] })
      .tasks;
    expect(tasks.every((task) => task.assignee_role === 'counselor')).toBe(true);
    const dates = tasks.map((task) => task.due_date);
    expect(dates).toEqual([...dates].sort());
    const { rows: visible } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM tasks k
      JOIN caseload_students cs ON cs.district_id = k.district_id AND cs.student_id = k.student_id
      JOIN staff_users u ON u.district_id = cs.district_id AND u.user_id = cs.user_id
      WHERE u.email = 'counselor@riverside.example.org' AND k.assignee_role = 'counselor' AND k.status = 'open'`.execute(
      bench.database.db,
    );
    expect(tasks).toHaveLength(visible[0]?.n ?? -1);
    if (tasks[0]) {
      const done = await bench.app.inject({
        method: 'POST',
        url: `/api/tasks/${tasks[0].task_id}/done`,
        headers: { cookie: counselor },
      });
      expect(done.statusCode).toBe(200);
      const again = await bench.app.inject({
        method: 'POST',
        url: `/api/tasks/${tasks[0].task_id}/done`,
        headers: { cookie: counselor },
      });
      expect(again.statusCode).toBe(404);
    }
  });
});
