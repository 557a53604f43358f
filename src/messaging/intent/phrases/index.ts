/**
 * Every language's phrase table, keyed by language code. Adding a language: write
 * phrases/<code>.ts, add the code to INTENT_LANGUAGES and register the table here (the type
 * below fails to compile until every code has a table).
 */
import { INTENT_LANGUAGES, type IntentLanguage } from '../languages.ts';
import { ar } from './ar.ts';
import { en } from './en.ts';
import { es } from './es.ts';
import { fr } from './fr.ts';
import { ht } from './ht.ts';
import { ko } from './ko.ts';
import { pt } from './pt.ts';
import { ru } from './ru.ts';
import { so } from './so.ts';
import { tl } from './tl.ts';
import type { LanguagePhrases } from './types.ts';
import { uk } from './uk.ts';
import { vi } from './vi.ts';
import { zhHans } from './zh-Hans.ts';
import { zhHant } from './zh-Hant.ts';

export const PHRASES: { readonly [L in IntentLanguage]: LanguagePhrases } = {
  en,
  es,
  'zh-Hans': zhHans,
  'zh-Hant': zhHant,
  vi,
  ar,
  ht,
  so,
  pt,
  ru,
  tl,
  ko,
  fr,
  uk,
};

/** The tables in INTENT_LANGUAGES order (English first: shared keywords are credited to it). */
export const PHRASE_TABLES: readonly LanguagePhrases[] = INTENT_LANGUAGES.map((code) => PHRASES[code]);

export type { Barrier, Glossary, LanguagePhrases } from './types.ts';
export { BARRIERS } from './types.ts';
