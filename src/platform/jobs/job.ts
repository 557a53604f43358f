/**
 * A job is a unit: a name (`domain.verb-noun`), a versioned payload schema (ids and the
 * district, never whole objects), queue options and a handler that re-reads state and is
 * idempotent, because pg-boss delivers at least once.
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/types.ts';
import type { Logger } from '../logger.ts';

/** Enqueues a job (inside `trx` when given, at or after `startAfter`); throws rather than drop it. */
export interface JobSender {
  send(
    name: string,
    payload: object,
    options?: { trx?: Transaction<DB>; singletonKey?: string; startAfter?: Date },
  ): Promise<string>;
}

export interface JobContext {
  readonly db: Kysely<DB>;
  /** For a handler that schedules its own follow-up (a retry at the provider's Retry-After). */
  readonly queue: JobSender;
  readonly logger: Logger;
  readonly jobId: string;
  /** Aborted when the job outlives its expiry or the worker stops: stop work and throw. */
  readonly signal: AbortSignal;
}

export interface JobOptions {
  /** Attempts after the first failure. */
  readonly retryLimit: number;
  readonly retryDelaySeconds: number;
  readonly retryBackoff: boolean;
  /** Longer than the handler's slowest outside call times its attempts. */
  readonly expireInSeconds: number;
  /** Jobs fetched at once by a worker and handled concurrently (each settled on its own). */
  readonly batchSize: number;
}

export interface JobDefinition<S extends TSchema = TSchema> {
  readonly name: string;
  readonly version: number;
  readonly payload: S;
  readonly options: JobOptions;
  // Method syntax on purpose: a registry holds jobs of many payload types.
  handle(payload: Static<S>, context: JobContext): Promise<void>;
}

/**
 * A uuid in a job payload or stored data checked with TypeBox's Value (which knows no `format`
 * unless one is registered, so a pattern).
 */
export const UuidString = Type.String({
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
});

export const DEFAULT_JOB_OPTIONS: JobOptions = {
  retryLimit: 5,
  retryDelaySeconds: 10,
  retryBackoff: true,
  expireInSeconds: 300,
  batchSize: 5,
};

/** Declares a job; the name must read `domain.verb-noun`. */
export function defineJob<S extends TSchema>(
  definition: Omit<JobDefinition<S>, 'options'> & { options?: Partial<JobOptions> },
): JobDefinition<S> {
  if (!/^[a-z]+\.[a-z]+(-[a-z]+)*$/.test(definition.name)) {
    throw new Error(`Job name "${definition.name}" must read domain.verb-noun (lower case).`);
  }
  return { ...definition, options: { ...DEFAULT_JOB_OPTIONS, ...definition.options } };
}
