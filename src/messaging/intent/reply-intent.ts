/**
 * Recognising what a family's reply means (issue 5, parts 4 and 7): a request to stop, a
 * carrier keyword, a menu choice, "she is at school", a request for help, or the reason for an
 * absence mapped to a barrier family of DOMAIN.md §5.
 *
 * It is a transparent phrase model: readable phrase tables per language (phrases/<code>.ts),
 * matched as match.ts describes, and every result lists the phrases that produced it. Staff see
 * the result as a suggestion with its evidence; nothing but an opt-out is ever applied without a
 * person.
 *
 * Priority, first that applies:
 * 1. opt_out — opt-out.ts's rule (a keyword, a keyword clause, or a refusal anywhere), so
 *    "She has a fever, also please stop texting me" opts out;
 * 2. opt_in / help_keyword — the whole message is START, UNSTOP, YES / HELP, INFO or a
 *    same-meaning word (a lone "yes" re-subscribes: numbered menus never ask for YES);
 * 3. menu_choice — the message is one digit 1–9 ("2", "2.", "#2", "２", "٢", "2️⃣");
 * 4. at_school — the child is at school or on the way ("he's at school", "she's in class",
 *    "we're on our way", "dropped him off"). Lateness is not at_school: "running late",
 *    "overslept", "will be late" are logistics reasons (a tardy is still a late arrival to
 *    explain), so "Running late, we're on our way" is at_school with a logistics barrier and
 *    "He'll be late today" is absence_reason;
 * 5. help_request — "can you help", "we need help", "necesito ayuda";
 * 6. absence_reason — a barrier phrase: the family with the most distinct matches, ties to the
 *    one named first;
 * 7. unknown — nothing matched ("ok thanks", "thanks").
 *
 * `barrier` and `reasonExcerpt` are set whenever a barrier phrase matched, whatever the intent,
 * so that a reason given alongside an opt-out or an "at school" still reaches the case.
 * `evidence` lists every phrase that matched (a phrase wholly inside a longer matched phrase
 * is left out: "emergency room" is health, not also a family emergency), opt-out first, then in
 * message order. `language` is detected by script for Arabic, Cyrillic (Russian or Ukrainian by
 * their own letters, then phrases), Chinese (simplified or traditional characters) and Korean;
 * for Latin script by Vietnamese letters, then by which language's phrases matched most, then by
 * everyday words only one language uses ("gracias", "pitit", "hoy"); else the hint.
 */
import { INTENT_LANGUAGES, type IntentLanguage, resolveIntentLanguage } from './languages.ts';
import {
  compareSpans,
  compileGuard,
  isInside,
  type Match,
  normalise,
  PhraseIndex,
  prepare,
  type Span,
} from './match.ts';
import { findKeyword, matchOptOut } from './opt-out.ts';
import { BARRIERS, type Barrier, PHRASE_TABLES } from './phrases/index.ts';

export type { Barrier } from './phrases/index.ts';
export { BARRIERS } from './phrases/index.ts';

export type ReplyIntentKind =
  | 'opt_out'
  | 'opt_in'
  | 'help_keyword'
  | 'at_school'
  | 'absence_reason'
  | 'help_request'
  | 'menu_choice'
  | 'survey_score'
  | 'unknown';

/** One phrase that matched: as written in the phrase table, its language, and what it means. */
export interface IntentEvidence {
  readonly phrase: string;
  /** A supported language code, or 'und' for a menu digit. */
  readonly language: string;
  readonly meaning: string;
}

export interface ReplyIntent {
  readonly intent: ReplyIntentKind;
  readonly barrier?: Barrier;
  /** The sentence, as the family wrote it, that names the barrier (at most 200 characters). */
  readonly reasonExcerpt?: string;
  /** The menu option chosen, for menu_choice (and the menu choices of a same-day check-in). */
  readonly choice?: number;
  /** The 1–10 answer to a survey invitation, for survey_score. */
  readonly score?: number;
  /** The student the reply is about, when the message it answers named one. */
  readonly studentId?: string;
  readonly evidence: IntentEvidence[];
  readonly language?: string;
}

type Category = 'at_school' | 'help_request' | Barrier;

interface Phrase {
  readonly phrase: string;
  readonly language: IntentLanguage;
  readonly category: Category;
  readonly meaning: string;
}

const BARRIER_LABELS: { readonly [B in Barrier]: string } = {
  health: 'health',
  logistics: 'logistics',
  family_circumstances: 'family circumstances',
  school: 'school',
};

