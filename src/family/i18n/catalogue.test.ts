/**
 * The portal's catalogues: Spanish and Arabic have every English key with exactly the English
 * variables, each plural has the categories of its language's rules, every text renders, and a
 * language without a catalogue falls back to English key by key.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { getLanguage } from '../../messaging/content/languages.ts';
import { type Ast, collectVariables, type VariableKind } from '../../platform/i18n/message-variables.ts';
import { languageFromHeader } from '../../platform/i18n/translator.ts';
import { familyTranslator } from '../family-page.ts';
import { ar } from './ar.ts';
import { en, type FamilyMessageKey } from './en.ts';
import { es } from './es.ts';

const CATALOGUES = { en, es, ar } as const;
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
};

describe('family portal catalogues', () => {
  it('has every English key, and no other, in Spanish and Arabic, with the same variables', () => {
    for (const [code, catalogue] of Object.entries(CATALOGUES)) {
      expect(Object.keys(catalogue).sort(), code).toEqual([...KEYS].sort());
      const locale = getLanguage(code as 'en').intlLocale;
      for (const key of KEYS) {
        expect(variablesOf(catalogue[key], locale), `${code} ${key}`).toEqual(variablesOf(en[key], 'en'));
      }
    }
  });

  it("gives every plural the categories of the language's rules that whole numbers reach, and no others", () => {
    for (const [code, catalogue] of Object.entries(CATALOGUES)) {
      const rules = new Intl.PluralRules(getLanguage(code as 'en').intlLocale);
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
    for (const code of ['en', 'es', 'ar'] as const) {
      const t = familyTranslator(code);
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
  });

  it('shows English for a family language the portal has no catalogue for, and says so', () => {
    const t = familyTranslator('so');
    expect(t.language).toBe('so');
    expect(t.translated).toBe(false);
    expect(t.t('nav.children')).toBe('My children');
    expect(familyTranslator('es').translated).toBe(true);
  });

  it("picks the browser's language among those offered, by preference", () => {
    expect(languageFromHeader('es-MX,es;q=0.9,en;q=0.5', ['en', 'es', 'ar'])).toBe('es');
    expect(languageFromHeader('de-DE,ar;q=0.8', ['en', 'es', 'ar'])).toBe('ar');
    expect(languageFromHeader('de-DE', ['en', 'es', 'ar'])).toBeUndefined();
    expect(languageFromHeader(undefined, ['en'])).toBeUndefined();
  });
});
