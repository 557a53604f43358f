/**
 * A tiny benchmark harness: every measurement is reported next to a baseline measured in
 * the same process, on the same machine, in the same run, so results read as ratios that
 * survive a change of machine. Timings go to docs/performance.md, never into tests.
 */
import { cpus, totalmem } from 'node:os';

export interface Measurement {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The baseline's value in the same unit, or undefined when the row is itself a baseline. */
  readonly baseline?: number;
  readonly baselineName?: string;
  readonly note?: string;
}

/** Runs `work` `runs` times after `warmups` and returns the median wall time in milliseconds. */
export async function medianMs(work: () => Promise<unknown>, runs = 3, warmups = 1): Promise<number> {
  for (let i = 0; i < warmups; i += 1) await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

export function describeMachine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}`;
}

function format(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(value >= 10 ? 1 : 2);
}

/** Renders one section of docs/performance.md, columns aligned as the formatter writes them. */
export function renderSection(title: string, measurements: readonly Measurement[]): string {
  const rows = measurements.map((m) => [
    m.name,
    `${format(m.value)} ${m.unit}`,
    m.baseline === undefined ? '(baseline)' : `${format(m.baseline)} ${m.unit} (${m.baselineName ?? ''})`,
    m.baseline === undefined ? '—' : `${format(m.value / m.baseline)}×`,
    m.note ?? '',
  ]);
  const header = ['measurement', 'value', 'baseline', 'ratio', 'note'];
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] as string).length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const rule = `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`;
  return `${[`### ${title}`, '', line(header), rule, ...rows.map(line)].join('\n')}\n`;
}
