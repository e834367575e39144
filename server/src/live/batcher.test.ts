import { afterEach, describe, expect, it, vi } from 'vitest';
import { Batcher } from './batcher.ts';

afterEach(() => void vi.useRealTimers());

describe('Batcher', () => {
  it('sends one batch per window, the latest version of each key at its first place', () => {
    vi.useFakeTimers();
    const batches: { id: string; v: number }[][] = [];
    const batcher = new Batcher<{ id: string; v: number }>({ windowMs: 100, maxItems: 50, key: (x) => x.id, flush: (items) => batches.push(items) });
    batcher.add([{ id: 'a', v: 1 }, { id: 'b', v: 1 }]);
    vi.advanceTimersByTime(50);
    batcher.add([{ id: 'a', v: 2 }]);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(50);
    expect(batches).toEqual([[{ id: 'a', v: 2 }, { id: 'b', v: 1 }]]);
    vi.advanceTimersByTime(1_000);
    expect(batches).toHaveLength(1);
  });

  it('flushes at once when the batch is full', () => {
    vi.useFakeTimers();
    const sizes: number[] = [];
    const batcher = new Batcher<number>({ windowMs: 100, maxItems: 200, key: String, flush: (items) => sizes.push(items.length) });
    batcher.add(Array.from({ length: 450 }, (_, i) => i));
    expect(sizes).toEqual([200, 200]);
    vi.advanceTimersByTime(100);
    expect(sizes).toEqual([200, 200, 50]);
  });

  it('sends what waits on close and takes nothing after', () => {
    const sizes: number[] = [];
    const batcher = new Batcher<number>({ windowMs: 100, maxItems: 200, key: String, flush: (items) => sizes.push(items.length) });
    batcher.add([1, 2, 3]);
    batcher.close();
    batcher.add([4]);
    expect(sizes).toEqual([3]);
    expect(batcher.size).toBe(0);
  });
});
