/** The frame of every server-rendered page: language, title, the shared stylesheet, header and footer. */
import type { FastifyReply } from 'fastify';
import { html, type SafeHtml } from './html.ts';

export interface PageOptions {
  readonly title: string;
  readonly lang?: string;
  readonly dir?: 'ltr' | 'rtl';
  readonly main: SafeHtml;
  /** Same-origin scripts only (the Content-Security-Policy allows nothing else). */
  readonly scripts?: readonly string[];
  /** The signed-in person's navigation: staff pages, or the family portal's. */
  readonly nav?: {
    readonly displayName: string;
    readonly links: readonly { readonly href: string; readonly label: string; readonly current?: boolean }[];
    /** Defaults to the staff sign-out. */
    readonly signOut?: { readonly action: string; readonly label: string };
    readonly label?: string;
  };
  /** In the page's language (the family portal); English otherwise. */
  readonly skipLabel?: string;
  /** Shown in the header after the navigation (the family portal's language switcher). */
  readonly headerExtra?: SafeHtml;
  /** The stylesheets after the shared one. */
  readonly stylesheets?: readonly string[];
  /** A web app manifest, making the pages installable on a phone's home screen. */
  readonly manifest?: string;
}

export function renderPage(options: PageOptions): string {
  return html`<!doctype html>
<html lang="${options.lang ?? 'en'}" dir="${options.dir ?? 'ltr'}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${options.title} · Homeroom</title>
  <link rel="stylesheet" href="/assets/home.css">
  ${(options.stylesheets ?? []).map((href) => html`<link rel="stylesheet" href="${href}">`)}
  ${options.manifest ? html`<link rel="manifest" href="${options.manifest}"><meta name="theme-color" content="#0b5fad"><link rel="icon" href="/assets/icon.svg" type="image/svg+xml">` : ''}
  ${(options.scripts ?? []).map((src) => html`<script type="module" src="${src}"></script>`)}
</head>
<body>
  <a class="skip" href="#main">${options.skipLabel ?? 'Skip to content'}</a>
  <header class="${options.nav ? 'with-nav' : ''}">
    <p class="brand"><a href="/">Homeroom</a></p>
    ${
      options.nav
        ? html`<nav aria-label="${options.nav.label ?? 'Main'}">
      <ul>
        ${options.nav.links.map((link) => html`<li><a href="${link.href}"${link.current ? html` aria-current="page"` : ''}>${link.label}</a></li>`)}
      </ul>
      <form method="post" action="${options.nav.signOut?.action ?? '/sign-out'}" class="sign-out"><span>${options.nav.displayName}</span> <button type="submit">${options.nav.signOut?.label ?? 'Sign out'}</button></form>
    </nav>`
        : ''
    }
    ${options.headerExtra ?? ''}
  </header>
  <main id="main">
${options.main}
  </main>
</body>
</html>`.html;
}

/** Redirects after a form post, with a notice for the next page (Post/Redirect/Get). */
export function redirectWithNotice(reply: FastifyReply, path: string, notice: string): FastifyReply {
  const separator = path.includes('?') ? '&' : '?';
  return reply.redirect(`${path}${separator}notice=${encodeURIComponent(notice)}`, 303);
}
