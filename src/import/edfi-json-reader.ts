/**
 * A streaming reader for Ed-Fi ODS/API resource files: a JSON array of resources as the API
 * returns them (minified or pretty-printed; several arrays back to back, as paged downloads
 * are often saved), or NDJSON (one resource a line). Resources are split out one at a time,
 * so memory holds one resource, not the file. A malformed resource is yielded as a problem
 * and reading goes on with the next one: a missing "}" is cut at the next resource's "{", and
 * a string left open is closed at the end of its line (pretty-printed and one-per-line files
 * recover there; in a minified one-line array it takes the rest of the line with it).
 */
import { createReadStream } from 'node:fs';
import { CsvFileError, findInvalidUtf8 } from './csv-reader.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export type JsonObject = { [key: string]: JsonValue };

/** A file-level problem in an Ed-Fi file: it cannot be read past this point. */
export class EdFiFileError extends CsvFileError {}

/**
 * One resource of a file. `position` is its 1-based index in the array, or for NDJSON its
 * 1-based line; `line` is the line where it starts; `excerpt` the start of its JSON (up to
 * EXCERPT_CHARS, whitespace collapsed) for error reports.
 */
export type JsonResource =
  | { readonly position: number; readonly line: number; readonly excerpt: string; readonly value: JsonObject }
  | { readonly position: number; readonly line: number; readonly excerpt: string; readonly problem: string };

export const EXCERPT_CHARS = 500;

/** The longest resource accepted, in characters (a runaway string or a hostile field stops here). */
export const MAX_RESOURCE_CHARS = 1_000_000;

const isWhitespace = (ch: string) =>
  ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t' || ch === '\uFEFF';

type Mode = 'start' | 'expect' | 'element' | 'after' | 'recover' | 'done' | 'ndjson';

interface Pending {
  readonly position: number;
  readonly line: number;
  text: string;
  problem: string | null;
}

function excerptOf(text: string): string {
  return text
    .slice(0, EXCERPT_CHARS * 4)
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, EXCERPT_CHARS);
}

