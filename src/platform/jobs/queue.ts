/**
 * The durable job queue (pg-boss in the same database). Enqueue inside the transaction of
 * the write that decided it (`send(name, payload, { trx })`), so a job exists if and only
 * if its cause committed. On PGlite every pg-boss statement goes through the same
 * one-at-a-time session as the rest of the application.
 */
import { Value } from '@sinclair/typebox/value';
import type { Kysely } from 'kysely';
import { fromKysely, fromPglite, type PGliteLike, PgBoss } from 'pg-boss';
import type { Database } from '../db/connection.ts';
import type { DB } from '../db/types.ts';
import type { Logger } from '../logger.ts';
import type { JobDefinition, JobSender } from './job.ts';

export const JOB_SCHEMA = 'pgboss';

export interface JobQueue extends JobSender {
  /** Installs or upgrades pg-boss's schema and creates a queue per registered job. */
  start(): Promise<void>;
  /** Starts handling every registered job in this process. */
  work(): Promise<void>;
  /** Stops taking jobs, waits up to `timeoutMs` for running ones, then closes. */
  stop(timeoutMs: number): Promise<void>;
}

/** Checks the registry: unique names, each with a handler. The worker refuses to start otherwise. */
export function validateRegistry(jobs: readonly JobDefinition[]): Map<string, JobDefinition> {
  const byName = new Map<string, JobDefinition>();
  for (const job of jobs) {
    if (byName.has(job.name)) throw new Error(`Job ${job.name} is registered twice.`);
    if (typeof job.handle !== 'function') throw new Error(`Job ${job.name} has no handler.`);
    byName.set(job.name, job);
  }
  return byName;
}

function lockedPglite(database: Database): PGliteLike {
  const { pglite, exclusive } = database;
  if (!pglite || !exclusive) throw new Error('lockedPglite needs the embedded database.');
  return {
    query: (text: string, values?: unknown[]) => exclusive((instance) => instance.query(text, values)),
    exec: (text: string) => exclusive((instance) => instance.exec(text)),
  } as unknown as PGliteLike;
}

/** Creates the queue for a database and a registry of jobs. */
export function createJobQueue(database: Database, logger: Logger, jobs: readonly JobDefinition[]): JobQueue {
  const registry = validateRegistry(jobs);
  const boss =
    database.engine === 'pglite'
      ? new PgBoss({
          db: fromPglite(lockedPglite(database)),
          schema: JOB_SCHEMA,
          supervise: true,
          schedule: false,
        })
      : new PgBoss({ db: adapterForPool(database.db), schema: JOB_SCHEMA, supervise: true, schedule: false });
  // A lost connection must not crash the process: pg-boss reports it here and recovers.
  boss.on('error', (error) => logger.error({ err: error }, 'job queue error'));
  let started = false;

  const queue: JobQueue = {
    async start() {
      await boss.start();
      started = true;
      for (const job of registry.values()) {
        await boss.createQueue(job.name, {
          retryLimit: job.options.retryLimit,
          retryDelay: job.options.retryDelaySeconds,
          retryBackoff: job.options.retryBackoff,
          expireInSeconds: job.options.expireInSeconds,
        });
      }
    },
    async work() {
      for (const job of registry.values()) {
        // A batch per fetch, handled concurrently, each job settled on its own; while fetches
        // come back full the worker fetches again at once instead of waiting for the next poll.
        await boss.work<object>(
          job.name,
          {
            batchSize: job.options.batchSize,
            burstWhenBatchFull: job.options.batchSize > 1,
            perJobResults: true,
            pollingIntervalSeconds: 1,
          },
          async (items) =>
            Promise.all(
              items.map(async (item) => {
                try {
                  const payload = item.data as { v?: number };
                  if (payload.v !== job.version || !Value.Check(job.payload, payload)) {
                    throw new Error(
                      `Job ${job.name} ${item.id} has a payload that does not match version ${job.version}.`,
                    );
                  }
                  await job.handle(payload, {
                    db: database.db,
                    logger: logger.child({ job: job.name, jobId: item.id }),
                    jobId: item.id,
                    signal: item.signal,
                    queue,
                  });
                  return { id: item.id, status: 'completed' as const };
                } catch (error) {
                  logger.warn(
                    { err: error, job: job.name, jobId: item.id },
                    'job failed; pg-boss retries it',
                  );
                  return {
                    id: item.id,
                    status: 'failed' as const,
                    output: { message: (error as Error).message },
                  };
                }
              }),
            ),
        );
      }
      logger.info(
        { jobs: [...registry.keys()] },
        registry.size > 0 ? 'job workers started' : 'no jobs registered yet',
      );
    },
    async send(name, payload, options = {}) {
      const job = registry.get(name);
      if (!job) throw new Error(`No job named ${name} is registered.`);
      const data = { ...payload, v: job.version };
      if (!Value.Check(job.payload, data)) {
        const [first] = [...Value.Errors(job.payload, data)];
        throw new Error(
          `Payload for ${name} is invalid: ${first?.path ?? ''} ${first?.message ?? ''}`.trim(),
        );
      }
      const id = await boss.send(name, data, {
        ...(options.trx ? { db: fromKysely(options.trx) } : {}),
        ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
        ...(options.startAfter ? { startAfter: options.startAfter } : {}),
      });
      // send() returns null when a throttle or singleton rule drops the job: never accept that silently.
      if (id === null)
        throw new Error(`The queue dropped job ${name}: a throttle or singleton rule refused it.`);
      return id;
    },
    async stop(timeoutMs) {
      if (!started) return;
      await boss.stop({ graceful: true, timeout: timeoutMs, close: false });
    },
  };
  return queue;
}

/** pg-boss over the application's Kysely pool, so it shares connections and type parsing. */
function adapterForPool(db: Kysely<DB>) {
  return fromKysely(db as unknown as Parameters<typeof fromKysely>[0]);
}
