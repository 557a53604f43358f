/**
 * The opt-out rule (DOMAIN.md §7): carrier keywords in any case and punctuation, the
 * same-meaning words in every supported language, plain-language refusals in every supported
 * language, and sentences that merely contain "stop" left alone.
 */
import { describe, expect, it } from 'vitest';
import { INTENT_LANGUAGES, type IntentLanguage } from './languages.ts';
import { classifyKeyword, findOptOutEvidence, recogniseOptOut } from './opt-out.ts';
import { PHRASE_TABLES } from './phrases/index.ts';

const STANDARD_OPT_OUT = [
  'STOP',
  'STOPALL',
  'QUIT',
  'END',
  'REVOKE',
  'OPT OUT',
  'OPTOUT',
  'CANCEL',
  'UNSUBSCRIBE',
];

function mixedCase(word: string): string {
  return [...word].map((c, i) => (i % 2 === 0 ? c.toLowerCase() : c.toUpperCase())).join('');
}

function fullWidth(word: string): string {
  return [...word]
    .map((c) => (c === ' ' ? '\u3000' : String.fromCharCode(c.charCodeAt(0) + 0xfee0)))
    .join('');
}

/** How families type a keyword: case, punctuation, spaces, emoji, a phone's full-width letters. */
function spellings(keyword: string): string[] {
  return [
    keyword,
    keyword.toLowerCase(),
    mixedCase(keyword),
    `${keyword}.`,
    `${keyword}!!`,
    ` ${keyword.toLowerCase()} `,
    `"${keyword}"`,
    `${keyword} 🛑`,
    `...${keyword}?`,
    fullWidth(keyword),
  ];
}

// At least two natural refusals in every supported language, none copied whole from a table.
const REFUSALS: Record<IntentLanguage, string[]> = {
  en: [
    'Please stop texting me.',
    "I don't want these messages anymore",
    'Remove me from this list!',
    'Leave me alone',
    'unsubscribe me please',
    'No more messages please',
  ],
  es: [
    'Por favor no me manden más mensajes',
    'Ya no quiero mensajes, gracias',
    'Déjenme de escribir',
    'quitenme de la lista x favor',
    'Dejen de mandarme mensajes!!',
  ],
  'zh-Hans': ['请不要再发短信给我了', '我不想收到这些信息', '请把我的号码删除'],
  'zh-Hant': ['請不要再傳訊息給我', '我不想再收到這些簡訊', '請刪除我的號碼'],
  vi: [
    'Xin đừng nhắn tin cho tôi nữa',
    'Tôi không muốn nhận tin nhắn nữa',
    'khong muon nhan tin nhan nua',
    'Xoá số của tôi đi',
  ],
  ar: [
    'من فضلكم لا ترسلوا لي رسائل بعد الآن',
    'لا أريد هذه الرسائل',
    'احذفوا رقمي من فضلكم',
    'لا اريد رسائل',
  ],
  ht: ['Tanpri sispann voye mesaj ban mwen', 'Mwen pa vle mesaj ankò', 'Retire nimewo mwen nan lis la'],
  so: ['Fadlan jooji fariimaha', 'Fariimo ma rabo', 'Fadlan fariin dambe ha ii soo dirin'],
  pt: [
    'Por favor parem de me mandar mensagens',
    'Não quero mais mensagens',
    'Me tirem da lista',
    'nao me mandem mais',
  ],
  ru: ['Пожалуйста, перестаньте мне писать', 'Не присылайте мне больше сообщения', 'Удалите мой номер'],
  tl: ['Pakiusap, tigilan niyo na ako', 'Ayoko na ng mga text', 'Alisin niyo ako sa listahan'],
  ko: ['문자 그만 보내세요', '더 이상 문자 보내지 마세요', '수신거부 합니다'],
  fr: [
    "Arrêtez de m'envoyer des messages s'il vous plaît",
    'Je ne veux plus recevoir de SMS',
    'Désabonnez-moi',
  ],
  uk: ['Будь ласка, не пишіть мені більше', 'Не хочу отримувати ці повідомлення', 'Видаліть мій номер'],
};

