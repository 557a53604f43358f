/** The frame of every server-rendered page: language, title, the shared stylesheet, header and footer. */
import { html, type SafeHtml } from './html.ts';

export interface PageOptions {
  readonly title: string;
  readonly lang?: string;
  readonly dir?: 'ltr' | 'rtl';
  readonly main: SafeHtml;
  /** Same-origin scripts only (the Content-Security-Policy allows nothing else). */
  readonly scripts?: readonly string[];
  /** The signed-in staff member's navigation, on staff pages. */
  readonly nav?: {
    readonly displayName: string;
    readonly links: readonly { readonly href: string; readonly label: string; readonly current?: boolean }[];
  };
}

export function renderPage(options: PageOptions): string {
  return html`<!doctype html>
<html lang="${options.lang ?? 'en'}" dir="${options.dir ?? 'ltr'}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${options.title} · Homeroom</title>
  <link rel="stylesheet" href="/assets/home.css">
  ${(options.scripts ?? []).map((src) => html`<script type="module" src="${src}"></script>`)}
</head>
<body>
  <a class="skip" href="#main">Skip to content</a>
  <header class="${options.nav ? 'with-nav' : ''}">
    <p class="brand"><a href="/">Homeroom</a></p>
    ${
      options.nav
        ? html`<nav aria-label="Main">
      <ul>
        ${options.nav.links.map((link) => html`<li><a href="${link.href}"${link.current ? html` aria-current="page"` : ''}>${link.label}</a></li>`)}
      </ul>
      <form method="post" action="/sign-out" class="sign-out"><span>${options.nav.displayName}</span> <button type="submit">Sign out</button></form>
    </nav>`
        : ''
    }
  </header>
  <main id="main">
${options.main}
  </main>
</body>
</html>`.html;
}
