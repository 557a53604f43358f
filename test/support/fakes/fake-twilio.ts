/**
 * A fake Twilio for tests: a real HTTP server on 127.0.0.1 that speaks Twilio's REST wire
 * protocol (API 2010-04-01: HTTP Basic auth with the account SID and auth token,
 * form-encoded requests, JSON resources, Twilio's error JSON `{code, message, more_info,
 * status}` and list paging) for Messages and Calls, and that sends webhooks the way Twilio
 * does: form-encoded POSTs signed with X-Twilio-Signature (message status callbacks, call
 * progress callbacks, <Gather> results, inbound SMS).
 *
 * Tests steer it with faults (429 with Retry-After, 500 after accepting, hangs, connection
 * resets, Twilio error codes) and count what it accepted (`messages`, `calls`): the
 * "provider-accepted" count behind the no-duplicates invariant (RELIABILITY.md I1).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { twilioSignature } from '../../../src/messaging/twilio-signature.ts';

const API_VERSION = '2010-04-01';
const E164 = /^\+[1-9]\d{6,14}$/;
const ROUTE = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)(?:\/([^/]+))?\.json$/;
/** Pause between the steps of a message's or a call's life (status callbacks "a few ms apart"). */
const STEP_MS = 5;
/** Twilio gives up on a webhook after 15 s. */
const WEBHOOK_TIMEOUT_MS = 15_000;
const MAX_BODY_BYTES = 1_000_000;

/** Delivery error codes a status callback can carry, with Twilio's descriptions. */
const DELIVERY_ERRORS: Readonly<Record<number, string>> = {
  30003: 'Unreachable destination handset',
  30005: 'Unknown destination handset',
  30006: 'Landline or unreachable carrier',
  30007: 'Message filtered',
  30008: 'Unknown error',
};

/** How far along its life a message status is; a later callback never moves it back. */
const MESSAGE_STATUS_RANK: Readonly<Record<string, number>> = {
  accepted: 0,
  scheduled: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
  canceled: 4,
  read: 5,
};

export interface FakeTwilioOptions {
  /** Defaults to 'AC' + 32 random hex digits. */
  accountSid?: string;
  /** Defaults to 32 random hex digits. */
  authToken?: string;
  /**
   * Webhooks to a public origin reach a local one, as through the reverse proxy in front of
   * the app: `{ 'https://homeroom.example.org': 'http://127.0.0.1:3000' }`. The fake signs
   * the public URL (as Twilio would), connects to the local origin, and sets
   * X-Forwarded-Proto and X-Forwarded-Host.
   */
  webhookProxy?: Readonly<Record<string, string>>;
}

export type FakeFault =
  /** 429, code 20429, with a Retry-After header (default 1 s). Nothing is accepted. */
  | { kind: 'rate_limit'; retryAfterSeconds?: number }
  /** Records and accepts the message or call (its callbacks follow) but answers 500, code 20500. */
  | { kind: 'fail_after_accept' }
  /** 500, code 20500, without accepting. */
  | { kind: 'server_error' }
  /** Accepts nothing and never answers; with `ms`, answers 503 (code 20503) after that long. */
  | { kind: 'hang'; ms?: number }
  /** Accepts (records, callbacks follow) but answers the 201 only after `ms`, or never. */
  | { kind: 'hang_after_accept'; ms?: number }
  /** Resets the TCP connection (RST) without an answer; nothing accepted. */
  | { kind: 'reset' }
  /** An error answer with Twilio's JSON, e.g. 400 21610 (unsubscribed) or 400 21211 (invalid To). */
  | { kind: 'error'; status: number; code: number; message: string };

export interface FakeMessage {
  readonly sid: string;
  readonly to: string;
  /** The From number, or '' when the message was sent through a Messaging Service. */
  readonly from: string;
  readonly messagingServiceSid?: string;
  readonly body: string;
  readonly statusCallback?: string;
  readonly status: string;
  readonly dateCreated: Date;
  /** When it reached 'sent' (or a later status). */
  readonly dateSent?: Date;
  readonly numSegments: number;
  readonly errorCode?: number;
}

export interface FakeCall {
  readonly sid: string;
  readonly to: string;
  readonly from: string;
  /** The TwiML the call ran: the Twiml parameter, or what its Url answered. */
  readonly twiml?: string;
  readonly url?: string;
  readonly statusCallback?: string;
  readonly status: string;
  /** Set when MachineDetection was requested and the call was answered. */
  readonly answeredBy?: string;
  /** The digits posted to the <Gather> action. */
  readonly digits?: string;
  readonly dateCreated: Date;
}

