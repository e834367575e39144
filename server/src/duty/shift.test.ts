import { describe, expect, it } from 'vitest';
import { DutyRosterSchema } from './roster.ts';
import { dutyAt, onShiftAt, shiftAt } from './shift.ts';

const TZ = 'Asia/Shanghai';
/** An instant given as Shanghai wall time (UTC+8, no DST). */
const cst = (local: string) => Date.parse(`${local}+08:00`);

const roster = DutyRosterSchema.parse({
  synthetic: true,
  shifts: { day: { start: '08:30', end: '17:30' }, night: { start: '17:30', end: '08:30' } },
  weekly: [
    { weekday: 3, shift: 'day', leader: '周三白', officers: ['甲', '乙'] },
    { weekday: 3, shift: 'night', leader: '周三夜', officers: ['丙'] },
    { weekday: 4, shift: 'day', leader: '周四白', officers: ['丁'] },
    { weekday: 4, shift: 'night', leader: '周四夜', officers: ['戊'] },
    { weekday: 7, shift: 'night', leader: '周日夜', officers: ['己'] },
    { weekday: 5, shift: 'day', leader: '周五白', officers: ['庚'] },
  ],
  dates: [
    { date: '2026-11-27', shift: 'day', leader: '特定日', officers: ['辛', '壬'] },
    { date: '2026-11-26', shift: 'night', leader: '特定夜', officers: ['癸'] },
  ],
});

describe('shiftAt', () => {
  it('puts the day shift between its start and end, the night shift from then to the next morning', () => {
    expect(shiftAt(roster.shifts, cst('2026-11-25T10:00:00'), TZ)).toEqual({
      shift: 'day', date: '2026-11-25', weekday: 3, start: cst('2026-11-25T08:30:00'), end: cst('2026-11-25T17:30:00'),
    });
    expect(shiftAt(roster.shifts, cst('2026-11-25T17:30:00'), TZ)).toEqual({
      shift: 'night', date: '2026-11-25', weekday: 3, start: cst('2026-11-25T17:30:00'), end: cst('2026-11-26T08:30:00'),
    });
  });

  it('after midnight it is still the night shift that began yesterday', () => {
    for (const local of ['2026-11-25T23:59:59', '2026-11-26T00:00:00', '2026-11-26T03:00:00', '2026-11-26T08:29:59.999']) {
      expect(shiftAt(roster.shifts, cst(local), TZ), local).toMatchObject({ shift: 'night', date: '2026-11-25', weekday: 3 });
    }
    expect(shiftAt(roster.shifts, cst('2026-11-26T08:30:00'), TZ)).toMatchObject({ shift: 'day', date: '2026-11-26', weekday: 4 });
  });

  it('crosses month and year ends and counts Sunday as weekday 7', () => {
    expect(shiftAt(roster.shifts, cst('2027-01-01T02:00:00'), TZ)).toMatchObject({ shift: 'night', date: '2026-12-31', weekday: 4 });
    expect(shiftAt(roster.shifts, cst('2026-11-29T20:00:00'), TZ)).toMatchObject({ date: '2026-11-29', weekday: 7 });
    expect(shiftAt(roster.shifts, cst('2026-11-30T01:00:00'), TZ)).toMatchObject({ date: '2026-11-29', weekday: 7 });
  });

  it('reads the times in the street zone, a short night where the clocks spring forward', () => {
    // Berlin moved from 02:00 to 03:00 on 2026-03-29: that night shift lasts 14 h, not 15.
    const w = shiftAt(roster.shifts, Date.parse('2026-03-29T01:00:00Z'), 'Europe/Berlin');
    expect(w).toMatchObject({ shift: 'night', date: '2026-03-28', weekday: 6 });
    expect(w.start).toBe(Date.parse('2026-03-28T16:30:00Z'));
    expect(w.end).toBe(Date.parse('2026-03-29T06:30:00Z'));
  });
});

describe('onShiftAt', () => {
  it('names the weekly pattern for the shift running now', () => {
    expect(onShiftAt(roster, cst('2026-11-25T09:00:00'), TZ)).toMatchObject({ leader: '周三白', officers: ['甲', '乙'] });
    expect(onShiftAt(roster, cst('2026-11-26T04:00:00'), TZ)).toMatchObject({ leader: '周三夜', officers: ['丙'], window: { date: '2026-11-25' } });
  });

  it('a dated entry beats the weekly pattern, for the day shift and for a night past midnight', () => {
    expect(onShiftAt(roster, cst('2026-11-27T12:00:00'), TZ)).toMatchObject({ leader: '特定日', officers: ['辛', '壬'] });
    expect(onShiftAt(roster, cst('2026-11-27T06:00:00'), TZ)).toMatchObject({ leader: '特定夜', window: { date: '2026-11-26', shift: 'night' } });
    // The weekday-4 day shift on 2026-11-26 has no dated entry: the pattern holds.
    expect(onShiftAt(roster, cst('2026-11-26T12:00:00'), TZ)).toMatchObject({ leader: '周四白' });
  });

  it('is null when neither a date nor the weekly pattern covers the shift', () => {
    expect(onShiftAt(roster, cst('2026-11-27T20:00:00'), TZ)).toBeNull(); // Friday night
    expect(onShiftAt(roster, cst('2026-11-29T12:00:00'), TZ)).toBeNull(); // Sunday day
  });
});

describe('dutyAt', () => {
  const none = { officer: null, leader: null };

  it('says who is on shift, which shift and until when (in the street offset)', () => {
    expect(dutyAt(roster, none, cst('2026-11-25T10:00:00'), TZ)).toEqual({
      payload: { officer: '甲、乙', officers: ['甲', '乙'], leader: '周三白', shift: 'day', until: '2026-11-25T17:30:00+08:00', synthetic: true },
      untilMs: cst('2026-11-25T17:30:00'),
    });
  });

  it('keeps the shift and its end when nobody is rostered, so the wall still changes at the boundary', () => {
    expect(dutyAt(roster, none, cst('2026-11-27T20:00:00'), TZ)).toEqual({
      payload: { officer: null, officers: [], leader: null, shift: 'night', until: '2026-11-28T08:30:00+08:00', synthetic: false },
      untilMs: cst('2026-11-28T08:30:00'),
    });
  });

  it('DUTY_OFFICER / DUTY_LEADER replace the rostered names; both set, nothing is made up', () => {
    const at = cst('2026-11-25T10:00:00');
    expect(dutyAt(roster, { officer: '张三', leader: null }, at, TZ).payload).toMatchObject({ officer: '张三', officers: ['张三'], leader: '周三白', synthetic: true });
    expect(dutyAt(roster, { officer: '张三', leader: '李四' }, at, TZ).payload).toMatchObject({ officer: '张三', leader: '李四', shift: 'day', synthetic: false });
  });

  it('without a roster: only the configured names, no shift and no end', () => {
    expect(dutyAt(null, { officer: null, leader: '李四' }, cst('2026-11-25T10:00:00'), TZ)).toEqual({
      payload: { officer: null, officers: [], leader: '李四', shift: null, until: null, synthetic: false },
      untilMs: null,
    });
  });
});
