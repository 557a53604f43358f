/**
 * The Homeroom command line: `homeroom serve | worker | migrate | demo | config | recompute | import`.
 * Each command loads the validated configuration first; a wrong setting stops here with a
 * message naming the variable.
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import type { Refresher } from './attendance/attendance-refresher.ts';
import { DEMO_SCHOOL_YEAR } from './demo/demo-calendar.ts';
import type { ImportReport } from './import/import-run.ts';
// Heavy modules (the HTTP server, the job queue, the demo generator) are imported by the
// commands that need them, so `homeroom config` or `migrate` start quickly.
import { type Config, ConfigError, loadConfig, settings } from './platform/config.ts';
import { addDays, todayIn } from './platform/dates.ts';
import { type Database, openDatabase } from './platform/db/connection.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import type { JobQueue } from './platform/jobs/queue.ts';
import { createLogger, type Logger } from './platform/logger.ts';

const HELP = `Homeroom: bring chronically absent students back to school, with their families.

Usage: homeroom <command> [options]

Commands:
  serve      Migrate, seed the demo on first run, and serve HTTP (with in-process job workers
             on the embedded database). Options: --no-demo
  worker     Run job workers only (production: alongside several serve processes).
  migrate    Apply pending database migrations and exit.
  demo       Create the demo district. Options: --seed N  --students N  --as-of YYYY-MM-DD
             --replace (delete and recreate it)  --out DIR (write OneRoster CSV and attendance
             files instead of writing to the database)
  config     Print every setting, its value and its documentation (--markdown for a table).
  recompute  Rebuild every student's attendance figures from scratch. Options: --district SLUG
             (default: every district)  --as-of YYYY-MM-DD (default: today in the district's
             time zone; the demo's own date for the demo)  --history (also record a history:
             monthly from the start of the school year, weekly over the last six weeks)
  import     Import data; every run is recorded (import_runs) with its rejected rows (import_errors).
             import oneroster DIR   a OneRoster 1.1 or 1.2 CSV folder with manifest.csv (and
                                    calendar.csv beside it, if present). Options: --district SLUG
                                    --as-of YYYY-MM-DD (the day students who left are withdrawn;
                                    default today)  --max-withdrawal-share SHARE (default 0.1) or
                                    --allow-mass-withdrawal: students a bulk users.csv leaves out
                                    are withdrawn, but when more than that share of the active
                                    students would be, nobody is and the command exits 3
                                    (docs/formats/oneroster.md)
             import edfi DIR        a folder of Ed-Fi ODS/API JSON files (schools.json, sessions.json,
                                    calendarDates.json, students.json, studentSchoolAssociations.json,
                                    sections.json, student(School|Section)AttendanceEvents.json; JSON
                                    arrays or NDJSON; docs/formats/edfi.md). Options: --district SLUG
                                    --descriptor-map FILE.json (Ed-Fi descriptors to Homeroom values)
             import attendance FILE --format csv   attendance in Homeroom's CSV format
                                    (docs/formats/attendance-csv.md). Options: --mapping FILE.json
                                    --source-system NAME (default csv)  --district SLUG
             import errors RUN_ID FILE.csv   write a past run's rejected rows as CSV
             Options for every import: --errors FILE.csv (write the rejected rows as CSV)
             --batch-size N (rows per transaction, default 5000)
  help       Show this help.

Configuration is read from environment variables; see \`homeroom config\` and the README.`;

async function openConfiguredDatabase(config: Config): Promise<Database> {
  return config.DATABASE_URL
    ? openDatabase({ url: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX })
    : openDatabase({ dataDir: config.HOMEROOM_DATA_DIR });
}

function describeDatabase(config: Config): string {
  if (!config.DATABASE_URL) return `embedded database in ${config.HOMEROOM_DATA_DIR}`;
  const url = new URL(config.DATABASE_URL);
  return `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
}

/** Runs `stop` once on SIGTERM or SIGINT; exits 1 if it takes longer than the timeout. */
function onShutdownSignal(logger: Logger, timeoutMs: number, stop: (signal: string) => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'did not stop in time; exiting');
      process.exit(1);
    }, timeoutMs + 1_000);
    timer.unref();
    stop(signal).then(
      () => {
        logger.info('stopped cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}

async function seedDemoIfEmpty(
  config: Config,
  database: Database,
  logger: Logger,
  enabled: boolean,
): Promise<boolean> {
  const { hasAnyDistrict } = await import('./roster/district.repository.ts');
  if (!enabled || (await hasAnyDistrict(database.db))) return false;
  const { seedDemoDistrict } = await import('./demo/demo.service.ts');
  const asOf = config.HOMEROOM_DEMO_AS_OF ?? defaultDemoAsOf(new Date());
  logger.info(
    { students: config.HOMEROOM_DEMO_STUDENTS, seed: config.HOMEROOM_DEMO_SEED, asOf },
    'seeding the demo district',
  );
  const summary = await seedDemoDistrict(database.db, {
    seed: config.HOMEROOM_DEMO_SEED,
    students: config.HOMEROOM_DEMO_STUDENTS,
    asOf,
  });
  await computeDemoFigures(database, asOf);
  logger.info({ counts: summary.counts }, 'demo district ready');
  return true;
}

/** The demo's attendance figures as of its date, with a history (historyDates). */
async function computeDemoFigures(
  database: Database,
  asOf: string,
  progress?: (p: { phase: string; done: number; total: number }) => void,
): Promise<void> {
  const [{ backfillHistory }, { DEMO_DISTRICT_ID }] = await Promise.all([
    import('./attendance/attendance.service.ts'),
    import('./demo/demo-district.ts'),
  ]);
  await backfillHistory(database.db, DEMO_DISTRICT_ID, {
    asOf,
    onProgress: (p) => progress?.({ phase: 'attendance figures (history dates)', ...p }),
  });
}

async function recompute(config: Config, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      district: { type: 'string' },
      'as-of': { type: 'string' },
      history: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const asOf = values['as-of'];
  if (asOf !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(asOf)))) {
    throw new UsageError(`--as-of must be a date as YYYY-MM-DD, got "${asOf}".`);
  }
  const database = await openConfiguredDatabase(config);
  try {
    await migrateToLatest(database.db);
    const [{ backfillHistory, recomputeAttendance }, { findDistrictOverviews }] = await Promise.all([
      import('./attendance/attendance.service.ts'),
      import('./roster/district.repository.ts'),
    ]);
    const districts = (await findDistrictOverviews(database.db)).filter(
      (district) => values.district === undefined || district.slug === values.district,
    );
    if (districts.length === 0) {
      throw new UsageError(
        values.district === undefined
          ? 'There is no district to recompute yet: import one, or run `homeroom demo`.'
          : `No district has the slug "${values.district}".`,
      );
    }
    for (const district of districts) {
      const started = performance.now();
      const stored = await sql<{
        as_of: string | null;
      }>`SELECT max(as_of)::text AS as_of FROM student_attendance
        WHERE district_id = ${district.districtId}`.execute(database.db);
      // The demo keeps the date it was seeded for unless told otherwise.
      const date = asOf ?? (district.isDemo ? (stored.rows[0]?.as_of ?? undefined) : undefined);
      const report = (p: { done: number; total: number }) => {
        if (process.stderr.isTTY)
          process.stderr.write(
            `\r${district.name}: ${p.done.toLocaleString('en-US')} / ${p.total.toLocaleString('en-US')} ${values.history ? 'dates' : 'students'}   `,
          );
      };
      if (values.history) {
        const { districtContext } = await import('./attendance/attendance.service.ts');
        const context = await districtContext(database.db, district.districtId, date);
        const weeks = await backfillHistory(database.db, district.districtId, {
          asOf: context.asOf,
          onProgress: report,
        });
        process.stdout.write(
          `\n${district.name}: recomputed as of ${context.asOf} with a history of ${weeks} dates in ${((performance.now() - started) / 1000).toFixed(1)} s.\n`,
        );
      } else {
        const summary = await recomputeAttendance(database.db, district.districtId, {
          asOf: date,
          onProgress: report,
        });
        process.stdout.write(
          `\n${district.name}: recomputed ${summary.students.toLocaleString('en-US')} students as of ${summary.asOf} (${summary.schoolYear}, profile ${summary.profile}) in ${(summary.ms / 1000).toFixed(1)} s.\n`,
        );
      }
    }
  } finally {
    await database.close();
  }
}

async function serve(config: Config, logger: Logger, options: { demo: boolean }): Promise<void> {
  const started = performance.now();
  const database = await openConfiguredDatabase(config);
  const migration = await migrateToLatest(database.db);
  logger.info({ applied: migration.applied, database: describeDatabase(config) }, 'database ready');
  const seeded = await seedDemoIfEmpty(config, database, logger, options.demo && config.HOMEROOM_DEMO);

  const [{ buildApp }, { createJobQueue }, { createJobs }, { DEMO_PASSWORD, demoSignIns }] =
    await Promise.all([
      import('./platform/http/app.ts'),
      import('./platform/jobs/queue.ts'),
      import('./jobs.ts'),
      import('./demo/demo-district.ts'),
    ]);
  let draining = false;
  let refresher: Refresher | undefined;
  const { messagingWarnings } = await import('./messaging/providers/providers.ts');
  for (const warning of messagingWarnings(config)) logger.warn(warning);
  // Every server enqueues (the outbox commits with its cause); only in-process workers also run jobs.
  const queue: JobQueue = createJobQueue(database, logger, createJobs(config));
  await queue.start();
  if (config.HOMEROOM_IN_PROCESS_WORKERS) {
    await queue.work();
    const { startAttendanceRefresher } = await import('./attendance/attendance-refresher.ts');
    refresher = startAttendanceRefresher(database.db, logger, {
      onChanged: runOutreach(database.db, queue, logger),
    });
  }
  const app = await buildApp({ config, database, logger, queue, isDraining: () => draining });
  await app.listen({ host: config.HOST, port: config.PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const localUrl = `http://${config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST}:${port}`;

  onShutdownSignal(logger, config.SHUTDOWN_TIMEOUT_MS, async () => {
    draining = true;
    await app.close();
    await refresher?.stop();
    await queue.stop(config.SHUTDOWN_TIMEOUT_MS);
    await database.close();
  });

  const lines = [
    '',
    `Homeroom is running at ${localUrl}  (${describeDatabase(config)}; ready in ${((performance.now() - started) / 1000).toFixed(1)} s)`,
  ];
  if (seeded || options.demo) {
    lines.push(`Demo sign-ins (password: ${DEMO_PASSWORD}):`);
    for (const account of demoSignIns()) lines.push(`  ${account.role.padEnd(22)} ${account.email}`);
  }
  lines.push(`Sign in at ${localUrl}/sign-in.`);
  if (config.MESSAGING_MODE === 'dev') {
    lines.push(`Messages to families stay on this machine: see them at ${localUrl}/dev/outbox.`);
  }
  lines.push('Stop with Ctrl+C.', '');
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** After a district's figures change, its enabled playbooks run (each step once per student and threshold). */
function runOutreach(db: Database['db'], queue: JobQueue, logger: Logger) {
  return async (districtId: string) => {
    const { runEnabledPlaybooks } = await import('./outreach/playbook.service.ts');
    try {
      const steps = await runEnabledPlaybooks({ db, queue }, districtId);
      const fired = steps.reduce((sum, step) => sum + step.fired, 0);
      if (fired > 0) logger.info({ districtId, steps }, 'outreach playbooks ran');
    } catch (error) {
      logger.error(
        { err: error, districtId },
        'outreach playbooks failed; they run again after the next change',
      );
    }
  };
}

async function worker(config: Config, logger: Logger): Promise<void> {
  const database = await openConfiguredDatabase(config);
  await migrateToLatest(database.db);
  const [{ createJobQueue }, { createJobs }] = await Promise.all([
    import('./platform/jobs/queue.ts'),
    import('./jobs.ts'),
  ]);
  const queue = createJobQueue(database, logger, createJobs(config));
  await queue.start();
  await queue.work();
  const { startAttendanceRefresher } = await import('./attendance/attendance-refresher.ts');
  const refresher = startAttendanceRefresher(database.db, logger, {
    onChanged: runOutreach(database.db, queue, logger),
  });
  logger.info({ database: describeDatabase(config) }, 'worker running');
  onShutdownSignal(logger, config.SHUTDOWN_TIMEOUT_MS, async () => {
    await refresher.stop();
    await queue.stop(config.SHUTDOWN_TIMEOUT_MS);
    await database.close();
  });
}

async function migrate(config: Config, logger: Logger): Promise<void> {
  const database = await openConfiguredDatabase(config);
  try {
    const outcome = await migrateToLatest(database.db);
    logger.info({ applied: outcome.applied, total: outcome.total }, 'migrations applied');
    process.stdout.write(
      outcome.applied.length > 0
        ? `Applied ${outcome.applied.length} migration(s): ${outcome.applied.join(', ')}\n`
        : `The database is up to date (${outcome.total} migrations).\n`,
    );
  } finally {
    await database.close();
  }
}

function parseIntegerOption(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${raw}".`);
  }
  return Number(raw);
}

class UsageError extends Error {}

/**
 * Today in the demo district's time zone, kept within its school year (2026-27): no earlier
 * than the second day (so there is a day of attendance), no later than the day after the last.
 */
export function defaultDemoAsOf(now: Date): string {
  const today = todayIn(DEMO_SCHOOL_YEAR.timeZone, now);
  const secondDay = addDays(DEMO_SCHOOL_YEAR.firstDay, 1);
  const afterLastDay = addDays(DEMO_SCHOOL_YEAR.lastDay, 1);
  if (today < secondDay) return secondDay;
  if (today > afterLastDay) return afterLastDay;
  return today;
}

async function demo(config: Config, logger: Logger, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      seed: { type: 'string' },
      students: { type: 'string' },
      'as-of': { type: 'string' },
      replace: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
    strict: true,
  });
  const seed = parseIntegerOption('seed', values.seed, config.HOMEROOM_DEMO_SEED, 0, 4_294_967_295);
  const students = parseIntegerOption(
    'students',
    values.students,
    config.HOMEROOM_DEMO_STUDENTS,
    100,
    1_000_000,
  );
  const asOf = values['as-of'] ?? config.HOMEROOM_DEMO_AS_OF ?? defaultDemoAsOf(new Date());
  const year = DEMO_SCHOOL_YEAR;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || asOf < year.startDate || asOf >= year.endDateExclusive) {
    throw new UsageError(
      `--as-of must be a date as YYYY-MM-DD in the 2026-27 school year (${year.startDate} to ${addDays(year.endDateExclusive, -1)}), got "${asOf}".`,
    );
  }
  const progress = (p: { phase: string; done: number; total: number }) => {
    if (process.stderr.isTTY)
      process.stderr.write(
        `\r${p.phase}: ${p.done.toLocaleString('en-US')} / ${p.total.toLocaleString('en-US')}   `,
      );
  };
  const started = performance.now();
  if (values.out) {
    const { writeDemoFiles } = await import('./demo/demo-files.ts');
    const summary = await writeDemoFiles({ seed, students, asOf }, values.out);
    process.stdout.write(
      `\nWrote the demo district (${students} students, seed ${seed}, as of ${asOf}) to ${values.out} in ${((performance.now() - started) / 1000).toFixed(1)} s: ${summary.files.join(', ')}\n`,
    );
    return;
  }
  const database = await openConfiguredDatabase(config);
  try {
    await migrateToLatest(database.db);
    const { seedDemoDistrict } = await import('./demo/demo.service.ts');
    const summary = await seedDemoDistrict(database.db, {
      seed,
      students,
      asOf,
      replace: values.replace,
      onProgress: progress,
    });
    await computeDemoFigures(database, asOf, progress);
    logger.debug({ summary }, 'demo seeded');
    process.stdout.write(
      `\nSeeded the demo district (${students} students, seed ${seed}, as of ${asOf}) in ${((performance.now() - started) / 1000).toFixed(1)} s.\n`,
    );
  } finally {
    await database.close();
  }
}

