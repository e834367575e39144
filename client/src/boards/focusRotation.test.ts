import { describe, expect, it } from 'vitest';
import { BOARDS } from '@grid141/shared';
import { parseRotation } from './focusRotation.ts';

describe('focus rotation plan from the URL', () => {
  it('is off without ?rotate or with nonsense', () => {
    expect(parseRotation('')).toBeNull();
    expect(parseRotation('?rotate=abc')).toBeNull();
    expect(parseRotation('?rotate=1')).toBeNull();
  });

  it('gives every board the same time with ?rotate=N seconds', () => {
    const plan = parseRotation('?rotate=20');
    expect(plan?.steps.map((s) => s.code)).toEqual(BOARDS.map((b) => b.code));
    expect(plan?.steps.every((s) => s.ms === 20_000)).toBe(true);
    expect(plan?.gapMs).toBe(20_000);
  });

  it('takes a time per board and skips the boards left out or unknown', () => {
    const plan = parseRotation('?rotate=party:30,nowhere:10,safety:15');
    expect(plan?.steps).toEqual([
      { code: 'party', ms: 30_000 },
      { code: 'safety', ms: 15_000 },
    ]);
    expect(plan?.gapMs).toBe(15_000);
  });
});
