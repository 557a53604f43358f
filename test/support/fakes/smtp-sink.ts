/**
 * A real SMTP server for tests (the `smtp-server` package) on 127.0.0.1, without TLS, that
 * keeps every message it accepts and parses enough MIME to check what the app sent: the
 * envelope, the headers (lower-case names, unfolded, RFC 2047 words decoded), the subject,
 * and the text/plain and text/html parts of a multipart message (quoted-printable and base64
 * decoded). It can require AUTH PLAIN/LOGIN, refuse a recipient, or reject the next messages
 * at the end of DATA with a permanent (550, 552) or temporary (421, 451) reply.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export interface SinkMessage {
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
  readonly raw: string;
  /** Lower-case names, unfolded, encoded words decoded; the first of a repeated header. */
  readonly headers: ReadonlyMap<string, string>;
  readonly subject: string;
  /** The first text/plain part, transfer-decoded, charset-decoded, with '\n' line ends. */
  readonly text?: string;
  /** The first text/html part, decoded the same way. */
  readonly html?: string;
}

export type SinkRejection = 550 | 552 | 421 | 451;

const REJECTION_TEXT: Readonly<Record<SinkRejection, string>> = {
  550: 'Message rejected: mailbox unavailable',
  552: 'Message rejected: exceeded storage allocation',
  421: 'Service not available, closing transmission channel',
  451: 'Requested action aborted: local error in processing, try again later',
};

export class SmtpSink {
  readonly host = '127.0.0.1';
  readonly #server: SMTPServer;
  readonly #messages: SinkMessage[] = [];
  readonly #rejections: SinkRejection[] = [];
  readonly #recipientRejections = new Map<string, number>();
  #port = 0;

  private constructor(options: { user?: string; password?: string }) {
    const requireAuth = options.user !== undefined;
    this.#server = new SMTPServer({
      secure: false,
      name: 'smtp-sink.test',
      banner: 'Homeroom test sink',
      logger: false,
      disableReverseLookup: true,
      disabledCommands: requireAuth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      authOptional: !requireAuth,
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      closeTimeout: 200,
      onAuth: (auth, _session, callback) => {
        if (auth.username === options.user && auth.password === (options.password ?? '')) {
          callback(null, { user: auth.username });
          return;
        }
        callback(smtpError(535, 'Authentication credentials invalid'));
      },
      onRcptTo: (address, _session, callback) => {
        const code = this.#recipientRejections.get(address.address.toLowerCase());
        if (code === undefined) callback();
        else
          callback(
            smtpError(code, code >= 500 ? 'Recipient rejected: mailbox unavailable' : 'Recipient deferred'),
          );
      },
      onData: (stream, session, callback) => this.#receive(stream, session, callback),
    });
  }

  static async start(options: { user?: string; password?: string } = {}): Promise<SmtpSink> {
    const sink = new SmtpSink(options);
    await new Promise<void>((resolve, reject) => {
      sink.#server.once('error', reject);
      sink.#server.listen(0, sink.host, () => {
        sink.#server.off('error', reject);
        resolve();
      });
    });
    sink.#port = (sink.#server.server.address() as AddressInfo).port;
    return sink;
  }

  get port(): number {
    return this.#port;
  }

  /** Every message accepted (250 at the end of DATA), in order. */
  get messages(): readonly SinkMessage[] {
    return this.#messages;
  }

  /** The next `times` messages are refused at the end of DATA with `code` (421 also closes the connection). */
  rejectNext(code: SinkRejection, times = 1): void {
    for (let i = 0; i < times; i++) this.#rejections.push(code);
  }

  /** RCPT TO `address` is answered with `code` (e.g. 550) from now on. */
  rejectRecipient(address: string, code: number): void {
    this.#recipientRejections.set(address.toLowerCase(), code);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #receive(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    callback: (err?: Error | null, message?: string) => void,
  ): void {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', (error: Error) => callback(error));
    stream.on('end', () => {
      const code = this.#rejections.shift();
      if (code !== undefined) {
        callback(smtpError(code, REJECTION_TEXT[code]));
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const { mailFrom, rcptTo } = session.envelope;
      this.#messages.push({
        envelope: { from: mailFrom ? mailFrom.address : '', to: rcptTo.map((r) => r.address) },
        raw,
        ...parseMessage(raw),
      });
      callback(null, `OK: queued as ${session.id}`);
    });
  }
}

function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

// ---- A small MIME reader ----

