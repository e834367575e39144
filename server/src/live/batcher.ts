// Gathers items over a short window and hands them over in one batch: at most one message per
// window for every client instead of one per item (stack-notes.md: bursts queue). The first item
// after a quiet window goes at once (a street sends tens of incidents a day, each should not
// wait); the ones that follow within the window wait for its end and go together.

export interface BatcherOptions<T> {
  /** The window, or a function read at each batch (the hub widens it with the number of walls). */
  windowMs: number | (() => number);
  /** Flush at once when this many distinct items are waiting. */
  maxItems: number;
  /** Items with the same key replace each other: the latest wins, at the first one's place. */
  key: (item: T) => string;
  flush: (items: T[]) => void;
  now?: () => number;
}

export class Batcher<T> {
  private pending = new Map<string, T>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private lastFlushAt = -Infinity;
  private readonly now: () => number;

  constructor(private readonly options: BatcherOptions<T>) {
    this.now = options.now ?? (() => Date.now());
  }

  get size(): number {
    return this.pending.size;
  }

  add(items: Iterable<T>): void {
    if (this.closed) return;
    for (const item of items) {
      this.pending.set(this.options.key(item), item);
      if (this.pending.size >= this.options.maxItems) this.flush();
    }
    if (this.pending.size === 0 || this.timer) return;
    const { windowMs } = this.options;
    const window = typeof windowMs === 'function' ? windowMs() : windowMs;
    const since = this.now() - this.lastFlushAt;
    if (since >= window) this.flush();
    else this.timer = setTimeout(() => this.flush(), window - since);
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.size === 0) return;
    const items = [...this.pending.values()];
    this.pending = new Map();
    this.lastFlushAt = this.now();
    this.options.flush(items);
  }

  /** Sends what is waiting and takes no more. */
  close(): void {
    this.flush();
    this.closed = true;
  }
}
