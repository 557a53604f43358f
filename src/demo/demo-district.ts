/**
 * The demo district, Riverside Unified: a pure, deterministic, streaming generator of rows
 * ready to insert. `structure()` yields the district, its year and one chunk per school
 * (calendar, bell schedule, sections, staff); `families()` yields one family at a time
 * (households, contacts, students, enrolments and a year of attendance). Nothing is kept
 * between families, so a million students take no more memory than a thousand.
 *
 * Attendance is recorded "in the negative" (only absences, tardies, early departures and
 * suspensions have rows) and has the structure real data has: most students rarely absent,
 * about a quarter chronically absent, a winter illness wave, one neighbourhood whose bus
 * fails, Monday/Friday absences, students who skip one period, students who arrive or leave
 * mid-year or transfer between schools, suspensions, and half days.
 */
import type { Insertable } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import {
  addDays,
  DEMO_SCHOOL_YEAR,
  DEMO_SESSIONS,
  type DemoCalendarDay,
  demoBreakEdges,
  demoCalendarDays,
  demoSchoolDays,
} from './demo-calendar.ts';
import {
  AREA_CODES,
  DEMO_LANGUAGES,
  type DemoLanguage,
  NAMES,
  NEIGHBOURHOODS,
  type Neighbourhood,
  TRANSPORT_BARRIER_NEIGHBOURHOOD,
} from './demo-names.ts';
import {
  ALL_GRADES,
  clockTime,
  DEMO_DISTRICT_ID,
  DEMO_DISTRICT_NAME,
  DEMO_DISTRICT_SLUG,
  DEMO_EMAIL_DOMAIN,
  type DistrictPlan,
  type GradeLevel,
  gradeLabel,
  planDistrict,
  type SchoolPlan,
  schoolTypeOf,
  sectionId,
  sectionKey,
} from './demo-plan.ts';
import { hash32, Random, uuidFor } from './random.ts';

export { DEMO_DISTRICT_ID, DEMO_DISTRICT_SLUG } from './demo-plan.ts';

/** The demo district's community resources (fictional), by the barriers they help with. */
const DEMO_RESOURCES = [
  {
    name: 'Riverside Transit student pass',
    description:
      'Free bus rides to and from school for students and one parent. Ask the school office for a pass.',
    phone: '(217) 555-0140',
    barriers: ['transportation'],
    translations: {
      es: {
        name: 'Pase estudiantil de Riverside Transit',
        description:
          'Viajes gratis en autobús a la escuela para estudiantes y un padre o madre. Pida un pase en la oficina de la escuela.',
      },
      ar: {
        name: 'بطاقة الطالب من Riverside Transit',
        description:
          'رحلات مجانية بالحافلة من المدرسة وإليها للطلاب ولأحد الوالدين. اطلبوا البطاقة من مكتب المدرسة.',
      },
    },
  },
  {
    name: 'Riverside Community Health Clinic',
    description:
      'Care for asthma and other illnesses, on a sliding fee, with interpreters. Walk-ins on weekday mornings.',
    phone: '(217) 555-0141',
    barriers: ['health'],
    translations: {
      es: {
        name: 'Clínica Comunitaria de Salud de Riverside',
        description:
          'Atención del asma y otras enfermedades, con tarifa según ingresos e intérpretes. Sin cita por las mañanas entre semana.',
      },
      ar: {
        name: 'عيادة ريفرسايد الصحية المجتمعية',
        description: 'علاج الربو وأمراض أخرى برسوم حسب الدخل ومع مترجمين. بدون موعد صباح أيام الأسبوع.',
      },
    },
  },
  {
    name: 'Riverside Family Housing Help Line',
    description:
      'Help for families who are moving, staying with others or at risk of losing their home. Children keep their school.',
    phone: '(217) 555-0142',
    barriers: ['housing'],
    translations: {
      es: {
        name: 'Línea de ayuda de vivienda familiar de Riverside',
        description:
          'Ayuda para familias que se mudan, viven con otras personas o pueden perder su casa. Los niños siguen en su escuela.',
      },
      ar: {
        name: 'خط المساعدة السكنية للعائلات في ريفرسايد',
        description:
          'مساعدة للعائلات التي تنتقل أو تقيم لدى آخرين أو قد تفقد مسكنها. يبقى الأطفال في مدرستهم.',
      },
    },
  },
  {
    name: 'Riverside Food Pantry and Clothing Closet',
    description:
      'Food, school clothes, coats and supplies for families, no questions asked. Open Tuesday and Saturday.',
    phone: '(217) 555-0143',
    barriers: ['basic_needs'],
    translations: {
      es: {
        name: 'Banco de alimentos y ropero de Riverside',
        description:
          'Comida, ropa escolar, abrigos y útiles para familias, sin preguntas. Abierto martes y sábado.',
      },
      ar: {
        name: 'بنك الطعام وخزانة الملابس في ريفرسايد',
        description: 'طعام وملابس مدرسية ومعاطف ولوازم للعائلات دون أي أسئلة. مفتوح يومي الثلاثاء والسبت.',
      },
    },
  },
] as const;

