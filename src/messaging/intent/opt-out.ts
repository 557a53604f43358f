/**
 * Recognising a family's request to stop messages (DOMAIN.md §7). The FCC requires opt-out by
 * any reasonable means to be honoured at once (from 11 April 2025), so this is the one
 * recognition that Homeroom applies without a person checking it first.
 *
 * The rule: a reply opts out when
 * 1. keyword — the whole message (trimmed, any case, NFKC so full-width letters count,
 *    surrounding punctuation and emoji ignored, inner spaces collapsed) is an opt-out keyword:
 *    STOP, STOPALL, QUIT, END, REVOKE, OPT OUT, OPTOUT, CANCEL, UNSUBSCRIBE, or a same-meaning
 *    word in a supported language (ALTO, BASTA, ARRÊT, PARAR, СТОП, توقف, 停止, 退订, 중지,
 *    DỪNG, SISPANN, JOOJI, TIGIL ...); or
 * 2. keyword clause — one clause of it (clauses end at commas, sentence ends and line
 *    breaks), once politeness words ("please", "por favor", "请", "fadlan") are set aside and a
 *    repeated word is read once, is such a keyword or a short refusal like "stop it" or
 *    "wrong number": "STOP. Who is this?", "Stop please", "stop stop stop", "Gracias, BASTA"; or
 * 3. refusal — the message contains, anywhere, a plain-language refusal from a phrase table,
 *    in any supported language and whatever language the family is recorded with: "stop
 *    texting me", "no me manden más mensajes", "不要再发短信", "remove me from this list".
 *
 * A refusal names the messages, texts, calls or list, or says the number is wrong, or asks to
 * be left alone. A sentence that merely contains "stop", "end" or "cancel" is not one: "My son
 * can't stop coughing", "the bus didn't stop", "stop by the office", "I will end work early",
 * "Cancel the appointment? No, we'll come" do not opt out. A negation word right before a
 * refusal turns it around ("he can't stop texting his friends", "please don't stop texting
 * me") unless the refusal itself starts with one ("no don't text me").
 *
 * When in doubt we opt out: a message that clearly asks for no more messages opts out even
 * when it says other things too ("She has a fever, also please stop texting me").
 */
import type { IntentLanguage } from './languages.ts';
import {
  compileGuard,
  compilePattern,
  isCjk,
  isExactly,
  isInside,
  normalise,
  type Pattern,
  PhraseIndex,
  prepare,
  type Sentence,
  type Span,
  type Token,
  tokenise,
} from './match.ts';
import { PHRASE_TABLES } from './phrases/index.ts';

export type KeywordClass = 'opt_out' | 'opt_in' | 'help';

/** A keyword from a phrase table, as written there. */
export interface KeywordMatch {
  readonly keyword: string;
  readonly language: IntentLanguage;
  readonly kind: KeywordClass;
}

/** Why a message opts out: the table phrase or keyword, its language and what it means. */
export interface OptOutEvidence {
  readonly phrase: string;
  readonly language: IntentLanguage;
  readonly meaning: string;
}

interface Keyword extends KeywordMatch {
  readonly pattern: Pattern;
  readonly strictAccents: boolean;
  readonly wholeMessageOnly: boolean;
  readonly meaning: string;
}

const KEYWORD_MEANINGS: { readonly [K in KeywordClass]: string } = {
  opt_out: 'opt-out keyword',
  opt_in: 'opt-in keyword',
  help: 'help keyword',
};

const KEYWORDS: readonly Keyword[] = PHRASE_TABLES.flatMap((table) => {
  const wholeOnly = new Set((table.wholeMessageOnly ?? []).map(normalise));
  const lists: [KeywordClass, readonly string[]][] = [
    ['opt_out', table.keywords.optOut],
    ['opt_in', table.keywords.optIn],
    ['help', table.keywords.help],
  ];
  return lists.flatMap(([kind, keywords]) =>
    keywords.map(
      (keyword): Keyword => ({
        keyword,
        language: table.language,
        kind,
        pattern: compilePattern(keyword),
        strictAccents: table.strictKeywordAccents === true,
        wholeMessageOnly: wholeOnly.has(normalise(keyword)),
        meaning: KEYWORD_MEANINGS[kind],
      }),
    ),
  );
});

/** Opt-out keywords and short refusals that count as a whole clause of a longer message. */
const CLAUSE_OPT_OUTS: readonly Keyword[] = [
  ...KEYWORDS.filter((k) => k.kind === 'opt_out' && !k.wholeMessageOnly),
  ...PHRASE_TABLES.flatMap((table) =>
    Object.entries(table.optOutClauses).flatMap(([gloss, phrases]) =>
      phrases.map(
        (phrase): Keyword => ({
          keyword: phrase,
          language: table.language,
          kind: 'opt_out',
          pattern: compilePattern(phrase),
          strictAccents: false,
          wholeMessageOnly: false,
          meaning: `opt-out: ${gloss}`,
        }),
      ),
    ),
  ),
];

