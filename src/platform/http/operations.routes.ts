/** Operator endpoints: liveness, readiness (with a database round trip) and metrics. */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { AppDependencies } from './app.ts';
import type { HttpMetrics } from './metrics.ts';

const READINESS_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, milliseconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${milliseconds} ms`)), milliseconds);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function registerOperationsRoutes(
  app: FastifyInstance,
  deps: AppDependencies & { metrics: HttpMetrics },
): void {
  app.get('/healthz', { config: { access: 'public' }, logLevel: 'warn' }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { access: 'public' }, logLevel: 'warn' }, async (_request, reply) => {
    if (deps.isDraining?.()) {
      return reply
        .status(503)
        .header('retry-after', '5')
        .send({ status: 'draining', engine: deps.database.engine });
    }
    const started = performance.now();
    try {
      await withTimeout(deps.database.ping(), READINESS_TIMEOUT_MS);
      return {
        status: 'ok',
        engine: deps.database.engine,
        database: { status: 'ok', latencyMs: Math.round((performance.now() - started) * 10) / 10 },
      };
    } catch (error) {
      reply.log.warn({ err: error }, 'readiness check: database unreachable');
      return reply
        .status(503)
        .header('retry-after', '5')
        .send({ status: 'degraded', engine: deps.database.engine, database: { status: 'unreachable' } });
    }
  });

  app.get('/metrics', { config: { access: 'public' }, logLevel: 'warn' }, async (request, reply) => {
    const token = deps.config.METRICS_TOKEN;
    if (token) {
      const given = request.headers.authorization?.replace(/^Bearer\s+/i, '') ?? '';
      if (!sameSecret(given, token)) {
        return reply
          .status(401)
          .header('www-authenticate', 'Bearer realm="metrics"')
          .send({
            error: { code: 'UNAUTHENTICATED', message: 'Metrics need a bearer token (METRICS_TOKEN).' },
          });
      }
    }
    return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
}
