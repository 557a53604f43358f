/**
 * Imports a OneRoster 1.1 or 1.2 CSV roster from a folder with manifest.csv (bulk or
 * delta): orgs → the district and its schools; academicSessions → school years and terms;
 * courses and classes → sections; users (with roles.csv in 1.2) → students, staff and
 * guardians (contacts linked through agentSourcedIds); demographics → students; enrollments
 * → section enrolments, teachers of sections and school enrolment spans; calendar.csv beside
 * the roster → calendars. Everything is upserted by source id, so importing the same folder
 * twice changes nothing.
 *
 * `tobedeleted` (and 1.0's `inactive`) deletes nothing: foreign keys cascade, so deleting a
 * school, class or guardian would take attendance or conversations with it, and a bad or
 * surprising file must lose nothing (docs/formats/oneroster.md, "tobedeleted"). Instead:
 * - a student is withdrawn (their enrolments end on the import's as-of date), as is a student
 *   a bulk users.csv leaves out, unless they are too many (the mass-withdrawal guard);
 * - a student's enrollment, or every enrollment of a class, ends on that date (the class is
 *   kept, with its teachers); a teacher's enrollment removes only the teaching link;
 * - a staff member is deactivated (cannot sign in); a guardian is paused: their links to
 *   students no longer receive messages or open the portal, recorded in audit_log so that a
 *   roster naming them again turns back on exactly what the pause turned off;
 * - a school, school year or term is kept, and the row is rejected saying why: closing one is
 *   an operator's decision, not a feed's.
 * A roster that names the record again restores it (enrolments reopen, staff reactivate).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB, Json } from '../platform/db/types.ts';
import { AppError } from '../platform/errors.ts';
import { normalisePhone } from '../platform/phone.ts';
import { districtToday } from '../roster/district.repository.ts';

export { normalisePhone } from '../platform/phone.ts';

import { CsvFileError, type CsvRecord, readCsvFile } from './csv-reader.ts';
import {
  addDays,
  countOutcome,
  dropDuplicates,
  Header,
  importCsvFile,
  isDate,
  parseDate,
  RowProblem,
  type SourceRow,
  upsertRows,
} from './import-batches.ts';
import { type Executor, finishImportRun, type ImportReport, startImportRun } from './import-run.ts';

export type OneRosterVersion = '1.0' | '1.1' | '1.2';

/** Required columns per file and version (OneRoster CSV binding; status and dates only in delta). */
const REQUIRED: Record<string, Record<OneRosterVersion, readonly string[]>> = {
  orgs: {
    '1.0': ['sourcedId', 'name', 'type'],
    '1.1': ['sourcedId', 'name', 'type'],
    '1.2': ['sourcedId', 'name', 'type'],
  },
  academicSessions: {
    '1.0': ['sourcedId', 'title', 'type', 'startDate', 'endDate'],
    '1.1': ['sourcedId', 'title', 'type', 'startDate', 'endDate', 'schoolYear'],
    '1.2': ['sourcedId', 'title', 'type', 'startDate', 'endDate', 'schoolYear'],
  },
  courses: {
    '1.0': ['sourcedId', 'title', 'orgSourcedId'],
    '1.1': ['sourcedId', 'title', 'orgSourcedId'],
    '1.2': ['sourcedId', 'title', 'orgSourcedId'],
  },
  classes: {
    '1.0': ['sourcedId', 'title', 'courseSourcedId', 'classType', 'schoolSourcedId', 'termSourcedIds'],
    '1.1': ['sourcedId', 'title', 'courseSourcedId', 'classType', 'schoolSourcedId', 'termSourcedIds'],
    '1.2': ['sourcedId', 'title', 'courseSourcedId', 'classType', 'schoolSourcedId', 'termSourcedIds'],
  },
  users: {
    '1.0': ['sourcedId', 'enabledUser', 'orgSourcedIds', 'role', 'username', 'givenName', 'familyName'],
    '1.1': ['sourcedId', 'enabledUser', 'orgSourcedIds', 'role', 'username', 'givenName', 'familyName'],
    '1.2': ['sourcedId', 'enabledUser', 'username', 'givenName', 'familyName'],
  },
  roles: {
    '1.0': [],
    '1.1': [],
    '1.2': ['sourcedId', 'userSourcedId', 'roleType', 'role', 'orgSourcedId'],
  },
  enrollments: {
    '1.0': ['sourcedId', 'classSourcedId', 'schoolSourcedId', 'userSourcedId', 'role'],
    '1.1': ['sourcedId', 'classSourcedId', 'schoolSourcedId', 'userSourcedId', 'role'],
    '1.2': ['sourcedId', 'classSourcedId', 'schoolSourcedId', 'userSourcedId', 'role'],
  },
  demographics: { '1.0': ['sourcedId'], '1.1': ['sourcedId'], '1.2': ['sourcedId'] },
};

const DELTA_REQUIRED = ['status', 'dateLastModified'];
const STAFF_ROLES = new Set([
  'teacher',
  'administrator',
  'aide',
  'proctor',
  'principal',
  'siteAdministrator',
  'districtAdministrator',
  'systemAdministrator',
  'counselor',
]);
const GUARDIAN_ROLES: Readonly<Record<string, string>> = {
  parent: 'parent',
  guardian: 'guardian',
  relative: 'relative',
};
const GRADES = new Set(['PK', 'KG', '01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12']);
const SESSION_TYPES: Readonly<Record<string, string>> = {
  term: 'term',
  semester: 'semester',
  trimester: 'trimester',
  quarter: 'quarter',
  gradingPeriod: 'grading_period',
};
/** The day types calendar_days takes (its CHECK constraint). */
export const CALENDAR_DAY_TYPE_LIST = [
  'instructional',
  'makeup',
  'holiday',
  'teacher_only',
  'emergency_closure',
  'weather_closure',
  'break',
  'weekend',
  'other',
] as const;
const CALENDAR_DAY_TYPES = new Set<string>(CALENDAR_DAY_TYPE_LIST);
/** metadata.* columns with a place in Homeroom; the others are ignored with a note. */
const KNOWN_METADATA = new Set(['metadata.homeroom.preferredLanguage']);

export interface Manifest {
  readonly version: OneRosterVersion;
  readonly files: Readonly<Record<string, 'bulk' | 'delta' | 'absent'>>;
  readonly systemCode: string | null;
  readonly systemName: string | null;
}

async function readAll(records: AsyncIterable<CsvRecord>): Promise<CsvRecord[]> {
  const all: CsvRecord[] = [];
  for await (const record of records) all.push(record);
  return all;
}

/** Reads manifest.csv: the OneRoster version, how each file is sent, the source system. */
export async function readManifest(directory: string): Promise<Manifest> {
  const path = join(directory, 'manifest.csv');
  if (!existsSync(path))
    throw new CsvFileError(
      'manifest.csv',
      null,
      null,
      `there is no manifest.csv in ${directory}: is this a OneRoster CSV folder?`,
    );
  const [first, ...rows] = await readAll(readCsvFile(path, 'manifest.csv'));
  if (!first) throw new CsvFileError('manifest.csv', 1, null, 'the file is empty.');
  const header = new Header('manifest.csv', first.fields);
  header.require(['propertyName', 'value']);
  const properties = new Map(
    rows.map((row) => [header.get(row.fields, 'propertyName'), header.get(row.fields, 'value')]),
  );
  const version = properties.get('oneroster.version') ?? '1.1';
  if (version !== '1.0' && version !== '1.1' && version !== '1.2')
    throw new CsvFileError(
      'manifest.csv',
      null,
      'oneroster.version',
      `OneRoster ${version} is not supported (1.0, 1.1 and 1.2 are).`,
    );
  const files: Record<string, 'bulk' | 'delta' | 'absent'> = {};
  for (const [name, value] of properties) {
    if (!name.startsWith('file.')) continue;
    const mode = value.toLowerCase();
    if (mode !== 'bulk' && mode !== 'delta' && mode !== 'absent')
      throw new CsvFileError('manifest.csv', null, name, `"${value}" is not bulk, delta or absent.`);
    files[name.slice(5)] = mode;
  }
  return {
    version,
    files,
    systemCode: properties.get('source.systemCode') || null,
    systemName: properties.get('source.systemName') || null,
  };
}

/** A URL-safe slug from a district's name ("Riverside Unified" → "riverside-unified"). */
/**
 * The district an import's source names (by its source id), created with a free slug made from
 * its name when it is new. Shared by the OneRoster and Ed-Fi importers.
 */
export async function findOrCreateDistrict(
  db: Kysely<DB>,
  sourceId: string,
  name: string,
): Promise<{ id: string; name: string; created: boolean }> {
  const existing = await db
    .selectFrom('districts')
    .select(['district_id', 'name'])
    .where('source_id', '=', sourceId)
    .executeTakeFirst();
  if (existing) return { id: existing.district_id, name: existing.name, created: false };
  const base = slugFor(name);
  let slug = base;
  for (
    let n = 2;
    await db.selectFrom('districts').select('district_id').where('slug', '=', slug).executeTakeFirst();
    n += 1
  )
    slug = `${base}-${n}`;
  const created = await db
    .insertInto('districts')
    .values({ slug, name, source_id: sourceId })
    .returning('district_id')
    .executeTakeFirstOrThrow();
  return { id: created.district_id, name, created: true };
}

export function slugFor(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 56)
    .replace(/-+$/, '');
  return slug.length >= 2 ? slug : `district-${slug || 'new'}`;
}

const isDeleted = (status: string) => status === 'tobedeleted' || status === 'inactive';
const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/** OneRoster grade codes (CEDS) to Homeroom's: "KG", "PK", "1" → "01", "TK" → "PK". */
export function normaliseGrade(value: string): string | null {
  const grade = value.trim().toUpperCase();
  if (grade === 'TK' || grade === 'PR' || grade === 'IT') return 'PK';
  if (grade === 'K') return 'KG';
  if (/^\d{1,2}$/.test(grade)) return GRADES.has(grade.padStart(2, '0')) ? grade.padStart(2, '0') : null;
  return GRADES.has(grade) ? grade : null;
}

function schoolTypeFor(name: string): { school_type: string; grade_low: string; grade_high: string } {
  if (/elementary|primary/i.test(name))
    return { school_type: 'elementary', grade_low: 'KG', grade_high: '05' };
  if (/middle|junior/i.test(name)) return { school_type: 'middle', grade_low: '06', grade_high: '08' };
  if (/high/i.test(name)) return { school_type: 'high', grade_low: '09', grade_high: '12' };
  return { school_type: 'other', grade_low: 'PK', grade_high: '12' };
}

interface Year {
  readonly id: string;
  readonly start: string;
  readonly endExclusive: string;
}

interface Membership {
  readonly student: string;
  readonly school: string;
  readonly begin: string | null;
  readonly endExclusive: string | null;
  readonly sourceId: string;
}

