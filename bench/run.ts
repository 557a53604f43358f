/**
 * `npm run bench`: measures the foundation and writes docs/performance.md.
 * Every figure sits next to a baseline measured in the same process and run:
 * - seeding the demo district vs inserting the same number of plain rows into the same engine;
 * - the streaming generator's peak memory at 100,000 (or 1,000,000 with --large) students vs 1,500,
 *   each in a fresh process;
 * - a cold start of `homeroom serve` on a seeded database vs starting a bare Node process;
 * - /readyz (a database round trip) vs /healthz over loopback HTTP.
 * Set BENCH_DATABASE_URL to also measure seeding on PostgreSQL and the attendance engine
 * (bench/attendance.ts: full recompute against two baselines, incremental refresh, memory),
 * each in scratch databases created and dropped on that server, and messaging (bench/messaging.ts:
 * outbox to the fake Twilio with 1 and 3 worker processes, duplicates and losses counted).
 * Import (bench/import.ts): the demo's files imported against PostgreSQL's COPY of the same rows.
 * The family portal (bench/portal.ts): its pages' render time and size on the embedded database.
 * `--only seeding,memory,server,attendance,messaging,import,portal` runs those parts and replaces
 * only their sections of docs/performance.md.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { seedDemoDistrict } from '../src/demo/demo.service.ts';
import { type Database, openDatabase } from '../src/platform/db/connection.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { benchAttendance } from './attendance.ts';
import { describeMachine, type Measurement, medianMs, renderSection } from './harness.ts';
import { benchImport } from './import.ts';
import { benchMessaging } from './messaging.ts';
import { benchPortal } from './portal.ts';
import { postgresScratch } from './postgres-scratch.ts';

const LARGE = process.argv.includes('--large');
/** `--only messaging,attendance`: run those parts and replace only their sections of docs/performance.md. */
const onlyArgument = process.argv[process.argv.indexOf('--only') + 1];
const ONLY = process.argv.includes('--only') && onlyArgument ? new Set(onlyArgument.split(',')) : null;
const want = (part: 'seeding' | 'memory' | 'server' | 'attendance' | 'messaging' | 'import' | 'portal') =>
  ONLY === null || ONLY.has(part);
const AS_OF = '2027-03-15';
const BIN = new URL('../bin/homeroom.js', import.meta.url).pathname;

function countRows(summary: { counts: Record<string, number> }): number {
  return Object.values(summary.counts).reduce((sum, value) => sum + value, 0);
}

/** The baseline for seeding: the same number of rows into one plain table, in batches of 1,000. */
async function insertPlainRows(database: Database, rows: number): Promise<void> {
  await sql`CREATE TABLE IF NOT EXISTS bench_rows (district_id uuid, n integer, label text)`.execute(
    database.db,
  );
  await sql`TRUNCATE bench_rows`.execute(database.db);
  const district = '00000000-0000-4000-8000-000000000000';
  await database.db.transaction().execute(async (trx) => {
    for (let start = 0; start < rows; start += 1_000) {
      const batch = Array.from({ length: Math.min(1_000, rows - start) }, (_, i) => ({
        district_id: district,
        n: start + i,
        label: `row ${start + i}`,
      }));
      await sql`INSERT INTO bench_rows ${sql.raw('(district_id, n, label)')} SELECT * FROM jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) AS t(district_id uuid, n integer, label text)`.execute(
        trx,
      );
    }
  });
}

async function benchSeeding(
  engine: string,
  open: () => Promise<Database>,
  sizes: number[],
): Promise<Measurement[]> {
  const out: Measurement[] = [];
  for (const students of sizes) {
    const database = await open();
    await migrateToLatest(database.db);
    const started = performance.now();
    const summary = await seedDemoDistrict(database.db, { seed: 1, students, asOf: AS_OF });
    const seedMs = performance.now() - started;
    const rows = countRows(summary);
    const baselineMs = await medianMs(() => insertPlainRows(database, rows), 1, 0);
    out.push({
      name: `seed demo, ${students.toLocaleString('en-US')} students (${rows.toLocaleString('en-US')} rows), ${engine}`,
      value: seedMs / 1000,
      unit: 's',
      baseline: baselineMs / 1000,
      baselineName: `${rows.toLocaleString('en-US')} plain rows`,
      note: `${Math.round(rows / (seedMs / 1000)).toLocaleString('en-US')} rows/s`,
    });
    await database.close();
  }
  return out;
}

const RUN_TS = new URL('../bin/run-ts.js', import.meta.url).pathname;
const GENERATE_CHILD = new URL('./generate-child.ts', import.meta.url).pathname;

