/**
 * Translation against a local LibreTranslate-compatible server and a Google-shaped one (real
 * HTTP): staff's own words reach a Spanish-reading family in Spanish with the original kept, a
 * family's reply is translated for staff after the webhook answered, and with translation off
 * (the default) nothing is sent anywhere.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../test/support/database.ts';
import { addGuardian, type MessagingBench, startMessagingBench } from '../../test/support/messaging.ts';
import { signInAs } from '../../test/support/sign-in.ts';
import { loadConfig } from '../platform/config.ts';
import { createTranslateReplyJob, TRANSLATE_REPLY } from './translate-reply.job.ts';
import { createGoogleTranslate, createLibreTranslate, createTranslator } from './translation.ts';

interface Seen {
  readonly path: string;
  readonly body: Record<string, string>;
}

/** A tiny translation service: "translates" by tagging the text with the target language. */
async function startTranslationServer(): Promise<{
  url: string;
  seen: Seen[];
  failNext: () => void;
  server: Server;
}> {
  const seen: Seen[] = [];
  let fail = false;
  const read = async (request: IncomingMessage) => {
    let text = '';
    for await (const chunk of request) text += chunk;
    return JSON.parse(text) as Record<string, string>;
  };
  const server = createServer(async (request, response) => {
    const body = await read(request);
    seen.push({ path: request.url ?? '', body });
    response.setHeader('content-type', 'application/json');
    if (fail) {
      fail = false;
      response.statusCode = 500;
      response.end(JSON.stringify({ error: 'down' }));
      return;
    }
    if (request.url?.startsWith('/language/translate/v2')) {
      response.end(
        JSON.stringify({
          data: {
            translations: [{ translatedText: `[${body.target}] ${body.q}`, detectedSourceLanguage: 'es' }],
          },
        }),
      );
      return;
    }
    response.end(
      JSON.stringify({
        translatedText: `[${body.target}] ${body.q}`,
        detectedLanguage: { confidence: 90, language: 'es' },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    failNext: () => {
      fail = true;
    },
    server,
  };
}

let service: Awaited<ReturnType<typeof startTranslationServer>>;
let bench: MessagingBench;

beforeAll(async () => {
  service = await startTranslationServer();
  bench = await startMessagingBench({ TRANSLATION_PROVIDER: 'libretranslate', TRANSLATION_URL: service.url });
}, 120_000);

afterAll(async () => {
  await bench?.close();
  await new Promise<void>((resolve) => service?.server.close(() => resolve()));
});

describe('translation adapters', () => {
  it('speaks LibreTranslate: source, target (zt for Traditional Chinese), format and key', async () => {
    const translator = createLibreTranslate(service.url, 'k1');
    const result = await translator.translate('Hello', { to: 'zh-Hant', from: 'en' });
    expect(result).toEqual({ text: '[zt] Hello', detectedLanguage: 'es' });
    expect(service.seen.at(-1)).toEqual({
      path: '/translate',
      body: { q: 'Hello', source: 'en', target: 'zt', format: 'text', api_key: 'k1' },
    });
    service.failNext();
    await expect(translator.translate('Hello', { to: 'es' })).rejects.toThrow('HTTP 500');
  });

  it('speaks Google Cloud Translation v2', async () => {
    const translator = createGoogleTranslate('secret key', service.url);
    const result = await translator.translate('Hola', { to: 'zh-Hans' });
    expect(result).toEqual({ text: '[zh-CN] Hola', detectedLanguage: 'es' });
    expect(service.seen.at(-1)?.path).toBe('/language/translate/v2?key=secret%20key');
  });

  it('is off unless configured, and refuses half a configuration', () => {
    expect(createTranslator(loadConfig({}))).toBeNull();
    expect(() => loadConfig({ TRANSLATION_PROVIDER: 'libretranslate' })).toThrow('needs TRANSLATION_URL');
    expect(() => loadConfig({ TRANSLATION_PROVIDER: 'google' })).toThrow('needs TRANSLATION_API_KEY');
  });
});

describe(`translation in messaging (${testEngine()})`, () => {
  it("sends staff's own words in the family's language and keeps the original beside them", async () => {
    const admin = await signInAs(bench.app, 'admin@riverside.example.org');
    const spanish = await addGuardian(bench, { language: 'es' });
    const english = await addGuardian(bench, { studentId: spanish.studentId });
    const response = await bench.app.inject({
      method: 'POST',
      url: `/api/students/${spanish.studentId}/messages`,
      headers: { cookie: admin },
      payload: { text: 'Can we talk tomorrow?', contactIds: [spanish.contactId, english.contactId] },
    });
    expect(response.statusCode).toBe(201);
    const messages = (
      response.json() as {
        messages: { contactId: string; body: string; language: string; originalBody?: string }[];
      }
    ).messages;
    expect(messages.find((message) => message.contactId === spanish.contactId)).toMatchObject({
      body: '[es] Can we talk tomorrow?',
      language: 'es',
      originalBody: 'Can we talk tomorrow?',
    });
    expect(messages.find((message) => message.contactId === english.contactId)).toMatchObject({
      body: 'Can we talk tomorrow?',
      language: 'en',
    });
    const { rows } = await sql<{
      body: string;
      original_body: string | null;
    }>`SELECT body, original_body FROM messages
      WHERE district_id = ${bench.districtId} AND contact_id = ${spanish.contactId}`.execute(
      bench.database.db,
    );
    expect(rows).toEqual([{ body: '[es] Can we talk tomorrow?', original_body: 'Can we talk tomorrow?' }]);
    bench.queue.take();
  });

  it('sends the original words, and says so, when the translation service fails', async () => {
    const admin = await signInAs(bench.app, 'admin@riverside.example.org');
    const spanish = await addGuardian(bench, { language: 'es' });
    service.failNext();
    const response = await bench.app.inject({
      method: 'POST',
      url: `/api/students/${spanish.studentId}/messages`,
      headers: { cookie: admin },
      payload: { text: 'See you soon.', contactIds: [spanish.contactId] },
    });
    expect(response.json().messages[0]).toMatchObject({
      body: 'See you soon.',
      language: 'en',
      translation: 'failed',
    });
    bench.queue.take();
  });

  it("translates a family's reply for staff after the webhook, keeping their words", async () => {
    const guardian = await addGuardian(bench, { language: 'es' });
    bench.queue.take();
    const answer = await bench.fake.postInboundSms(`${bench.config.PUBLIC_URL}/webhooks/twilio/sms`, {
      from: guardian.phone,
      to: bench.smsNumber,
      body: 'Mi hijo está enfermo hoy',
    });
    expect(answer.status).toBe(200);
    const jobs = bench.queue.take().filter((job) => job.name === TRANSLATE_REPLY);
    expect(jobs).toHaveLength(1);
    const job = createTranslateReplyJob(createTranslator(bench.config));
    const context = {
      db: bench.database.db,
      logger: pino({ level: 'silent' }),
      jobId: 'j',
      signal: new AbortController().signal,
      queue: bench.queue,
    };
    const payload = jobs[0]?.payload as unknown as { districtId: string; inboundId: string };
    await job.handle({ ...payload, v: 1 }, context);
    await job.handle({ ...payload, v: 1 }, context);
    const { rows } = await sql<{ body: string; translated_body: string; translation_provider: string }>`
      SELECT body, translated_body, translation_provider FROM inbound_messages
      WHERE district_id = ${bench.districtId} AND contact_id = ${guardian.contactId}`.execute(
      bench.database.db,
    );
    expect(rows).toEqual([
      {
        body: 'Mi hijo está enfermo hoy',
        translated_body: '[en] Mi hijo está enfermo hoy',
        translation_provider: 'libretranslate',
      },
    ]);
    expect(service.seen.filter((request) => request.body.q === 'Mi hijo está enfermo hoy')).toHaveLength(1);
  });
});