/** Parses one resource's text into a JSON object, or says why it cannot. */
function toResource(pending: Pending): JsonResource {
  const base = { position: pending.position, line: pending.line, excerpt: excerptOf(pending.text) };
  if (pending.problem) return { ...base, problem: pending.problem };
  let value: unknown;
  try {
    value = JSON.parse(pending.text);
  } catch (error) {
    return { ...base, problem: `malformed JSON: ${error instanceof Error ? error.message : String(error)}.` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ...base, problem: 'the resource is not a JSON object.' };
  return { ...base, value: value as JsonObject };
}

/**
 * Splits JSON text, fed in chunks, into resources. `push` returns the resources that ended in
 * the chunk; `end` the rest. Throws EdFiFileError when the file is neither a JSON array nor
 * NDJSON, or a resource is longer than MAX_RESOURCE_CHARS.
 */
export class ResourceSplitter {
  readonly #file: string;
  #mode: Mode = 'start';
  #line = 1;
  #column = 0;
  #atLineStart = true;
  #position = 0;
  // The resource being read: its pieces from earlier chunks and where it began in this one.
  #current: Pending | null = null;
  #parts: string[] = [];
  #partsLength = 0;
  #segmentStart = 0;
  #startColumn = 0;
  #stack: string[] = [];
  #inString = false;
  #escape = false;
  #expectKey = false;
  // A complete resource waiting for its "," or "]" (text after it may still spoil it).
  #held: Pending | null = null;
  #out: JsonResource[] = [];

  constructor(file: string) {
    this.#file = file;
  }

  /** The line being read (for messages about the file). */
  get line(): number {
    return this.#line;
  }

  push(text: string): JsonResource[] {
    this.#segmentStart = 0;
    for (let i = 0; i < text.length; i += 1) {
      if (this.#mode === 'ndjson') {
        // NDJSON: only line breaks matter; the rest of a line is its resource.
        const newline = text.indexOf('\n', i);
        if (newline < 0) break;
        i = newline;
      } else if (this.#inString && !this.#escape && this.#mode === 'element') {
        // Inside a string only a quote, a backslash or a line break matters: skip to the next.
        let next = i;
        while (next < text.length) {
          const code = text.charCodeAt(next);
          if (code === 0x22 || code === 0x5c || code === 0x0a) break;
          next += 1;
        }
        this.#column += next - i;
        i = next;
        if (i >= text.length) break;
      }
      const ch = text[i] as string;
      this.#step(ch, text, i);
      if (ch === '\n') {
        this.#line += 1;
        this.#column = 0;
        this.#atLineStart = true;
      } else {
        this.#column += 1;
        if (!isWhitespace(ch)) this.#atLineStart = false;
      }
    }
    if (this.#current) {
      this.#parts.push(text.slice(this.#segmentStart));
      this.#partsLength += text.length - this.#segmentStart;
      this.#checkLength();
    }
    return this.#drain();
  }

  end(): JsonResource[] {
    switch (this.#mode) {
      case 'element':
      case 'ndjson':
        if (this.#current) {
          const text = this.#parts.join('');
          this.#parts = [];
          if (this.#mode === 'ndjson') {
            if (text.trim() !== '') this.#emit({ ...this.#current, text });
          } else {
            this.#emit({
              ...this.#current,
              text,
              problem:
                this.#current.problem ??
                'the file ends inside this resource (a string or a bracket opened in it never closes); nothing after it could be read.',
            });
          }
          this.#current = null;
        }
        break;
      case 'recover':
        this.#releaseHeld();
        break;
      case 'after':
      case 'expect':
        this.#releaseHeld();
        this.#emit({
          position: this.#position + 1,
          line: this.#line,
          text: '',
          problem: 'the file ends before the closing "]" of the array: it may be truncated.',
        });
        break;
      case 'start':
      case 'done':
        break;
    }
    return this.#drain();
  }

  #drain(): JsonResource[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }

  #emit(pending: Pending): void {
    this.#out.push(toResource(pending));
  }

  #checkLength(): void {
    if (this.#partsLength > MAX_RESOURCE_CHARS)
      throw new EdFiFileError(
        this.#file,
        this.#current?.line ?? this.#line,
        null,
        `a resource is longer than ${MAX_RESOURCE_CHARS.toLocaleString('en-US')} characters (a string or a bracket opened in it may never close); nothing from this point on was read.`,
      );
  }

  /** Starts a resource at text[i]. */
  #begin(i: number, problem: string | null = null): void {
    this.#position += 1;
    this.#current = { position: this.#position, line: this.#line, text: '', problem };
    this.#parts = [];
    this.#partsLength = 0;
    this.#segmentStart = i;
    this.#startColumn = this.#column;
    this.#stack = [];
    this.#inString = false;
    this.#escape = false;
    this.#expectKey = false;
  }

  /** Ends the current resource before text[end]; returns it. */
  #finish(text: string, end: number): Pending {
    const current = this.#current as Pending;
    const piece = text.slice(this.#segmentStart, end);
    this.#partsLength += piece.length;
    this.#checkLength();
    current.text = this.#parts.join('') + piece;
    this.#parts = [];
    this.#partsLength = 0;
    this.#current = null;
    return current;
  }

  /** Starts a resource at text[i] (its first character, ch) and reads that character into it. */
  #startResource(ch: string, text: string, i: number, problem: string | null = null): void {
    this.#begin(i, problem);
    this.#mode = 'element';
    this.#elementStep(ch, text, i);
  }

  /** Emits the resource waiting for its separator, if any. */
  #releaseHeld(): void {
    if (this.#held) this.#emit(this.#held);
    this.#held = null;
  }

  #step(ch: string, text: string, i: number): void {
    switch (this.#mode) {
      case 'start':
        if (isWhitespace(ch)) return;
        if (ch === '[') this.#mode = 'expect';
        else if (ch === '{') {
          this.#mode = 'ndjson';
          this.#beginLine(i);
        } else
          throw new EdFiFileError(
            this.#file,
            this.#line,
            null,
            `the file is neither a JSON array of resources nor NDJSON (it starts with "${ch}").`,
          );
        return;
      case 'ndjson':
        this.#ndjsonStep(ch, text, i);
        return;
      case 'expect':
        if (isWhitespace(ch) || ch === ',') return; // a stray comma costs nothing
        if (ch === ']') {
          this.#mode = 'done';
          return;
        }
        this.#startResource(ch, text, i);
        return;
      case 'after':
        if (isWhitespace(ch)) return;
        if (ch === ',') {
          this.#releaseHeld();
          this.#mode = 'expect';
        } else if (ch === ']') {
          this.#releaseHeld();
          this.#mode = 'done';
        } else if (ch === '{') {
          // A missing comma between two resources: both are whole, so both are read.
          this.#releaseHeld();
          this.#startResource(ch, text, i);
        } else {
          // Text after a resource spoils it: it is read on to the next separator and rejected.
          const held = this.#held as Pending;
          this.#held = null;
          this.#current = { ...held, problem: held.problem ?? `unexpected text "${ch}" after the resource.` };
          this.#parts = [held.text];
          this.#partsLength = held.text.length;
          this.#segmentStart = i;
          this.#stack = [];
          this.#inString = false;
          this.#mode = 'element';
          this.#elementStep(ch, text, i);
        }
        return;
      case 'recover':
        this.#recoverStep(ch, text, i);
        return;
      case 'done':
        if (isWhitespace(ch)) return;
        if (ch === '[') {
          this.#mode = 'expect';
          return;
        }
        this.#startResource(ch, text, i, 'unexpected text after the closing "]" of the array.');
        return;
      case 'element':
        this.#elementStep(ch, text, i);
        return;
    }
  }

  #elementStep(ch: string, text: string, i: number): void {
    const current = this.#current as Pending;
    if (this.#inString) {
      if (this.#escape) this.#escape = false;
      else if (ch === '\\') this.#escape = true;
      else if (ch === '"') this.#inString = false;
      else if (ch === '\n') {
        // JSON strings cannot hold a line break: the string was never closed. Cut the resource
        // here and skip to where the next one starts (see #recoverStep).
        current.problem ??= `a string opened on line ${this.#line} is not closed before the end of the line.`;
        this.#held = this.#finish(text, i);
        this.#inString = false;
        this.#mode = 'recover';
      }
      return;
    }
    const top = this.#stack[this.#stack.length - 1];
    switch (ch) {
      case '"':
        this.#inString = true;
        this.#expectKey = false;
        return;
      case '{':
        if (top === '{' && this.#expectKey) {
          // An object cannot start where a key is expected: the resource lacks its "}" and
          // the next resource starts here.
          current.problem ??= 'the resource is not closed (a "}" is missing before the next resource).';
          this.#emit(this.#finish(text, i));
          this.#begin(i);
        }
        this.#stack.push('{');
        this.#expectKey = true;
        return;
      case '[':
        this.#stack.push('[');
        this.#expectKey = false;
        return;
      case '}':
      case ']': {
        if (top === undefined) {
          if (ch === ']') {
            this.#emit(this.#finish(text, i));
            this.#mode = 'done';
          } else current.problem ??= 'an unexpected "}".';
          return;
        }
        this.#stack.pop();
        if ((top === '{') !== (ch === '}')) current.problem ??= `a "${ch}" closes a "${top}".`;
        this.#expectKey = false;
        if (this.#stack.length === 0) {
          this.#held = this.#finish(text, i + 1);
          this.#mode = 'after';
        }
        return;
      }
      case ',':
        if (top === undefined) {
          this.#emit(this.#finish(text, i));
          this.#mode = 'expect';
        } else if (top === '{') this.#expectKey = true;
        return;
      case ':':
        this.#expectKey = false;
        return;
      default:
        if (!isWhitespace(ch)) this.#expectKey = false;
    }
  }

  /**
   * After a string left open: skip lines until one starts a resource at (or left of) the
   * column where the broken one started, closes it at that column, or ends the array.
   */
  #recoverStep(ch: string, text: string, i: number): void {
    if (!this.#atLineStart || isWhitespace(ch)) return;
    if (ch === '{' && this.#column <= this.#startColumn) {
      this.#releaseHeld();
      this.#startResource(ch, text, i);
    } else if (ch === '}' && this.#column === this.#startColumn) {
      this.#mode = 'after';
    } else if (ch === ']' && this.#column < this.#startColumn) {
      this.#releaseHeld();
      this.#mode = 'done';
    }
  }

  #beginLine(i: number): void {
    this.#current = { position: this.#line, line: this.#line, text: '', problem: null };
    this.#parts = [];
    this.#partsLength = 0;
    this.#segmentStart = i;
  }

  #ndjsonStep(ch: string, text: string, i: number): void {
    if (!this.#current) this.#beginLine(i);
    if (ch !== '\n') return;
    const pending = this.#finish(text, i);
    if (pending.text.trim() !== '') this.#emit(pending);
    // The next line starts after this line feed (the caller moves #line on).
    this.#current = { position: this.#line + 1, line: this.#line + 1, text: '', problem: null };
    this.#segmentStart = i + 1;
  }
}

