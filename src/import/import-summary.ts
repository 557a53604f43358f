/** The summary an import prints: counts per entity, notes, and where the rejected rows are. */
import type { ImportReport } from './import-run.ts';

const n = (value: number) => value.toLocaleString('en-US');

/** Lines summarising a run, one per entity that saw any row. */
export function formatImportSummary(report: ImportReport): string[] {
  const lines: string[] = [];
  const width = Math.max(8, ...Object.keys(report.counts).map((entity) => entity.length));
  for (const [entity, counts] of Object.entries(report.counts)) {
    lines.push(
      `  ${entity.padEnd(width)}  ${n(counts.created)} created, ${n(counts.updated)} updated, ${n(counts.unchanged)} unchanged, ${n(counts.deleted)} deleted, ${n(counts.rejected)} rejected`,
    );
  }
  for (const note of report.notes) lines.push(`  note: ${note}`);
  return lines;
}