export interface FakeRequest {
  readonly method: string;
  /** The request target, with its query string. */
  readonly path: string;
  readonly at: Date;
  /**
   * What the fake did: 'created', 'listed', 'fetched', 'rate_limited', 'fail_after_accept',
   * 'server_error', 'hang', 'hang_after_accept', 'reset', 'error <code>', 'invalid <code>',
   * 'unauthorized', 'not_found', 'method_not_allowed'.
   */
  readonly outcome: string;
}

/** One webhook the fake sent: the answer's HTTP status, or why there was none. */
export interface FakeWebhook {
  readonly url: string;
  readonly params: Readonly<Record<string, string>>;
  readonly at: Date;
  readonly status?: number;
  readonly error?: string;
}

export interface CallOutcome {
  answeredBy: 'human' | 'machine_end_beep' | 'no-answer' | 'busy';
  digits?: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface MessageRecord extends Mutable<FakeMessage> {
  dateUpdated: Date;
}

interface CallRecord extends Mutable<FakeCall> {
  dateUpdated: Date;
  machineDetection?: string;
  events: ReadonlySet<string>;
  sequence: number;
  startTime?: Date;
  endTime?: Date;
  duration?: number;
}

type Log = (outcome: string) => void;
type AcceptingFault = Extract<FakeFault, { kind: 'fail_after_accept' | 'hang_after_accept' }>;
type RejectingFault = Exclude<FakeFault, AcceptingFault>;
type Json = Record<string, unknown>;

export class FakeTwilio {
  readonly accountSid: string;
  readonly authToken: string;
  readonly #server: Server;
  readonly #webhookProxy: Readonly<Record<string, string>>;
  readonly #messages: MessageRecord[] = [];
  readonly #calls: CallRecord[] = [];
  readonly #requests: FakeRequest[] = [];
  readonly #webhooks: Mutable<FakeWebhook>[] = [];
  readonly #faultQueue: FakeFault[] = [];
  readonly #numberFaults = new Map<string, FakeFault>();
  readonly #callOutcomes = new Map<string, CallOutcome>();
  readonly #admitted: number[] = [];
  readonly #pending = new Set<Promise<void>>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #closing = new AbortController();
  #rateLimit: number | null = null;
  #callbackStatuses: readonly string[] = ['sent', 'delivered'];
  #port = 0;

