/** Reading the Cookie header and writing Set-Cookie values (RFC 6265), for the few cookies we set. */

export interface CookieOptions {
  readonly path?: string;
  readonly httpOnly?: boolean;
  readonly secure?: boolean;
  readonly sameSite?: 'Strict' | 'Lax';
  /** Seconds until the browser forgets the cookie; 0 deletes it; unset, it lasts the browser session. */
  readonly maxAge?: number;
}

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const COOKIE_VALUE = /^[!#-+\--:<-[\]-~]*$/;

/**
 * The cookies of a Cookie header, by name. When a name repeats, the first one wins (browsers
 * send the most specific path first); malformed pairs are skipped, never thrown on.
 */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals < 0) continue;
    const name = pair.slice(0, equals).trim();
    let value = pair.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (!name || cookies.has(name)) continue;
    try {
      cookies.set(name, decodeURIComponent(value));
    } catch {
      cookies.set(name, value);
    }
  }
  return cookies;
}

/** A Set-Cookie header value; throws on a name or value a browser would misread. */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (!COOKIE_NAME.test(name)) throw new Error(`Cookie name ${JSON.stringify(name)} is not a valid token.`);
  const encoded = encodeURIComponent(value);
  if (!COOKIE_VALUE.test(encoded)) throw new Error(`Cookie value for ${name} is not valid.`);
  const parts = [`${name}=${encoded}`];
  if (options.maxAge !== undefined) parts.push(`Max-Age=${Math.floor(options.maxAge)}`);
  if (options.path) parts.push(`Path=${options.path}`);
  if (options.httpOnly) parts.push('HttpOnly');
  if (options.secure) parts.push('Secure');
  if (options.sameSite) parts.push(`SameSite=${options.sameSite}`);
  return parts.join('; ');
}
