/**
 * Keeps every district's figures current, in the process that runs the job workers: every
 * few seconds it refreshes the students the triggers queued, and once a district's date has
 * moved on (a new school day in its time zone) it recomputes the district as of today.
 * The demo district stays on the date it was seeded for. Refreshes of one district are
 * serialised by an advisory lock, so several worker processes can run this safely.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import type { Logger } from '../platform/logger.ts';
import { recomputeAttendance, refreshQueuedAttendance, todayIn } from './attendance.service.ts';

export interface Refresher {
  /** Runs one pass now (tests, and the first pass at start). */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

/** The date a district's figures should be as of: today, or the demo's fixed date. */
async function currentAsOf(db: Kysely<DB>, districtId: string): Promise<{ asOf: string; stale: boolean }> {
  const row = await sql<{ time_zone: string; is_demo: boolean; as_of: string | null }>`
    SELECT d.time_zone, d.is_demo,
      (SELECT max(t.as_of)::text FROM student_attendance t WHERE t.district_id = d.district_id) AS as_of
    FROM districts d WHERE d.district_id = ${districtId}`.execute(db);
  const district = row.rows[0];
  if (!district) return { asOf: todayIn('UTC'), stale: false };
  const today = todayIn(district.time_zone);
  if (district.is_demo && district.as_of) return { asOf: district.as_of, stale: false };
  return { asOf: today, stale: district.as_of !== null && district.as_of < today };
}

export function startAttendanceRefresher(
  db: Kysely<DB>,
  logger: Logger,
  options: {
    readonly intervalMs?: number;
    /** Called after a district's figures changed (outreach playbooks run then). Errors are logged. */
    readonly onChanged?: (districtId: string) => Promise<void>;
  } = {},
): Refresher {
  let running: Promise<void> | undefined;
  let stopped = false;
  const pass = async () => {
    const districts = await sql<{ district_id: string }>`SELECT d.district_id FROM districts d
      WHERE EXISTS (SELECT 1 FROM attendance_refresh_queue q WHERE q.district_id = d.district_id)
        OR EXISTS (SELECT 1 FROM student_attendance t WHERE t.district_id = d.district_id)`.execute(db);
    for (const { district_id: districtId } of districts.rows) {
      if (stopped) return;
      const { asOf, stale } = await currentAsOf(db, districtId);
      try {
        if (stale) {
          const summary = await recomputeAttendance(db, districtId, { asOf });
          logger.info(
            { districtId, asOf, students: summary.students, ms: Math.round(summary.ms) },
            'attendance recomputed for a new day',
          );
          await options.onChanged?.(districtId);
        } else {
          const refreshed = await refreshQueuedAttendance(db, districtId, { asOf });
          if (refreshed > 0) {
            logger.info({ districtId, asOf, students: refreshed }, 'attendance refreshed');
            await options.onChanged?.(districtId);
          }
        }
      } catch (error) {
        logger.error({ err: error, districtId }, 'attendance refresh failed; it will be retried');
      }
    }
  };
  const runOnce = () => {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    if (!running) void runOnce();
  }, options.intervalMs ?? 15_000);
  timer.unref();
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
