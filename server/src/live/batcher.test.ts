import { afterEach, describe, expect, it, vi } from 'vitest';
import { Batcher } from './batcher.ts';

afterEach(() => void vi.useRealTimers());

describe('Batcher', () => {
  it('sends the first item after a quiet window at once, then one batch per window, the latest version of each key at its first place', () => {
    vi.useFakeTimers();
    const batches: { id: string; v: number }[][] = [];
    const batcher = new Batcher<{ id: string; v: number }>({ windowMs: 100, maxItems: 50, key: (x) => x.id, flush: (items) => batches.push(items) });
    batcher.add([{ id: 'z', v: 1 }]);
    expect(batches).toEqual([[{ id: 'z', v: 1 }]]);
    vi.advanceTimersByTime(10);
    batcher.add([{ id: 'a', v: 1 }, { id: 'b', v: 1 }]);
    vi.advanceTimersByTime(50);
    batcher.add([{ id: 'a', v: 2 }]);
    expect(batches).toHaveLength(1);
    vi.advanceTimersByTime(40);
    expect(batches).toEqual([[{ id: 'z', v: 1 }], [{ id: 'a', v: 2 }, { id: 'b', v: 1 }]]);
    vi.advanceTimersByTime(1_000);
    expect(batches).toHaveLength(2);
    // Quiet for longer than a window: the next one goes at once again.
    batcher.add([{ id: 'c', v: 1 }]);
    expect(batches).toHaveLength(3);
  });

  it('reads the window at each batch when it is a function', () => {
    vi.useFakeTimers();
    let window = 100;
    const times: number[] = [];
    const batcher = new Batcher<number>({ windowMs: () => window, maxItems: 50, key: String, flush: () => times.push(Date.now()) });
    const start = Date.now();
    batcher.add([1]);
    batcher.add([2]);
    vi.advanceTimersByTime(100);
    window = 20;
    batcher.add([3]);
    batcher.add([4]);
    vi.advanceTimersByTime(100);
    expect(times.map((t) => t - start)).toEqual([0, 100, 120]);
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
