/**
 * Reply recognition: each barrier family and "at school" in every supported language, the
 * priority between intents, the evidence staff see, language detection, and a property that
 * no text makes it throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INTENT_LANGUAGES, type IntentLanguage } from './languages.ts';
import { normalise } from './match.ts';
import { BARRIERS, type Barrier, PHRASES } from './phrases/index.ts';
import { recogniseReply } from './reply-intent.ts';

interface Examples {
  readonly health: string;
  readonly logistics: string;
  readonly family_circumstances: string;
  readonly school: string;
  readonly atSchool: string;
}

// One natural reply per barrier family and one "at school" reply, in every supported language.
const EXAMPLES: Record<IntentLanguage, Examples> = {
  en: {
    health: 'Maria has a fever and a bad cough, she is staying home',
    logistics: 'He missed the bus and I had no ride',
    family_circumstances: 'We had a funeral out of state this weekend',
    school: "She is being bullied and doesn't want to go",
    atSchool: "He's at school now, I dropped him off late",
  },
  es: {
    health: 'Mi hija está enferma, tiene fiebre desde anoche',
    logistics: 'Se le fue el camión y no tengo carro',
    family_circumstances: 'Fuimos al velorio de mi tío',
    school: 'No quiere ir a la escuela porque lo molestan',
    atSchool: 'Ya está en la escuela, lo llevé tarde',
  },
  'zh-Hans': {
    health: '孩子发烧了，在家休息',
    logistics: '他错过校车了，我们没有车',
    family_circumstances: '家里有事，我们回国参加葬礼',
    school: '他在学校被欺负，不想上学',
    atSchool: '他已经在学校了',
  },
  'zh-Hant': {
    health: '孩子發燒了，在家休息',
    logistics: '他錯過校車了，我們沒有車',
    family_circumstances: '家裡有事，我們回台灣參加葬禮',
    school: '他在學校被欺負，不想上學',
    atSchool: '他已經在學校了',
  },
  vi: {
    health: 'Con tôi bị sốt và ho nhiều',
    logistics: 'Cháu bị lỡ xe buýt, nhà không có xe',
    family_circumstances: 'Gia đình có đám tang ở quê',
    school: 'Con bị bắt nạt ở trường nên không muốn đi học',
    atSchool: 'Cháu đã đến trường rồi ạ',
  },
  ar: {
    health: 'ابني مريض وعنده حرارة',
    logistics: 'فاته الباص وما عندي سيارة',
    family_circumstances: 'عندنا جنازة في العائلة',
    school: 'ابنتي تتعرض للتنمر ولا تريد الذهاب',
    atSchool: 'ابني في المدرسة الآن',
  },
  ht: {
    health: 'Pitit mwen malad, li gen lafyèv',
    logistics: 'Li rate bis la e nou pa gen machin',
    family_circumstances: 'Nou gen yon fineray nan fanmi an',
    school: 'Li pa vle ale lekòl paske yo toumante l',
    atSchool: 'Li lekòl deja',
  },
  so: {
    health: 'Wiilkaygu wuu jiran yahay, qandho ayuu qabaa',
    logistics: 'Baska ayuu ka dhaafay, gaari ma haysto',
    family_circumstances: 'Waxaan aadnay aaska qaraabadayada',
    school: 'Dugsiga ayuu ka cabsadaa, waa la garaacay',
    atSchool: 'Wuu joogaa dugsiga hadda',
  },
  pt: {
    health: 'Meu filho está doente, com febre',
    logistics: 'Ela perdeu o ônibus e não tenho carro',
    family_circumstances: 'Tivemos um enterro na família',
    school: 'Ele sofre bullying e não quer ir para a escola',
    atSchool: 'Ele já está na escola',
  },
  ru: {
    health: 'Сын заболел, у него температура',
    logistics: 'Опоздал на автобус, машина сломалась',
    family_circumstances: 'У нас похороны в семье',
    school: 'Его обижают в школе, он не хочет идти',
    atSchool: 'Он уже в школе',
  },
  tl: {
    health: 'May lagnat po si Juan kaya hindi nakapasok',
    logistics: 'Naiwan ng bus ang anak ko at walang sasakyan',
    family_circumstances: 'May lamay po sa pamilya namin',
    school: 'Ayaw niyang pumasok kasi binubully siya',
    atSchool: 'Nasa school na po siya',
  },
  ko: {
    health: '아이가 열이 나고 기침을 해요',
    logistics: '스쿨버스를 놓쳤는데 차가 없어요',
    family_circumstances: '할머니 장례식이 있어서요',
    school: '학교에서 괴롭힘을 당해서 학교 가기 싫대요',
    atSchool: '지금 학교에 있어요',
  },
  fr: {
    health: 'Mon fils est malade, il a de la fièvre',
    logistics: 'Elle a raté le bus et la voiture est en panne',
    family_circumstances: 'Nous avons un enterrement dans la famille',
    school: "Il est harcelé et ne veut pas aller à l'école",
    atSchool: "Il est à l'école, je l'ai déposé en retard",
  },
  uk: {
    health: 'Син захворів, у нього температура',
    logistics: 'Пропустив автобус, машина зламалася',
    family_circumstances: "У нас похорон у сім'ї",
    school: 'Його цькують у школі, він не хоче йти',
    atSchool: 'Він вже у школі',
  },
};

/** Every phrase a language's table lists under a meaning, normalised. */
function tablePhrases(language: string): Set<string> {
  const table = PHRASES[language as IntentLanguage];
  if (!table) return new Set();
  const glossaries = [
    table.optOut,
    table.atSchool,
    table.helpRequest,
    ...BARRIERS.map((b) => table.barriers[b]),
  ];
  return new Set(glossaries.flatMap((g) => Object.values(g).flat()).map(normalise));
}

