/**
 * Normalisation and phrase matching for family replies: the machinery behind opt-out.ts and
 * reply-intent.ts. It decides only *where* a phrase occurs; what phrases mean is data in
 * phrases/<code>.ts.
 *
 * - normalise: NFKC (full-width letters and digits), lower case, apostrophes dropped
 *   ("don't" = "dont"), Arabic short vowels and tatweel dropped.
 * - fold (the unaccented variant): Latin diacritics stripped, đ → d, ё → е, Arabic alef and
 *   hamza forms unified. A word typed without accents matches the accented phrase word and
 *   the other way round; two accented words must carry the same accents ("dùng" is not "dừng",
 *   "xoá" is "xóa").
 * - Space-separated scripts: a phrase matches whole words, in order, inside one clause (a
 *   comma, a sentence end or a line break ends a clause). A word ending in `*` matches any
 *   ending. Arabic words may carry a leading و / ف and the article (ال، بال، لل).
 * - Chinese, Korean and Japanese match as substrings of the clause with spaces removed; a
 *   Korean phrase must start a word, since particles follow words but nothing precedes them.
 * - A guard drops a match that a negation word just before it (or, in Korean, just after it)
 *   turns around: "not sick", "no está en la escuela", "不在学校", "아프지 않아요".
 */

const APOSTROPHES = /['’‘`´ʼʻ＇]/gu;
const ARABIC_VOWELS = /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]/gu;
const LATIN_MARKS = /(?<=\p{Script=Latin})\p{M}+/gu;
const CJK_CLASS = '\\p{Script=Han}\\p{Script=Hangul}\\p{Script=Hiragana}\\p{Script=Katakana}';
const CJK = new RegExp(`[${CJK_CLASS}]`, 'u');
const TOKEN = new RegExp(`[${CJK_CLASS}]+|(?:(?![${CJK_CLASS}])[\\p{L}\\p{M}\\p{N}])+`, 'gu');
const NOT_WORD = /[^\p{L}\p{M}\p{N}]+/gu;
const ARABIC = /\p{Script=Arabic}/u;
const HANGUL = /\p{Script=Hangul}/u;
const CLAUSE_BREAK = /[,;:.!?…、，。！？；：،؛؟\n\r()[\]{}"“”«»„]+|\s[-–—]+\s/u;
const SENTENCE_END = /[.!?。！？؟\n]+/gu;
const ABBREVIATION_BEFORE = /(?:^|[^\p{L}])(?:dr|dra|mr|mrs|ms|sr|sra|srta|st|prof)$/iu;
const ABBREVIATION_DOT = /(^|[^\p{L}])(dr|dra|mr|mrs|ms|sr|sra|srta|st|prof)\./gu;

/** One word in its two forms, with what is needed to compare accents. */
export interface Word {
  readonly raw: string;
  readonly folded: string;
  /** The word carries diacritics (or letter variants) that folding removes. */
  readonly accented: boolean;
  /** Its combining marks (and đ), sorted: equal for two spellings of the same accented word. */
  readonly marks: string;
}

/** A word of a message, with the forms it takes without an Arabic proclitic or article. */
export interface Token extends Word {
  readonly alternates: readonly Word[];
}

export interface Clause {
  readonly tokens: readonly Token[];
  /** The clause without spaces or punctuation, for Chinese and Korean phrases. */
  readonly compact: string;
  /** Where each word starts in `compact`: a Korean phrase must start a word. */
  readonly wordStarts: ReadonlySet<number>;
}

export interface Sentence {
  /** The sentence as the family wrote it (for excerpts). */
  readonly text: string;
  readonly clauses: readonly Clause[];
}

/** A phrase compiled for matching: a word sequence, or a compact string for CJK scripts. */
export interface Pattern {
  readonly words: readonly PatternWord[] | null;
  readonly compact: string | null;
}

interface PatternWord extends Word {
  /** Written with a trailing `*`: matches any word that starts with it. */
  readonly prefix: boolean;
}

/** Where a phrase matched: sentence, clause, and a span in tokens (words) or characters (compact). */
export interface Span {
  readonly sentence: number;
  readonly clause: number;
  readonly kind: 'words' | 'compact';
  readonly start: number;
  readonly end: number;
}

export interface Match<T> extends Span {
  readonly data: T;
}

/** Negation words of one language, compiled. */
export interface Guard {
  readonly words: readonly Word[];
  readonly compact: readonly string[];
  readonly suffixes: readonly string[];
}

/** NFKC, lower case, no apostrophes, no Arabic short vowels. */
export function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(APOSTROPHES, '').replace(ARABIC_VOWELS, '');
}

