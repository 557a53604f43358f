/**
 * Prometheus metrics for one process: runtime defaults, HTTP requests, the database pool, and
 * the health of the work queue and the outbox (read from the database at each scrape, so every
 * process reports the same figures): how old the oldest job waiting to run is, and how old the
 * oldest message waiting to be sent is. Alert on those long before pg-boss's retention (14 days)
 * could delete a job nobody ran (docs/messaging.md, "Monitoring").
 */
import { sql } from 'kysely';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/connection.ts';
import { JOB_SCHEMA } from '../jobs/queue.ts';

export interface HttpMetrics {
  readonly registry: Registry;
  observeRequest(route: string, method: string, status: number, milliseconds: number): void;
}

/** Creates a registry of its own (tests build many apps in one process). */
export function createHttpMetrics(database: Database): HttpMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'homeroom' });
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'homeroom_http_request_duration_seconds',
    help: 'HTTP request duration by route, method and status class.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const pool = database.pool;
  if (pool) {
    new Gauge({
      name: 'homeroom_db_pool_connections',
      help: 'PostgreSQL pool connections by state.',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
  }
  const db = database.db;
  new Gauge({
    name: 'homeroom_job_oldest_ready_seconds',
    help: 'Age of the oldest job that is due and not yet taken by a worker, by queue (0 when none).',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      try {
        const { rows } = await sql<{ name: string; age: number }>`
          SELECT name, extract(epoch FROM now() - min(start_after))::float8 AS age
          FROM ${sql.table(`${JOB_SCHEMA}.job`)}
          WHERE state IN ('created', 'retry') AND start_after <= now()
          GROUP BY name`.execute(db);
        for (const row of rows) this.set({ queue: row.name }, Math.max(0, row.age));
      } catch {
        // The queue's tables are not there yet, or the database is away: /readyz reports that.
      }
    },
  });
  const oldestMessage = new Gauge({
    name: 'homeroom_message_oldest_open_seconds',
    help: 'How long the oldest due message has waited to be sent (0 when none): nothing should be stuck.',
    registers: [registry],
  });
  new Gauge({
    name: 'homeroom_messages',
    help: 'Outbox messages by state: open (due and not yet sent), unclear (being reconciled), needing staff.',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      try {
        const { rows } = await sql<{
          open: number;
          unclear: number;
          needs_staff: number;
          oldest: number | null;
        }>`
          SELECT count(*) FILTER (WHERE status IN ('queued', 'sending') AND not_before <= now())::int AS open,
                 count(*) FILTER (WHERE status = 'uncertain')::int AS unclear,
                 count(*) FILTER (WHERE needs_staff)::int AS needs_staff,
                 extract(epoch FROM now() - min(not_before) FILTER (WHERE status IN ('queued', 'sending', 'uncertain')
                   AND not_before <= now()))::float8 AS oldest
          FROM messages`.execute(db);
        const row = rows[0];
        this.set({ state: 'open' }, row?.open ?? 0);
        this.set({ state: 'unclear' }, row?.unclear ?? 0);
        this.set({ state: 'needs_staff' }, row?.needs_staff ?? 0);
        oldestMessage.set(row?.oldest ?? 0);
      } catch {
        // As above.
      }
    },
  });
  return {
    registry,
    observeRequest(route, method, status, milliseconds) {
      duration.observe({ route, method, status: `${Math.floor(status / 100)}xx` }, milliseconds / 1000);
    },
  };
}
