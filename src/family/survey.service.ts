/**
 * Family surveys: "from 1 to 10, how is school going for your child?", then three open
 * questions (what is going well, what makes school hard, what would help). Families answer in
 * the portal, or by texting a number back to a survey invitation (inbound.ts reads a number as
 * a score only when the family's latest text from the school was that invitation). Staff read
 * the results for the students they may see.
 */
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import { AppError } from '../platform/errors.ts';

export const SURVEY_QUESTIONS = ['going_well', 'hard', 'help'] as const;
export type SurveyQuestion = (typeof SURVEY_QUESTIONS)[number];
const ANSWER_MAX = 1000;

export interface SurveyResponse {
  readonly districtId: string;
  readonly contactId: string;
  readonly studentId: string | null;
  readonly channel: 'portal' | 'sms' | 'email';
  readonly score: number | null;
  readonly answers: Partial<Record<SurveyQuestion, string>>;
  readonly language: string;
  /** The portal form's request id, or the text's inbound id: recorded once per source. */
  readonly sourceId: string;
}

/** Records an answer once per source; INVALID_INPUT names a score outside 1–10 or an answer too long. */
export async function recordSurveyResponse(
  db: Kysely<DB> | Transaction<DB>,
  response: SurveyResponse,
): Promise<{ created: boolean }> {
  if (
    response.score !== null &&
    !(Number.isInteger(response.score) && response.score >= 1 && response.score <= 10)
  ) {
    throw new AppError('INVALID_INPUT', {
      message: 'The score must be a whole number from 1 to 10.',
      userMessageKey: 'survey.error.score',
      details: { fields: [{ field: 'body.score', message: 'must be from 1 to 10' }] },
    });
  }
  const answers: Partial<Record<SurveyQuestion, string>> = {};
  for (const question of SURVEY_QUESTIONS) {
    const text = response.answers[question]?.trim() ?? '';
    if (text.length > ANSWER_MAX) {
      throw new AppError('INVALID_INPUT', {
        message: `The answer to "${question}" is longer than ${ANSWER_MAX} characters.`,
        userMessageKey: 'error.tooLong',
        details: {
          fields: [{ field: `body.${question}`, message: `is longer than ${ANSWER_MAX} characters` }],
        },
      });
    }
    if (text) answers[question] = text;
  }
  if (response.score === null && Object.keys(answers).length === 0) {
    throw new AppError('INVALID_INPUT', {
      message: 'Choose a number from 1 to 10, or answer a question.',
      userMessageKey: 'survey.error.empty',
      details: { fields: [{ field: 'body.score', message: 'is required when no question is answered' }] },
    });
  }
  const result = await sql`
    INSERT INTO survey_responses (district_id, contact_id, student_id, channel, score, answers, language, source_id)
    VALUES (${response.districtId}, ${response.contactId}, ${response.studentId}, ${response.channel}, ${response.score},
      ${JSON.stringify(answers)}, ${response.language}, ${response.sourceId})
    ON CONFLICT (district_id, source_id) DO NOTHING`.execute(db);
  return { created: Number(result.numAffectedRows ?? 0) > 0 };
}

export interface SurveyResults {
  readonly responses: number;
  readonly averageScore: number | null;
  /** How many answered each score, 1 to 10. */
  readonly distribution: readonly number[];
  readonly byChannel: Readonly<Record<string, number>>;
  readonly bySchool: readonly {
    schoolId: string;
    schoolName: string;
    responses: number;
    averageScore: number | null;
  }[];
  /** The latest written answers, newest first (at most 50). */
  readonly comments: readonly {
    readonly submittedAt: Date;
    readonly studentId: string | null;
    readonly schoolName: string | null;
    readonly question: SurveyQuestion;
    readonly text: string;
    readonly language: string;
  }[];
}

/** Results for the students the reader may see (`visible` is the staff scope condition). */
export async function surveyResults(
  db: Kysely<DB>,
  districtId: string,
  visible: (studentId: RawBuilder<unknown>) => RawBuilder<unknown>,
  since: string,
): Promise<SurveyResults> {
  const scoped = sql`r.district_id = ${districtId} AND r.submitted_at >= ${since}::date
    AND r.student_id IS NOT NULL AND ${visible(sql.ref('r.student_id'))}`;
  const school = sql`(SELECT es.school_id FROM enrolment_spans es WHERE es.district_id = r.district_id
    AND es.student_id = r.student_id ORDER BY es.end_date_exclusive IS NULL DESC, es.entry_date DESC LIMIT 1)`;
  const [totals, distribution, channels, schools, comments] = await Promise.all([
    sql<{ n: number; average: number | null }>`SELECT count(*)::int AS n, avg(r.score)::float8 AS average
      FROM survey_responses r WHERE ${scoped}`.execute(db),
    sql<{ score: number; n: number }>`SELECT r.score, count(*)::int AS n FROM survey_responses r
      WHERE ${scoped} AND r.score IS NOT NULL GROUP BY r.score`.execute(db),
    sql<{ channel: string; n: number }>`SELECT r.channel, count(*)::int AS n FROM survey_responses r
      WHERE ${scoped} GROUP BY r.channel`.execute(db),
    sql<{ school_id: string; name: string; n: number; average: number | null }>`
      SELECT s.school_id, s.name, count(*)::int AS n, avg(r.score)::float8 AS average
      FROM survey_responses r JOIN schools s ON s.district_id = r.district_id AND s.school_id = ${school}
      WHERE ${scoped} GROUP BY s.school_id, s.name ORDER BY s.name`.execute(db),
    sql<{
      submitted_at: Date;
      student_id: string | null;
      school_name: string | null;
      question: SurveyQuestion;
      text: string;
      language: string;
    }>`
      SELECT r.submitted_at, r.student_id, (SELECT s.name FROM schools s WHERE s.district_id = r.district_id AND s.school_id = ${school}) AS school_name,
        a.key AS question, a.value AS text, r.language
      FROM survey_responses r CROSS JOIN LATERAL jsonb_each_text(r.answers) a
      WHERE ${scoped} ORDER BY r.submitted_at DESC, a.key LIMIT 50`.execute(db),
  ]);
  const counts = Array.from(
    { length: 10 },
    (_, index) => distribution.rows.find((row) => row.score === index + 1)?.n ?? 0,
  );
  return {
    responses: totals.rows[0]?.n ?? 0,
    averageScore:
      totals.rows[0]?.average === null || totals.rows[0]?.average === undefined
        ? null
        : Math.round(totals.rows[0].average * 10) / 10,
    distribution: counts,
    byChannel: Object.fromEntries(channels.rows.map((row) => [row.channel, row.n])),
    bySchool: schools.rows.map((row) => ({
      schoolId: row.school_id,
      schoolName: row.name,
      responses: row.n,
      averageScore: row.average === null ? null : Math.round(row.average * 10) / 10,
    })),
    comments: comments.rows.map((row) => ({
      submittedAt: row.submitted_at,
      studentId: row.student_id,
      schoolName: row.school_name,
      question: row.question,
      text: row.text,
      language: row.language,
    })),
  };
}
