// Gathers items over a short window and hands them over in one batch: one message per
// window for every client instead of one per item (stack-notes.md: bursts queue).

export interface BatcherOptions<T> {
  windowMs: number;
  /** Flush at once when this many distinct items are waiting. */
  maxItems: number;
  /** Items with the same key replace each other: the latest wins, at the first one's place. */
  key: (item: T) => string;
  flush: (items: T[]) => void;
}

export class Batcher<T> {
  private pending = new Map<string, T>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: BatcherOptions<T>) {}

  get size(): number {
    return this.pending.size;
  }

  add(items: Iterable<T>): void {
    if (this.closed) return;
    for (const item of items) {
      this.pending.set(this.options.key(item), item);
      if (this.pending.size >= this.options.maxItems) this.flush();
    }
    if (this.pending.size > 0 && !this.timer) this.timer = setTimeout(() => this.flush(), this.options.windowMs);
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.size === 0) return;
    const items = [...this.pending.values()];
    this.pending = new Map();
    this.options.flush(items);
  }

  /** Sends what is waiting and takes no more. */
  close(): void {
    this.flush();
    this.closed = true;
  }
}
