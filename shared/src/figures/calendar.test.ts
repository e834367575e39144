import { describe, expect, it } from 'vitest';
import {
  dayKey, hourStart, instantOfWall, isoWeekKey, isoWithOffset, lastDayKeys, lastHourStarts, lastMonthKeys, monthKey,
  quarterKey, quarterKeysSoFar, startOfDay, startOfMonth, startOfNextDay, startOfWeek, startOfYear, yearKey,
} from './calendar.ts';

const SH = 'Asia/Shanghai';
const BER = 'Europe/Berlin';
const at = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

describe('calendar in Asia/Shanghai', () => {
  it('puts local midnight at 16:00 UTC the day before', () => {
    expect(dayKey(at('2026-11-24T15:59:59.999Z'), SH)).toBe('2026-11-24');
    expect(dayKey(at('2026-11-24T16:00:00.000Z'), SH)).toBe('2026-11-25');
    expect(startOfDay(at('2026-11-25T03:00:00Z'), SH)).toBe(at('2026-11-24T16:00:00Z'));
    expect(startOfNextDay(at('2026-11-25T03:00:00Z'), SH)).toBe(at('2026-11-25T16:00:00Z'));
  });

  it('rolls the year and month at local midnight', () => {
    expect(yearKey(at('2026-12-31T15:59:00Z'), SH)).toBe('2026');
    expect(yearKey(at('2026-12-31T16:00:00Z'), SH)).toBe('2027');
    expect(monthKey(at('2026-11-30T16:00:00Z'), SH)).toBe('2026-12');
    expect(startOfMonth(at('2026-12-15T00:00:00Z'), SH)).toBe(at('2026-11-30T16:00:00Z'));
    expect(startOfYear(at('2027-03-01T00:00:00Z'), SH)).toBe(at('2026-12-31T16:00:00Z'));
  });

  it('numbers ISO weeks Monday first, with week 1 holding the first Thursday', () => {
    expect(isoWeekKey(at('2026-11-22T15:59:00Z'), SH)).toBe('2026-W47'); // Sunday 23:59
    expect(isoWeekKey(at('2026-11-22T16:00:00Z'), SH)).toBe('2026-W48'); // Monday 00:00
    expect(isoWeekKey(at('2024-12-30T04:00:00Z'), SH)).toBe('2025-W01');
    expect(isoWeekKey(at('2021-01-03T04:00:00Z'), SH)).toBe('2020-W53');
    expect(isoWeekKey(at('2027-01-01T04:00:00Z'), SH)).toBe('2026-W53');
    expect(isoWeekKey(at('2027-01-04T04:00:00Z'), SH)).toBe('2027-W01');
    expect(startOfWeek(at('2026-11-25T03:00:00Z'), SH)).toBe(at('2026-11-22T16:00:00Z'));
  });

  it('formats hours and quarter hours on the wall clock', () => {
    expect(hourStart(at('2026-11-25T06:34:21Z'), SH)).toBe(at('2026-11-25T06:00:00Z'));
    expect(isoWithOffset(at('2026-11-25T06:00:00Z'), SH)).toBe('2026-11-25T14:00:00+08:00');
    expect(quarterKey(at('2026-11-25T06:44:59Z'), SH)).toBe('14:30');
    expect(quarterKeysSoFar(at('2026-11-24T16:20:00Z'), SH)).toEqual(['00:00', '00:15']);
    expect(quarterKeysSoFar(at('2026-11-25T15:59:00Z'), SH)).toHaveLength(96);
  });

  it('lists the windows oldest first', () => {
    const now = at('2026-03-01T02:00:00Z'); // 10:00 on 1 March
    expect(lastDayKeys(now, SH, 3)).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
    expect(lastMonthKeys(now, SH, 3)).toEqual(['2026-01', '2026-02', '2026-03']);
    const hours = lastHourStarts(now, SH, 24);
    expect(hours).toHaveLength(24);
    expect(hours[23]).toBe(at('2026-03-01T02:00:00Z'));
    expect(hours[0]).toBe(at('2026-02-28T03:00:00Z'));
  });
});

describe('calendar in Europe/Berlin across DST', () => {
  it('has a 23-hour day in spring and a 25-hour day in autumn', () => {
    const spring = at('2026-03-29T12:00:00Z');
    expect(startOfNextDay(spring, BER) - startOfDay(spring, BER)).toBe(23 * HOUR);
    const autumn = at('2026-10-25T12:00:00Z');
    expect(startOfDay(autumn, BER)).toBe(at('2026-10-24T22:00:00Z'));
    expect(startOfNextDay(autumn, BER)).toBe(at('2026-10-25T23:00:00Z'));
  });

  it('keeps the repeated hour as two hour starts with their own offsets', () => {
    expect(hourStart(at('2026-10-25T00:30:00Z'), BER)).toBe(at('2026-10-25T00:00:00Z'));
    expect(hourStart(at('2026-10-25T01:30:00Z'), BER)).toBe(at('2026-10-25T01:00:00Z'));
    expect(isoWithOffset(at('2026-10-25T00:00:00Z'), BER)).toBe('2026-10-25T02:00:00+02:00');
    expect(isoWithOffset(at('2026-10-25T01:00:00Z'), BER)).toBe('2026-10-25T02:00:00+01:00');
    const hours = lastHourStarts(at('2026-10-25T05:10:00Z'), BER, 24);
    for (let i = 1; i < hours.length; i++) expect((hours[i] as number) - (hours[i - 1] as number)).toBe(HOUR);
  });

  it('maps a skipped wall time to the first instant after the gap', () => {
    expect(instantOfWall(2026, 2, 29, BER, 2, 30)).toBe(at('2026-03-29T01:30:00Z'));
    expect(instantOfWall(2026, 2, 29, BER, 4, 0)).toBe(at('2026-03-29T02:00:00Z'));
    expect(dayKey(at('2026-03-28T23:00:00Z'), BER)).toBe('2026-03-29');
    expect(dayKey(at('2026-03-28T22:59:59Z'), BER)).toBe('2026-03-28');
  });
});