/** Peak memory of a fresh process that generates `students` (0: a process that only loads the generator). */
async function generateInChild(
  students: number,
  nodeOptions: string[] = [],
): Promise<{ peakMiB: number; ms: number; rows: number }> {
  const child = spawn(process.execPath, [...nodeOptions, RUN_TS, GENERATE_CHILD, String(students), AS_OF], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`generate-child.ts ${students} exited with ${code}`);
  return JSON.parse(output) as { peakMiB: number; ms: number; rows: number };
}

async function benchMemory(): Promise<Measurement[]> {
  const idle = await generateInChild(0);
  const small = await generateInChild(1_500);
  const sizes = LARGE ? [100_000, 1_000_000] : [100_000];
  const describe = (run: { rows: number; ms: number }) =>
    `${run.rows.toLocaleString('en-US')} rows in ${(run.ms / 1000).toFixed(1)} s`;
  const out: Measurement[] = [
    {
      name: 'a process that loads the generator and generates nothing',
      value: idle.peakMiB,
      unit: 'MiB peak RSS',
    },
    {
      name: 'generate 1,500 students (streamed, discarded)',
      value: small.peakMiB,
      unit: 'MiB peak RSS',
      baseline: idle.peakMiB,
      baselineName: 'generating nothing',
      note: describe(small),
    },
  ];
  for (const students of sizes) {
    const large = await generateInChild(students);
    out.push({
      name: `generate ${students.toLocaleString('en-US')} students (streamed, discarded)`,
      value: large.peakMiB,
      unit: 'MiB peak RSS',
      baseline: small.peakMiB,
      baselineName: '1,500 students',
      note: describe(large),
    });
  }
  // Peak RSS grows with the run because V8 lets its heap grow when it may; with the heap
  // capped at 64 MiB the largest run still completes, so what is live stays bounded.
  const largest = sizes[sizes.length - 1] as number;
  const capped = await generateInChild(largest, ['--max-old-space-size=64']);
  out.push({
    name: `generate ${largest.toLocaleString('en-US')} students with the V8 heap capped at 64 MiB`,
    value: capped.peakMiB,
    unit: 'MiB peak RSS',
    baseline: small.peakMiB,
    baselineName: '1,500 students',
    note: `completes: ${describe(capped)}`,
  });
  return out;
}

