/**
 * Imports a folder of Ed-Fi ODS/API resource files (API v5 / v7 JSON: arrays as the API returns
 * them, or NDJSON): localEducationAgencies → the district; schools; sessions → school years and
 * terms; calendarDates → calendars and their days; students (their grade from their school
 * associations); studentSchoolAssociations → enrolment spans (Ed-Fi's inclusive exit date
 * becomes an exclusive end); sections; studentSchoolAttendanceEvents and
 * studentSectionAttendanceEvents → attendance events. Every file is streamed and written in
 * batches, and every row is upserted by its Ed-Fi natural key, so importing the same folder
 * twice changes nothing (docs/formats/edfi.md, docs/decisions/0008).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { addDays } from '../platform/dates.ts';
import type { DB } from '../platform/db/types.ts';
import { AppError } from '../platform/errors.ts';
import { codeValueOf, type DescriptorKind, Descriptors, GRADE_LEVELS } from './edfi-descriptors.ts';
import { EdFiFileError, type JsonObject, type JsonValue, readResourceFile } from './edfi-json-reader.ts';
import {
  countOutcome,
  dropDuplicates,
  parseDate,
  RowProblem,
  type SourceRow,
  upsertRows,
} from './import-batches.ts';
import {
  type Executor,
  finishImportRun,
  type ImportKind,
  type ImportReport,
  startImportRun,
} from './import-run.ts';
import { findOrCreateDistrict, type ImportResult } from './oneroster-import.ts';
import {
  findIdsByKey,
  findOrCreateCalendar,
  type ParsedSource,
  type Reject,
  upsertByKey,
  writeInBatches,
} from './upsert.ts';

/** The resource files read, in the order they are imported (references point backwards). */
export const EDFI_RESOURCES = [
  'localEducationAgencies',
  'schools',
  'sessions',
  'calendarDates',
  'students',
  'studentSchoolAssociations',
  'sections',
  'studentSchoolAttendanceEvents',
  'studentSectionAttendanceEvents',
] as const;
export type EdFiResource = (typeof EDFI_RESOURCES)[number];

/** attendance_events.source_system of imported Ed-Fi events. */
export const EDFI_SOURCE_SYSTEM = 'edfi';

/** import_runs.kind of an Ed-Fi run (added by the 2026-11-23T1600 migration). */
export const EDFI_RUN_KIND: ImportKind = 'edfi';

export interface EdFiImportOptions {
  readonly directory: string;
  /** Import into this district (by slug) instead of the one localEducationAgencies.json names. */
  readonly districtSlug?: string;
  /** Ed-Fi's default descriptors, or a district's map over them. */
  readonly descriptors?: Descriptors;
  readonly batchSize?: number;
  readonly onProgress?: (file: string, rowsRead: number) => void;
}

/** A field that fails validation: its path in the resource and why. */
class Invalid extends Error {
  readonly column: string;
  readonly reason: string;

  constructor(column: string, reason: string) {
    super(reason);
    this.column = column;
    this.reason = reason;
  }
}

function valueAt(resource: JsonObject, path: string): JsonValue | undefined {
  let current: JsonValue | undefined = resource;
  for (const part of path.split('.')) {
    if (current === null || current === undefined || typeof current !== 'object' || Array.isArray(current))
      return undefined;
    current = current[part];
  }
  return current;
}

function describe(value: JsonValue): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : JSON.stringify(value);
}

/** Text at a path (numbers, such as schoolId, as their decimal text); null when absent or blank. */
function optionalText(resource: JsonObject, path: string): string | null {
  const value = valueAt(resource, path);
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new Invalid(path, `${path} must be text or a number, not ${describe(value)}.`);
}

function optionalDate(resource: JsonObject, path: string): string | null {
  const text = optionalText(resource, path);
  if (text === null) return null;
  const date = parseDate(text);
  if (!date) throw new Invalid(path, `"${text}" is not a date as YYYY-MM-DD.`);
  return date;
}

function optionalYear(resource: JsonObject, path: string): number | null {
  const text = optionalText(resource, path);
  if (text === null) return null;
  if (!/^\d{4}$/.test(text) || Number(text) < 1901 || Number(text) > 2199)
    throw new Invalid(path, `"${text}" is not a school year (the year it ends, such as 2027 for 2026-27).`);
  return Number(text);
}

/** A reader of an optional field made into one of a required field: absent or blank is Invalid. */
function required<V>(read: (resource: JsonObject, path: string) => V | null) {
  return (resource: JsonObject, path: string): V => {
    const value = read(resource, path);
    if (value === null) throw new Invalid(path, `${path} is required.`);
    return value;
  };
}

const requiredText = required(optionalText);
const requiredDate = required(optionalDate);
const requiredYear = required(optionalYear);

function optionalBoolean(resource: JsonObject, path: string): boolean | null {
  const value = valueAt(resource, path);
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value;
  throw new Invalid(path, `${path} must be true or false, not ${describe(value)}.`);
}

function optionalNumber(resource: JsonObject, path: string): number | null {
  const value = valueAt(resource, path);
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return Number.NaN;
}

/** A share of the day (eventDuration: 1 day = 1, half a day = 0.5), as numeric(4,3) text. */
function optionalFraction(resource: JsonObject, path: string): string | null {
  const value = optionalNumber(resource, path);
  if (value === null) return null;
  if (Number.isNaN(value) || value < 0 || value > 1)
    throw new Invalid(
      path,
      `${JSON.stringify(valueAt(resource, path))} is not a share of the day from 0 to 1 (1 day = 1, half a day = 0.5).`,
    );
  return value.toFixed(3);
}

