/**
 * Twilio's webhook signature (X-Twilio-Signature): base64(HMAC-SHA1(auth token, the full
 * public URL + each POST parameter's name and value, sorted by name)). Twilio signs the URL
 * it called, so behind a proxy the server must rebuild that URL from its public address.
 * The signature carries no timestamp: replays are stopped by deduplicating each event.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type WebhookParams = Readonly<Record<string, string | readonly string[]>>;

/** The signature Twilio sends for a request to `url` with form parameters `params`. */
export function twilioSignature(authToken: string, url: string, params: WebhookParams): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    // A repeated parameter contributes each value, in the order sent (Twilio's own validator).
    for (const item of typeof value === 'string' ? [value] : (value ?? [])) data += name + item;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** True when `signature` is the one Twilio would send; compared in constant time. */
export function isValidTwilioSignature(
  authToken: string,
  url: string,
  params: WebhookParams,
  signature: string | undefined,
): boolean {
  if (!signature) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
