/**
 * Ed-Fi descriptors to Homeroom's values. A descriptor is a URI such as
 * `uri://ed-fi.org/AttendanceEventCategoryDescriptor#Excused Absence`: a namespace and a code
 * value. Ed-Fi's default code values (Data Standard 4 to 6) are built in; a district's map
 * (`homeroom import edfi DIR --descriptor-map FILE.json`) adds its own descriptors or
 * overrides the defaults. A map entry names a whole URI (that namespace only) or a bare code
 * value (any namespace); code values are compared without regard to case.
 */
import { ATTENDANCE_CATEGORIES } from './attendance-import.ts';
import { CALENDAR_DAY_TYPE_LIST } from './oneroster-import.ts';

export const DESCRIPTOR_KINDS = [
  'attendanceEventCategoryDescriptor',
  'calendarEventDescriptor',
  'gradeLevelDescriptor',
  'termDescriptor',
] as const;
export type DescriptorKind = (typeof DESCRIPTOR_KINDS)[number];

/** Homeroom's grade levels, lowest first. */
export const GRADE_LEVELS = [
  'PK',
  'KG',
  '01',
  '02',
  '03',
  '04',
  '05',
  '06',
  '07',
  '08',
  '09',
  '10',
  '11',
  '12',
];

/** What each kind of descriptor maps to. */
export const DESCRIPTOR_TARGETS: Readonly<Record<DescriptorKind, readonly string[]>> = {
  attendanceEventCategoryDescriptor: ATTENDANCE_CATEGORIES,
  calendarEventDescriptor: CALENDAR_DAY_TYPE_LIST,
  gradeLevelDescriptor: GRADE_LEVELS,
  termDescriptor: ['term', 'semester', 'trimester', 'quarter', 'grading_period', 'other'],
};

/** Ed-Fi's default descriptor code values (uri://ed-fi.org/...) and what they become. */
export const EDFI_DEFAULT_DESCRIPTORS: Readonly<Record<DescriptorKind, Readonly<Record<string, string>>>> = {
  attendanceEventCategoryDescriptor: {
    'In Attendance': 'present',
    Present: 'present',
    'Excused Absence': 'excused_absence',
    'Unexcused Absence': 'unexcused_absence',
    Tardy: 'tardy',
    'Early departure': 'early_departure',
    Partial: 'partial',
  },
  calendarEventDescriptor: {
    'Instructional day': 'instructional',
    'Make-up day': 'makeup',
    'Student late arrival/early dismissal': 'instructional',
    Holiday: 'holiday',
    'Teacher only day': 'teacher_only',
    'Emergency day': 'emergency_closure',
    Strike: 'emergency_closure',
    'Weather day': 'weather_closure',
    'Non-instructional day': 'other',
    Other: 'other',
  },
  gradeLevelDescriptor: {
    'Infant/toddler': 'PK',
    'Early Education': 'PK',
    Preschool: 'PK',
    Prekindergarten: 'PK',
    'Preschool/Prekindergarten': 'PK',
    'Transitional Kindergarten': 'PK',
    Kindergarten: 'KG',
    'First grade': '01',
    'Second grade': '02',
    'Third grade': '03',
    'Fourth grade': '04',
    'Fifth grade': '05',
    'Sixth grade': '06',
    'Seventh grade': '07',
    'Eighth grade': '08',
    'Ninth grade': '09',
    'Tenth grade': '10',
    'Eleventh grade': '11',
    'Twelfth grade': '12',
  },
  termDescriptor: {
    Semester: 'semester',
    'Fall Semester': 'semester',
    'Spring Semester': 'semester',
    'Summer Semester': 'semester',
    Quarter: 'quarter',
    'First Quarter': 'quarter',
    'Second Quarter': 'quarter',
    'Third Quarter': 'quarter',
    'Fourth Quarter': 'quarter',
    Trimester: 'trimester',
    'First Trimester': 'trimester',
    'Second Trimester': 'trimester',
    'Third Trimester': 'trimester',
    MiniTerm: 'term',
    'Year Round': 'term',
    Other: 'other',
  },
};

/** The instructional minutes an Ed-Fi instructional day gets (CalendarDate has no minutes). */
export const DEFAULT_INSTRUCTIONAL_MINUTES = 360;