const IMPORT_USAGE =
  'Usage: homeroom import oneroster DIR | homeroom import edfi DIR [--descriptor-map FILE.json] | homeroom import attendance FILE --format csv | homeroom import errors RUN_ID FILE.csv (see homeroom help).';

/** `homeroom import oneroster DIR | edfi DIR | attendance FILE | errors RUN_ID FILE`; returns the exit code. */
async function runImport(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      district: { type: 'string' },
      errors: { type: 'string' },
      format: { type: 'string' },
      mapping: { type: 'string' },
      'source-system': { type: 'string' },
      'batch-size': { type: 'string' },
      'descriptor-map': { type: 'string' },
      'as-of': { type: 'string' },
      'max-withdrawal-share': { type: 'string' },
      'allow-mass-withdrawal': { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [kind, target, output] = positionals;
  if (
    !kind ||
    !target ||
    !['oneroster', 'edfi', 'attendance', 'errors'].includes(kind) ||
    (kind === 'errors' && !output)
  ) {
    throw new UsageError(IMPORT_USAGE);
  }
  const batchSize = parseIntegerOption('batch-size', values['batch-size'], 5_000, 1, 100_000);
  const { existsSync, readFileSync, statSync } = await import('node:fs');
  if (kind !== 'errors' && !existsSync(target)) throw new UsageError(`There is no ${target}.`);
  if (values['descriptor-map'] !== undefined && kind !== 'edfi')
    throw new UsageError('--descriptor-map is for homeroom import edfi only.');
  const asOf = values['as-of'];
  const shareText = values['max-withdrawal-share'];
  const allowMassWithdrawal = values['allow-mass-withdrawal'] === true;
  if (kind !== 'oneroster' && (asOf !== undefined || shareText !== undefined || allowMassWithdrawal))
    throw new UsageError(
      '--as-of, --max-withdrawal-share and --allow-mass-withdrawal are for homeroom import oneroster only.',
    );
  if (shareText !== undefined && allowMassWithdrawal)
    throw new UsageError('Give --max-withdrawal-share or --allow-mass-withdrawal, not both.');
  if (shareText !== undefined && (!/^(\d+(\.\d*)?|\.\d+)$/.test(shareText) || Number(shareText) > 1))
    throw new UsageError(
      `--max-withdrawal-share must be a share from 0 to 1 (0.25 for a quarter of the active students), got "${shareText}".`,
    );
  if (asOf !== undefined && !(await import('./import/import-batches.ts')).isDate(asOf))
    throw new UsageError(`--as-of must be a date as YYYY-MM-DD, got "${asOf}".`);
  let descriptors: import('./import/edfi-descriptors.ts').Descriptors | undefined;
  if (kind === 'edfi') {
    if (!statSync(target).isDirectory())
      throw new UsageError(
        `${target} is not a folder: homeroom import edfi reads a folder of Ed-Fi JSON files.\n${IMPORT_USAGE}`,
      );
    const { Descriptors, parseEdFiMapping } = await import('./import/edfi-descriptors.ts');
    const mapPath = values['descriptor-map'];
    try {
      descriptors = new Descriptors(
        mapPath === undefined ? undefined : parseEdFiMapping(JSON.parse(readFileSync(mapPath, 'utf8'))),
      );
    } catch (error) {
      throw new UsageError(
        `--descriptor-map ${mapPath}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  let mapping: Record<string, string> | undefined;
  if (kind === 'attendance') {
    if ((values.format ?? 'csv') !== 'csv')
      throw new UsageError(
        `--format ${values.format} is not supported yet: only csv (for Ed-Fi JSON, use homeroom import edfi DIR).`,
      );
    const { parseColumnMapping } = await import('./import/attendance-import.ts');
    if (values.mapping) {
      try {
        mapping = parseColumnMapping(JSON.parse(readFileSync(values.mapping, 'utf8')));
      } catch (error) {
        throw new UsageError(
          `--mapping ${values.mapping}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }
  const database = await openConfiguredDatabase(config);
  const [{ CsvFileError }, { writeImportErrorsCsv }, { formatImportSummary }] = await Promise.all([
    import('./import/csv-reader.ts'),
    import('./import/import-run.ts'),
    import('./import/import-summary.ts'),
  ]);
  const tty = process.stderr.isTTY;
  const progress = (file: string, rows: number) => {
    if (tty) process.stderr.write(`\r${file}: ${rows.toLocaleString('en-US')} rows   `);
  };
  try {
    await migrateToLatest(database.db);
    if (kind === 'errors') {
      const run = await database.db
        .selectFrom('import_runs')
        .select(['district_id', 'import_run_id'])
        .where(sql<boolean>`import_run_id::text = ${target}`)
        .executeTakeFirst();
      if (!run) throw new UsageError(`No import run has the id ${target}.`);
      const written = await writeImportErrorsCsv(
        database.db,
        run.district_id,
        run.import_run_id,
        output as string,
      );
      process.stdout.write(`Wrote ${written.toLocaleString('en-US')} rejected rows to ${output}.\n`);
      return 0;
    }
    const started = performance.now();
    let report: ImportReport;
    let districtId: string;
    let heading: string;
    // Set when the mass-withdrawal guard refused: the import finished, but exits 3 to say so.
    let refusedWithdrawal: string | null = null;
    try {
      if (kind === 'oneroster') {
        const { importOneRoster } = await import('./import/oneroster-import.ts');
        const result = await importOneRoster(database.db, {
          directory: target,
          districtSlug: values.district,
          batchSize,
          onProgress: progress,
          asOf,
          maxWithdrawalShare: allowMassWithdrawal
            ? 1
            : shareText === undefined
              ? undefined
              : Number(shareText),
        });
        refusedWithdrawal = result.withdrawal.refused;
        report = result.report;
        districtId = result.districtId;
        heading = `Imported the OneRoster roster in ${target} into ${result.districtName}${result.createdDistrict ? ' (a new district)' : ''}`;
      } else if (kind === 'edfi') {
        const { importEdFi } = await import('./import/edfi-import.ts');
        const result = await importEdFi(database.db, {
          directory: target,
          districtSlug: values.district,
          descriptors,
          batchSize,
          onProgress: progress,
        });
        report = result.report;
        districtId = result.districtId;
        heading = `Imported the Ed-Fi files in ${target} into ${result.districtName}${result.createdDistrict ? ' (a new district)' : ''}`;
      } else {
        districtId = await districtForImport(database, values.district);
        const { importAttendanceFile } = await import('./import/attendance-import.ts');
        report = await importAttendanceFile(database.db, {
          districtId,
          path: target,
          sourceSystem: values['source-system'] ?? 'csv',
          mapping,
          batchSize,
          onBatch: (rows) => progress(target, rows),
        });
        heading = `Imported attendance from ${target}`;
      }
    } catch (error) {
      if (error instanceof CsvFileError) {
        process.stderr.write(`${tty ? '\n' : ''}The import stopped: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
    const lines = [
      `${tty ? '\n' : ''}${heading} in ${((performance.now() - started) / 1000).toFixed(1)} s (run ${report.importRunId}):`,
      ...formatImportSummary(report),
    ];
    const rejected = report.rejectedRows;
    if (rejected > 0) {
      if (values.errors) {
        await writeImportErrorsCsv(database.db, districtId, report.importRunId, values.errors);
        lines.push(`${rejected.toLocaleString('en-US')} rows were rejected: see ${values.errors}.`);
      } else {
        lines.push(
          `${rejected.toLocaleString('en-US')} rows were rejected: \`homeroom import errors ${report.importRunId} FILE.csv\` writes them out.`,
        );
      }
    } else if (values.errors) {
      await writeImportErrorsCsv(database.db, districtId, report.importRunId, values.errors);
    }
    const { refreshQueuedAttendance } = await import('./attendance/attendance.service.ts');
    try {
      const refreshed = await refreshQueuedAttendance(database.db, districtId);
      lines.push(`Attendance figures refreshed for ${refreshed.toLocaleString('en-US')} students.`);
    } catch (error) {
      lines.push(
        `Attendance figures were not refreshed: ${error instanceof Error ? error.message : String(error)} (run \`homeroom recompute\` later).`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    if (refusedWithdrawal) {
      process.stderr.write(`${refusedWithdrawal}\n`);
      return 3;
    }
    return 0;
  } finally {
    await database.close();
  }
}

/** The district an attendance file goes into: --district SLUG, or the only one there is. */
async function districtForImport(database: Database, slug: string | undefined): Promise<string> {
  const districts = await database.db.selectFrom('districts').select(['district_id', 'slug']).execute();
  if (slug) {
    const found = districts.find((district) => district.slug === slug);
    if (!found) throw new UsageError(`No district has the slug "${slug}".`);
    return found.district_id;
  }
  if (districts.length === 1) return (districts[0] as { district_id: string }).district_id;
  throw new UsageError(
    districts.length === 0
      ? 'There is no district yet: import a roster first (homeroom import oneroster DIR).'
      : `There are ${districts.length} districts: choose one with --district SLUG (${districts.map((d) => d.slug).join(', ')}).`,
  );
}

function printConfig(config: Config, markdown: boolean): void {
  const secret = new Set(['DATABASE_URL', 'METRICS_TOKEN']);
  const rows = Object.entries(settings).map(([name, definition]) => {
    const value = config[name as keyof Config];
    const shown = value === undefined ? '(unset)' : secret.has(name) ? '(set, hidden)' : String(value);
    return { name, definition, shown };
  });
  if (markdown) {
    process.stdout.write(
      '| variable | default | expected form | what it does |\n| --- | --- | --- | --- |\n',
    );
    for (const { name, definition } of rows) {
      process.stdout.write(
        `| \`${name}\` | ${definition.fallback === undefined ? '(unset)' : `\`${definition.fallback}\``} | ${definition.form} | ${definition.doc} |\n`,
      );
    }
    return;
  }
  for (const { name, definition, shown } of rows)
    process.stdout.write(`${name}=${shown}\n    ${definition.doc}\n`);
}

/** Runs one command; returns the process exit code (serve and worker keep running). */
export async function main(argv: readonly string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 78;
    }
    throw error;
  }
  const logger = createLogger(command === 'serve' || command === 'worker' ? config.LOG_LEVEL : 'warn');
  try {
    switch (command) {
      case 'serve': {
        const { values } = parseArgs({
          args: [...rest],
          options: { 'no-demo': { type: 'boolean', default: false } },
        });
        await serve(config, logger, { demo: !values['no-demo'] });
        return 0;
      }
      case 'worker':
        await worker(config, logger);
        return 0;
      case 'migrate':
        await migrate(config, logger);
        return 0;
      case 'demo':
        await demo(config, logger, [...rest]);
        return 0;
      case 'config':
        printConfig(config, rest.includes('--markdown'));
        return 0;
      case 'recompute':
        await recompute(config, [...rest]);
        return 0;
      case 'import':
        return await runImport(config, [...rest]);
      default:
        process.stderr.write(`Unknown command "${command}".\n\n${HELP}\n`);
        return 2;
    }
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    logger.fatal({ err: error }, `homeroom ${command} failed`);
    process.stderr.write(
      `homeroom ${command} failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
}
