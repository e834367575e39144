import { describe, expect, it } from 'vitest';
import { filterTime } from './time-bound.ts';

describe('filterTime', () => {
  it('keeps an ordinary time and clamps year 0000 and years past 9999 into what PostgreSQL reads', () => {
    expect(filterTime(new Date('2026-11-30T08:00:00+08:00'))).toBe('2026-11-30T00:00:00.000Z');
    expect(filterTime('0000-01-01T00:00:00Z')).toBe('0001-01-02T00:00:00.000Z');
    expect(filterTime('0001-01-01T00:00:00+14:00')).toBe('0001-01-02T00:00:00.000Z');
    expect(filterTime(Date.parse('9999-12-31T23:59:59Z') + 90 * 86_400_000)).toBe('9999-12-30T00:00:00.000Z');
    expect(() => filterTime('yesterday')).toThrow(RangeError);
  });
});
