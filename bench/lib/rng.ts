// A seeded PRNG so that every run posts the same incidents.
export { mulberry32 } from '@grid141/shared';

export function pick<T>(list: readonly T[], rng: () => number): T {
  return list[Math.floor(rng() * list.length)] as T;
}
