import { describe, expect, it } from 'vitest';
import { curveValues, slotLabels } from './mealCurve.ts';

describe('meal curve on a fixed 06:00–21:00 axis', () => {
  it('has one slot per quarter hour from 06:00 to 20:45', () => {
    const labels = slotLabels();
    expect(labels).toHaveLength(60);
    expect(labels[0]).toBe('06:00');
    expect(labels.at(-1)).toBe('20:45');
  });

  it('puts each quarter hour at its slot, fills silent quarters before now with 0 and leaves the future empty', () => {
    const values = curveValues([
      { t: '06:30', meals: 4 },
      { t: '12:00', meals: 90 },
    ]);
    expect(values[2]).toBe(4);
    expect(values[24]).toBe(90);
    expect(values[3]).toBe(0);
    expect(values[25]).toBeNull();
  });

  it('ignores quarters outside the axis or off the quarter grid, so the line never shifts', () => {
    const values = curveValues([
      { t: '05:45', meals: 3 },
      { t: '12:07', meals: 8 },
      { t: '22:00', meals: 1 },
    ]);
    expect(values.every((v) => v === null)).toBe(true);
  });
});