  private constructor(options: FakeTwilioOptions) {
    this.accountSid = options.accountSid ?? newSid('AC');
    this.authToken = options.authToken ?? randomBytes(16).toString('hex');
    this.#webhookProxy = options.webhookProxy ?? {};
    this.#server = createServer((req, res) => {
      void this.#handle(req, res);
    });
  }

  static async start(options: FakeTwilioOptions = {}): Promise<FakeTwilio> {
    const fake = new FakeTwilio(options);
    await new Promise<void>((resolve, reject) => {
      fake.#server.once('error', reject);
      fake.#server.listen(0, '127.0.0.1', () => {
        fake.#server.off('error', reject);
        resolve();
      });
    });
    fake.#port = (fake.#server.address() as AddressInfo).port;
    return fake;
  }

  /** 'http://127.0.0.1:<port>': what the app uses instead of https://api.twilio.com. */
  get apiBaseUrl(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Every message the fake accepted, in order. */
  get messages(): readonly FakeMessage[] {
    return this.#messages;
  }

  /** Every call the fake accepted, in order. */
  get calls(): readonly FakeCall[] {
    return this.#calls;
  }

  get requests(): readonly FakeRequest[] {
    return this.#requests;
  }

  /** Every webhook the fake sent (status callbacks, Gather results, inbound SMS), in order. */
  get webhooks(): readonly FakeWebhook[] {
    return this.#webhooks;
  }

  /** The next `times` create requests (messages or calls) get `fault`; then normal again. */
  failNext(fault: FakeFault, times = 1): void {
    for (let i = 0; i < times; i++) this.#faultQueue.push(fault);
  }

  /** 429 for create requests above `perSecond` in any 1 s window; null turns it off. */
  rateLimitAbove(perSecond: number | null): void {
    this.#rateLimit = perSecond;
    this.#admitted.length = 0;
  }

  /** Every create request to `to` gets `fault` (e.g. a permanent 21610 for an opted-out number). */
  failFor(to: string, fault: FakeFault): void {
    this.#numberFaults.set(to, fault);
  }

  /**
   * The status callbacks that follow each message accepted from now on (default
   * ['sent', 'delivered']), posted in order a few ms apart; 'undelivered' and 'failed'
   * carry ErrorCode 30003.
   */
  callbackStatuses(statuses: readonly string[]): void {
    this.#callbackStatuses = [...statuses];
  }

  /** How calls to `to` go (default: a human answers and presses nothing). */
  callOutcome(to: string, outcome: CallOutcome): void {
    this.#callOutcomes.set(to, { ...outcome });
  }

  /**
   * Posts a signed status callback for a message or call now (a replay, or one out of
   * order) and returns the HTTP status the app answered. The fake's own record of the
   * message only moves forward (a 'sent' after 'delivered' leaves it delivered).
   */
  async postStatusCallback(sid: string, status: string, extra: Record<string, string> = {}): Promise<number> {
    const message = this.#messages.find((m) => m.sid === sid);
    const call = this.#calls.find((c) => c.sid === sid);
    let url: string | undefined;
    let params: Record<string, string>;
    if (message) {
      const errorCode = extra.ErrorCode === undefined ? undefined : Number(extra.ErrorCode);
      this.#advanceMessage(message, status, errorCode);
      url = message.statusCallback;
      params = { ...this.#messageStatusParams(message, status, errorCode), ...extra };
    } else if (call) {
      call.status = status;
      call.dateUpdated = new Date();
      url = call.statusCallback;
      params = { ...this.#callStatusParams(call, status), ...extra };
    } else {
      throw new Error(`The fake Twilio has no message or call ${sid}.`);
    }
    if (!url) throw new Error(`${sid} was created without a StatusCallback URL.`);
    const sent = this.#postWebhook(url, params);
    this.#track(sent);
    return (await sent).status;
  }

  /** Posts a signed inbound-SMS webhook like Twilio's and returns the app's answer (TwiML). */
  async postInboundSms(
    url: string,
    message: { from: string; to: string; body: string; sid?: string; messagingServiceSid?: string },
  ): Promise<{ status: number; body: string; sid: string }> {
    const sid = message.sid ?? newSid('SM');
    const params: Record<string, string> = {
      ToCountry: countryOf(message.to),
      ToState: '',
      SmsMessageSid: sid,
      NumMedia: '0',
      ToCity: '',
      FromZip: '',
      SmsSid: sid,
      FromState: '',
      SmsStatus: 'received',
      FromCity: '',
      Body: message.body,
      FromCountry: countryOf(message.from),
      To: message.to,
      ToZip: '',
      NumSegments: String(segmentCount(message.body)),
      MessageSid: sid,
      AccountSid: this.accountSid,
      From: message.from,
      ApiVersion: API_VERSION,
    };
    if (message.messagingServiceSid) params.MessagingServiceSid = message.messagingServiceSid;
    const sent = this.#postWebhook(url, params);
    this.#track(sent);
    const answer = await sent;
    return { ...answer, sid };
  }

  /**
   * Posts a signed voice webhook like Twilio's for a call a family makes to the district number
   * (`digits` set: the keypad answer to a <Gather>, posted to its action URL). Returns the TwiML.
   */
  async postInboundCall(
    url: string,
    call: { from: string; to: string; sid: string; digits?: string },
  ): Promise<{ status: number; body: string }> {
    const params: Record<string, string> = {
      AccountSid: this.accountSid,
      ApiVersion: API_VERSION,
      CallSid: call.sid,
      CallStatus: 'in-progress',
      Direction: 'inbound',
      From: call.from,
      To: call.to,
      Caller: call.from,
      Called: call.to,
      FromCountry: countryOf(call.from),
      ToCountry: countryOf(call.to),
    };
    if (call.digits !== undefined) {
      params.Digits = call.digits;
      params.FinishedOnKey = '';
    }
    const sent = this.#postWebhook(url, params);
    this.#track(sent);
    return sent;
  }

  /** Resolves when every callback the fake has planned or started has been answered (or failed). */
  async pendingCallbacks(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  async close(): Promise<void> {
    this.#closing.abort();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    await Promise.all([...this.#pending]);
  }

  // ---- REST ----

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const at = new Date();
    const log: Log = (outcome) => {
      this.#requests.push({ method, path, at, outcome });
    };
    try {
      const body = await readBody(req);
      if (!this.#authorized(req)) {
        log('unauthorized');
        res.setHeader('WWW-Authenticate', 'Basic realm="Twilio API"');
        sendError(res, 401, 20003, 'Authenticate');
        return;
      }
      const url = new URL(path, this.apiBaseUrl);
      const route = ROUTE.exec(url.pathname);
      if (!route || route[1] !== this.accountSid) {
        log('not_found');
        sendError(res, 404, 20404, `The requested resource ${url.pathname} was not found`);
        return;
      }
      const kind = route[2] === 'Messages' ? 'message' : 'call';
      const sid = route[3];
      if (sid === undefined && method === 'POST')
        this.#create(kind, new URLSearchParams(body), req, res, log);
      else if (sid === undefined && method === 'GET') this.#list(kind, url, res, log);
      else if (sid !== undefined && method === 'GET') this.#fetch(kind, sid, url.pathname, res, log);
      else {
        log('method_not_allowed');
        sendError(res, 405, 20004, 'Method not allowed');
      }
    } catch (error) {
      if (res.headersSent) res.destroy();
      else sendError(res, 500, 20500, `Internal Server Error: ${String(error)}`);
    }
  }

  #authorized(req: IncomingMessage): boolean {
    const match = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match?.[1]) return false;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return (
      colon > 0 && decoded.slice(0, colon) === this.accountSid && decoded.slice(colon + 1) === this.authToken
    );
  }

  #create(
    kind: 'message' | 'call',
    form: URLSearchParams,
    req: IncomingMessage,
    res: ServerResponse,
    log: Log,
  ): void {
    const fault = this.#pickFault(form.get('To') ?? '');
    if (fault && fault.kind !== 'fail_after_accept' && fault.kind !== 'hang_after_accept') {
      this.#reject(fault, req, res, log);
      return;
    }
    const problem = kind === 'message' ? validateMessage(form) : validateCall(form);
    if (problem) {
      log(`invalid ${problem.code}`);
      sendError(res, 400, problem.code, problem.message);
      return;
    }
    let resource: () => Json;
    if (kind === 'message') {
      const message = this.#acceptMessage(form);
      resource = () => this.#messageJson(message);
      this.#track(this.#runMessage(message, this.#callbackStatuses));
    } else {
      const call = this.#acceptCall(form);
      resource = () => this.#callJson(call);
      this.#track(this.#runCall(call));
    }
    if (!fault) {
      log('created');
      sendJson(res, 201, resource());
    } else if (fault.kind === 'fail_after_accept') {
      log('fail_after_accept');
      sendError(res, 500, 20500, 'Internal Server Error');
    } else {
      log('hang_after_accept');
      this.#hold(res, fault.ms, () => sendJson(res, 201, resource()));
    }
  }

  #pickFault(to: string): FakeFault | undefined {
    const queued = this.#faultQueue.shift();
    if (queued) return queued;
    if (this.#rateLimit !== null) {
      const now = Date.now();
      while (this.#admitted.length > 0 && (this.#admitted[0] ?? now) <= now - 1000) this.#admitted.shift();
      if (this.#admitted.length >= this.#rateLimit) return { kind: 'rate_limit' };
      this.#admitted.push(now);
    }
    return this.#numberFaults.get(to);
  }

  #reject(fault: RejectingFault, req: IncomingMessage, res: ServerResponse, log: Log): void {
    switch (fault.kind) {
      case 'rate_limit':
        log('rate_limited');
        res.setHeader('Retry-After', String(fault.retryAfterSeconds ?? 1));
        sendError(res, 429, 20429, 'Too Many Requests');
        return;
      case 'server_error':
        log('server_error');
        sendError(res, 500, 20500, 'Internal Server Error');
        return;
      case 'hang':
        log('hang');
        this.#hold(res, fault.ms, () => sendError(res, 503, 20503, 'Service Unavailable'));
        return;
      case 'reset':
        log('reset');
        req.socket.resetAndDestroy();
        return;
      case 'error':
        log(`error ${fault.code}`);
        sendError(res, fault.status, fault.code, fault.message);
        return;
    }
  }

  /** Keeps a request waiting: answers after `ms`, or never (until the client or close() ends it). */
  #hold(res: ServerResponse, ms: number | undefined, answer: () => void): void {
    if (ms === undefined) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!res.destroyed && !res.writableEnded) answer();
    }, ms);
    this.#timers.add(timer);
    res.once('close', () => {
      clearTimeout(timer);
      this.#timers.delete(timer);
    });
  }

  #fetch(kind: 'message' | 'call', sid: string, pathname: string, res: ServerResponse, log: Log): void {
    const found =
      kind === 'message' ? this.#messages.find((m) => m.sid === sid) : this.#calls.find((c) => c.sid === sid);
    if (!found) {
      log('not_found');
      sendError(res, 404, 20404, `The requested resource ${pathname} was not found`);
      return;
    }
    log('fetched');
    sendJson(
      res,
      200,
      kind === 'message' ? this.#messageJson(found as MessageRecord) : this.#callJson(found as CallRecord),
    );
  }

  /** The list resource: filters To, From, DateSent, DateSent<, DateSent> (messages), PageSize, Page. */
  #list(kind: 'message' | 'call', url: URL, res: ServerResponse, log: Log): void {
    const query = url.searchParams;
    const names = kind === 'message' ? ['To', 'From', 'DateSent', 'DateSent<', 'DateSent>'] : ['To', 'From'];
    const filters: [string, string][] = [];
    for (const name of names) {
      const value = query.get(name);
      if (value !== null) filters.push([name, value]);
    }
    const bounds = new Map<string, Date>();
    for (const [name, value] of filters) {
      if (!name.startsWith('DateSent')) continue;
      const date = parseFilterDate(value);
      if (!date) {
        log('invalid 20001');
        sendError(res, 400, 20001, `Invalid value for ${name}: ${value}`);
        return;
      }
      bounds.set(name, date);
    }
    const matches = (item: MessageRecord | CallRecord): boolean => {
      const to = query.get('To');
      const from = query.get('From');
      if (to !== null && item.to !== to) return false;
      if (from !== null && item.from !== from) return false;
      if (kind === 'call') return true;
      // A message the fake has not "sent" yet is filed under its creation time, so that a
      // reconciliation query finds everything the fake accepted.
      const message = item as MessageRecord;
      const sent = (message.dateSent ?? message.dateCreated).getTime();
      const on = bounds.get('DateSent');
      const after = bounds.get('DateSent>');
      const before = bounds.get('DateSent<');
      if (on && (sent < on.getTime() || sent >= on.getTime() + 86_400_000)) return false;
      if (after && sent < after.getTime()) return false;
      if (before && sent > before.getTime()) return false;
      return true;
    };
    const all = (kind === 'message' ? [...this.#messages] : [...this.#calls]).reverse().filter(matches);
    const pageSize = Math.min(Math.max(Number.parseInt(query.get('PageSize') ?? '', 10) || 50, 1), 1000);
    const page = Math.max(Number.parseInt(query.get('Page') ?? '', 10) || 0, 0);
    const start = page * pageSize;
    const items = all.slice(start, start + pageSize);
    const uriFor = (n: number): string =>
      `${url.pathname}?${encodeQuery([...filters, ['PageSize', String(pageSize)], ['Page', String(n)]])}`;
    const last = items.at(-1);
    log('listed');
    sendJson(res, 200, {
      [kind === 'message' ? 'messages' : 'calls']: items.map((item) =>
        kind === 'message' ? this.#messageJson(item as MessageRecord) : this.#callJson(item as CallRecord),
      ),
      end: items.length > 0 ? start + items.length - 1 : start,
      first_page_uri: uriFor(0),
      next_page_uri:
        last && start + pageSize < all.length ? `${uriFor(page + 1)}&PageToken=PA${last.sid}` : null,
      page,
      page_size: pageSize,
      previous_page_uri: page > 0 ? uriFor(page - 1) : null,
      start,
      uri: uriFor(page),
    });
  }

  // ---- Messages ----

  #acceptMessage(form: URLSearchParams): MessageRecord {
    const now = new Date();
    const body = form.get('Body') ?? '';
    const message: MessageRecord = {
      sid: newSid('SM'),
      to: form.get('To') ?? '',
      from: form.get('From') ?? '',
      messagingServiceSid: form.get('MessagingServiceSid') || undefined,
      body,
      statusCallback: form.get('StatusCallback') || undefined,
      status: 'queued',
      dateCreated: now,
      dateUpdated: now,
      numSegments: segmentCount(body),
    };
    this.#messages.push(message);
    return message;
  }

  async #runMessage(message: MessageRecord, statuses: readonly string[]): Promise<void> {
    for (const status of statuses) {
      await sleep(STEP_MS, undefined, { signal: this.#closing.signal });
      this.#advanceMessage(message, status);
      if (message.statusCallback) {
        const params = this.#messageStatusParams(message, status);
        await this.#postWebhook(message.statusCallback, params).catch(() => undefined);
      }
    }
  }

  #advanceMessage(message: MessageRecord, status: string, errorCode?: number): void {
    if ((MESSAGE_STATUS_RANK[status] ?? 0) < (MESSAGE_STATUS_RANK[message.status] ?? 0)) return;
    const now = new Date();
    message.status = status;
    message.dateUpdated = now;
    if ((MESSAGE_STATUS_RANK[status] ?? 0) >= (MESSAGE_STATUS_RANK.sent ?? 3) && !message.dateSent)
      message.dateSent = now;
    if (status === 'undelivered' || status === 'failed') message.errorCode = errorCode ?? 30003;
  }

  #messageStatusParams(message: MessageRecord, status: string, errorCode?: number): Record<string, string> {
    const params: Record<string, string> = {
      AccountSid: this.accountSid,
      ApiVersion: API_VERSION,
      From: message.from,
      To: message.to,
      MessageSid: message.sid,
      SmsSid: message.sid,
      MessageStatus: status,
      SmsStatus: status,
    };
    if (message.messagingServiceSid) params.MessagingServiceSid = message.messagingServiceSid;
    if (status === 'undelivered' || status === 'failed') params.ErrorCode = String(errorCode ?? 30003);
    if (status === 'delivered') params.RawDlrDoneDate = dlrDate(new Date());
    return params;
  }

  #messageJson(message: MessageRecord): Json {
    const uri = `/2010-04-01/Accounts/${this.accountSid}/Messages/${message.sid}`;
    return {
      account_sid: this.accountSid,
      api_version: API_VERSION,
      body: message.body,
      date_created: rfc2822(message.dateCreated),
      date_sent: message.dateSent ? rfc2822(message.dateSent) : null,
      date_updated: rfc2822(message.dateUpdated),
      direction: 'outbound-api',
      error_code: message.errorCode ?? null,
      error_message: message.errorCode ? (DELIVERY_ERRORS[message.errorCode] ?? 'Unknown error') : null,
      from: message.from || null,
      messaging_service_sid: message.messagingServiceSid ?? null,
      num_media: '0',
      num_segments: String(message.numSegments),
      price: null,
      price_unit: 'USD',
      sid: message.sid,
      status: message.status,
      subresource_uris: { media: `${uri}/Media.json`, feedback: `${uri}/Feedback.json` },
      to: message.to,
      uri: `${uri}.json`,
    };
  }

  // ---- Calls ----

  #acceptCall(form: URLSearchParams): CallRecord {
    const now = new Date();
    const events = new Set(
      form
        .getAll('StatusCallbackEvent')
        .flatMap((value) => value.split(/[\s,]+/))
        .filter(Boolean),
    );
    const call: CallRecord = {
      sid: newSid('CA'),
      to: form.get('To') ?? '',
      from: form.get('From') ?? '',
      twiml: form.get('Twiml') || undefined,
      url: form.get('Url') || undefined,
      statusCallback: form.get('StatusCallback') || undefined,
      status: 'queued',
      dateCreated: now,
      dateUpdated: now,
      machineDetection: form.get('MachineDetection') || undefined,
      events,
      sequence: 0,
    };
    this.#calls.push(call);
    return call;
  }

  /** initiated → ringing → (busy | no-answer) or answered → [TwiML, Gather] → completed. */
  async #runCall(call: CallRecord): Promise<void> {
    const outcome = this.#callOutcomes.get(call.to) ?? { answeredBy: 'human' };
    await this.#callStep(call, 'queued', 'initiated');
    await this.#callStep(call, 'ringing', 'ringing');
    if (outcome.answeredBy === 'busy' || outcome.answeredBy === 'no-answer') {
      call.duration = 0;
      await this.#callStep(call, outcome.answeredBy, 'completed');
      return;
    }
    call.startTime = new Date();
    if (call.machineDetection && call.machineDetection !== 'None') call.answeredBy = outcome.answeredBy;
    await this.#callStep(call, 'in-progress', 'answered');
    if (!call.twiml && call.url) {
      const answer = await this.#postWebhook(call.url, this.#voiceParams(call)).catch(() => undefined);
      if (answer && answer.status < 300) call.twiml = answer.body;
    }
    const action = gatherAction(call.twiml ?? '', call.url);
    if (outcome.digits !== undefined && action) {
      await sleep(STEP_MS, undefined, { signal: this.#closing.signal });
      call.digits = outcome.digits;
      const params = {
        ...this.#voiceParams(call),
        Digits: outcome.digits,
        FinishedOnKey: '',
        msg: 'Gather End',
      };
      await this.#postWebhook(action, params).catch(() => undefined);
    }
    call.endTime = new Date();
    call.duration = outcome.answeredBy === 'human' ? 12 : 20;
    await this.#callStep(call, 'completed', 'completed');
  }

  /** Moves the call to `status`; posts the callback when `event` was asked for (always for the end). */
  async #callStep(call: CallRecord, status: string, event: string): Promise<void> {
    await sleep(STEP_MS, undefined, { signal: this.#closing.signal });
    call.status = status;
    call.dateUpdated = new Date();
    if (!call.statusCallback || (event !== 'completed' && !call.events.has(event))) return;
    const callStatus = event === 'initiated' ? 'initiated' : status;
    await this.#postWebhook(call.statusCallback, this.#callStatusParams(call, callStatus)).catch(
      () => undefined,
    );
  }

  /** The parameters of Twilio's voice requests (TwiML fetch, Gather action). */
  #voiceParams(call: CallRecord): Record<string, string> {
    const params: Record<string, string> = {
      AccountSid: this.accountSid,
      ApiVersion: API_VERSION,
      CallSid: call.sid,
      CallStatus: call.status,
      Called: call.to,
      Caller: call.from,
      Direction: 'outbound-api',
      From: call.from,
      To: call.to,
    };
    if (call.answeredBy) params.AnsweredBy = call.answeredBy;
    return params;
  }

  #callStatusParams(call: CallRecord, status: string): Record<string, string> {
    call.sequence += 1;
    const params: Record<string, string> = {
      ...this.#voiceParams(call),
      CallStatus: status,
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(call.sequence - 1),
      Timestamp: rfc2822(new Date()),
    };
    if (['completed', 'busy', 'no-answer', 'failed', 'canceled'].includes(status)) {
      const seconds = call.duration ?? 0;
      params.CallDuration = String(seconds);
      params.Duration = String(Math.ceil(seconds / 60));
    }
    return params;
  }

  #callJson(call: CallRecord): Json {
    const uri = `/2010-04-01/Accounts/${this.accountSid}/Calls/${call.sid}`;
    return {
      account_sid: this.accountSid,
      annotation: null,
      answered_by: call.answeredBy ?? null,
      api_version: API_VERSION,
      caller_name: null,
      date_created: rfc2822(call.dateCreated),
      date_updated: rfc2822(call.dateUpdated),
      direction: 'outbound-api',
      duration: call.duration === undefined ? null : String(call.duration),
      end_time: call.endTime ? rfc2822(call.endTime) : null,
      forwarded_from: null,
      from: call.from,
      from_formatted: call.from,
      group_sid: null,
      parent_call_sid: null,
      phone_number_sid: null,
      price: null,
      price_unit: 'USD',
      queue_time: '0',
      sid: call.sid,
      start_time: call.startTime ? rfc2822(call.startTime) : null,
      status: call.status,
      subresource_uris: {
        notifications: `${uri}/Notifications.json`,
        recordings: `${uri}/Recordings.json`,
        events: `${uri}/Events.json`,
      },
      to: call.to,
      to_formatted: call.to,
      trunk_sid: null,
      uri: `${uri}.json`,
    };
  }

  // ---- Webhooks ----

  /** A signed, form-encoded POST to `url`, as Twilio sends it; resolves with the app's answer. */
  async #postWebhook(url: string, params: Record<string, string>): Promise<{ status: number; body: string }> {
    const record: Mutable<FakeWebhook> = { url, params, at: new Date() };
    this.#webhooks.push(record);
    const { target, headers } = this.#route(url);
    try {
      const response = await fetch(target, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'X-Twilio-Signature': twilioSignature(this.authToken, url, params),
          'I-Twilio-Idempotency-Token': randomUUID(),
          'User-Agent': 'TwilioProxy/1.1',
          Accept: '*/*',
          ...headers,
        },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.any([this.#closing.signal, AbortSignal.timeout(WEBHOOK_TIMEOUT_MS)]),
      });
      const body = await response.text();
      record.status = response.status;
      return { status: response.status, body };
    } catch (error) {
      record.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw error;
    }
  }

  #route(url: string): { target: string; headers: Record<string, string> } {
    const parsed = new URL(url);
    for (const [publicOrigin, localOrigin] of Object.entries(this.#webhookProxy)) {
      if (new URL(publicOrigin).origin !== parsed.origin) continue;
      return {
        target: new URL(parsed.pathname + parsed.search, localOrigin).href,
        headers: { 'X-Forwarded-Proto': parsed.protocol.slice(0, -1), 'X-Forwarded-Host': parsed.host },
      };
    }
    return { target: url, headers: {} };
  }

  #track(work: Promise<unknown>): void {
    const settled: Promise<void> = work
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        this.#pending.delete(settled);
      });
    this.#pending.add(settled);
  }
}

