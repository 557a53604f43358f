/**
 * Every background job the worker runs. Domains add their job definitions here; the worker
 * refuses to start when a name is registered twice or a job has no handler.
 */

import { createDigestJob } from './messaging/digest.job.ts';
import { createProviders } from './messaging/providers/providers.ts';
import { createSendMessageJob } from './messaging/send-message.job.ts';
import { createTranslateReplyJob } from './messaging/translate-reply.job.ts';
import { createTranslator } from './messaging/translation.ts';
import type { Config } from './platform/config.ts';
import type { JobDefinition } from './platform/jobs/job.ts';

/** The jobs of this deployment, wired to its configuration (providers, public address). */
export function createJobs(config: Config): readonly JobDefinition[] {
  return [
    createSendMessageJob({
      providers: createProviders(config),
      publicUrl: config.PUBLIC_URL,
      replyDomain: config.EMAIL_REPLY_DOMAIN,
    }),
    createTranslateReplyJob(createTranslator(config)),
    createDigestJob(),
  ];
}
