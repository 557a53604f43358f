/**
 * The start page: what is running, which districts it holds, and (for the demo district
 * only) the sign-ins to try. It shows counts, never a student.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { DEMO_PASSWORD, demoSignIns } from '../../demo/demo-district.ts';
import {
  type DistrictOverview,
  findDemoFamilyPhone,
  findDistrictOverviews,
} from '../../roster/district.repository.ts';
import type { AppDependencies } from './app.ts';
import { html, type SafeHtml } from './html.ts';

const homeCss = readFileSync(new URL('./assets/home.css', import.meta.url), 'utf8');
const numbers = new Intl.NumberFormat('en-US');
const ROLE_LABELS: Readonly<Record<string, string>> = {
  district_admin: 'District administrator',
  school_admin: 'School administrator',
  attendance_champion: 'Attendance champion',
  counselor: 'Counselor',
  teacher: 'Teacher',
  analyst: 'Analyst',
};

function renderDistrict(district: DistrictOverview): SafeHtml {
  return html`<li class="card">
    <h3>${district.name}${district.isDemo ? html`<span class="badge">Demo</span>` : ''}</h3>
    <dl class="figures">
      <div><dt>students</dt><dd>${numbers.format(district.students)}</dd></div>
      <div><dt>schools</dt><dd>${numbers.format(district.schools)}</dd></div>
      <div><dt>staff</dt><dd>${numbers.format(district.staff)}</dd></div>
    </dl>
  </li>`;
}

function renderSignIns(
  districts: readonly DistrictOverview[],
  password: string,
  devOutbox: boolean,
  demoFamilyPhone: string | null,
): SafeHtml | '' {
  const demo = districts.find((district) => district.isDemo);
  if (!demo) return '';
  return html`<section aria-labelledby="sign-ins">
    <h2 id="sign-ins">Demo sign-ins</h2>
    <p>Every demo account uses the password <code>${password}</code>. <a href="/sign-in">Sign in</a> to see the staff pages: the dashboard, students, the worklist, taking attendance and the playbooks.</p>
    ${devOutbox ? html`<p>Messages to families stay on this server: see them, and reply as a family, in the <a href="/dev/outbox">development outbox</a>.</p>` : ''}
    ${
      demoFamilyPhone
        ? html`<p>To see the <a href="/family">family portal</a> as a parent, sign in there with the demo phone number <code>${demoFamilyPhone}</code>.${devOutbox ? ' The code it texts appears in the development outbox (sign in as staff first, in the same browser, to open it).' : ''}</p>`
        : ''
    }
    <table>
      <caption class="visually-hidden">One demo account for each role</caption>
      <thead><tr><th scope="col">Role</th><th scope="col">Email</th><th scope="col">Scope</th></tr></thead>
      <tbody>
        ${demoSignIns().map((account) => html`<tr><td>${ROLE_LABELS[account.role] ?? account.role}</td><td>${account.email}</td><td>${account.scope}</td></tr>`)}
      </tbody>
    </table>
  </section>`;
}

/** Renders the start page for the given districts. */
export function renderHomePage(
  districts: readonly DistrictOverview[],
  demoPassword: string,
  options: { devOutbox?: boolean; demoFamilyPhone?: string | null } = {},
): string {
  const page = html`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Homeroom</title>
  <link rel="stylesheet" href="/assets/home.css">
</head>
<body>
  <header>
    <p class="brand">Homeroom</p>
    <p class="tagline">Bringing chronically absent students back to school, in partnership with their families.</p>
  </header>
  <main>
    <h1>Homeroom is running</h1>
    <section aria-labelledby="districts">
      <h2 id="districts">Districts</h2>
      ${
        districts.length > 0
          ? html`<ul class="cards">${districts.map(renderDistrict)}</ul>`
          : html`<p class="empty">No district yet. Seed the demo with <code>npm run demo</code>, or import your district's data.</p>`
      }
    </section>
    ${renderSignIns(districts, demoPassword, options.devOutbox ?? false, options.demoFamilyPhone ?? null)}
  </main>
  <footer>
    <p>Operators: <a href="/healthz">liveness</a> · <a href="/readyz">readiness</a> · <a href="/metrics">metrics</a></p>
  </footer>
</body>
</html>`;
  return page.html;
}

export function registerHomeRoutes(app: FastifyInstance, deps: AppDependencies): void {
  app.get('/', { config: { access: 'public' } }, async (_request, reply) => {
    const districts = await findDistrictOverviews(deps.database.db);
    const demo = districts.find((district) => district.isDemo);
    const demoFamilyPhone = demo ? await findDemoFamilyPhone(deps.database.db, demo.districtId) : null;
    return reply.type('text/html; charset=utf-8').send(
      renderHomePage(districts, DEMO_PASSWORD, {
        devOutbox: deps.config.MESSAGING_MODE === 'dev',
        demoFamilyPhone,
      }),
    );
  });
  app.get('/assets/home.css', { config: { access: 'public' } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(homeCss),
  );
}