function validateMessage(form: URLSearchParams): { code: number; message: string } | undefined {
  const to = form.get('To');
  const body = form.get('Body') ?? '';
  if (!to) return { code: 21604, message: "A 'To' phone number is required." };
  if (!form.get('From') && !form.get('MessagingServiceSid'))
    return { code: 21603, message: "A 'From' phone number is required." };
  if (!E164.test(to)) return { code: 21211, message: `Invalid 'To' Phone Number: ${to}` };
  if (!body && !form.get('MediaUrl')) return { code: 21602, message: 'Message body is required.' };
  if (body.length > 1600)
    return { code: 21617, message: 'The concatenated message body exceeds the 1600 character limit.' };
  return undefined;
}

function validateCall(form: URLSearchParams): { code: number; message: string } | undefined {
  const to = form.get('To');
  if (!to) return { code: 21201, message: "No 'To' number is specified" };
  if (!form.get('From')) return { code: 21213, message: "No 'From' number is specified" };
  if (!E164.test(to)) return { code: 21211, message: `Invalid 'To' Phone Number: ${to}` };
  if (!form.get('Twiml') && !form.get('Url') && !form.get('ApplicationSid'))
    return { code: 21205, message: 'Url parameter is required.' };
  return undefined;
}

/** The action URL of the first <Gather> (relative ones resolved against the TwiML's URL). */
function gatherAction(twiml: string, documentUrl: string | undefined): string | undefined {
  const gather = /<Gather\b([^>]*)>/i.exec(twiml);
  if (!gather) return undefined;
  const attribute = /\baction\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(gather[1] ?? '');
  const action = attribute ? unescapeXml(attribute[1] ?? attribute[2] ?? '') : undefined;
  if (!action) return documentUrl; // Twilio posts to the current document's URL
  try {
    return new URL(action, documentUrl).href;
  } catch {
    return undefined;
  }
}

