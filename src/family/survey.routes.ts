/**
 * Survey results for staff: how families rate how school is going (1 to 10), by school and by
 * channel, with their latest written answers, for the students the reader may see.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppDependencies } from '../platform/http/app.ts';
import type { StaffRole } from '../staff/staff-principal.ts';
import { visibleStudent } from '../staff/student-scope.ts';
import { surveyResults } from './survey.service.ts';

export const SURVEY_READERS: readonly StaffRole[] = [
  'district_admin',
  'school_admin',
  'attendance_champion',
  'counselor',
  'analyst',
];

const Query = Type.Object(
  {
    since: Type.Optional(
      Type.String({ format: 'date', description: 'Answers from this date (default: a year ago).' }),
    ),
  },
  { additionalProperties: false },
);

export function registerSurveyRoutes(app: FastifyInstance, dependencies: AppDependencies): void {
  const db = dependencies.database.db;
  app.get<{ Querystring: Static<typeof Query> }>(
    '/api/surveys/results',
    { config: { access: { roles: SURVEY_READERS } }, schema: { querystring: Query } },
    async (request) => {
      const since =
        request.query.since ?? new Date(Date.now() - 365 * 24 * 60 * 60_000).toISOString().slice(0, 10);
      return surveyResults(db, request.staff.districtId, (ref) => visibleStudent(request.staff, ref), since);
    },
  );
}