/** The demo district's attendance policy, for families to read and sign in the portal. */
const DEMO_POLICY = {
  en: {
    title: 'Riverside Unified attendance policy',
    body: [
      'Every school day counts. Children who miss 10% of the school year, about 18 days, fall behind in reading and math, whatever the reason.',
      'If your child will be absent or late, please tell the school the same day: reply to our text, call the office, or use this page. Tell us the reason, so that we can mark the absence correctly and help if we can.',
      'Absences for illness, medical appointments, a death in the family, religious holidays and family emergencies are excused when a parent tells us. After 5 absences in a row for illness, we may ask for a note from a doctor or the school nurse.',
      'When a child misses many days, a member of the school team will call you to find out what would help: a bus route, the school nurse, a plan for mornings, or other support. We want to work with you.',
    ].join('\n\n'),
  },
  es: {
    title: 'Política de asistencia de Riverside Unified',
    body: [
      'Cada día de clases cuenta. Los niños que faltan el 10 % del año escolar, unos 18 días, se atrasan en lectura y matemáticas, sea cual sea el motivo.',
      'Si su hijo o hija va a faltar o llegar tarde, avísele a la escuela el mismo día: responda a nuestro mensaje, llame a la oficina o use esta página. Díganos el motivo, para anotar bien la ausencia y ayudarle si podemos.',
      'Las ausencias por enfermedad, citas médicas, una muerte en la familia, días festivos religiosos y emergencias familiares son justificadas cuando un padre o madre nos avisa. Después de 5 ausencias seguidas por enfermedad, podemos pedir una nota del médico o de la enfermera escolar.',
      'Cuando un niño falta muchos días, alguien del equipo de la escuela le llamará para saber qué le ayudaría: una ruta de autobús, la enfermera escolar, un plan para las mañanas u otro apoyo. Queremos trabajar con usted.',
    ].join('\n\n'),
  },
  ar: {
    title: 'سياسة الحضور في منطقة ريفرسايد التعليمية',
    body: [
      'كل يوم دراسي مهم. الأطفال الذين يغيبون 10% من العام الدراسي، أي نحو 18 يومًا، يتأخرون في القراءة والرياضيات مهما كان السبب.',
      'إذا كان طفلكم سيغيب أو سيتأخر، فيُرجى إبلاغ المدرسة في اليوم نفسه: ردّوا على رسالتنا، أو اتصلوا بالمكتب، أو استخدموا هذه الصفحة. أخبرونا بالسبب حتى نسجّل الغياب بشكل صحيح ونساعدكم إن استطعنا.',
      'يُعدّ الغياب بسبب المرض أو المواعيد الطبية أو وفاة في العائلة أو الأعياد الدينية أو الطوارئ العائلية غيابًا بعذر عندما يبلغنا أحد الوالدين. وبعد 5 أيام غياب متتالية بسبب المرض، قد نطلب تقريرًا من الطبيب أو من ممرضة المدرسة.',
      'عندما يغيب طفل أيامًا كثيرة، سيتصل بكم أحد أفراد فريق المدرسة لمعرفة ما قد يساعد: خط حافلة، أو ممرضة المدرسة، أو خطة للصباح، أو دعم آخر. نريد أن نعمل معكم.',
    ].join('\n\n'),
  },
} as const;

/** The password of every demo staff account. The demo is for trying Homeroom, never for real data. */
export const DEMO_PASSWORD = 'homeroom-demo';
export const DEMO_SOURCE_SYSTEM = 'riverside-sis';

/** The tables of the district's structure (schools, calendars, sections, staff), in dependency order. */
const STRUCTURE_TABLES = [
  'districts',
  'messaging_settings',
  'attendance_policies',
  'community_resources',
  'school_years',
  'sessions',
  'schools',
  'calendars',
  'calendar_days',
  'bell_schedules',
  'periods',
  'sections',
  'staff_users',
  'staff_role_grants',
  'section_staff',
] as const satisfies readonly (keyof DB)[];

/** The tables a family fills (one family's rows reference only structure and themselves). */
const FAMILY_TABLES = [
  'households',
  'contacts',
  'contact_phones',
  'contact_emails',
  'contact_consents',
  'students',
  'student_contacts',
  'enrolment_spans',
  'section_enrolments',
  'caseload_students',
  'attendance_events',
] as const satisfies readonly (keyof DB)[];

/** The tables the demo fills, in an order where every row's references come first. */
export const DEMO_TABLES = [...STRUCTURE_TABLES, ...FAMILY_TABLES] as const;

export type DemoTable = (typeof DEMO_TABLES)[number];
export type DemoRows = { [T in DemoTable]?: Insertable<DB[T]>[] };

export interface DemoOptions {
  readonly seed: number;
  readonly students: number;
  /** "Today" in the district: attendance exists for school days before this date. */
  readonly asOf: string;
}

export interface DemoSignIn {
  readonly role: string;
  readonly email: string;
  readonly scope: string;
}

/** The number the demo district texts from (and families reply to). */
export const DEMO_SMS_NUMBER = '+12175550100';

const email = (local: string) => `${local}@${DEMO_EMAIL_DOMAIN}`;

/** One account per role (the same for every seed and size), printed at start-up. */
export function demoSignIns(): DemoSignIn[] {
  return [
    { role: 'district_admin', email: email('admin'), scope: 'Riverside Unified (district)' },
    { role: 'attendance_champion', email: email('attendance.lead'), scope: 'Riverside Unified (district)' },
    { role: 'analyst', email: email('analyst'), scope: 'Riverside Unified (district, read-only)' },
    { role: 'school_admin', email: email('principal'), scope: 'Lincoln Elementary' },
    { role: 'attendance_champion', email: email('champion'), scope: 'Riverside Middle' },
    { role: 'counselor', email: email('counselor'), scope: 'Caseload at Riverside Central High' },
    { role: 'teacher', email: email('teacher'), scope: 'Kindergarten homeroom at Lincoln Elementary' },
    { role: 'teacher', email: email('teacher.high'), scope: 'English sections at Riverside Central High' },
  ];
}

/** What the generator decided about a student, for tests and documentation (never stored). */
export interface StudentTraits {
  readonly studentId: string;
  readonly profile: 'steady' | 'at_risk' | 'moderate' | 'severe';
  readonly mondayFriday: boolean;
  readonly transportBarrier: boolean;
  readonly skipsPeriod: number | null;
  readonly movement: 'none' | 'late_entry' | 'left' | 'transfer';
  readonly suspended: boolean;
}

