/**
 * How many SMS segments a text costs. A text that uses only the GSM 03.38 default alphabet
 * goes as GSM-7: 160 septets in one segment, 153 per part when concatenated (the user data
 * header takes 7); extension-table characters (€ [ ] { } ^ ~ | \ and form feed) take two
 * septets and are never split across parts. Any other character forces UCS-2: 70 UTF-16 code
 * units in one segment, 67 per part, and a surrogate pair (an emoji) is never split.
 * An empty text is 0 segments (nothing is sent), although a carrier would bill one.
 */

/** GSM 03.38 default alphabet, in table order (0x00-0x7F; 0x1B, the escape, omitted). */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** GSM 03.38 extension table: each is sent as escape + character, two septets. */
const GSM_EXTENSION = '\f^{}\\[~]|€';

const BASIC = new Set(GSM_BASIC);
const EXTENSION = new Set(GSM_EXTENSION);

export const GSM_SINGLE = 160;
export const GSM_PER_PART = 153;
export const UCS2_SINGLE = 70;
export const UCS2_PER_PART = 67;

export interface SmsSegments {
  encoding: 'GSM-7' | 'UCS-2';
  /** GSM-7 septets (extension characters count 2) or UCS-2 UTF-16 code units. */
  characters: number;
  segments: number;
  /** Capacity of each segment for this message: 160/153 (GSM-7) or 70/67 (UCS-2). */
  perSegment: number;
  /** Characters outside GSM-7 that force UCS-2, each once, in order of appearance. */
  nonGsmCharacters: string[];
}

/** Counts encoding, length and segments exactly as a GSM network splits the message. */
export function smsSegments(text: string): SmsSegments {
  const units: number[] = [];
  const nonGsm: string[] = [];
  for (const char of text) {
    if (BASIC.has(char)) units.push(1);
    else if (EXTENSION.has(char)) units.push(2);
    else if (!nonGsm.includes(char)) nonGsm.push(char);
  }
  if (nonGsm.length === 0) return split('GSM-7', units, GSM_SINGLE, GSM_PER_PART, nonGsm);
  // UCS-2 on the air is UTF-16: a character outside the BMP takes two code units.
  const ucs2 = Array.from(text, (char) => char.length);
  return split('UCS-2', ucs2, UCS2_SINGLE, UCS2_PER_PART, nonGsm);
}

function split(
  encoding: SmsSegments['encoding'],
  units: readonly number[],
  single: number,
  perPart: number,
  nonGsmCharacters: string[],
): SmsSegments {
  const characters = units.reduce((sum, n) => sum + n, 0);
  if (characters <= single) {
    return { encoding, characters, segments: characters === 0 ? 0 : 1, perSegment: single, nonGsmCharacters };
  }
  let segments = 1;
  let used = 0;
  for (const n of units) {
    if (used + n > perPart) {
      segments += 1;
      used = 0;
    }
    used += n;
  }
  return { encoding, characters, segments, perSegment: perPart, nonGsmCharacters };
}
