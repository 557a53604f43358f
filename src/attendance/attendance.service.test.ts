/**
 * The dates a history is backfilled on: monthly from the first school day, weekly over the
 * last six weeks, always ending with the as-of date.
 */
import { describe, expect, it } from 'vitest';
import { historyDates } from './attendance.service.ts';

describe('historyDates', () => {
  it('is monthly from a month after the first day, then weekly over the last six weeks', () => {
    expect(historyDates('2026-08-31', '2026-12-15')).toEqual([
      '2026-09-30', // 31 August + 1 month, clamped as PostgreSQL does
      '2026-10-31',
      '2026-11-03', // 15 December − 6 weeks
      '2026-11-10',
      '2026-11-17',
      '2026-11-24',
      '2026-11-30',
      '2026-12-01',
      '2026-12-08',
      '2026-12-15',
    ]);
  });

  it('takes a fixed step when asked, and is only the as-of date on the first days', () => {
    expect(historyDates('2026-09-01', '2026-09-30', 7)).toEqual([
      '2026-09-08',
      '2026-09-15',
      '2026-09-22',
      '2026-09-29',
      '2026-09-30',
    ]);
    expect(historyDates('2026-09-01', '2026-09-02')).toEqual(['2026-09-02']);
  });
});
