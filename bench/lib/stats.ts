// Percentiles and a shared clock: every bench process reads the same system clock, so times
// taken in the clients' process compare directly with times taken here.

/** Milliseconds since the epoch with sub-millisecond resolution; comparable across processes on one machine. */
export const clock = (): number => performance.timeOrigin + performance.now();

export interface Spread {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of values (sorted in place). */
export function spread(values: Float64Array | number[]): Spread {
  const sorted = values instanceof Float64Array ? values.sort() : Float64Array.from(values).sort();
  const at = (q: number) => (sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number));
  return { count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves when check() is true, polling; false after timeoutMs. */
export async function waitFor(check: () => boolean, timeoutMs: number, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(everyMs);
  }
  return check();
}
