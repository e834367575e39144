import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, distanceM, duplicateRuleFor, type CategoryCode } from '@grid141/shared';
import type { OpenPoint } from '../store/merge.ts';
import { DuplicateIndex } from './spatial.ts';

const LAT = 29.55, LNG = 106.52;
const M_LAT = 1 / 110_540, M_LNG = 1 / (111_320 * Math.cos((LAT * Math.PI) / 180));
const T0 = Date.parse('2026-11-30T08:00:00Z');
const at = (eastM: number, northM: number) => ({ lng: LNG + eastM * M_LNG, lat: LAT + northM * M_LAT });
const open = (id: string, eastM: number, northM: number, over: Partial<OpenPoint> = {}): OpenPoint => ({
  id, category: 'city_mgmt', ...at(eastM, northM), reportedAtMs: T0, possibleDuplicateOf: null, ...over,
});

describe('duplicate candidates from the spatial index', () => {
  it('finds the nearest open incident of the same category within 50 m and 30 minutes', () => {
    const index = new DuplicateIndex(LAT);
    index.add(open('far', 70, 0));
    index.add(open('near', 30, 0));
    index.add(open('nearer', 0, 20));
    index.add(open('other-category', 1, 1, { category: 'environment' }));
    index.add(open('too-old', 2, 2, { reportedAtMs: T0 - 31 * 60_000 }));
    expect(index.find({ category: 'city_mgmt', ...at(0, 0), reportedAtMs: T0 + 60_000 })).toEqual({ id: 'nearer', distanceM: expect.closeTo(20, 0) });
    expect(index.find({ category: 'city_mgmt', ...at(0, 0), reportedAtMs: T0 + 31 * 60_000 })).toBeNull();
    expect(index.find({ category: 'city_mgmt', ...at(200, 200), reportedAtMs: T0 })).toBeNull();
    index.remove('nearer');
    expect(index.find({ category: 'city_mgmt', ...at(0, 0), reportedAtMs: T0 })?.id).toBe('near');
  });

  it('uses each category\'s own radius (an emergency is seen from further away)', () => {
    const index = new DuplicateIndex(LAT);
    index.add(open('fire', 120, 0, { category: 'emergency' }));
    index.add(open('stall', 120, 0));
    expect(index.find({ category: 'emergency', ...at(0, 0), reportedAtMs: T0 })?.id).toBe('fire');
    expect(index.find({ category: 'city_mgmt', ...at(0, 0), reportedAtMs: T0 })).toBeNull();
  });

  it('points a third report at the original, not at another duplicate', () => {
    const index = new DuplicateIndex(LAT);
    index.add(open('original', 45, 0));
    index.add(open('second', 5, 0, { possibleDuplicateOf: 'original' }));
    expect(index.find({ category: 'city_mgmt', ...at(0, 0), reportedAtMs: T0 })?.id).toBe('original');
    index.remove('original');
    expect(index.find({ category: 'city_mgmt', ...at(0, 0), reportedAtMs: T0 })?.id).toBe('second');
  });

  it('answers what a scan of every open incident would (random streets)', () => {
    const codes = CATEGORIES.map((c) => c.code);
    const pointArb = fc.record({
      cat: fc.integer({ min: 0, max: 2 }), e: fc.integer({ min: -400, max: 400 }), n: fc.integer({ min: -400, max: 400 }), t: fc.integer({ min: -90, max: 90 }),
    });
    fc.assert(fc.property(fc.array(pointArb, { maxLength: 80 }), fc.array(pointArb, { minLength: 1, maxLength: 10 }), (stored, probes) => {
      const index = new DuplicateIndex(LAT);
      const all = stored.map((p, i) => open(`i${i}`, p.e, p.n, { category: codes[p.cat] as CategoryCode, reportedAtMs: T0 + p.t * 60_000 }));
      for (const p of all) index.add(p);
      for (const q of probes) {
        const probe = { category: codes[q.cat] as CategoryCode, ...at(q.e, q.n), reportedAtMs: T0 + q.t * 60_000 };
        const rule = duplicateRuleFor(probe.category);
        const scan = all
          .filter((p) => p.category === probe.category && Math.abs(p.reportedAtMs - probe.reportedAtMs) <= rule.windowMin * 60_000)
          .map((p) => ({ p, d: distanceM(p, probe) }))
          .filter((x) => x.d <= rule.radiusM);
        const found = index.find(probe);
        if (scan.length === 0) expect(found).toBeNull();
        else expect(found?.distanceM).toBeCloseTo(Math.min(...scan.map((x) => x.d)), 6);
      }
    }), { numRuns: 200 });
  });
});
