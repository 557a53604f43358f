/**
 * The shape of one language's phrase table. Tables are plain data so that staff, translators
 * and reviewers can read them: every list is what a family might type, written with its
 * correct accents (a message typed without accents still matches, see match.ts).
 *
 * Phrase syntax: words separated by spaces; a word ending in `*` matches any ending
 * ("enferm*" → enfermo, enferma, enfermos). Punctuation and apostrophes are ignored
 * ("don't" = "dont", "laissez-moi" = "laissez moi"). Chinese and Korean phrases match
 * anywhere in a clause, spaces ignored, so write them as short stems ("그만 보내").
 */
import type { IntentLanguage } from '../languages.ts';

/** The barrier families of DOMAIN.md §5. */
export const BARRIERS = ['health', 'logistics', 'family_circumstances', 'school'] as const;
export type Barrier = (typeof BARRIERS)[number];

/** English gloss (shown to staff as the meaning) → the phrases that carry it. */
export type Glossary = Readonly<Record<string, readonly string[]>>;

export interface LanguagePhrases {
  readonly language: IntentLanguage;
  /**
   * Carrier-style commands, recognised only as the whole message (or, for opt-out, as one
   * whole clause of it: "STOP. Who is this?"). Every accepted spelling is listed.
   */
  readonly keywords: {
    readonly optOut: readonly string[];
    readonly optIn: readonly string[];
    readonly help: readonly string[];
  };
  /** Opt-out keywords that count only as the whole message, never as one clause (they are also given names). */
  readonly wholeMessageOnly?: readonly string[];
  /**
   * Accents distinguish words here (Vietnamese "dừng" stop, "dùng" use), so a keyword
   * matches only as spelled in the table; phrases still match unaccented typing.
   */
  readonly strictKeywordAccents?: boolean;
  /** Short refusals that opt out when they are a whole clause on their own ("stop it", "wrong number"). */
  readonly optOutClauses: Glossary;
  /** Politeness and filler words ignored around an opt-out keyword ("STOP please", "por favor ALTO"). */
  readonly fillers: readonly string[];
  /**
   * Everyday words of the language, used only to tell languages of one script apart when no
   * phrase decides it. A word listed by two languages counts for neither.
   */
  readonly clues?: readonly string[];
  /**
   * Single words that cancel a phrase when they come just before it in the same clause
   * ("not sick", "no tiene fiebre", "不在学校"); for Chinese and Korean, characters.
   */
  readonly negations: readonly string[];
  /** How many words before a phrase a negation may stand (default 2: "no tiene fiebre"). */
  readonly negationWindow?: number;
  /** Korean-style negation written after the stem ("아프지 않아요"): checked right after a match. */
  readonly negationSuffixes?: readonly string[];
  /** Plain-language refusals, matched anywhere in a message. */
  readonly optOut: Glossary;
  /** The child is at school or on the way. */
  readonly atSchool: Glossary;
  /** The family asks for help. */
  readonly helpRequest: Glossary;
  /** Reasons for an absence, by barrier family. */
  readonly barriers: { readonly [B in Barrier]: Glossary };
}