interface RoleEntry {
  readonly sourcedId: string;
  readonly role: string;
  readonly org: string;
  readonly begin: string | null;
  readonly end: string | null;
}

export interface OneRosterImportOptions {
  readonly directory: string;
  /** Import into this district (by slug) instead of the one orgs.csv names. */
  readonly districtSlug?: string;
  readonly batchSize?: number;
  readonly onProgress?: (file: string, rowsRead: number) => void;
  /**
   * The day students this import withdraws stop being enrolled (their enrolments'
   * end_date_exclusive). Default: today in the district's time zone.
   */
  readonly asOf?: string;
  /**
   * The mass-withdrawal guard: the largest share (0 to 1) of the district's active students
   * one import may withdraw (default DEFAULT_MAX_WITHDRAWAL_SHARE; 1 turns the guard off).
   */
  readonly maxWithdrawalShare?: number;
}

/**
 * A bulk users.csv that lost a tenth of the district's students is far more likely a
 * truncated or half-finished export than a real event: students leave a few at a time, and
 * a broken file usually loses far more than a tenth. A school closing, or a high school's
 * seniors leaving, is real and bigger: the operator says so with --max-withdrawal-share or
 * --allow-mass-withdrawal (docs/formats/oneroster.md).
 */
export const DEFAULT_MAX_WITHDRAWAL_SHARE = 0.1;
/**
 * Up to this many withdrawals pass whatever their share, so that a small district's
 * ordinary comings and goings (a dozen students in a district of 120) do not stop its
 * imports; above it the share decides. Withdrawing every active student never passes
 * without the operator's say-so, however few they are.
 */
export const WITHDRAWAL_GUARD_MINIMUM = 25;

/** What an import did about students who left (docs/formats/oneroster.md, "Withdrawals"). */
export interface WithdrawalOutcome {
  /** The day the withdrawn students' enrolments end (exclusive). */
  readonly asOf: string;
  /** Students of the district (from a roster) with a current or upcoming enrolment before the import. */
  readonly activeStudents: number;
  /** Active students missing from a bulk users.csv. */
  readonly missing: number;
  /** Active students whose users.csv row says `tobedeleted`. */
  readonly deleted: number;
  /** Students withdrawn: missing + deleted, or 0 when the guard refused. */
  readonly withdrawn: number;
  /** Why nobody was withdrawn (count, share and limit named); null when the guard let it through. */
  readonly refused: string | null;
}

export interface ImportResult {
  readonly report: ImportReport;
  readonly districtId: string;
  readonly districtName: string;
  readonly createdDistrict: boolean;
}

export interface OneRosterImportResult extends ImportResult {
  readonly withdrawal: WithdrawalOutcome;
}

/** Finds the district orgs.csv describes (by source id) or creates it. */
async function resolveDistrict(
  db: Kysely<DB>,
  orgs: CsvRecord[],
  districtSlug: string | undefined,
): Promise<{ id: string; name: string; created: boolean; sourceId: string | null }> {
  const [first, ...rows] = orgs;
  if (!first) throw new CsvFileError('orgs.csv', 1, null, 'the file is empty.');
  const header = new Header('orgs.csv', first.fields);
  const districts = rows.filter((row) => header.get(row.fields, 'type') === 'district');
  if (districtSlug) {
    const found = await db
      .selectFrom('districts')
      .select(['district_id', 'name', 'source_id'])
      .where('slug', '=', districtSlug)
      .executeTakeFirst();
    if (!found) throw new AppError('NOT_FOUND', { message: `No district has the slug "${districtSlug}".` });
    return { id: found.district_id, name: found.name, created: false, sourceId: found.source_id };
  }
  if (districts.length !== 1)
    throw new CsvFileError(
      'orgs.csv',
      districts[1]?.line ?? null,
      'type',
      districts.length === 0
        ? 'no org has type "district": name the district to import into with --district SLUG.'
        : 'more than one org has type "district": import each district with --district SLUG.',
    );
  const org = districts[0] as CsvRecord;
  const sourceId = header.get(org.fields, 'sourcedId');
  const name = header.get(org.fields, 'name');
  return { ...(await findOrCreateDistrict(db, sourceId, name)), sourceId };
}

/**
 * Imports a OneRoster folder. The district is found by its org's source id or created;
 * the run is recorded in import_runs with every rejected row in import_errors.
 */
