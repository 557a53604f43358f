/**
 * The trajectory: the attendance rate (share of days attended) over the year against the 90%
 * line, as an inline SVG with a table for screen readers. Staff pages and the family portal
 * draw the same chart, each with its own words.
 */
import { html, type SafeHtml } from './html.ts';

export interface TrajectoryLabels {
  /** The SVG's accessible title. */
  readonly title: string;
  /** Written on the 90% line. */
  readonly line: string;
  readonly caption: string;
  readonly tableCaption: string;
  readonly dateHeader: string;
  readonly rateHeader: string;
  /** Shown instead of the chart with fewer than two points. */
  readonly empty: string;
  readonly formatDate: (isoDate: string) => string;
  readonly formatRate: (rate: number) => string;
}

export const ENGLISH_TRAJECTORY_LABELS = (from: string, to: string): TrajectoryLabels => ({
  title: `Attendance rate from ${from} to ${to}, against the 90% line`,
  line: '90%: chronic absence below this line',
  caption: 'Attendance rate over the school year; the dashed line is 90%.',
  tableCaption: 'Attendance rate by date',
  dateHeader: 'Date',
  rateHeader: 'Rate',
  empty: 'Not enough history yet to draw a trend.',
  formatDate: (date) => date,
  formatRate: (rate) => `${(rate * 100).toFixed(1)}%`,
});

export function trajectoryChart(
  history: readonly { asOf: string; rate: number }[],
  labels: TrajectoryLabels = ENGLISH_TRAJECTORY_LABELS(history[0]?.asOf ?? '', history.at(-1)?.asOf ?? ''),
  id = 'trajectory-title',
): SafeHtml {
  if (history.length < 2) return html`<p class="empty">${labels.empty}</p>`;
  const width = 640;
  const height = 220;
  const pad = { left: 44, right: 12, top: 12, bottom: 28 };
  const low = Math.floor(Math.min(0.7, ...history.map((point) => point.rate)) * 10) / 10;
  const first = Date.parse(history[0]?.asOf as string);
  const last = Date.parse(history[history.length - 1]?.asOf as string);
  const x = (asOf: string) =>
    pad.left + ((Date.parse(asOf) - first) / Math.max(1, last - first)) * (width - pad.left - pad.right);
  const y = (rate: number) => pad.top + ((1 - rate) / (1 - low)) * (height - pad.top - pad.bottom);
  const points = history.map((point) => `${x(point.asOf).toFixed(1)},${y(point.rate).toFixed(1)}`).join(' ');
  // A tick every 10 points from 100% down to the lowest point drawn.
  const ticks = Array.from({ length: 11 }, (_, index) => 1 - index / 10).filter((tick) => tick >= low - 1e-9);
  // Time runs left to right in every language, so the drawing is laid out left to right.
  return html`<figure class="chart">
    <svg viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}" direction="ltr">
      <title id="${id}">${labels.title}</title>
      ${ticks.map((tick) => html`<text x="${pad.left - 6}" y="${y(tick) + 4}" text-anchor="end" font-size="11" fill="#4a5468">${Math.round(tick * 100)}%</text>`)}
      <line x1="${pad.left}" x2="${width - pad.right}" y1="${y(0.9)}" y2="${y(0.9)}" stroke="#a4161a" stroke-dasharray="6 4" stroke-width="1.5"></line>
      <text x="${width - pad.right}" y="${y(0.9) - 5}" text-anchor="end" font-size="11" fill="#a4161a">${labels.line}</text>
      <polyline points="${points}" fill="none" stroke="#0b5fad" stroke-width="2.5"></polyline>
      ${history.map((point) => html`<circle cx="${x(point.asOf).toFixed(1)}" cy="${y(point.rate).toFixed(1)}" r="3" fill="#0b5fad"></circle>`)}
      <text x="${pad.left}" y="${height - 8}" font-size="11" fill="#4a5468">${labels.formatDate(history[0]?.asOf as string)}</text>
      <text x="${width - pad.right}" y="${height - 8}" text-anchor="end" font-size="11" fill="#4a5468">${labels.formatDate(history[history.length - 1]?.asOf as string)}</text>
    </svg>
    <figcaption>${labels.caption}</figcaption>
    <table class="visually-hidden"><caption>${labels.tableCaption}</caption>
      <thead><tr><th scope="col">${labels.dateHeader}</th><th scope="col">${labels.rateHeader}</th></tr></thead>
      <tbody>${history.map((point) => html`<tr><td>${labels.formatDate(point.asOf)}</td><td>${labels.formatRate(point.rate)}</td></tr>`)}</tbody>
    </table>
  </figure>`;
}
