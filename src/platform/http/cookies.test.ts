import { describe, expect, it } from 'vitest';
import { parseCookies, serializeCookie } from './cookies.ts';

describe('cookies', () => {
  it('reads every cookie of a Cookie header, the first of a repeated name, skipping malformed pairs', () => {
    const cookies = parseCookies(
      'a=1; homeroom_session=abc.def; broken; b="quoted"; a=2; c=%E2%9C%93; d=%E2',
    );
    expect(Object.fromEntries(cookies)).toEqual({
      a: '1',
      homeroom_session: 'abc.def',
      b: 'quoted',
      c: '✓',
      d: '%E2',
    });
    expect(parseCookies(undefined).size).toBe(0);
    expect(parseCookies('').size).toBe(0);
    expect(parseCookies('=value; x=').get('x')).toBe('');
  });

  it('writes Set-Cookie values with their attributes', () => {
    expect(serializeCookie('s', 'a.b', { path: '/', httpOnly: true, secure: true, sameSite: 'Lax' })).toBe(
      's=a.b; Path=/; HttpOnly; Secure; SameSite=Lax',
    );
    expect(serializeCookie('s', '', { path: '/', maxAge: 0 })).toBe('s=; Max-Age=0; Path=/');
    expect(serializeCookie('s', 'a b;c')).toBe('s=a%20b%3Bc');
    expect(() => serializeCookie('bad name', 'x')).toThrow(/not a valid token/);
  });
});