function unescapeXml(text: string): string {
  return text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
}

const GSM7 = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM7_EXTENDED = new Set('^{}\\[~]|€\f');

/** SMS segments: GSM-7 160 / 153 per part, otherwise UCS-2 70 / 67 per part. */
function segmentCount(body: string): number {
  let septets = 0;
  let gsm = true;
  for (const char of body) {
    if (GSM7.has(char)) septets += 1;
    else if (GSM7_EXTENDED.has(char)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return septets <= 160 ? 1 : Math.ceil(septets / 153);
  return body.length <= 70 ? 1 : Math.ceil(body.length / 67);
}

function countryOf(number: string): string {
  return number.startsWith('+1') ? 'US' : '';
}

function newSid(prefix: string): string {
  return prefix + randomBytes(16).toString('hex');
}

/** RFC 2822 in GMT, as Twilio writes dates: 'Thu, 30 Jul 2015 20:12:31 +0000'. */
function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

/** A carrier delivery-receipt time, YYMMDDhhmm. */
function dlrDate(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(2, 12);
}

function parseFilterDate(value: string): Date | undefined {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time);
}

function encodeQuery(entries: readonly [string, string][]): string {
  return entries.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: Json): void {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Twilio-Request-Id': newSid('RQ'),
  });
  res.end(JSON.stringify(body));
}

/** Twilio's error body: `{code, message, more_info, status}`. */
function sendError(res: ServerResponse, status: number, code: number, message: string): void {
  sendJson(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}