/** Minutes (schoolAttendanceDuration, sectionAttendanceDuration): a whole number, or an ISO 8601 duration. */
function optionalMinutes(resource: JsonObject, path: string): number | null {
  const raw = valueAt(resource, path);
  let minutes = optionalNumber(resource, path);
  if (typeof raw === 'string' && Number.isNaN(minutes ?? 0)) {
    const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/i.exec(raw.trim());
    if (match && (match[1] || match[2] || match[3]))
      minutes = Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0) + Math.round(Number(match[3] ?? 0) / 60);
  }
  if (minutes === null) return null;
  if (Number.isNaN(minutes) || !Number.isInteger(minutes) || minutes < 0 || minutes > 1440)
    throw new Invalid(path, `${JSON.stringify(raw)} is not a whole number of minutes from 0 to 1440.`);
  return minutes;
}

/** A time of day (arrivalTime, departureTime) as HH:MM:SS. */
function optionalTime(resource: JsonObject, path: string): string | null {
  const text = optionalText(resource, path);
  if (text === null) return null;
  const match = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d+)?)?$/.exec(text);
  if (!match) throw new Invalid(path, `"${text}" is not a time of day as HH:MM:SS.`);
  return `${match[1]}:${match[2]}:${match[3] ?? '00'}`;
}

const unknownDescriptor = (descriptor: string, what: string) =>
  `"${descriptor}" is not ${what} Homeroom knows: map it in a descriptor map (--descriptor-map, docs/formats/edfi.md).`;

/** The descriptor at a path, resolved; an unknown one is a row error naming it. */
function descriptorAt(
  descriptors: Descriptors,
  kind: DescriptorKind,
  resource: JsonObject,
  path: string,
  what: string,
): { readonly descriptor: string; readonly value: string } {
  const descriptor = requiredText(resource, path);
  const value = descriptors.resolve(kind, descriptor);
  if (value === undefined) throw new Invalid(path, unknownDescriptor(descriptor, what));
  return { descriptor, value };
}

/** The file of a resource in the folder (`name.json`, `.ndjson` or `.jsonl`), or null. */
function resourceFile(directory: string, name: string): { path: string; file: string } | null {
  for (const extension of ['json', 'ndjson', 'jsonl']) {
    const file = `${name}.${extension}`;
    const path = join(directory, file);
    if (existsSync(path)) return { path, file };
  }
  return null;
}

/** Resources of a file, validated one by one (no database). */
async function* parseResources<T>(
  path: string,
  file: string,
  parse: (resource: JsonObject) => T,
): AsyncGenerator<ParsedSource<T>> {
  for await (const resource of readResourceFile(path, file)) {
    const raw = resource.excerpt;
    if ('problem' in resource) {
      yield { line: resource.position, raw, problem: new RowProblem(null, resource.problem) };
      continue;
    }
    try {
      yield { line: resource.position, raw, value: parse(resource.value) };
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      yield { line: resource.position, raw, problem: new RowProblem(error.column, error.reason) };
    }
  }
}

interface Year {
  readonly id: string;
  readonly name: string;
  start: string;
  endExclusive: string;
}

/** What every step of one import shares: the run, the maps, and per-transaction caches. */
class EdFiImport {
  readonly db: Kysely<DB>;
  readonly report: ImportReport;
  readonly descriptors: Descriptors;
  readonly options: EdFiImportOptions;
  // Cached per transaction: a year or calendar created by a batch that rolls back is forgotten.
  readonly #years = new WeakMap<Executor, Map<number, Year>>();
  readonly #calendars = new WeakMap<Executor, Map<string, string>>();

  constructor(db: Kysely<DB>, report: ImportReport, options: EdFiImportOptions) {
    this.db = db;
    this.report = report;
    this.descriptors = options.descriptors ?? new Descriptors();
    this.options = options;
  }

  get districtId(): string {
    return this.report.districtId;
  }

  /**
   * The school year an Ed-Fi `schoolYear` names (2027 is 2026-27): found by name ("2026-2027"
   * or "2026-27") or as the year holding 31 December 2026, else created from 1 July to 1 July.
   */
  async yearFor(trx: Executor, schoolYear: number): Promise<Year> {
    let cache = this.#years.get(trx);
    if (!cache) {
      cache = new Map();
      this.#years.set(trx, cache);
    }
    const cached = cache.get(schoolYear);
    if (cached) return cached;
    const names = [`${schoolYear - 1}-${schoolYear}`, `${schoolYear - 1}-${String(schoolYear).slice(2)}`];
    const midYear = `${schoolYear - 1}-12-31`;
    const existing = await trx
      .selectFrom('school_years')
      .select(['school_year_id', 'name', 'start_date', 'end_date_exclusive'])
      .where('district_id', '=', this.districtId)
      .where((eb) =>
        eb.or([
          eb('name', 'in', names),
          eb.and([eb('start_date', '<=', midYear), eb('end_date_exclusive', '>', midYear)]),
        ]),
      )
      .orderBy((eb) => eb('name', 'in', names), 'desc')
      .orderBy('start_date')
      .executeTakeFirst();
    let year: Year;
    if (existing) {
      year = {
        id: existing.school_year_id,
        name: existing.name,
        start: String(existing.start_date),
        endExclusive: String(existing.end_date_exclusive),
      };
    } else {
      const start = `${schoolYear - 1}-07-01`;
      const endExclusive = `${schoolYear}-07-01`;
      const created = await trx
        .insertInto('school_years')
        .values({
          district_id: this.districtId,
          name: names[0] as string,
          start_date: start,
          end_date_exclusive: endExclusive,
        })
        .returning('school_year_id')
        .executeTakeFirstOrThrow();
      this.report.count('school_years', 'created');
      year = { id: created.school_year_id, name: names[0] as string, start, endExclusive };
    }
    cache.set(schoolYear, year);
    return year;
  }

