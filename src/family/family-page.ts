/**
 * The frame of the family portal's pages: the reader's language and direction (Arabic right to
 * left), a header with the family menu and a language switcher, a one-line notice after a form
 * was sent, and the page. Pages are HTML rendered on the server with no script at all, so they
 * load in one round trip on a slow 3G connection and work on any phone browser
 * (docs/decisions/0011).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LANGUAGES, type LanguageCode } from '../messaging/content/languages.ts';
import { parseCookies, serializeCookie } from '../platform/http/cookies.ts';
import { html, type SafeHtml } from '../platform/http/html.ts';
import { renderPage } from '../platform/http/page.ts';

export { redirectWithNotice } from '../platform/http/page.ts';

import { createTranslators, languageFromHeader, type Translator } from '../platform/i18n/translator.ts';
import type { FamilyPrincipal } from './family-auth.service.ts';
import { ar } from './i18n/ar.ts';
import { en, type FamilyMessageKey } from './i18n/en.ts';
import { es } from './i18n/es.ts';
import { fr } from './i18n/fr.ts';
import { ht } from './i18n/ht.ts';
import { ko } from './i18n/ko.ts';
import { pt } from './i18n/pt.ts';
import { ru } from './i18n/ru.ts';
import { so } from './i18n/so.ts';
import { tl } from './i18n/tl.ts';
import { uk } from './i18n/uk.ts';
import { vi } from './i18n/vi.ts';
import { zhHans } from './i18n/zh-Hans.ts';
import { zhHant } from './i18n/zh-Hant.ts';

export type FamilyTranslator = Translator<FamilyMessageKey>;

/**
 * The portal's own catalogues, one for each of the 14 family languages. A language without one
 * (or a key a catalogue lacks) would show the English text.
 */
export const FAMILY_CATALOGUES: Readonly<Record<LanguageCode, Readonly<Record<FamilyMessageKey, string>>>> = {
  en,
  es,
  'zh-Hans': zhHans,
  'zh-Hant': zhHant,
  vi,
  ar,
  ht,
  so,
  pt,
  ru,
  tl,
  ko,
  fr,
  uk,
};
export const familyTranslator = createTranslators<FamilyMessageKey>(FAMILY_CATALOGUES);
export const PORTAL_LANGUAGES = Object.keys(FAMILY_CATALOGUES) as LanguageCode[];

/** The language cookie: remembered on the device before and after signing in (a year). */
export const LANGUAGE_COOKIE = 'homeroom_lang';
const OFFERED = LANGUAGES.map((language) => language.code as string);

/**
 * The reader's language: one just chosen (`?lang=`), then the session's, the device's cookie,
 * the guardian's preferred language on file, the browser's, and English.
 */
export function familyLanguage(request: FastifyRequest, principal?: FamilyPrincipal): string {
  const query = (request.query as { lang?: unknown } | undefined)?.lang;
  if (typeof query === 'string' && OFFERED.includes(query)) return query;
  if (principal?.language && OFFERED.includes(principal.language)) return principal.language;
  const cookie = parseCookies(request.headers.cookie).get(LANGUAGE_COOKIE);
  if (cookie && OFFERED.includes(cookie)) return cookie;
  const onFile = principal?.guardians[0]?.preferredLanguage;
  if (onFile && OFFERED.includes(onFile)) return onFile;
  return languageFromHeader(request.headers['accept-language'], OFFERED) ?? 'en';
}

/**
 * The language this device asked for (chosen on the page, remembered in its cookie, or its
 * browser's), or undefined when it said nothing: then the guardian's own language decides.
 */
export function deviceLanguage(request: FastifyRequest): string | undefined {
  const query = (request.query as { lang?: unknown } | undefined)?.lang;
  if (typeof query === 'string' && OFFERED.includes(query)) return query;
  const cookie = parseCookies(request.headers.cookie).get(LANGUAGE_COOKIE);
  if (cookie && OFFERED.includes(cookie)) return cookie;
  return languageFromHeader(request.headers['accept-language'], OFFERED);
}

export function rememberLanguage(reply: FastifyReply, language: string, secure: boolean): void {
  reply.header(
    'set-cookie',
    serializeCookie(LANGUAGE_COOKIE, language, {
      path: '/',
      httpOnly: true,
      secure,
      sameSite: 'Lax',
      maxAge: 365 * 24 * 60 * 60,
    }),
  );
}

export type FamilySection = 'children' | 'messages' | 'help' | 'settings';

function languageSwitcher(t: FamilyTranslator, path: string): SafeHtml {
  return html`<form method="get" action="${path}" class="language">
    <label for="lang">${t.t('language.label')}</label>
    <select id="lang" name="lang">${LANGUAGES.map(
      (language) =>
        html`<option value="${language.code}" lang="${language.code}"${language.code === t.language ? html` selected` : ''}>${language.nativeName}</option>`,
    )}</select>
    <button type="submit">${t.t('language.change')}</button>
  </form>`;
}

/** Sends a portal page in the reader's language. */
export function sendFamilyPage(
  reply: FastifyReply,
  options: {
    readonly t: FamilyTranslator;
    readonly title: string;
    readonly main: SafeHtml;
    /** The page's own path (the language switcher comes back to it). */
    readonly path: string;
    readonly principal?: FamilyPrincipal;
    readonly current?: FamilySection;
    readonly notice?: string | undefined;
    readonly status?: number;
  },
): FastifyReply {
  const { t } = options;
  const links: { href: string; label: string; section: FamilySection }[] = [
    { href: '/family', label: t.t('nav.children'), section: 'children' },
    { href: '/family/messages', label: t.t('nav.messages'), section: 'messages' },
    { href: '/family/help', label: t.t('nav.help'), section: 'help' },
    { href: '/family/settings', label: t.t('nav.settings'), section: 'settings' },
  ];
  const guardian = options.principal?.guardians[0];
  const main = html`${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ''}${options.main}`;
  return reply
    .status(options.status ?? 200)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-language', t.language)
    .send(
      renderPage({
        title: options.title,
        lang: t.language,
        dir: t.direction,
        skipLabel: t.t('app.skip'),
        main,
        stylesheets: ['/assets/family.css'],
        manifest: '/family/manifest.webmanifest',
        headerExtra: languageSwitcher(t, options.path),
        ...(guardian
          ? {
              nav: {
                label: t.t('nav.label'),
                displayName: guardian.firstName,
                signOut: { action: '/family/sign-out', label: t.t('nav.signOut') },
                links: links.map(({ section, ...link }) => ({
                  ...link,
                  current: section === options.current,
                })),
              },
            }
          : {}),
      }),
    );
}
