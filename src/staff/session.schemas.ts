/** Request and response schemas of the session routes (TypeBox, so each schema is also its type). */
import { type Static, Type } from '@sinclair/typebox';
import { ALL_STAFF_ROLES } from './staff-principal.ts';

const Role = Type.Union(ALL_STAFF_ROLES.map((role) => Type.Literal(role)));

export const SignInBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 320 }),
    // Bounded so nobody can make the server hash a megabyte.
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    district: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' })),
  },
  { additionalProperties: false },
);
export type SignInBody = Static<typeof SignInBody>;

export const SignedInResponse = Type.Object({
  user: Type.Object({ displayName: Type.String(), roles: Type.Array(Role) }),
});
export type SignedInResponse = Static<typeof SignedInResponse>;

export const SessionResponse = Type.Object({
  user: Type.Object({
    displayName: Type.String(),
    roles: Type.Array(Role),
    grants: Type.Array(
      Type.Object({
        role: Role,
        scope: Type.Union([
          Type.Literal('district'),
          Type.Literal('school'),
          Type.Literal('section'),
          Type.Literal('caseload'),
        ]),
        schoolId: Type.Union([Type.String(), Type.Null()]),
        schoolName: Type.Union([Type.String(), Type.Null()]),
      }),
    ),
  }),
  district: Type.Object({ slug: Type.String(), name: Type.String() }),
});
export type SessionResponse = Static<typeof SessionResponse>;
