// Turns a stream of summary changes into at most one delta per interval, plus a heartbeat
// when nothing changed, numbering deltas 1 apart so a wall can see a gap (contract.md).
import { DELTA_INTERVAL_MS, diffSummary, type Delta, type SnapshotPayload, type Summary } from '@grid141/shared';
import { DeltaRing } from './deltas.ts';

export const HEARTBEAT_MS = 5_000;
/** A first change after a quiet spell waits this long, so one burst of commits makes one delta. */
const GATHER_MS = 20;

export interface CoalescerOptions {
  /** The current summary; called on every flush. */
  read(): Summary;
  /** Sends a delta (or a heartbeat: same seq, no changes) to every wall. */
  send(delta: Delta): void;
  ring: DeltaRing;
  intervalMs?: number;
  heartbeatMs?: number;
  now?: () => number;
  /**
   * The seq before the first delta. Defaults to the start time in ms: a restarted server then
   * numbers above anything the last one sent (one per 500 ms never catches up with the clock),
   * so a wall resuming with an old `since` gets a snapshot, never someone else's deltas.
   */
  initialSeq?: number;
}

export class DeltaCoalescer {
  private readonly intervalMs: number;
  private readonly now: () => number;
  private lastSent: Summary;
  private lastSentAt: number;
  private current: number;
  private lastEmitAt: number;
  private timer: NodeJS.Timeout | null = null;
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: CoalescerOptions) {
    this.intervalMs = options.intervalMs ?? DELTA_INTERVAL_MS;
    this.now = options.now ?? Date.now;
    this.lastSentAt = this.now();
    this.current = options.initialSeq ?? this.lastSentAt;
    this.lastSent = this.stamp(options.read(), this.current);
    this.lastEmitAt = this.lastSentAt;
    const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
    this.heartbeat = setInterval(() => {
      if (this.now() - this.lastEmitAt >= heartbeatMs) this.emit({ seq: this.current, at: this.iso(), changes: [] });
    }, Math.max(50, Math.floor(heartbeatMs / 5)));
    this.heartbeat.unref();
  }

  /** The seq of the last delta sent: what a wall holding the snapshot is at. */
  seq(): number {
    return this.current;
  }

  /**
   * The summary as of the last delta sent (not the newer one in the engine): a wall taking it
   * and then the following deltas ends exactly where the server is, with no change lost.
   */
  snapshot(): SnapshotPayload {
    return { seq: this.current, at: new Date(this.lastSentAt).toISOString(), summary: this.lastSent };
  }

  /** Something changed: schedule a flush at the trailing edge of the current interval. */
  changed(): void {
    if (this.closed || this.timer) return;
    this.schedule();
  }

  private schedule(): void {
    const wait = Math.max(GATHER_MS, this.lastEmitAt + this.intervalMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      // Node's timers can fire a millisecond before the wall clock the deltas are stamped with
      // says the interval is over (a 499 ms gap was seen): wait out the rest, never send early.
      if (this.now() - this.lastEmitAt < this.intervalMs) return this.schedule();
      this.flush();
    }, wait);
  }

  /** Diffs the last sent summary against the current one and sends the changes, if any. */
  flush(): Delta | null {
    if (this.closed) return null;
    const next = this.stamp(this.options.read(), this.current);
    const changes = diffSummary(this.lastSent, next);
    if (changes.length === 0) return null;
    this.current += 1;
    next.seq = this.current;
    changes.push({ path: ['seq'], value: this.current });
    const delta: Delta = { seq: this.current, at: this.iso(), changes };
    this.lastSent = next;
    this.lastSentAt = this.now();
    this.options.ring.push(delta);
    this.emit(delta);
    return delta;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    clearInterval(this.heartbeat);
  }

  private emit(delta: Delta): void {
    this.lastEmitAt = this.now();
    this.options.send(delta);
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  // A private copy (the engine may mutate its own in place) carrying the feed's seq.
  private stamp(summary: Summary, seq: number): Summary {
    return { ...structuredClone(summary), seq };
  }
}
