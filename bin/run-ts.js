#!/usr/bin/env node
// Runs a TypeScript script (bench, code generation) with Node's type stripping.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [script, ...args] = process.argv.slice(2);
if (!script) {
  console.error('usage: run-ts.js SCRIPT.ts [args...]');
  process.exit(2);
}
if (process.features.typescript) {
  process.argv = [process.argv[0], resolve(script), ...args];
  await import(pathToFileURL(resolve(script)).href);
} else {
  const result = spawnSync(process.execPath, ['--experimental-strip-types', resolve(script), ...args], {
    stdio: 'inherit',
  });
  process.exit(result.status ?? 1);
}
