import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { isLanguageCode, LANGUAGES, type LanguageCode, resolveLanguage } from './languages.ts';
import { smsSegments } from './sms-segments.ts';
import {
  CATALOGUES,
  renderTemplate,
  TEMPLATE_CHANNELS,
  TEMPLATE_KEYS,
  type TemplateKey,
  type TemplatePart,
  templateParts,
  templateVariables,
} from './templates.ts';
import { checkTone } from './tone-check.ts';

const typical = {
  childName: 'Maria',
  schoolName: 'Lincoln Elementary School',
  staffName: 'Ms. Rivera',
  schoolPhone: '(555) 010-2030',
  slotText: 'Tuesday, March 3 at 3:30 pm',
  daysMissed: 8,
  projectedDays: 19,
  yearEndMonth: 6,
  daysAttended: 4,
  daysScheduled: 5,
  missedAmount: 42,
  missedUnit: 'hours',
  districtName: 'Riverside Unified',
  code: '482913',
  link: 'https://homeroom.example.org/family/link/abc',
};

const COUNTS = [0, 1, 2, 3, 5, 11, 21, 100];
const COUNT_VARIABLES = ['daysMissed', 'projectedDays', 'daysAttended', 'daysScheduled', 'missedAmount'];

function withCount(n: number, extra: Record<string, string | number> = {}): Record<string, string | number> {
  const values: Record<string, string | number> = { ...typical, ...extra };
  for (const name of COUNT_VARIABLES) values[name] = n;
  return values;
}

type Ast = ReturnType<IntlMessageFormat['getAst']>;

/** Every variable name in a message, including those inside plural and select branches. */
function variablesOf(ast: Ast, into = new Set<string>()): Set<string> {
  for (const element of ast) {
    const type: number = element.type;
    if (type !== 0 && type !== 7 && 'value' in element) into.add(element.value);
    if ('options' in element)
      for (const option of Object.values(element.options)) variablesOf(option.value, into);
  }
  return into;
}

/** The category keys of every plural in a message. */
function pluralsOf(ast: Ast, into: string[][] = []): string[][] {
  for (const element of ast) {
    const type: number = element.type;
    if ('options' in element) {
      if (type === 6) into.push(Object.keys(element.options).filter((k) => !k.startsWith('=')));
      for (const option of Object.values(element.options)) pluralsOf(option.value, into);
    }
  }
  return into;
}

function astOf(key: TemplateKey, code: LanguageCode, part: TemplatePart): Ast {
  const source = CATALOGUES[code][key][part];
  if (source === undefined) throw new Error(`missing ${code} ${key} ${part}`);
  const intlLocale = LANGUAGES.find((l) => l.code === code)?.intlLocale ?? 'en';
  return new IntlMessageFormat(source, intlLocale, undefined, { ignoreTag: true }).getAst();
}

const CODES = LANGUAGES.map((l) => l.code);

