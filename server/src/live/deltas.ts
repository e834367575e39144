// The bounded buffer of recent deltas a reconnecting wall resumes from (contract.md, Live feed).
import type { Delta } from '@grid141/shared';

/** 600 deltas at two per second is five minutes of changes. */
export const DEFAULT_DELTA_CAPACITY = 600;

export class DeltaRing {
  private readonly slots: (Delta | undefined)[];
  private start = 0;
  private size = 0;

  constructor(readonly capacity = DEFAULT_DELTA_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.slots = new Array<Delta | undefined>(capacity);
  }

  get length(): number {
    return this.size;
  }

  /** Deltas must arrive with consecutive seqs; the oldest one falls out when full. */
  push(delta: Delta): void {
    const last = this.newest();
    if (last && delta.seq !== last.seq + 1) throw new RangeError(`delta seq ${delta.seq} does not follow ${last.seq}`);
    if (this.size < this.capacity) {
      this.slots[(this.start + this.size) % this.capacity] = delta;
      this.size += 1;
    } else {
      this.slots[this.start] = delta;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  oldest(): Delta | undefined {
    return this.size === 0 ? undefined : this.slots[this.start];
  }

  newest(): Delta | undefined {
    return this.size === 0 ? undefined : this.slots[(this.start + this.size - 1) % this.capacity];
  }

  /**
   * The deltas after `since` when the buffer still holds every one of them, up to `current`
   * (the seq of the last delta sent): [] when the client is up to date, null when it must
   * take a snapshot (too old, or a seq this server never sent, e.g. from before a restart).
   */
  after(since: number, current: number): Delta[] | null {
    if (!Number.isSafeInteger(since) || since > current) return null;
    if (since === current) return [];
    const first = this.oldest();
    if (!first || since < first.seq - 1) return null;
    const out: Delta[] = [];
    for (let i = since - first.seq + 1; i < this.size; i += 1) out.push(this.slots[(this.start + i) % this.capacity] as Delta);
    return out;
  }
}
