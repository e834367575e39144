// Calendar arithmetic in the street's zone, which decides what "today" and "this week" are.
import { describe, expect, it } from 'vitest';
import { addDays, dateOf, dayStart, isoInZone, isWeekend, weekMonday } from './clock.ts';

describe('simulator clock (Asia/Shanghai)', () => {
  const tz = 'Asia/Shanghai';
  it('starts a day at local midnight and names the local date', () => {
    expect(new Date(dayStart('2026-11-25', tz)).toISOString()).toBe('2026-11-24T16:00:00.000Z');
    expect(dateOf(Date.parse('2026-11-24T16:00:00Z'), tz)).toBe('2026-11-25');
    expect(dateOf(Date.parse('2026-11-24T15:59:59Z'), tz)).toBe('2026-11-24');
  });
  it('writes times with the zone offset', () => {
    expect(isoInZone(Date.parse('2026-11-25T04:05:06Z'), tz)).toBe('2026-11-25T12:05:06+08:00');
    expect(Date.parse(isoInZone(1_780_000_000_000, tz))).toBe(1_780_000_000_000);
  });
  it('walks days, weekends and ISO weeks', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(isWeekend('2026-11-28')).toBe(true);
    expect(isWeekend('2026-11-27')).toBe(false);
    expect(weekMonday('2026-11-29')).toBe('2026-11-23');
    expect(weekMonday('2026-11-23')).toBe('2026-11-23');
  });
  it('handles a zone with daylight saving', () => {
    // Berlin springs forward on 2026-03-29: that day starts at 23:00 UTC the evening before.
    expect(new Date(dayStart('2026-03-29', 'Europe/Berlin')).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(new Date(dayStart('2026-03-30', 'Europe/Berlin')).toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });
});
