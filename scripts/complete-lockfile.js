// The npm registry this project is built against serves only Linux builds of Biome's
// platform packages, so `npm install` leaves the other platforms out of package-lock.json and
// `npm ci` then refuses the lock as out of sync. This adds the missing optional entries
// (never fetched on a platform they do not match). Run it after `npm install` changes the lock.
// See docs/decisions/0004-lockfile-platform-entries.md.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [key, entry] of Object.entries({ ...packages })) {
  const optional = entry.optionalDependencies ?? {};
  for (const [name, version] of Object.entries(optional)) {
    const childKey = `${key ? `${key}/` : ''}node_modules/${name}`;
    if (packages[childKey] || packages[`node_modules/${name}`]) continue;
    const platform = /-(android|darwin|linux|win32|freebsd)-(arm64|x64|ia32|arm)(?:-(musl|gnu|msvc))?$/.exec(
      name,
    );
    if (!platform) continue;
    const [, os, cpu, libc] = platform;
    packages[`node_modules/${name}`] = {
      version,
      cpu: [cpu],
      ...(entry.dev ? { dev: true } : {}),
      ...(libc === 'musl' ? { libc: ['musl'] } : {}),
      optional: true,
      os: [os],
    };
    added += 1;
  }
}
const sorted = Object.fromEntries(
  Object.keys(packages)
    .sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)))
    .map((key) => [key, packages[key]]),
);
lock.packages = sorted;
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: added ${added} platform entries`);