export async function importOneRoster(
  db: Kysely<DB>,
  options: OneRosterImportOptions,
): Promise<OneRosterImportResult> {
  const directory = options.directory;
  const maxWithdrawalShare = options.maxWithdrawalShare ?? DEFAULT_MAX_WITHDRAWAL_SHARE;
  if (!(maxWithdrawalShare >= 0 && maxWithdrawalShare <= 1))
    throw new AppError('INVALID_INPUT', {
      message: `The largest share of students an import may withdraw must be from 0 to 1, got ${maxWithdrawalShare}.`,
    });
  if (options.asOf !== undefined && !isDate(options.asOf))
    throw new AppError('INVALID_INPUT', {
      message: `The withdrawal date must be a date as YYYY-MM-DD, got "${options.asOf}".`,
    });
  const manifest = await readManifest(directory);
  const version = manifest.version;
  const mode = (name: string) =>
    manifest.files[name] ?? (existsSync(join(directory, `${name}.csv`)) ? 'bulk' : 'absent');
  const present = (name: string) => mode(name) !== 'absent';
  const pathOf = (name: string) => {
    const path = join(directory, `${name}.csv`);
    if (!existsSync(path))
      throw new CsvFileError(
        `${name}.csv`,
        null,
        null,
        `manifest.csv lists file.${name} as ${mode(name)}, but ${name}.csv is missing.`,
      );
    return path;
  };
  if (!present('orgs'))
    throw new CsvFileError(
      'orgs.csv',
      null,
      null,
      'the roster has no orgs.csv: it is needed to find the district and its schools.',
    );
  const orgs = await readAll(readCsvFile(pathOf('orgs'), 'orgs.csv'));
  const district = await resolveDistrict(db, orgs, options.districtSlug);
  const districtId = district.id;
  const asOf = options.asOf ?? (await districtToday(db, districtId));
  const report = await startImportRun(db, districtId, 'oneroster', directory);
  const batchSize = options.batchSize;
  const required = (name: string) => [
    ...(REQUIRED[name]?.[version] ?? []),
    ...(mode(name) === 'delta' ? DELTA_REQUIRED : []),
  ];
  const progress = (file: string) => (rowsRead: number) => options.onProgress?.(file, rowsRead);
  const noteMetadata = (file: string) => (header: Header) => {
    for (const column of header.names)
      if (column.startsWith('metadata.') && !KNOWN_METADATA.has(column))
        report.note(`${file}: extension column "${column}" has no place in Homeroom yet and was ignored.`);
  };
  const status = (header: Header, fields: readonly string[]) => header.get(fields, 'status').toLowerCase();

  try {
    // orgs.csv: schools (the district row was handled above).
    await importCsvFile(db, report, {
      file: 'orgs.csv',
      entity: 'schools',
      records: (async function* () {
        yield* orgs;
      })(),
      required: required('orgs'),
      batchSize,
      onHeader: noteMetadata('orgs.csv'),
      parse: (header, fields) => {
        const type = header.get(fields, 'type');
        const sourceId = header.get(fields, 'sourcedId');
        if (sourceId === '') return new RowProblem('sourcedId', 'sourcedId is required.');
        return {
          type,
          sourceId,
          name: header.get(fields, 'name'),
          status: status(header, fields),
          deleted: isDeleted(status(header, fields)),
        };
      },
      apply: async (trx, rows, reject) => {
        const schools = dropDuplicates(
          rows.filter((row) => row.value.type === 'school'),
          (value) => value.sourceId,
          'sourcedId',
          reject,
        );
        const deleted = schools.filter((row) => row.value.deleted);
        if (deleted.length > 0) {
          // Deleting a school would take its classes, enrolments and attendance with it
          // (foreign keys cascade): a school is closed by an operator, never by a feed.
          const stored = new Map(
            (
              await trx
                .selectFrom('schools')
                .select(['source_id', 'name'])
                .where('district_id', '=', districtId)
                .where(
                  'source_id',
                  'in',
                  deleted.map((row) => row.value.sourceId),
                )
                .execute()
            ).map((row) => [row.source_id as string, row.name]),
          );
          for (const row of deleted) {
            const name = stored.get(row.value.sourceId);
            if (name !== undefined)
              reject(
                row,
                'status',
                `the school "${name}" (sourcedId "${row.value.sourceId}") is ${row.value.status} in orgs.csv, but nothing was deleted or ended: ` +
                  'deleting a school would take its classes, enrolments and attendance with it. Closing a school is an operator decision; ' +
                  'its students leave through users.csv (withdrawals), its classes through classes.csv.',
              );
          }
        }
        const upserts: Record<string, unknown>[] = [];
        for (const row of schools) {
          if (row.value.deleted) continue;
          if (row.value.name === '') {
            reject(row, 'name', 'name is required.');
            continue;
          }
          upserts.push({
            district_id: districtId,
            source_id: row.value.sourceId,
            name: row.value.name,
            ...schoolTypeFor(row.value.name),
          });
        }
        countOutcome(
          report,
          'schools',
          await upsertRows(trx, 'schools', upserts, { key: ['district_id', 'source_id'] }),
        );
      },
    });

    // academicSessions.csv: school years, then terms (both small: read whole).
    const years = new Map<string, Year>(); // by source id
    const yearsByLabel = new Map<string, Year>(); // by the schoolYear column ("2027")
    const sessions = new Map<string, { sessionId: string; yearId: string }>();
    if (present('academicSessions')) {
      const records = await readAll(readCsvFile(pathOf('academicSessions'), 'academicSessions.csv'));
      const header = new Header('academicSessions.csv', records[0]?.fields ?? []);
      header.require(required('academicSessions'));
      const rows = records.slice(1);
      const parsed: Array<SourceRow<Record<string, string>>> = [];
      const keptSession = (entity: string, row: SourceRow<unknown>, reason: string) =>
        report.reject(entity, {
          file: 'academicSessions.csv',
          line: row.line,
          column: 'status',
          reason,
          raw: row.raw,
        });
      await db.transaction().execute(async (trx) => {
        for (const record of rows) {
          const get = (column: string) => header.get(record.fields, column);
          const raw = record.fields.join(',').slice(0, 200);
          const bad = (column: string, reason: string) =>
            report.reject('school_years', {
              file: 'academicSessions.csv',
              line: record.line,
              column,
              reason,
              raw,
            });
          const start = parseDate(get('startDate'));
          const end = parseDate(get('endDate'));
          if (!start) {
            bad('startDate', `"${get('startDate')}" is not a date as YYYY-MM-DD.`);
            continue;
          }
          if (!end || end < start) {
            bad('endDate', `"${get('endDate')}" is not a date as YYYY-MM-DD on or after startDate.`);
            continue;
          }
          parsed.push({
            line: record.line,
            raw,
            value: {
              sourceId: get('sourcedId'),
              title: get('title'),
              type: get('type'),
              start,
              // Academic-session end dates are the last day, inclusive, in practice.
              endExclusive: addDays(end, 1),
              parent: get('parentSourcedId'),
              schoolYear: get('schoolYear'),
              status: get('status').toLowerCase(),
            },
          });
        }
        for (const row of parsed.filter((r) => r.value.type === 'schoolYear')) {
          const v = row.value as Record<string, string>;
          const existing = await trx
            .selectFrom('school_years')
            .select(['school_year_id', 'name', 'start_date', 'end_date_exclusive'])
            .where('district_id', '=', districtId)
            .where((eb) =>
              eb.or([eb('source_id', '=', v.sourceId as string), eb('name', '=', v.title as string)]),
            )
            .orderBy(sql`source_id = ${v.sourceId}`, 'desc')
            .executeTakeFirst();
          if (isDeleted(v.status as string)) {
            // Deleting a school year would take its classes, enrolments, calendars and
            // attendance figures with it (foreign keys cascade): kept, and said so.
            if (existing)
              keptSession(
                'school_years',
                row,
                `the school year "${existing.name}" is ${v.status} in academicSessions.csv, but nothing was deleted: ` +
                  'deleting a school year would take its classes, enrolments, calendars and attendance figures with it. ' +
                  'A school year is removed by an operator, never by a feed.',
              );
            continue;
          }
          let id: string;
          if (!existing) {
            const created = await trx
              .insertInto('school_years')
              .values({
                district_id: districtId,
                name: v.title as string,
                start_date: v.start as string,
                end_date_exclusive: v.endExclusive as string,
                source_id: v.sourceId as string,
              })
              .returning('school_year_id')
              .executeTakeFirstOrThrow();
            id = created.school_year_id;
            report.count('school_years', 'created');
          } else {
            id = existing.school_year_id;
            const same =
              existing.name === v.title &&
              String(existing.start_date) === v.start &&
              String(existing.end_date_exclusive) === v.endExclusive;
            if (same) report.count('school_years', 'unchanged');
            else {
              await trx
                .updateTable('school_years')
                .set({
                  name: v.title as string,
                  start_date: v.start as string,
                  end_date_exclusive: v.endExclusive as string,
                  source_id: v.sourceId as string,
                })
                .where('district_id', '=', districtId)
                .where('school_year_id', '=', id)
                .execute();
              report.count('school_years', 'updated');
            }
          }
          const year = { id, start: v.start as string, endExclusive: v.endExclusive as string };
          years.set(v.sourceId as string, year);
          if (v.schoolYear) yearsByLabel.set(v.schoolYear, year);
        }
        const known = await trx
          .selectFrom('school_years')
          .select(['school_year_id', 'start_date', 'end_date_exclusive', 'source_id'])
          .where('district_id', '=', districtId)
          .execute();
        const yearContaining = (date: string) => {
          const found = known.find(
            (y) => String(y.start_date) <= date && date < String(y.end_date_exclusive),
          );
          return found?.school_year_id;
        };
        for (const row of parsed.filter((r) => r.value.type !== 'schoolYear')) {
          const v = row.value as Record<string, string>;
          const existing = await trx
            .selectFrom('sessions')
            .select([
              'session_id',
              'school_year_id',
              'name',
              'session_type',
              'start_date',
              'end_date_exclusive',
            ])
            .where('district_id', '=', districtId)
            .where('source_id', '=', v.sourceId as string)
            .executeTakeFirst();
          if (isDeleted(v.status as string)) {
            // Kept too: deleting a term would unlink its classes from it, and a term of a
            // year under way does not end because a feed says so.
            if (existing)
              keptSession(
                'sessions',
                row,
                `the ${v.type} "${existing.name}" is ${v.status} in academicSessions.csv, but nothing was deleted: ` +
                  'its classes keep it. A term is removed by an operator, never by a feed.',
              );
            continue;
          }
          const yearId =
            years.get(v.parent as string)?.id ??
            yearsByLabel.get(v.schoolYear as string)?.id ??
            yearContaining(v.start as string);
          if (!yearId) {
            report.reject('sessions', {
              file: 'academicSessions.csv',
              line: row.line,
              column: 'parentSourcedId',
              reason: `no school year holds this ${v.type} (its parent "${v.parent}" is not a schoolYear session).`,
              raw: row.raw,
            });
            continue;
          }
          const values = {
            school_year_id: yearId,
            name: v.title as string,
            session_type: SESSION_TYPES[v.type as string] ?? 'other',
            start_date: v.start as string,
            end_date_exclusive: v.endExclusive as string,
          };
          if (!existing) {
            const created = await trx
              .insertInto('sessions')
              .values({ district_id: districtId, source_id: v.sourceId as string, ...values })
              .returning('session_id')
              .executeTakeFirstOrThrow();
            sessions.set(v.sourceId as string, { sessionId: created.session_id, yearId });
            report.count('sessions', 'created');
            continue;
          }
          sessions.set(v.sourceId as string, { sessionId: existing.session_id, yearId });
          const same =
            existing.school_year_id === yearId &&
            existing.name === values.name &&
            existing.session_type === values.session_type &&
            String(existing.start_date) === values.start_date &&
            String(existing.end_date_exclusive) === values.end_date_exclusive;
          if (same) report.count('sessions', 'unchanged');
          else {
            await trx
              .updateTable('sessions')
              .set(values)
              .where('district_id', '=', districtId)
              .where('session_id', '=', existing.session_id)
              .execute();
            report.count('sessions', 'updated');
          }
        }
        await report.persist(trx);
      });
    }
    const allYears = await db
      .selectFrom('school_years')
      .select(['school_year_id', 'start_date', 'end_date_exclusive', 'source_id'])
      .where('district_id', '=', districtId)
      .orderBy('start_date')
      .execute();
    const yearOf = (date: string) =>
      allYears.find((y) => String(y.start_date) <= date && date < String(y.end_date_exclusive));
    for (const y of allYears)
      if (y.source_id && !years.has(y.source_id))
        years.set(y.source_id, {
          id: y.school_year_id,
          start: String(y.start_date),
          endExclusive: String(y.end_date_exclusive),
        });

    const schoolIds = new Map(
      (
        await db
          .selectFrom('schools')
          .select(['source_id', 'school_id'])
          .where('district_id', '=', districtId)
          .execute()
      ).map((row) => [row.source_id as string, row.school_id]),
    );

    // Calendars: the school's calendar for a school year, by code (created on first use).
    // Cached per transaction: a calendar created by a batch that rolls back must be forgotten.
    const calendarCaches = new WeakMap<Executor, Map<string, string>>();
    const calendarFor = async (trx: Executor, schoolId: string, yearId: string, code: string | null) => {
      const key = `${schoolId}|${yearId}|${code ?? ''}`;
      let calendarCache = calendarCaches.get(trx);
      if (!calendarCache) {
        calendarCache = new Map();
        calendarCaches.set(trx, calendarCache);
      }
      const cached = calendarCache.get(key);
      if (cached) return cached;
      let query = trx
        .selectFrom('calendars')
        .select(['calendar_id', 'code'])
        .where('district_id', '=', districtId)
        .where('school_id', '=', schoolId)
        .where('school_year_id', '=', yearId);
      if (code) query = query.where('code', '=', code);
      const existing = await query.orderBy(sql`code = 'regular'`, 'desc').orderBy('code').executeTakeFirst();
      let id = existing?.calendar_id;
      if (!id) {
        const created = await trx
          .insertInto('calendars')
          .values({
            district_id: districtId,
            school_id: schoolId,
            school_year_id: yearId,
            code: code ?? 'regular',
            name: code ?? 'Regular',
          })
          .returning('calendar_id')
          .executeTakeFirstOrThrow();
        id = created.calendar_id;
        report.count('calendars', 'created');
      }
      calendarCache.set(key, id);
      return id;
    };

    const calendarPath = join(directory, 'calendar.csv');
    if (existsSync(calendarPath)) {
      await importCalendarRows(db, report, {
        path: calendarPath,
        batchSize,
        schoolIds,
        yearOf,
        calendarFor,
        onBatch: progress('calendar.csv'),
      });
    }

    // courses.csv: titles and codes for sections (few rows: read whole).
    const courses = new Map<string, { title: string; code: string; year: string }>();
    if (present('courses')) {
      const records = await readAll(readCsvFile(pathOf('courses'), 'courses.csv'));
      const header = new Header('courses.csv', records[0]?.fields ?? []);
      header.require(required('courses'));
      for (const record of records.slice(1))
        courses.set(header.get(record.fields, 'sourcedId'), {
          title: header.get(record.fields, 'title'),
          code: header.get(record.fields, 'courseCode'),
          year: header.get(record.fields, 'schoolYearSourcedId'),
        });
    }

    // classes.csv → sections. A class marked tobedeleted is kept (its attendance refers to
    // it) and its class enrolments end; enrollments.csv may not reopen them in the same import.
    const deletedClasses = new Set<string>();
    if (present('classes')) {
      await importCsvFile(db, report, {
        file: 'classes.csv',
        entity: 'sections',
        tables: ['sections'],
        records: readCsvFile(pathOf('classes'), 'classes.csv'),
        required: required('classes'),
        batchSize,
        onBatch: progress('classes.csv'),
        onHeader: noteMetadata('classes.csv'),
        parse: (header, fields) => {
          const get = (column: string) => header.get(fields, column);
          const sourceId = get('sourcedId');
          if (sourceId === '') return new RowProblem('sourcedId', 'sourcedId is required.');
          if (isDeleted(status(header, fields))) {
            deletedClasses.add(sourceId);
            return { sourceId, deleted: true as const };
          }
          const schoolId = schoolIds.get(get('schoolSourcedId'));
          if (!schoolId)
            return new RowProblem(
              'schoolSourcedId',
              `no school has the sourcedId "${get('schoolSourcedId')}".`,
            );
          const course = courses.get(get('courseSourcedId'));
          const terms = list(get('termSourcedIds'));
          const session = terms.map((term) => sessions.get(term)).find((found) => found !== undefined);
          const yearId =
            years.get(course?.year ?? '')?.id ?? session?.yearId ?? years.get(terms[0] ?? '')?.id;
          if (!yearId)
            return new RowProblem(
              'termSourcedIds',
              `no school year holds the terms "${get('termSourcedIds')}".`,
            );
          return {
            sourceId,
            deleted: false as const,
            row: {
              district_id: districtId,
              source_id: sourceId,
              school_id: schoolId,
              school_year_id: yearId,
              session_id: session?.sessionId ?? null,
              course_code: course?.code || null,
              name: get('title') || course?.title || sourceId,
              is_homeroom: get('classType').toLowerCase() === 'homeroom',
            },
          };
        },
        apply: async (trx, batch, reject) => {
          const rows = dropDuplicates(batch, (value) => value.sourceId, 'sourcedId', reject);
          const deleted = rows.filter((row) => row.value.deleted).map((row) => row.value.sourceId);
          if (deleted.length > 0) {
            const ended = await trx
              .selectFrom('sections')
              .select('section_id')
              .where('district_id', '=', districtId)
              .where('source_id', 'in', deleted)
              .execute();
            if (ended.length > 0) {
              await endSectionEnrolments(
                trx,
                report,
                asOf,
                sql`se.section_id = ANY(${ended.map((row) => row.section_id)}::uuid[])`,
              );
              report.note(
                `classes.csv: classes marked tobedeleted are kept, with their teachers and attendance; their class enrolments still open end on ${asOf}.`,
              );
            }
          }
          const upserts = rows.flatMap((row) => (row.value.deleted ? [] : [row.value.row]));
          countOutcome(
            report,
            'sections',
            await upsertRows(trx, 'sections', upserts, { key: ['district_id', 'source_id'] }),
          );
        },
      });
    }

    // roles.csv (1.2): every user's roles, read before users.csv.
    const roles = new Map<string, RoleEntry[]>();
    if (version === '1.2' && present('roles')) {
      let header: Header | undefined;
      for await (const record of readCsvFile(pathOf('roles'), 'roles.csv')) {
        if (!header) {
          header = new Header('roles.csv', record.fields);
          header.require(required('roles'));
          continue;
        }
        const get = (column: string) => (header as Header).get(record.fields, column);
        if (isDeleted(get('status').toLowerCase())) continue;
        const entry = {
          sourcedId: get('sourcedId'),
          role: get('role'),
          org: get('orgSourcedId'),
          begin: parseDate(get('beginDate')),
          end: parseDate(get('endDate')),
        };
        const user = get('userSourcedId');
        const entries = roles.get(user);
        if (entries) entries.push(entry);
        else roles.set(user, [entry]);
      }
    }

    // users.csv → students, staff, guardians; memberships and guardian links for later.
    const memberships = new Map<string, Membership>();
    const links = new Map<string, { student: string; guardian: string }>();
    const guardianRelationship = new Map<string, string>();
    // Who left: every sourcedId a bulk users.csv names (rejected rows too: a row the import
    // cannot read is no sign that its student left), and the students marked tobedeleted.
    const usersBulk = mode('users') === 'bulk';
    const namedInUsers = new Set<string>();
    const deletedStudents = new Set<string>();
    // Guardians marked tobedeleted in this import: no student row of it links them again.
    const deletedGuardians = new Set<string>();
    if (present('users')) {
      await importCsvFile(db, report, {
        file: 'users.csv',
        entity: 'users',
        tables: ['students', 'staff_users', 'contacts', 'contact_phones', 'contact_emails'],
        records: usersBulk
          ? noteSourcedIds(readCsvFile(pathOf('users'), 'users.csv'), namedInUsers)
          : readCsvFile(pathOf('users'), 'users.csv'),
        required: required('users'),
        batchSize,
        onBatch: progress('users.csv'),
        onHeader: noteMetadata('users.csv'),
        parse: (header, fields) => parseUser(header, fields, version, roles),
        apply: async (trx, batch, reject) => {
          const rows = dropDuplicates(batch, (value) => value.sourceId, 'sourcedId', reject);
          const students: Record<string, unknown>[] = [];
          const staff: Record<string, unknown>[] = [];
          const contacts: Record<string, unknown>[] = [];
          const phones: Array<{ source: string; phone: string; sms: boolean }> = [];
          const emails: Array<{ source: string; email: string }> = [];
          // Nobody is deleted: deleting a row would take attendance or conversations with it
          // (foreign keys cascade). A student is withdrawn at the end of the import, a staff
          // member deactivated, a guardian paused.
          const deletedStaff: string[] = [];
          const pausedGuardians: string[] = [];
          const unknownDeleted: Array<SourceRow<ParsedUser>> = [];
          for (const row of rows) {
            const user = row.value;
            if (user.deleted) {
              if (user.kind === 'student') deletedStudents.add(user.sourceId);
              else if (user.kind === 'staff') deletedStaff.push(user.sourceId);
              else if (user.kind === 'guardian') pausedGuardians.push(user.sourceId);
              else unknownDeleted.push(row);
              continue;
            }
            if (user.kind === 'student') {
              students.push({
                district_id: districtId,
                source_id: user.sourceId,
                local_id: user.identifier || user.sourceId,
                state_id: user.stateId,
                first_name: user.givenName,
                middle_name: user.middleName,
                last_name: user.familyName,
                preferred_name: user.preferredName,
                grade_level: user.grade,
                home_language: user.language ?? 'en',
              });
              for (const membership of user.memberships) memberships.set(membership.sourceId, membership);
              for (const guardian of user.agents)
                links.set(`${user.sourceId}\u0000${guardian}`, { student: user.sourceId, guardian });
            } else if (user.kind === 'staff') {
              if (!user.email) {
                reject(
                  row,
                  'email',
                  'a staff member needs an email address to sign in (email, or a username that is one).',
                );
                continue;
              }
              staff.push({
                district_id: districtId,
                source_id: user.sourceId,
                email: user.email,
                display_name: `${user.givenName} ${user.familyName}`.trim(),
                is_active: user.enabled,
              });
            } else {
              contacts.push({
                district_id: districtId,
                source_id: user.sourceId,
                first_name: user.givenName,
                last_name: user.familyName,
                preferred_language: user.language ?? 'en',
              });
              guardianRelationship.set(user.sourceId, user.relationship);
              for (const student of user.agents)
                links.set(`${student}\u0000${user.sourceId}`, { student, guardian: user.sourceId });
              const phone = user.sms || user.phone;
              if (phone) {
                const e164 = normalisePhone(phone);
                if (e164) phones.push({ source: user.sourceId, phone: e164, sms: user.sms !== '' });
                else
                  report.reject('contact_phones', {
                    file: 'users.csv',
                    line: row.line,
                    column: user.sms ? 'sms' : 'phone',
                    reason: `"${phone}" is not a phone number Homeroom can dial (E.164, or a 10-digit US number); the guardian was imported without it.`,
                    raw: row.raw,
                  });
              }
              if (user.email) emails.push({ source: user.sourceId, email: user.email });
            }
          }
          if (unknownDeleted.length > 0) {
            // A delta sends a deleted user's roles as deleted too, so the role no longer says
            // what the user was: a stored student, staff member or guardian is still
            // recognised by its sourcedId.
            const sourceIds = unknownDeleted.map((row) => row.value.sourceId);
            const storedIn = async (table: 'students' | 'staff_users' | 'contacts') =>
              new Set(
                (
                  await trx
                    .selectFrom(table)
                    .select('source_id')
                    .where('district_id', '=', districtId)
                    .where('source_id', 'in', sourceIds)
                    .execute()
                ).map((row) => row.source_id as string),
              );
            const [storedStudents, storedStaff, storedGuardians] = [
              await storedIn('students'),
              await storedIn('staff_users'),
              await storedIn('contacts'),
            ];
            for (const row of unknownDeleted) {
              const sourceId = row.value.sourceId;
              if (storedStudents.has(sourceId)) deletedStudents.add(sourceId);
              else if (storedStaff.has(sourceId)) deletedStaff.push(sourceId);
              else if (storedGuardians.has(sourceId)) pausedGuardians.push(sourceId);
              else
                reject(
                  row,
                  version === '1.2' ? 'roles.csv' : 'role',
                  'the user is tobedeleted, but no role (in 1.2, a row in roles.csv) says what it is and no student, staff member or guardian has its sourcedId: nothing was changed.',
                );
            }
          }
          if (deletedStaff.length > 0) await deactivateStaff(trx, report, deletedStaff);
          if (pausedGuardians.length > 0) {
            for (const sourceId of pausedGuardians) deletedGuardians.add(sourceId);
            await pauseGuardians(trx, report, pausedGuardians);
          }
          countOutcome(
            report,
            'students',
            await upsertRows(trx, 'students', students, { key: ['district_id', 'source_id'], touch: true }),
          );
          countOutcome(
            report,
            'staff_users',
            await upsertRows(trx, 'staff_users', staff, { key: ['district_id', 'source_id'], touch: true }),
          );
          countOutcome(
            report,
            'contacts',
            await upsertRows(trx, 'contacts', contacts, { key: ['district_id', 'source_id'], touch: true }),
          );
          // A guardian paused by an earlier tobedeleted, named again: the pause is undone.
          if (contacts.length > 0)
            await resumeGuardians(
              trx,
              report,
              contacts.map((contact) => contact.source_id as string),
            );
          if (phones.length > 0 || emails.length > 0) {
            const ids = new Map(
              (
                await trx
                  .selectFrom('contacts')
                  .select(['source_id', 'contact_id'])
                  .where('district_id', '=', districtId)
                  .where('source_id', 'in', [
                    ...new Set([...phones.map((p) => p.source), ...emails.map((e) => e.source)]),
                  ])
                  .execute()
              ).map((row) => [row.source_id as string, row.contact_id]),
            );
            const phoneRows = phones.flatMap((p) => {
              const contactId = ids.get(p.source);
              return contactId
                ? [
                    {
                      district_id: districtId,
                      contact_id: contactId,
                      phone_e164: p.phone,
                      can_receive_sms: p.sms,
                      is_primary: true,
                    },
                  ]
                : [];
            });
            countOutcome(
              report,
              'contact_phones',
              await upsertRows(trx, 'contact_phones', phoneRows, {
                key: ['district_id', 'contact_id', 'phone_e164'],
              }),
            );
            const emailRows = emails.flatMap((e) => {
              const contactId = ids.get(e.source);
              return contactId && /^[^@\s]+@[^@\s]+$/.test(e.email)
                ? [{ district_id: districtId, contact_id: contactId, email: e.email, is_primary: true }]
                : [];
            });
            countOutcome(
              report,
              'contact_emails',
              await upsertRows(trx, 'contact_emails', emailRows, {
                key: ['district_id', 'contact_id', 'email'],
              }),
            );
          }
        },
      });
    }

    // Students who left: decided now, against the enrolments as they were before this import,
    // but carried out only once every file has been read to its end (a file that stops the
    // import part-way must not have withdrawn anyone).
    const withdrawals = await planWithdrawals(db, districtId, {
      asOf,
      namedInBulk: present('users') && usersBulk ? namedInUsers : null,
      deleted: deletedStudents,
      maxShare: maxWithdrawalShare,
    });

    // demographics.csv → students' birth date, sex, race and ethnicity.
    if (present('demographics')) {
      await importCsvFile(db, report, {
        file: 'demographics.csv',
        entity: 'demographics',
        records: readCsvFile(pathOf('demographics'), 'demographics.csv'),
        required: required('demographics'),
        batchSize,
        onBatch: progress('demographics.csv'),
        parse: (header, fields) => {
          const get = (column: string) => header.get(fields, column);
          const birthDate = get('birthDate');
          if (birthDate !== '' && !isDate(birthDate))
            return new RowProblem('birthDate', `"${birthDate}" is not a date as YYYY-MM-DD.`);
          const yes = (column: string) => get(column).toLowerCase() === 'true';
          const races = [
            ['americanIndianOrAlaskaNative', 'american_indian_alaska_native'],
            ['asian', 'asian'],
            ['blackOrAfricanAmerican', 'black'],
            ['nativeHawaiianOrOtherPacificIslander', 'native_hawaiian_pacific_islander'],
            ['white', 'white'],
          ].flatMap(([column, code]) => (yes(column as string) ? [code as string] : []));
          const sex = get('sex').toLowerCase();
          return {
            source_id: get('sourcedId'),
            date_of_birth: birthDate || null,
            gender: sex === 'female' ? 'F' : sex === 'male' ? 'M' : sex === '' ? null : 'X',
            races,
            hispanic_latino: yes('hispanicOrLatinoEthnicity'),
          };
        },
        apply: async (trx, rows, reject) => {
          if (rows.length === 0) return;
          const values = rows.map((row) => row.value);
          const result = await sql<{ source_id: string }>`UPDATE students s SET
              date_of_birth = d.date_of_birth, gender = d.gender, races = d.races,
              hispanic_latino = d.hispanic_latino, updated_at = now()
            FROM json_populate_recordset(NULL::students, ${JSON.stringify(values)}::json) d
            WHERE s.district_id = ${districtId} AND s.source_id = d.source_id
              AND (s.date_of_birth, s.gender, s.races, s.hispanic_latino)
                IS DISTINCT FROM (d.date_of_birth, d.gender, d.races, d.hispanic_latino)
            RETURNING s.source_id`.execute(trx);
          const known = new Set(
            (
              await trx
                .selectFrom('students')
                .select('source_id')
                .where('district_id', '=', districtId)
                .where(
                  'source_id',
                  'in',
                  values.map((v) => v.source_id),
                )
                .execute()
            ).map((row) => row.source_id),
          );
          for (const row of rows)
            if (!known.has(row.value.source_id))
              reject(row, 'sourcedId', `no student has the sourcedId "${row.value.source_id}".`);
          report.count('demographics', 'updated', result.rows.length);
          report.count('demographics', 'unchanged', known.size - result.rows.length);
        },
      });
    }

    // enrollments.csv → section enrolments (students) and section staff (teachers).
    if (present('enrollments')) {
      await importCsvFile(db, report, {
        file: 'enrollments.csv',
        entity: 'section_enrolments',
        tables: ['section_enrolments', 'section_staff'],
        records: readCsvFile(pathOf('enrollments'), 'enrollments.csv'),
        required: required('enrollments'),
        batchSize,
        onBatch: progress('enrollments.csv'),
        onHeader: noteMetadata('enrollments.csv'),
        parse: (header, fields) => {
          const get = (column: string) => header.get(fields, column);
          const begin = get('beginDate');
          const end = get('endDate');
          if (begin !== '' && !parseDate(begin))
            return new RowProblem('beginDate', `"${begin}" is not a date as YYYY-MM-DD.`);
          if (end !== '' && !parseDate(end))
            return new RowProblem('endDate', `"${end}" is not a date as YYYY-MM-DD.`);
          return {
            sourceId: get('sourcedId'),
            section: get('classSourcedId'),
            user: get('userSourcedId'),
            role: get('role'),
            primary: get('primary').toLowerCase() !== 'false',
            begin: parseDate(begin),
            endExclusive: parseDate(end),
            deleted: isDeleted(status(header, fields)),
          };
        },
        apply: async (trx, batch, reject) => {
          const rows = dropDuplicates(batch, (value) => value.sourceId, 'sourcedId', reject);
          if (rows.length === 0) return;
          const sectionRows = await trx
            .selectFrom('sections')
            .select(['source_id', 'section_id', 'school_year_id'])
            .where('district_id', '=', districtId)
            .where('source_id', 'in', [...new Set(rows.map((row) => row.value.section))])
            .execute();
          const sectionsBySource = new Map(sectionRows.map((row) => [row.source_id as string, row]));
          const userSources = [...new Set(rows.map((row) => row.value.user))];
          const studentIds = new Map(
            (
              await trx
                .selectFrom('students')
                .select(['source_id', 'student_id'])
                .where('district_id', '=', districtId)
                .where('source_id', 'in', userSources)
                .execute()
            ).map((row) => [row.source_id as string, row.student_id]),
          );
          const staffIds = new Map(
            (
              await trx
                .selectFrom('staff_users')
                .select(['source_id', 'user_id'])
                .where('district_id', '=', districtId)
                .where('source_id', 'in', userSources)
                .execute()
            ).map((row) => [row.source_id as string, row.user_id]),
          );
          const enrolments: Record<string, unknown>[] = [];
          const teachers: Record<string, unknown>[] = [];
          const deletedEnrolments: string[] = [];
          for (const row of rows) {
            const value = row.value;
            if (value.deleted && value.role === 'student') {
              deletedEnrolments.push(value.sourceId);
              continue;
            }
            // A student who left is in no class: enrolling them again would undo the withdrawal
            // (and a second import of the same files would flip it back and forth).
            const leaving = value.role === 'student' ? withdrawals.leaving(value.user) : null;
            if (leaving) {
              reject(row, 'userSourcedId', leaving);
              continue;
            }
            // Likewise a class that ended in this import (its teachers stay: they keep it).
            if (value.role === 'student' && deletedClasses.has(value.section)) {
              reject(
                row,
                'classSourcedId',
                `the class "${value.section}" is tobedeleted in classes.csv, so nobody is enrolled in it.`,
              );
              continue;
            }
            const section = sectionsBySource.get(value.section);
            if (!section) {
              reject(row, 'classSourcedId', `no class has the sourcedId "${value.section}".`);
              continue;
            }
            if (value.role === 'student') {
              const studentId = studentIds.get(value.user);
              if (!studentId) {
                reject(row, 'userSourcedId', `no student has the sourcedId "${value.user}".`);
                continue;
              }
              const entry =
                value.begin ?? allYears.find((y) => y.school_year_id === section.school_year_id)?.start_date;
              if (value.endExclusive && entry && value.endExclusive <= String(entry)) {
                reject(
                  row,
                  'endDate',
                  `endDate ${value.endExclusive} is not after beginDate ${entry} (OneRoster end dates are exclusive).`,
                );
                continue;
              }
              enrolments.push({
                district_id: districtId,
                source_id: value.sourceId,
                section_id: section.section_id,
                student_id: studentId,
                entry_date: String(entry),
                end_date_exclusive: value.endExclusive,
              });
            } else if (STAFF_ROLES.has(value.role)) {
              const userId = staffIds.get(value.user);
              if (!userId) {
                reject(row, 'userSourcedId', `no staff member has the sourcedId "${value.user}".`);
                continue;
              }
              if (value.deleted) {
                // The teaching link only: nothing refers to it, and what the teacher recorded
                // (attendance, mark history) refers to the teacher, who stays.
                const result = await trx
                  .deleteFrom('section_staff')
                  .where('district_id', '=', districtId)
                  .where('section_id', '=', section.section_id)
                  .where('user_id', '=', userId)
                  .executeTakeFirst();
                report.count('section_staff', 'deleted', Number(result.numDeletedRows));
                continue;
              }
              teachers.push({
                district_id: districtId,
                section_id: section.section_id,
                user_id: userId,
                is_primary: value.primary,
              });
            } else {
              reject(
                row,
                'role',
                `"${value.role}" is not an enrolment role Homeroom reads (student, teacher, ...).`,
              );
            }
          }
          if (deletedEnrolments.length > 0) {
            await endSectionEnrolments(
              trx,
              report,
              asOf,
              sql`se.source_id = ANY(${deletedEnrolments}::text[])`,
            );
            report.note(
              `enrollments.csv: class enrolments marked tobedeleted end on ${asOf} (those not begun yet are removed); the students and their attendance are kept.`,
            );
          }
          countOutcome(
            report,
            'section_enrolments',
            await upsertRows(trx, 'section_enrolments', enrolments, { key: ['district_id', 'source_id'] }),
          );
          countOutcome(
            report,
            'section_staff',
            await upsertRows(trx, 'section_staff', teachers, {
              key: ['district_id', 'section_id', 'user_id'],
            }),
          );
        },
      });
    }

    namedInUsers.clear(); // enrollments.csv was its last reader

    // School enrolment spans from the students' school roles (dates from roles.csv, else
    // from their section enrolments at that school, else the school year's dates).
    await importEnrolmentSpans(db, report, {
      memberships: [...memberships.values()],
      schoolIds,
      allYears,
      yearOf,
      calendarFor,
      batchSize: batchSize ?? 5_000,
    });
    memberships.clear();

    // Guardian links, once both sides exist.
    await importStudentContacts(db, report, {
      links: [...links.values()].filter((link) => !deletedGuardians.has(link.guardian)),
      guardianRelationship,
      batchSize: batchSize ?? 5_000,
    });

    await carryOutWithdrawals(db, report, withdrawals);

    await finishImportRun(db, report, 'succeeded');
    return {
      report,
      districtId,
      districtName: district.name,
      createdDistrict: district.created,
      withdrawal: withdrawals.outcome,
    };
  } catch (error) {
    await finishImportRun(db, report, 'failed', error instanceof Error ? error.message : String(error)).catch(
      () => undefined,
    );
    throw error;
  }
}

