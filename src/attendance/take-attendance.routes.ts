/**
 * Taking attendance: GET a section's roster for a day with its marks, PUT marks for it.
 * A section outside the caller's sections, school or district is "not found".
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppDependencies } from '../platform/http/app.ts';
import type { StaffRole } from '../staff/staff-principal.ts';
import { MARK_REASONS, MARKS, sectionRoster, takeAttendance } from './take-attendance.ts';

/** Who takes attendance (teachers for their sections; school and district staff for theirs). */
export const ATTENDANCE_TAKERS: readonly StaffRole[] = [
  'district_admin',
  'school_admin',
  'attendance_champion',
  'teacher',
];

const literals = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((value) => Type.Literal(value)));
const Uuid = Type.String({ format: 'uuid' });
const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Params = Type.Object({ sectionId: Uuid });
const Query = Type.Object({ date: IsoDate }, { additionalProperties: false });
const Body = Type.Object(
  {
    date: IsoDate,
    marks: Type.Array(
      Type.Object(
        {
          studentId: Uuid,
          status: literals(MARKS),
          excused: Type.Optional(Type.Boolean()),
          minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
          reason: Type.Optional(literals(MARK_REASONS)),
          note: Type.Optional(Type.String({ maxLength: 500 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 200 },
    ),
  },
  { additionalProperties: false },
);

export function registerTakeAttendanceRoutes(app: FastifyInstance, { database }: AppDependencies): void {
  const db = database.db;

  app.get<{ Params: Static<typeof Params>; Querystring: Static<typeof Query> }>(
    '/api/sections/:sectionId/attendance',
    { config: { access: { roles: ATTENDANCE_TAKERS } }, schema: { params: Params, querystring: Query } },
    async (request) => sectionRoster(db, request.staff, request.params.sectionId, request.query.date),
  );

  app.put<{ Params: Static<typeof Params>; Body: Static<typeof Body> }>(
    '/api/sections/:sectionId/attendance',
    { config: { access: { roles: ATTENDANCE_TAKERS } }, schema: { params: Params, body: Body } },
    async (request) =>
      takeAttendance(db, request.staff, request.params.sectionId, request.body.date, request.body.marks),
  );
}
