/**
 * The staff sign-in page: a form that posts to POST /api/session (with its throttle and
 * audit) from a small same-origin script, then returns to the page that asked for it.
 */
import { readFileSync } from 'node:fs';
import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../platform/db/connection.ts';
import { clearSessionCookie, readSessionToken } from '../platform/http/auth.ts';
import { html } from '../platform/http/html.ts';
import { renderPage } from '../platform/http/page.ts';
import { signOut } from './session.service.ts';

const script = readFileSync(new URL('./sign-in.js', import.meta.url), 'utf8');

/** Only paths on this server: never an open redirect. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/dashboard';
}

export function registerSignInPage(app: FastifyInstance, database: Database): void {
  // Sign out from a page: a form post (no JavaScript needed), then back to the sign-in page.
  app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: 1024 });
    scope.post('/sign-out', { config: { access: 'public' } }, async (request, reply) => {
      const token = readSessionToken(request);
      if (token) await signOut(database.db, token, { ip: request.ip });
      clearSessionCookie(request, reply);
      return reply.redirect('/sign-in', 303);
    });
  });

  app.get<{ Querystring: { next?: string } }>(
    '/sign-in',
    { config: { access: 'public' } },
    async (request, reply) => {
      const next = safeNext(request.query.next);
      const main = html`<h1>Sign in</h1>
    <form class="stack" id="sign-in" data-next="${next}" novalidate>
      <label for="email">Email</label>
      <input id="email" name="email" type="email" autocomplete="username" required>
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required>
      <p id="sign-in-error" class="error" role="alert" aria-live="assertive"></p>
      <button type="submit">Sign in</button>
    </form>`;
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(renderPage({ title: 'Sign in', main, scripts: ['/assets/sign-in.js'] }));
    },
  );
  app.get('/assets/sign-in.js', { config: { access: 'public' } }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(script),
  );
}