// Same-meaning keywords the brief names, by language.
const LANGUAGE_KEYWORDS: [IntentLanguage, string][] = [
  ['es', 'ALTO'],
  ['es', 'PARAR'],
  ['es', 'BASTA'],
  ['es', 'CANCELAR'],
  ['fr', 'ARRÊT'],
  ['fr', 'ARRET'],
  ['pt', 'PARAR'],
  ['pt', 'SAIR'],
  ['ru', 'СТОП'],
  ['uk', 'СТОП'],
  ['ar', 'توقف'],
  ['ar', 'إيقاف'],
  ['ar', 'ايقاف'],
  ['zh-Hans', '停止'],
  ['zh-Hans', '退订'],
  ['zh-Hans', '取消订阅'],
  ['zh-Hant', '退訂'],
  ['ko', '중지'],
  ['ko', '수신거부'],
  ['vi', 'DỪNG'],
  ['vi', 'DUNG'],
  ['vi', 'HỦY'],
  ['ht', 'SISPANN'],
  ['ht', 'KANPE'],
  ['so', 'JOOJI'],
  ['tl', 'TIGIL'],
  ['tl', 'HINTO'],
];

const NOT_REFUSALS = [
  "My son can't stop coughing",
  "the bus didn't stop",
  'The bus didn’t stop at our corner this morning',
  'Can I stop by the office tomorrow?',
  'stop by the office',
  'I will end work early and pick him up',
  "Cancel the appointment? No, we'll come",
  'He wants to quit the soccer team',
  'Thank you for the help',
  'ok thanks',
  'Yes she is at school',
  'Mi hijo no puede dejar de toser',
  'El camión no paró en la esquina',
  'He can’t stop texting his friends in class',
  "Please don't stop texting me, I like the updates",
  'Thanks, Dung',
  '',
];

describe('classifyKeyword', () => {
  it('reads every standard opt-out keyword in upper, lower and mixed case, with punctuation, spaces and emoji', () => {
    for (const keyword of STANDARD_OPT_OUT) {
      for (const text of spellings(keyword)) expect(classifyKeyword(text), text).toBe('opt_out');
    }
  });

  it('reads START, UNSTOP and YES as opt-in and HELP and INFO as help', () => {
    for (const keyword of ['START', 'UNSTOP', 'YES']) {
      for (const text of spellings(keyword)) expect(classifyKeyword(text), text).toBe('opt_in');
    }
    for (const keyword of ['HELP', 'INFO']) {
      for (const text of spellings(keyword)) expect(classifyKeyword(text), text).toBe('help');
    }
  });

  it('accepts hyphenated and spaced spellings of OPT OUT and STOP ALL', () => {
    for (const text of ['opt-out', 'Opt Out', 'OPT   OUT', 'stop all', 'Stop-All'])
      expect(classifyKeyword(text)).toBe('opt_out');
  });

  it('reads the same-meaning keywords of each supported language', () => {
    for (const [language, keyword] of LANGUAGE_KEYWORDS) {
      expect(classifyKeyword(keyword), `${language} ${keyword}`).toBe('opt_out');
      expect(classifyKeyword(`${keyword.toLowerCase()}!`), `${language} ${keyword}`).toBe('opt_out');
    }
  });

  it('reads every keyword in every phrase table as its own class', () => {
    for (const table of PHRASE_TABLES) {
      for (const keyword of table.keywords.optOut)
        expect(classifyKeyword(keyword), `${table.language} ${keyword}`).toBe('opt_out');
      for (const keyword of table.keywords.optIn)
        expect(classifyKeyword(keyword), `${table.language} ${keyword}`).toBe('opt_in');
      for (const keyword of table.keywords.help)
        expect(classifyKeyword(keyword), `${table.language} ${keyword}`).toBe('help');
    }
  });

  it('never lists one keyword under two classes, in any pair of languages', () => {
    const classes = new Map<string, string>();
    for (const table of PHRASE_TABLES) {
      const lists: [string, readonly string[]][] = [
        ['opt_out', table.keywords.optOut],
        ['opt_in', table.keywords.optIn],
        ['help', table.keywords.help],
      ];
      for (const [kind, keywords] of lists) {
        for (const keyword of keywords) {
          const key = keyword.normalize('NFKC').toLowerCase();
          expect(classes.get(key) ?? kind, `${table.language} ${keyword}`).toBe(kind);
          classes.set(key, kind);
        }
      }
    }
  });

  it('accepts Spanish and French keywords typed without accents, but not a Vietnamese word with other accents', () => {
    expect(classifyKeyword('arrêt')).toBe('opt_out');
    expect(classifyKeyword('desabonner')).toBe('opt_out');
    expect(classifyKeyword('informacion')).toBe('help');
    expect(classifyKeyword('dùng')).toBeNull();
  });

  it('returns null for anything that is not exactly a keyword', () => {
    for (const text of [
      '',
      '   ',
      '!!!',
      '🛑',
      'stop by the office',
      'stop stop',
      'no',
      'ok',
      'yes please',
      'helpful',
      'STOPPED',
      's t o p',
    ]) {
      expect(classifyKeyword(text), text).toBeNull();
    }
  });
});

