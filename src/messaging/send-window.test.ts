import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  earliestSendTime,
  endOfLocalDay,
  isWithinSendWindow,
  type SendWindowRules,
  zonedInstant,
} from './send-window.ts';

const newYork: SendWindowRules = {
  timeZone: 'America/New_York',
  quietStart: '08:00',
  quietEnd: '21:00',
  schoolDayStart: '07:30',
  schoolDayEnd: '15:30',
};

describe('zonedInstant', () => {
  it('turns wall-clock times into instants on both sides of daylight saving', () => {
    // New York: EST is UTC-5, EDT is UTC-4; clocks went back on 2026-11-01 and go forward on 2027-03-14.
    expect(zonedInstant('2026-10-31', 8 * 60, 'America/New_York').toISOString()).toBe(
      '2026-10-31T12:00:00.000Z',
    );
    expect(zonedInstant('2026-11-02', 8 * 60, 'America/New_York').toISOString()).toBe(
      '2026-11-02T13:00:00.000Z',
    );
    expect(zonedInstant('2027-03-15', 8 * 60, 'America/New_York').toISOString()).toBe(
      '2027-03-15T12:00:00.000Z',
    );
    // Phoenix keeps standard time all year; Honolulu is UTC-10; Guam is east of the date line.
    expect(zonedInstant('2027-07-01', 8 * 60, 'America/Phoenix').toISOString()).toBe(
      '2027-07-01T15:00:00.000Z',
    );
    expect(zonedInstant('2027-01-05', 21 * 60, 'Pacific/Honolulu').toISOString()).toBe(
      '2027-01-06T07:00:00.000Z',
    );
    expect(zonedInstant('2027-01-05', 8 * 60, 'Pacific/Guam').toISOString()).toBe('2027-01-04T22:00:00.000Z');
  });

  it('moves a time skipped by the spring change past the gap', () => {
    expect(zonedInstant('2027-03-14', 2 * 60 + 30, 'America/New_York').toISOString()).toBe(
      '2027-03-14T07:30:00.000Z',
    );
  });
});

describe('endOfLocalDay', () => {
  it('ends the family day at local midnight, also on the 25-hour day when clocks go back', () => {
    expect(endOfLocalDay(new Date('2026-11-23T20:00:00Z'), 'America/New_York').toISOString()).toBe(
      '2026-11-24T05:00:00.000Z',
    );
    expect(endOfLocalDay(new Date('2026-11-24T03:00:00Z'), 'America/New_York').toISOString()).toBe(
      '2026-11-24T05:00:00.000Z',
    );
    expect(endOfLocalDay(new Date('2026-11-01T12:00:00Z'), 'America/New_York').toISOString()).toBe(
      '2026-11-02T05:00:00.000Z',
    );
    expect(endOfLocalDay(new Date('2026-11-23T20:00:00Z'), 'Pacific/Honolulu').toISOString()).toBe(
      '2026-11-24T10:00:00.000Z',
    );
  });
});

describe('earliestSendTime', () => {
  it('holds a non-urgent message sent at night until 8:00 the next morning in the family zone', () => {
    // 22:30 in New York on 2026-11-23 (03:30 UTC on the 24th).
    const now = new Date('2026-11-24T03:30:00Z');
    expect(earliestSendTime(now, 'general', newYork).toISOString()).toBe('2026-11-24T13:00:00.000Z');
  });

  it('sends at once inside quiet hours, and the same instant in another zone may have to wait', () => {
    const now = new Date('2026-11-23T14:00:00Z'); // 9:00 in New York, 6:00 in Los Angeles
    expect(earliestSendTime(now, 'general', newYork)).toEqual(now);
    const la = { ...newYork, timeZone: 'America/Los_Angeles' };
    expect(earliestSendTime(now, 'general', la).toISOString()).toBe('2026-11-23T16:00:00.000Z');
  });

  it('lets a same-day absence alert go during school hours before 8:00, but not at 7:00', () => {
    const at0745 = new Date('2026-11-23T12:45:00Z');
    expect(earliestSendTime(at0745, 'attendance_alert', newYork)).toEqual(at0745);
    expect(earliestSendTime(at0745, 'general', newYork).toISOString()).toBe('2026-11-23T13:00:00.000Z');
    const at0700 = new Date('2026-11-23T12:00:00Z');
    expect(earliestSendTime(at0700, 'attendance_alert', newYork).toISOString()).toBe(
      '2026-11-23T12:30:00.000Z',
    );
  });

  it('follows the wall clock across the autumn and spring changes', () => {
    // The evening before the autumn change (EDT) and the morning after (EST): 8:00 local each time.
    expect(earliestSendTime(new Date('2026-11-01T02:00:00Z'), 'general', newYork).toISOString()).toBe(
      '2026-11-01T13:00:00.000Z',
    );
    expect(earliestSendTime(new Date('2027-03-14T03:00:00Z'), 'general', newYork).toISOString()).toBe(
      '2027-03-14T12:00:00.000Z',
    );
  });

  it("keeps to the contact's own window inside quiet hours, and falls back when it cannot", () => {
    const evenings = { ...newYork, contactWindow: { start: '18:00', end: '23:00' } };
    const noon = new Date('2026-11-23T17:00:00Z');
    expect(earliestSendTime(noon, 'general', evenings).toISOString()).toBe('2026-11-23T23:00:00.000Z');
    const at2030 = new Date('2026-11-24T01:30:00Z');
    expect(earliestSendTime(at2030, 'general', evenings)).toEqual(at2030);
    const nights = { ...newYork, contactWindow: { start: '22:00', end: '23:30' } };
    expect(earliestSendTime(noon, 'general', nights)).toEqual(noon);
    // The preferred window does not hold back an absence alert.
    expect(earliestSendTime(noon, 'attendance_alert', evenings)).toEqual(noon);
  });

  it('answers a family at once whatever the hour', () => {
    const midnight = new Date('2026-11-24T05:00:00Z');
    expect(earliestSendTime(midnight, 'reply', newYork)).toEqual(midnight);
  });

  it('never returns a time before now, and always a time inside the window (property)', () => {
    const zones = [
      'America/New_York',
      'America/Chicago',
      'America/Denver',
      'America/Phoenix',
      'America/Los_Angeles',
      'America/Anchorage',
      'Pacific/Honolulu',
      'America/Puerto_Rico',
    ];
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2026-01-01T00:00:00Z'),
          max: new Date('2028-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom(...zones),
        fc.constantFrom('attendance_alert' as const, 'general' as const),
        (now, timeZone, category) => {
          const rules = { ...newYork, timeZone };
          const when = earliestSendTime(now, category, rules);
          expect(when.getTime()).toBeGreaterThanOrEqual(now.getTime());
          expect(when.getTime() - now.getTime()).toBeLessThanOrEqual(24 * 3_600_000);
          expect(isWithinSendWindow(when, category, rules)).toBe(true);
        },
      ),
    );
  });
});
