/**
 * Imports attendance events from Homeroom's simple CSV (docs/formats/attendance-csv.md),
 * optionally through a column mapping, streaming in batches. Idempotent by
 * (source_system, source_id): the same file twice changes nothing; a changed row updates.
 * Rows for students, schools or sections the district does not have are rejected and
 * reported, never dropped silently.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import { readCsvFile } from './csv-reader.ts';
import {
  countOutcome,
  dropDuplicates,
  type Header,
  importCsvFile,
  isDate,
  RowProblem,
  upsertRows,
} from './import-batches.ts';
import { type Executor, finishImportRun, type ImportReport, startImportRun } from './import-run.ts';

export const ATTENDANCE_CATEGORIES = [
  'present',
  'excused_absence',
  'unexcused_absence',
  'tardy',
  'early_departure',
  'partial',
  'in_school_suspension',
  'out_of_school_suspension',
] as const;

export const ATTENDANCE_REASONS = [
  'illness',
  'medical',
  'family',
  'transport',
  'religious',
  'bereavement',
  'suspension',
  'school_activity',
  'weather',
  'housing',
  'caregiving',
  'vacation',
  'unknown',
  'other',
] as const;

/** The columns of attendance.csv in the order Homeroom writes them (docs/formats/attendance-csv.md). */
export const ATTENDANCE_COLUMNS = [
  'student_id',
  'school_id',
  'date',
  'category',
  'minutes',
  'day_fraction',
  'section_id',
  'period',
  'reason',
  'excused',
  'arrival_time',
  'departure_time',
  'source_id',
] as const;
export const ATTENDANCE_REQUIRED = ['student_id', 'school_id', 'date', 'category', 'source_id'] as const;
const KNOWN_COLUMNS = new Set<string>(ATTENDANCE_COLUMNS);

export interface AttendanceRow {
  readonly studentId: string;
  readonly schoolId: string;
  readonly date: string;
  readonly category: string;
  readonly minutes: number | null;
  readonly dayFraction: string | null;
  readonly sectionId: string | null;
  readonly reason: string | null;
  readonly excused: boolean | null;
  readonly arrivalTime: string | null;
  readonly departureTime: string | null;
  readonly sourceId: string;
}

const categories = new Set<string>(ATTENDANCE_CATEGORIES);
const reasons = new Set<string>(ATTENDANCE_REASONS);

function parseTime(value: string): string | null | undefined {
  if (value === '') return null;
  const match = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/.exec(value);
  return match ? `${match[1]}:${match[2]}:${match[3] ?? '00'}` : undefined;
}

