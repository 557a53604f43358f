/**
 * The shape of the demo district for a number of students: how many schools of each kind,
 * their bell schedules, homerooms and sections, and their staff. Everything here is small
 * (proportional to schools, not students) and computed once; ids are derived from keys so
 * that a family generated later can point at a section without a lookup table.
 */

import { NEIGHBOURHOODS, type Neighbourhood, SCHOOL_NAMES } from './demo-names.ts';
import { uuidFor } from './random.ts';

export type SchoolType = 'elementary' | 'middle' | 'high';
export type GradeLevel =
  | 'KG'
  | '01'
  | '02'
  | '03'
  | '04'
  | '05'
  | '06'
  | '07'
  | '08'
  | '09'
  | '10'
  | '11'
  | '12';

export const GRADES_BY_TYPE: Readonly<Record<SchoolType, readonly GradeLevel[]>> = {
  elementary: ['KG', '01', '02', '03', '04', '05'],
  middle: ['06', '07', '08'],
  high: ['09', '10', '11', '12'],
};
export const ALL_GRADES: readonly GradeLevel[] = [
  ...GRADES_BY_TYPE.elementary,
  ...GRADES_BY_TYPE.middle,
  ...GRADES_BY_TYPE.high,
];

export function schoolTypeOf(grade: GradeLevel): SchoolType {
  if (GRADES_BY_TYPE.elementary.includes(grade)) return 'elementary';
  return GRADES_BY_TYPE.middle.includes(grade) ? 'middle' : 'high';
}

/** Students per school we aim for, by kind (typical of US public schools). */
const TARGET_SIZE: Readonly<Record<SchoolType, number>> = { elementary: 450, middle: 700, high: 1_300 };
const COURSES: Readonly<Record<Exclude<SchoolType, 'elementary'>, readonly string[]>> = {
  middle: ['English', 'Mathematics', 'Science', 'Social Studies', 'Physical Education', 'Art'],
  high: ['English', 'Algebra', 'Biology', 'U.S. History', 'Spanish', 'Physical Education', 'Music'],
};
const DAY_MINUTES: Readonly<Record<SchoolType, number>> = { elementary: 360, middle: 375, high: 390 };
const FIRST_BELL: Readonly<Record<SchoolType, number>> = {
  elementary: 8 * 60 + 30,
  middle: 7 * 60 + 50,
  high: 7 * 60 + 30,
};

export interface PeriodPlan {
  readonly id: string;
  readonly ordinal: number;
  readonly name: string;
  readonly startMinute: number;
  readonly endMinute: number;
  readonly isHomeroom: boolean;
}

export interface SchoolPlan {
  readonly index: number;
  /** Index among the schools of its kind. */
  readonly ordinal: number;
  readonly id: string;
  readonly sourceId: string;
  readonly name: string;
  readonly type: SchoolType;
  readonly grades: readonly GradeLevel[];
  readonly neighbourhood: Neighbourhood;
  readonly calendarId: string;
  readonly bellScheduleId: string;
  readonly dayMinutes: number;
  readonly firstBellMinute: number;
  readonly periods: readonly PeriodPlan[];
  /** Students expected per grade (sizes homerooms and sections). */
  readonly perGrade: number;
  /** Elementary: homerooms per grade. Secondary: advisories for the whole school. */
  readonly homerooms: number;
  /** Secondary: courses taught, one per period; sections of each course in each period. */
  readonly courses: readonly string[];
  readonly sectionsPerCourse: number;
  readonly counselors: number;
}

export interface DistrictPlan {
  readonly seed: number;
  readonly students: number;
  readonly schools: readonly SchoolPlan[];
  readonly byType: Readonly<Record<SchoolType, readonly SchoolPlan[]>>;
}

export const DEMO_DISTRICT_ID = uuidFor('homeroom-demo:district:riverside');
export const DEMO_DISTRICT_SLUG = 'riverside-demo';
export const DEMO_DISTRICT_NAME = 'Riverside Unified School District';
export const DEMO_EMAIL_DOMAIN = 'riverside.example.org';