/** Splits resources from text chunks already in memory (tests, small files). */
export async function* splitResources(chunks: Iterable<string>, file: string): AsyncGenerator<JsonResource> {
  const splitter = new ResourceSplitter(file);
  for (const chunk of chunks) yield* splitter.push(chunk);
  yield* splitter.end();
}

/**
 * Reads an Ed-Fi resource file as resources, streaming. The file must be UTF-8 (a byte-order
 * mark is dropped); a byte that is not stops the read with the line where it is.
 */
export async function* readResourceFile(path: string, file: string = path): AsyncGenerator<JsonResource> {
  const splitter = new ResourceSplitter(file);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  for await (const chunk of stream as AsyncIterable<Uint8Array>) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      const bad = Math.max(0, findInvalidUtf8(chunk));
      let lines = 0;
      for (let k = 0; k < bad; k += 1) if (chunk[k] === 0x0a) lines += 1;
      throw new EdFiFileError(
        file,
        splitter.line + lines,
        null,
        `the file is not UTF-8 (byte 0x${(chunk[bad] ?? 0).toString(16).padStart(2, '0')}; Windows-1252 or Latin-1?). Save it as UTF-8 and import it again; nothing from this file was stored from this line on.`,
      );
    }
    yield* splitter.push(text);
  }
  let rest: string;
  try {
    rest = decoder.decode();
  } catch {
    throw new EdFiFileError(file, splitter.line, null, 'the file ends in the middle of a UTF-8 character.');
  }
  if (rest) yield* splitter.push(rest);
  yield* splitter.end();
}
