// Keeps alerts from repeating and overdue storms from flooding the wall: each alert id
// passes once, and overdue alerts are capped per second (critical and alarm ones never are).
import type { Alert } from '@grid141/shared';

export interface AlertGateOptions {
  overduePerSecond?: number;
  /** How many recent ids to remember for de-duplication. */
  memory?: number;
  now?: () => number;
}

export class AlertGate {
  private readonly seen = new Set<string>();
  private readonly overduePerSecond: number;
  private readonly memory: number;
  private readonly now: () => number;
  private windowStart = 0;
  private overdueInWindow = 0;
  /** Overdue alerts held back by the cap since the start (the figures still count them). */
  dropped = 0;

  constructor(options: AlertGateOptions = {}) {
    this.overduePerSecond = options.overduePerSecond ?? 5;
    this.memory = options.memory ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  admit(alert: Alert): boolean {
    if (this.seen.has(alert.id)) return false;
    if (alert.kind === 'overdue') {
      const now = this.now();
      if (now - this.windowStart >= 1_000) {
        this.windowStart = now;
        this.overdueInWindow = 0;
      }
      if (this.overdueInWindow >= this.overduePerSecond) {
        this.dropped += 1;
        return false;
      }
      this.overdueInWindow += 1;
    }
    this.seen.add(alert.id);
    // A Set iterates in insertion order: the first entry is the oldest.
    if (this.seen.size > this.memory) this.seen.delete(this.seen.values().next().value as string);
    return true;
  }
}
