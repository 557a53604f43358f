/**
 * Every background job the worker runs. Domains add their job definitions here; the worker
 * refuses to start when a name is registered twice or a job has no handler.
 */
import type { JobDefinition } from './platform/jobs/job.ts';

export const jobs: readonly JobDefinition[] = [];
