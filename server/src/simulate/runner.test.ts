import { describe, expect, it } from 'vitest';
import { BACKFILL_WEEKS, backfillPlan } from './runner.ts';

describe('the demo feed\'s backfill plan', () => {
  // Tuesday 1 December 2026: this ISO week began on Monday 30 November.
  const today = '2026-12-01';
  const plan = backfillPlan(today, { days: 7, history: true });
  const on = (date: string) => plan.find((p) => p.date === date)?.streams ?? [];

  it('fills the weekly report\'s week and the one before with every stream, meals and inspections included', () => {
    expect(BACKFILL_WEEKS).toBe(2);
    // Last week (W48, 23–29 Nov) and the week before (W47, 16–22 Nov), every day of them.
    for (let d = 16; d <= 29; d += 1) {
      const date = `2026-11-${String(d).padStart(2, '0')}`;
      expect(on(date), date).toEqual(expect.arrayContaining(['incidents', 'canteen-meals', 'hazard-inspections', 'alarms', 'volunteer-activities', 'fire-drills', 'market-entities']));
    }
    expect(on('2026-11-30')).toContain('canteen-meals');
    expect(on('2026-11-15')).not.toContain('canteen-meals');
    expect(on('2026-11-15')).not.toContain('incidents');
    expect(plan.at(-1)?.date).toBe('2026-11-30');
  });

  it('keeps the slow feeds\' history: entities for 12 months, drills since 1 January', () => {
    expect(plan[0]).toEqual({ date: '2026-01-01', streams: ['market-entities', 'fire-drills'] });
    const june = backfillPlan('2026-06-10', { days: 7, history: true });
    expect(june[0]).toEqual({ date: '2025-07-01', streams: ['market-entities'] });
    expect(june.find((p) => p.date === '2026-01-01')?.streams).toEqual(['market-entities', 'fire-drills']);
  });

  it('a week across the year end keeps its drills; without history only the days asked for, incidents only', () => {
    const january = backfillPlan('2027-01-05', { days: 0, history: true });
    expect(january.find((p) => p.date === '2026-12-21')?.streams).toContain('fire-drills');
    expect(backfillPlan(today, { days: 2, history: false })).toEqual([
      { date: '2026-11-29', streams: ['incidents'] }, { date: '2026-11-30', streams: ['incidents'] },
    ]);
    expect(backfillPlan(today, { days: 0, history: false })).toEqual([]);
  });
});