/** Passes a CSV file's records through, noting each row's sourcedId (read after the header). */
async function* noteSourcedIds(
  records: AsyncIterable<CsvRecord>,
  into: Set<string>,
): AsyncGenerator<CsvRecord> {
  let column: number | undefined;
  for await (const record of records) {
    if (column === undefined) column = record.fields.findIndex((field) => field.trim() === 'sourcedId');
    else if (column >= 0) {
      const sourceId = (record.fields[column] ?? '').trim();
      if (sourceId !== '') into.add(sourceId);
    }
    yield record;
  }
}

/** Why an enrolment is ended by a withdrawal (enrolment_spans.exit_reason). */
const EXIT_NOT_IN_ROSTER = 'not_in_roster';
const EXIT_DELETED_IN_ROSTER = 'deleted_in_roster';

interface WithdrawalPlan {
  readonly outcome: WithdrawalOutcome;
  /** Students to withdraw and why; empty when the guard refused. */
  readonly groups: ReadonlyArray<{ readonly studentIds: readonly string[]; readonly exitReason: string }>;
  /** Why a student's enrolment (by the student's sourcedId) must not be imported; null when it may. */
  readonly leaving: (sourceId: string) => string | null;
}

const count = (value: number) => value.toLocaleString('en-US');
const percent = (value: number) =>
  value.toLocaleString('en-US', { style: 'percent', maximumFractionDigits: 1 });

