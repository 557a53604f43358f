/**
 * The languages Homeroom writes to families in: codes, names, writing direction, the locale
 * that Intl (plural rules, numbers) uses for each, and the Twilio <Say> language for calls.
 * Anything a district or SIS sends us (a BCP 47 tag, an ISO 639-2 code, a language name) is
 * mapped onto one of these codes by `resolveLanguage`.
 */

export interface Language {
  readonly code: string;
  readonly englishName: string;
  readonly nativeName: string;
  readonly direction: 'ltr' | 'rtl';
  /** Locale for Intl.PluralRules / NumberFormat; always one that Node's ICU supports. */
  readonly intlLocale: string;
  /**
   * Twilio <Say> `language` value, or null when Twilio text-to-speech has no voice for the
   * language (play a recording or send a text instead). Several of these are served only by
   * Google voices on Twilio (cmn-TW, vi-VN, uk-UA, fil-PH), so the caller must also pick a
   * voice that speaks the language (e.g. `Google.vi-VN-Standard-A`).
   */
  readonly ttsLanguage: string | null;
}

export const LANGUAGES = [
  {
    code: 'en',
    englishName: 'English',
    nativeName: 'English',
    direction: 'ltr',
    intlLocale: 'en',
    ttsLanguage: 'en-US',
  },
  {
    code: 'es',
    englishName: 'Spanish',
    nativeName: 'Español',
    direction: 'ltr',
    intlLocale: 'es',
    ttsLanguage: 'es-US',
  },
  {
    code: 'zh-Hans',
    englishName: 'Chinese (Simplified)',
    nativeName: '简体中文',
    direction: 'ltr',
    intlLocale: 'zh-Hans',
    ttsLanguage: 'cmn-CN',
  },
  {
    code: 'zh-Hant',
    englishName: 'Chinese (Traditional)',
    nativeName: '繁體中文',
    direction: 'ltr',
    intlLocale: 'zh-Hant',
    // Mandarin read from Traditional script; a Cantonese-speaking family may prefer yue-HK.
    ttsLanguage: 'cmn-TW',
  },
  {
    code: 'vi',
    englishName: 'Vietnamese',
    nativeName: 'Tiếng Việt',
    direction: 'ltr',
    intlLocale: 'vi',
    ttsLanguage: 'vi-VN',
  },
  {
    code: 'ar',
    englishName: 'Arabic',
    nativeName: 'العربية',
    direction: 'rtl',
    intlLocale: 'ar',
    // Modern Standard Arabic (Amazon Polly "Zeina"), matching the written templates.
    ttsLanguage: 'arb',
  },
  {
    code: 'ht',
    englishName: 'Haitian Creole',
    nativeName: 'Kreyòl ayisyen',
    direction: 'ltr',
    // ICU has no Haitian Creole data. French gives Haiti's number style; Creole nouns do not
    // inflect for number, so the plural branches are identical anyway.
    intlLocale: 'fr',
    ttsLanguage: null,
  },
  {
    code: 'so',
    englishName: 'Somali',
    nativeName: 'Soomaali',
    direction: 'ltr',
    intlLocale: 'so',
    ttsLanguage: null,
  },
  {
    code: 'pt',
    englishName: 'Portuguese',
    nativeName: 'Português',
    direction: 'ltr',
    intlLocale: 'pt',
    ttsLanguage: 'pt-BR',
  },
  {
    code: 'ru',
    englishName: 'Russian',
    nativeName: 'Русский',
    direction: 'ltr',
    intlLocale: 'ru',
    ttsLanguage: 'ru-RU',
  },
  {
    code: 'tl',
    englishName: 'Tagalog',
    nativeName: 'Tagalog',
    direction: 'ltr',
    // CLDR files Tagalog under Filipino.
    intlLocale: 'fil',
    ttsLanguage: 'fil-PH',
  },
  {
    code: 'ko',
    englishName: 'Korean',
    nativeName: '한국어',
    direction: 'ltr',
    intlLocale: 'ko',
    ttsLanguage: 'ko-KR',
  },
  {
    code: 'fr',
    englishName: 'French',
    nativeName: 'Français',
    direction: 'ltr',
    intlLocale: 'fr',
    ttsLanguage: 'fr-FR',
  },
  {
    code: 'uk',
    englishName: 'Ukrainian',
    nativeName: 'Українська',
    direction: 'ltr',
    intlLocale: 'uk',
    ttsLanguage: 'uk-UA',
  },
] as const satisfies readonly Language[];

