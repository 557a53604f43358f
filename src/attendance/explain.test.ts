/**
 * "Why is this student flagged?" in words, with the numbers behind each reason.
 */
import { describe, expect, it } from 'vitest';
import { DEFINITION_PROFILES, type DefinitionProfile } from './definition-profiles.ts';
import { explainFigures, type StoredFigures } from './explain.ts';

const federal = DEFINITION_PROFILES.federal as DefinitionProfile;
const ohio = DEFINITION_PROFILES.ohio as DefinitionProfile;

const base: StoredFigures = {
  days_enrolled: 60,
  absent_milli: 3_000,
  excused_milli: 3_000,
  unexcused_milli: 0,
  oss_milli: 0,
  minutes_missed: 1_080,
  minutes_scheduled: 21_600,
  tardies: 0,
  rate: 0.05,
  eligible: true,
  chronic: false,
  tier: 'at_risk',
  longest_run: 1,
  early_signal_month: null,
  remaining_days: 120,
  projected_current: 9,
  projected_recent: 9,
  on_track: false,
  pattern_weekday: null,
  pattern_around_breaks: false,
  skipped_section_days: null,
  trend: null,
  oh_unexcused_minutes_year: null,
  oh_unexcused_minutes_max_month: null,
  oh_unexcused_minutes_consecutive: null,
  oh_habitual_truant: null,
  oh_notice_due: null,
  ct_unexcused_days_year: null,
  ct_unexcused_days_max_month: null,
  ct_truant: null,
  ct_habitual_truant: null,
};

describe('explainFigures', () => {
  it('states the rate and tier, and flags nothing for a student at risk but not on track', () => {
    const explanation = explainFigures(base, federal);
    expect(explanation.flagged).toBe(false);
    expect(explanation.reasons).toEqual([
      {
        code: 'rate',
        text: 'Missed 3 days of 60 school days enrolled (5.0%): 3 days excused. Tier: at risk (5% to under 10%).',
      },
    ]);
  });

  it('explains chronic absence, the projection, the early signal and each pattern', () => {
    const explanation = explainFigures(
      {
        ...base,
        absent_milli: 6_500,
        excused_milli: 2_000,
        unexcused_milli: 4_500,
        rate: 6.5 / 60,
        chronic: true,
        tier: 'moderate_chronic',
        longest_run: 3,
        early_signal_month: 2,
        pattern_weekday: 1,
        pattern_around_breaks: true,
        skipped_section_days: 4,
        trend: 'worsening',
      },
      federal,
      'Algebra I',
    );
    expect(explanation.flagged).toBe(true);
    expect(explanation.reasons.map((reason) => reason.code)).toEqual([
      'rate',
      'chronic',
      'early_signal',
      'run',
      'weekday',
      'around_breaks',
      'skipped_section',
      'worsening',
    ]);
    const text = explanation.reasons.map((reason) => reason.text).join('\n');
    expect(text).toContain(
      'Missed 6.5 days of 60 school days enrolled (10.8%): 2 days excused, 4.5 days unexcused.',
    );
    expect(text).toContain('4 or more absences by the end of the second month');
    expect(text).toContain('Misses Mondays at least twice as often');
    expect(text).toContain('Missed Algebra I on 4 days while at school.');
  });

  it('says when a student is on track to be chronic, with the recent pace when it differs', () => {
    const explanation = explainFigures(
      { ...base, on_track: true, projected_current: 17.5, projected_recent: 21 },
      federal,
    );
    expect(explanation.flagged).toBe(true);
    expect(explanation.reasons[1]?.text).toBe(
      'On track to be chronically absent: at this pace about 17.5 days by the last day of school (120 school days left); at the pace of recent weeks, about 21.0.',
    );
  });

  it('speaks in hours under Ohio and names the habitual truancy thresholds', () => {
    const explanation = explainFigures(
      {
        ...base,
        oh_unexcused_minutes_year: 73 * 60,
        oh_unexcused_minutes_max_month: 30 * 60,
        oh_unexcused_minutes_consecutive: 12 * 60,
        oh_habitual_truant: true,
        oh_notice_due: true,
      },
      ohio,
    );
    expect(explanation.reasons[0]?.text).toBe(
      'Missed 18 hours of 360 hours scheduled (5.0%): 3 days excused. Tier: at risk (5% to under 10%).',
    );
    expect(explanation.reasons.at(-1)?.text).toBe(
      'Habitually truant under Ohio law (ORC 2151.011): 12 hours consecutive, 30 hours in one month and 73 hours this year without excuse (thresholds 30, 42 and 72 hours).',
    );
  });

  it('says why a student is not yet counted', () => {
    const dashboard = DEFINITION_PROFILES.california_dashboard as DefinitionProfile;
    const explanation = explainFigures({ ...base, eligible: false, chronic: null }, dashboard);
    expect(explanation.reasons[1]).toEqual({
      code: 'not_eligible',
      text: `Not yet counted under California School Dashboard: ${dashboard.source}`,
    });
  });
});
