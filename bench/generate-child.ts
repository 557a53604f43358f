/**
 * Run by bench/run.ts in a fresh process: generates the demo district for N students (seed 3),
 * discards the rows, and prints the row count, the time and the process's peak resident
 * memory as JSON. A fresh process per size makes the peaks comparable.
 */
import { readFileSync } from 'node:fs';
import { generateDemoDistrict } from '../src/demo/demo-district.ts';

/**
 * This process's peak resident memory in MiB. On Linux, VmHWM: getrusage's maxRSS carries
 * the parent's peak across fork and exec, so it would report the benchmark's own memory.
 */
function peakMiB(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match?.[1]) return Number(match[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

const students = Number(process.argv[2]);
const asOf = process.argv[3] ?? '2027-03-15';
const started = performance.now();
let rows = 0;
const district = generateDemoDistrict({ seed: 3, students, asOf });
for (const family of district.families()) {
  for (const value of Object.values(family)) if (Array.isArray(value)) rows += value.length;
}
const ms = performance.now() - started;
console.log(JSON.stringify({ rows, ms, peakMiB: peakMiB() }));