const CONTEXT = new PhraseIndex<Phrase>(
  PHRASE_TABLES.flatMap((table) => {
    const guard = compileGuard(table.negations, table.negationSuffixes);
    const window = table.negationWindow ?? 2;
    const groups: [Category, string, Readonly<Record<string, readonly string[]>>][] = [
      ['at_school', 'at school', table.atSchool],
      ['help_request', 'help request', table.helpRequest],
      ...BARRIERS.map((b): [Category, string, Readonly<Record<string, readonly string[]>>] => [
        b,
        BARRIER_LABELS[b],
        table.barriers[b],
      ]),
    ];
    return groups.flatMap(([category, label, glossary]) =>
      Object.entries(glossary).flatMap(([gloss, phrases]) =>
        phrases.map((phrase) => ({
          phrase,
          data: { phrase, language: table.language, category, meaning: `${label}: ${gloss}` },
          guard,
          window,
        })),
      ),
    );
  }),
);

/** Everyday and politeness words that belong to one language only ("gracias", "дякую", "pitit"). */
const CLUES = (() => {
  const owners = new Map<string, Set<IntentLanguage>>();
  for (const table of PHRASE_TABLES) {
    for (const word of [...(table.clues ?? []), ...table.fillers, ...table.negations]) {
      const key = normalise(word);
      if (key.replace(/\s/gu, '').length < 2) continue;
      const languages = owners.get(key) ?? new Set<IntentLanguage>();
      languages.add(table.language);
      owners.set(key, languages);
    }
  }
  const entries = [...owners].flatMap(([phrase, languages]) => {
    const [language] = [...languages];
    return languages.size === 1 && language ? [{ phrase, data: language, guard: null, window: 0 }] : [];
  });
  return new PhraseIndex<IntentLanguage>(entries);
})();

function isBarrier(category: Category): category is Barrier {
  return (BARRIERS as readonly string[]).includes(category);
}

/** A lone digit 1–9 in any common form ("2", " 2. ", "#2", "２", "٢", "۲", "2️⃣"). */
function menuChoice(text: string): number | undefined {
  const bare = text
    .normalize('NFKC')
    .replace(/[\u0660-\u0669]/gu, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06F0-\u06F9]/gu, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[^\p{L}\p{N}]/gu, '');
  return /^[1-9]$/u.test(bare) ? Number(bare) : undefined;
}

