import { describe, expect, it } from 'vitest';
import { smsSegments } from './sms-segments.ts';

// GSM 03.38 default alphabet, written out independently of the implementation.
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const EXTENSION = ['\f', '^', '{', '}', '\\', '[', '~', ']', '|', '€'];

describe('smsSegments', () => {
  it('counts an empty text as 0 segments', () => {
    expect(smsSegments('')).toEqual({
      encoding: 'GSM-7',
      characters: 0,
      segments: 0,
      perSegment: 160,
      nonGsmCharacters: [],
    });
  });

  it('fits 160 GSM-7 characters in one segment and splits 161 into two', () => {
    expect(smsSegments('a'.repeat(160))).toMatchObject({
      encoding: 'GSM-7',
      characters: 160,
      segments: 1,
      perSegment: 160,
    });
    expect(smsSegments('a'.repeat(161))).toMatchObject({ characters: 161, segments: 2, perSegment: 153 });
  });

  it('puts 153 GSM-7 characters in each part of a long message', () => {
    expect(smsSegments('a'.repeat(153 * 2)).segments).toBe(2);
    expect(smsSegments('a'.repeat(153 * 2 + 1)).segments).toBe(3);
    expect(smsSegments('a'.repeat(153 * 3)).segments).toBe(3);
    expect(smsSegments('a'.repeat(153 * 3 + 1)).segments).toBe(4);
  });

  it('fits 70 UCS-2 characters in one segment and splits 71 into two', () => {
    expect(smsSegments('ç'.repeat(70))).toMatchObject({
      encoding: 'UCS-2',
      characters: 70,
      segments: 1,
      perSegment: 70,
    });
    expect(smsSegments('ç'.repeat(71))).toMatchObject({ characters: 71, segments: 2, perSegment: 67 });
  });

  it('puts 67 UCS-2 code units in each part of a long message', () => {
    expect(smsSegments('ç'.repeat(67 * 2)).segments).toBe(2);
    expect(smsSegments('ç'.repeat(67 * 2 + 1)).segments).toBe(3);
    expect(smsSegments('我'.repeat(67 * 3)).segments).toBe(3);
  });

  it('counts each extension-table character as two septets', () => {
    for (const char of EXTENSION) {
      expect(smsSegments(char), JSON.stringify(char)).toMatchObject({
        encoding: 'GSM-7',
        characters: 2,
        segments: 1,
      });
    }
    expect(smsSegments('€'.repeat(80)).segments).toBe(1);
    expect(smsSegments('€'.repeat(81))).toMatchObject({ characters: 162, segments: 2 });
    expect(smsSegments(`Cost: 5€ [approx]`).characters).toBe(20);
  });

  it('never splits an extension character across two parts', () => {
    // 152 septets, then a two-septet "€" that cannot fit in the first part's last septet.
    const text = `${'a'.repeat(152)}€${'a'.repeat(10)}`;
    expect(smsSegments(text)).toMatchObject({ characters: 164, segments: 2 });
    // 306 septets: a naive ceil(306 / 153) says 2, but the "€" moves to the second part
    // and pushes the last septet into a third.
    const tight = `${'a'.repeat(152)}€${'a'.repeat(152)}`;
    expect(smsSegments(tight)).toMatchObject({ characters: 306, segments: 3 });
  });

  it('counts an emoji as a surrogate pair in UCS-2 and never splits it', () => {
    expect(smsSegments('😀')).toMatchObject({
      encoding: 'UCS-2',
      characters: 2,
      segments: 1,
      nonGsmCharacters: ['😀'],
    });
    expect(smsSegments('😀'.repeat(35)).segments).toBe(1);
    expect(smsSegments('😀'.repeat(36))).toMatchObject({ characters: 72, segments: 2 });
    // 66 code units, then an emoji that would straddle the 67-unit boundary.
    expect(smsSegments(`${'a'.repeat(66)}😀${'a'.repeat(10)}`)).toMatchObject({
      characters: 78,
      segments: 2,
    });
    expect(smsSegments(`${'a'.repeat(66)}😀${'a'.repeat(66)}`)).toMatchObject({
      characters: 134,
      segments: 3,
    });
  });

  it('switches a whole message to UCS-2 for one non-GSM character and lists it', () => {
    const text = `${'a'.repeat(100)}’s`;
    expect(smsSegments(text)).toMatchObject({
      encoding: 'UCS-2',
      characters: 102,
      segments: 2,
      nonGsmCharacters: ['’'],
    });
    expect(smsSegments('“Hi” — ok “again”').nonGsmCharacters).toEqual(['“', '”', '—']);
  });

  it('knows the exact GSM 03.38 basic table', () => {
    expect(BASIC).toHaveLength(127);
    for (const char of BASIC) {
      expect(smsSegments(char), JSON.stringify(char)).toMatchObject({ encoding: 'GSM-7', characters: 1 });
    }
  });

  it.each([
    ['ç', 'only the capital Ç is in the table'],
    ['á', 'Spanish acute a'],
    ['í', 'Spanish acute i'],
    ['ó', 'Spanish acute o'],
    ['ú', 'Spanish acute u'],
    ['ê', 'French circumflex'],
    ['Á', 'capital acute A'],
    ['È', 'only the lower-case è is in the table'],
    ['`', 'backtick'],
    ['’', 'curly apostrophe'],
    ['–', 'en dash'],
    ['\t', 'tab'],
    ['α', 'lower-case Greek'],
    ['\u00a0', 'no-break space'],
  ])('treats %j as outside GSM-7 (%s)', (char) => {
    expect(smsSegments(char)).toMatchObject({ encoding: 'UCS-2', nonGsmCharacters: [char] });
  });

  it('keeps ordinary English texts with £, ¥, §, Ñ and Ç in GSM-7', () => {
    expect(smsSegments('Ça coûte £5').encoding).toBe('UCS-2'); // û is not GSM
    expect(smsSegments('Ça va, £5 ¥3 §2 Ñ É Ü').encoding).toBe('GSM-7');
  });
});