/** The unaccented variant of a normalised word. */
export function fold(word: string): string {
  return word
    .normalize('NFD')
    .replace(LATIN_MARKS, '')
    .normalize('NFC')
    .replaceAll('đ', 'd')
    .replaceAll('ø', 'o')
    .replaceAll('ł', 'l')
    .replaceAll('ё', 'е')
    .replace(/[أإآٱ]/gu, 'ا')
    .replaceAll('ى', 'ي')
    .replaceAll('ة', 'ه')
    .replaceAll('ؤ', 'و')
    .replaceAll('ئ', 'ي');
}

function marksOf(word: string): string {
  const marks: string[] = [];
  for (const char of word.normalize('NFD')) {
    if (char === 'đ' || /\p{M}/u.test(char)) marks.push(char);
  }
  return marks.sort().join('');
}

function toWord(raw: string): Word {
  const folded = fold(raw);
  return { raw, folded, accented: folded !== raw, marks: marksOf(raw) };
}

const ARABIC_PREFIXES = ['وال', 'فال', 'بال', 'كال', 'لل', 'ال', 'و', 'ف'];

function toToken(raw: string): Token {
  const word = toWord(raw);
  if (!ARABIC.test(raw)) return { ...word, alternates: [] };
  const alternates: Word[] = [];
  for (const prefix of ARABIC_PREFIXES) {
    if (raw.startsWith(prefix) && raw.length - prefix.length >= 2)
      alternates.push(toWord(raw.slice(prefix.length)));
  }
  return { ...word, alternates };
}

/** An Arabic phrase word without its article: the message word matches with or without one. */
function withoutArticle(word: string): string {
  return word.startsWith('ال') && ARABIC.test(word) && word.length >= 4 ? word.slice(2) : word;
}

/** The words of a normalised string (CJK runs are one word each). */
export function tokenise(normalised: string): Token[] {
  return Array.from(normalised.matchAll(TOKEN), (m) => toToken(m[0]));
}

function compactOf(normalised: string): string {
  return normalised.replace(NOT_WORD, '');
}

/** True when the string contains Chinese, Korean or Japanese characters. */
export function isCjk(text: string): boolean {
  return CJK.test(text);
}

/** Compiles one phrase from a table. */
export function compilePattern(phrase: string): Pattern {
  const normalised = normalise(phrase);
  if (CJK.test(normalised)) return { words: null, compact: compactOf(normalised) };
  const words = normalised
    .split(/[^\p{L}\p{M}\p{N}*]+/u)
    .filter((w) => w.replaceAll('*', '') !== '')
    .map((w): PatternWord => ({ ...toWord(withoutArticle(w.replaceAll('*', ''))), prefix: w.endsWith('*') }));
  return { words, compact: null };
}

/** Compiles a language's negation words (and Korean negation suffixes). */
export function compileGuard(negations: readonly string[], suffixes: readonly string[] = []): Guard {
  const words: Word[] = [];
  const compact: string[] = [];
  for (const negation of negations) {
    const normalised = normalise(negation);
    if (CJK.test(normalised)) compact.push(compactOf(normalised));
    else words.push(toWord(compactOf(normalised)));
  }
  return { words, compact, suffixes: suffixes.map((s) => compactOf(normalise(s))) };
}

