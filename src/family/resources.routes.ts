/** Community resources for staff: list, add and retire what families see when they ask for help. */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppDependencies } from '../platform/http/app.ts';
import type { StaffRole } from '../staff/staff-principal.ts';
import { addResource, listResources, retireResource } from './resources.service.ts';

export const RESOURCE_EDITORS: readonly StaffRole[] = ['district_admin', 'attendance_champion'];
export const RESOURCE_READERS: readonly StaffRole[] = [
  'district_admin',
  'school_admin',
  'attendance_champion',
  'counselor',
];

const Translation = Type.Object(
  { name: Type.Optional(Type.String({ maxLength: 200 })), description: Type.String({ maxLength: 1000 }) },
  { additionalProperties: false },
);
const NewResourceBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.String({ minLength: 1, maxLength: 1000 }),
    phone: Type.Optional(Type.String({ maxLength: 40 })),
    url: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 500 })),
    address: Type.Optional(Type.String({ maxLength: 300 })),
    barriers: Type.Array(Type.String({ maxLength: 40 }), { minItems: 1, maxItems: 8 }),
    translations: Type.Optional(Type.Record(Type.String({ maxLength: 10 }), Translation)),
  },
  { additionalProperties: false },
);
const Params = Type.Object({ resourceId: Type.String({ format: 'uuid' }) });

export function registerResourceRoutes(app: FastifyInstance, dependencies: AppDependencies): void {
  const db = dependencies.database.db;
  app.get(
    '/api/community-resources',
    { config: { access: { roles: RESOURCE_READERS } } },
    async (request) => ({ resources: await listResources(db, request.staff.districtId) }),
  );
  app.post<{ Body: Static<typeof NewResourceBody> }>(
    '/api/community-resources',
    { config: { access: { roles: RESOURCE_EDITORS } }, schema: { body: NewResourceBody } },
    async (request, reply) => reply.status(201).send(await addResource(db, request.staff, request.body)),
  );
  app.delete<{ Params: Static<typeof Params> }>(
    '/api/community-resources/:resourceId',
    { config: { access: { roles: RESOURCE_EDITORS } }, schema: { params: Params } },
    async (request, reply) => {
      await retireResource(db, request.staff, request.params.resourceId);
      return reply.status(204).send();
    },
  );
}
