#!/usr/bin/env node
// Entry point: runs the TypeScript CLI directly with Node's type stripping
// (on by default from Node 22.18 and 24; older 22.x needs the flag, so re-run with it).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = new URL('../src/main.ts', import.meta.url);
if (process.features.typescript) {
  await import(main.href);
} else {
  const result = spawnSync(
    process.execPath,
    [
      '--experimental-strip-types',
      '--no-warnings=ExperimentalWarning',
      fileURLToPath(main),
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit' },
  );
  process.exit(result.status ?? 1);
}