function sameWord(token: Word, word: Word): boolean {
  if (token.raw === word.raw) return true;
  if (token.folded !== word.folded) return false;
  return !token.accented || !word.accented || token.marks === word.marks;
}

function wordMatches(token: Word, word: PatternWord): boolean {
  if (!word.prefix) return sameWord(token, word);
  if (token.raw.startsWith(word.raw)) return true;
  return token.folded.startsWith(word.folded) && (!token.accented || !word.accented);
}

function tokenMatches(token: Token, word: PatternWord): boolean {
  return wordMatches(token, word) || token.alternates.some((alternate) => wordMatches(alternate, word));
}

/**
 * True when the tokens are exactly the pattern (the whole message or clause is the phrase).
 * With `strictAccents`, accents must be typed as in the table.
 */
export function isExactly(tokens: readonly Token[], pattern: Pattern, strictAccents = false): boolean {
  if (pattern.compact !== null) return tokens.map((t) => t.raw).join('') === pattern.compact;
  const words = pattern.words ?? [];
  if (tokens.length !== words.length || words.length === 0) return false;
  return tokens.every((token, i) => {
    const word = words[i];
    if (!word) return false;
    if (!strictAccents) return tokenMatches(token, word);
    return token.raw === word.raw || token.alternates.some((alternate) => alternate.raw === word.raw);
  });
}

/** Splits a message into sentences (keeping "Dr. Smith" whole) and each sentence into clauses. */
export function prepare(text: string): Sentence[] {
  const pieces: string[] = [];
  let start = 0;
  for (const m of text.matchAll(SENTENCE_END)) {
    if (m[0] === '.' && ABBREVIATION_BEFORE.test(text.slice(Math.max(0, m.index - 6), m.index))) continue;
    const end = m.index + m[0].length;
    pieces.push(text.slice(start, end));
    start = end;
  }
  pieces.push(text.slice(start));
  return pieces
    .filter((piece) => /[\p{L}\p{N}]/u.test(piece))
    .map((piece) => {
      const normalised = normalise(piece).replace(ABBREVIATION_DOT, '$1$2 ');
      const clauses = normalised
        .split(CLAUSE_BREAK)
        .map((part): Clause => toClause(part))
        .filter((clause) => clause.tokens.length > 0);
      return { text: piece.trim(), clauses };
    });
}

function toClause(part: string): Clause {
  const tokens = tokenise(part);
  const wordStarts = new Set<number>();
  let at = 0;
  for (const token of tokens) {
    wordStarts.add(at);
    at += token.raw.length;
  }
  return { tokens, compact: tokens.map((t) => t.raw).join(''), wordStarts };
}

function isNegatedBefore(tokens: readonly Token[], start: number, guard: Guard, window: number): boolean {
  for (let k = 1; k <= window; k++) {
    const token = tokens[start - k];
    if (!token) return false;
    if (guard.words.some((word) => sameWord(token, word))) return true;
  }
  return false;
}

/** Options for one phrase in an index. */
export interface Entry<T> {
  readonly phrase: string;
  readonly data: T;
  /** The language's negation guard, or null to match regardless of negation. */
  readonly guard: Guard | null;
  /** How many words (CJK: characters) before the phrase the guard looks at. */
  readonly window: number;
}

interface Compiled<T> extends Entry<T> {
  readonly pattern: Pattern;
  /** Korean: the phrase must start a word ("이사" moving, not inside "아이 사진"). */
  readonly startsWord: boolean;
  /** The phrase itself starts with a negation ("don't text me", "不想上学"): no guard. */
  readonly startsNegated: boolean;
}

/** Phrases compiled once and matched against prepared messages. */
export class PhraseIndex<T> {
  private readonly byFirstWord = new Map<string, Compiled<T>[]>();
  private readonly prefixFirst: Compiled<T>[] = [];
  private readonly compact: Compiled<T>[] = [];