interface Entity {
  headers: Map<string, string>;
  body: string;
}

/** The parsed parts of a message: its headers, subject, and first text/plain and text/html parts. */
function parseMessage(raw: string): Pick<SinkMessage, 'headers' | 'subject' | 'text' | 'html'> {
  const top = parseEntity(raw);
  const found: { text?: string; html?: string } = {};
  walk(top, found);
  return { headers: top.headers, subject: top.headers.get('subject') ?? '', ...found };
}

function parseEntity(raw: string): Entity {
  const split = /\r?\n\r?\n/.exec(raw);
  const head = split ? raw.slice(0, split.index) : raw;
  const body = split ? raw.slice(split.index + split[0].length) : '';
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, decodeWords(line.slice(colon + 1).trim()));
  }
  return { headers, body };
}

function walk(entity: Entity, found: { text?: string; html?: string }): void {
  const { type, params } = parseContentType(entity.headers.get('content-type') ?? 'text/plain');
  if (type.startsWith('multipart/') && params.boundary) {
    for (const part of splitMultipart(entity.body, params.boundary)) walk(parseEntity(part), found);
    return;
  }
  if (/^attachment/i.test(entity.headers.get('content-disposition') ?? '')) return;
  if (type !== 'text/plain' && type !== 'text/html') return;
  const key = type === 'text/plain' ? 'text' : 'html';
  if (found[key] !== undefined) return;
  const encoding = (entity.headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const charset = params.charset ?? 'utf-8';
  let content = entity.body;
  if (encoding === 'base64')
    content = decodeBytes(Buffer.from(content.replace(/\s+/g, ''), 'base64'), charset);
  else if (encoding === 'quoted-printable') content = decodeBytes(quotedPrintable(content), charset);
  // SMTP carries lines as CRLF; tests compare with the '\n' text the app composed.
  found[key] = content.replace(/\r\n/g, '\n');
}

function parseContentType(value: string): { type: string; params: Record<string, string> } {
  const [type = '', ...rest] = value.split(';');
  const params: Record<string, string> = {};
  const pattern = /;\s*([^=\s;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g;
  for (const match of `;${rest.join(';')}`.matchAll(pattern)) {
    const name = (match[1] ?? '').toLowerCase();
    const raw = (match[2] ?? '').trim();
    params[name] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
  }
  return { type: type.trim().toLowerCase(), params };
}

/** The body parts between `--boundary` lines, up to `--boundary--`. */
function splitMultipart(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const parts: string[] = [];
  let current: string[] | undefined;
  for (const line of body.split(/\r?\n/)) {
    const trimmed = line.trimEnd();
    if (trimmed === delimiter || trimmed === `${delimiter}--`) {
      if (current) parts.push(current.join('\r\n'));
      current = trimmed === delimiter ? [] : undefined;
      if (trimmed !== delimiter) break;
      continue;
    }
    current?.push(line);
  }
  return parts;
}

function quotedPrintable(text: string): Buffer {
  const unwrapped = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < unwrapped.length; i++) {
    const char = unwrapped[i] ?? '';
    const hex = unwrapped.slice(i + 1, i + 3);
    if (char === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(char, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

function decodeBytes(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

/** RFC 2047 encoded words (`=?UTF-8?Q?...?=`, `=?UTF-8?B?...?=`); adjacent words join without their spaces. */
function decodeWords(value: string): string {
  const word = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g;
  let out = '';
  let last = 0;
  let pending: { charset: string; bytes: Buffer[] } | undefined;
  const flush = (): void => {
    if (pending) out += decodeBytes(Buffer.concat(pending.bytes), pending.charset);
    pending = undefined;
  };
  for (const match of value.matchAll(word)) {
    const between = value.slice(last, match.index);
    if (!(pending && /^\s*$/.test(between))) {
      flush();
      out += between;
    }
    const charset = (match[1] ?? 'utf-8').split('*')[0] ?? 'utf-8';
    const text = match[3] ?? '';
    const bytes =
      (match[2] ?? '').toUpperCase() === 'B'
        ? Buffer.from(text, 'base64')
        : quotedPrintable(text.replaceAll('_', ' '));
    if (pending && pending.charset.toLowerCase() !== charset.toLowerCase()) flush();
    pending ??= { charset, bytes: [] };
    pending.bytes.push(bytes);
    last = match.index + match[0].length;
  }
  flush();
  return out + value.slice(last);
}
