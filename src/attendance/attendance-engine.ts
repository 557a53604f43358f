/**
 * The attendance engine: the reference model (attendance-model.ts) as set-based SQL, run
 * inside the database over whole districts. It never visits a student's days one by one:
 *
 * - days enrolled come from arithmetic on each calendar's running counts (the number of
 *   instructional days, minutes, weekdays and days next to a break before each date), so
 *   an enrolment span costs two lookups, not one row per day;
 * - only the days that have events are materialised (most districts record attendance in
 *   the negative: no row means present), and their status follows the daily-status rules;
 * - everything else (runs, patterns, the early signal, statutory thresholds, projections)
 *   is aggregated from those sparse days.
 *
 * The same statements serve an incremental refresh (a list of students) and a full
 * recompute (every student, in batches), so the two cannot drift apart. The differential
 * tests hold the results equal to the reference model on random districts.
 */
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import { RECENT_DAYS, RECENT_HALF_LIFE } from './attendance-model.ts';
import type { DefinitionProfile } from './definition-profiles.ts';

export interface RefreshScope {
  readonly districtId: string;
  readonly schoolYearId: string;
  /** Figures count school days before this date (the day the figures are "as of"). */
  readonly asOf: string;
  readonly profile: DefinitionProfile;
  /** The students to refresh; null for every student enrolled in the school year. */
  readonly studentIds: readonly string[] | null;
  /** Also record each student's rate and tier in the daily history under asOf. */
  readonly recordHistory?: boolean;
}

export interface RefreshResult {
  /** Students whose figures were written (enrolled in the school year). */
  readonly students: number;
  /** Students in scope whose figures were removed because they have no enrolment this year. */
  readonly removed: number;
}

const MILLI = 1000;
/** The first key of the engine's advisory locks (the second is the district's hash). */
const ENGINE_LOCK = 4_242;

/** Runs a refresh in its own transaction (or the caller's). */
export async function refreshAttendance(
  db: Kysely<DB> | Transaction<DB>,
  scope: RefreshScope,
): Promise<RefreshResult> {
  if (db.isTransaction) return refreshIn(db as Transaction<DB>, scope);
  return db.transaction().execute((trx) => refreshIn(trx, scope));
}