/** Validates one attendance row; every problem names its column. */
export function parseAttendanceRow(header: Header, fields: readonly string[]): AttendanceRow | RowProblem {
  const get = (column: string) => header.get(fields, column);
  for (const column of ATTENDANCE_REQUIRED) {
    if (get(column) === '') return new RowProblem(column, `${column} is required.`);
  }
  const date = get('date');
  if (!isDate(date)) return new RowProblem('date', `"${date}" is not a date as YYYY-MM-DD.`);
  const category = get('category').toLowerCase();
  if (!categories.has(category))
    return new RowProblem(
      'category',
      `"${get('category')}" is not a category (one of ${ATTENDANCE_CATEGORIES.join(', ')}).`,
    );
  const minutesText = get('minutes');
  let minutes: number | null = null;
  if (minutesText !== '') {
    if (!/^\d{1,4}$/.test(minutesText) || Number(minutesText) > 1440)
      return new RowProblem('minutes', `"${minutesText}" is not a whole number of minutes from 0 to 1440.`);
    minutes = Number(minutesText);
  }
  const fractionText = get('day_fraction');
  let dayFraction: string | null = null;
  if (fractionText !== '') {
    if (!/^(0?\.\d{1,3}|0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(fractionText))
      return new RowProblem(
        'day_fraction',
        `"${fractionText}" is not a share of the day from 0 to 1 with at most 3 decimals.`,
      );
    dayFraction = Number(fractionText).toFixed(3);
  }
  const period = get('period');
  if (period !== '' && !/^\d{1,3}$/.test(period))
    return new RowProblem('period', `"${period}" is not a period number.`);
  const reasonText = get('reason').toLowerCase();
  if (reasonText !== '' && !reasons.has(reasonText))
    return new RowProblem(
      'reason',
      `"${get('reason')}" is not a reason (one of ${ATTENDANCE_REASONS.join(', ')}).`,
    );
  const excusedText = get('excused').toLowerCase();
  if (excusedText !== '' && excusedText !== 'true' && excusedText !== 'false')
    return new RowProblem('excused', `"${get('excused')}" is not true or false.`);
  const arrivalTime = parseTime(get('arrival_time'));
  if (arrivalTime === undefined)
    return new RowProblem('arrival_time', `"${get('arrival_time')}" is not a time as HH:MM:SS.`);
  const departureTime = parseTime(get('departure_time'));
  if (departureTime === undefined)
    return new RowProblem('departure_time', `"${get('departure_time')}" is not a time as HH:MM:SS.`);
  return {
    studentId: get('student_id'),
    schoolId: get('school_id'),
    date,
    category,
    minutes,
    dayFraction,
    sectionId: get('section_id') || null,
    reason: reasonText || null,
    excused: excusedText === '' ? null : excusedText === 'true',
    arrivalTime,
    departureTime,
    sourceId: get('source_id'),
  };
}

/** Checks a column mapping ({"student_id": "StudentNumber", ...}); throws naming a bad key. */
export function parseColumnMapping(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('The mapping must be a JSON object such as {"student_id": "StudentNumber"}.');
  const mapping: Record<string, string> = {};
  for (const [key, column] of Object.entries(value)) {
    if (!KNOWN_COLUMNS.has(key))
      throw new Error(
        `The mapping names "${key}", which is not a column of attendance.csv (${[...KNOWN_COLUMNS].join(', ')}).`,
      );
    if (typeof column !== 'string' || column.trim() === '')
      throw new Error(`The mapping for "${key}" must be the name of a column in the file.`);
    mapping[key] = column.trim();
  }
  return mapping;
}

export interface AttendanceImportOptions {
  readonly path: string;
  /** The name the file is reported under (defaults to the path). */
  readonly file?: string;
  readonly sourceSystem: string;
  readonly mapping?: Readonly<Record<string, string>>;
  readonly batchSize?: number;
  readonly onBatch?: (rowsRead: number, batches: number) => void | Promise<void>;
}

async function lookUp(db: Executor, districtId: string, rows: readonly AttendanceRow[]) {
  const studentIds = [...new Set(rows.map((row) => row.studentId))];
  const schoolIds = [...new Set(rows.map((row) => row.schoolId))];
  const sectionIds = [...new Set(rows.flatMap((row) => (row.sectionId ? [row.sectionId] : [])))];
  // One query after another: a transaction has one connection (and PGlite only one at all).
  const students = await db
    .selectFrom('students')
    .select(['local_id', 'student_id'])
    .where('district_id', '=', districtId)
    .where('local_id', 'in', studentIds)
    .execute();
  const schools = await db
    .selectFrom('schools')
    .select(['source_id', 'school_id'])
    .where('district_id', '=', districtId)
    .where('source_id', 'in', schoolIds)
    .execute();
  const sections =
    sectionIds.length === 0
      ? []
      : await db
          .selectFrom('sections')
          .select(['source_id', 'section_id', 'school_id', 'period_id'])
          .where('district_id', '=', districtId)
          .where('source_id', 'in', sectionIds)
          .execute();
  return {
    students: new Map(students.map((row) => [row.local_id, row.student_id])),
    schools: new Map(schools.map((row) => [row.source_id as string, row.school_id])),
    sections: new Map(sections.map((row) => [row.source_id as string, row])),
  };
}

/** Imports one attendance CSV file into the run's district; returns the rows read. */
export async function importAttendanceCsv(
  db: Kysely<DB>,
  report: ImportReport,
  options: AttendanceImportOptions,
): Promise<number> {
  const districtId = report.districtId;
  const file = options.file ?? options.path;
  return importCsvFile(db, report, {
    file,
    entity: 'attendance_events',
    tables: ['attendance_events'],
    records: readCsvFile(options.path, file),
    required: ATTENDANCE_REQUIRED,
    mapping: options.mapping,
    batchSize: options.batchSize,
    onBatch: options.onBatch,
    onHeader: (header) => {
      for (const column of header.unused(KNOWN_COLUMNS))
        report.note(`${file}: column "${column}" is not part of the format and was ignored.`);
    },
    parse: parseAttendanceRow,
    apply: async (trx, batch, reject) => {
      const rows = dropDuplicates(batch, (value) => value.sourceId, 'source_id', reject);
      if (rows.length === 0) return;
      const found = await lookUp(
        trx,
        districtId,
        rows.map((row) => row.value),
      );
      const events: Record<string, unknown>[] = [];
      for (const row of rows) {
        const value = row.value;
        const studentId = found.students.get(value.studentId);
        if (!studentId) {
          reject(row, 'student_id', `no student has the id "${value.studentId}" in this district.`);
          continue;
        }
        const schoolId = found.schools.get(value.schoolId);
        if (!schoolId) {
          reject(row, 'school_id', `no school has the source id "${value.schoolId}" in this district.`);
          continue;
        }
        const section = value.sectionId ? found.sections.get(value.sectionId) : undefined;
        if (value.sectionId && !section) {
          reject(row, 'section_id', `no section has the source id "${value.sectionId}" in this district.`);
          continue;
        }
        if (section && section.school_id !== schoolId) {
          reject(
            row,
            'section_id',
            `the section "${value.sectionId}" is not at the school "${value.schoolId}".`,
          );
          continue;
        }
        events.push({
          district_id: districtId,
          source_system: options.sourceSystem,
          source_id: value.sourceId,
          student_id: studentId,
          school_id: schoolId,
          date: value.date,
          section_id: section?.section_id ?? null,
          period_id: section?.period_id ?? null,
          category: value.category,
          minutes: value.minutes,
          day_fraction: value.dayFraction,
          arrival_time: value.arrivalTime,
          departure_time: value.departureTime,
          reason: value.reason,
          is_excused: value.excused,
        });
      }
      const outcome = await upsertRows(trx, 'attendance_events', events, {
        key: ['district_id', 'source_system', 'source_id'],
      });
      countOutcome(report, 'attendance_events', outcome);
    },
  });
}

export interface AttendanceFileImport extends AttendanceImportOptions {
  readonly districtId: string;
}

/**
 * Imports an attendance file as one recorded run (import_runs), marking it failed with the
 * reason when the file cannot be read on (not UTF-8, an unclosed quote, a missing column).
 */
export async function importAttendanceFile(
  db: Kysely<DB>,
  options: AttendanceFileImport,
): Promise<ImportReport> {
  const report = await startImportRun(db, options.districtId, 'attendance_csv', options.file ?? options.path);
  try {
    await importAttendanceCsv(db, report, options);
  } catch (error) {
    await finishImportRun(db, report, 'failed', error instanceof Error ? error.message : String(error)).catch(
      () => undefined,
    );
    throw error;
  }
  await finishImportRun(db, report, 'succeeded');
  return report;
}
