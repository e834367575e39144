// Measures the locator against a plain turf loop over every micro-grid; returns numbers, prints nothing.
import * as turf from '@turf/turf';
import type { LoadedStreet } from './load.ts';
import { createLocator } from './locate.ts';
import { mulberry32 } from '@grid141/shared';

export interface LocateBenchmark {
  points: number;
  seconds: number;
  pointsPerSecond: number;
  /** Points per second of CPU time used: steadier than wall time on a machine shared with other jobs. */
  pointsPerCpuSecond: number;
  /** The same, for the points inside the boundary only (the usual case for incidents). */
  insidePointsPerCpuSecond: number;
  baselinePoints: number;
  baselinePointsPerSecond: number;
  speedup: number;
  placedShare: number;
  indexBuildMs: number;
}


export function benchmarkLocate(street: LoadedStreet, n: number, baselineN = Math.min(500, n)): LocateBenchmark {
  const [w, s, e, nn] = street.meta.bbox;
  const rng = mulberry32(141);
  const xs = new Float64Array(n), ys = new Float64Array(n);
  for (let i = 0; i < n; i++) { xs[i] = w + (e - w) * rng(); ys[i] = s + (nn - s) * rng(); }

  const t0 = performance.now();
  const locator = createLocator(street);
  const indexBuildMs = performance.now() - t0;
  let placed = 0;
  const c1 = process.cpuUsage();
  const t1 = performance.now();
  for (let i = 0; i < n; i++) if (locator.locate(xs[i] as number, ys[i] as number).microGridId !== null) placed++;
  const seconds = (performance.now() - t1) / 1000;
  const cpu = process.cpuUsage(c1);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;

  // Second pass over the points inside the boundary only (chosen untimed, with turf).
  const boundary = street.boundary.features[0];
  const inside: number[] = [];
  for (let i = 0; i < n && boundary; i++) if (turf.booleanPointInPolygon([xs[i] as number, ys[i] as number], boundary)) inside.push(i);
  const c2 = process.cpuUsage();
  for (const i of inside) locator.locate(xs[i] as number, ys[i] as number);
  const cpuInside = process.cpuUsage(c2);
  const insidePointsPerCpuSecond = inside.length / ((cpuInside.user + cpuInside.system) / 1e6);

  const features = street.microgrids.features;
  const t2 = performance.now();
  for (let i = 0; i < baselineN; i++) {
    const p = [xs[i] as number, ys[i] as number];
    for (const f of features) if (turf.booleanPointInPolygon(p, f)) break;
  }
  const baselineSeconds = (performance.now() - t2) / 1000;
  const pointsPerSecond = n / seconds;
  const baselinePointsPerSecond = baselineN / baselineSeconds;
  return { points: n, seconds, pointsPerSecond, pointsPerCpuSecond: n / cpuSeconds, insidePointsPerCpuSecond, baselinePoints: baselineN, baselinePointsPerSecond, speedup: pointsPerSecond / baselinePointsPerSecond, placedShare: placed / n, indexBuildMs };
}