async function refreshIn(trx: Transaction<DB>, scope: RefreshScope): Promise<RefreshResult> {
  const { districtId: d, schoolYearId: y, asOf, profile } = scope;
  const rules = profile.daily;
  const hours = profile.measure === 'hours';
  const thresholdMilli = profile.rateThreshold === null ? null : Math.round(profile.rateThreshold * MILLI);
  const countMilli = profile.countThreshold === null ? null : profile.countThreshold * MILLI;
  const halfDayMilli = Math.round(rules.halfDayThreshold * MILLI);
  const grades = profile.eligibility.grades === null ? null : JSON.stringify(profile.eligibility.grades);
  const minimumHours = profile.minimumHours === null ? null : JSON.stringify(profile.minimumHours);
  const ids = scope.studentIds === null ? null : JSON.stringify(scope.studentIds);

  await sql`SET LOCAL work_mem = '64MB'`.execute(trx);
  // These statements are planned with few statistics (temporary tables) and run once: JIT
  // compilation cost more than it saved (about 2 s of an 8 s batch of 25,000 students).
  await sql`SET LOCAL jit = off`.execute(trx);
  // One refresh per district at a time, across processes: two would replace the same rows.
  await sql`SELECT pg_advisory_xact_lock(${ENGINE_LOCK}::int, hashtext(${d}::text))`.execute(trx);

  // The students in scope (with their grade) and the ones whose rows are to be replaced.
  await sql`CREATE TEMP TABLE _requested ON COMMIT DROP AS
    SELECT s.student_id, s.grade_level FROM students s
    WHERE s.district_id = ${d}
      AND (${ids}::json IS NULL OR s.student_id IN (SELECT value::uuid FROM json_array_elements_text(${ids}::json)))`.execute(
    trx,
  );
  const deleted = await sql`DELETE FROM student_attendance t
    WHERE t.district_id = ${d} AND t.school_year_id = ${y}
      AND (${ids}::json IS NULL OR t.student_id IN (SELECT student_id FROM _requested))`.execute(trx);

  // Calendars of the school year, one row per date from the first instructional day to the
  // day after the last, with running counts of what came before each date.
  await sql`CREATE TEMP TABLE _bounds ON COMMIT DROP AS
    SELECT c.calendar_id, c.last_attendance_date, min(cd.date) AS first_day, max(cd.date) AS last_day
    FROM calendars c
    JOIN calendar_days cd ON cd.district_id = c.district_id AND cd.calendar_id = c.calendar_id
    WHERE c.district_id = ${d} AND c.school_year_id = ${y} AND cd.instructional_minutes > 0
    GROUP BY c.calendar_id, c.last_attendance_date`.execute(trx);
  await sql`CREATE TEMP TABLE _cal ON COMMIT DROP AS
    WITH dense AS (
      SELECT b.calendar_id, b.first_day, b.last_day, g.day::date AS date
      FROM _bounds b
      CROSS JOIN LATERAL generate_series(b.first_day::timestamp, (b.last_day + 1)::timestamp, interval '1 day') AS g(day)
    ), marked AS (
      SELECT dense.calendar_id, dense.date, coalesce(cd.instructional_minutes, 0) AS minutes,
        extract(isodow FROM dense.date)::int AS weekday,
        (coalesce(cd.instructional_minutes, 0) = 0 AND extract(isodow FROM dense.date) <= 5
          AND dense.date BETWEEN dense.first_day AND dense.last_day) AS closed
      FROM dense
      LEFT JOIN calendar_days cd ON cd.district_id = ${d} AND cd.calendar_id = dense.calendar_id AND cd.date = dense.date
    ), near AS (
      SELECT calendar_id, date, minutes, weekday,
        minutes > 0 AND (
          coalesce(lag(closed, CASE WHEN weekday = 1 THEN 3 ELSE 1 END) OVER w, false)
          OR coalesce(lead(closed, CASE WHEN weekday = 5 THEN 3 ELSE 1 END) OVER w, false)
        ) AS near_break
      FROM marked
      WINDOW w AS (PARTITION BY calendar_id ORDER BY date)
    )
    SELECT calendar_id, date, minutes, weekday, minutes > 0 AS instructional, near_break,
      -- Backwards with a growing frame: one pass (a frame running forward to the end is recomputed per row).
      min(date) FILTER (WHERE minutes > 0) OVER (PARTITION BY calendar_id ORDER BY date DESC
        ROWS UNBOUNDED PRECEDING) AS next_school_day,
      count(*) FILTER (WHERE minutes > 0) OVER before AS ord,
      coalesce(sum(minutes) OVER before, 0)::int AS cum_minutes,
      count(*) FILTER (WHERE near_break) OVER before AS cum_near,
      ${sql.join(
        [1, 2, 3, 4, 5, 6, 7].map(
          (w) =>
            sql`count(*) FILTER (WHERE minutes > 0 AND weekday = ${sql.lit(w)}) OVER before AS ${sql.ref(`cum_w${w}`)}`,
        ),
      )}
    FROM near
    WINDOW before AS (PARTITION BY calendar_id ORDER BY date ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)`.execute(
    trx,
  );
  await sql`CREATE UNIQUE INDEX ON _cal (calendar_id, date)`.execute(trx);
  await sql`ANALYZE _cal`.execute(trx);

  // Enrolment spans of the year, overlapping spans at one school on one calendar merged,
  // clamped to the calendar, the as-of date and the last day of submitted attendance.
  await sql`CREATE TEMP TABLE _raw_spans ON COMMIT DROP AS
    SELECT e.student_id, r.grade_level, e.school_id, e.calendar_id, e.entry_date,
      coalesce(e.end_date_exclusive, 'infinity'::date) AS end_date
    FROM _requested r
    JOIN enrolment_spans e ON e.district_id = ${d} AND e.student_id = r.student_id
    WHERE e.school_year_id = ${y}`.execute(trx);
  await sql`CREATE TEMP TABLE _spans ON COMMIT DROP AS
    WITH ordered AS (
      SELECT *, max(end_date) OVER (
          PARTITION BY student_id, school_id, calendar_id ORDER BY entry_date, end_date
          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous_end
      FROM _raw_spans
    ), islands AS (
      SELECT *, count(*) FILTER (WHERE previous_end IS NULL OR previous_end < entry_date) OVER (
          PARTITION BY student_id, school_id, calendar_id ORDER BY entry_date, end_date) AS island
      FROM ordered
    ), merged AS (
      SELECT student_id, school_id, calendar_id, min(entry_date) AS entry_date, max(end_date) AS end_date
      FROM islands GROUP BY student_id, school_id, calendar_id, island
    ), clamped AS (
      SELECT m.*, b.first_day,
        least(greatest(m.entry_date, b.first_day), b.last_day + 1) AS lo,
        least(m.end_date, ${asOf}::date, coalesce(b.last_attendance_date + 1, 'infinity'::date), b.last_day + 1) AS hi_raw
      FROM merged m JOIN _bounds b ON b.calendar_id = m.calendar_id
    )
    SELECT c.student_id, c.school_id, c.calendar_id, c.lo, greatest(c.hi_raw, c.lo) AS hi,
      l.ord AS ord_lo, h.ord - l.ord AS days, h.cum_minutes - l.cum_minutes AS minutes,
      h.cum_near - l.cum_near AS near_days,
      ${sql.join([1, 2, 3, 4, 5, 6, 7].map((w) => sql`${sql.ref(`h.cum_w${w}`)} - ${sql.ref(`l.cum_w${w}`)} AS ${sql.ref(`w${w}`)}`))},
      coalesce(sum(h.ord - l.ord) OVER (PARTITION BY c.student_id ORDER BY c.lo, c.school_id
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS days_before,
      CASE WHEN l.next_school_day < greatest(c.hi_raw, c.lo) THEN l.next_school_day END AS first_date
    FROM clamped c
    JOIN _cal l ON l.calendar_id = c.calendar_id AND l.date = c.lo
    JOIN _cal h ON h.calendar_id = c.calendar_id AND h.date = greatest(c.hi_raw, c.lo)`.execute(trx);
  // Without statistics the planner takes the events of a batch for a handful of rows, and
  // sorts half a million of them where a hash would do.
  await sql`ANALYZE _spans`.execute(trx);

  // The days that have events, with their status under the profile's daily rules.
  const kindCounts = sql`CASE rank WHEN 1 THEN ${profile.counts.excused}::boolean
      WHEN 2 THEN ${profile.counts.unexcused}::boolean WHEN 3 THEN ${profile.counts.outOfSchoolSuspension}::boolean
      ELSE false END`;
  await sql`CREATE TEMP TABLE _days ON COMMIT DROP AS
    WITH ev AS (
      SELECT a.student_id, a.school_id, a.date, a.section_id, a.category, a.minutes, a.is_excused,
        sp.calendar_id, sp.days_before + (c.ord - sp.ord_lo) AS day_index, c.ord AS ordinal, c.weekday,
        c.near_break, c.minutes AS day_minutes,
        CASE WHEN a.category IN ('out_of_school_suspension', 'in_school_suspension') THEN 1000
          WHEN a.day_fraction IS NOT NULL THEN round(a.day_fraction * 1000)::int
          WHEN a.minutes IS NOT NULL AND c.minutes > 0 THEN least(1000, round(a.minutes * 1000.0 / c.minutes))::int
          WHEN a.category = 'partial' THEN 0 ELSE 1000 END AS milli,
        CASE WHEN a.category IN ('out_of_school_suspension', 'in_school_suspension') THEN c.minutes
          WHEN a.minutes IS NOT NULL THEN least(c.minutes, a.minutes)
          WHEN a.day_fraction IS NOT NULL THEN round(round(a.day_fraction * 1000) * c.minutes / 1000.0)::int
          WHEN a.category = 'partial' THEN 0 ELSE c.minutes END AS event_minutes,
        CASE
          WHEN a.category = 'excused_absence' OR (a.category = 'partial' AND a.is_excused) THEN 1
          WHEN a.category IN ('unexcused_absence', 'partial') THEN 2
          WHEN a.category = 'out_of_school_suspension' THEN 3
          WHEN a.category = 'in_school_suspension' AND ${rules.inSchoolSuspension === 'absent'}::boolean THEN 3
        END AS rank
      FROM _spans sp
      JOIN attendance_events a ON a.district_id = ${d} AND a.student_id = sp.student_id
        AND a.school_id = sp.school_id AND a.date >= sp.lo AND a.date < sp.hi
      JOIN _cal c ON c.calendar_id = sp.calendar_id AND c.date = a.date AND c.instructional
    ), daily AS (
      -- Daily events, hash-aggregated (no ordered aggregate here: most events are daily).
      SELECT student_id, school_id, date, min(calendar_id::text)::uuid AS calendar_id, min(day_index) AS day_index,
        min(ordinal) AS ordinal, min(weekday) AS weekday, bool_or(near_break) AS near_break,
        min(day_minutes) AS day_minutes,
        max(CASE WHEN rank IS NOT NULL AND milli > 0 THEN (milli * 10 + rank) * 2000 + event_minutes END) AS daily_key,
        bool_or(category = 'tardy') AS tardy,
        bool_or(category = 'early_departure') AS early_departure,
        coalesce(sum(minutes) FILTER (WHERE category IN ('tardy', 'early_departure')), 0) AS tardy_minutes
      FROM ev WHERE section_id IS NULL
      GROUP BY student_id, school_id, date
    ), periods AS (
      SELECT student_id, school_id, date, min(calendar_id::text)::uuid AS calendar_id, min(day_index) AS day_index,
        min(ordinal) AS ordinal, min(weekday) AS weekday, bool_or(near_break) AS near_break,
        min(day_minutes) AS day_minutes,
        array_agg(DISTINCT section_id ORDER BY section_id) AS absent_sections,
        bool_or(category = 'out_of_school_suspension') AS section_oss,
        bool_and(category = 'excused_absence') AS section_excused_only
      FROM ev
      WHERE section_id IS NOT NULL AND category IN ('excused_absence', 'unexcused_absence', 'out_of_school_suspension')
      GROUP BY student_id, school_id, date
    ), per_day AS (
      SELECT coalesce(dl.student_id, pr.student_id) AS student_id, coalesce(dl.school_id, pr.school_id) AS school_id,
        coalesce(dl.date, pr.date) AS date, coalesce(dl.calendar_id, pr.calendar_id) AS calendar_id,
        coalesce(dl.day_index, pr.day_index) AS day_index, coalesce(dl.ordinal, pr.ordinal) AS ordinal,
        coalesce(dl.weekday, pr.weekday) AS weekday, coalesce(dl.near_break, pr.near_break) AS near_break,
        coalesce(dl.day_minutes, pr.day_minutes) AS day_minutes, dl.daily_key, dl.student_id IS NOT NULL AS has_daily,
        pr.absent_sections, coalesce(pr.section_oss, false) AS section_oss, pr.section_excused_only,
        coalesce(dl.tardy, false) AS tardy, coalesce(dl.early_departure, false) AS early_departure,
        coalesce(dl.tardy_minutes, 0) AS tardy_minutes
      FROM daily dl
      FULL JOIN periods pr ON pr.student_id = dl.student_id AND pr.school_id = dl.school_id AND pr.date = dl.date
    ), from_periods AS (
      SELECT p.*,
        CASE WHEN p.has_daily OR p.absent_sections IS NULL THEN false
          ELSE ${
            rules.fromPeriods === 'any_section'
              ? sql`true`
              : rules.fromPeriods === 'homeroom'
                ? sql`EXISTS (SELECT 1 FROM section_enrolments se
                    JOIN sections s ON s.district_id = se.district_id AND s.section_id = se.section_id
                    WHERE se.district_id = ${d} AND se.student_id = p.student_id AND s.school_id = p.school_id
                      AND s.is_homeroom AND se.entry_date <= p.date
                      AND (se.end_date_exclusive IS NULL OR p.date < se.end_date_exclusive)
                      AND se.section_id = ANY (p.absent_sections))`
                : sql`EXISTS (SELECT 1 FROM section_enrolments se
                    JOIN sections s ON s.district_id = se.district_id AND s.section_id = se.section_id
                    WHERE se.district_id = ${d} AND se.student_id = p.student_id AND s.school_id = p.school_id
                      AND se.entry_date <= p.date AND (se.end_date_exclusive IS NULL OR p.date < se.end_date_exclusive))
                  AND NOT EXISTS (SELECT 1 FROM section_enrolments se
                    JOIN sections s ON s.district_id = se.district_id AND s.section_id = se.section_id
                    WHERE se.district_id = ${d} AND se.student_id = p.student_id AND s.school_id = p.school_id
                      AND se.entry_date <= p.date AND (se.end_date_exclusive IS NULL OR p.date < se.end_date_exclusive)
                      AND NOT (se.section_id = ANY (p.absent_sections)))`
          } END AS period_absent
      FROM per_day p
      OFFSET 0 -- a fence: period_absent is read three times below and must be computed once
    ), chosen AS (
      SELECT f.*,
        CASE WHEN daily_key IS NOT NULL THEN daily_key / 20000 WHEN period_absent THEN 1000 ELSE 0 END AS missed,
        CASE WHEN daily_key IS NOT NULL THEN (daily_key / 2000) % 10
          WHEN period_absent THEN CASE WHEN section_oss THEN 3 WHEN section_excused_only THEN 1 ELSE 2 END END AS rank,
        CASE WHEN daily_key IS NOT NULL THEN daily_key % 2000 WHEN period_absent THEN day_minutes ELSE 0 END AS missed_minutes
      FROM from_periods f
    ), counted AS (
      SELECT c.*, ${kindCounts} AS counts,
        CASE WHEN NOT ${kindCounts} THEN 0
          WHEN ${rules.partialDays === 'sum'}::boolean THEN missed
          WHEN missed >= ${halfDayMilli}::int THEN 1000 ELSE 0 END AS absent_milli
      FROM chosen c
    )
    SELECT student_id, school_id, date, calendar_id, day_index, ordinal, weekday, near_break, day_minutes,
      absent_milli, absent_milli = 1000 AS whole, tardy, early_departure,
      least(day_minutes, CASE WHEN counts THEN missed_minutes ELSE 0 END
        + CASE WHEN ${rules.tardyMinutesCount}::boolean THEN tardy_minutes ELSE 0 END) AS minutes_missed,
      rank AS kind_rank,
      CASE WHEN absent_milli < 1000 THEN absent_sections END AS skipped_sections
    FROM counted`.execute(trx);
  await sql`UPDATE _days SET kind_rank = NULL WHERE absent_milli = 0 AND minutes_missed = 0`.execute(trx);
  await sql`ANALYZE _days`.execute(trx);

  // Per student and school.
  const measure = (prefix: string) => ({
    missed: hours ? sql.ref(`${prefix}.minutes_missed`) : sql.ref(`${prefix}.absent_milli`),
    expected: hours
      ? sql.ref(`${prefix}.minutes_scheduled`)
      : sql`${sql.ref(`${prefix}.days_enrolled`)} * 1000`,
  });
  /** A grade's minimum instructional minutes a year ('hours' measure), NULL without one. */
  const minimumOf = (grade: RawBuilder<unknown>) => sql`((${minimumHours}::jsonb ->> ${grade})::int * 60)`;
  const judged = (prefix: string): RawBuilder<unknown> => {
    const { missed, expected } = measure(prefix);
    const col = (name: string) => sql.ref(`${prefix}.${name}`);
    const minimum = minimumOf(col('grade_level'));
    const eligible = sql`(${col('days_enrolled')} >= ${profile.eligibility.minDaysEnrolled}::int
      AND ${col('days_attended')} >= ${profile.eligibility.minDaysAttended}::int
      AND (${grades}::json IS NULL OR ${col('grade_level')} IN (SELECT json_array_elements_text(${grades}::json)))
      AND (NOT ${hours}::boolean OR ${minimum} IS NOT NULL))`;
    const chronicNow = hours
      ? sql`coalesce(${thresholdMilli}::int IS NOT NULL AND ${col('minutes_missed')}::bigint * 1000 >= ${thresholdMilli}::bigint * ${minimum}, false)`
      : sql`((${thresholdMilli}::int IS NOT NULL AND ${col('days_enrolled')} > 0
            AND ${col('absent_milli')}::bigint >= ${thresholdMilli}::bigint * ${col('days_enrolled')})
          OR (${countMilli}::int IS NOT NULL AND ${col('absent_milli')} >= ${countMilli}::int))`;
    return sql`${eligible} AS eligible,
      CASE WHEN ${eligible} THEN ${chronicNow} END AS chronic,
      CASE WHEN ${expected} > 0 THEN ${missed}::float8 / (${expected})::float8 ELSE 0 END AS rate,
      CASE WHEN ${expected} > 0 AND ${missed}::bigint * 5 >= ${expected} THEN 'severe_chronic'
        WHEN ${expected} > 0 AND ${missed}::bigint * 10 >= ${expected} THEN 'moderate_chronic'
        WHEN ${expected} > 0 AND ${missed}::bigint * 20 >= ${expected} THEN 'at_risk'
        ELSE 'satisfactory' END AS tier`;
  };
  await sql`CREATE TEMP TABLE _school ON COMMIT DROP AS
    WITH enrolled AS (
      SELECT student_id, school_id, sum(days)::int AS days_enrolled, sum(minutes)::int AS minutes_scheduled
      FROM _spans GROUP BY student_id, school_id
    ), missed AS (
      SELECT student_id, school_id, sum(absent_milli)::int AS absent_milli,
        coalesce(sum(absent_milli) FILTER (WHERE kind_rank = 1), 0)::int AS excused_milli,
        coalesce(sum(absent_milli) FILTER (WHERE kind_rank = 2), 0)::int AS unexcused_milli,
        coalesce(sum(absent_milli) FILTER (WHERE kind_rank = 3), 0)::int AS oss_milli,
        count(*) FILTER (WHERE whole)::int AS whole_days,
        count(*) FILTER (WHERE tardy)::int AS tardies,
        count(*) FILTER (WHERE early_departure)::int AS early_departures,
        sum(minutes_missed)::int AS minutes_missed
      FROM _days GROUP BY student_id, school_id
    ), runs AS (
      SELECT student_id, school_id, max(length)::int AS longest_run FROM (
        SELECT student_id, school_id, count(*) AS length FROM (
          SELECT student_id, school_id, calendar_id,
            ordinal - row_number() OVER (PARTITION BY student_id, school_id, calendar_id ORDER BY ordinal) AS run
          FROM _days WHERE whole
        ) w GROUP BY student_id, school_id, calendar_id, run
      ) r GROUP BY student_id, school_id
    ), combined AS (
      SELECT e.student_id, e.school_id, r.grade_level, e.days_enrolled,
        coalesce(m.absent_milli, 0) AS absent_milli, coalesce(m.excused_milli, 0) AS excused_milli,
        coalesce(m.unexcused_milli, 0) AS unexcused_milli, coalesce(m.oss_milli, 0) AS oss_milli,
        e.days_enrolled - coalesce(m.whole_days, 0) AS days_attended,
        coalesce(m.tardies, 0) AS tardies, coalesce(m.early_departures, 0) AS early_departures,
        e.minutes_scheduled, coalesce(m.minutes_missed, 0) AS minutes_missed,
        coalesce(runs.longest_run, 0) AS longest_run
      FROM enrolled e
      JOIN _requested r ON r.student_id = e.student_id
      LEFT JOIN missed m ON m.student_id = e.student_id AND m.school_id = e.school_id
      LEFT JOIN runs ON runs.student_id = e.student_id AND runs.school_id = e.school_id
    )
    SELECT c.*, ${judged('c')} FROM combined c`.execute(trx);

  // Per student, in total, with the signal, projection, patterns and statutory figures.
  const { ohio, connecticut } = profile.statutory;
  const r = 0.5 ** (1 / RECENT_HALF_LIFE);
  const inserted = await sql`INSERT INTO student_attendance (
      district_id, school_year_id, student_id, school_id, grade_level, as_of, profile_key,
      days_enrolled, absent_milli, excused_milli, unexcused_milli, oss_milli, days_attended, tardies,
      early_departures, minutes_scheduled, minutes_missed, rate, eligible, chronic, tier, longest_run,
      early_signal_month, remaining_days, projected_current, projected_recent, on_track,
      pattern_weekday, pattern_around_breaks, skipped_section_id, skipped_section_days, trend,
      oh_unexcused_minutes_year, oh_unexcused_minutes_max_month, oh_unexcused_minutes_consecutive,
      oh_habitual_truant, oh_notice_due,
      ct_unexcused_days_year, ct_unexcused_days_max_month, ct_truant, ct_habitual_truant)
    WITH totals AS (
      SELECT s.student_id, min(s.grade_level) AS grade_level,
        sum(days_enrolled)::int AS days_enrolled, sum(absent_milli)::int AS absent_milli,
        sum(excused_milli)::int AS excused_milli, sum(unexcused_milli)::int AS unexcused_milli,
        sum(oss_milli)::int AS oss_milli, sum(days_attended)::int AS days_attended,
        sum(tardies)::int AS tardies, sum(early_departures)::int AS early_departures,
        sum(minutes_scheduled)::int AS minutes_scheduled, sum(minutes_missed)::int AS minutes_missed,
        max(longest_run)::int AS longest_run
      FROM _school s GROUP BY s.student_id
    ), judged AS (
      SELECT t.*, ${judged('t')} FROM totals t
    ), latest AS (
      SELECT DISTINCT ON (student_id) student_id, school_id, calendar_id, entry_date, end_date
      FROM _raw_spans ORDER BY student_id, entry_date DESC, end_date DESC, school_id
    ), remaining AS (
      SELECT l.student_id, l.school_id,
        CASE WHEN l.end_date > ${asOf}::date THEN coalesce(h.ord - lo.ord, 0) ELSE 0 END::int AS remaining_days
      FROM latest l
      LEFT JOIN _bounds b ON b.calendar_id = l.calendar_id
      LEFT JOIN _cal lo ON lo.calendar_id = l.calendar_id
        AND lo.date = least(greatest(${asOf}::date, l.entry_date, b.first_day), b.last_day + 1)
      LEFT JOIN _cal h ON h.calendar_id = l.calendar_id
        AND h.date = greatest(least(l.end_date, b.last_day + 1), least(greatest(${asOf}::date, l.entry_date, b.first_day), b.last_day + 1))
    ), first_day AS (
      SELECT student_id, min(first_date) AS first_date FROM _spans WHERE days > 0 GROUP BY student_id
    ), months AS (
      SELECT x.student_id, x.month, sum(x.absent_milli) AS milli FROM (
        SELECT dd.student_id, dd.absent_milli,
          CASE WHEN dd.date < (f.first_date + make_interval(months => k.k0))::date THEN k.k0 ELSE k.k0 + 1 END AS month
        FROM _days dd
        JOIN first_day f ON f.student_id = dd.student_id
        CROSS JOIN LATERAL (SELECT ((extract(year FROM dd.date) - extract(year FROM f.first_date)) * 12
          + extract(month FROM dd.date) - extract(month FROM f.first_date))::int AS k0) k
        WHERE dd.absent_milli > 0
      ) x GROUP BY x.student_id, x.month
    ), signal AS (
      SELECT student_id, min(month) AS early_signal_month FROM (
        SELECT student_id, month, sum(milli) OVER (PARTITION BY student_id ORDER BY month) AS cumulative FROM months
      ) c WHERE cumulative >= 2000 * month GROUP BY student_id
    ), day_stats AS (
      SELECT dd.student_id,
        sum(${hours ? sql`dd.minutes_missed` : sql`dd.absent_milli`}
          * power(0.5::float8, (t.days_enrolled - 1 - dd.day_index)::float8 / ${RECENT_HALF_LIFE}::float8)) AS weighted,
        count(*) FILTER (WHERE dd.whole AND dd.day_index >= t.days_enrolled - ${RECENT_DAYS}::int) AS recent_absent,
        count(*) FILTER (WHERE dd.whole AND dd.near_break) AS near_absent,
        ${sql.join([1, 2, 3, 4, 5, 6, 7].map((w) => sql`count(*) FILTER (WHERE dd.whole AND dd.weekday = ${sql.lit(w)}) AS ${sql.ref(`m${w}`)}`))}
      FROM _days dd JOIN totals t ON t.student_id = dd.student_id
      GROUP BY dd.student_id
    ), span_stats AS (
      SELECT student_id, sum(near_days)::int AS near_days,
        ${sql.join([1, 2, 3, 4, 5, 6, 7].map((w) => sql`sum(${sql.ref(`w${w}`)})::int AS ${sql.ref(`e${w}`)}`))}
      FROM _spans GROUP BY student_id
    ), weekday_pattern AS (
      SELECT t.student_id, (
        SELECT v.weekday FROM (VALUES
          ${sql.join([1, 2, 3, 4, 5, 6, 7].map((w) => sql`(${sql.lit(w)}, ${sql.ref(`ds.m${w}`)}, ${sql.ref(`ss.e${w}`)})`))}
        ) AS v(weekday, missed, days)
        WHERE v.missed >= 3 AND v.days > 0
          AND v.missed::bigint * (t.days_enrolled - v.days) >= 2 * (t.days_enrolled - t.days_attended - v.missed)::bigint * v.days
        ORDER BY v.missed::numeric / v.days DESC, v.weekday
        LIMIT 1
      ) AS pattern_weekday
      FROM totals t JOIN day_stats ds ON ds.student_id = t.student_id JOIN span_stats ss ON ss.student_id = t.student_id
    ), skipped AS (
      SELECT DISTINCT ON (student_id) student_id, section_id, days FROM (
        SELECT dd.student_id, u.section_id, count(*)::int AS days
        FROM _days dd CROSS JOIN LATERAL unnest(dd.skipped_sections) AS u(section_id)
        GROUP BY dd.student_id, u.section_id
      ) s WHERE days >= 3 ORDER BY student_id, days DESC, section_id
    ), unexcused AS (
      SELECT student_id, sum(minutes_missed)::int AS minutes, count(*) FILTER (WHERE whole)::int AS days
      FROM _days WHERE kind_rank = 2 GROUP BY student_id
    ), unexcused_month AS (
      SELECT student_id, max(minutes)::int AS minutes, max(days)::int AS days FROM (
        SELECT student_id, sum(minutes_missed) AS minutes, count(*) FILTER (WHERE whole) AS days
        FROM _days WHERE kind_rank = 2 GROUP BY student_id, date_trunc('month', date)
      ) m GROUP BY student_id
    ), unexcused_run AS (
      SELECT student_id, max(minutes)::int AS minutes FROM (
        SELECT student_id, sum(minutes_missed) AS minutes FROM (
          SELECT student_id, school_id, calendar_id, minutes_missed,
            ordinal - row_number() OVER (PARTITION BY student_id, school_id, calendar_id ORDER BY ordinal) AS run
          FROM _days WHERE kind_rank = 2 AND whole
        ) w GROUP BY student_id, school_id, calendar_id, run
      ) r GROUP BY student_id
    ), projected AS (
      SELECT j.*, rm.school_id, coalesce(rm.remaining_days, 0) AS remaining_days, sg.early_signal_month,
        ${hours ? sql`j.minutes_missed` : sql`j.absent_milli`}::bigint AS missed,
        coalesce(ds.weighted, 0) AS weighted,
        CASE WHEN j.days_enrolled > 0 THEN (1 - power(${r}::float8, j.days_enrolled)) / (1 - ${r}::float8) ELSE 0 END AS weight,
        coalesce(ds.recent_absent, 0) AS recent_absent, coalesce(ds.near_absent, 0) AS near_absent,
        coalesce(ss.near_days, 0) AS near_days, wp.pattern_weekday,
        sk.section_id AS skipped_section_id, sk.days AS skipped_section_days,
        ux.minutes AS unexcused_minutes, ux.days AS unexcused_days,
        um.minutes AS unexcused_month_minutes, um.days AS unexcused_month_days, ur.minutes AS unexcused_run_minutes
      FROM judged j
      JOIN remaining rm ON rm.student_id = j.student_id
      LEFT JOIN signal sg ON sg.student_id = j.student_id
      LEFT JOIN day_stats ds ON ds.student_id = j.student_id
      LEFT JOIN span_stats ss ON ss.student_id = j.student_id
      LEFT JOIN weekday_pattern wp ON wp.student_id = j.student_id
      LEFT JOIN skipped sk ON sk.student_id = j.student_id
      LEFT JOIN unexcused ux ON ux.student_id = j.student_id
      LEFT JOIN unexcused_month um ON um.student_id = j.student_id
      LEFT JOIN unexcused_run ur ON ur.student_id = j.student_id
    ), paced AS (
      SELECT p.*,
        CASE WHEN days_enrolled > 0 THEN missed + (missed * remaining_days)::float8 / days_enrolled ELSE 0 END AS at_current,
        missed + CASE WHEN weight > 0 THEN weighted / weight ELSE 0 END * remaining_days AS at_recent,
        days_enrolled + remaining_days AS year_days,
        least(${RECENT_DAYS}::int, days_enrolled) AS recent_days,
        days_enrolled - least(${RECENT_DAYS}::int, days_enrolled) AS prior_days,
        days_enrolled - days_attended - recent_absent AS prior_absent
      FROM projected p
    )
    SELECT ${d}, ${y}, p.student_id, p.school_id, p.grade_level, ${asOf}::date, ${profile.key},
      p.days_enrolled, p.absent_milli, p.excused_milli, p.unexcused_milli, p.oss_milli, p.days_attended, p.tardies,
      p.early_departures, p.minutes_scheduled, p.minutes_missed, p.rate, p.eligible, p.chronic, p.tier, p.longest_run,
      p.early_signal_month, p.remaining_days,
      p.at_current / ${hours ? 60 : MILLI}::float8, p.at_recent / ${hours ? 60 : MILLI}::float8,
      p.eligible AND (
        ${
          hours
            ? sql`coalesce(${thresholdMilli}::int IS NOT NULL AND p.days_enrolled > 0
                  AND p.missed * p.year_days * 1000 >= ${thresholdMilli}::bigint * ${minimumOf(sql.ref('p.grade_level'))} * p.days_enrolled, false)
                OR coalesce(${thresholdMilli}::int IS NOT NULL AND p.at_recent * 1000 >= ${thresholdMilli}::float8 * ${minimumOf(sql.ref('p.grade_level'))}, false)`
            : sql`(p.days_enrolled > 0 AND (
                  (${thresholdMilli}::int IS NOT NULL AND p.missed >= ${thresholdMilli}::bigint * p.days_enrolled)
                  OR (${countMilli}::int IS NOT NULL AND p.missed * p.year_days >= ${countMilli}::bigint * p.days_enrolled)))
                OR (${thresholdMilli}::int IS NOT NULL AND p.year_days > 0 AND p.at_recent >= ${thresholdMilli}::float8 * p.year_days)
                OR (${countMilli}::int IS NOT NULL AND p.at_recent >= ${countMilli}::float8)`
        }
      ),
      p.pattern_weekday,
      p.near_absent >= 2 AND p.near_days > 0
        AND p.near_absent::bigint * (p.days_enrolled - p.near_days) >= 2 * (p.days_enrolled - p.days_attended - p.near_absent)::bigint * p.near_days,
      p.skipped_section_id, p.skipped_section_days,
      CASE WHEN p.prior_days >= ${RECENT_DAYS}::int THEN
        CASE WHEN p.recent_absent >= 3
            AND 10 * (p.recent_absent::bigint * p.prior_days - p.prior_absent::bigint * p.recent_days) >= p.recent_days::bigint * p.prior_days
          THEN 'worsening'
          WHEN p.prior_absent >= 3
            AND -10 * (p.recent_absent::bigint * p.prior_days - p.prior_absent::bigint * p.recent_days) >= p.recent_days::bigint * p.prior_days
          THEN 'improving' END END,
      ${
        ohio
          ? sql`coalesce(p.unexcused_minutes, 0), coalesce(p.unexcused_month_minutes, 0), coalesce(p.unexcused_run_minutes, 0),
              coalesce(p.unexcused_run_minutes, 0) >= ${ohio.consecutiveHours * 60}::int
                OR coalesce(p.unexcused_month_minutes, 0) >= ${ohio.monthHours * 60}::int
                OR coalesce(p.unexcused_minutes, 0) >= ${ohio.yearHours * 60}::int,
              coalesce(p.unexcused_minutes, 0) >= ${ohio.noticeHours * 60}::int`
          : sql`NULL::int, NULL::int, NULL::int, NULL::boolean, NULL::boolean`
      },
      ${
        connecticut
          ? sql`coalesce(p.unexcused_days, 0), coalesce(p.unexcused_month_days, 0),
              coalesce(p.unexcused_month_days, 0) >= ${connecticut.truantMonth}::int
                OR coalesce(p.unexcused_days, 0) >= ${connecticut.truantYear}::int,
              coalesce(p.unexcused_days, 0) >= ${connecticut.habitualYear}::int`
          : sql`NULL::int, NULL::int, NULL::boolean, NULL::boolean`
      }
    FROM paced p`.execute(trx);

  await sql`INSERT INTO student_school_attendance (
      district_id, school_year_id, student_id, school_id, days_enrolled, absent_milli, excused_milli,
      unexcused_milli, oss_milli, days_attended, tardies, early_departures, minutes_scheduled, minutes_missed,
      rate, eligible, chronic, tier, longest_run)
    SELECT ${d}, ${y}, student_id, school_id, days_enrolled, absent_milli, excused_milli,
      unexcused_milli, oss_milli, days_attended, tardies, early_departures, minutes_scheduled, minutes_missed,
      rate, eligible, chronic, tier, longest_run
    FROM _school`.execute(trx);

  if (scope.recordHistory) {
    await sql`INSERT INTO student_attendance_history (
        district_id, student_id, as_of, school_year_id, days_enrolled, absent_milli, minutes_missed, rate, tier, chronic, on_track)
      SELECT t.district_id, t.student_id, t.as_of, t.school_year_id, t.days_enrolled, t.absent_milli, t.minutes_missed,
        t.rate, t.tier, t.chronic, t.on_track
      FROM _requested r
      JOIN student_attendance t ON t.district_id = ${d} AND t.school_year_id = ${y} AND t.student_id = r.student_id
      ON CONFLICT (district_id, student_id, as_of) DO UPDATE SET
        school_year_id = excluded.school_year_id, days_enrolled = excluded.days_enrolled,
        absent_milli = excluded.absent_milli, minutes_missed = excluded.minutes_missed, rate = excluded.rate,
        tier = excluded.tier, chronic = excluded.chronic, on_track = excluded.on_track`.execute(trx);
  }
  await sql`DELETE FROM attendance_refresh_queue q
    WHERE q.district_id = ${d} AND q.student_id IN (SELECT student_id FROM _requested)`.execute(trx);

  const written = Number(inserted.numAffectedRows ?? 0);
  const removed = Math.max(0, Number(deleted.numAffectedRows ?? 0) - written);
  return { students: written, removed };
}
