/**
 * A streaming RFC 4180 CSV reader: quoted fields with commas, quotes and line breaks, CRLF
 * or LF line ends, a UTF-8 byte-order mark. Bytes are checked as UTF-8 as they arrive; a
 * file that is not UTF-8 (Windows-1252 exported by a SIS, say) is refused with the line of
 * the first bad byte, never decoded into garbled text.
 */
import { createReadStream } from 'node:fs';

export interface CsvRecord {
  /** The 1-based line on which the record starts (the header is line 1). */
  readonly line: number;
  readonly fields: string[];
}

/** A file-level problem: the file cannot be read past this point. */
export class CsvFileError extends Error {
  readonly file: string;
  readonly line: number | null;
  readonly column: string | null;
  readonly reason: string;

  constructor(file: string, line: number | null, column: string | null, reason: string) {
    super(`${file}${line === null ? '' : `, line ${line}`}${column ? `, column ${column}` : ''}: ${reason}`);
    this.file = file;
    this.line = line;
    this.column = column;
    this.reason = reason;
  }
}

/** The longest record accepted, in characters (a runaway quote or a hostile field stops here). */
export const MAX_RECORD_CHARS = 1_000_000;

/**
 * Offset of the first byte of `bytes` that cannot start or continue valid UTF-8, or -1.
 * A sequence cut off by the end of the buffer is not an error (the next chunk completes it).
 */
export function findInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    if (i + need >= bytes.length) {
      // Cut off by the end of the buffer: valid so far is enough.
      for (let k = 1; i + k < bytes.length; k += 1) if (((bytes[i + k] as number) & 0xc0) !== 0x80) return i;
      return -1;
    }
    let code = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k += 1) {
      const c = bytes[i + k] as number;
      if ((c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

function countLineFeeds(bytes: Uint8Array, end: number): number {
  let count = 0;
  for (let i = 0; i < end; i += 1) if (bytes[i] === 0x0a) count += 1;
  return count;
}

/** Decodes a byte stream as strict UTF-8, naming the line of the first invalid byte. */
async function* decodeUtf8(chunks: AsyncIterable<Uint8Array>, file: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let lineFeeds = 0;
  let carry: Uint8Array = new Uint8Array(0);
  for await (const chunk of chunks) {
    const bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    const bad = findInvalidUtf8(bytes);
    if (bad >= 0) {
      throw new CsvFileError(
        file,
        lineFeeds + countLineFeeds(bytes, bad) + 1,
        null,
        `the file is not UTF-8 (byte 0x${(bytes[bad] as number).toString(16).padStart(2, '0')} cannot start a UTF-8 character; Windows-1252 or Latin-1?). Save it as UTF-8 and import it again; nothing from this file was stored from this line on.`,
      );
    }
    // Keep an incomplete trailing sequence for the next chunk.
    let keep = 0;
    for (let k = 1; k <= 3 && k <= bytes.length; k += 1) {
      const b = bytes[bytes.length - k] as number;
      if ((b & 0xc0) === 0x80) continue;
      if (b >= 0xc0) {
        const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
        if (need > k) keep = k;
      }
      break;
    }
    const complete = keep > 0 ? bytes.subarray(0, bytes.length - keep) : bytes;
    carry = keep > 0 ? bytes.slice(bytes.length - keep) : new Uint8Array(0);
    lineFeeds += countLineFeeds(complete, complete.length);
    yield decoder.decode(complete, { stream: true });
  }
  if (carry.length > 0) {
    throw new CsvFileError(file, lineFeeds + 1, null, 'the file ends in the middle of a UTF-8 character.');
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/**
 * Parses CSV text chunks into records. Empty lines are skipped; a quote left open at the
 * end of the file is an error naming the line where the field began.
 */
export async function* parseCsv(texts: AsyncIterable<string>, file: string): AsyncGenerator<CsvRecord> {
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let quoteClosed = false; // just saw the closing quote of a quoted field
  let pendingQuote = false; // saw a quote inside quotes: closing, or the first of a doubled pair
  let pendingCr = false;
  let line = 1;
  let recordLine = 1;
  let quoteLine = 1;
  let recordChars = 0;
  let started = false; // the record has content (so an empty line is not a record)
  let first = true;

  const endRecord = (): CsvRecord | null => {
    fields.push(field);
    const record = started || fields.length > 1 || field !== '' ? { line: recordLine, fields } : null;
    fields = [];
    field = '';
    quoteClosed = false;
    started = false;
    recordChars = 0;
    return record;
  };

  for await (let text of texts) {
    if (first) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    for (let i = 0; i < text.length; i += 1) {
      const ch = text[i] as string;
      recordChars += 1;
      if (recordChars > MAX_RECORD_CHARS) {
        throw new CsvFileError(
          file,
          recordLine,
          null,
          `a record is longer than ${MAX_RECORD_CHARS.toLocaleString('en-US')} characters${inQuotes ? ` (a quote opened on line ${quoteLine} may never close)` : ''}.`,
        );
      }
      if (pendingQuote) {
        pendingQuote = false;
        if (ch === '"') {
          field += '"';
          continue;
        }
        inQuotes = false;
        quoteClosed = true;
      }
      if (inQuotes) {
        if (ch === '"') pendingQuote = true;
        else {
          if (ch === '\n') line += 1;
          field += ch;
        }
        continue;
      }
      if (pendingCr) {
        pendingCr = false;
        if (ch === '\n') continue;
      }
      if (ch === ',') {
        fields.push(field);
        field = '';
        quoteClosed = false;
        started = true;
      } else if (ch === '\n' || ch === '\r') {
        if (ch === '\r') pendingCr = true;
        const record = endRecord();
        if (record) yield record;
        line += 1;
        recordLine = line;
      } else if (ch === '"' && field === '' && !quoteClosed) {
        inQuotes = true;
        started = true;
        quoteLine = line;
      } else if (quoteClosed) {
        throw new CsvFileError(
          file,
          line,
          null,
          `text after the closing quote of a field (a quote inside a quoted field must be doubled: "").`,
        );
      } else {
        field += ch;
      }
    }
  }
  if (pendingQuote) {
    inQuotes = false;
    quoteClosed = true;
  }
  if (inQuotes) {
    throw new CsvFileError(
      file,
      quoteLine,
      null,
      'a quoted field opened on this line never closes (an unmatched " swallows every row after it; nothing after this line was read).',
    );
  }
  const record = endRecord();
  if (record) yield record;
}

/** Reads a CSV file as records, streaming (memory does not grow with the file). */
export function readCsvFile(path: string, file: string = path): AsyncGenerator<CsvRecord> {
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  return parseCsv(decodeUtf8(stream as AsyncIterable<Uint8Array>, file), file);
}

/** Parses CSV from bytes already in memory (tests, small files). */
export function readCsvBytes(
  bytes: Uint8Array,
  file: string,
  chunkSize = 64 * 1024,
): AsyncGenerator<CsvRecord> {
  async function* chunks() {
    for (let start = 0; start < bytes.length; start += chunkSize)
      yield bytes.subarray(start, start + chunkSize);
  }
  return parseCsv(decodeUtf8(chunks(), file), file);
}
