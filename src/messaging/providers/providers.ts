/**
 * Which provider carries each channel. In dev mode (the default) every channel goes to the
 * development outbox and nothing leaves the server. In live mode SMS and voice go to Twilio
 * and email to SMTP when those are configured; a channel without a provider has none (its
 * messages fail visibly, never silently). Portal messages are stored in Homeroom either way.
 */
import type { Config } from '../../platform/config.ts';
import { createDevProvider } from './dev.provider.ts';
import type { ProviderRegistry } from './provider.ts';
import { createSmtpProvider } from './smtp.provider.ts';
import { createTwilioProvider } from './twilio.provider.ts';

export function createProviders(config: Config): ProviderRegistry {
  const portal = createDevProvider('portal');
  if (config.MESSAGING_MODE === 'dev') {
    const dev = createDevProvider('dev');
    return { sms: dev, voice: dev, email: dev, portal };
  }
  const twilio =
    config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN
      ? createTwilioProvider({
          accountSid: config.TWILIO_ACCOUNT_SID,
          authToken: config.TWILIO_AUTH_TOKEN,
          apiUrl: config.TWILIO_API_URL,
          timeoutMs: config.MESSAGE_SEND_TIMEOUT_MS,
        })
      : null;
  const email = config.SMTP_URL
    ? createSmtpProvider({
        url: config.SMTP_URL,
        from: config.EMAIL_FROM,
        timeoutMs: config.MESSAGE_SEND_TIMEOUT_MS,
      })
    : null;
  return { sms: twilio, voice: twilio, email, portal };
}

/** What an operator should know about the messaging setup at start-up (empty when all is well). */
export function messagingWarnings(config: Config): string[] {
  if (config.MESSAGING_MODE === 'dev') return [];
  const warnings: string[] = [];
  if (!config.TWILIO_AUTH_TOKEN) {
    warnings.push(
      'MESSAGING_MODE=live without TWILIO_AUTH_TOKEN: SMS and calls have no provider (their messages fail for staff to see) and every Twilio webhook is refused with 503.',
    );
  }
  if (!config.SMTP_URL) {
    warnings.push(
      'MESSAGING_MODE=live without SMTP_URL: email has no provider (email messages fail for staff to see).',
    );
  }
  return warnings;
}
