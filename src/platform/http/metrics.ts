/** Prometheus metrics for one process: runtime defaults, HTTP requests and the database pool. */
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/connection.ts';

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
  return {
    registry,
    observeRequest(route, method, status, milliseconds) {
      duration.observe({ route, method, status: `${Math.floor(status / 100)}xx` }, milliseconds / 1000);
    },
  };
}
