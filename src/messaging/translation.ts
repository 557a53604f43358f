/**
 * Machine translation behind one small interface: a LibreTranslate-compatible server (which a
 * district can run itself, so no text leaves its network) or Google Cloud Translation. Off by
 * default: then nothing is sent anywhere. Callers always keep the original next to the
 * translation and show both; a translation that fails leaves the original alone.
 */
import type { Config } from '../platform/config.ts';
import type { LanguageCode } from './content/languages.ts';

export interface Translation {
  readonly text: string;
  /** The language the provider detected, when the source was not given. */
  readonly detectedLanguage?: string;
}

export interface Translator {
  readonly name: string;
  /** Translates `text` into `to`; `from` when known (else the provider detects it). Throws on failure. */
  translate(text: string, options: { to: LanguageCode; from?: LanguageCode }): Promise<Translation>;
}

const TIMEOUT_MS = 8_000;

/** LibreTranslate's codes: its Chinese are zh (Simplified) and zt (Traditional). */
function libreCode(code: LanguageCode): string {
  return code === 'zh-Hans' ? 'zh' : code === 'zh-Hant' ? 'zt' : code;
}

/** Google's codes: Chinese by region. */
function googleCode(code: LanguageCode): string {
  return code === 'zh-Hans' ? 'zh-CN' : code === 'zh-Hant' ? 'zh-TW' : code;
}

async function postJson(url: string, body: object): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`The translation service answered HTTP ${response.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as unknown;
}

export function createLibreTranslate(url: string, apiKey?: string): Translator {
  return {
    name: 'libretranslate',
    async translate(text, { to, from }) {
      const answer = (await postJson(`${url}/translate`, {
        q: text,
        source: from ? libreCode(from) : 'auto',
        target: libreCode(to),
        format: 'text',
        ...(apiKey ? { api_key: apiKey } : {}),
      })) as { translatedText?: string; detectedLanguage?: { language?: string } };
      if (typeof answer.translatedText !== 'string')
        throw new Error('The translation service gave no translatedText.');
      return {
        text: answer.translatedText,
        ...(answer.detectedLanguage?.language ? { detectedLanguage: answer.detectedLanguage.language } : {}),
      };
    },
  };
}

export function createGoogleTranslate(
  apiKey: string,
  url = 'https://translation.googleapis.com',
): Translator {
  return {
    name: 'google',
    async translate(text, { to, from }) {
      const answer = (await postJson(`${url}/language/translate/v2?key=${encodeURIComponent(apiKey)}`, {
        q: text,
        target: googleCode(to),
        format: 'text',
        ...(from ? { source: googleCode(from) } : {}),
      })) as { data?: { translations?: { translatedText: string; detectedSourceLanguage?: string }[] } };
      const first = answer.data?.translations?.[0];
      if (!first) throw new Error('The translation service gave no translation.');
      return {
        text: first.translatedText,
        ...(first.detectedSourceLanguage ? { detectedLanguage: first.detectedSourceLanguage } : {}),
      };
    },
  };
}

/** The configured translator, or null when translation is off. */
export function createTranslator(config: Config): Translator | null {
  switch (config.TRANSLATION_PROVIDER) {
    case 'off':
      return null;
    case 'libretranslate':
      return createLibreTranslate(config.TRANSLATION_URL as string, config.TRANSLATION_API_KEY);
    case 'google':
      return createGoogleTranslate(config.TRANSLATION_API_KEY as string, config.TRANSLATION_URL);
  }
}