describe('recogniseReply: barriers and at school in every language', () => {
  it('has an example of every barrier family and of "at school" for every supported language', () => {
    for (const language of INTENT_LANGUAGES) {
      const examples = EXAMPLES[language];
      expect(examples, language).toBeDefined();
      for (const key of [...BARRIERS, 'atSchool'] as const)
        expect(examples?.[key], `${language} ${key}`).toBeTruthy();
    }
  });

  for (const language of INTENT_LANGUAGES) {
    it(`recognises each barrier family in ${language}, in that language, with the phrase as evidence`, () => {
      for (const barrier of BARRIERS) {
        const text = EXAMPLES[language][barrier];
        const result = recogniseReply(text);
        expect(result.intent, `${language} ${barrier}: ${text}`).toBe('absence_reason');
        expect(result.barrier, `${language} ${barrier}: ${text}`).toBe(barrier);
        expect(result.language, `${language} ${barrier}: ${text}`).toBe(language);
        expect(result.reasonExcerpt, 'each example is one sentence').toBe(text);
        const label = barrier === 'family_circumstances' ? 'family circumstances' : barrier;
        const own = result.evidence.filter((e) => e.meaning.startsWith(`${label}:`));
        expect(own.length, `${language} ${barrier}: ${text}`).toBeGreaterThan(0);
        for (const item of result.evidence)
          expect(tablePhrases(item.language).has(normalise(item.phrase)), item.phrase).toBe(true);
      }
    });

    it(`recognises "at school" in ${language}`, () => {
      const text = EXAMPLES[language].atSchool;
      const result = recogniseReply(text);
      expect(result.intent, `${language}: ${text}`).toBe('at_school');
      expect(result.language).toBe(language);
      expect(result.evidence.some((e) => e.meaning.startsWith('at school:'))).toBe(true);
    });
  }
});

