/**
 * Interface text in the reader's language: one catalogue of ICU MessageFormat strings per
 * language, English the source. A translator formats a key with its values (plurals, numbers
 * and dates by the language's own rules) and falls back to English, key by key, for a language
 * whose catalogue is not complete — so a missing translation shows English, never a key.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import {
  getLanguage,
  isLanguageCode,
  type LanguageCode,
  matchLanguage,
  resolveLanguage,
} from '../../messaging/content/languages.ts';

export type MessageValues = Readonly<Record<string, string | number | Date>>;

export interface Translator<K extends string> {
  readonly language: LanguageCode;
  readonly direction: 'ltr' | 'rtl';
  /** Whether this language has its own catalogue (otherwise every text is English). */
  readonly translated: boolean;
  t(key: K, values?: MessageValues): string;
  /** A date in this language ("Tuesday, March 3"). */
  date(isoDate: string, style?: 'long' | 'short' | 'weekday' | 'narrow' | 'month'): string;
  number(value: number, options?: Intl.NumberFormatOptions): string;
}

export type Catalogue<K extends string> = Readonly<Record<K, string>>;

/**
 * Builds the translators for a set of catalogues (English required). Formats are compiled
 * once per language and key, on first use.
 */
export function createTranslators<K extends string>(
  catalogues: { readonly en: Catalogue<K> } & Partial<Record<LanguageCode, Partial<Catalogue<K>>>>,
) {
  const compiled = new Map<string, IntlMessageFormat>();
  const formatOf = (code: LanguageCode, key: K): IntlMessageFormat => {
    const own = catalogues[code]?.[key];
    const source = own ?? catalogues.en[key];
    const lang = own === undefined ? 'en' : code;
    const id = `${lang}\n${key}`;
    let format = compiled.get(id);
    if (!format) {
      format = new IntlMessageFormat(source, getLanguage(lang).intlLocale, undefined, { ignoreTag: true });
      compiled.set(id, format);
    }
    return format;
  };
  return function translator(language: string | null | undefined): Translator<K> {
    const code = language && isLanguageCode(language) ? language : resolveLanguage(language ?? 'en');
    const intlLocale = getLanguage(code).intlLocale;
    return {
      language: code,
      direction: getLanguage(code).direction,
      translated: code === 'en' || catalogues[code] !== undefined,
      t(key, values) {
        return String(formatOf(code, key).format(values as Record<string, string | number | Date>));
      },
      date(isoDate, style = 'long') {
        const at = new Date(`${isoDate}T12:00:00Z`);
        if (style === 'narrow') {
          // A short weekday ("Mon", "lun"), or a letter where even the short name is long (Arabic).
          const short = new Intl.DateTimeFormat(intlLocale, { weekday: 'short', timeZone: 'UTC' }).format(at);
          return short.length <= 4
            ? short
            : new Intl.DateTimeFormat(intlLocale, { weekday: 'narrow', timeZone: 'UTC' }).format(at);
        }
        const options: Intl.DateTimeFormatOptions =
          style === 'long'
            ? { weekday: 'long', month: 'long', day: 'numeric', timeZone: 'UTC' }
            : style === 'short'
              ? { month: 'short', day: 'numeric', timeZone: 'UTC' }
              : style === 'weekday'
                ? { weekday: 'long', timeZone: 'UTC' }
                : { month: 'long', year: 'numeric', timeZone: 'UTC' };
        return new Intl.DateTimeFormat(intlLocale, options).format(at);
      },
      number(value, options) {
        return new Intl.NumberFormat(intlLocale, options).format(value);
      },
    };
  };
}

/**
 * The language a request asks for, from its Accept-Language header, among the given codes;
 * undefined when none matches.
 */
export function languageFromHeader(
  header: string | undefined,
  offered: readonly string[],
): string | undefined {
  if (!header) return undefined;
  const wanted = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.trim(), q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((entry) => entry.tag && entry.tag !== '*' && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of wanted) {
    const resolved = matchLanguage(tag);
    if (resolved && offered.includes(resolved)) return resolved;
  }
  return undefined;
}
