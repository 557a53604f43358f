/** The frame of every server-rendered page: language, title, the shared stylesheet, header and footer. */
import { html, type SafeHtml } from './html.ts';

export interface PageOptions {
  readonly title: string;
  readonly lang?: string;
  readonly dir?: 'ltr' | 'rtl';
  readonly main: SafeHtml;
  /** Same-origin scripts only (the Content-Security-Policy allows nothing else). */
  readonly scripts?: readonly string[];
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
  <header>
    <p class="brand"><a href="/">Homeroom</a></p>
  </header>
  <main>
${options.main}
  </main>
</body>
</html>`.html;
}