describe('recogniseReply: priority', () => {
  it('lets an opt-out win over an absence reason, and still reports the reason', () => {
    const result = recogniseReply('She has a fever, also please stop texting me');
    expect(result.intent).toBe('opt_out');
    expect(result.barrier).toBe('health');
    expect(result.evidence[0]).toEqual({
      phrase: 'stop texting me',
      language: 'en',
      meaning: 'opt-out: stop sending messages',
    });
    expect(result.evidence.map((e) => e.phrase)).toContain('fever');
  });

  it('reads the whole-message keywords', () => {
    expect(recogniseReply('STOP').intent).toBe('opt_out');
    expect(recogniseReply('Start').intent).toBe('opt_in');
    expect(recogniseReply('yes!').intent).toBe('opt_in');
    expect(recogniseReply('HELP').intent).toBe('help_keyword');
    expect(recogniseReply('info').evidence).toEqual([
      { phrase: 'INFO', language: 'en', meaning: 'help keyword' },
    ]);
    expect(recogniseReply('Ayuda').intent).toBe('help_keyword');
  });

  it('reads a lone digit 1 to 9 as a menu choice, in any digit form', () => {
    for (const [text, choice] of [
      ['1', 1],
      [' 2. ', 2],
      ['#3', 3],
      ['(4)', 4],
      ['５', 5],
      ['٦', 6],
      ['۷', 7],
      ['8️⃣', 8],
      ['9!', 9],
    ] as const) {
      const result = recogniseReply(text);
      expect(result.intent, text).toBe('menu_choice');
      expect(result.choice, text).toBe(choice);
      expect(result.evidence).toEqual([
        { phrase: String(choice), language: 'und', meaning: `menu choice ${choice}` },
      ]);
    }
    for (const text of ['0', '10', '1 2', '2 please'])
      expect(recogniseReply(text).intent, text).not.toBe('menu_choice');
  });

  it('puts at school before a reason, and keeps lateness a logistics reason', () => {
    const late = recogniseReply("Running late, we're on our way");
    expect(late.intent).toBe('at_school');
    expect(late.barrier).toBe('logistics');
    const tardy = recogniseReply("He'll be late today, he overslept");
    expect(tardy.intent).toBe('absence_reason');
    expect(tardy.barrier).toBe('logistics');
    expect(recogniseReply('He was sick yesterday but he is at school today').intent).toBe('at_school');
  });

  it('recognises a request for help, before a reason', () => {
    for (const text of [
      'Can you help us?',
      'We need help with rides',
      'necesito ayuda por favor',
      '我们需要帮助',
      'Kailangan namin ng tulong',
    ]) {
      expect(recogniseReply(text).intent, text).toBe('help_request');
    }
    const withReason = recogniseReply('Can you help? The car broke down');
    expect(withReason.intent).toBe('help_request');
    expect(withReason.barrier).toBe('logistics');
  });

  it('returns unknown with no evidence when nothing matches', () => {
    for (const text of ['thanks', 'ok thanks', 'Is he at school?', "I'll call you later", '', '   ', '👍']) {
      const result = recogniseReply(text);
      expect(result.intent, text).toBe('unknown');
      expect(result.evidence, text).toEqual([]);
      expect(result.barrier).toBeUndefined();
    }
  });
});

