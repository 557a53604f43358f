/**
 * Tests of the test fakes themselves, over real sockets: the fake Twilio (REST with Basic
 * auth, faults, signed webhooks, list filters, calls with <Gather>), the SMTP sink (with
 * nodemailer as the client) and the fault-injecting TCP proxy.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import {
  type AddressInfo,
  connect,
  createServer as createTcpServer,
  type Server as TcpServer,
} from 'node:net';
import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isValidTwilioSignature } from '../../../src/messaging/twilio-signature.ts';
import { FakeTwilio } from './fake-twilio.ts';
import { SmtpSink } from './smtp-sink.ts';
import { TcpProxy } from './tcp-proxy.ts';

type Json = Record<string, unknown>;

interface Received {
  url: string;
  path: string;
  headers: IncomingHttpHeaders;
  params: Record<string, string>;
}

interface Receiver {
  base: string;
  received: Received[];
  close(): Promise<void>;
}

/** A small app stand-in: records each form POST and answers 200 (or what `answer` says). */
async function startReceiver(answer?: (r: Received) => { status: number; body?: string }): Promise<Receiver> {
  const received: Received[] = [];
  let base = '';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const entry = { url: `${base}${req.url ?? ''}`, path: req.url ?? '', headers: req.headers, params };
      received.push(entry);
      const reply = answer?.(entry) ?? { status: 200, body: '<Response/>' };
      res.writeHead(reply.status, { 'Content-Type': 'text/xml' }).end(reply.body ?? '');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function signed(fake: FakeTwilio, r: Received): boolean {
  const signature = r.headers['x-twilio-signature'];
  return isValidTwilioSignature(
    fake.authToken,
    r.url,
    r.params,
    typeof signature === 'string' ? signature : undefined,
  );
}

/** Twilio's REST API as a client would call it: Basic auth, form bodies. */
function api(fake: FakeTwilio, token = fake.authToken) {
  const authorization = `Basic ${Buffer.from(`${fake.accountSid}:${token}`).toString('base64')}`;
  const base = `${fake.apiBaseUrl}/2010-04-01/Accounts/${fake.accountSid}`;
  return {
    base,
    post: (resource: string, form: Record<string, string>, signal?: AbortSignal) =>
      fetch(`${base}/${resource}`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form),
        signal,
      }),
    /** `target` is a path under the account ('Messages.json?To=…') or an absolute API path ('/2010-04-01/…'). */
    get: (target: string, signal?: AbortSignal) =>
      fetch(target.startsWith('/') ? `${fake.apiBaseUrl}${target}` : `${base}/${target}`, {
        headers: { authorization },
        signal,
      }),
  };
}

const FROM = '+15005550006';
const PARENT = '+15551230001';
const OTHER_PARENT = '+15551230002';
const RFC_2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