/** A minute of the day as a SQL time, 'HH:MM:00'. */
export function clockTime(minute: number): string {
  const h = Math.floor(minute / 60);
  const m = minute % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00`;
}

function schoolName(type: SchoolType, ordinal: number): string {
  const names = SCHOOL_NAMES[type];
  const base = names[ordinal % names.length] as string;
  const round = Math.floor(ordinal / names.length);
  const kind = { elementary: 'Elementary', middle: 'Middle', high: 'High' }[type];
  return round === 0 ? `${base} ${kind}` : `${base} ${kind} ${round + 1}`;
}

function periodsFor(type: SchoolType, key: string, courses: number): PeriodPlan[] {
  const start = FIRST_BELL[type];
  if (type === 'elementary') {
    return [
      {
        id: uuidFor(`${key}:period:0`),
        ordinal: 0,
        name: 'School day',
        startMinute: start,
        endMinute: start + DAY_MINUTES[type] + 30,
        isHomeroom: true,
      },
    ];
  }
  const periods: PeriodPlan[] = [
    {
      id: uuidFor(`${key}:period:0`),
      ordinal: 0,
      name: 'Advisory',
      startMinute: start,
      endMinute: start + 15,
      isHomeroom: true,
    },
  ];
  const length = Math.floor((DAY_MINUTES[type] - 15) / courses);
  for (let p = 1; p <= courses; p += 1) {
    const from = start + 15 + (p - 1) * (length + 5) + (p > courses / 2 ? 30 : 0);
    periods.push({
      id: uuidFor(`${key}:period:${p}`),
      ordinal: p,
      name: `Period ${p}`,
      startMinute: from,
      endMinute: from + length,
      isHomeroom: false,
    });
  }
  return periods;
}

/** The district's schools for a number of students. */
export function planDistrict(seed: number, students: number): DistrictPlan {
  const perGradeTotal = students / ALL_GRADES.length;
  const neighbourhoods = Object.keys(NEIGHBOURHOODS) as Neighbourhood[];
  const schools: SchoolPlan[] = [];
  const byType: Record<SchoolType, SchoolPlan[]> = { elementary: [], middle: [], high: [] };
  for (const type of ['elementary', 'middle', 'high'] as const) {
    const grades = GRADES_BY_TYPE[type];
    const count = Math.max(1, Math.round((perGradeTotal * grades.length) / TARGET_SIZE[type]));
    const perGrade = perGradeTotal / count;
    for (let ordinal = 0; ordinal < count; ordinal += 1) {
      const index = schools.length;
      const key = `${seed}:school:${index}`;
      const courses = type === 'elementary' ? [] : COURSES[type];
      const expected = perGrade * grades.length;
      const plan: SchoolPlan = {
        index,
        ordinal,
        id: uuidFor(key),
        sourceId: `org-${type.slice(0, 1)}${String(ordinal + 1).padStart(3, '0')}`,
        name: schoolName(type, ordinal),
        type,
        grades,
        neighbourhood: neighbourhoods[(index * 3 + ordinal) % neighbourhoods.length] as Neighbourhood,
        calendarId: uuidFor(`${key}:calendar`),
        bellScheduleId: uuidFor(`${key}:bell-schedule`),
        dayMinutes: DAY_MINUTES[type],
        firstBellMinute: FIRST_BELL[type],
        periods: periodsFor(type, key, courses.length),
        perGrade,
        homerooms:
          type === 'elementary'
            ? Math.max(1, Math.ceil(perGrade / 22))
            : Math.max(1, Math.ceil(expected / 25)),
        courses,
        sectionsPerCourse: type === 'elementary' ? 0 : Math.max(1, Math.ceil(expected / 28 / courses.length)),
        counselors: Math.max(1, Math.round(expected / 350)),
      };
      schools.push(plan);
      byType[type].push(plan);
    }
  }
  return { seed, students, schools, byType };
}

/** Keys for the sections a student can be placed in (ids are derived from them). */
export const sectionKey = {
  homeroom: (school: SchoolPlan, grade: GradeLevel, k: number) => `${school.id}:homeroom:${grade}:${k}`,
  advisory: (school: SchoolPlan, k: number) => `${school.id}:advisory:${k}`,
  course: (school: SchoolPlan, period: number, course: number, k: number) =>
    `${school.id}:section:${period}:${course}:${k}`,
};

export function sectionId(key: string): string {
  return uuidFor(`section:${key}`);
}

export function gradeLabel(grade: GradeLevel): string {
  return grade === 'KG' ? 'Kindergarten' : `Grade ${Number(grade)}`;
}