describe('languages', () => {
  it('lists the 14 supported languages, with an Intl locale that Node supports for each', () => {
    expect(CODES).toEqual([
      'en',
      'es',
      'zh-Hans',
      'zh-Hant',
      'vi',
      'ar',
      'ht',
      'so',
      'pt',
      'ru',
      'tl',
      'ko',
      'fr',
      'uk',
    ]);
    for (const language of LANGUAGES) {
      expect(Intl.PluralRules.supportedLocalesOf([language.intlLocale])).toHaveLength(1);
    }
  });

  it('writes Arabic right to left and every other language left to right', () => {
    for (const language of LANGUAGES) expect(language.direction).toBe(language.code === 'ar' ? 'rtl' : 'ltr');
  });

  it('has no Twilio voice for Haitian Creole or Somali', () => {
    expect(LANGUAGES.filter((l) => l.ttsLanguage === null).map((l) => l.code)).toEqual(['ht', 'so']);
  });

  it.each([
    ['es-MX', 'es'],
    ['es_419', 'es'],
    ['zh-CN', 'zh-Hans'],
    ['zh', 'zh-Hans'],
    ['zh-SG', 'zh-Hans'],
    ['zh-TW', 'zh-Hant'],
    ['zh-HK', 'zh-Hant'],
    ['zh-Hant', 'zh-Hant'],
    ['yue', 'zh-Hant'],
    ['ar-EG', 'ar'],
    ['pt-BR', 'pt'],
    ['fil', 'tl'],
    ['tl-PH', 'tl'],
    ['spa', 'es'],
    ['hat', 'ht'],
    ['som', 'so'],
    ['Spanish', 'es'],
    ['  haitian creole ', 'ht'],
    ['Kreyòl ayisyen', 'ht'],
    ['Chinese (Traditional)', 'zh-Hant'],
    ['Cantonese', 'zh-Hant'],
    ['Mandarin', 'zh-Hans'],
    ['Filipino', 'tl'],
    ['Русский', 'ru'],
    ['uk-UA', 'uk'],
    ['xx', 'en'],
    ['de-DE', 'en'],
    ['', 'en'],
    ['not a language!', 'en'],
  ])('resolves %j to %s', (tag, code) => {
    expect(resolveLanguage(tag)).toBe(code);
  });

  it('recognises only exact codes as language codes', () => {
    expect(isLanguageCode('zh-Hans')).toBe(true);
    expect(isLanguageCode('zh-hans')).toBe(false);
    expect(isLanguageCode('es-MX')).toBe(false);
    expect(isLanguageCode(3)).toBe(false);
  });
});

describe('template catalogues', () => {
  it('has every template in every language, with the same parts as English', () => {
    for (const code of CODES) {
      expect(Object.keys(CATALOGUES[code]).sort()).toEqual([...TEMPLATE_KEYS].sort());
      for (const key of TEMPLATE_KEYS) {
        expect(CATALOGUES[code][key].emailSubject === undefined, `${code} ${key}`).toBe(
          CATALOGUES.en[key].emailSubject === undefined,
        );
      }
    }
  });

  it('gives an email subject exactly to the templates that go by email on their own', () => {
    // The portal link only ends another email: it has no subject of its own.
    for (const key of TEMPLATE_KEYS) {
      expect(templateParts(key).includes('emailSubject'), key).toBe(
        TEMPLATE_CHANNELS[key].includes('email') && key !== 'portal_link',
      );
    }
  });

  it('uses exactly the English variables in every language', () => {
    for (const key of TEMPLATE_KEYS) {
      for (const part of templateParts(key)) {
        const english = [...variablesOf(astOf(key, 'en', part))].sort();
        for (const code of CODES) {
          expect([...variablesOf(astOf(key, code, part))].sort(), `${code} ${key} ${part}`).toEqual(english);
        }
      }
    }
  });

  it("gives every plural the categories of the language's plural rules, and no others", () => {
    for (const language of LANGUAGES) {
      const rules = new Intl.PluralRules(language.intlLocale);
      const allowed = new Set<string>(rules.resolvedOptions().pluralCategories);
      // Categories that whole counts from 0 to 1000 can reach (Spanish, French and
      // Portuguese "many" only starts at a million).
      const needed = new Set<string>(['other']);
      for (let n = 0; n <= 1000; n++) needed.add(rules.select(n));
      for (const key of TEMPLATE_KEYS) {
        for (const part of templateParts(key)) {
          for (const categories of pluralsOf(astOf(key, language.code, part))) {
            const where = `${language.code} ${key} ${part}`;
            for (const category of categories)
              expect(allowed.has(category), `${where}: ${category}`).toBe(true);
            for (const category of needed) expect(categories, where).toContain(category);
          }
        }
      }
    }
  });

  it('lists the variables of a template from English', () => {
    expect(templateVariables('same_day_check_in')).toEqual(['childName', 'schoolName', 'staffName']);
    expect(templateVariables('real_number')).toEqual([
      'childName',
      'daysMissed',
      'projectedDays',
      'schoolName',
      'staffName',
      'yearEndMonth',
    ]);
    expect(templateVariables('statutory_notice')).toEqual([
      'childName',
      'missedAmount',
      'missedUnit',
      'schoolName',
      'schoolPhone',
      'staffName',
    ]);
    expect(templateVariables('opt_out_confirmation')).toEqual(['schoolName']);
  });
});

