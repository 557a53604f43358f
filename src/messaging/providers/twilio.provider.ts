/**
 * SMS and voice through Twilio's REST API (2010-04-01), kept thin: one form POST per message,
 * a timeout on every call, and a classification of each answer into the four outcomes of
 * provider.ts. Reconciliation lists the messages sent to the number since the attempt began
 * and looks for ours (same sender and body); calls cannot be matched that way, so an unclear
 * call is settled by its status callback (which names our message) or left for staff.
 *
 * Twilio's codes: 20429 too many requests (retry, honouring Retry-After); 21610 the recipient
 * replied STOP (permanent, and an opt-out); 21211, 21614, 21612, 21408 the number cannot
 * receive this (permanent). Any 5xx may come after Twilio accepted the message, so it is
 * uncertain rather than retried (retrying a create after a 500 can send a second SMS).
 */
import type { MessageProvider, OutboundMessage, ReconcileOutcome, SendOutcome } from './provider.ts';

export interface TwilioOptions {
  readonly accountSid: string;
  readonly authToken: string;
  /** https://api.twilio.com, or a test double. */
  readonly apiUrl: string;
  readonly timeoutMs: number;
}

const OPTED_OUT = new Set([21610]);
const BAD_NUMBER = new Set([21211, 21214, 21217, 21401, 21407, 21408, 21612, 21614]);

interface TwilioError {
  readonly code?: number;
  readonly message?: string;
}

function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

/** The TwiML a call plays: the message, then the keypad choices, read in the family's language. */
export function callTwiml(message: OutboundMessage): string {
  const language = message.speechLanguage ? ` language="${escapeXml(message.speechLanguage)}"` : '';
  const say = (text: string) => `<Say${language}>${escapeXml(text)}</Say>`;
  const gather = message.keypadPrompt
    ? `<Gather numDigits="1" timeout="8" action="${escapeXml(message.gatherUrl)}" method="POST">${say(message.keypadPrompt)}</Gather>`
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${say(message.body)}${gather}</Response>`;
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** What a network failure means: refused before anything was sent, or unclear. */
function networkOutcome(error: unknown, timedOut: boolean): SendOutcome {
  const cause = (error as { cause?: { code?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code ?? (error as Error).name;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return {
      kind: 'retryable',
      code: `network_${code}`,
      detail: 'The provider could not be reached; nothing was sent.',
    };
  }
  return {
    kind: 'uncertain',
    code: timedOut ? 'timeout' : `network_${code}`,
    detail: timedOut
      ? 'The provider did not answer in time; it may have taken the message.'
      : 'The connection broke before the provider answered; it may have taken the message.',
  };
}

export function createTwilioProvider(options: TwilioOptions): MessageProvider {
  const base = `${options.apiUrl}/2010-04-01/Accounts/${options.accountSid}`;
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;

  async function call(method: string, url: string, signal: AbortSignal, form?: URLSearchParams) {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    try {
      const response = await fetch(url, {
        method,
        headers: {
          authorization,
          accept: 'application/json',
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body: form,
        signal: AbortSignal.any([signal, timeout]),
      });
      const text = await response.text();
      return { response, text, error: undefined, timedOut: false };
    } catch (error) {
      return { response: undefined, text: '', error, timedOut: timeout.aborted || signal.aborted };
    }
  }

  return {
    name: 'twilio',
    async send(message, signal) {
      const form = new URLSearchParams({ To: message.to, StatusCallback: message.statusCallbackUrl });
      if (message.from) form.set('From', message.from);
      let url: string;
      if (message.channel === 'voice') {
        form.set('Twiml', callTwiml(message));
        form.set('MachineDetection', 'Enable');
        for (const event of ['initiated', 'ringing', 'answered', 'completed'])
          form.append('StatusCallbackEvent', event);
        url = `${base}/Calls.json`;
      } else {
        form.set('Body', message.body);
        url = `${base}/Messages.json`;
      }
      const { response, text, error, timedOut } = await call('POST', url, signal, form);
      if (!response) return networkOutcome(error, timedOut);
      let json: { sid?: string } & TwilioError = {};
      try {
        json = JSON.parse(text);
      } catch {
        // A proxy's HTML error page: classified by status below.
      }
      if (response.status === 200 || response.status === 201) {
        if (!json.sid) {
          return {
            kind: 'uncertain',
            code: 'no_sid',
            detail: 'The provider answered without a message id.',
            httpStatus: response.status,
          };
        }
        return { kind: 'accepted', providerMessageId: json.sid, status: 'accepted' };
      }
      const code = json.code ? String(json.code) : `http_${response.status}`;
      const detail = json.message ?? `HTTP ${response.status}`;
      if (response.status === 429) {
        const after = retryAfterMs(response.headers.get('retry-after'));
        return {
          kind: 'retryable',
          code,
          detail,
          httpStatus: 429,
          ...(after === undefined ? {} : { retryAfterMs: after }),
        };
      }
      if (response.status >= 500) return { kind: 'uncertain', code, detail, httpStatus: response.status };
      if (json.code && OPTED_OUT.has(json.code)) {
        return { kind: 'permanent', code, detail, httpStatus: response.status, optedOut: true };
      }
      if (json.code && BAD_NUMBER.has(json.code))
        return { kind: 'permanent', code, detail, httpStatus: response.status };
      if (response.status === 401 || response.status === 403) {
        // Credentials are the operator's to fix, not the message's fault: keep it and try later.
        return {
          kind: 'retryable',
          code,
          detail: `Twilio refused the credentials: ${detail}`,
          httpStatus: response.status,
        };
      }
      return { kind: 'permanent', code, detail, httpStatus: response.status };
    },

    async reconcile(message, since, signal): Promise<ReconcileOutcome> {
      if (message.channel === 'voice') {
        return { kind: 'unknown', detail: 'Calls are matched by their status callback, not by listing.' };
      }
      const day = new Date(since.getTime() - 86_400_000).toISOString().slice(0, 10);
      let next: string | null =
        `${base}/Messages.json?${new URLSearchParams({ To: message.to, 'DateSent>': day, PageSize: '100' })}`;
      for (let page = 0; next && page < 20; page += 1) {
        const { response, text, timedOut } = await call('GET', next, signal);
        if (response?.status !== 200) {
          return {
            kind: 'unknown',
            detail: response
              ? `Listing answered HTTP ${response.status}.`
              : timedOut
                ? 'Listing timed out.'
                : 'Listing failed.',
          };
        }
        const list = JSON.parse(text) as {
          messages: { sid: string; from: string; body: string; date_created: string }[];
          next_page_uri: string | null;
        };
        const mine = list.messages.find(
          (item) =>
            item.body === message.body &&
            (!message.from || item.from === message.from) &&
            Date.parse(item.date_created) >= since.getTime() - 60_000,
        );
        if (mine) return { kind: 'found', providerMessageId: mine.sid };
        next = list.next_page_uri ? `${options.apiUrl}${list.next_page_uri}` : null;
      }
      return { kind: 'absent' };
    },
  };
}
