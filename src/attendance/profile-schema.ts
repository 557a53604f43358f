/**
 * The JSON schema of a definition profile, for a district's own copies (stored as jsonb and
 * edited through the API). Parsing names every field that is wrong.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { AppError } from '../platform/errors.ts';
import type { DefinitionProfile } from './definition-profiles.ts';

const GRADES = ['PK', 'KG', '01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'] as const;
const Grade = Type.Union(GRADES.map((grade) => Type.Literal(grade)));
/** A share from 0 to 1, at most three decimals (checked after the schema). */
const Share = Type.Number({ minimum: 0, maximum: 1 });
const Hours = Type.Integer({ minimum: 0, maximum: 10_000 });

export const DefinitionProfileSchema = Type.Object(
  {
    key: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    source: Type.String({ maxLength: 2000 }),
    rateThreshold: Type.Union([Share, Type.Null()]),
    countThreshold: Type.Union([Type.Integer({ minimum: 1, maximum: 365 }), Type.Null()]),
    measure: Type.Union([Type.Literal('days'), Type.Literal('hours')]),
    minimumHours: Type.Union([Type.Record(Grade, Type.Integer({ minimum: 1, maximum: 2_000 })), Type.Null()]),
    statutory: Type.Object(
      {
        ohio: Type.Union([
          Type.Object(
            { consecutiveHours: Hours, monthHours: Hours, yearHours: Hours, noticeHours: Hours },
            { additionalProperties: false },
          ),
          Type.Null(),
        ]),
        connecticut: Type.Union([
          Type.Object(
            {
              truantMonth: Type.Integer({ minimum: 1, maximum: 31 }),
              truantYear: Type.Integer({ minimum: 1, maximum: 365 }),
              habitualYear: Type.Integer({ minimum: 1, maximum: 365 }),
            },
            { additionalProperties: false },
          ),
          Type.Null(),
        ]),
      },
      { additionalProperties: false },
    ),
    counts: Type.Object(
      { excused: Type.Boolean(), unexcused: Type.Boolean(), outOfSchoolSuspension: Type.Boolean() },
      { additionalProperties: false },
    ),
    eligibility: Type.Object(
      {
        minDaysEnrolled: Type.Integer({ minimum: 0, maximum: 365 }),
        minDaysAttended: Type.Integer({ minimum: 0, maximum: 365 }),
        grades: Type.Union([Type.Array(Grade, { minItems: 1, uniqueItems: true }), Type.Null()]),
      },
      { additionalProperties: false },
    ),
    daily: Type.Object(
      {
        halfDayThreshold: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
        partialDays: Type.Union([Type.Literal('threshold'), Type.Literal('sum')]),
        fromPeriods: Type.Union([
          Type.Literal('homeroom'),
          Type.Literal('any_section'),
          Type.Literal('all_sections'),
        ]),
        inSchoolSuspension: Type.Union([Type.Literal('present'), Type.Literal('absent')]),
        tardyMinutesCount: Type.Boolean(),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type DefinitionProfileInput = Static<typeof DefinitionProfileSchema>;

/** Checks a profile read from JSON; throws INVALID_INPUT naming each wrong field. */
export function parseDefinitionProfile(value: unknown): DefinitionProfile {
  if (Value.Check(DefinitionProfileSchema, value)) {
    const profile = value as DefinitionProfile;
    const thousandths = (n: number) => Math.abs(Math.round(n * 1000) - n * 1000) < 1e-6;
    for (const [field, share] of [
      ['rateThreshold', profile.rateThreshold],
      ['daily.halfDayThreshold', profile.daily.halfDayThreshold],
    ] as const)
      if (share !== null && !thousandths(share))
        throw new AppError('INVALID_INPUT', {
          message: `Invalid definition profile: ${field} must have at most three decimals.`,
          details: { fields: [{ field, message: 'must have at most three decimals' }] },
        });
    if (profile.rateThreshold === null && profile.countThreshold === null)
      throw new AppError('INVALID_INPUT', {
        message: 'A definition profile needs a rateThreshold, a countThreshold or both.',
        details: { fields: [{ field: 'rateThreshold', message: 'or countThreshold must be set' }] },
      });
    if (profile.measure === 'hours' && (profile.minimumHours === null || profile.rateThreshold === null))
      throw new AppError('INVALID_INPUT', {
        message: "The 'hours' measure needs minimumHours by grade and a rateThreshold.",
        details: { fields: [{ field: 'minimumHours', message: "is required for the 'hours' measure" }] },
      });
    return profile;
  }
  const fields = [...Value.Errors(DefinitionProfileSchema, value)].map((error) => ({
    field: error.path.replaceAll('/', '.').replace(/^\./, '') || '(profile)',
    message: error.message,
  }));
  throw new AppError('INVALID_INPUT', {
    message: `Invalid definition profile: ${fields.map((f) => `${f.field} ${f.message}`).join('; ')}`,
    details: { fields },
  });
}