describe('renderTemplate', () => {
  it('renders every template in every language for counts 0, 1, 2, 3, 5, 11, 21 and 100', () => {
    for (const code of CODES) {
      for (const key of TEMPLATE_KEYS) {
        for (const part of templateParts(key)) {
          for (const n of COUNTS) {
            for (const unit of ['hours', 'days']) {
              const { text, language } = renderTemplate(key, code, withCount(n, { missedUnit: unit }), {
                part,
              });
              const where = `${code} ${key} ${part} n=${n}`;
              expect(language).toBe(code);
              expect(text.trim().length, where).toBeGreaterThan(0);
              expect(text, where).not.toMatch(/[{}]/);
              expect(text, where).not.toMatch(/undefined|NaN|null/);
              expect(text, where).not.toContain('#');
            }
          }
        }
      }
    }
  });

  it('names the child, and the school or staff member, in every family message', () => {
    for (const code of CODES) {
      for (const key of TEMPLATE_KEYS) {
        const { text } = renderTemplate(key, code, typical);
        if (templateVariables(key).includes('childName')) expect(text, `${code} ${key}`).toContain('Maria');
        if (templateVariables(key).includes('staffName'))
          expect(text, `${code} ${key}`).toContain('Ms. Rivera');
      }
    }
  });

  it('reads the English same-day check-in exactly as designed', () => {
    expect(renderTemplate('same_day_check_in', 'en', typical)).toEqual({
      text: 'We missed Maria at Lincoln Elementary School today. Is everything okay? Reply to let us know, or tell us how we can help. - Ms. Rivera',
      language: 'en',
      direction: 'ltr',
    });
  });

  it('reads the English real number exactly as designed, with the projection', () => {
    expect(renderTemplate('real_number', 'en', typical).text).toBe(
      'Maria has missed 8 days of school so far this year. At this pace, Maria will miss about 19 days by June. Every day counts, and we are here to help. Reply to talk with us. - Ms. Rivera, Lincoln Elementary School',
    );
    expect(
      renderTemplate('real_number', 'en', { ...typical, daysMissed: 1, projectedDays: 1 }).text,
    ).toContain(
      'has missed 1 day of school so far this year. At this pace, Maria will miss about 1 day by June.',
    );
  });

  it('says "the end of the school year" when no month number is given', () => {
    expect(renderTemplate('real_number', 'en', { ...typical, yearEndMonth: 'June' }).text).toContain(
      'about 19 days by the end of the school year.',
    );
    expect(renderTemplate('real_number', 'ru', { ...typical, yearEndMonth: 0 }).text).toContain(
      'к концу учебного года',
    );
  });

  it('declines the month where the language needs it', () => {
    expect(renderTemplate('real_number', 'ru', typical).text).toContain(
      'к июню Maria пропустит около 19 дней',
    );
    expect(renderTemplate('real_number', 'uk', typical).text).toContain(
      'до червня Maria пропустить приблизно 19 днів',
    );
    expect(renderTemplate('real_number', 'es', { ...typical, yearEndMonth: 5 }).text).toContain('para mayo');
  });

  it('reads the English opt-out confirmation and keypad prompt exactly as designed', () => {
    expect(renderTemplate('opt_out_confirmation', 'en', typical).text).toBe(
      'You will not get more texts from Lincoln Elementary School. Reply START to get them again.',
    );
    expect(renderTemplate('voice_keypad_prompt', 'en', typical).text).toBe(
      'Press 1 if Maria is at school today. Press 2 to tell us Maria is sick. Press 3 if you need help from the school. Press 9 to stop these calls.',
    );
  });

  it.each([
    [1, '1 день'],
    [2, '2 дня'],
    [5, '5 дней'],
    [11, '11 дней'],
    [21, '21 день'],
    [22, '22 дня'],
    [100, '100 дней'],
  ])('uses the Russian plural form for %i days: %s', (n, form) => {
    const { text } = renderTemplate('real_number', 'ru', { ...typical, daysMissed: n });
    expect(text).toContain(`уже пропустил ${form} занятий`);
  });

  it.each([
    [1, '1 день'],
    [3, '3 дні'],
    [5, '5 днів'],
    [21, '21 день'],
  ])('uses the Ukrainian plural form for %i days: %s', (n, form) => {
    const { text } = renderTemplate('real_number', 'uk', { ...typical, daysMissed: n });
    expect(text).toContain(`вже пропустила ${form} занять`);
  });

  it.each([
    [0, '0 يوم'],
    [1, 'يومًا واحدًا'],
    [2, 'يومين'],
    [3, '3 أيام'],
    [11, '11 يومًا'],
    [100, '100 يوم'],
  ])('uses the Arabic number agreement for %i days', (n, form) => {
    const { text } = renderTemplate('real_number', 'ar', { ...typical, daysMissed: n });
    expect(text).toContain(`بلغ عدد أيام غياب Maria ${form}.`);
  });

  it('distinguishes one from other in English, Spanish and French', () => {
    const english = (n: number) =>
      renderTemplate('monthly_summary', 'en', { ...typical, daysMissed: n }).text;
    expect(english(1)).toContain('has missed 1 day.');
    expect(english(0)).toContain('has missed 0 days.');
    expect(renderTemplate('monthly_summary', 'es', { ...typical, daysMissed: 1 }).text).toContain(
      'ha faltado 1 día.',
    );
    expect(renderTemplate('monthly_summary', 'es', { ...typical, daysMissed: 2 }).text).toContain(
      'ha faltado 2 días.',
    );
    // French (like CLDR) treats 0 as singular.
    expect(renderTemplate('monthly_summary', 'fr', { ...typical, daysMissed: 0 }).text).toContain(
      'a manqué 0 jour.',
    );
    expect(renderTemplate('monthly_summary', 'fr', { ...typical, daysMissed: 5 }).text).toContain(
      'a manqué 5 jours.',
    );
  });

  it('renders Arabic right to left, in Arabic script, without bidi marks', () => {
    const rendered = renderTemplate('same_day_check_in', 'ar', typical);
    expect(rendered.direction).toBe('rtl');
    expect(rendered.language).toBe('ar');
    expect(rendered.text).toMatch(/\p{Script=Arabic}/u);
    expect(rendered.text).not.toMatch(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
  });

  it('renders other scripts in their own script', () => {
    expect(renderTemplate('same_day_check_in', 'zh-Hans', typical).text).toMatch(/\p{Script=Han}/u);
    expect(renderTemplate('same_day_check_in', 'ko', typical).text).toMatch(/\p{Script=Hangul}/u);
    expect(renderTemplate('same_day_check_in', 'ru', typical).text).toMatch(/\p{Script=Cyrillic}/u);
    expect(renderTemplate('same_day_check_in', 'zh-Hant', typical).text).toContain('沒有');
    expect(renderTemplate('same_day_check_in', 'zh-Hans', typical).text).toContain('没有');
  });

  it('falls back to English for an unknown language and says so', () => {
    const rendered = renderTemplate('same_day_check_in', 'xx', typical);
    expect(rendered.language).toBe('en');
    expect(rendered.direction).toBe('ltr');
    expect(rendered.text).toBe(renderTemplate('same_day_check_in', 'en', typical).text);
  });

  it('accepts regional tags and language names', () => {
    expect(renderTemplate('same_day_check_in', 'es-MX', typical).language).toBe('es');
    expect(renderTemplate('same_day_check_in', 'Arabic', typical).direction).toBe('rtl');
  });

  it('throws naming the template, language and variable when a value is missing', () => {
    const { childName: _omitted, ...rest } = typical;
    expect(() => renderTemplate('same_day_check_in', 'es', rest)).toThrow(
      /same_day_check_in.*\(es.*"childName"|"childName".*same_day_check_in/,
    );
  });

  it('requires a variable even when only an untaken branch uses it', () => {
    // "days" takes the other branch, but missedAmount is still part of the template.
    const { missedAmount: _omitted, ...rest } = typical;
    expect(() => renderTemplate('statutory_notice', 'en', { ...rest, missedUnit: 'days' })).toThrow(
      /"missedAmount"/,
    );
  });

  it('throws when a count is not a number', () => {
    expect(() => renderTemplate('real_number', 'en', { ...typical, daysMissed: '8' })).toThrow(
      /real_number.*"daysMissed".*number/,
    );
  });

  it('throws when asked for an email subject a template does not have', () => {
    expect(() => renderTemplate('help_reply', 'en', typical, { part: 'emailSubject' })).toThrow(/help_reply/);
  });

  it('renders email subjects', () => {
    expect(renderTemplate('real_number', 'en', typical, { part: 'emailSubject' }).text).toBe(
      "Maria's school days so far this year",
    );
  });

  it('keeps the STOP, START and HELP keywords in English capitals in every language', () => {
    for (const code of CODES) {
      for (const key of [
        'consent_confirmation',
        'opt_out_confirmation',
        'opt_in_confirmation',
        'help_reply',
      ] as const) {
        const english = renderTemplate(key, 'en', typical).text;
        const text = renderTemplate(key, code, typical).text;
        for (const keyword of ['STOP', 'START', 'HELP']) {
          if (english.includes(keyword))
            expect(text, `${code} ${key}`).toMatch(new RegExp(`\\b${keyword}\\b`));
        }
      }
    }
  });

  it('fits every English SMS in two GSM-7 segments with typical values', () => {
    for (const key of TEMPLATE_KEYS) {
      if (!TEMPLATE_CHANNELS[key].includes('sms')) continue;
      const segments = smsSegments(renderTemplate(key, 'en', typical).text);
      expect(segments.encoding, key).toBe('GSM-7');
      expect(segments.nonGsmCharacters, key).toEqual([]);
      expect(segments.segments, key).toBeLessThanOrEqual(2);
    }
  });

  it('keeps the English statutory notice under 150 words at about a grade-5 reading level', () => {
    const { text } = renderTemplate('statutory_notice', 'en', typical);
    const words = text.match(/[A-Za-z']+/g) ?? [];
    expect(words.length).toBeLessThan(150);
    // Flesch-Kincaid grade with a rough syllable count: a guide, not a proof.
    const sentences = text.split(/[.!?]+(?=\s|$)|\n+/).filter((s) => /[A-Za-z]/.test(s));
    const syllables = words.reduce((sum, word) => sum + syllableCount(word), 0);
    const grade = 0.39 * (words.length / sentences.length) + 11.8 * (syllables / words.length) - 15.59;
    expect(grade).toBeLessThanOrEqual(5);
    expect(text).toContain('Here is what you can do');
  });

  it('passes its own tone check in English and Spanish', () => {
    for (const code of ['en', 'es'] as const) {
      for (const key of TEMPLATE_KEYS) {
        for (const part of templateParts(key)) {
          const { text } = renderTemplate(key, code, typical, { part });
          expect(checkTone(text, code), `${code} ${key} ${part}`).toEqual([]);
        }
      }
    }
  });

  it('never mentions perfect attendance when celebrating', () => {
    for (const code of CODES) {
      expect(renderTemplate('improvement_celebration', code, typical).text.toLowerCase()).not.toMatch(
        /perfect/,
      );
    }
  });

  it('returns the same text from the compiled-format cache', () => {
    const first = renderTemplate('weekly_summary', 'vi', typical).text;
    expect(renderTemplate('weekly_summary', 'vi', typical).text).toBe(first);
    expect(renderTemplate('weekly_summary', 'vi', { ...typical, daysAttended: 5 }).text).not.toBe(first);
  });
});

function syllableCount(word: string): number {
  let w = word.toLowerCase().replace(/'s$/, '');
  if (w.length <= 3) return 1;
  w = w.replace(/(?:[^laeiouy]es|ed|[^laeiouy]e)$/, '').replace(/^y/, '');
  return Math.max(1, (w.match(/[aeiouy]{1,2}/g) ?? []).length);
}