describe('FakeTwilio REST', () => {
  let fake: FakeTwilio;
  beforeEach(async () => {
    fake = await FakeTwilio.start();
    fake.callbackStatuses([]);
  });
  afterEach(async () => {
    await fake.close();
  });

  it('creates, fetches and lists a message with Basic auth, in Twilio shapes', async () => {
    const client = api(fake);
    const created = await client.post('Messages.json', {
      To: PARENT,
      From: FROM,
      Body: 'Maya was absent today.',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toMatch(/^application\/json/);
    const message = (await created.json()) as Json;
    expect(message).toMatchObject({
      account_sid: fake.accountSid,
      api_version: '2010-04-01',
      to: PARENT,
      from: FROM,
      body: 'Maya was absent today.',
      status: 'queued',
      direction: 'outbound-api',
      num_segments: '1',
      error_code: null,
      error_message: null,
      date_sent: null,
    });
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(fake.accountSid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(message.date_created).toMatch(RFC_2822);
    expect(message.uri).toBe(`/2010-04-01/Accounts/${fake.accountSid}/Messages/${String(message.sid)}.json`);

    const fetched = await client.get(message.uri as string);
    expect(fetched.status).toBe(200);
    expect(await fetched.json()).toMatchObject({ sid: message.sid, status: 'queued' });

    const listed = await client.get('Messages.json');
    expect(listed.status).toBe(200);
    const page = (await listed.json()) as Json;
    expect(page).toMatchObject({
      page: 0,
      page_size: 50,
      start: 0,
      next_page_uri: null,
      previous_page_uri: null,
    });
    expect(page.first_page_uri).toMatch(/Messages\.json\?PageSize=50&Page=0$/);
    expect((page.messages as Json[]).map((m) => m.sid)).toEqual([message.sid]);

    const missing = await client.get(`Messages/SM${'0'.repeat(32)}.json`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 20404, status: 404 });
    expect(fake.messages).toHaveLength(1);
    expect(fake.messages[0]).toMatchObject({ to: PARENT, from: FROM, numSegments: 1, status: 'queued' });
  });

  it('answers 401 (20003) to a wrong or missing token and 404 (20404) to another account', async () => {
    const wrong = await api(fake, 'not-the-token').post('Messages.json', {
      To: PARENT,
      From: FROM,
      Body: 'x',
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({
      code: 20003,
      message: 'Authenticate',
      more_info: 'https://www.twilio.com/docs/errors/20003',
      status: 401,
    });
    const anonymous = await fetch(`${api(fake).base}/Messages.json`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic/);

    const authorization = `Basic ${Buffer.from(`${fake.accountSid}:${fake.authToken}`).toString('base64')}`;
    const elsewhere = await fetch(
      `${fake.apiBaseUrl}/2010-04-01/Accounts/AC${'1'.repeat(32)}/Messages.json`,
      {
        headers: { authorization },
      },
    );
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.json()).toMatchObject({ code: 20404 });
    expect(fake.messages).toHaveLength(0);
  });

  it('validates like Twilio: 21604 missing To, 21211 To not E.164, 21602 missing Body', async () => {
    const client = api(fake);
    const cases: [Record<string, string>, number][] = [
      [{ From: FROM, Body: 'x' }, 21604],
      [{ To: '555-1234', From: FROM, Body: 'x' }, 21211],
      [{ To: PARENT, From: FROM }, 21602],
    ];
    for (const [form, code] of cases) {
      const response = await client.post('Messages.json', form);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code, status: 400 });
    }
    expect(fake.messages).toHaveLength(0);
  });

  it('rate_limit answers 429 (20429) with Retry-After and accepts nothing', async () => {
    fake.failNext({ kind: 'rate_limit', retryAfterSeconds: 7 });
    const client = api(fake);
    const limited = await client.post('Messages.json', { To: PARENT, From: FROM, Body: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(await limited.json()).toMatchObject({ code: 20429, status: 429 });
    expect(fake.messages).toHaveLength(0);
    expect((await client.post('Messages.json', { To: PARENT, From: FROM, Body: 'x' })).status).toBe(201);
    expect(fake.messages).toHaveLength(1);
  });

  it('rateLimitAbove answers 429 above the rate and stops when turned off', async () => {
    fake.rateLimitAbove(2);
    const client = api(fake);
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => client.post('Messages.json', { To: PARENT, From: FROM, Body: 'x' })),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 201)).toHaveLength(fake.messages.length);
    for (const answer of answers.filter((a) => a.status === 429))
      expect(answer.headers.get('retry-after')).toBe('1');
    fake.rateLimitAbove(null);
    const after = await Promise.all(
      Array.from({ length: 5 }, () => client.post('Messages.json', { To: PARENT, From: FROM, Body: 'x' })),
    );
    expect(after.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
  });

  it('fail_after_accept records the message (it is listed) yet answers 500', async () => {
    fake.failNext({ kind: 'fail_after_accept' });
    const client = api(fake);
    const answer = await client.post('Messages.json', { To: PARENT, From: FROM, Body: 'x' });
    expect(answer.status).toBe(500);
    expect(await answer.json()).toMatchObject({ code: 20500, status: 500 });
    expect(fake.messages).toHaveLength(1);
    const listed = (await (
      await client.get(`Messages.json?To=${encodeURIComponent(PARENT)}`)
    ).json()) as Json;
    expect((listed.messages as Json[]).map((m) => m.sid)).toEqual([fake.messages[0]?.sid]);
  });

  it('server_error answers 500 the given number of times without accepting', async () => {
    fake.failNext({ kind: 'server_error' }, 2);
    const client = api(fake);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await client.post('Messages.json', { To: PARENT, From: FROM, Body: 'x' })).status);
    expect(statuses).toEqual([500, 500, 201]);
    expect(fake.messages).toHaveLength(1);
    expect(fake.requests.map((r) => r.outcome)).toEqual(['server_error', 'server_error', 'created']);
  });

  it('hang never answers, so a client timeout fires; nothing is accepted', async () => {
    fake.failNext({ kind: 'hang' });
    const attempt = api(fake).post(
      'Messages.json',
      { To: PARENT, From: FROM, Body: 'x' },
      AbortSignal.timeout(200),
    );
    await expect(attempt).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(fake.messages).toHaveLength(0);
  });

  it('hang with ms answers 503 afterwards', async () => {
    fake.failNext({ kind: 'hang', ms: 20 });
    const answer = await api(fake).post('Messages.json', { To: PARENT, From: FROM, Body: 'x' });
    expect(answer.status).toBe(503);
    expect(fake.messages).toHaveLength(0);
  });

  it('hang_after_accept records the message but the client times out', async () => {
    fake.failNext({ kind: 'hang_after_accept' });
    const attempt = api(fake).post(
      'Messages.json',
      { To: PARENT, From: FROM, Body: 'x' },
      AbortSignal.timeout(200),
    );
    await expect(attempt).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(fake.messages).toHaveLength(1);
  });

  it('reset destroys the connection without an answer; nothing is accepted', async () => {
    fake.failNext({ kind: 'reset' });
    await expect(api(fake).post('Messages.json', { To: PARENT, From: FROM, Body: 'x' })).rejects.toThrow(
      TypeError,
    );
    expect(fake.messages).toHaveLength(0);
    expect(fake.requests.at(-1)?.outcome).toBe('reset');
  });

  it('error faults answer Twilio error JSON: per number (21610) and next (21211)', async () => {
    fake.failFor(PARENT, {
      kind: 'error',
      status: 400,
      code: 21610,
      message: 'Attempt to send to unsubscribed recipient',
    });
    const client = api(fake);
    for (let i = 0; i < 2; i++) {
      const refused = await client.post('Messages.json', { To: PARENT, From: FROM, Body: 'x' });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual({
        code: 21610,
        message: 'Attempt to send to unsubscribed recipient',
        more_info: 'https://www.twilio.com/docs/errors/21610',
        status: 400,
      });
    }
    fake.failNext({ kind: 'error', status: 400, code: 21211, message: "Invalid 'To' Phone Number" });
    const invalid = await client.post('Messages.json', { To: OTHER_PARENT, From: FROM, Body: 'x' });
    expect(await invalid.json()).toMatchObject({ code: 21211 });
    expect((await client.post('Messages.json', { To: OTHER_PARENT, From: FROM, Body: 'x' })).status).toBe(
      201,
    );
    expect(fake.messages.map((m) => m.to)).toEqual([OTHER_PARENT]);
  });

  it('filters the list by To and DateSent> / DateSent< and pages through it', async () => {
    const client = api(fake);
    for (const to of [PARENT, OTHER_PARENT, PARENT, PARENT])
      expect((await client.post('Messages.json', { To: to, From: FROM, Body: 'x' })).status).toBe(201);
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const list = async (filters: Record<string, string>): Promise<Json> =>
      (await (await client.get(`Messages.json?${new URLSearchParams(filters)}`)).json()) as Json;

    const query = new URLSearchParams({ To: PARENT, 'DateSent>': today }).toString();
    expect(query).toContain('DateSent%3E=');
    const toParent = await list({ To: PARENT, 'DateSent>': today });
    const expected = fake.messages
      .filter((m) => m.to === PARENT)
      .map((m) => m.sid)
      .reverse();
    expect((toParent.messages as Json[]).map((m) => m.sid)).toEqual(expected);
    expect(((await list({ To: PARENT, 'DateSent>': tomorrow })).messages as Json[]).length).toBe(0);
    expect(((await list({ 'DateSent<': today })).messages as Json[]).length).toBe(0);
    expect(((await list({ DateSent: today })).messages as Json[]).length).toBe(4);

    const first = await list({ To: PARENT, PageSize: '2' });
    expect(first).toMatchObject({ page: 0, page_size: 2, start: 0, end: 1 });
    expect(typeof first.next_page_uri).toBe('string');
    const second = (await (await client.get(first.next_page_uri as string)).json()) as Json;
    expect(second).toMatchObject({ page: 1, next_page_uri: null });
    const paged = [...(first.messages as Json[]), ...(second.messages as Json[])].map((m) => m.sid);
    expect(paged).toEqual(expected);

    const bad = await client.get('Messages.json?DateSent%3E=yesterday');
    expect(bad.status).toBe(400);
  });
});