const allFillers = PHRASE_TABLES.flatMap((table) => table.fillers);
const WORD_FILLERS: readonly Pattern[] = allFillers
  .filter((filler) => !isCjk(filler))
  .map(compilePattern)
  .sort((a, b) => (b.words?.length ?? 0) - (a.words?.length ?? 0));
const CJK_FILLERS: readonly string[] = allFillers
  .filter(isCjk)
  .map((filler) => normalise(filler).replace(/\s+/gu, ''))
  .sort((a, b) => b.length - a.length);

interface Refusal {
  readonly phrase: string;
  readonly language: IntentLanguage;
  readonly gloss: string;
}

const REFUSALS = new PhraseIndex<Refusal>(
  PHRASE_TABLES.flatMap((table) => {
    const guard = compileGuard(table.negations, table.negationSuffixes);
    return Object.entries(table.optOut).flatMap(([gloss, phrases]) =>
      phrases.map((phrase) => ({
        phrase,
        data: { phrase, language: table.language, gloss },
        guard,
        window: 1,
      })),
    );
  }),
);

/** The keyword the whole message is, if any (see the rule above, part 1). */
export function findKeyword(text: string): KeywordMatch | null {
  const tokens = tokenise(normalise(text));
  if (tokens.length === 0) return null;
  const found = KEYWORDS.find((k) => isExactly(tokens, k.pattern, k.strictAccents));
  return found ? { keyword: found.keyword, language: found.language, kind: found.kind } : null;
}

/**
 * The carrier keyword layer: 'opt_out', 'opt_in' or 'help' when the whole message is one of
 * the keywords (any supported language), else null. Never throws.
 */
export function classifyKeyword(text: string): KeywordClass | null {
  return findKeyword(text)?.kind ?? null;
}

function withoutFillers(tokens: readonly Token[]): Token[] {
  const kept: Token[] = [];
  let i = 0;
  while (i < tokens.length) {
    const filler = WORD_FILLERS.find((f) => {
      const n = f.words?.length ?? 0;
      return n > 0 && i + n <= tokens.length && isExactly(tokens.slice(i, i + n), f);
    });
    if (filler) {
      i += filler.words?.length ?? 1;
      continue;
    }
    const token = tokens[i];
    i += 1;
    if (!token) continue;
    if (!isCjk(token.raw)) {
      kept.push(token);
      continue;
    }
    let rest = token.raw;
    for (const cjkFiller of CJK_FILLERS) rest = rest.replaceAll(cjkFiller, '');
    kept.push(...tokenise(rest));
  }
  return kept;
}

function withoutRepeats(tokens: readonly Token[]): Token[] {
  return tokens.filter((token, i) => i === 0 || tokens[i - 1]?.folded !== token.folded);
}

function clauseOptOut(tokens: readonly Token[]): Keyword | undefined {
  for (const variant of [tokens, withoutRepeats(withoutFillers(tokens))]) {
    if (variant.length === 0) continue;
    const found = CLAUSE_OPT_OUTS.find((k) => isExactly(variant, k.pattern, k.strictAccents));
    if (found) return found;
  }
  return undefined;
}

/**
 * Every reason the message opts out, in the order of the rule (keyword, keyword clauses,
 * refusals in message order), with the spans of refusal phrases so that reply recognition
 * can set aside words inside them. For reply-intent.ts; others use recogniseOptOut.
 */
export function matchOptOut(
  text: string,
  sentences: readonly Sentence[],
): { evidence: OptOutEvidence[]; spans: Span[] } {
  const evidence: OptOutEvidence[] = [];
  const seen = new Set<string>();
  const add = (item: OptOutEvidence): void => {
    const key = `${item.language}|${normalise(item.phrase)}`;
    if (seen.has(key)) return;
    seen.add(key);
    evidence.push(item);
  };
  const whole = findKeyword(text);
  if (whole?.kind === 'opt_out')
    add({ phrase: whole.keyword, language: whole.language, meaning: KEYWORD_MEANINGS.opt_out });
  for (const sentence of sentences) {
    for (const clause of sentence.clauses) {
      const found = clauseOptOut(clause.tokens);
      if (found) add({ phrase: found.keyword, language: found.language, meaning: found.meaning });
    }
  }
  const found = REFUSALS.find(sentences);
  const refusals = found.filter((match) => !found.some((other) => isInside(match, other)));
  for (const match of refusals) {
    add({
      phrase: match.data.phrase,
      language: match.data.language,
      meaning: `opt-out: ${match.data.gloss}`,
    });
  }
  return { evidence, spans: refusals };
}

/** Every reason the message opts out (empty when it does not). Never throws. */
export function findOptOutEvidence(text: string): OptOutEvidence[] {
  return matchOptOut(text, prepare(text)).evidence;
}

/**
 * Whether a reply opts out of messages, by the rule at the top of this file, with the first
 * keyword or phrase that decided it. Never throws.
 */
export function recogniseOptOut(text: string): {
  optOut: boolean;
  evidence?: { phrase: string; language: string };
} {
  const [first] = findOptOutEvidence(text);
  return first
    ? { optOut: true, evidence: { phrase: first.phrase, language: first.language } }
    : { optOut: false };
}