/**
 * Which students this import withdraws: those of the district's active students (from a
 * roster, with an enrolment that has not ended by `asOf` in a school year not yet over)
 * that a bulk users.csv no longer names, or that users.csv marks tobedeleted. The guard
 * refuses them all when they are more than `maxShare` of the active students (and more than
 * WITHDRAWAL_GUARD_MINIMUM, or every one of them).
 */
async function planWithdrawals(
  db: Kysely<DB>,
  districtId: string,
  context: {
    readonly asOf: string;
    /** Every sourcedId in a bulk users.csv; null when users.csv is a delta or absent. */
    readonly namedInBulk: ReadonlySet<string> | null;
    readonly deleted: ReadonlySet<string>;
    readonly maxShare: number;
  },
): Promise<WithdrawalPlan> {
  const { asOf, namedInBulk, deleted } = context;
  const activeStudents = sql`
    FROM students s
    WHERE s.district_id = ${districtId} AND s.source_id IS NOT NULL
      AND EXISTS (SELECT 1 FROM enrolment_spans e
        JOIN school_years y ON y.district_id = e.district_id AND y.school_year_id = e.school_year_id
        WHERE e.district_id = s.district_id AND e.student_id = s.student_id
          AND (e.end_date_exclusive IS NULL OR e.end_date_exclusive > ${asOf}::date)
          AND y.end_date_exclusive > ${asOf}::date)`;
  const active = Number(
    (await sql<{ n: string }>`SELECT count(*) AS n ${activeStudents}`.execute(db)).rows[0]?.n ?? 0,
  );
  const missing: string[] = [];
  const deletedIds: string[] = [];
  if (active > 0 && (namedInBulk || deleted.size > 0)) {
    // A bulk file needs every active student to compare; a delta only its deleted ones.
    const rows = (
      await sql<{ student_id: string; source_id: string }>`SELECT s.student_id, s.source_id ${activeStudents}
        ${namedInBulk ? sql`` : sql`AND s.source_id = ANY(${[...deleted]}::text[])`}`.execute(db)
    ).rows;
    for (const row of rows) {
      if (deleted.has(row.source_id)) deletedIds.push(row.student_id);
      else if (namedInBulk && !namedInBulk.has(row.source_id)) missing.push(row.student_id);
    }
  }
  const leaving = (sourceId: string) =>
    deleted.has(sourceId)
      ? `the student "${sourceId}" is tobedeleted in users.csv, so they are enrolled in no class.`
      : namedInBulk && !namedInBulk.has(sourceId)
        ? `no user in users.csv has the sourcedId "${sourceId}" (a bulk users.csv names every user; a student it leaves out has left).`
        : null;
  const withdrawing = missing.length + deletedIds.length;
  const share = active > 0 ? withdrawing / active : 0;
  const allowed = Math.floor(context.maxShare * active + 1e-9);
  const refuse = withdrawing > allowed && (withdrawing > WITHDRAWAL_GUARD_MINIMUM || withdrawing === active);
  let refused: string | null = null;
  if (refuse) {
    const why = [
      missing.length > 0 ? `${count(missing.length)} not in users.csv, a bulk file` : null,
      deletedIds.length > 0 ? `${count(deletedIds.length)} marked tobedeleted` : null,
    ]
      .filter((part) => part !== null)
      .join(', ');
    const suggested = Math.min(1, Math.ceil(share * 100 - 1e-9) / 100);
    refused =
      `No student was withdrawn: this import would withdraw ${withdrawing === active ? 'every one' : count(withdrawing)} of the district's ${count(active)} active students (${percent(share)}; ${why}), ` +
      `more than the ${percent(context.maxShare)} one import may withdraw. A truncated or half-finished export looks like this: ` +
      'check the files. The rest of the roster was imported. If these students really left (a school closed, say), ' +
      `import the same files again with --max-withdrawal-share ${suggested} (or --allow-mass-withdrawal).`;
  }
  return {
    outcome: {
      asOf,
      activeStudents: active,
      missing: missing.length,
      deleted: deletedIds.length,
      withdrawn: refuse ? 0 : withdrawing,
      refused,
    },
    groups: refuse
      ? []
      : [
          { studentIds: missing, exitReason: EXIT_NOT_IN_ROSTER },
          { studentIds: deletedIds, exitReason: EXIT_DELETED_IN_ROSTER },
        ].filter((group) => group.studentIds.length > 0),
    leaving,
  };
}