  constructor(entries: Iterable<Entry<T>>) {
    for (const entry of entries) {
      const pattern = compilePattern(entry.phrase);
      const compiled: Compiled<T> = {
        ...entry,
        pattern,
        startsNegated: startsNegated(pattern, entry.guard),
        startsWord: HANGUL.test(pattern.compact ?? ''),
      };
      if (pattern.compact !== null) {
        if (pattern.compact !== '') this.compact.push(compiled);
        continue;
      }
      const first = pattern.words?.[0];
      if (!first) continue;
      if (first.prefix) {
        this.prefixFirst.push(compiled);
        continue;
      }
      const list = this.byFirstWord.get(first.folded);
      if (list) list.push(compiled);
      else this.byFirstWord.set(first.folded, [compiled]);
    }
  }

  /** Every occurrence of every phrase, in message order. */
  find(sentences: readonly Sentence[]): Match<T>[] {
    const matches: Match<T>[] = [];
    sentences.forEach((sentence, s) => {
      sentence.clauses.forEach((clause, c) => {
        this.findWords(clause, s, c, matches);
        this.findCompact(clause, s, c, matches);
      });
    });
    return matches;
  }

  private findWords(clause: Clause, sentence: number, clauseIndex: number, out: Match<T>[]): void {
    const { tokens } = clause;
    tokens.forEach((token, i) => {
      const seen = new Set<Compiled<T>>();
      const keys = [token.folded, ...token.alternates.map((a) => a.folded)];
      const candidates = [...keys.flatMap((key) => this.byFirstWord.get(key) ?? []), ...this.prefixFirst];
      for (const candidate of candidates) {
        if (seen.has(candidate)) continue;
        seen.add(candidate);
        const words = candidate.pattern.words ?? [];
        if (i + words.length > tokens.length) continue;
        const matched = words.every((word, k) => {
          const t = tokens[i + k];
          return t !== undefined && tokenMatches(t, word);
        });
        if (!matched) continue;
        const { guard } = candidate;
        if (guard && !candidate.startsNegated && isNegatedBefore(tokens, i, guard, candidate.window))
          continue;
        out.push({
          data: candidate.data,
          sentence,
          clause: clauseIndex,
          kind: 'words',
          start: i,
          end: i + words.length,
        });
      }
    });
  }

  private findCompact(clause: Clause, sentence: number, clauseIndex: number, out: Match<T>[]): void {
    const text = clause.compact;
    for (const candidate of this.compact) {
      const needle = candidate.pattern.compact ?? '';
      for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
        if (candidate.startsWord && !clause.wordStarts.has(at)) continue;
        const { guard } = candidate;
        if (guard && !candidate.startsNegated) {
          const before = text.slice(Math.max(0, at - candidate.window), at);
          const after = text.slice(at + needle.length);
          if (guard.compact.some((n) => before.includes(n))) continue;
          if (guard.suffixes.some((suffix) => after.startsWith(suffix))) continue;
        }
        out.push({
          data: candidate.data,
          sentence,
          clause: clauseIndex,
          kind: 'compact',
          start: at,
          end: at + needle.length,
        });
      }
    }
  }
}

function startsNegated(pattern: Pattern, guard: Guard | null): boolean {
  if (!guard) return false;
  if (pattern.compact !== null) return guard.compact.some((n) => pattern.compact?.startsWith(n));
  const first = pattern.words?.[0];
  return first !== undefined && guard.words.some((word) => sameWord(first, word));
}

/** True when `inner` lies inside `outer` (same clause) and is shorter. */
export function isInside(inner: Span, outer: Span): boolean {
  return (
    inner.sentence === outer.sentence &&
    inner.clause === outer.clause &&
    inner.kind === outer.kind &&
    outer.start <= inner.start &&
    inner.end <= outer.end &&
    outer.end - outer.start > inner.end - inner.start
  );
}

/** Orders spans by their place in the message. */
export function compareSpans(a: Span, b: Span): number {
  return a.sentence - b.sentence || a.clause - b.clause || a.start - b.start || b.end - a.end;
}