const SIMPLIFIED_ONLY = new Set(
  '这们发说没学习时个为会来对过还让给请谢医运车书问题欢动开关门现见吗电话样长点儿气岁热钟应东乐爱国实师级体烧头药诊疗馆肠脑惯边远进连达选读课试绩亲妈爷孙别烦删号码订阅骚扰业帮负虑压坏饭赶诉经护难离庆节礼丧办计认识该谁么间处万与买卖写职专简讯传联络泻咙',
);
const TRADITIONAL_ONLY = new Set(
  '這們發說沒學習時個為會來對過還讓給請謝醫運車書問題歡動開關門現見嗎電話樣長點兒氣歲熱鐘應東樂愛國實師級體燒頭藥診療館腸腦慣邊遠進連達選讀課試績親媽爺孫別煩刪號碼訂閱騷擾業幫負慮壓壞飯趕訴經護難離慶節禮喪辦計認識該誰麼間處萬與買賣寫職專簡訊傳聯絡瀉嚨',
);
const VIETNAMESE_LETTERS = /[ăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/u;
const LATIN_LANGUAGES: readonly IntentLanguage[] = ['en', 'es', 'vi', 'ht', 'so', 'pt', 'tl', 'fr'];

type Script = 'arabic' | 'cyrillic' | 'han' | 'hangul' | 'kana' | 'latin';
const SCRIPTS: readonly [Script, RegExp][] = [
  ['arabic', /\p{Script=Arabic}/u],
  ['cyrillic', /\p{Script=Cyrillic}/u],
  ['han', /\p{Script=Han}/u],
  ['hangul', /\p{Script=Hangul}/u],
  ['kana', /[\p{Script=Hiragana}\p{Script=Katakana}]/u],
  ['latin', /\p{Script=Latin}/u],
];

function dominantScript(text: string): Script | undefined {
  const counts = new Map<Script, number>();
  for (const char of text) {
    const script = SCRIPTS.find(([, pattern]) => pattern.test(char))?.[0];
    if (script) counts.set(script, (counts.get(script) ?? 0) + 1);
  }
  // Japanese mixes kanji with kana; any kana means it is not Chinese.
  if ((counts.get('kana') ?? 0) > 0 && (counts.get('han') ?? 0) > 0)
    counts.set('kana', (counts.get('kana') ?? 0) + (counts.get('han') ?? 0));
  let best: Script | undefined;
  for (const [script, count] of counts)
    if (best === undefined || count > (counts.get(best) ?? 0)) best = script;
  return best;
}

interface LanguageMatch {
  readonly phrase: string;
  readonly language: IntentLanguage;
}

/** How many languages list each phrase or keyword (normalised). */
const PHRASE_OWNERS = (() => {
  const owners = new Map<string, Set<IntentLanguage>>();
  for (const table of PHRASE_TABLES) {
    const glossaries = [
      table.optOut,
      table.optOutClauses,
      table.atSchool,
      table.helpRequest,
      ...BARRIERS.map((b) => table.barriers[b]),
    ];
    const phrases = [
      ...glossaries.flatMap((glossary) => Object.values(glossary).flat()),
      ...table.keywords.optOut,
      ...table.keywords.optIn,
      ...table.keywords.help,
    ];
    for (const phrase of phrases) {
      const key = normalise(phrase);
      const languages = owners.get(key) ?? new Set<IntentLanguage>();
      languages.add(table.language);
      owners.set(key, languages);
    }
  }
  return new Map([...owners].map(([phrase, languages]) => [phrase, languages.size]));
})();

function phraseWeight(phrase: string): number {
  return 10 / (PHRASE_OWNERS.get(normalise(phrase)) ?? 1);
}

// Letters that point to one Latin-script language when phrases alone leave a tie ("hospital").
const LETTER_CUES: readonly (readonly [IntentLanguage, RegExp, number])[] = [
  ['es', /[ñ¿¡]/u, 2],
  ['es', /[áéíóú]/u, 1],
  ['pt', /[ãõ]/u, 2],
  ['pt', /[çâêôáéíóú]/u, 1],
  ['fr', /[èêàçœùîïëâûé]/u, 1],
  ['ht', /[èò]/u, 1],
];

/**
 * The candidate with most phrase matches (10 points each, shared among the languages that list
 * the phrase: "covid" is no clue), then most words of its own (3 each: clues, politeness words,
 * negations), then letter cues, then the hint; undefined when neither phrases nor words point
 * anywhere.
 */
function bestLanguage(
  candidates: readonly IntentLanguage[],
  matched: readonly LanguageMatch[],
  clues: readonly IntentLanguage[],
  normalised: string,
  hint: IntentLanguage | undefined,
): IntentLanguage | undefined {
  let best: IntentLanguage | undefined;
  let bestScore = 0;
  for (const language of INTENT_LANGUAGES) {
    if (!candidates.includes(language)) continue;
    const phrases = matched
      .filter((m) => m.language === language)
      .reduce((sum, m) => sum + phraseWeight(m.phrase), 0);
    const found = phrases + 3 * clues.filter((c) => c === language).length;
    if (found === 0) continue;
    const cues = LETTER_CUES.filter(([l, pattern]) => l === language && pattern.test(normalised)).reduce(
      (sum, [, , w]) => sum + w,
      0,
    );
    const score = found + cues + (language === hint ? 0.5 : 0);
    if (score > bestScore) {
      best = language;
      bestScore = score;
    }
  }
  return best;
}

function hintAmong(
  hint: IntentLanguage | undefined,
  candidates: readonly IntentLanguage[],
): IntentLanguage | undefined {
  return hint !== undefined && candidates.includes(hint) ? hint : undefined;
}

function detectLanguage(
  text: string,
  matched: readonly LanguageMatch[],
  clues: readonly IntentLanguage[],
  hint: IntentLanguage | undefined,
): IntentLanguage | undefined {
  const normalised = normalise(text);
  switch (dominantScript(normalised)) {
    case 'arabic':
      return 'ar';
    case 'hangul':
      return 'ko';
    case 'han': {
      const chinese: IntentLanguage[] = ['zh-Hans', 'zh-Hant'];
      let simplified = 0;
      let traditional = 0;
      for (const char of normalised) {
        if (SIMPLIFIED_ONLY.has(char)) simplified += 1;
        if (TRADITIONAL_ONLY.has(char)) traditional += 1;
      }
      if (simplified !== traditional) return simplified > traditional ? 'zh-Hans' : 'zh-Hant';
      return hintAmong(hint, chinese) ?? bestLanguage(chinese, matched, clues, normalised, hint) ?? 'zh-Hans';
    }
    case 'cyrillic': {
      const cyrillic: IntentLanguage[] = ['ru', 'uk'];
      const ukrainian = /[іїєґ]/u.test(normalised);
      const russian = /[ыэъё]/u.test(normalised);
      if (ukrainian !== russian) return ukrainian ? 'uk' : 'ru';
      return bestLanguage(cyrillic, matched, clues, normalised, hint) ?? hintAmong(hint, cyrillic) ?? 'ru';
    }
    case 'latin': {
      if (VIETNAMESE_LETTERS.test(normalised)) return 'vi';
      const byPhrase = bestLanguage(LATIN_LANGUAGES, matched, clues, normalised, hint);
      if (byPhrase) return byPhrase;
      if (/[ñ¿¡]/u.test(normalised)) return 'es';
      if (/[ãõ]/u.test(normalised)) return 'pt';
      return hint;
    }
    default:
      return hint;
  }
}

function excerpt(sentence: string): string {
  return sentence.length <= 200 ? sentence : `${sentence.slice(0, 199).trimEnd()}…`;
}

function sameSpan(a: Span, b: Span): boolean {
  return (
    a.sentence === b.sentence &&
    a.clause === b.clause &&
    a.kind === b.kind &&
    a.start === b.start &&
    a.end === b.end
  );
}

/** The barrier with most distinct matches (ties: the one named first), and its first match. */
function chooseBarrier(
  matches: readonly Match<Phrase>[],
): { barrier: Barrier; first: Match<Phrase> } | undefined {
  let best: { barrier: Barrier; first: Match<Phrase>; count: number } | undefined;
  for (const barrier of BARRIERS) {
    const spans: Match<Phrase>[] = [];
    for (const match of matches) {
      if (match.data.category === barrier && !spans.some((s) => sameSpan(s, match))) spans.push(match);
    }
    const first = spans[0];
    if (!first) continue;
    const better =
      !best ||
      spans.length > best.count ||
      (spans.length === best.count && compareSpans(first, best.first) < 0);
    if (better) best = { barrier, first, count: spans.length };
  }
  return best && { barrier: best.barrier, first: best.first };
}

/**
 * What a family's reply means, with the evidence for it (see the top of this file for the
 * rules). `languageHint` is the language on the guardian's record (any BCP 47 tag). Never throws.
 */
export function recogniseReply(text: string, languageHint?: string): ReplyIntent {
  const hint = resolveIntentLanguage(languageHint);
  const sentences = prepare(text);
  const optOut = matchOptOut(text, sentences);
  const keyword = findKeyword(text);
  const choice = menuChoice(text);
  const found = CONTEXT.find(sentences);
  const context = found
    .filter(
      (m) => !found.some((other) => isInside(m, other)) && !optOut.spans.some((span) => isInside(m, span)),
    )
    .sort(compareSpans);

  const matched: LanguageMatch[] = [
    ...optOut.evidence,
    ...(keyword ? [{ phrase: keyword.keyword, language: keyword.language }] : []),
    ...context.map((m) => m.data),
  ];
  const clues = CLUES.find(sentences).map((m) => m.data);
  const language = detectLanguage(text, matched, clues, hint);

  const evidence: IntentEvidence[] = [...optOut.evidence];
  if (keyword && keyword.kind !== 'opt_out') {
    evidence.push({
      phrase: keyword.keyword,
      language: keyword.language,
      meaning: keyword.kind === 'opt_in' ? 'opt-in keyword' : 'help keyword',
    });
  }
  if (choice !== undefined)
    evidence.push({ phrase: String(choice), language: 'und', meaning: `menu choice ${choice}` });
  const byKey = new Map<string, IntentEvidence>();
  for (const { data } of context) {
    const key = `${normalise(data.phrase)}|${data.meaning}`;
    const previous = byKey.get(key);
    if (!previous) {
      const item = { phrase: data.phrase, language: data.language, meaning: data.meaning };
      byKey.set(key, item);
      evidence.push(item);
    } else if (data.language === language && previous.language !== language) {
      const index = evidence.indexOf(previous);
      const preferred = { phrase: data.phrase, language: data.language, meaning: data.meaning };
      evidence[index] = preferred;
      byKey.set(key, preferred);
    }
  }

  const chosen = chooseBarrier(context.filter((m) => isBarrier(m.data.category)));
  const reason = chosen && {
    barrier: chosen.barrier,
    reasonExcerpt: excerpt(sentences[chosen.first.sentence]?.text ?? text.trim()),
  };
  const has = (category: Category): boolean => context.some((m) => m.data.category === category);

  let intent: ReplyIntentKind;
  if (optOut.evidence.length > 0) intent = 'opt_out';
  else if (keyword?.kind === 'opt_in') intent = 'opt_in';
  else if (keyword?.kind === 'help') intent = 'help_keyword';
  else if (choice !== undefined) intent = 'menu_choice';
  else if (has('at_school')) intent = 'at_school';
  else if (has('help_request')) intent = 'help_request';
  else if (reason) intent = 'absence_reason';
  else intent = 'unknown';

  return {
    intent,
    ...(reason ?? {}),
    ...(intent === 'menu_choice' ? { choice } : {}),
    evidence,
    ...(language ? { language } : {}),
  };
}
