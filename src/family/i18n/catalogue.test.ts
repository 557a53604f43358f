/**
 * The portal's catalogues: every family language has every English key with exactly the
 * English variables, each plural has the categories of its language's rules, every text
 * renders, and a language without a catalogue (or a key a catalogue lacks) falls back to
 * English.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { getLanguage, LANGUAGES, type LanguageCode } from '../../messaging/content/languages.ts';
import { type Ast, collectVariables, type VariableKind } from '../../platform/i18n/message-variables.ts';
import { createTranslators, languageFromHeader } from '../../platform/i18n/translator.ts';
import { FAMILY_CATALOGUES, familyTranslator, PORTAL_LANGUAGES } from '../family-page.ts';
import { en, type FamilyMessageKey } from './en.ts';

const CATALOGUES = FAMILY_CATALOGUES;
const CODES = LANGUAGES.map((language) => language.code);
const KEYS = Object.keys(en) as FamilyMessageKey[];

function astOf(source: string, locale: string): Ast {
  return new IntlMessageFormat(source, locale, undefined, { ignoreTag: true }).getAst();
}

function variablesOf(source: string, locale: string): Record<string, VariableKind> {
  const into = new Map<string, VariableKind>();
  collectVariables(astOf(source, locale), into);
  return Object.fromEntries([...into].sort());
}

function pluralsOf(ast: Ast, into: string[][] = []): string[][] {
  for (const element of ast) {
    if ('options' in element) {
      if ((element.type as number) === 6)
        into.push(Object.keys(element.options).filter((k) => !k.startsWith('=')));
      for (const option of Object.values(element.options)) pluralsOf(option.value, into);
    }
  }
  return into;
}

const SAMPLE = {
  name: 'Maria',
  days: 8,
  projected: 19,
  minutes: 5,
  left: 2,
  rate: '94%',
  school: 'Lincoln',
  grade: '3',
  reason: 'x',
  example: '2027-01-15',
  title: 'Attendance matters',
  date: 'Tuesday, March 3',
  when: 'Tuesday, March 2 at 3:30 PM',
  mode: 'by phone',
  host: 'Ms. Rivera',
  phone: '(217) 555-0140',
  digit: 2,
};

describe('family portal catalogues', () => {
  it('has every English key, and no other, in every family language, with the same variables', () => {
    expect(Object.keys(CATALOGUES).sort()).toEqual([...CODES].sort());
    for (const [code, catalogue] of Object.entries(CATALOGUES)) {
      expect(Object.keys(catalogue).sort(), code).toEqual([...KEYS].sort());
      const locale = getLanguage(code as LanguageCode).intlLocale;
      for (const key of KEYS) {
        expect(variablesOf(catalogue[key], locale), `${code} ${key}`).toEqual(variablesOf(en[key], 'en'));
      }
    }
  });

  it("gives every plural the categories of the language's rules that whole numbers reach, and no others", () => {
    for (const [code, catalogue] of Object.entries(CATALOGUES)) {
      const rules = new Intl.PluralRules(getLanguage(code as LanguageCode).intlLocale);
      const allowed = new Set<string>(rules.resolvedOptions().pluralCategories);
      const needed = new Set<string>(['other']);
      for (let n = 0; n <= 1000; n++) needed.add(rules.select(n));
      for (const key of KEYS) {
        for (const categories of pluralsOf(astOf(catalogue[key], code))) {
          for (const category of categories)
            expect(allowed.has(category), `${code} ${key} ${category}`).toBe(true);
          for (const category of needed) expect(categories, `${code} ${key}`).toContain(category);
        }
      }
    }
  });

  it('renders every text in each language, in its own script and direction', () => {
    for (const code of CODES) {
      const t = familyTranslator(code);
      expect(t.language).toBe(code);
      expect(t.direction).toBe(code === 'ar' ? 'rtl' : 'ltr');
      for (const key of KEYS) expect(t.t(key, SAMPLE), `${code} ${key}`).not.toMatch(/[{}]/);
    }
    expect(familyTranslator('ar').t('child.missed', { name: 'Maria', days: 2 })).toContain('يومان');
    expect(familyTranslator('es').t('child.missed', { name: 'Maria', days: 1 })).toBe(
      'En lo que va del año, Maria ha faltado 1 día a la escuela.',
    );
    expect(familyTranslator('en').t('child.missed', { name: 'Maria', days: 0 })).toBe(
      'Maria has missed no days of school so far this year.',
    );
    const missed = (code: LanguageCode, days: number) =>
      familyTranslator(code).t('child.missed', { name: 'Maria', days });
    expect([1, 2, 5, 21].map((days) => missed('ru', days))).toEqual([
      'В этом учебном году ваш ребёнок Maria уже пропустил 1 день занятий.',
      'В этом учебном году ваш ребёнок Maria уже пропустил 2 дня занятий.',
      'В этом учебном году ваш ребёнок Maria уже пропустил 5 дней занятий.',
      'В этом учебном году ваш ребёнок Maria уже пропустил 21 день занятий.',
    ]);
    expect(missed('uk', 3)).toBe('Цього навчального року ваша дитина Maria уже пропустила 3 дні занять.');
    expect(missed('fr', 0)).toBe("Depuis le début de l'année, Maria n'a manqué aucun jour d'école.");
    expect(missed('fr', 1)).toBe("Depuis le début de l'année, Maria a manqué 1 jour d'école.");
    expect(missed('pt', 2)).toBe('Até agora, neste ano letivo, Maria faltou 2 dias de aula.');
    expect(missed('zh-Hans', 0)).toBe('本学年到目前为止，Maria还没有缺过课。');
    expect(missed('ko', 8)).toBe('올해 지금까지 Maria 학생은 8일 결석했습니다.');
    expect(missed('tl', 0)).toBe('Ngayong taon ng pag-aaral, hindi pa lumiliban si Maria kahit isang araw.');
  });

  it('has its own catalogue for every family language', () => {
    expect([...PORTAL_LANGUAGES].sort()).toEqual([...CODES].sort());
    for (const code of CODES) {
      const t = familyTranslator(code);
      expect(t.translated, code).toBe(true);
      if (code !== 'en') expect(t.t('signIn.intro'), code).not.toBe(en['signIn.intro']);
    }
  });

  it('shows English for a language without a catalogue, or a key a catalogue lacks, and says so', () => {
    // A portal with only English and a partial Spanish catalogue.
    const partial = createTranslators<FamilyMessageKey>({ en, es: { 'nav.children': 'Mis hijos' } });
    const somali = partial('so');
    expect(somali.language).toBe('so');
    expect(somali.translated).toBe(false);
    expect(somali.t('nav.children')).toBe('My children');
    expect(somali.t('child.missed', { name: 'Maria', days: 1 })).toBe(
      'Maria has missed 1 day of school so far this year.',
    );
    const spanish = partial('es');
    expect(spanish.translated).toBe(true);
    expect(spanish.t('nav.children')).toBe('Mis hijos');
    expect(spanish.t('nav.help')).toBe('Get help');
    // A language Homeroom does not write in reads English.
    const german = familyTranslator('de');
    expect(german.language).toBe('en');
    expect(german.t('nav.children')).toBe('My children');
  });

  it("picks the browser's language among those offered, by preference", () => {
    expect(languageFromHeader('es-MX,es;q=0.9,en;q=0.5', ['en', 'es', 'ar'])).toBe('es');
    expect(languageFromHeader('de-DE,ar;q=0.8', ['en', 'es', 'ar'])).toBe('ar');
    expect(languageFromHeader('de-DE', ['en', 'es', 'ar'])).toBeUndefined();
    expect(languageFromHeader('zh-TW,zh;q=0.9,en;q=0.5', PORTAL_LANGUAGES)).toBe('zh-Hant');
    expect(languageFromHeader('fil-PH,en;q=0.5', PORTAL_LANGUAGES)).toBe('tl');
    expect(languageFromHeader(undefined, ['en'])).toBeUndefined();
  });
});