/**
 * Withdraws the students a plan names, as of its date: their enrolments at schools and in
 * classes that have not ended by then end that day (those that had not begun yet are
 * removed: the student never came). The students, their families and their attendance are
 * kept, and a student a later roster names again gets their enrolments back from it. A
 * refused plan is reported instead, in the summary and among the run's errors.
 */
async function carryOutWithdrawals(
  db: Kysely<DB>,
  report: ImportReport,
  plan: WithdrawalPlan,
): Promise<void> {
  const { outcome } = plan;
  if (outcome.refused) {
    report.note(outcome.refused);
    report.reject(null, { file: 'users.csv', line: null, column: null, reason: outcome.refused });
    return;
  }
  if (plan.groups.length === 0) return;
  const asOf = outcome.asOf;
  report.save();
  try {
    await withdraw(db, report, asOf, plan.groups);
  } catch (error) {
    report.restore(); // the transaction rolled back: nothing it counted happened
    throw error;
  }
  const why = [
    outcome.missing > 0 ? `${count(outcome.missing)} not in this bulk users.csv` : null,
    outcome.deleted > 0 ? `${count(outcome.deleted)} tobedeleted` : null,
  ]
    .filter((part) => part !== null)
    .join(', ');
  report.note(
    `${count(outcome.withdrawn)} of the district's ${count(outcome.activeStudents)} active students left and were withdrawn as of ${asOf} (${why}): their enrolments end that day; they, their families and their attendance are kept.`,
  );
}

/** Ends (or removes, when not begun) the withdrawn students' open enrolments, in one transaction. */
async function withdraw(
  db: Kysely<DB>,
  report: ImportReport,
  asOf: string,
  groups: WithdrawalPlan['groups'],
): Promise<void> {
  const districtId = report.districtId;
  await db.transaction().execute(async (trx) => {
    for (const { studentIds, exitReason } of groups) {
      const ids = sql`${studentIds}::uuid[]`;
      const ended = await sql`UPDATE enrolment_spans e
        SET end_date_exclusive = ${asOf}::date, exit_reason = ${exitReason}
        FROM school_years y
        WHERE e.district_id = ${districtId} AND e.student_id = ANY(${ids})
          AND y.district_id = e.district_id AND y.school_year_id = e.school_year_id
          AND y.end_date_exclusive > ${asOf}::date
          AND (e.end_date_exclusive IS NULL OR e.end_date_exclusive > ${asOf}::date)
          AND e.entry_date < ${asOf}::date`.execute(trx);
      report.count('enrolment_spans', 'updated', Number(ended.numAffectedRows ?? 0));
      const unstarted = await sql`DELETE FROM enrolment_spans e
        USING school_years y
        WHERE e.district_id = ${districtId} AND e.student_id = ANY(${ids})
          AND y.district_id = e.district_id AND y.school_year_id = e.school_year_id
          AND y.end_date_exclusive > ${asOf}::date
          AND (e.end_date_exclusive IS NULL OR e.end_date_exclusive > ${asOf}::date)
          AND e.entry_date >= ${asOf}::date`.execute(trx);
      report.count('enrolment_spans', 'deleted', Number(unstarted.numAffectedRows ?? 0));
      await endSectionEnrolments(trx, report, asOf, sql`se.student_id = ANY(${ids})`);
    }
    await report.persist(trx);
  });
}

/**
 * Ends the class enrolments `which` (a condition on `se`) selects that are still open on
 * `asOf`, in school years not over: they end that day (end_date_exclusive, exclusive); those
 * that had not begun yet are removed (nothing refers to an enrolment: attendance is kept by
 * student, school and section). Counted as section_enrolments updated and deleted.
 */
async function endSectionEnrolments(
  trx: Executor,
  report: ImportReport,
  asOf: string,
  which: RawBuilder<unknown>,
): Promise<void> {
  const districtId = report.districtId;
  const ended = await sql`UPDATE section_enrolments se
    SET end_date_exclusive = ${asOf}::date
    FROM sections c JOIN school_years y ON y.district_id = c.district_id AND y.school_year_id = c.school_year_id
    WHERE se.district_id = ${districtId} AND ${which}
      AND c.district_id = se.district_id AND c.section_id = se.section_id
      AND y.end_date_exclusive > ${asOf}::date
      AND (se.end_date_exclusive IS NULL OR se.end_date_exclusive > ${asOf}::date)
      AND se.entry_date < ${asOf}::date`.execute(trx);
  report.count('section_enrolments', 'updated', Number(ended.numAffectedRows ?? 0));
  const unstarted = await sql`DELETE FROM section_enrolments se
    USING sections c, school_years y
    WHERE se.district_id = ${districtId} AND ${which}
      AND c.district_id = se.district_id AND c.section_id = se.section_id
      AND y.district_id = c.district_id AND y.school_year_id = c.school_year_id
      AND y.end_date_exclusive > ${asOf}::date
      AND (se.end_date_exclusive IS NULL OR se.end_date_exclusive > ${asOf}::date)
      AND se.entry_date >= ${asOf}::date`.execute(trx);
  report.count('section_enrolments', 'deleted', Number(unstarted.numAffectedRows ?? 0));
}

/**
 * Deactivates the staff members users.csv marks tobedeleted (by sourcedId): they can no longer
 * sign in, and what refers to them (attendance they recorded, classes, role grants) stays. A
 * roster that names them again sets is_active from enabledUser, as for anyone.
 */
async function deactivateStaff(trx: Executor, report: ImportReport, sourceIds: readonly string[]) {
  const result = await trx
    .updateTable('staff_users')
    .set({ is_active: false, updated_at: sql<Date>`now()` })
    .where('district_id', '=', report.districtId)
    .where('source_id', 'in', sourceIds)
    .where('is_active', '=', true)
    .executeTakeFirst();
  const deactivated = Number(result.numUpdatedRows);
  report.count('staff_users', 'updated', deactivated);
  if (deactivated > 0)
    report.note(
      'users.csv: staff marked tobedeleted are deactivated (they can no longer sign in), not deleted: what they recorded and taught is kept.',
    );
}

/** What a guardian's link to a student allows; a pause turns these off. */
const ROUTING_FLAGS = ['receives_attendance_messages', 'receives_other_messages', 'may_view_portal'] as const;
type RoutingFlag = (typeof ROUTING_FLAGS)[number];
/** The two a staff member sets on the routing page (audit action contact.routing). */
const MESSAGE_FLAGS: ReadonlySet<RoutingFlag> = new Set([
  'receives_attendance_messages',
  'receives_other_messages',
]);
/** audit_log actions of the roster's pauses: the record of what a pause turned off. */
const PAUSE_ACTION = 'contact.roster-pause';
const RESUME_ACTION = 'contact.roster-resume';