  /** Widens a school year to hold [start, endExclusive) (a session outside its dates). */
  async widenYear(trx: Executor, year: Year, start: string, endExclusive: string): Promise<void> {
    if (start >= year.start && endExclusive <= year.endExclusive) return;
    year.start = start < year.start ? start : year.start;
    year.endExclusive = endExclusive > year.endExclusive ? endExclusive : year.endExclusive;
    await trx
      .updateTable('school_years')
      .set({ start_date: year.start, end_date_exclusive: year.endExclusive })
      .where('district_id', '=', this.districtId)
      .where('school_year_id', '=', year.id)
      .execute();
    this.report.count('school_years', 'updated');
  }

  async calendarFor(trx: Executor, schoolId: string, yearId: string, code: string | null): Promise<string> {
    let cache = this.#calendars.get(trx);
    if (!cache) {
      cache = new Map();
      this.#calendars.set(trx, cache);
    }
    const key = `${schoolId}|${yearId}|${code ?? ''}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const id = await findOrCreateCalendar(trx, this.report, schoolId, yearId, code);
    cache.set(key, id);
    return id;
  }

  /**
   * Streams one resource file through validation and batched writes. Each batch goes through
   * the same steps: a second resource with a key already in the batch is rejected, the
   * references are looked up and resolved, each resource is built into a row (or rejected),
   * and the rows are upserted and counted.
   */
  async importResource<T, K extends ReferenceKind = never, C = undefined>(
    spec: ResourceImport<T, K, C>,
  ): Promise<void> {
    const found = resourceFile(this.options.directory, spec.resource);
    if (!found) return;
    const entity = spec.entity ?? spec.table;
    const apply = async (trx: Executor, batch: SourceRow<T>[], reject: Reject<T>): Promise<void> => {
      const rows = dropDuplicates(batch, spec.duplicateKey, spec.duplicateField, reject);
      const values = rows.map((row) => row.value);
      const lookups = await this.lookUpReferences(trx, values, spec.references);
      const prepared = spec.prepare ? await spec.prepare(trx, values) : (undefined as C);
      const written: Record<string, unknown>[] = [];
      for (const row of rows) {
        const ids = resolveReferences(row, spec.references, lookups, reject);
        if (!ids) continue;
        const built = await spec.toRow(trx, row.value, ids, prepared);
        if (built instanceof RowProblem) reject(row, built.column, built.reason);
        else written.push(built);
      }
      await spec.beforeWrite?.(trx, prepared);
      const outcome = spec.keyHasNoConstraint
        ? await upsertByKey(trx, spec.table, written, spec.upsertKey)
        : await upsertRows(trx, spec.table, written, { key: spec.upsertKey, touch: spec.touch });
      countOutcome(this.report, entity, outcome);
    };
    await writeInBatches(this.db, this.report, parseResources(found.path, found.file, spec.parse), {
      file: found.file,
      entity,
      batchSize: this.options.batchSize,
      tables: [spec.table],
      apply,
      onBatch: (rowsRead) => this.options.onProgress?.(found.file, rowsRead),
    });
  }

  /** The students and schools a batch refers to, by natural key: one query per kind referred to. */
  async lookUpReferences<T>(
    trx: Executor,
    values: readonly T[],
    references: Partial<References<T, ReferenceKind>>,
  ): Promise<ReferenceLookups> {
    const found: ReferenceLookups = { student: new Map(), school: new Map() };
    for (const kind of REFERENCE_KINDS) {
      const reference = references[kind];
      if (!reference) continue;
      const { table, keyColumn, idColumn } = REFERENCE_TABLES[kind];
      found[kind] = await findIdsByKey(
        trx,
        this.districtId,
        table,
        keyColumn,
        idColumn,
        values.map(reference.key),
      );
    }
    return found;
  }
}

/** The kinds of reference resolved for every resource, in the order a row's are checked. */
const REFERENCE_KINDS = ['student', 'school'] as const;
type ReferenceKind = (typeof REFERENCE_KINDS)[number];

/** Where a resource refers to a student or school: the natural key, and the field path it is rejected under. */
interface ReferenceAt<T> {
  readonly path: string;
  readonly key: (value: T) => string;
}

type References<T, K extends ReferenceKind> = { readonly [Kind in K]: ReferenceAt<T> };

/** Ids by natural key, for each kind of reference. */
type ReferenceLookups = Record<ReferenceKind, Map<string, string>>;

/** Where each kind of reference is stored: the key Ed-Fi gives and the id it resolves to. */
const REFERENCE_TABLES: Readonly<
  Record<ReferenceKind, { table: keyof DB; keyColumn: string; idColumn: string }>
> = {
  student: { table: 'students', keyColumn: 'local_id', idColumn: 'student_id' },
  school: { table: 'schools', keyColumn: 'source_id', idColumn: 'school_id' },
};

/** Why a row is rejected when nothing stored has the key its reference names. */
const MISSING_REFERENCE: Readonly<Record<ReferenceKind, (key: string) => string>> = {
  student: (studentId) => `no student has the studentUniqueId "${studentId}" (students.json).`,
  school: (schoolId) => `no school has the schoolId "${schoolId}" (schools.json).`,
};

/**
 * The ids a row's references resolve to (a student is checked before a school); null when
 * one is not found, after rejecting the row under that reference's field path.
 */
function resolveReferences<T, K extends ReferenceKind>(
  row: SourceRow<T>,
  references: References<T, K>,
  found: ReferenceLookups,
  reject: Reject<T>,
): Record<K, string> | null {
  const wanted: Partial<References<T, ReferenceKind>> = references;
  const ids: Partial<Record<ReferenceKind, string>> = {};
  for (const kind of REFERENCE_KINDS) {
    const reference = wanted[kind];
    if (!reference) continue;
    const key = reference.key(row.value);
    const id = found[kind].get(key);
    if (id === undefined) {
      reject(row, reference.path, MISSING_REFERENCE[kind](key));
      return null;
    }
    ids[kind] = id;
  }
  return ids as Record<K, string>;
}

/** How one Ed-Fi resource file is imported (see EdFiImport.importResource). */
interface ResourceImport<T, K extends ReferenceKind, C> {
  /** The resource file, without its extension. */
  readonly resource: EdFiResource;
  /** What rows are counted and rejected as (import_runs.counts): the table unless given. */
  readonly entity?: string;
  /** The table written, and the columns a row is matched on there. */
  readonly table: keyof DB;
  readonly upsertKey: readonly string[];
  /** The table has no unique constraint on upsertKey (upsertByKey instead of upsertRows). */
  readonly keyHasNoConstraint?: boolean;
  /** Sets updated_at on the rows that change. */
  readonly touch?: boolean;
  /** Validates one resource (no database); throws Invalid naming the field path. */
  readonly parse: (resource: JsonObject) => T;
  // T is inferred from parse alone (give parse's parameter its type): the members below are
  // checked against it (NoInfer) rather than inferring it.
  /** A resource's key within a batch, and the field a second resource with it is rejected under. */
  readonly duplicateKey: (value: NoInfer<T>) => string;
  readonly duplicateField: string;
  /** The students and schools a resource refers to; a row whose reference is not found is rejected. */
  readonly references: References<NoInfer<T>, K>;
  /** Looks up, once a batch, what building its rows needs besides the references. */
  readonly prepare?: (trx: Executor, values: readonly NoInfer<T>[]) => Promise<C>;
  /** The row to write for a resource whose references resolved, or why it is rejected. */
  readonly toRow: (
    trx: Executor,
    value: NoInfer<T>,
    ids: Record<K, string>,
    prepared: C,
  ) => Promise<Record<string, unknown> | RowProblem>;
  /** Runs after the batch's rows are built, before they are written. */
  readonly beforeWrite?: (trx: Executor, prepared: C) => Promise<void>;
}

const DEFAULT_GRADE_RANGES: Readonly<Record<string, readonly [string, string]>> = {
  elementary: ['KG', '05'],
  middle: ['06', '08'],
  high: ['09', '12'],
  k12: ['KG', '12'],
};

/** The school's type from its Ed-Fi school categories ("Elementary School", ...), if they say. */
function typeFromCategories(categories: readonly string[]): string | null {
  const codes = categories.map((category) => category.toLowerCase());
  const has = (...words: string[]) => codes.some((code) => words.some((word) => code.includes(word)));
  if (has('elementary/secondary', 'all levels')) return 'k12';
  if (has('elementary', 'primary')) return 'elementary';
  if (has('middle', 'junior high', 'intermediate')) return 'middle';
  if (has('high', 'secondary')) return 'high';
  return null;
}

/** The school's type from its grade range (indexes into GRADE_LEVELS). */
function typeFromGrades(low: number, high: number): string {
  const at = (grade: string) => GRADE_LEVELS.indexOf(grade);
  if (low <= at('KG') && high >= at('09')) return 'k12';
  if (low <= at('KG') && high >= at('07')) return 'k8';
  if (high <= at('06')) return 'elementary';
  if (low >= at('09')) return 'high';
  if (low >= at('05') && high <= at('09')) return 'middle';
  return 'other';
}

/** The school's type and grade range, from its Ed-Fi categories and grade levels. */
function schoolShape(
  categories: readonly string[],
  grades: readonly string[],
): { school_type: string; grade_low: string; grade_high: string } {
  const indexes = grades.map((grade) => GRADE_LEVELS.indexOf(grade)).filter((index) => index >= 0);
  const low = indexes.length > 0 ? Math.min(...indexes) : null;
  const high = indexes.length > 0 ? Math.max(...indexes) : null;
  const type =
    typeFromCategories(categories) ?? (low !== null && high !== null ? typeFromGrades(low, high) : 'other');
  const [gradeLow, gradeHigh] =
    low !== null && high !== null
      ? [GRADE_LEVELS[low] as string, GRADE_LEVELS[high] as string]
      : (DEFAULT_GRADE_RANGES[type] ?? ['PK', '12']);
  return { school_type: type, grade_low: gradeLow, grade_high: gradeHigh };
}

/** Finds the district to import into: --district, the folder's local education agency, or the only one. */
async function resolveDistrict(
  db: Kysely<DB>,
  directory: string,
  districtSlug: string | undefined,
): Promise<{ id: string; name: string; created: boolean }> {
  if (districtSlug) {
    const found = await db
      .selectFrom('districts')
      .select(['district_id', 'name'])
      .where('slug', '=', districtSlug)
      .executeTakeFirst();
    if (!found) throw new AppError('NOT_FOUND', { message: `No district has the slug "${districtSlug}".` });
    return { id: found.district_id, name: found.name, created: false };
  }
  const agencies = resourceFile(directory, 'localEducationAgencies');
  if (agencies) {
    const found: Array<{ id: string; name: string }> = [];
    for await (const resource of readResourceFile(agencies.path, agencies.file)) {
      if (!('value' in resource)) continue;
      const id = optionalText(resource.value, 'localEducationAgencyId');
      const name = optionalText(resource.value, 'nameOfInstitution');
      if (id && name) found.push({ id, name });
    }
    if (found.length > 1)
      throw new EdFiFileError(
        agencies.file,
        null,
        null,
        'the folder holds more than one local education agency: import it into one district with --district SLUG.',
      );
    const agency = found[0];
    if (agency) {
      return findOrCreateDistrict(db, agency.id, agency.name);
    }
  }
  const districts = await db.selectFrom('districts').select(['district_id', 'name']).execute();
  const only = districts[0];
  if (districts.length === 1 && only) return { id: only.district_id, name: only.name, created: false };
  throw new EdFiFileError(
    'localEducationAgencies.json',
    null,
    null,
    districts.length === 0
      ? 'there is no district to import into: add localEducationAgencies.json (the district) to the folder.'
      : `there are ${districts.length} districts: choose one with --district SLUG.`,
  );
}

/**
 * Imports a folder of Ed-Fi resource files. The run is recorded in import_runs with every
 * rejected resource in import_errors (file, position, field path, reason). Throws
 * EdFiFileError when the folder has no resource file or a file cannot be read on.
 */
export async function importEdFi(db: Kysely<DB>, options: EdFiImportOptions): Promise<ImportResult> {
  const { directory } = options;
  const present = EDFI_RESOURCES.filter((name) => resourceFile(directory, name) !== null);
  if (present.filter((name) => name !== 'localEducationAgencies').length === 0)
    throw new EdFiFileError(
      directory,
      null,
      null,
      `there are no Ed-Fi resource files here (${EDFI_RESOURCES.map((name) => `${name}.json`).join(', ')}).`,
    );
  const district = await resolveDistrict(db, directory, options.districtSlug);
  const report = await startImportRun(db, district.id, EDFI_RUN_KIND, `edfi:${directory}`);
  const run = new EdFiImport(db, report, options);
  const known = new Set<string>(EDFI_RESOURCES);
  for (const entry of readdirSync(directory)) {
    const match = /^(.*)\.(json|ndjson|jsonl)$/.exec(entry);
    if (match && !known.has(match[1] as string))
      report.note(`${entry} is not a resource Homeroom imports yet; it was ignored.`);
  }
  try {
    await importSchools(run);
    await importSessions(run);
    await importCalendarDates(run);
    await importStudents(run, await readEntryGrades(run));
    await importSchoolAssociations(run);
    await importSections(run);
    await importSchoolAttendanceEvents(run);
    await importSectionAttendanceEvents(run);
    await finishImportRun(db, report, 'succeeded');
    return {
      report,
      districtId: district.id,
      districtName: district.name,
      createdDistrict: district.created,
    };
  } catch (error) {
    await finishImportRun(db, report, 'failed', error instanceof Error ? error.message : String(error)).catch(
      () => undefined,
    );
    throw error;
  }
}

/** The student a resource names in its studentReference. */
const STUDENT_REFERENCE: ReferenceAt<{ readonly studentId: string }> = {
  path: 'studentReference.studentUniqueId',
  key: (value) => value.studentId,
};

/** The school a resource names, at the field path it names it. */
function schoolAt(path: string): ReferenceAt<{ readonly schoolId: string }> {
  return { path, key: (value) => value.schoolId };
}

/** Rows keyed on the district and their Ed-Fi natural key. */
const SOURCE_KEY = ['district_id', 'source_id'];

async function importSchools(run: EdFiImport): Promise<void> {
  await run.importResource({
    resource: 'schools',
    table: 'schools',
    upsertKey: SOURCE_KEY,
    parse: (resource: JsonObject) => {
      const sourceId = requiredText(resource, 'schoolId');
      const name = requiredText(resource, 'nameOfInstitution');
      const grades: string[] = [];
      const levels = valueAt(resource, 'gradeLevels');
      for (const level of Array.isArray(levels) ? levels : []) {
        if (typeof level !== 'object' || level === null || Array.isArray(level)) continue;
        const descriptor = optionalText(level, 'gradeLevelDescriptor');
        if (!descriptor) continue;
        const grade = run.descriptors.resolve('gradeLevelDescriptor', descriptor);
        if (grade) grades.push(grade);
        else
          run.report.note(
            `schools.json: the grade level "${descriptor}" has no Homeroom grade; it was left out of school grade ranges.`,
          );
      }
      const categories = valueAt(resource, 'schoolCategories');
      const categoryCodes = (Array.isArray(categories) ? categories : []).flatMap((category) => {
        if (typeof category !== 'object' || category === null || Array.isArray(category)) return [];
        const descriptor = optionalText(category, 'schoolCategoryDescriptor');
        return descriptor ? [codeValueOf(descriptor)] : [];
      });
      return { sourceId, name, ...schoolShape(categoryCodes, grades) };
    },
    duplicateKey: (value) => value.sourceId,
    duplicateField: 'schoolId',
    references: {},
    toRow: async (_trx, value) => ({
      district_id: run.districtId,
      source_id: value.sourceId,
      name: value.name,
      school_type: value.school_type,
      grade_low: value.grade_low,
      grade_high: value.grade_high,
    }),
  });
}

const sessionKey = (schoolId: string, schoolYear: number | string, sessionName: string) =>
  `${schoolId}|${schoolYear}|${sessionName}`;

/** The dates a batch's sessions cover in each school year (by id), to widen the year to. */
type YearSpans = Map<string, { year: Year; start: string; endExclusive: string }>;

async function importSessions(run: EdFiImport): Promise<void> {
  await run.importResource({
    resource: 'sessions',
    table: 'sessions',
    upsertKey: SOURCE_KEY,
    keyHasNoConstraint: true,
    parse: (resource: JsonObject) => {
      const schoolId = requiredText(resource, 'schoolReference.schoolId');
      const schoolYear = requiredYear(resource, 'schoolYearTypeReference.schoolYear');
      const name = requiredText(resource, 'sessionName');
      const begin = requiredDate(resource, 'beginDate');
      const end = requiredDate(resource, 'endDate');
      if (end < begin) throw new Invalid('endDate', `endDate ${end} is before beginDate ${begin}.`);
      const term = optionalText(resource, 'termDescriptor');
      return {
        sourceId: sessionKey(schoolId, schoolYear, name),
        schoolId,
        schoolYear,
        name,
        begin,
        // Ed-Fi session end dates are the last day of the session (inclusive).
        endExclusive: addDays(end, 1),
        type: (term && run.descriptors.resolve('termDescriptor', term)) || 'other',
      };
    },
    duplicateKey: (value) => value.sourceId,
    duplicateField: 'sessionName',
    references: { school: schoolAt('schoolReference.schoolId') },
    prepare: async (): Promise<YearSpans> => new Map(),
    toRow: async (trx, value, { school }, spans) => {
      const year = await run.yearFor(trx, value.schoolYear);
      const span = spans.get(year.id) ?? { year, start: value.begin, endExclusive: value.endExclusive };
      if (value.begin < span.start) span.start = value.begin;
      if (value.endExclusive > span.endExclusive) span.endExclusive = value.endExclusive;
      spans.set(year.id, span);
      return {
        district_id: run.districtId,
        source_id: value.sourceId,
        school_year_id: year.id,
        school_id: school,
        name: value.name,
        session_type: value.type,
        start_date: value.begin,
        end_date_exclusive: value.endExclusive,
      };
    },
    beforeWrite: async (trx, spans) => {
      for (const span of spans.values()) await run.widenYear(trx, span.year, span.start, span.endExclusive);
    },
  });
}

async function importCalendarDates(run: EdFiImport): Promise<void> {
  const minutes = run.descriptors.instructionalMinutes;
  await run.importResource({
    resource: 'calendarDates',
    table: 'calendar_days',
    upsertKey: ['district_id', 'calendar_id', 'date'],
    parse: (resource: JsonObject) => {
      const code = requiredText(resource, 'calendarReference.calendarCode');
      const schoolId = requiredText(resource, 'calendarReference.schoolId');
      const schoolYear = requiredYear(resource, 'calendarReference.schoolYear');
      const date = requiredDate(resource, 'date');
      const events = valueAt(resource, 'calendarEvents');
      if (!Array.isArray(events) || events.length === 0)
        throw new Invalid('calendarEvents', 'calendarEvents needs at least one calendarEventDescriptor.');
      const types: string[] = [];
      const codes: string[] = [];
      events.forEach((event, index) => {
        const path = `calendarEvents[${index}].calendarEventDescriptor`;
        const descriptor =
          typeof event === 'object' && event !== null && !Array.isArray(event)
            ? optionalText(event, 'calendarEventDescriptor')
            : null;
        if (descriptor === null) throw new Invalid(path, `${path} is required.`);
        const type = run.descriptors.resolve('calendarEventDescriptor', descriptor);
        if (type === undefined) throw new Invalid(path, unknownDescriptor(descriptor, 'a calendar event'));
        types.push(type);
        codes.push(codeValueOf(descriptor));
      });
      // A day with several events is instructional if any of them is (a late-arrival day, say).
      const dayType =
        types.find((type) => type === 'instructional' || type === 'makeup') ?? (types[0] as string);
      return { code, schoolId, schoolYear, date, dayType, note: codes.join(', ') };
    },
    duplicateKey: (value) => `${value.schoolId}|${value.schoolYear}|${value.code}|${value.date}`,
    duplicateField: 'date',
    references: { school: schoolAt('calendarReference.schoolId') },
    toRow: async (trx, value, { school }) => {
      const year = await run.yearFor(trx, value.schoolYear);
      if (value.date < year.start || value.date >= year.endExclusive)
        return new RowProblem(
          'date',
          `${value.date} is not in the ${year.name} school year (${year.start} to ${addDays(year.endExclusive, -1)}).`,
        );
      const instructional = value.dayType === 'instructional' || value.dayType === 'makeup';
      return {
        district_id: run.districtId,
        calendar_id: await run.calendarFor(trx, school, year.id, value.code),
        date: value.date,
        day_type: value.dayType,
        instructional_minutes: instructional ? minutes : 0,
        note: value.note,
      };
    },
  });
}

/**
 * Each student's grade: the entry grade of their latest school association (Ed-Fi keeps the
 * grade there, not on the student). One entry per student in memory, like OneRoster's roles.
 */
async function readEntryGrades(run: EdFiImport): Promise<Map<string, { entry: string; grade: string }>> {
  const grades = new Map<string, { entry: string; grade: string }>();
  const found = resourceFile(run.options.directory, 'studentSchoolAssociations');
  if (!found) return grades;
  for await (const resource of readResourceFile(found.path, found.file)) {
    if (!('value' in resource)) continue;
    try {
      const student = requiredText(resource.value, 'studentReference.studentUniqueId');
      const entry = requiredDate(resource.value, 'entryDate');
      const descriptor = requiredText(resource.value, 'entryGradeLevelDescriptor');
      const grade = run.descriptors.resolve('gradeLevelDescriptor', descriptor);
      const known = grades.get(student);
      if (grade && (!known || known.entry <= entry)) grades.set(student, { entry, grade });
    } catch (error) {
      // Reported with the association itself, when its own pass reads it.
      if (!(error instanceof Invalid)) throw error;
    }
  }
  return grades;
}

const GENDERS: Readonly<Record<string, string>> = { female: 'F', male: 'M' };

async function importStudents(
  run: EdFiImport,
  grades: ReadonlyMap<string, { entry: string; grade: string }>,
): Promise<void> {
  await run.importResource({
    resource: 'students',
    table: 'students',
    upsertKey: ['district_id', 'local_id'],
    touch: true,
    parse: (resource: JsonObject) => {
      const localId = requiredText(resource, 'studentUniqueId');
      const sex = optionalText(resource, 'birthSexDescriptor');
      return {
        localId,
        firstName: requiredText(resource, 'firstName'),
        lastName: requiredText(resource, 'lastSurname'),
        middleName: optionalText(resource, 'middleName'),
        preferredName: optionalText(resource, 'preferredFirstName'),
        birthDate: optionalDate(resource, 'birthDate'),
        gender: sex === null ? null : (GENDERS[codeValueOf(sex).toLowerCase()] ?? 'X'),
        grade: grades.get(localId)?.grade ?? null,
      };
    },
    duplicateKey: (value) => value.localId,
    duplicateField: 'studentUniqueId',
    references: {},
    // The stored grade of students no association in the folder gives one.
    prepare: async (trx, values) => {
      const ungraded = values.filter((value) => value.grade === null).map((value) => value.localId);
      return new Map(
        ungraded.length === 0
          ? []
          : (
              await trx
                .selectFrom('students')
                .select(['local_id', 'grade_level'])
                .where('district_id', '=', run.districtId)
                .where('local_id', 'in', ungraded)
                .execute()
            ).map((row) => [row.local_id, row.grade_level]),
      );
    },
    toRow: async (_trx, value, _ids, stored) => {
      const grade = value.grade ?? stored.get(value.localId);
      if (!grade)
        return new RowProblem(
          'studentUniqueId',
          'no studentSchoolAssociation gives the student a grade level (entryGradeLevelDescriptor) Homeroom knows.',
        );
      return {
        district_id: run.districtId,
        local_id: value.localId,
        first_name: value.firstName,
        middle_name: value.middleName,
        last_name: value.lastName,
        preferred_name: value.preferredName,
        date_of_birth: value.birthDate,
        gender: value.gender,
        grade_level: grade,
      };
    },
  });
}

async function importSchoolAssociations(run: EdFiImport): Promise<void> {
  await run.importResource({
    resource: 'studentSchoolAssociations',
    table: 'enrolment_spans',
    upsertKey: SOURCE_KEY,
    parse: (resource: JsonObject) => {
      const studentId = requiredText(resource, 'studentReference.studentUniqueId');
      const schoolId = requiredText(resource, 'schoolReference.schoolId');
      const entry = requiredDate(resource, 'entryDate');
      const grade = descriptorAt(
        run.descriptors,
        'gradeLevelDescriptor',
        resource,
        'entryGradeLevelDescriptor',
        'a grade level',
      );
      const exit = optionalDate(resource, 'exitWithdrawDate');
      if (exit !== null && exit < entry)
        throw new Invalid('exitWithdrawDate', `exitWithdrawDate ${exit} is before entryDate ${entry}.`);
      const exitType = optionalText(resource, 'exitWithdrawTypeDescriptor');
      return {
        sourceId: `${schoolId}|${studentId}|${entry}`,
        studentId,
        schoolId,
        entry,
        // Ed-Fi's exit date is the last day enrolled (inclusive); Homeroom's end is exclusive.
        endExclusive: exit === null ? null : addDays(exit, 1),
        exitReason: exitType === null ? null : codeValueOf(exitType),
        grade: grade.value,
        primary: optionalBoolean(resource, 'primarySchool') ?? true,
        schoolYear:
          optionalYear(resource, 'calendarReference.schoolYear') ??
          optionalYear(resource, 'schoolYearTypeReference.schoolYear'),
        calendarCode: optionalText(resource, 'calendarReference.calendarCode'),
      };
    },
    duplicateKey: (value) => value.sourceId,
    duplicateField: 'entryDate',
    references: { student: STUDENT_REFERENCE, school: schoolAt('schoolReference.schoolId') },
    // The district's school years, for associations that do not name theirs.
    prepare: async (trx, values) =>
      values.some((value) => value.schoolYear === null)
        ? await trx
            .selectFrom('school_years')
            .select(['school_year_id', 'start_date', 'end_date_exclusive'])
            .where('district_id', '=', run.districtId)
            .orderBy('start_date', 'desc')
            .execute()
        : [],
    toRow: async (trx, value, { student, school }, years) => {
      const yearId =
        value.schoolYear === null
          ? years.find(
              (year) =>
                String(year.start_date) <= value.entry && value.entry < String(year.end_date_exclusive),
            )?.school_year_id
          : (await run.yearFor(trx, value.schoolYear)).id;
      if (!yearId)
        return new RowProblem(
          'entryDate',
          `no school year holds entryDate ${value.entry}: give schoolYearTypeReference.schoolYear, or import sessions.json first.`,
        );
      return {
        district_id: run.districtId,
        source_id: value.sourceId,
        student_id: student,
        school_id: school,
        school_year_id: yearId,
        calendar_id: await run.calendarFor(trx, school, yearId, value.calendarCode),
        grade_level: value.grade,
        entry_date: value.entry,
        end_date_exclusive: value.endExclusive,
        exit_reason: value.exitReason,
        is_primary: value.primary,
      };
    },
  });
}

/** A section's natural key (Ed-Fi: school, school year, session, local course code, section identifier). */
interface SectionKey {
  readonly key: string;
  readonly schoolId: string;
  readonly schoolYear: number;
  readonly sessionName: string;
  readonly courseCode: string;
  readonly identifier: string;
}

function sectionKeyAt(resource: JsonObject, prefix: string): SectionKey {
  const schoolId = requiredText(resource, `${prefix}.schoolId`);
  const schoolYear = requiredYear(resource, `${prefix}.schoolYear`);
  const sessionName = requiredText(resource, `${prefix}.sessionName`);
  const courseCode = requiredText(resource, `${prefix}.localCourseCode`);
  // A section's own identifier sits beside its course offering; a reference holds all five.
  const identifier = requiredText(
    resource,
    prefix === 'courseOfferingReference' ? 'sectionIdentifier' : `${prefix}.sectionIdentifier`,
  );
  return {
    key: `${sessionKey(schoolId, schoolYear, sessionName)}|${courseCode}|${identifier}`,
    schoolId,
    schoolYear,
    sessionName,
    courseCode,
    identifier,
  };
}

async function importSections(run: EdFiImport): Promise<void> {
  await run.importResource({
    resource: 'sections',
    table: 'sections',
    upsertKey: SOURCE_KEY,
    parse: (resource: JsonObject) => {
      const section = sectionKeyAt(resource, 'courseOfferingReference');
      return {
        ...section,
        name: optionalText(resource, 'sectionName') ?? `${section.courseCode} ${section.identifier}`,
        homeroom: optionalBoolean(resource, 'officialAttendancePeriod') ?? false,
      };
    },
    duplicateKey: (value) => value.key,
    duplicateField: 'sectionIdentifier',
    references: { school: schoolAt('courseOfferingReference.schoolId') },
    // The sessions the sections belong to (a section whose session is not imported has none).
    prepare: (trx, values) =>
      findIdsByKey(
        trx,
        run.districtId,
        'sessions',
        'source_id',
        'session_id',
        values.map((value) => sessionKey(value.schoolId, value.schoolYear, value.sessionName)),
      ),
    toRow: async (trx, value, { school }, sessions) => {
      const year = await run.yearFor(trx, value.schoolYear);
      return {
        district_id: run.districtId,
        source_id: value.key,
        school_id: school,
        school_year_id: year.id,
        session_id: sessions.get(sessionKey(value.schoolId, value.schoolYear, value.sessionName)) ?? null,
        course_code: value.courseCode,
        name: value.name,
        is_homeroom: value.homeroom,
      };
    },
  });
}

interface EventFields {
  readonly studentId: string;
  readonly date: string;
  readonly descriptor: string;
  readonly category: string;
  readonly minutes: number | null;
  readonly dayFraction: string | null;
  readonly arrivalTime: string | null;
  readonly departureTime: string | null;
  readonly note: string | null;
}

/** The fields school and section attendance events share. */
function eventFields(run: EdFiImport, resource: JsonObject, minutesPath: string): EventFields {
  const studentId = requiredText(resource, 'studentReference.studentUniqueId');
  const date = requiredDate(resource, 'eventDate');
  const category = descriptorAt(
    run.descriptors,
    'attendanceEventCategoryDescriptor',
    resource,
    'attendanceEventCategoryDescriptor',
    'an attendance event category',
  );
  return {
    studentId,
    date,
    descriptor: category.descriptor,
    category: category.value,
    minutes: optionalMinutes(resource, minutesPath),
    dayFraction: optionalFraction(resource, 'eventDuration'),
    arrivalTime: optionalTime(resource, 'arrivalTime'),
    departureTime: optionalTime(resource, 'departureTime'),
    note: optionalText(resource, 'attendanceEventReason'),
  };
}

function eventRow(
  run: EdFiImport,
  sourceId: string,
  event: EventFields,
  ids: { studentId: string; schoolId: string; sectionId: string | null; periodId: string | null },
): Record<string, unknown> {
  return {
    district_id: run.districtId,
    source_system: EDFI_SOURCE_SYSTEM,
    source_id: sourceId,
    student_id: ids.studentId,
    school_id: ids.schoolId,
    date: event.date,
    section_id: ids.sectionId,
    period_id: ids.periodId,
    category: event.category,
    minutes: event.minutes,
    day_fraction: event.dayFraction,
    arrival_time: event.arrivalTime,
    departure_time: event.departureTime,
    reason: null,
    is_excused:
      event.category === 'excused_absence' ? true : event.category === 'unexcused_absence' ? false : null,
    note: event.note,
  };
}

/** What school and section attendance events share: the table and key they are written by, and their student. */
const EVENT_IMPORT = {
  table: 'attendance_events',
  upsertKey: ['district_id', 'source_system', 'source_id'],
  duplicateKey: (value: { readonly sourceId: string }) => value.sourceId,
  duplicateField: 'eventDate',
} as const;

async function importSchoolAttendanceEvents(run: EdFiImport): Promise<void> {
  await run.importResource({
    ...EVENT_IMPORT,
    resource: 'studentSchoolAttendanceEvents',
    parse: (resource: JsonObject) => {
      const event = eventFields(run, resource, 'schoolAttendanceDuration');
      const schoolId = requiredText(resource, 'schoolReference.schoolId');
      const schoolYear = optionalYear(resource, 'sessionReference.schoolYear');
      const sessionName = optionalText(resource, 'sessionReference.sessionName') ?? '';
      return {
        ...event,
        schoolId,
        // Ed-Fi's key: category, date, school, session, student (the category is part of it).
        sourceId: `school|${sessionKey(schoolId, schoolYear ?? '', sessionName)}|${event.studentId}|${event.date}|${event.descriptor}`,
      };
    },
    references: { student: STUDENT_REFERENCE, school: schoolAt('schoolReference.schoolId') },
    toRow: async (_trx, value, { student, school }) =>
      eventRow(run, value.sourceId, value, {
        studentId: student,
        schoolId: school,
        sectionId: null,
        periodId: null,
      }),
  });
}

async function importSectionAttendanceEvents(run: EdFiImport): Promise<void> {
  await run.importResource({
    ...EVENT_IMPORT,
    resource: 'studentSectionAttendanceEvents',
    entity: 'section_attendance_events',
    parse: (resource: JsonObject) => {
      const event = eventFields(run, resource, 'sectionAttendanceDuration');
      const section = sectionKeyAt(resource, 'sectionReference');
      return {
        ...event,
        section,
        sourceId: `section|${section.key}|${event.studentId}|${event.date}|${event.descriptor}`,
      };
    },
    references: { student: STUDENT_REFERENCE },
    // The sections the events name, with their school and period.
    prepare: async (trx, values) => {
      const keys = [...new Set(values.map((value) => value.section.key))];
      return new Map(
        keys.length === 0
          ? []
          : (
              await trx
                .selectFrom('sections')
                .select(['source_id', 'section_id', 'school_id', 'period_id'])
                .where('district_id', '=', run.districtId)
                .where('source_id', 'in', keys)
                .execute()
            ).map((row) => [row.source_id as string, row]),
      );
    },
    toRow: async (_trx, value, { student }, sections) => {
      const section = sections.get(value.section.key);
      if (!section) {
        const { schoolId, schoolYear, sessionName, courseCode, identifier } = value.section;
        return new RowProblem(
          'sectionReference',
          `no section has schoolId ${schoolId}, schoolYear ${schoolYear}, sessionName "${sessionName}", localCourseCode "${courseCode}" and sectionIdentifier "${identifier}" (sections.json).`,
        );
      }
      return eventRow(run, value.sourceId, value, {
        studentId: student,
        schoolId: section.school_id,
        sectionId: section.section_id,
        periodId: section.period_id,
      });
    },
  });
}
