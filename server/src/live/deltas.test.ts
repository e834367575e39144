import { describe, expect, it } from 'vitest';
import type { Delta } from '@grid141/shared';
import { DeltaRing } from './deltas.ts';

const delta = (seq: number): Delta => ({ seq, at: new Date(seq).toISOString(), changes: [{ path: ['seq'], value: seq }] });

describe('DeltaRing', () => {
  it('hands back exactly the deltas after since while they are all buffered', () => {
    const ring = new DeltaRing(5);
    for (let seq = 101; seq <= 108; seq += 1) ring.push(delta(seq));
    expect(ring.length).toBe(5);
    expect(ring.oldest()?.seq).toBe(104);
    expect(ring.after(103, 108)?.map((d) => d.seq)).toEqual([104, 105, 106, 107, 108]);
    expect(ring.after(106, 108)?.map((d) => d.seq)).toEqual([107, 108]);
    expect(ring.after(108, 108)).toEqual([]);
  });

  it('asks for a snapshot when a delta after since is gone, or since is unknown', () => {
    const ring = new DeltaRing(5);
    for (let seq = 101; seq <= 108; seq += 1) ring.push(delta(seq));
    expect(ring.after(102, 108)).toBeNull();
    expect(ring.after(109, 108)).toBeNull();
    expect(ring.after(Number.NaN, 108)).toBeNull();
    expect(new DeltaRing(5).after(99, 100)).toBeNull();
  });

  it('refuses a delta that does not follow the last one', () => {
    const ring = new DeltaRing(3);
    ring.push(delta(1));
    expect(() => ring.push(delta(3))).toThrow(RangeError);
  });
});