/** One family's rows, every family table present (empty when the family has none). */
export type DemoFamily = { readonly traits: StudentTraits[] } & Required<
  Pick<DemoRows, (typeof FAMILY_TABLES)[number]>
>;

export interface DemoDistrict {
  readonly options: DemoOptions;
  readonly plan: DistrictPlan;
  structure(): Generator<DemoRows>;
  families(): Generator<DemoFamily>;
}

export function generateDemoDistrict(options: DemoOptions): DemoDistrict {
  const plan = planDistrict(options.seed, options.students);
  return {
    options,
    plan,
    structure: () => generateStructure(plan, options),
    families: () => generateFamilies(plan, options),
  };
}

// --- structure ---------------------------------------------------------------------------

const SCHOOL_YEAR_ID = (seed: number) => uuidFor(`${seed}:school-year:2026-2027`);
const SESSION_ID = (seed: number, key: string) => uuidFor(`${seed}:session:${key}`);
const staffId = (key: string) => uuidFor(`staff:${key}`);

function asciiLocal(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

function lastAttendanceDate(asOf: string): string | null {
  let last: string | null = null;
  for (const day of demoSchoolDays()) {
    if (day.date >= asOf) break;
    last = day.date;
  }
  return last;
}

function* generateStructure(plan: DistrictPlan, options: DemoOptions): Generator<DemoRows> {
  const d = DEMO_DISTRICT_ID;
  const schoolYearId = SCHOOL_YEAR_ID(plan.seed);
  const districtStaff = [
    {
      key: 'admin',
      local: 'admin',
      name: 'Dana Whitfield',
      title: 'Director of Student Services',
      role: 'district_admin',
    },
    {
      key: 'attendance-lead',
      local: 'attendance.lead',
      name: 'Marisol Vega',
      title: 'District Attendance Lead',
      role: 'attendance_champion',
    },
    { key: 'analyst', local: 'analyst', name: 'Priya Raman', title: 'Data Analyst', role: 'analyst' },
  ] as const;
  yield {
    districts: [
      {
        district_id: d,
        slug: DEMO_DISTRICT_SLUG,
        name: DEMO_DISTRICT_NAME,
        time_zone: DEMO_SCHOOL_YEAR.timeZone,
        default_locale: 'en',
        definition_profile: 'federal',
        state_code: 'IL',
        source_id: 'org-district',
        is_demo: true,
      },
    ],
    // A fictional (555-01xx) number: in dev mode nothing is sent, and replies arrive through the development outbox.
    messaging_settings: [
      {
        district_id: d,
        sms_number: DEMO_SMS_NUMBER,
        email_from: `${DEMO_DISTRICT_NAME} Attendance <attendance@${DEMO_EMAIL_DOMAIN}>`,
      },
    ],
    attendance_policies: [
      {
        district_id: d,
        version: 1,
        title: DEMO_POLICY.en.title,
        body: DEMO_POLICY.en.body,
        // Rows reach the database as one JSON document (json_populate_recordset): the object itself.
        translations: { es: DEMO_POLICY.es, ar: DEMO_POLICY.ar } as never,
      },
    ],
    // Fictional services (555-01xx numbers) for families who ask for help in the portal.
    community_resources: DEMO_RESOURCES.map((resource) => ({
      district_id: d,
      name: resource.name,
      description: resource.description,
      phone: resource.phone,
      barriers: [...resource.barriers] as never,
      translations: resource.translations as never,
    })),
    school_years: [
      {
        district_id: d,
        school_year_id: schoolYearId,
        name: DEMO_SCHOOL_YEAR.name,
        start_date: DEMO_SCHOOL_YEAR.startDate,
        end_date_exclusive: DEMO_SCHOOL_YEAR.endDateExclusive,
        source_id: 'as-2026-2027',
      },
    ],
    sessions: DEMO_SESSIONS.map((session) => ({
      district_id: d,
      session_id: SESSION_ID(plan.seed, session.key),
      school_year_id: schoolYearId,
      school_id: null,
      name: session.name,
      session_type: 'semester',
      start_date: session.startDate,
      end_date_exclusive: session.endDateExclusive,
      source_id: `as-2026-2027-${session.key}`,
    })),
    staff_users: districtStaff.map((staff) => ({
      district_id: d,
      user_id: staffId(staff.key),
      email: email(staff.local),
      display_name: staff.name,
      title: staff.title,
      source_id: `staff-${staff.key}`,
    })),
    staff_role_grants: districtStaff.map((staff) => ({
      district_id: d,
      grant_id: uuidFor(`grant:${staff.key}`),
      user_id: staffId(staff.key),
      role: staff.role,
      scope: 'district',
      school_id: null,
    })),
  };
  const lastDay = lastAttendanceDate(options.asOf);
  for (const school of plan.schools) yield schoolChunk(plan, school, lastDay);
}

const TEACHER_NAMES = {
  given: [
    'Alex',
    'Jordan',
    'Taylor',
    'Morgan',
    'Casey',
    'Jamie',
    'Robin',
    'Avery',
    'Quinn',
    'Riley',
    'Elena',
    'Samir',
    'Grace',
    'Tomás',
    'Ngozi',
    'Hannah',
  ],
  family: [
    'Okafor',
    'Lindqvist',
    'Moreno',
    'Brennan',
    'Takahashi',
    'Delgado',
    'Fischer',
    'Abara',
    'Kowalski',
    'Nakamura',
    'Ruiz',
    'Sullivan',
    'Haddad',
    'Novak',
    'Osei',
    'Park',
  ],
};

function schoolChunk(plan: DistrictPlan, school: SchoolPlan, lastDay: string | null): DemoRows {
  const d = DEMO_DISTRICT_ID;
  const schoolYearId = SCHOOL_YEAR_ID(plan.seed);
  const rows: Required<Pick<DemoRows, 'sections' | 'staff_users' | 'staff_role_grants' | 'section_staff'>> = {
    sections: [],
    staff_users: [],
    staff_role_grants: [],
    section_staff: [],
  };
  const first = (type: SchoolPlan['type']) => plan.byType[type][0]?.id === school.id;
  let staffOrdinal = 0;
  const addStaff = (key: string, title: string, role: string, scope: string, local?: string) => {
    const rng = new Random(`${plan.seed}:staff:${key}`);
    const given = rng.pick(TEACHER_NAMES.given);
    const family = rng.pick(TEACHER_NAMES.family);
    staffOrdinal += 1;
    const userId = staffId(key);
    rows.staff_users.push({
      district_id: d,
      user_id: userId,
      email: email(local ?? `${asciiLocal(given)}.${asciiLocal(family)}.${school.index + 1}-${staffOrdinal}`),
      display_name: `${given} ${family}`,
      title,
      source_id: `staff-${school.sourceId}-${staffOrdinal}`,
    });
    rows.staff_role_grants.push({
      district_id: d,
      grant_id: uuidFor(`grant:${key}`),
      user_id: userId,
      role,
      scope,
      school_id: school.id,
    });
    return userId;
  };
  const addSection = (
    key: string,
    name: string,
    periodIndex: number,
    teacher: string,
    course: string | null,
  ) => {
    const id = sectionId(key);
    rows.sections.push({
      district_id: d,
      section_id: id,
      school_id: school.id,
      school_year_id: schoolYearId,
      session_id: null,
      period_id: school.periods[periodIndex]?.id ?? null,
      course_code: course,
      name,
      is_homeroom: periodIndex === 0,
      source_id: `class-${id.slice(0, 8)}`,
    });
    rows.section_staff.push({ district_id: d, section_id: id, user_id: teacher, is_primary: true });
  };

  addStaff(
    `${school.id}:principal`,
    'Principal',
    'school_admin',
    'school',
    first('elementary') ? 'principal' : undefined,
  );
  addStaff(
    `${school.id}:champion`,
    'Attendance champion',
    'attendance_champion',
    'school',
    first('middle') ? 'champion' : undefined,
  );
  for (let k = 0; k < school.counselors; k += 1) {
    addStaff(
      `${school.id}:counselor:${k}`,
      'School counselor',
      'counselor',
      'caseload',
      first('high') && k === 0 ? 'counselor' : undefined,
    );
  }
  if (school.type === 'elementary') {
    for (const grade of school.grades) {
      for (let k = 0; k < school.homerooms; k += 1) {
        const local = first('elementary') && grade === 'KG' && k === 0 ? 'teacher' : undefined;
        const teacher = addStaff(
          `${school.id}:homeroom:${grade}:${k}`,
          `${gradeLabel(grade)} teacher`,
          'teacher',
          'section',
          local,
        );
        addSection(
          sectionKey.homeroom(school, grade, k),
          `${gradeLabel(grade)} homeroom ${String.fromCharCode(65 + (k % 26))}${k >= 26 ? k : ''}`,
          0,
          teacher,
          null,
        );
      }
    }
  } else {
    const teachers: string[] = [];
    school.courses.forEach((course, c) => {
      for (let k = 0; k < school.sectionsPerCourse; k += 1) {
        const local = first('high') && c === 0 && k === 0 ? 'teacher.high' : undefined;
        const teacher = addStaff(
          `${school.id}:course:${c}:${k}`,
          `${course} teacher`,
          'teacher',
          'section',
          local,
        );
        teachers.push(teacher);
        for (let p = 1; p < school.periods.length; p += 1) {
          addSection(
            sectionKey.course(school, p, c, k),
            `${course} ${k + 1}, period ${p}`,
            p,
            teacher,
            `${course.slice(0, 4).toUpperCase()}-${school.grades[0]}`,
          );
        }
      }
    });
    for (let k = 0; k < school.homerooms; k += 1) {
      addSection(
        sectionKey.advisory(school, k),
        `Advisory ${k + 1}`,
        0,
        teachers[k % teachers.length] as string,
        null,
      );
    }
  }

  return {
    schools: [
      {
        district_id: d,
        school_id: school.id,
        name: school.name,
        school_type: school.type,
        grade_low: school.grades[0] as string,
        grade_high: school.grades[school.grades.length - 1] as string,
        neighbourhood: school.neighbourhood,
        source_id: school.sourceId,
      },
    ],
    calendars: [
      {
        district_id: d,
        calendar_id: school.calendarId,
        school_id: school.id,
        school_year_id: schoolYearId,
        code: 'regular',
        name: `${school.name} 2026-27`,
        last_attendance_date: lastDay,
      },
    ],
    calendar_days: demoCalendarDays().map((day) => ({
      district_id: d,
      calendar_id: school.calendarId,
      date: day.date,
      day_type: day.dayType,
      instructional_minutes: Math.round(school.dayMinutes * day.share),
      note: day.note,
    })),
    bell_schedules: [
      { district_id: d, bell_schedule_id: school.bellScheduleId, school_id: school.id, name: 'Regular' },
    ],
    periods: school.periods.map((period) => ({
      district_id: d,
      period_id: period.id,
      bell_schedule_id: school.bellScheduleId,
      name: period.name,
      ordinal: period.ordinal,
      start_time: clockTime(period.startMinute),
      end_time: clockTime(period.endMinute),
      is_homeroom: period.isHomeroom,
    })),
    ...rows,
  };
}

// --- families ----------------------------------------------------------------------------

const CHILDREN = { 1: 52, 2: 31, 3: 13, 4: 4 } as const;
const PROFILES = { steady: 61, at_risk: 18, moderate: 14, severe: 7 } as const;
const BASE_RATE: Readonly<Record<StudentTraits['profile'], readonly [number, number]>> = {
  steady: [0.004, 0.035],
  at_risk: [0.035, 0.07],
  moderate: [0.085, 0.15],
  severe: [0.18, 0.34],
};
const GRADE_FACTOR: Readonly<Record<GradeLevel, number>> = {
  KG: 1.15,
  '01': 0.95,
  '02': 0.9,
  '03': 0.88,
  '04': 0.88,
  '05': 0.9,
  '06': 0.95,
  '07': 1,
  '08': 1.05,
  '09': 1.1,
  '10': 1.12,
  '11': 1.18,
  '12': 1.3,
};
const NO_DAYS: ReadonlySet<string> = new Set();
const ILLNESS_WAVE = { from: '2027-01-19', to: '2027-02-19' } as const;
const STREETS = [
  'Oak St',
  'Maple Ave',
  'River Rd',
  'Elm St',
  'Cedar Ln',
  'Lake Dr',
  'Mill St',
  'Park Ave',
  'Bridge St',
  'Hill Rd',
];

/** What every student's year shares, computed once per run. */
interface YearContext {
  readonly schoolDays: readonly DemoCalendarDay[];
  /** School days before the as-of date: the days that have attendance. */
  readonly pastDays: readonly DemoCalendarDay[];
  /** Days Eastbank's bus does not come. */
  readonly busFailures: ReadonlySet<string>;
  readonly breakEdges: ReadonlySet<string>;
}

interface Absence {
  category: 'excused_absence' | 'unexcused_absence' | 'partial' | 'out_of_school_suspension';
  reason: string;
  excused: boolean;
  fraction: number;
}

function* generateFamilies(plan: DistrictPlan, options: DemoOptions): Generator<DemoFamily> {
  const schoolDays = demoSchoolDays();
  const year: YearContext = {
    schoolDays,
    pastDays: schoolDays.filter((day) => day.date < options.asOf),
    busFailures: new Set(
      schoolDays.filter((day) => hash32(`${plan.seed}:bus:${day.date}`) % 100 < 7).map((day) => day.date),
    ),
    breakEdges: demoBreakEdges(),
  };
  let remaining = options.students;
  let studentOrdinal = 0;
  for (let f = 0; remaining > 0; f += 1) {
    const rng = new Random(`${plan.seed}:family:${f}`);
    const children = Math.min(remaining, Number(rng.weighted(CHILDREN)));
    remaining -= children;
    const family = familyRows(plan, options, f, rng, children, studentOrdinal, year);
    studentOrdinal += children;
    yield family;
  }
}

function familyRows(
  plan: DistrictPlan,
  options: DemoOptions,
  f: number,
  rng: Random,
  children: number,
  firstOrdinal: number,
  year: YearContext,
): DemoFamily {
  const d = DEMO_DISTRICT_ID;
  const language = rng.weighted(DEMO_LANGUAGES) as DemoLanguage;
  const names = NAMES[language];
  const familyName = rng.pick(names.family);
  const neighbourhood = rng.weighted(NEIGHBOURHOODS) as Neighbourhood;
  const poverty =
    neighbourhood === TRANSPORT_BARRIER_NEIGHBOURHOOD || neighbourhood === 'Harborview' ? 0.7 : 0.4;
  const economicallyDisadvantaged = rng.chance(language === 'en' ? poverty - 0.05 : poverty + 0.15);
  const homeless = rng.chance(economicallyDisadvantaged ? 0.04 : 0.004);
  const twoHouseholds = rng.chance(0.15);
  const voiceOnly = rng.chance(language === 'en' ? 0.05 : 0.14);
  const smsOnly = !voiceOnly && rng.chance(0.35);
  const rows = Object.fromEntries([
    ['traits', []],
    ...FAMILY_TABLES.map((table) => [table, []]),
  ]) as DemoFamily;

  // Households and the adults in them.
  const addHousehold = (n: number) => {
    const id = uuidFor(`${plan.seed}:household:${f}:${n}`);
    rows.households.push({
      district_id: d,
      household_id: id,
      label: `${familyName} household${n > 0 ? ` ${n + 1}` : ''}`,
      neighbourhood: n === 0 ? neighbourhood : (rng.weighted(NEIGHBOURHOODS) as string),
      address_line: `${rng.int(100, 9899)} ${rng.pick(STREETS)}`,
      postal_code: `606${String(rng.int(1, 60)).padStart(2, '0')}`,
      source_id: `hh-${f}-${n}`,
    });
    return id;
  };
  const main = addHousehold(0);
  const second = twoHouseholds ? addHousehold(1) : null;

  interface Adult {
    id: string;
    household: string | null;
    relationship: string;
    messages: boolean;
    rights: boolean;
    livesWith: boolean;
  }
  const adults: Adult[] = [];
  const addAdult = (
    relationship: string,
    household: string | null,
    livesWith: boolean,
    guardian: boolean,
  ) => {
    const j = adults.length;
    const id = uuidFor(`${plan.seed}:contact:${f}:${j}`);
    const ordinal = f * 6 + j;
    const prefersEnglish = language !== 'en' && j > 0 && rng.chance(0.25);
    const preferredLanguage = prefersEnglish ? 'en' : language;
    const given = rng.pick(prefersEnglish ? NAMES.en.given : names.given);
    const hasEmail = !voiceOnly && !smsOnly && rng.chance(0.75);
    const landline = voiceOnly && rng.chance(0.6);
    const channel = voiceOnly
      ? 'voice'
      : hasEmail && rng.chance(0.2)
        ? 'email'
        : hasEmail && rng.chance(0.08)
          ? 'portal'
          : 'sms';
    const window = rng.chance(0.2)
      ? rng.chance(0.5)
        ? ['17:00:00', '20:30:00']
        : ['07:00:00', '09:00:00']
      : null;
    rows.contacts.push({
      district_id: d,
      contact_id: id,
      household_id: household,
      first_name: given,
      last_name: familyName,
      preferred_language: preferredLanguage,
      preferred_channel: channel,
      reads_text: !(voiceOnly && rng.chance(0.7)),
      contact_window_start: window?.[0] ?? null,
      contact_window_end: window?.[1] ?? null,
      source_id: `contact-${f}-${j}`,
    });
    const phone = `+1${AREA_CODES[ordinal % AREA_CODES.length]}555${String(Math.floor(ordinal / AREA_CODES.length) % 10_000).padStart(4, '0')}`;
    rows.contact_phones.push({
      district_id: d,
      contact_id: id,
      phone_e164: phone,
      phone_type: landline ? 'home' : 'mobile',
      can_receive_sms: !landline,
      is_primary: true,
    });
    if (hasEmail) {
      rows.contact_emails.push({
        district_id: d,
        contact_id: id,
        email: `${asciiLocal(given)}.${asciiLocal(familyName)}${f}@example.net`,
        is_primary: true,
      });
    }
    const consent = (channelName: string, status: string, source: string) =>
      rows.contact_consents.push({ district_id: d, contact_id: id, channel: channelName, status, source });
    if (!landline)
      consent('sms', rng.chance(0.02) ? 'opted_out' : 'implied', 'phone number given at enrolment');
    consent('voice', 'implied', 'phone number given at enrolment');
    if (hasEmail) consent('email', 'implied', 'email given at enrolment');
    if (channel === 'portal') consent('portal', 'granted', 'signed up for the family portal');
    adults.push({ id, household, relationship, messages: guardian, rights: guardian, livesWith });
  };
  const singleParent = rng.chance(0.35);
  const firstParent = rng.chance(0.8) ? 'mother' : rng.chance(0.5) ? 'father' : 'guardian';
  addAdult(firstParent, main, true, true);
  if (!singleParent && !twoHouseholds)
    addAdult(firstParent === 'father' ? 'mother' : 'father', main, true, true);
  if (second) addAdult(firstParent === 'father' ? 'mother' : 'father', second, false, true);
  if (rng.chance(0.3)) addAdult(rng.chance(0.6) ? 'grandparent' : 'relative', null, false, false);

  // The children.
  for (let c = 0; c < children; c += 1) {
    const ordinal = firstOrdinal + c;
    const studentId = uuidFor(`${plan.seed}:student:${ordinal}`);
    const grade = ALL_GRADES[rng.int(0, ALL_GRADES.length - 1)] as GradeLevel;
    const type = schoolTypeOf(grade);
    const candidates = plan.byType[type];
    const school = candidates[(f + c) % candidates.length] as SchoolPlan;
    const localId = `S${String(1_000_000 + ordinal)}`;
    const englishLearner = language !== 'en' && rng.chance(grade <= '05' || grade === 'KG' ? 0.55 : 0.35);
    const hispanic = rng.chance(names.hispanic);
    const races = [rng.pick(names.races)];
    if (rng.chance(0.06)) races.push(rng.pick(['white', 'black', 'asian']));
    const gradeNumber = grade === 'KG' ? 0 : Number(grade);
    const birthYear = 2026 - 6 - gradeNumber + (rng.chance(0.7) ? 1 : 0);
    const birthDate = addDays(`${birthYear}-09-02`, -rng.int(0, 364));
    rows.students.push({
      district_id: d,
      student_id: studentId,
      local_id: localId,
      state_id: `IL${String(900_000_000 + ordinal)}`,
      source_id: `student-${ordinal}`,
      first_name: rng.pick(names.given),
      last_name: familyName,
      date_of_birth: birthDate,
      grade_level: grade,
      gender: rng.chance(0.5) ? 'F' : 'M',
      home_language: language,
      english_learner: englishLearner,
      disability: rng.chance(0.14),
      economically_disadvantaged: economicallyDisadvantaged,
      hispanic_latino: hispanic,
      races: [...new Set(races)],
      homeless,
      foster_care: rng.chance(0.005),
    });
    adults.forEach((adult, priority) => {
      rows.student_contacts.push({
        district_id: d,
        student_id: studentId,
        contact_id: adult.id,
        relationship: adult.relationship,
        household_id: adult.household,
        lives_with_student: adult.livesWith,
        has_educational_rights: adult.rights,
        receives_attendance_messages: adult.messages,
        may_view_portal: adult.rights,
        contact_priority: priority + 1,
        source_id: `sc-${ordinal}-${priority}`,
      });
    });
    const traits = studentYear(plan, options, rng, rows, {
      studentId,
      localId,
      grade,
      school,
      candidates,
      neighbourhood,
      homeless,
      year,
    });
    rows.traits.push(traits);
  }
  return rows;
}

interface StudentContext {
  studentId: string;
  localId: string;
  grade: GradeLevel;
  school: SchoolPlan;
  candidates: readonly SchoolPlan[];
  neighbourhood: Neighbourhood;
  homeless: boolean;
  year: YearContext;
}

interface Span {
  school: SchoolPlan;
  entry: string;
  end: string | null;
}

/** Enrolment, sections, caseload and a year of attendance for one student. */
function studentYear(
  plan: DistrictPlan,
  options: DemoOptions,
  rng: Random,
  rows: DemoFamily,
  s: StudentContext,
): StudentTraits {
  const d = DEMO_DISTRICT_ID;
  const { schoolDays, pastDays } = s.year;
  const firstDay = DEMO_SCHOOL_YEAR.firstDay;
  const dayIn = (from: number, to: number) => schoolDays[rng.int(from, to)]?.date ?? firstDay;

  // Where the student is enrolled this year.
  const movementRoll = rng.next();
  let movement: StudentTraits['movement'] = 'none';
  let spans: Span[] = [{ school: s.school, entry: firstDay, end: null }];
  if (movementRoll < 0.05) {
    const entry = dayIn(15, 120);
    if (entry < options.asOf) {
      movement = 'late_entry';
      spans = [{ school: s.school, entry, end: null }];
    }
  } else if (movementRoll < 0.085) {
    const end = dayIn(30, 150);
    if (end < options.asOf) {
      movement = 'left';
      spans = [{ school: s.school, entry: firstDay, end }];
    }
  } else if (movementRoll < 0.105 && s.candidates.length > 1) {
    const change = dayIn(30, 140);
    if (change < options.asOf) {
      movement = 'transfer';
      const other = s.candidates[(s.school.ordinal + 1) % s.candidates.length] as SchoolPlan;
      spans = [
        { school: s.school, entry: firstDay, end: change },
        { school: other, entry: change, end: null },
      ];
    }
  }

  // Who the student is, as attendance goes.
  const profile = rng.weighted(PROFILES) as StudentTraits['profile'];
  const [low, high] = BASE_RATE[profile];
  const transportBarrier = s.neighbourhood === TRANSPORT_BARRIER_NEIGHBOURHOOD;
  const baseRate = rng.between(low, high) * GRADE_FACTOR[s.grade] * (s.homeless ? 1.5 : 1);
  const mondayFriday = rng.chance(profile === 'steady' ? 0.03 : 0.22);
  const extendsBreaks = rng.chance(0.06);
  const trend = rng.chance(0.15) ? (rng.chance(0.5) ? 1 : -1) : 0;
  const secondary = s.school.type !== 'elementary';
  const skipsPeriod =
    secondary && rng.chance(profile === 'steady' ? 0.015 : 0.06)
      ? rng.int(1, s.school.periods.length - 1)
      : null;
  const skipRate = rng.between(0.2, 0.45);
  const suspended = secondary && rng.chance(profile === 'severe' ? 0.12 : 0.025);
  const suspensionStart = suspended ? rng.int(20, Math.max(21, pastDays.length - 5)) : -1;
  const suspensionLength = rng.int(1, 5);
  const inSchoolSuspension =
    secondary && rng.chance(0.03) ? rng.int(10, Math.max(11, pastDays.length - 2)) : -1;
  const tardyRate = (profile === 'steady' ? 0.012 : 0.04) + (transportBarrier ? 0.06 : 0);
  const breakEdges = extendsBreaks ? s.year.breakEdges : NO_DAYS;

  // Per span: enrolment, sections, caseload, attendance.
  const sectionChoice = hash32(`${plan.seed}:${s.studentId}:sections`);
  let pastIndex = 0;
  let absentYesterday = false;
  for (const span of spans) {
    const school = span.school;
    rows.enrolment_spans.push({
      district_id: d,
      enrolment_span_id: uuidFor(`${s.studentId}:span:${span.entry}`),
      student_id: s.studentId,
      school_id: school.id,
      school_year_id: SCHOOL_YEAR_ID(plan.seed),
      calendar_id: school.calendarId,
      grade_level: s.grade,
      entry_date: span.entry,
      end_date_exclusive: span.end,
      exit_reason: span.end
        ? movement === 'transfer'
          ? 'transferred_within_district'
          : 'moved_out_of_district'
        : null,
      is_primary: true,
      source_id: `enr-${s.localId}-${span.entry}`,
    });
    const sectionOf = new Map<number, string>();
    const enrol = (key: string, period: number) => {
      const id = sectionId(key);
      sectionOf.set(period, id);
      rows.section_enrolments.push({
        district_id: d,
        section_id: id,
        student_id: s.studentId,
        entry_date: span.entry,
        end_date_exclusive: span.end,
        source_id: `se-${s.localId}-${id.slice(0, 8)}-${span.entry}`,
      });
    };
    if (school.type === 'elementary') {
      enrol(sectionKey.homeroom(school, s.grade, sectionChoice % school.homerooms), 0);
    } else {
      enrol(sectionKey.advisory(school, sectionChoice % school.homerooms), 0);
      const rotation = sectionChoice % school.courses.length;
      const k = (sectionChoice >>> 8) % school.sectionsPerCourse;
      for (let p = 1; p <= school.courses.length; p += 1) {
        enrol(sectionKey.course(school, p, (p - 1 + rotation) % school.courses.length, k), p);
      }
    }
    const counselor = (sectionChoice >>> 16) % school.counselors;
    rows.caseload_students.push({
      district_id: d,
      user_id: staffId(`${school.id}:counselor:${counselor}`),
      student_id: s.studentId,
      assigned_on: span.entry,
    });

    // Attendance on each school day of the span before the as-of date.
    for (const day of pastDays) {
      if (day.date < span.entry || (span.end !== null && day.date >= span.end)) continue;
      const index = pastIndex;
      pastIndex += 1;
      const dayMinutes = Math.round(school.dayMinutes * day.share);
      const progress = index / Math.max(1, schoolDays.length - 1);
      const event = (fields: {
        kind: string;
        category: string;
        minutes: number | null;
        fraction: number | null;
        reason: string | null;
        excused: boolean | null;
        sectionId?: string;
        periodId?: string;
        arrival?: string;
        departure?: string;
      }) =>
        rows.attendance_events.push({
          district_id: d,
          attendance_event_id: uuidFor(`${s.studentId}:event:${day.date}:${fields.kind}`),
          student_id: s.studentId,
          school_id: school.id,
          date: day.date,
          section_id: fields.sectionId ?? null,
          period_id: fields.periodId ?? null,
          category: fields.category,
          minutes: fields.minutes,
          day_fraction: fields.fraction === null ? null : fields.fraction.toFixed(3),
          arrival_time: fields.arrival ?? null,
          departure_time: fields.departure ?? null,
          reason: fields.reason,
          is_excused: fields.excused,
          source_system: DEMO_SOURCE_SYSTEM,
          source_id: `${s.localId}:${day.date}:${fields.kind}`,
          recorded_at: `${day.date}T15:10:00Z`,
        });

      if (index >= suspensionStart && index < suspensionStart + suspensionLength && suspensionStart >= 0) {
        event({
          kind: 'oss',
          category: 'out_of_school_suspension',
          minutes: dayMinutes,
          fraction: 1,
          reason: 'suspension',
          excused: false,
        });
        absentYesterday = false;
        continue;
      }
      if (index === inSchoolSuspension) {
        event({
          kind: 'iss',
          category: 'in_school_suspension',
          minutes: dayMinutes,
          fraction: 1,
          reason: 'suspension',
          excused: null,
        });
        continue;
      }

      const weekday = day.weekday;
      const inWave = day.date >= ILLNESS_WAVE.from && day.date <= ILLNESS_WAVE.to;
      const busFailed = transportBarrier && s.year.busFailures.has(day.date);
      let p = baseRate;
      if (mondayFriday) p *= weekday === 1 || weekday === 5 ? 2.2 : 0.2;
      if (trend !== 0) p *= trend > 0 ? 0.55 + 1.1 * progress : 1.6 - 1.1 * progress;
      if (inWave) p = p * 1.8 + 0.02;
      if (breakEdges.has(day.date)) p = p * 2 + 0.25;
      if (absentYesterday) p = Math.max(p, profile === 'severe' ? 0.5 : 0.35);
      if (busFailed) p = Math.max(p, 0.45);
      let absence: Absence | null = null;
      if (rng.chance(Math.min(p, 0.92))) {
        absence = absenceFor(rng, {
          inWave,
          busFailed,
          nearBreak: breakEdges.has(day.date),
          homeless: s.homeless,
        });
        if (absentYesterday && !busFailed)
          absence = { ...absence, reason: 'illness', excused: rng.chance(0.75) };
      }
      absentYesterday = absence !== null && absence.reason === 'illness';
      if (absence) {
        event({
          kind: 'absence',
          category: absence.category,
          minutes: Math.round(dayMinutes * absence.fraction),
          fraction: absence.fraction,
          reason: absence.reason,
          excused: absence.excused,
        });
        if (absence.fraction === 1) continue;
      }
      if (!absence && rng.chance(tardyRate + (busFailed ? 0.3 : 0))) {
        const minutes = rng.int(5, busFailed ? 75 : 40);
        const reason =
          busFailed || (transportBarrier && rng.chance(0.5))
            ? 'transport'
            : rng.pick(['unknown', 'family', 'medical']);
        event({
          kind: 'tardy',
          category: 'tardy',
          minutes,
          fraction: null,
          reason,
          excused: reason === 'medical',
          arrival: clockTime(school.firstBellMinute + minutes),
        });
      } else if (!absence && rng.chance(0.008)) {
        const minutes = rng.int(30, 150);
        const reason = rng.pick(['medical', 'illness', 'family']);
        event({
          kind: 'early',
          category: 'early_departure',
          minutes,
          fraction: null,
          reason,
          excused: reason !== 'family',
          departure: clockTime(school.firstBellMinute + dayMinutes + 30 - minutes),
        });
      }
      if (!absence && skipsPeriod !== null && school.type !== 'elementary' && rng.chance(skipRate)) {
        const period = school.periods[skipsPeriod];
        const section = sectionOf.get(skipsPeriod);
        if (period && section) {
          event({
            kind: `period-${skipsPeriod}`,
            category: 'unexcused_absence',
            minutes: period.endMinute - period.startMinute,
            fraction: null,
            reason: 'unknown',
            excused: false,
            sectionId: section,
            periodId: period.id,
          });
        }
      }
    }
  }

  return {
    studentId: s.studentId,
    profile,
    mondayFriday,
    transportBarrier,
    skipsPeriod,
    movement,
    suspended: suspensionStart >= 0,
  };
}

function absenceFor(
  rng: Random,
  context: { inWave: boolean; busFailed: boolean; nearBreak: boolean; homeless: boolean },
): Absence {
  let reason: string;
  if (context.busFailed) reason = 'transport';
  else if (context.inWave && rng.chance(0.7)) reason = 'illness';
  else if (context.nearBreak && rng.chance(0.5)) reason = 'vacation';
  else if (context.homeless && rng.chance(0.3)) reason = 'housing';
  else
    reason = rng.weighted({
      illness: 40,
      unknown: 30,
      family: 10,
      medical: 8,
      caregiving: 4,
      religious: 2,
      bereavement: 1,
      other: 5,
    });
  const excusedChance: Record<string, number> = {
    illness: 0.75,
    medical: 0.97,
    family: 0.45,
    religious: 1,
    bereavement: 1,
    transport: 0.2,
    vacation: 0.05,
    housing: 0.6,
    caregiving: 0.3,
    unknown: 0,
    other: 0.3,
  };
  const excused = rng.chance(excusedChance[reason] ?? 0);
  const partial = rng.chance(0.1);
  return {
    category: partial ? 'partial' : excused ? 'excused_absence' : 'unexcused_absence',
    reason,
    excused,
    fraction: partial ? (rng.chance(0.6) ? 0.5 : 0.25) : 1,
  };
}