function timeUntil(
  command: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp | null,
): Promise<{ ms: number; url?: string; kill: () => Promise<void> }> {
  const started = performance.now();
  const child = spawn(process.execPath, command, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let output = '';
    if (!ready) {
      child.once('exit', () => resolve({ ms: performance.now() - started, kill: async () => {} }));
      return;
    }
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(ready);
      if (match) {
        resolve({
          ms: performance.now() - started,
          url: match[1],
          kill: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
  });
}

async function benchServer(): Promise<Measurement[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'homeroom-bench-'));
  const { DATABASE_URL: _embeddedOnly, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    HOMEROOM_DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'warn',
    HOMEROOM_DEMO_AS_OF: AS_OF,
  };
  try {
    const running = /Homeroom is running at (http:\/\/\S+)/;
    const first = await timeUntil([BIN, 'serve'], env, running);
    await first.kill();
    const bare = await medianMs(async () => (await timeUntil(['-e', ''], env, null)).ms, 3, 1);
    const warm = await timeUntil([BIN, 'serve'], env, running);
    const url = warm.url as string;
    const latency = async (path: string) =>
      medianMs(
        async () => {
          for (let i = 0; i < 200; i += 1) await (await fetch(`${url}${path}`)).arrayBuffer();
        },
        3,
        1,
      );
    const health = await latency('/healthz');
    const ready = await latency('/readyz');
    await warm.kill();
    return [
      { name: 'start a bare Node process', value: bare, unit: 'ms' },
      {
        name: 'first `homeroom serve` (migrate, seed 1,500 students, listen)',
        value: first.ms,
        unit: 'ms',
        baseline: bare,
        baselineName: 'bare Node',
      },
      {
        name: 'later `homeroom serve` on the seeded embedded database',
        value: warm.ms,
        unit: 'ms',
        baseline: bare,
        baselineName: 'bare Node',
      },
      { name: 'GET /healthz, per request (loopback, sequential)', value: health / 200, unit: 'ms' },
      {
        name: 'GET /readyz, per request (database round trip)',
        value: ready / 200,
        unit: 'ms',
        baseline: health / 200,
        baselineName: '/healthz',
      },
    ];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const sections: string[] = [];
if (want('seeding')) {
  const seedSizes = LARGE ? [1_500, 10_000, 100_000] : [1_500, 10_000];
  console.log('seeding on PGlite…');
  sections.push(
    renderSection(
      'Seeding the demo district',
      await benchSeeding('PGlite', () => openDatabase({ dataDir: null }), seedSizes),
    ),
  );
  if (process.env.BENCH_DATABASE_URL) {
    console.log('seeding on PostgreSQL…');
    const scratch = await postgresScratch(process.env.BENCH_DATABASE_URL);
    try {
      sections.push(
        renderSection(
          'Seeding the demo district on PostgreSQL',
          await benchSeeding('PostgreSQL', scratch.open, seedSizes),
        ),
      );
    } finally {
      await scratch.drop();
    }
  }
}
if (want('memory')) {
  console.log('generator memory…');
  sections.push(renderSection('Streaming generator memory', await benchMemory()));
}
if (want('server')) {
  console.log('server start and health checks…');
  sections.push(renderSection('Server start-up and health checks', await benchServer()));
}
let attendanceAgrees = true;
if (!want('attendance')) {
  // Not asked for.
} else if (process.env.BENCH_DATABASE_URL) {
  console.log('attendance engine on PostgreSQL…');
  const scratch = await postgresScratch(process.env.BENCH_DATABASE_URL);
  try {
    const attendance = await benchAttendance(scratch, { large: LARGE });
    sections.push(attendance.markdown);
    attendanceAgrees = attendance.agree;
  } finally {
    await scratch.drop();
  }
} else {
  const skipped =
    'The attendance engine benchmarks run on PostgreSQL only: set BENCH_DATABASE_URL to run them.';
  console.log(skipped);
  sections.push(`### Attendance engine\n\n${skipped}\n`);
}

if (!want('messaging')) {
  // Not asked for.
} else if (process.env.BENCH_DATABASE_URL) {
  console.log('messaging on PostgreSQL…');
  sections.push(
    renderSection(
      `Messaging: outbox to provider on PostgreSQL (measured ${new Date().toISOString().slice(0, 10)})`,
      await benchMessaging(process.env.BENCH_DATABASE_URL),
    ),
  );
} else {
  sections.push(
    '### Messaging\n\nThe messaging benchmark runs on PostgreSQL only: set BENCH_DATABASE_URL to run it.\n',
  );
}

if (!want('import')) {
  // Not asked for.
} else if (process.env.BENCH_DATABASE_URL) {
  console.log('import on PostgreSQL…');
  sections.push(
    renderSection(
      `Import on PostgreSQL (measured ${new Date().toISOString().slice(0, 10)})`,
      await benchImport(process.env.BENCH_DATABASE_URL, LARGE ? 100_000 : 10_000),
    ),
  );
} else {
  sections.push(
    '### Import\n\nThe import benchmark runs on PostgreSQL only: set BENCH_DATABASE_URL to run it.\n',
  );
}

if (want('portal')) {
  console.log('family portal on PGlite…');
  sections.push(
    renderSection(
      `Family portal on PGlite, demo district of 1,500 students (measured ${new Date().toISOString().slice(0, 10)})`,
      await benchPortal(),
    ),
  );
}

/** Replaces the sections with the same titles in an earlier report (for --only), appending new ones. */
function mergeSections(previous: string, fresh: readonly string[]): string {
  const titleOf = (section: string) => (section.split('\n')[0] ?? '').replace(/ \(measured [0-9-]+\)$/, '');
  const [head = '', ...old] = previous.split(/\n(?=### )/);
  const merged = old.map((section) => `${section.trimEnd()}\n`);
  for (const section of fresh) {
    const at = merged.findIndex((existing) => titleOf(existing) === titleOf(section));
    if (at === -1) merged.push(section);
    else merged[at] = section;
  }
  return `${head.trimEnd()}\n\n${merged.join('\n')}`;
}

const target = new URL('../docs/performance.md', import.meta.url);
if (ONLY && existsSync(target)) {
  const report = mergeSections(readFileSync(target, 'utf8'), sections);
  writeFileSync(target, report);
  console.log(sections.join('\n'));
  process.exit(attendanceAgrees ? 0 : 1);
}

const report = `# Performance

Measured by \`npm run bench\`${LARGE ? ' --large' : ''} on ${new Date().toISOString().slice(0, 10)}, on ${describeMachine()}.
Each figure is shown with a baseline measured in the same process and run; read the ratio,
not the absolute number, when comparing machines. Re-run the benchmarks after a change that
could affect them and commit the new file.

${sections.join('\n')}`;
writeFileSync(target, report);
console.log(report);
if (!attendanceAgrees) {
  console.error('The attendance engine disagreed with a baseline or a full recompute: see above.');
  process.exitCode = 1;
}
