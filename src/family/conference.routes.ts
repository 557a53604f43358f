/** Conferences for staff: offer times to meet about a student, and see what was offered and booked. */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppDependencies } from '../platform/http/app.ts';
import type { StaffRole } from '../staff/staff-principal.ts';
import {
  CONFERENCE_MODES,
  MAX_SLOTS_PER_OFFER,
  offerConferenceSlots,
  studentConferenceSlots,
} from './conference.service.ts';

export const CONFERENCE_HOSTS: readonly StaffRole[] = [
  'district_admin',
  'school_admin',
  'attendance_champion',
  'counselor',
  'teacher',
];

const Params = Type.Object({ studentId: Type.String({ format: 'uuid' }) });
const OfferBody = Type.Object(
  {
    slots: Type.Array(
      Type.Object(
        {
          startsAt: Type.String({
            format: 'date-time',
            description: 'With its offset, e.g. 2027-03-02T15:30:00-06:00.',
          }),
          minutes: Type.Integer({ minimum: 10, maximum: 120 }),
          mode: Type.Union(CONFERENCE_MODES.map((mode) => Type.Literal(mode))),
          location: Type.Optional(Type.String({ maxLength: 200 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: MAX_SLOTS_PER_OFFER },
    ),
  },
  { additionalProperties: false },
);

export function registerConferenceRoutes(app: FastifyInstance, dependencies: AppDependencies): void {
  const db = dependencies.database.db;
  app.post<{ Params: Static<typeof Params>; Body: Static<typeof OfferBody> }>(
    '/api/students/:studentId/conference-slots',
    { config: { access: { roles: CONFERENCE_HOSTS } }, schema: { params: Params, body: OfferBody } },
    async (request, reply) => {
      const slots = await offerConferenceSlots(
        db,
        request.staff,
        request.params.studentId,
        request.body.slots,
      );
      return reply.status(201).send({ slots });
    },
  );
  app.get<{ Params: Static<typeof Params> }>(
    '/api/students/:studentId/conference-slots',
    { config: { access: { roles: CONFERENCE_HOSTS } }, schema: { params: Params } },
    async (request) => ({ slots: await studentConferenceSlots(db, request.staff, request.params.studentId) }),
  );
}
