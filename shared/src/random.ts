// mulberry32: a small seeded PRNG, fast and good enough for synthetic data. One definition
// for the street generator, the demo feed and the benchmarks, so a seed means the same stream
// everywhere (the generated street stays byte-identical).
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
