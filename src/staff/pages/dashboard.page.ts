/**
 * The dashboard for district and school leads: chronic absence now and its trend this year,
 * students by tier and who moved tiers in the last 30 days, schools side by side, gaps between
 * subgroups, and the outreach funnel (messages sent → delivered → families who replied →
 * replies handled). Everything is scoped to what the member may see; analysts see no group
 * smaller than ten students. Charts are SVG drawn here, each with the same numbers as a table.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { listStudents, type RollupRow, rollup } from '../../attendance/attendance.repository.ts';
import { ROLLUP_READERS, SMALL_CELL } from '../../attendance/attendance.routes.ts';
import { TIERS, type Tier } from '../../attendance/definition-profiles.ts';
import type { AppDependencies } from '../../platform/http/app.ts';
import { html, type SafeHtml } from '../../platform/http/html.ts';
import type { StaffPrincipal } from '../staff-principal.ts';
import { visibleStudent } from '../student-scope.ts';
import { sendStaffPage } from './staff-page.ts';

const TIER_LABELS: Readonly<Record<Tier, string>> = {
  satisfactory: 'Satisfactory (under 5%)',
  at_risk: 'At risk (5% to under 10%)',
  moderate_chronic: 'Moderate chronic (10% to under 20%)',
  severe_chronic: 'Severe chronic (20% or more)',
};
const TIER_COLOURS: Readonly<Record<Tier, string>> = {
  satisfactory: '#2e7d4a',
  at_risk: '#b7860b',
  moderate_chronic: '#c2571a',
  severe_chronic: '#a4161a',
};
const SUBGROUP_LABELS: Readonly<Record<string, string>> = {
  all_students: 'All students',
  english_learner: 'English learners',
  disability: 'Students with disabilities',
  economically_disadvantaged: 'Economically disadvantaged',
  homeless: 'Experiencing homelessness',
  foster_care: 'In foster care',
  hispanic_latino: 'Hispanic or Latino',
};

const pct = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)}%`);
const onlyAnalyst = (principal: StaffPrincipal) => principal.roles.every((role) => role === 'analyst');

/** A small horizontal bar for a share (0 to `max`), drawn at its real size beside the number. */
function shareBar(share: number | null, max: number): SafeHtml {
  const width = share === null ? 0 : Math.max(1, Math.min(1, share / max) * 160);
  return html`<svg width="160" height="14" viewBox="0 0 160 14" aria-hidden="true" focusable="false">
    <rect x="0" y="2" width="160" height="10" fill="#e8ebf0" rx="3"></rect>
    <rect x="0" y="2" width="${width.toFixed(1)}" height="10" fill="#a4161a" rx="3"></rect>
  </svg>`;
}

/** One bar of tiers, each a share of the students, with a legend. */
function tierBar(tiers: Readonly<Record<Tier, number>>): SafeHtml {
  const total = TIERS.reduce((sum, tier) => sum + tiers[tier], 0) || 1;
  let x = 0;
  return html`<svg class="bars" viewBox="0 0 600 36" role="img" aria-label="Students by tier">
    ${TIERS.map((tier) => {
      const width = (tiers[tier] / total) * 600;
      const rect = html`<rect x="${x.toFixed(1)}" y="4" width="${width.toFixed(1)}" height="28" fill="${TIER_COLOURS[tier]}"></rect>`;
      x += width;
      return rect;
    })}
  </svg>`;
}

function trendChart(points: readonly { asOf: string; share: number }[]): SafeHtml {
  if (points.length < 2) return html`<p class="empty">Not enough history yet for a trend.</p>`;
  const width = 600;
  const height = 180;
  const pad = { left: 44, right: 12, top: 12, bottom: 26 };
  const top = Math.max(0.3, ...points.map((point) => point.share));
  const first = Date.parse(points[0]?.asOf as string);
  const last = Date.parse(points[points.length - 1]?.asOf as string);
  const x = (asOf: string) =>
    pad.left + ((Date.parse(asOf) - first) / Math.max(1, last - first)) * (width - pad.left - pad.right);
  const y = (share: number) => pad.top + (1 - share / top) * (height - pad.top - pad.bottom);
  return html`<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="Share of students chronically absent over the year">
    ${[0, top / 2, top].map((tick) => html`<text x="${pad.left - 6}" y="${y(tick) + 4}" text-anchor="end" font-size="11" fill="#4a5468">${Math.round(tick * 100)}%</text>`)}
    <polyline points="${points.map((point) => `${x(point.asOf).toFixed(1)},${y(point.share).toFixed(1)}`).join(' ')}" fill="none" stroke="#a4161a" stroke-width="2.5"></polyline>
    <text x="${pad.left}" y="${height - 6}" font-size="11" fill="#4a5468">${points[0]?.asOf}</text>
    <text x="${width - pad.right}" y="${height - 6}" text-anchor="end" font-size="11" fill="#4a5468">${points[points.length - 1]?.asOf}</text>
  </svg>`;
}

