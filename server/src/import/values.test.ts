import { describe, expect, it } from 'vitest';
import { halfWidth, readDateTime, readNumber, readSeconds } from './values.ts';

const SH = { timeZone: 'Asia/Shanghai' };

describe('cell values as Chinese spreadsheets write them', () => {
  it('reads every date form to the same instant (street time, no offset in the file)', () => {
    const want = '2024-03-05T00:30:00.000Z'; // 08:30 in Chongqing
    for (const text of ['2024/3/5 8:30', '2024-03-05 08:30:00', '2024年3月5日 8时30分', '2024年3月5日 08:30', '2024.3.5 8:30', '２０２４/３/５ ８:３０', '2024-03-05T08:30']) {
      expect(readDateTime(text, SH), text).toEqual({ ok: true, value: want });
    }
    expect(readDateTime('2024/3/5', SH)).toEqual({ ok: true, value: '2024-03-04T16:00:00.000Z' });
    expect(readDateTime('2024年3月5日', SH)).toEqual({ ok: true, value: '2024-03-04T16:00:00.000Z' });
    expect(readDateTime('20240305', SH)).toEqual({ ok: true, value: '2024-03-04T16:00:00.000Z' });
    // Excel serial 45356 is 2024-03-05; .5 is noon. Date cells carry the sheet's wall clock in UTC fields.
    expect(readDateTime(45356, SH)).toEqual({ ok: true, value: '2024-03-04T16:00:00.000Z' });
    expect(readDateTime('45356.5', SH)).toEqual({ ok: true, value: '2024-03-05T04:00:00.000Z' });
    expect(readDateTime(new Date(Date.UTC(2024, 2, 5, 8, 30)), SH)).toEqual({ ok: true, value: want });
    expect(readDateTime('2024-03-05T08:30:00+08:00', SH)).toEqual({ ok: true, value: want });
  });

  it('reads US 311 exports month first with AM/PM, in the file\'s own zone', () => {
    expect(readDateTime('01/21/2022 01:47:00 PM', { timeZone: 'America/New_York' })).toEqual({ ok: true, value: '2022-01-21T18:47:00.000Z' });
    expect(readDateTime('1/2/2022 12:05:00 AM', { timeZone: 'America/New_York' })).toEqual({ ok: true, value: '2022-01-02T05:05:00.000Z' });
  });

  it('reads the Chinese hour forms: 14时, 14时30分, 14点半, 下午2时, with or without a space after 日', () => {
    const at = (h: number, m: number, sec = 0) => new Date(Date.UTC(2026, 10, 5, h - 8, m, sec)).toISOString();
    const cases: [string, string][] = [
      ['2026年11月5日 14时', at(14, 0)], ['2026年11月5日 14时30分', at(14, 30)], ['2026年11月5日14时30分', at(14, 30)],
      ['2026年11月5日14时', at(14, 0)], ['2026年11月5日 14点', at(14, 0)], ['2026年11月5日 14点半', at(14, 30)],
      ['2026年11月5日 14时30分15秒', at(14, 30, 15)], ['2026年11月5日 下午2时', at(14, 0)], ['2026年11月5日 下午2时30分', at(14, 30)],
      ['2026年11月5日 上午9时', at(9, 0)], ['2026年11月5日 中午12点', at(12, 0)], ['２０２６年１１月５日　１４时３０分', at(14, 30)],
    ];
    for (const [text, want] of cases) expect(readDateTime(text, SH), text).toEqual({ ok: true, value: want });
    // Digits running into the date are still no time.
    expect(readDateTime('2024/3/514', SH).ok).toBe(false);
    expect(readDateTime('2026年11月5日 25时', SH)).toMatchObject({ ok: false, reason: expect.stringContaining('超出范围') });
  });

  it('a date-only value takes the given time of day', () => {
    expect(readDateTime('2024/3/5', { ...SH, dateOnlyMinutes: 12 * 60 })).toEqual({ ok: true, value: '2024-03-05T04:00:00.000Z' });
  });

  it('refuses what is not a date, saying why', () => {
    for (const text of ['明天', '2024/13/5', '2023/2/29', '12345', 'abc']) {
      const read = readDateTime(text, SH);
      expect(read.ok, text).toBe(false);
    }
    expect(readDateTime('2023/2/29', SH)).toMatchObject({ ok: false, reason: expect.stringContaining('没有29日') });
  });

  it('reads numbers with full-width digits, thousands separators, units and trailing spaces', () => {
    expect(readNumber('１２３ ')).toEqual({ ok: true, value: 123 });
    expect(readNumber('1,234')).toEqual({ ok: true, value: 1234 });
    expect(readNumber('80人')).toEqual({ ok: true, value: 80 });
    expect(readNumber('3.5小时')).toEqual({ ok: true, value: 3.5 });
    expect(readNumber('约80').ok).toBe(false);
    expect(readSeconds('7分')).toEqual({ ok: true, value: 420 });
    expect(readSeconds('6:30')).toEqual({ ok: true, value: 390 });
    expect(halfWidth('ＡＢＣ　１')).toBe('ABC 1');
  });
});
