/**
 * The attendance policy for staff: publish a new version (district administrators), and see
 * how many guardians of the students one may see have signed the current one.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { isLanguageCode } from '../messaging/content/languages.ts';
import { AppError } from '../platform/errors.ts';
import type { AppDependencies } from '../platform/http/app.ts';
import type { StaffRole } from '../staff/staff-principal.ts';
import { visibleStudent } from '../staff/student-scope.ts';
import { policySignatures, publishPolicy } from './policy.service.ts';

export const POLICY_PUBLISHERS: readonly StaffRole[] = ['district_admin'];
export const POLICY_READERS: readonly StaffRole[] = [
  'district_admin',
  'school_admin',
  'attendance_champion',
  'counselor',
];

const Text = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    body: Type.String({ minLength: 1, maxLength: 20_000 }),
  },
  { additionalProperties: false },
);
const PublishBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    body: Type.String({ minLength: 1, maxLength: 20_000 }),
    translations: Type.Optional(Type.Record(Type.String({ maxLength: 10 }), Text)),
  },
  { additionalProperties: false },
);

export function registerPolicyRoutes(app: FastifyInstance, dependencies: AppDependencies): void {
  const db = dependencies.database.db;
  app.post<{ Body: Static<typeof PublishBody> }>(
    '/api/policy',
    { config: { access: { roles: POLICY_PUBLISHERS } }, schema: { body: PublishBody } },
    async (request, reply) => {
      const unknown = Object.keys(request.body.translations ?? {}).filter((code) => !isLanguageCode(code));
      if (unknown.length > 0) {
        throw new AppError('INVALID_INPUT', {
          message: `Translations must be keyed by a family language code (en, es, ar, ...): ${unknown.join(', ')} is not one.`,
          details: {
            fields: unknown.map((code) => ({
              field: `body.translations.${code}`,
              message: 'is not a language code',
            })),
          },
        });
      }
      const published = await publishPolicy(db, request.staff, request.body);
      return reply.status(201).send(published);
    },
  );
  app.get('/api/policy/signatures', { config: { access: { roles: POLICY_READERS } } }, async (request) =>
    policySignatures(db, request.staff.districtId, (ref) => visibleStudent(request.staff, ref)),
  );
}