describe('recogniseReply: reading the words', () => {
  it('does not take a negated phrase ("not sick", "no está en la escuela", "不在学校")', () => {
    const notSick = recogniseReply("He's not sick, he missed the bus");
    expect(notSick.barrier).toBe('logistics');
    expect(notSick.evidence.map((e) => e.phrase)).toEqual(['missed the bus']);
    expect(recogniseReply('No está en la escuela, está enfermo').intent).toBe('absence_reason');
    expect(recogniseReply('他不在学校了').intent).toBe('unknown');
    expect(recogniseReply('아이가 안 아파요').intent).toBe('unknown');
    expect(recogniseReply('아프지 않아요').intent).toBe('unknown');
  });

  it('matches Spanish typed without accents and the Mexican "camión"', () => {
    const result = recogniseReply('esta enfermo y perdio el camion', 'es-MX');
    expect(result.barrier).toBe('health');
    expect(result.evidence.map((e) => e.phrase)).toEqual(['enfermo', 'perdió el camión']);
    expect(result.language).toBe('es');
  });

  it('matches Vietnamese typed without diacritics but not a word with other diacritics', () => {
    expect(recogniseReply('con bi sot').barrier).toBe('health');
    expect(recogniseReply('Con dùng xe buýt').intent).toBe('unknown');
  });

  it('lists every matched phrase once, leaving out one inside a longer phrase', () => {
    const result = recogniseReply(
      'She went to the emergency room with asthma, the doctor kept her. Doctor again tomorrow.',
    );
    expect(result.evidence.map((e) => e.phrase)).toEqual(['emergency room', 'asthma', 'doctor']);
    expect(result.barrier).toBe('health');
  });

  it('chooses the barrier named most often, and the first named on a tie', () => {
    expect(recogniseReply('He has a fever and a cough. Also we missed the bus').barrier).toBe('health');
    expect(recogniseReply('We missed the bus. He has a fever').barrier).toBe('logistics');
  });

  it('takes the excerpt from the sentence that names the reason, as the family wrote it', () => {
    const result = recogniseReply(
      'Good morning Ms. Lee. Dr. appointment for Ana today!! She will be back tomorrow.',
    );
    expect(result.barrier).toBe('health');
    expect(result.reasonExcerpt).toBe('Dr. appointment for Ana today!!');
  });

  it('reads a relative who is sick as family circumstances, not health', () => {
    expect(recogniseReply('Her grandma is sick and we are taking care of her').barrier).toBe(
      'family_circumstances',
    );
    expect(recogniseReply('Estoy enferma y no pude llevarla').barrier).toBe('family_circumstances');
  });

  it('matches Arabic words with a leading conjunction or article', () => {
    const result = recogniseReply('والباص ما إجا، وابني مريض');
    expect(result.barrier).toBe('logistics');
    expect(result.evidence.map((e) => e.phrase)).toEqual(['الباص ما إجا', 'مريض']);
  });
});

describe('recogniseReply: language', () => {
  it('detects the language by script, then by phrases, then by politeness words, else takes the hint', () => {
    expect(recogniseReply('شكرا', 'en').language).toBe('ar');
    expect(recogniseReply('Добре', 'uk').language).toBe('uk');
    expect(recogniseReply('Дякую').language).toBe('uk');
    expect(recogniseReply('Спасибо', 'uk').language).toBe('ru');
    expect(recogniseReply('Muchas gracias').language).toBe('es');
    expect(recogniseReply('谢谢').language).toBe('zh-Hans');
    expect(recogniseReply('謝謝').language).toBe('zh-Hant');
    expect(recogniseReply('감사합니다').language).toBe('ko');
    expect(recogniseReply('Cảm ơn cô').language).toBe('vi');
    expect(recogniseReply('ok', 'ht').language).toBe('ht');
    expect(recogniseReply('ok', 'zh-TW').language).toBe('zh-Hant');
    expect(recogniseReply('ok', 'klingon').language).toBeUndefined();
    expect(recogniseReply('ok').language).toBeUndefined();
  });

  it('credits a phrase shared by two languages to the detected one', () => {
    const result = recogniseReply('Tiene cita con el doctor', 'es');
    expect(result.language).toBe('es');
    expect(result.evidence.every((e) => e.language === 'es')).toBe(true);
  });
});

describe('recogniseReply: any text', () => {
  it('never throws and always returns evidence as an array, for arbitrary unicode strings', () => {
    const pieces = Object.values(EXAMPLES).flatMap((e) => Object.values(e) as string[]);
    const text = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'grapheme', maxLength: 200 }),
      fc
        .array(
          fc.oneof(fc.constantFrom(...pieces, 'STOP', '2', '.', ',', ' ', '\n', 'ال', '不'), fc.string()),
          {
            maxLength: 8,
          },
        )
        .map((parts) => parts.join('')),
    );
    const hint = fc.option(fc.oneof(fc.constantFrom(...INTENT_LANGUAGES, 'es-MX', 'zh-TW'), fc.string()), {
      nil: undefined,
    });
    fc.assert(
      fc.property(text, hint, (t, h) => {
        const result = recogniseReply(t, h);
        expect(Array.isArray(result.evidence)).toBe(true);
        expect(typeof result.intent).toBe('string');
        if (result.barrier !== undefined)
          expect((BARRIERS as readonly Barrier[]).includes(result.barrier)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
