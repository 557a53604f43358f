/**
 * The languages whose replies Homeroom recognises: the same list as the message templates
 * (src/messaging/content/languages.ts), so every language we write in, we also read.
 */
import { isLanguageCode, LANGUAGES, type LanguageCode, matchLanguage } from '../content/languages.ts';

/** Supported reply languages, in the catalogue's order (English first). */
export const INTENT_LANGUAGES: readonly LanguageCode[] = LANGUAGES.map((language) => language.code);

export type IntentLanguage = LanguageCode;

/** True when `value` is exactly one of the supported codes. */
export function isIntentLanguage(value: string): value is IntentLanguage {
  return isLanguageCode(value);
}

/** The supported language a guardian's language tag names (`es-MX` → es, `zh-TW` → zh-Hant, `fil` → tl), or undefined. */
export function resolveIntentLanguage(tag: string | undefined): IntentLanguage | undefined {
  return tag ? matchLanguage(tag) : undefined;
}