interface GuardianLink {
  readonly student_id: string;
  readonly contact_id: string;
  readonly receives_attendance_messages: boolean;
  readonly receives_other_messages: boolean;
  readonly may_view_portal: boolean;
}

const linkKey = (link: { student_id: string; contact_id: string }) => `${link.student_id}|${link.contact_id}`;

/**
 * The links to students of the guardians with these sourcedIds (`condition` narrows them),
 * locked until the transaction ends.
 */
async function findGuardianLinks(
  trx: Executor,
  districtId: string,
  sourceIds: readonly string[],
  condition: RawBuilder<unknown>,
): Promise<GuardianLink[]> {
  const { rows } = await sql<GuardianLink>`
    SELECT sc.student_id, sc.contact_id, sc.receives_attendance_messages, sc.receives_other_messages, sc.may_view_portal
    FROM student_contacts sc
    JOIN contacts c ON c.district_id = sc.district_id AND c.contact_id = sc.contact_id
    WHERE sc.district_id = ${districtId} AND c.source_id = ANY(${sourceIds}::text[]) AND ${condition}
    ORDER BY sc.student_id, sc.contact_id
    FOR UPDATE OF sc`.execute(trx);
  return rows;
}

/**
 * For each paused link, the flags a roster pause turned off and nothing has turned back on
 * since (links not paused are absent), read from audit_log: a pause records what it turned
 * off, a resume closes it, and a staff member's routing choice made since (contact.routing)
 * decides the two message flags instead of the pause.
 */
async function findPausedFlags(
  trx: Executor,
  districtId: string,
  links: readonly GuardianLink[],
): Promise<Map<string, RoutingFlag[]>> {
  const paused = new Map<string, RoutingFlag[]>();
  if (links.length === 0) return paused;
  const wanted = new Set(links.map(linkKey));
  const { rows } = await sql<{ student_id: string; contact_id: string; action: string; detail: unknown }>`
    SELECT a.student_id, a.target_id AS contact_id, a.action, a.detail
    FROM audit_log a
    WHERE a.district_id = ${districtId}
      AND a.student_id = ANY(${[...new Set(links.map((link) => link.student_id))]}::uuid[])
      AND a.target_type = 'contact'
      AND a.target_id = ANY(${[...new Set(links.map((link) => link.contact_id))]}::text[])
      AND a.action IN ('contact.routing', ${PAUSE_ACTION}, ${RESUME_ACTION})
    ORDER BY a.audit_id`.execute(trx);
  for (const row of rows) {
    const key = linkKey(row);
    if (!wanted.has(key)) continue;
    if (row.action === PAUSE_ACTION) {
      const flags = (row.detail as { paused?: unknown }).paused;
      paused.set(
        key,
        ROUTING_FLAGS.filter((flag) => Array.isArray(flags) && flags.includes(flag)),
      );
    } else if (row.action === RESUME_ACTION) paused.delete(key);
    else {
      const owed = paused.get(key);
      if (owed)
        paused.set(
          key,
          owed.filter((flag) => !MESSAGE_FLAGS.has(flag)),
        );
    }
  }
  return paused;
}

/** Records in audit_log what the roster import turned off (a pause) or back on (a resume), per link. */
async function recordRosterRouting(
  trx: Executor,
  report: ImportReport,
  action: string,
  entries: ReadonlyArray<{ link: GuardianLink; detail: Record<string, unknown> }>,
): Promise<void> {
  if (entries.length === 0) return;
  await trx
    .insertInto('audit_log')
    .values(
      entries.map(({ link, detail }) => ({
        district_id: report.districtId,
        actor_type: 'system',
        actor_id: `import:${report.importRunId}`,
        student_id: link.student_id,
        action,
        target_type: 'contact',
        target_id: link.contact_id,
        outcome: 'allowed',
        detail: sql<Json>`${JSON.stringify({ importRunId: report.importRunId, file: 'users.csv', ...detail })}::jsonb`,
      })),
    )
    .execute();
}

/**
 * Pauses the guardians users.csv marks tobedeleted (by sourcedId) instead of deleting them
 * (which would take their messages and conversations with them): each of their links to
 * students stops receiving messages and opening the portal. The contact, its numbers and
 * every message stay. What each link had on is recorded in audit_log (contact.roster-pause),
 * so that resumeGuardians turns back on exactly that; a link already paused keeps what its
 * earlier pause owed.
 */
async function pauseGuardians(trx: Executor, report: ImportReport, sourceIds: readonly string[]) {
  const all = await findGuardianLinks(trx, report.districtId, sourceIds, sql`true`);
  const links = all.filter((link) => ROUTING_FLAGS.some((flag) => link[flag]));
  report.count('student_contacts', 'unchanged', all.length - links.length);
  if (links.length === 0) return;
  const earlier = await findPausedFlags(trx, report.districtId, links);
  await sql`UPDATE student_contacts sc
    SET receives_attendance_messages = false, receives_other_messages = false, may_view_portal = false
    FROM json_to_recordset(${JSON.stringify(links)}::json) AS l(student_id uuid, contact_id uuid)
    WHERE sc.district_id = ${report.districtId} AND sc.student_id = l.student_id AND sc.contact_id = l.contact_id`.execute(
    trx,
  );
  await recordRosterRouting(
    trx,
    report,
    PAUSE_ACTION,
    links.map((link) => {
      const owed = new Set<RoutingFlag>(earlier.get(linkKey(link)) ?? []);
      for (const flag of ROUTING_FLAGS) if (link[flag]) owed.add(flag);
      return {
        link,
        detail: { reason: 'tobedeleted', paused: ROUTING_FLAGS.filter((flag) => owed.has(flag)) },
      };
    }),
  );
  report.count('student_contacts', 'updated', links.length);
  report.note(
    'users.csv: guardians marked tobedeleted are kept with their messages, but no longer get messages or use the portal for any student; a roster that names them again turns back on what this turned off.',
  );
}

/**
 * Undoes the pauses of guardians a roster names again (by sourcedId): on each paused link, the
 * flags the pause turned off are turned back on, except the message flags when a staff member
 * has set them since. A link a staff member turned off is never turned on by the roster.
 */
async function resumeGuardians(trx: Executor, report: ImportReport, sourceIds: readonly string[]) {
  // Only a link with something off can be paused: the common case reads no audit_log.
  const links = await findGuardianLinks(
    trx,
    report.districtId,
    sourceIds,
    sql`NOT (sc.receives_attendance_messages AND sc.receives_other_messages AND sc.may_view_portal)`,
  );
  const paused = await findPausedFlags(trx, report.districtId, links);
  const resumed = links.flatMap((link) => {
    const owed = paused.get(linkKey(link));
    return owed ? [{ link, owed }] : [];
  });
  if (resumed.length === 0) return;
  const values = resumed.map(({ link, owed }) => ({
    student_id: link.student_id,
    contact_id: link.contact_id,
    ...Object.fromEntries(ROUTING_FLAGS.map((flag) => [flag, owed.includes(flag)])),
  }));
  const result = await sql`UPDATE student_contacts sc
    SET receives_attendance_messages = sc.receives_attendance_messages OR l.receives_attendance_messages,
      receives_other_messages = sc.receives_other_messages OR l.receives_other_messages,
      may_view_portal = sc.may_view_portal OR l.may_view_portal
    FROM json_to_recordset(${JSON.stringify(values)}::json)
      AS l(student_id uuid, contact_id uuid, receives_attendance_messages boolean, receives_other_messages boolean, may_view_portal boolean)
    WHERE sc.district_id = ${report.districtId} AND sc.student_id = l.student_id AND sc.contact_id = l.contact_id
      AND (l.receives_attendance_messages OR l.receives_other_messages OR l.may_view_portal)`.execute(trx);
  await recordRosterRouting(
    trx,
    report,
    RESUME_ACTION,
    resumed.map(({ link, owed }) => ({ link, detail: { reason: 'named again', restored: owed } })),
  );
  report.count('student_contacts', 'updated', Number(result.numAffectedRows ?? 0));
}

interface ParsedUser {
  readonly sourceId: string;
  /** null only for a deleted user whose roles are not sent (a delta deletes them too). */
  readonly kind: 'student' | 'staff' | 'guardian' | null;
  readonly deleted: boolean;
  readonly enabled: boolean;
  readonly identifier: string;
  readonly stateId: string | null;
  readonly givenName: string;
  readonly familyName: string;
  readonly middleName: string | null;
  readonly preferredName: string | null;
  readonly email: string | null;
  readonly sms: string;
  readonly phone: string;
  readonly grade: string | null;
  readonly language: string | null;
  readonly relationship: string;
  readonly agents: string[];
  readonly memberships: Membership[];
}

function parseUser(
  header: Header,
  fields: readonly string[],
  version: OneRosterVersion,
  roles: ReadonlyMap<string, RoleEntry[]>,
): ParsedUser | RowProblem {
  const get = (column: string) => header.get(fields, column);
  const sourceId = get('sourcedId');
  if (sourceId === '') return new RowProblem('sourcedId', 'sourcedId is required.');
  const deleted = isDeleted(get('status').toLowerCase());
  const entries: RoleEntry[] =
    version === '1.2' && roles.size > 0
      ? (roles.get(sourceId) ?? [])
      : list(get('orgSourcedIds') || get('primaryOrgSourcedId')).map((org) => ({
          sourcedId: `${sourceId}@${org}`,
          role: get('role'),
          org,
          begin: null,
          end: null,
        }));
  const roleNames = entries.map((entry) => entry.role);
  if (roleNames.length === 0 && get('role')) roleNames.push(get('role'));
  const kind = roleNames.includes('student')
    ? 'student'
    : roleNames.some((role) => STAFF_ROLES.has(role))
      ? 'staff'
      : roleNames.some((role) => role in GUARDIAN_ROLES)
        ? 'guardian'
        : null;
  if (!kind && !deleted)
    return new RowProblem(
      version === '1.2' ? 'roles.csv' : 'role',
      roleNames.length === 0
        ? 'the user has no role (in 1.2, a row in roles.csv).'
        : `the roles ${roleNames.join(', ')} are not ones Homeroom imports (student, teacher, administrator, parent, guardian, relative...).`,
    );
  const email = get('email') || (/^[^@\s]+@[^@\s]+$/.test(get('username')) ? get('username') : '');
  const base = {
    sourceId,
    kind,
    deleted,
    enabled: get('enabledUser').toLowerCase() !== 'false',
    identifier: get('identifier'),
    stateId: get('userMasterIdentifier') || /\{state:([^}]+)\}/.exec(get('userIds'))?.[1] || null,
    givenName: get('givenName'),
    familyName: get('familyName'),
    middleName: get('middleName') || null,
    preferredName: get('preferredGivenName') || null,
    email: email || null,
    sms: get('sms'),
    phone: get('phone'),
    grade: null as string | null,
    language: get('metadata.homeroom.preferredLanguage') || null,
    relationship: GUARDIAN_ROLES[roleNames.find((role) => role in GUARDIAN_ROLES) ?? ''] ?? 'guardian',
    agents: list(get('agentSourcedIds')),
    memberships: [] as Membership[],
  } satisfies ParsedUser;
  if (deleted) return base;
  if (base.givenName === '') return new RowProblem('givenName', 'givenName is required.');
  if (base.familyName === '') return new RowProblem('familyName', 'familyName is required.');
  if (kind !== 'student') return base;
  const gradeText = list(get('grades'))[0] ?? '';
  const grade = normaliseGrade(gradeText);
  if (!grade)
    return new RowProblem(
      'grades',
      gradeText === ''
        ? 'a student needs a grade (grades).'
        : `"${gradeText}" is not a grade Homeroom knows (PK, KG, 01 to 12).`,
    );
  const memberships = entries
    .filter((entry) => entry.role === 'student')
    .map((entry) => ({
      student: sourceId,
      school: entry.org,
      begin: entry.begin,
      endExclusive: entry.end,
      sourceId: entry.sourcedId,
    }));
  return { ...base, grade, memberships };
}

