import { describe, expect, it } from 'vitest';
import { checkTone } from './tone-check.ts';

describe('checkTone', () => {
  it.each([
    'truancy',
    'truant',
    'excessive absences',
    'failure to',
    'legal action',
    'court',
    'consequences',
    'you must',
    'your child has been skipping',
    'unacceptable',
    'in violation',
    'penalty',
    'will be reported',
  ])('flags "%s" with a reason and a partnership alternative', (phrase) => {
    const text = `Dear family, ${phrase} school this year.`;
    const flags = checkTone(text);
    expect(flags).toHaveLength(1);
    const [flag] = flags;
    expect(flag?.phrase).toBe(phrase);
    expect(flag?.start).toBe(13);
    expect(flag?.end).toBe(13 + phrase.length);
    expect(flag?.why.length).toBeGreaterThan(0);
    expect(flag?.suggestion.length).toBeGreaterThan(0);
  });

  it.each([
    'ausentismo escolar',
    'consecuencias legales',
    'debe',
    'inaceptable',
    'faltas excesivas',
    'acción legal',
    'tribunal',
    'será reportado',
    'sanciones',
  ])('flags the Spanish "%s"', (phrase) => {
    const text = `Estimada familia: ${phrase} hoy.`;
    const flags = checkTone(text, 'es');
    expect(flags.map((f) => f.phrase)).toEqual([phrase]);
    expect(text.slice(flags[0]?.start, flags[0]?.end)).toBe(phrase);
    expect(flags[0]?.suggestion.length).toBeGreaterThan(0);
  });

  it('finds nothing to flag in a well-written partnership message', () => {
    expect(
      checkTone(
        'We missed Maria at school today. Is everything okay? Maria has missed 8 days so far this year. ' +
          'We are here to help: reply to let us know, or call Ms. Rivera at (555) 010-2030.',
      ),
    ).toEqual([]);
    expect(
      checkTone(
        'Hoy extrañamos a María en la escuela. ¿Está todo bien? Responda y con gusto le ayudamos.',
        'es',
      ),
    ).toEqual([]);
  });

  it('returns exact positions for every match, in order', () => {
    const text = 'TRUANCY notice: you MUST come to Court. Unacceptable!';
    const flags = checkTone(text);
    expect(flags.map((f) => f.phrase)).toEqual(['TRUANCY', 'you MUST', 'Court', 'Unacceptable']);
    for (const flag of flags) expect(text.slice(flag.start, flag.end)).toBe(flag.phrase);
    expect(flags.map((f) => f.start)).toEqual([0, 16, 33, 40]);
  });

  it('matches whole words only', () => {
    expect(checkTone('Meet us in the courtyard. The courteous staff will help. Debemos ayudar.')).toEqual([]);
    expect(checkTone('Debemos ayudar y lo haremos con gusto.', 'es')).toEqual([]);
    expect(checkTone('The truants list')).toHaveLength(1);
  });

  it('prefers the longest phrase when phrases overlap', () => {
    const flags = checkTone('This is a matter for truancy court.');
    expect(flags.map((f) => f.phrase)).toEqual(['truancy court']);
    const spanish = checkTone('Habrá consecuencias legales.', 'es');
    expect(spanish.map((f) => f.phrase)).toEqual(['consecuencias legales']);
  });

  it('matches across line breaks and repeated spaces', () => {
    expect(checkTone('We may take legal\n  action.').map((f) => f.phrase)).toEqual(['legal\n  action']);
  });

  it('matches Spanish phrases typed without accents', () => {
    expect(checkTone('Tomaremos accion legal y habra una sancion.', 'es').map((f) => f.phrase)).toEqual([
      'accion legal',
      'sancion',
    ]);
  });

  it('uses the language tag to choose the phrase table', () => {
    expect(checkTone('Usted debe venir.', 'es-MX')).toHaveLength(1);
    expect(checkTone('Usted debe venir.', 'en')).toEqual([]);
    expect(checkTone('You must come.', 'vi')).toEqual([]);
  });
});