describe('recogniseOptOut', () => {
  it('opts out on every standard keyword, with the keyword as evidence', () => {
    for (const keyword of STANDARD_OPT_OUT) {
      const result = recogniseOptOut(`${keyword.toLowerCase()}.`);
      expect(result.optOut, keyword).toBe(true);
      expect(result.evidence?.phrase.replace(/\s/g, '')).toBe(keyword.replace(/\s/g, ''));
      expect(result.evidence?.language).toBe('en');
    }
  });

  it('has at least two plain-language refusals for every supported language, and each opts out', () => {
    for (const language of INTENT_LANGUAGES) {
      const examples = REFUSALS[language] ?? [];
      expect(examples.length, `refusal examples for ${language}`).toBeGreaterThanOrEqual(2);
      for (const text of examples) {
        const result = recogniseOptOut(text);
        expect(result.optOut, `${language}: ${text}`).toBe(true);
        expect(result.evidence?.phrase, text).toBeTruthy();
      }
    }
  });

  it('credits a refusal to the language it is written in', () => {
    expect(recogniseOptOut('Por favor no me manden más mensajes').evidence?.language).toBe('es');
    expect(recogniseOptOut('請不要再傳訊息給我').evidence?.language).toBe('zh-Hant');
    expect(recogniseOptOut('Будь ласка, не пишіть мені більше').evidence?.language).toBe('uk');
  });

  it('does not opt out for a sentence that merely contains stop, end, quit or cancel', () => {
    for (const text of NOT_REFUSALS) expect(recogniseOptOut(text).optOut, text).toBe(false);
  });

  it('opts out when one clause is a keyword among politeness words or repeats', () => {
    for (const text of [
      'STOP. Who is this?',
      'Stop please',
      'please stop!!',
      'stop stop stop',
      'ok STOP now',
      'Gracias, BASTA',
      'Alto por favor',
      '请停止',
      '중지해주세요',
      'Fadlan jooji',
      'Tigil na po',
      'Arrêt svp',
      'Stop it!',
      'Wrong number',
    ]) {
      expect(recogniseOptOut(text).optOut, text).toBe(true);
    }
  });

  it('takes "Dung" alone as the Vietnamese keyword but not as the name that signs a message', () => {
    expect(recogniseOptOut('Dung').optOut).toBe(true);
    expect(recogniseOptOut('Cảm ơn cô. Dung').optOut).toBe(false);
  });

  it('opts out when a refusal comes with other news, and a negated refusal only when it starts negated', () => {
    expect(recogniseOptOut('She has a fever, also please stop texting me').optOut).toBe(true);
    expect(recogniseOptOut("no don't text me").optOut).toBe(true);
    expect(recogniseOptOut('How do I unsubscribe from these?').optOut).toBe(true);
  });

  it('lists every reason, keyword first, without a phrase that lies inside a longer one', () => {
    const evidence = findOptOutEvidence('STOP. No me manden más mensajes');
    expect(evidence.map((e) => e.phrase)).toEqual(['STOP', 'no me manden más mensajes']);
    expect(evidence[1]?.meaning).toBe('opt-out: stop sending messages');
  });
});