interface SpanContext {
  readonly memberships: Membership[];
  readonly schoolIds: ReadonlyMap<string, string>;
  readonly allYears: ReadonlyArray<{
    school_year_id: string;
    start_date: unknown;
    end_date_exclusive: unknown;
  }>;
  readonly yearOf: (
    date: string,
  ) => { school_year_id: string; start_date: unknown; end_date_exclusive: unknown } | undefined;
  readonly calendarFor: (
    trx: Executor,
    schoolId: string,
    yearId: string,
    code: string | null,
  ) => Promise<string>;
  readonly batchSize: number;
}

async function importEnrolmentSpans(
  db: Kysely<DB>,
  report: ImportReport,
  context: SpanContext,
): Promise<void> {
  const { memberships } = context;
  const latestYear = context.allYears[context.allYears.length - 1];
  for (let start = 0; start < memberships.length; start += context.batchSize) {
    const batch = memberships.slice(start, start + context.batchSize);
    report.save();
    await db.transaction().execute(async (trx) => {
      const students = new Map(
        (
          await trx
            .selectFrom('students')
            .select(['source_id', 'student_id', 'grade_level'])
            .where('district_id', '=', report.districtId)
            .where('source_id', 'in', [...new Set(batch.map((m) => m.student))])
            .execute()
        ).map((row) => [row.source_id as string, row]),
      );
      // Undated memberships: the span of the student's section enrolments at that school.
      const undated = batch.filter((m) => !m.begin);
      const fromSections = new Map<string, { entry: string; end: string | null }>();
      if (undated.length > 0) {
        const ids = undated.flatMap((m) => {
          const student = students.get(m.student)?.student_id;
          return student ? [student] : [];
        });
        if (ids.length > 0) {
          const rows = await sql<{
            student_id: string;
            school_id: string;
            entry: string;
            end: string | null;
          }>`
            SELECT e.student_id, s.school_id, min(e.entry_date)::text AS entry,
              CASE WHEN bool_or(e.end_date_exclusive IS NULL) THEN NULL ELSE max(e.end_date_exclusive)::text END AS "end"
            FROM section_enrolments e
            JOIN sections s ON s.district_id = e.district_id AND s.section_id = e.section_id
            WHERE e.district_id = ${report.districtId} AND e.student_id = ANY(${ids}::uuid[])
            GROUP BY e.student_id, s.school_id`.execute(trx);
          for (const row of rows.rows)
            fromSections.set(`${row.student_id}|${row.school_id}`, { entry: row.entry, end: row.end });
        }
      }
      const spans: Record<string, unknown>[] = [];
      for (const m of batch) {
        const reject = (column: string, reason: string) =>
          report.reject('enrolment_spans', {
            file: m.sourceId.includes('@') ? 'users.csv' : 'roles.csv',
            line: null,
            column,
            reason: `${m.sourceId}: ${reason}`,
            raw: null,
          });
        const student = students.get(m.student);
        if (!student) continue; // the student row itself was rejected and reported
        const schoolId = context.schoolIds.get(m.school);
        if (!schoolId) {
          reject('orgSourcedId', `no school has the sourcedId "${m.school}".`);
          continue;
        }
        const derived = fromSections.get(`${student.student_id}|${schoolId}`);
        const entry = m.begin ?? derived?.entry ?? (latestYear ? String(latestYear.start_date) : null);
        const end = m.begin
          ? m.endExclusive
          : derived
            ? derived.end
            : latestYear
              ? String(latestYear.end_date_exclusive)
              : null;
        const year = entry ? context.yearOf(entry) : undefined;
        if (!entry || !year) {
          reject('beginDate', `no school year holds the enrolment starting ${entry ?? '(no date)'}.`);
          continue;
        }
        if (end && end <= entry) {
          reject(
            'endDate',
            `endDate ${end} is not after beginDate ${entry} (OneRoster end dates are exclusive).`,
          );
          continue;
        }
        spans.push({
          district_id: report.districtId,
          source_id: m.sourceId,
          student_id: student.student_id,
          school_id: schoolId,
          school_year_id: year.school_year_id,
          calendar_id: await context.calendarFor(trx, schoolId, year.school_year_id, null),
          grade_level: student.grade_level,
          entry_date: entry,
          end_date_exclusive: end,
          // A student withdrawn earlier and back in the roster: the span is theirs again.
          exit_reason: null,
        });
      }
      countOutcome(
        report,
        'enrolment_spans',
        await upsertRows(trx, 'enrolment_spans', spans, { key: ['district_id', 'source_id'] }),
      );
      await report.persist(trx);
    });
  }
}

async function importStudentContacts(
  db: Kysely<DB>,
  report: ImportReport,
  context: {
    readonly links: ReadonlyArray<{ student: string; guardian: string }>;
    readonly guardianRelationship: ReadonlyMap<string, string>;
    readonly batchSize: number;
  },
): Promise<void> {
  const districtId = report.districtId;
  for (let start = 0; start < context.links.length; start += context.batchSize) {
    const batch = context.links.slice(start, start + context.batchSize);
    await db.transaction().execute(async (trx) => {
      const students = new Map(
        (
          await trx
            .selectFrom('students')
            .select(['source_id', 'student_id'])
            .where('district_id', '=', districtId)
            .where('source_id', 'in', [...new Set(batch.map((l) => l.student))])
            .execute()
        ).map((row) => [row.source_id as string, row.student_id]),
      );
      const contacts = new Map(
        (
          await trx
            .selectFrom('contacts')
            .select(['source_id', 'contact_id'])
            .where('district_id', '=', districtId)
            .where('source_id', 'in', [...new Set(batch.map((l) => l.guardian))])
            .execute()
        ).map((row) => [row.source_id as string, row.contact_id]),
      );
      const rows: Record<string, unknown>[] = [];
      for (const link of batch) {
        const studentId = students.get(link.student);
        const contactId = contacts.get(link.guardian);
        // A link to a user who is neither a student nor a guardian (or was rejected) is skipped;
        // the user's own row carries the error.
        if (!studentId || !contactId) continue;
        rows.push({
          district_id: districtId,
          student_id: studentId,
          contact_id: contactId,
          relationship: context.guardianRelationship.get(link.guardian) ?? 'guardian',
          source_id: `${link.guardian}>${link.student}`,
        });
      }
      countOutcome(
        report,
        'student_contacts',
        await upsertRows(trx, 'student_contacts', rows, { key: ['district_id', 'student_id', 'contact_id'] }),
      );
      await report.persist(trx);
    });
  }
}

interface CalendarContext {
  readonly path: string;
  readonly batchSize?: number;
  readonly schoolIds: ReadonlyMap<string, string>;
  readonly yearOf: (date: string) => { school_year_id: string } | undefined;
  readonly calendarFor: (
    trx: Executor,
    schoolId: string,
    yearId: string,
    code: string | null,
  ) => Promise<string>;
  readonly onBatch?: (rowsRead: number) => void;
}

/** calendar.csv (docs/formats/attendance-csv.md) → calendars and calendar days. */
async function importCalendarRows(
  db: Kysely<DB>,
  report: ImportReport,
  context: CalendarContext,
): Promise<void> {
  await importCsvFile(db, report, {
    file: 'calendar.csv',
    entity: 'calendar_days',
    tables: ['calendar_days'],
    records: readCsvFile(context.path, 'calendar.csv'),
    required: ['school_id', 'calendar_code', 'date', 'day_type', 'instructional_minutes'],
    batchSize: context.batchSize,
    onBatch: context.onBatch,
    parse: (header, fields) => {
      const get = (column: string) => header.get(fields, column);
      const schoolId = context.schoolIds.get(get('school_id'));
      if (!schoolId) return new RowProblem('school_id', `no school has the source id "${get('school_id')}".`);
      if (get('calendar_code') === '') return new RowProblem('calendar_code', 'calendar_code is required.');
      const date = get('date');
      if (!isDate(date)) return new RowProblem('date', `"${date}" is not a date as YYYY-MM-DD.`);
      const year = context.yearOf(date);
      if (!year) return new RowProblem('date', `no school year holds ${date} (academicSessions.csv).`);
      const dayType = get('day_type');
      if (!CALENDAR_DAY_TYPES.has(dayType))
        return new RowProblem(
          'day_type',
          `"${dayType}" is not a day type (one of ${[...CALENDAR_DAY_TYPES].join(', ')}).`,
        );
      const minutesText = get('instructional_minutes');
      if (!/^\d{1,4}$/.test(minutesText) || Number(minutesText) > 1440)
        return new RowProblem(
          'instructional_minutes',
          `"${minutesText}" is not a whole number of minutes from 0 to 1440.`,
        );
      const minutes = Number(minutesText);
      const instructional = dayType === 'instructional' || dayType === 'makeup';
      if (instructional !== minutes > 0)
        return new RowProblem(
          'instructional_minutes',
          instructional
            ? `an ${dayType} day needs instructional minutes above 0.`
            : `a ${dayType} day has no instructional minutes (got ${minutes}).`,
        );
      return {
        schoolId,
        yearId: year.school_year_id,
        code: get('calendar_code'),
        date,
        dayType,
        minutes,
        note: get('note') || null,
      };
    },
    apply: async (trx, batch, reject) => {
      const rows = dropDuplicates(batch, (v) => `${v.schoolId}|${v.code}|${v.date}`, 'date', reject);
      const days: Record<string, unknown>[] = [];
      for (const row of rows) {
        const v = row.value;
        days.push({
          district_id: report.districtId,
          calendar_id: await context.calendarFor(trx, v.schoolId, v.yearId, v.code),
          date: v.date,
          day_type: v.dayType,
          instructional_minutes: v.minutes,
          note: v.note,
        });
      }
      countOutcome(
        report,
        'calendar_days',
        await upsertRows(trx, 'calendar_days', days, { key: ['district_id', 'calendar_id', 'date'] }),
      );
    },
  });
}