/** A district's descriptor map file, checked. */
export interface EdFiMapping {
  readonly descriptors: Readonly<Partial<Record<DescriptorKind, Readonly<Record<string, string>>>>>;
  readonly instructionalMinutes?: number;
}

/** The code value of a descriptor: what follows the `#` (the whole text when there is none). */
export function codeValueOf(descriptor: string): string {
  const hash = descriptor.lastIndexOf('#');
  return (hash >= 0 ? descriptor.slice(hash + 1) : descriptor).trim();
}

/**
 * Checks a descriptor map file's JSON: `{"attendanceEventCategoryDescriptor": {"uri://...#Code"
 * or "Code": "excused_absence", ...}, ..., "instructionalMinutes": 390}`. Throws an Error
 * naming the first bad key or value.
 */
export function parseEdFiMapping(value: unknown): EdFiMapping {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(
      'The descriptor map must be a JSON object such as {"attendanceEventCategoryDescriptor": {"Medical": "excused_absence"}}.',
    );
  const descriptors: Partial<Record<DescriptorKind, Record<string, string>>> = {};
  let instructionalMinutes: number | undefined;
  for (const [key, entries] of Object.entries(value)) {
    if (key === 'instructionalMinutes') {
      if (typeof entries !== 'number' || !Number.isInteger(entries) || entries < 1 || entries > 1440)
        throw new Error('"instructionalMinutes" must be a whole number of minutes from 1 to 1440.');
      instructionalMinutes = entries;
      continue;
    }
    const kind = DESCRIPTOR_KINDS.find((candidate) => candidate === key);
    if (!kind)
      throw new Error(
        `The descriptor map names "${key}", which is not one Homeroom maps (${DESCRIPTOR_KINDS.join(', ')}, instructionalMinutes).`,
      );
    if (typeof entries !== 'object' || entries === null || Array.isArray(entries))
      throw new Error(`"${key}" must be an object from descriptors to Homeroom values.`);
    const targets = DESCRIPTOR_TARGETS[kind];
    const checked: Record<string, string> = {};
    for (const [descriptor, target] of Object.entries(entries as Record<string, unknown>)) {
      if (typeof target !== 'string' || !targets.includes(target))
        throw new Error(
          `"${key}" maps "${descriptor}" to ${JSON.stringify(target)}; it must be one of ${targets.join(', ')}.`,
        );
      if (codeValueOf(descriptor) === '') throw new Error(`"${key}" has an empty descriptor.`);
      checked[descriptor.trim()] = target;
    }
    descriptors[kind] = checked;
  }
  return instructionalMinutes === undefined ? { descriptors } : { descriptors, instructionalMinutes };
}

/** Resolves descriptors through a district's map, then Ed-Fi's defaults. */
export class Descriptors {
  readonly #byUri = new Map<string, string>();
  readonly #byCode = new Map<string, string>();
  readonly instructionalMinutes: number;

  constructor(mapping: EdFiMapping = { descriptors: {} }) {
    this.instructionalMinutes = mapping.instructionalMinutes ?? DEFAULT_INSTRUCTIONAL_MINUTES;
    for (const kind of DESCRIPTOR_KINDS) {
      for (const [code, target] of Object.entries(EDFI_DEFAULT_DESCRIPTORS[kind]))
        this.#byCode.set(`${kind}|${code.toLowerCase()}`, target);
      for (const [descriptor, target] of Object.entries(mapping.descriptors[kind] ?? {})) {
        if (descriptor.includes('#')) this.#byUri.set(`${kind}|${descriptor.toLowerCase()}`, target);
        else this.#byCode.set(`${kind}|${descriptor.toLowerCase()}`, target);
      }
    }
  }

  /** The Homeroom value of a descriptor, or undefined when neither the map nor Ed-Fi's defaults know it. */
  resolve(kind: DescriptorKind, descriptor: string): string | undefined {
    const trimmed = descriptor.trim();
    return (
      this.#byUri.get(`${kind}|${trimmed.toLowerCase()}`) ??
      this.#byCode.get(`${kind}|${codeValueOf(trimmed).toLowerCase()}`)
    );
  }
}
