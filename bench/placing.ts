// Placing: points/s over the micro-grids through the locator, next to a plain loop of turf
// point-in-polygon over every polygon (the street engineer's benchmarkLocate).
import { benchmarkLocate } from '../server/src/street/bench-locate.ts';
import type { Bench } from './context.ts';

export const placing: Bench = async (ctx) => {
  const n = ctx.quick ? 100_000 : 1_000_000;
  const r = benchmarkLocate(ctx.street, n, ctx.quick ? 100 : 500);
  ctx.log(`  ${Math.round(r.pointsPerSecond)} points/s (${Math.round(r.pointsPerCpuSecond)} per CPU s), plain loop ${Math.round(r.baselinePointsPerSecond)} points/s`);
  return {
    rows: [
      { bench: 'placing', figure: `points/s, ${n.toLocaleString('en')} points, wall clock`, unit: '/s', measured: r.pointsPerSecond, target: '≥ 1,000,000 /s', met: r.pointsPerSecond >= 1_000_000, baseline: r.baselinePointsPerSecond, baselineLabel: `turf loop, ${r.baselinePoints} points`, ratio: r.speedup, ratioLabel: '×' },
      { bench: 'placing', figure: 'speed-up over the plain loop', unit: '×', measured: r.speedup, target: '≥ 50×', met: r.speedup >= 50, baseline: null, baselineLabel: null, ratio: null },
      { bench: 'placing', figure: 'points per CPU second (load-independent)', unit: '/s', measured: r.pointsPerCpuSecond, target: null, met: null, baseline: null, baselineLabel: null, ratio: null },
    ],
    details: { ...r },
  };
};