export type LanguageCode = (typeof LANGUAGES)[number]['code'];

const BY_CODE: ReadonlyMap<string, (typeof LANGUAGES)[number]> = new Map(LANGUAGES.map((l) => [l.code, l]));

/** True when `x` is one of the supported language codes, spelled exactly (e.g. `zh-Hans`). */
export function isLanguageCode(x: unknown): x is LanguageCode {
  return typeof x === 'string' && BY_CODE.has(x);
}

/** The language record for a supported code. */
export function getLanguage(code: LanguageCode): (typeof LANGUAGES)[number] {
  const language = BY_CODE.get(code);
  if (!language) throw new Error(`Unknown language code "${code}"`);
  return language;
}

// Names as SIS exports and staff write them (lower case, single spaces). "Creole" alone is
// taken to mean Haitian Creole, the usual meaning in US district language lists.
const NAMES: Readonly<Record<string, LanguageCode>> = {
  english: 'en',
  spanish: 'es',
  español: 'es',
  espanol: 'es',
  castilian: 'es',
  chinese: 'zh-Hans',
  mandarin: 'zh-Hans',
  'mandarin chinese': 'zh-Hans',
  'simplified chinese': 'zh-Hans',
  'chinese simplified': 'zh-Hans',
  'chinese (simplified)': 'zh-Hans',
  'chinese, simplified': 'zh-Hans',
  中文: 'zh-Hans',
  简体中文: 'zh-Hans',
  普通话: 'zh-Hans',
  'traditional chinese': 'zh-Hant',
  'chinese traditional': 'zh-Hant',
  'chinese (traditional)': 'zh-Hant',
  'chinese, traditional': 'zh-Hant',
  cantonese: 'zh-Hant',
  繁體中文: 'zh-Hant',
  繁体中文: 'zh-Hant',
  廣東話: 'zh-Hant',
  粵語: 'zh-Hant',
  vietnamese: 'vi',
  'tiếng việt': 'vi',
  'tieng viet': 'vi',
  arabic: 'ar',
  العربية: 'ar',
  'haitian creole': 'ht',
  'haitian-creole': 'ht',
  'creole (haitian)': 'ht',
  'creole, haitian': 'ht',
  haitian: 'ht',
  creole: 'ht',
  kreyòl: 'ht',
  kreyol: 'ht',
  'kreyòl ayisyen': 'ht',
  'kreyol ayisyen': 'ht',
  somali: 'so',
  soomaali: 'so',
  'af-soomaali': 'so',
  portuguese: 'pt',
  português: 'pt',
  portugues: 'pt',
  russian: 'ru',
  русский: 'ru',
  tagalog: 'tl',
  filipino: 'tl',
  pilipino: 'tl',
  korean: 'ko',
  한국어: 'ko',
  french: 'fr',
  français: 'fr',
  francais: 'fr',
  ukrainian: 'uk',
  українська: 'uk',
};

/**
 * The supported code a language tag or name names, or undefined: 'es-MX' → 'es', 'zh-TW' →
 * 'zh-Hant', 'zh' / 'zh-CN' → 'zh-Hans', 'fil' → 'tl', 'spa' → 'es', 'Spanish' → 'es'. Never throws.
 */
export function matchLanguage(tag: string): LanguageCode | undefined {
  const text = tag.normalize('NFC').trim().toLowerCase().replace(/\s+/g, ' ');
  if (text === '') return undefined;
  const named = NAMES[text];
  if (named) return named;

  let locale: Intl.Locale;
  try {
    // Intl canonicalises aliases for us: 'tl' and 'tgl' → 'fil', 'spa' → 'es', 'cmn' → 'zh'.
    locale = new Intl.Locale(text.replace(/_/g, '-'));
  } catch {
    return undefined;
  }
  const language = locale.language;
  if (language === 'zh' || language === 'yue') {
    return locale.maximize().script === 'Hant' ? 'zh-Hant' : 'zh-Hans';
  }
  if (language === 'fil') return 'tl';
  return isLanguageCode(language) ? language : undefined;
}

/** Like matchLanguage, with English for anything it cannot place. */
export function resolveLanguage(tag: string): LanguageCode {
  return matchLanguage(tag) ?? 'en';
}

/** The Twilio <Say> language for a family's language tag, or null when text-to-speech has no voice for it. */
export function speechLanguageOf(tag: string): string | null {
  return getLanguage(resolveLanguage(tag)).ttsLanguage;
}
