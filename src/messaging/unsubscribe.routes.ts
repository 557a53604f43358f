/**
 * Email unsubscribe (RFC 8058): every email that is not a same-day alert carries
 * List-Unsubscribe with this page's address and List-Unsubscribe-Post, so a mail client's
 * one-click POST opts the contact out of email at once. The token is the message's random
 * unsubscribe_token (unguessable, and naming no one). GET shows a page with a button, because
 * link scanners fetch every URL in an email and must not unsubscribe anybody.
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { AppDependencies } from '../platform/http/app.ts';
import { html } from '../platform/http/html.ts';
import { renderPage } from '../platform/http/page.ts';
import { setConsent } from './send-message.job.ts';

const TOKEN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function registerUnsubscribeRoutes(app: FastifyInstance, { database }: AppDependencies): void {
  const db = database.db;

  async function find(token: string) {
    if (!TOKEN.test(token)) return undefined;
    const { rows } = await sql<{ district_id: string; contact_id: string; district_name: string }>`
      SELECT m.district_id, m.contact_id, d.name AS district_name FROM messages m JOIN districts d USING (district_id)
      WHERE m.unsubscribe_token = ${token} AND m.channel = 'email'`.execute(db);
    return rows[0];
  }

  const notFound = renderPage({
    title: 'Link not recognised',
    main: html`<h1>This link is not recognised</h1><p>It may have been copied only in part. To stop email from your school, reply to it or call the school office.</p>`,
  });

  app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: 1024 });

    scope.get<{ Params: { token: string } }>(
      '/unsubscribe/:token',
      { config: { access: 'public' } },
      async (request, reply) => {
        const found = await find(request.params.token);
        reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
        if (!found) return reply.status(404).send(notFound);
        return reply.send(
          renderPage({
            title: 'Stop email',
            main: html`<h1>Stop email from ${found.district_name}?</h1>
            <p>You will no longer get attendance email from ${found.district_name}. Text messages and calls are not affected.</p>
            <form method="post" action="/unsubscribe/${request.params.token}"><button type="submit">Stop email</button></form>`,
          }),
        );
      },
    );

    scope.post<{ Params: { token: string } }>(
      '/unsubscribe/:token',
      { config: { access: 'public' } },
      async (request, reply) => {
        const found = await find(request.params.token);
        reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
        if (!found) return reply.status(404).send(notFound);
        await setConsent(db, found.district_id, found.contact_id, 'email', 'opted_out', 'email_unsubscribe');
        return reply.send(
          renderPage({
            title: 'Email stopped',
            main: html`<h1>Done: no more email from ${found.district_name}</h1><p>If this was a mistake, tell the school office and they will start it again.</p>`,
          }),
        );
      },
    );
  });
}