describe('FakeTwilio webhooks', () => {
  let fake: FakeTwilio;
  let app: Receiver;
  beforeEach(async () => {
    fake = await FakeTwilio.start();
    app = await startReceiver();
  });
  afterEach(async () => {
    await fake.close();
    await app.close();
  });

  it('posts signed status callbacks in order to the StatusCallback URL', async () => {
    const client = api(fake);
    const statusCallback = `${app.base}/webhooks/twilio/status?delivery=42`;
    const created = (await (
      await client.post('Messages.json', {
        To: PARENT,
        From: FROM,
        Body: 'x',
        StatusCallback: statusCallback,
      })
    ).json()) as Json;
    await fake.pendingCallbacks();
    expect(app.received.map((r) => r.params.MessageStatus)).toEqual(['sent', 'delivered']);
    for (const r of app.received) {
      expect(r.url).toBe(statusCallback);
      expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(signed(fake, r)).toBe(true);
      expect(r.params).toMatchObject({
        MessageSid: created.sid,
        SmsSid: created.sid,
        SmsStatus: r.params.MessageStatus,
        AccountSid: fake.accountSid,
        From: FROM,
        To: PARENT,
        ApiVersion: '2010-04-01',
      });
      expect(r.params.ErrorCode).toBeUndefined();
    }
    const fetched = (await (await client.get(`Messages/${String(created.sid)}.json`)).json()) as Json;
    expect(fetched.status).toBe('delivered');
    expect(fetched.date_sent).toMatch(RFC_2822);
    // A tampered parameter no longer matches the signature.
    const first = app.received[0];
    if (!first) throw new Error('no callback');
    expect(signed(fake, { ...first, params: { ...first.params, MessageStatus: 'failed' } })).toBe(false);
  });

  it('undelivered callbacks carry ErrorCode 30003 and the message records it', async () => {
    fake.callbackStatuses(['sent', 'undelivered']);
    const client = api(fake);
    await client.post('Messages.json', {
      To: PARENT,
      From: FROM,
      Body: 'x',
      StatusCallback: `${app.base}/s`,
    });
    await fake.pendingCallbacks();
    expect(app.received.map((r) => [r.params.MessageStatus, r.params.ErrorCode])).toEqual([
      ['sent', undefined],
      ['undelivered', '30003'],
    ]);
    const sid = fake.messages[0]?.sid ?? '';
    expect(await (await client.get(`Messages/${sid}.json`)).json()).toMatchObject({
      status: 'undelivered',
      error_code: 30003,
      error_message: 'Unreachable destination handset',
    });
  });

  it('sends callbacks for accepted-then-failed creates too', async () => {
    fake.failNext({ kind: 'fail_after_accept' });
    await api(fake).post('Messages.json', {
      To: PARENT,
      From: FROM,
      Body: 'x',
      StatusCallback: `${app.base}/s`,
    });
    await fake.pendingCallbacks();
    expect(app.received.map((r) => r.params.MessageStatus)).toEqual(['sent', 'delivered']);
  });

  it('postStatusCallback replays and reorders, returns the app status, never downgrades the fake', async () => {
    fake.callbackStatuses([]);
    await app.close();
    app = await startReceiver(() => ({ status: 204 }));
    await api(fake).post('Messages.json', {
      To: PARENT,
      From: FROM,
      Body: 'x',
      StatusCallback: `${app.base}/s`,
    });
    const sid = fake.messages[0]?.sid ?? '';
    expect(await fake.postStatusCallback(sid, 'delivered')).toBe(204);
    expect(await fake.postStatusCallback(sid, 'sent')).toBe(204);
    const replays = await Promise.all(
      Array.from({ length: 3 }, () => fake.postStatusCallback(sid, 'delivered')),
    );
    expect(replays).toEqual([204, 204, 204]);
    expect(app.received.map((r) => r.params.MessageStatus)).toEqual([
      'delivered',
      'sent',
      'delivered',
      'delivered',
      'delivered',
    ]);
    expect(app.received.every((r) => signed(fake, r))).toBe(true);
    expect(fake.messages[0]?.status).toBe('delivered');
  });

  it('posts a signed inbound SMS and returns the app answer', async () => {
    await app.close();
    app = await startReceiver(() => ({
      status: 200,
      body: '<Response><Message>Got it</Message></Response>',
    }));
    const answer = await fake.postInboundSms(`${app.base}/webhooks/twilio/sms`, {
      from: PARENT,
      to: FROM,
      body: 'STOP',
    });
    expect(answer).toMatchObject({ status: 200, body: '<Response><Message>Got it</Message></Response>' });
    expect(answer.sid).toMatch(/^SM[0-9a-f]{32}$/);
    const [inbound] = app.received;
    if (!inbound) throw new Error('no inbound webhook');
    expect(signed(fake, inbound)).toBe(true);
    expect(inbound.params).toMatchObject({
      MessageSid: answer.sid,
      SmsMessageSid: answer.sid,
      AccountSid: fake.accountSid,
      From: PARENT,
      To: FROM,
      Body: 'STOP',
      NumMedia: '0',
      NumSegments: '1',
      SmsStatus: 'received',
    });
  });

  it('signs the public URL and forwards through webhookProxy with X-Forwarded headers', async () => {
    const proxied = await FakeTwilio.start({ webhookProxy: { 'https://homeroom.example.org': app.base } });
    try {
      await proxied.postInboundSms('https://homeroom.example.org/webhooks/twilio/sms?district=7', {
        from: PARENT,
        to: FROM,
        body: 'hi',
      });
      const [r] = app.received;
      if (!r) throw new Error('no webhook');
      expect(r.path).toBe('/webhooks/twilio/sms?district=7');
      expect(r.headers['x-forwarded-proto']).toBe('https');
      expect(r.headers['x-forwarded-host']).toBe('homeroom.example.org');
      expect(signed(proxied, r)).toBe(false);
      expect(signed(proxied, { ...r, url: `https://homeroom.example.org${r.path}` })).toBe(true);
    } finally {
      await proxied.close();
    }
  });

  it('a call posts the Gather digits, then the completed status callback with AnsweredBy', async () => {
    fake.callOutcome(PARENT, { answeredBy: 'human', digits: '1' });
    const twiml = `<Response><Gather numDigits="1" action="${app.base}/voice/gather?call=1&amp;lang=en"><Say>Press 1.</Say></Gather></Response>`;
    const response = await api(fake).post('Calls.json', {
      To: PARENT,
      From: FROM,
      Twiml: twiml,
      StatusCallback: `${app.base}/voice/status`,
      MachineDetection: 'DetectMessageEnd',
    });
    expect(response.status).toBe(201);
    const call = (await response.json()) as Json;
    expect(call.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(call).toMatchObject({ status: 'queued', to: PARENT, from: FROM, direction: 'outbound-api' });
    await fake.pendingCallbacks();
    expect(app.received.map((r) => r.path)).toEqual(['/voice/gather?call=1&lang=en', '/voice/status']);
    const [gather, status] = app.received;
    expect(gather?.params).toMatchObject({
      CallSid: call.sid,
      Digits: '1',
      From: FROM,
      To: PARENT,
      AccountSid: fake.accountSid,
    });
    expect(status?.params).toMatchObject({ CallSid: call.sid, CallStatus: 'completed', AnsweredBy: 'human' });
    expect(Number(status?.params.CallDuration)).toBeGreaterThan(0);
    expect(app.received.every((r) => signed(fake, r))).toBe(true);
    const fetched = (await (await api(fake).get(`Calls/${String(call.sid)}.json`)).json()) as Json;
    expect(fetched).toMatchObject({ status: 'completed', answered_by: 'human' });
    expect(fake.calls[0]).toMatchObject({ status: 'completed', digits: '1', answeredBy: 'human' });
  });

  it('a call with Url fetches its TwiML (signed) and resolves a relative Gather action', async () => {
    await app.close();
    app = await startReceiver((r) =>
      r.path === '/voice/twiml'
        ? { status: 200, body: '<Response><Gather action="/voice/gather"/></Response>' }
        : { status: 200 },
    );
    fake.callOutcome(PARENT, { answeredBy: 'machine_end_beep', digits: '2' });
    await api(fake).post('Calls.json', {
      To: PARENT,
      From: FROM,
      Url: `${app.base}/voice/twiml`,
      StatusCallback: `${app.base}/voice/status`,
      StatusCallbackEvent: 'ringing answered completed',
      MachineDetection: 'Enable',
    });
    await fake.pendingCallbacks();
    expect(app.received.map((r) => [r.path, r.params.CallStatus])).toEqual([
      ['/voice/status', 'ringing'],
      ['/voice/status', 'in-progress'],
      ['/voice/twiml', 'in-progress'],
      ['/voice/gather', 'in-progress'],
      ['/voice/status', 'completed'],
    ]);
    expect(app.received.every((r) => signed(fake, r))).toBe(true);
    expect(app.received.at(-1)?.params.AnsweredBy).toBe('machine_end_beep');
  });

  it('busy and no-answer calls end without a Gather', async () => {
    fake.callOutcome(PARENT, { answeredBy: 'busy', digits: '1' });
    fake.callOutcome(OTHER_PARENT, { answeredBy: 'no-answer' });
    const twiml = `<Response><Gather action="${app.base}/gather"/></Response>`;
    for (const to of [PARENT, OTHER_PARENT])
      await api(fake).post('Calls.json', {
        To: to,
        From: FROM,
        Twiml: twiml,
        StatusCallback: `${app.base}/status`,
      });
    await fake.pendingCallbacks();
    expect(
      app.received.map((r) => [r.path, r.params.To, r.params.CallStatus, r.params.CallDuration]),
    ).toEqual(
      expect.arrayContaining([
        ['/status', PARENT, 'busy', '0'],
        ['/status', OTHER_PARENT, 'no-answer', '0'],
      ]),
    );
    expect(app.received).toHaveLength(2);
  });

  it('the same faults apply to calls', async () => {
    fake.failNext({ kind: 'rate_limit' });
    const answer = await api(fake).post('Calls.json', { To: PARENT, From: FROM, Twiml: '<Response/>' });
    expect(answer.status).toBe(429);
    expect(fake.calls).toHaveLength(0);
  });
});

describe('SmtpSink', () => {
  let sink: SmtpSink;
  beforeEach(async () => {
    sink = await SmtpSink.start();
  });
  afterEach(async () => {
    await sink.close();
  });

  const transport = (options: { user?: string; pass?: string } = {}) =>
    nodemailer.createTransport({
      host: sink.host,
      port: sink.port,
      secure: false,
      ignoreTLS: true,
      ...(options.user ? { auth: { user: options.user, pass: options.pass ?? '' } } : {}),
    });

  const mail = {
    from: 'Lincoln Elementary <attendance@lincoln.example.org>',
    to: 'parent@example.com',
    subject: 'Absence alert — José Müller',
    text: `José was absent today.\nReply STOP to opt out. ${'Long line. '.repeat(12)}`,
    html: `<p>José was absent today.</p><p>${'x'.repeat(150)}</p>`,
    headers: {
      'List-Unsubscribe': '<https://homeroom.example.org/unsubscribe/abc123>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };

  it('receives text + html from nodemailer and parses subject, headers and both parts', async () => {
    await transport().sendMail(mail);
    await transport().sendMail({ ...mail, textEncoding: 'base64' });
    expect(sink.messages).toHaveLength(2);
    for (const message of sink.messages) {
      expect(message.envelope).toEqual({
        from: 'attendance@lincoln.example.org',
        to: ['parent@example.com'],
      });
      expect(message.subject).toBe(mail.subject);
      expect(message.headers.get('list-unsubscribe')).toBe(
        '<https://homeroom.example.org/unsubscribe/abc123>',
      );
      expect(message.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      expect(message.headers.get('from')).toBe('Lincoln Elementary <attendance@lincoln.example.org>');
      expect(message.headers.get('content-type')).toMatch(/^multipart\/alternative/);
      expect(message.text).toBe(mail.text);
      expect(message.html).toBe(mail.html);
      expect(message.raw).toContain('List-Unsubscribe-Post');
    }
    expect(sink.messages[1]?.raw).toMatch(/Content-Transfer-Encoding: base64/i);
  });

  it('rejectNext fails the next sends at the end of DATA with the code, then accepts again', async () => {
    sink.rejectNext(550);
    await expect(transport().sendMail(mail)).rejects.toMatchObject({ responseCode: 550 });
    sink.rejectNext(451);
    await expect(transport().sendMail(mail)).rejects.toMatchObject({ responseCode: 451 });
    sink.rejectNext(421);
    await expect(transport().sendMail(mail)).rejects.toMatchObject({ responseCode: 421 });
    expect(sink.messages).toHaveLength(0);
    await transport().sendMail(mail);
    expect(sink.messages).toHaveLength(1);
  });

  it('rejectRecipient refuses RCPT TO for that address', async () => {
    sink.rejectRecipient('Gone@Example.com', 550);
    await expect(transport().sendMail({ ...mail, to: 'gone@example.com' })).rejects.toMatchObject({
      responseCode: 550,
    });
    const info = await transport().sendMail({ ...mail, to: ['gone@example.com', 'parent@example.com'] });
    expect(info.rejected).toEqual(['gone@example.com']);
    expect(sink.messages.map((m) => m.envelope.to)).toEqual([['parent@example.com']]);
  });

  it('requires AUTH when configured and answers 535 to a wrong password', async () => {
    const secured = await SmtpSink.start({ user: 'mailer', password: 's3cret' });
    try {
      const to = (pass: string) =>
        nodemailer.createTransport({
          host: secured.host,
          port: secured.port,
          secure: false,
          ignoreTLS: true,
          auth: { user: 'mailer', pass },
        });
      await to('s3cret').sendMail(mail);
      expect(secured.messages).toHaveLength(1);
      await expect(to('wrong').sendMail(mail)).rejects.toMatchObject({ responseCode: 535 });
      expect(secured.messages).toHaveLength(1);
    } finally {
      await secured.close();
    }
  });
});

/** Resolves on 'close' (events.once would reject on the 'error' that a reset emits first). */
function closing(socket: ReturnType<typeof connect>): Promise<void> {
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

describe('TcpProxy', () => {
  let echo: TcpServer;
  let proxy: TcpProxy;
  beforeEach(async () => {
    echo = createTcpServer((socket) => {
      socket.on('error', () => undefined); // the proxy resets it in some tests
      socket.pipe(socket);
    });
    echo.listen(0, '127.0.0.1');
    await once(echo, 'listening');
    proxy = await TcpProxy.start({ host: '127.0.0.1', port: (echo.address() as AddressInfo).port });
  });
  afterEach(async () => {
    await proxy.close();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
  });

  const open = async () => {
    const socket = connect(proxy.port, proxy.host);
    const errors: Error[] = [];
    socket.on('error', (error) => errors.push(error));
    await once(socket, 'connect');
    return { socket, errors };
  };

  const roundTrip = async (socket: ReturnType<typeof connect>, text: string): Promise<string> => {
    const reply = once(socket, 'data');
    socket.write(text);
    const [chunk] = (await reply) as [Buffer];
    return chunk.toString();
  };

  it('forwards bytes both ways', async () => {
    const { socket } = await open();
    expect(await roundTrip(socket, 'hello')).toBe('hello');
    expect(proxy.connections).toBe(1);
    socket.end();
    await once(socket, 'close');
  });

  it('adds latency: a client timeout shorter than it fires, and it can be removed', async () => {
    const fake = await FakeTwilio.start();
    const viaProxy = await TcpProxy.start({ host: '127.0.0.1', port: Number(new URL(fake.apiBaseUrl).port) });
    try {
      const authorization = `Basic ${Buffer.from(`${fake.accountSid}:${fake.authToken}`).toString('base64')}`;
      const url = `http://127.0.0.1:${viaProxy.port}/2010-04-01/Accounts/${fake.accountSid}/Messages.json`;
      expect((await fetch(url, { headers: { authorization } })).status).toBe(200);
      viaProxy.setLatency(400);
      await expect(
        fetch(url, { headers: { authorization }, signal: AbortSignal.timeout(100) }),
      ).rejects.toMatchObject({
        name: 'TimeoutError',
      });
      viaProxy.setLatency(0);
      expect((await fetch(url, { headers: { authorization } })).status).toBe(200);
    } finally {
      await viaProxy.close();
      await fake.close();
    }
  });

  it('resetAll resets open connections', async () => {
    const { socket, errors } = await open();
    expect(await roundTrip(socket, 'ping')).toBe('ping');
    const closed = closing(socket);
    proxy.resetAll();
    await closed;
    expect(errors.map((e) => (e as NodeJS.ErrnoException).code)).toEqual(['ECONNRESET']);
    expect(proxy.connections).toBe(0);
  });

  it('refuseNew resets new connections until turned off', async () => {
    proxy.refuseNew(true);
    const socket = connect(proxy.port, proxy.host);
    socket.on('error', () => undefined);
    socket.write('anyone there?');
    await closing(socket);
    expect(socket.bytesRead).toBe(0);
    expect(proxy.connections).toBe(0);
    proxy.refuseNew(false);
    const { socket: again } = await open();
    expect(await roundTrip(again, 'back')).toBe('back');
    again.end();
    await once(again, 'close');
  });
});
