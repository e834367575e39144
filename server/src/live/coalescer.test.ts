import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyDelta, emptySummary, type Delta, type Summary } from '@grid141/shared';
import { DeltaCoalescer } from './coalescer.ts';
import { DeltaRing } from './deltas.ts';

afterEach(() => void vi.useRealTimers());

function setup(heartbeatMs = 5_000) {
  vi.useFakeTimers({ now: Date.parse('2026-11-25T02:00:00Z') });
  let summary = emptySummary('shiyoulu', new Date().toISOString());
  const sent: Delta[] = [];
  const ring = new DeltaRing(10);
  const coalescer = new DeltaCoalescer({ read: () => summary, send: (d) => sent.push(d), ring, heartbeatMs, initialSeq: 1000 });
  const bump = (n = 1) => {
    summary = structuredClone(summary);
    summary.incidents.today.total += n;
    summary.incidents.today.byGrid['g1'] = (summary.incidents.today.byGrid['g1'] ?? 0) + n;
    coalescer.changed();
  };
  const edit = (change: (s: Summary) => void) => {
    summary = structuredClone(summary);
    change(summary);
    coalescer.changed();
  };
  return { coalescer, sent, ring, bump, edit, current: () => summary };
}

describe('DeltaCoalescer', () => {
  it('sends at most one delta per 500 ms, numbered 1 apart, that rebuild the summary from the snapshot', () => {
    const { coalescer, sent, ring, bump, current } = setup();
    const start = coalescer.snapshot();
    expect(start.seq).toBe(1000);
    for (let i = 0; i < 40; i += 1) {
      bump();
      vi.advanceTimersByTime(50);
    }
    vi.advanceTimersByTime(600);
    const real = sent.filter((d) => d.changes.length > 0);
    expect(real.map((d) => d.seq)).toEqual(real.map((_, i) => 1001 + i));
    const times = real.map((d) => Date.parse(d.at));
    for (let i = 1; i < times.length; i += 1) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(500);
    expect(real.length).toBeLessThanOrEqual(5);
    let rebuilt: Summary = start.summary;
    for (const d of real) rebuilt = applyDelta(rebuilt, d);
    expect(rebuilt).toEqual({ ...current(), seq: coalescer.seq() });
    expect(coalescer.snapshot().summary).toEqual(rebuilt);
    expect(ring.length).toBe(real.length);
    coalescer.close();
  });

  it('sends a change after a quiet spell within a few tens of ms', () => {
    const { coalescer, sent, bump } = setup();
    vi.advanceTimersByTime(2_000);
    bump();
    vi.advanceTimersByTime(25);
    expect(sent.filter((d) => d.changes.length > 0)).toHaveLength(1);
    coalescer.close();
  });

  it('sends a heartbeat with the same seq and no changes when nothing changed for 5 s', () => {
    const { coalescer, sent, bump } = setup();
    bump();
    vi.advanceTimersByTime(600);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(4_800);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1_200);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({ seq: sent[0]!.seq, changes: [] });
    // Honest time: when the heartbeat went out, not when the last change did.
    expect(Date.now() - Date.parse(sent[1]!.at)).toBeLessThan(1_000);
    expect(Date.parse(sent[1]!.at) - Date.parse(sent[0]!.at)).toBeGreaterThanOrEqual(5_000);
    coalescer.close();
  });

  it('sends nothing when the summary went back to what was sent', () => {
    const { coalescer, sent, edit } = setup();
    edit((s) => void (s.incidents.today.total += 1));
    edit((s) => void (s.incidents.today.total -= 1));
    vi.advanceTimersByTime(1_000);
    expect(sent).toEqual([]);
    coalescer.close();
  });
});