export function registerDashboardPage(app: FastifyInstance, dependencies: AppDependencies): void {
  const { config } = dependencies;
  const db = dependencies.database.db;

  app.get<{ Querystring: { notice?: string } }>(
    '/dashboard',
    { config: { access: { roles: ROLLUP_READERS } } },
    async (request, reply) => {
      const principal = request.staff;
      const visible = (ref: Parameters<typeof visibleStudent>[1]) => visibleStudent(principal, ref);
      const suppress = onlyAnalyst(principal);
      const small = (row: RollupRow) => suppress && row.students < SMALL_CELL;
      const [overall, schools, subgroups] = await Promise.all([
        rollup(db, principal.districtId, 'district', visible),
        rollup(db, principal.districtId, 'school', visible),
        rollup(db, principal.districtId, 'subgroup', visible),
      ]);
      const all = overall.rows[0];
      const { rows: trend } = await sql<{ as_of: string; share: number }>`
      SELECT h.as_of::text AS as_of, (count(*) FILTER (WHERE h.chronic))::float8 / greatest(count(*) FILTER (WHERE h.chronic IS NOT NULL), 1) AS share
      FROM student_attendance_history h
      WHERE h.district_id = ${principal.districtId} AND ${visible(sql.ref('h.student_id'))}
      GROUP BY h.as_of ORDER BY h.as_of`.execute(db);
      const moved = async (direction: 'up' | 'down') =>
        suppress
          ? null
          : (
              await listStudents(
                db,
                principal.districtId,
                visible,
                { moved: direction, movedTierWithinDays: 30 },
                { page: 1, pageSize: 1, sort: 'rate_desc' },
              )
            ).total;
      const [movedUp, movedDown] = await Promise.all([moved('up'), moved('down')]);
      const { rows: funnelRows } = await sql<{
        sent: number;
        delivered: number;
        families: number;
        replied: number;
        handled: number;
      }>`
      WITH recent AS (
        SELECT m.contact_id, m.status FROM messages m
        WHERE m.district_id = ${principal.districtId} AND m.category <> 'reply' AND m.created_at > now() - interval '30 days'
          AND m.student_id IS NOT NULL AND ${visible(sql.ref('m.student_id'))}
      ), replies AS (
        SELECT i.contact_id, i.handled_at FROM inbound_messages i
        WHERE i.district_id = ${principal.districtId} AND i.received_at > now() - interval '30 days'
          AND i.contact_id IN (SELECT contact_id FROM recent)
      )
      SELECT (SELECT count(*) FROM recent WHERE status IN ('accepted', 'sent', 'delivered', 'undelivered'))::int AS sent,
        (SELECT count(*) FROM recent WHERE status = 'delivered')::int AS delivered,
        (SELECT count(DISTINCT contact_id) FROM recent)::int AS families,
        (SELECT count(DISTINCT contact_id) FROM replies)::int AS replied,
        (SELECT count(*) FROM replies WHERE handled_at IS NOT NULL)::int AS handled`.execute(db);
      const funnel = funnelRows[0] ?? { sent: 0, delivered: 0, families: 0, replied: 0, handled: 0 };
      const everyone = subgroups.rows.find((row) => row.key === 'all_students');

      const main = html`<h1>Dashboard</h1>
      ${
        !all
          ? html`<p class="empty">No attendance figures yet: import attendance or run <code>homeroom recompute</code>.</p>`
          : html`<p>Figures as of ${overall.asOf}, for the students you may see.</p>
      <div class="figures-row">
        <div class="figure"><span class="value">${pct(all.chronicRate)}</span> chronically absent (${all.chronic.toLocaleString('en-US')} of ${all.eligible.toLocaleString('en-US')})</div>
        <div class="figure"><span class="value">${all.onTrack.toLocaleString('en-US')}</span> on track to be chronic by the end of the year</div>
        <div class="figure"><span class="value">${movedUp === null ? '—' : movedUp.toLocaleString('en-US')}</span> moved into a worse tier in the last 30 days</div>
        <div class="figure"><span class="value">${movedDown === null ? '—' : movedDown.toLocaleString('en-US')}</span> moved into a better tier in the last 30 days</div>
      </div>
      <section aria-labelledby="trend"><h2 id="trend">Chronic absence this year</h2>
        <figure class="chart">${trendChart(trend.map((point) => ({ asOf: point.as_of, share: point.share })))}
          <figcaption>Share of students chronically absent at each date of the history.</figcaption>
          <table class="visually-hidden"><caption>Chronic absence by date</caption><thead><tr><th scope="col">Date</th><th scope="col">Chronically absent</th></tr></thead>
            <tbody>${trend.map((point) => html`<tr><td>${point.as_of}</td><td>${pct(point.share)}</td></tr>`)}</tbody></table>
        </figure>
      </section>
      <section aria-labelledby="tiers"><h2 id="tiers">Students by tier</h2>
        <figure class="chart">${tierBar(all.tiers)}</figure>
        <ul class="legend">${TIERS.map((tier) => html`<li><svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" fill="${TIER_COLOURS[tier]}"></rect></svg> ${TIER_LABELS[tier]}: <strong>${all.tiers[tier].toLocaleString('en-US')}</strong> (${pct(all.tiers[tier] / Math.max(1, all.students))})</li>`)}</ul>
      </section>
      <section aria-labelledby="schools"><h2 id="schools">Schools</h2>
        <div class="table-wrap"><table class="data"><thead><tr><th scope="col">School</th><th scope="col" class="num">Students</th><th scope="col" class="num">Chronically absent</th><th scope="col">Share</th><th scope="col" class="num">On track to be</th></tr></thead>
        <tbody>${schools.rows.map((row) =>
          small(row)
            ? html`<tr><td>${row.label}</td><td colspan="4">fewer than ${SMALL_CELL} students: not shown</td></tr>`
            : html`<tr><td>${row.label}</td><td class="num">${row.students}</td><td class="num">${row.chronic}</td><td class="share">${pct(row.chronicRate)} ${shareBar(row.chronicRate, 0.5)}</td><td class="num">${row.onTrack}</td></tr>`,
        )}</tbody></table></div>
      </section>
      <section aria-labelledby="gaps"><h2 id="gaps">Gaps between groups</h2>
        <div class="table-wrap"><table class="data"><thead><tr><th scope="col">Group</th><th scope="col" class="num">Students</th><th scope="col" class="num">Chronically absent</th><th scope="col" class="num">Gap to all students</th></tr></thead>
        <tbody>${subgroups.rows.map((row) =>
          small(row)
            ? html`<tr><td>${SUBGROUP_LABELS[row.key] ?? row.key}</td><td colspan="3">fewer than ${SMALL_CELL} students: not shown</td></tr>`
            : html`<tr><td>${SUBGROUP_LABELS[row.key] ?? row.key}</td><td class="num">${row.students}</td><td class="num">${pct(row.chronicRate)}</td><td class="num">${
                row.key === 'all_students' || row.chronicRate === null || everyone?.chronicRate == null
                  ? '—'
                  : `${row.chronicRate >= everyone.chronicRate ? '+' : ''}${((row.chronicRate - everyone.chronicRate) * 100).toFixed(1)} points`
              }</td></tr>`,
        )}</tbody></table></div>
      </section>
      <section aria-labelledby="funnel"><h2 id="funnel">Outreach in the last 30 days</h2>
        <ol class="funnel">
          <li><strong>${funnel.sent.toLocaleString('en-US')}</strong> messages sent to <strong>${funnel.families.toLocaleString('en-US')}</strong> guardians</li>
          <li><strong>${funnel.delivered.toLocaleString('en-US')}</strong> confirmed delivered</li>
          <li><strong>${funnel.replied.toLocaleString('en-US')}</strong> guardians replied</li>
          <li><strong>${funnel.handled.toLocaleString('en-US')}</strong> replies handled by staff</li>
        </ol>
      </section>`
      }`;
      return sendStaffPage(reply, {
        principal,
        config,
        current: 'dashboard',
        title: 'Dashboard',
        main,
        notice: request.query.notice,
      });
    },
  );
}
