// A plausible street network: a few long main roads, secondary roads and short lanes, clipped to the boundary.
import type { Polygon, Position } from 'geojson';
import { contains, metresPerDegLng, round6 } from './geo-build.ts';
import { between, type Rng } from './prng.ts';

export interface RoadLine {
  cls: 'main' | 'secondary' | 'lane';
  /** Number of the generated road within its class; pieces cut by the boundary share it (and its name). */
  seq: number;
  coords: Position[];
}

const STEP_M = 30;
const M_PER_DEG_LAT = 110_540;

// Walks from a start point with a slowly turning heading; returns points every STEP_M metres.
function wander(rng: Rng, start: Position, headingDeg: number, lengthM: number, turnDeg: number): Position[] {
  const [sx = 0, sy = 0] = start;
  const kx = metresPerDegLng(sy);
  let x = 0, y = 0, h = (headingDeg * Math.PI) / 180, dh = 0;
  const pts: Position[] = [[sx, sy]];
  for (let d = 0; d < lengthM; d += STEP_M) {
    dh = 0.8 * dh + ((rng() - 0.5) * turnDeg * Math.PI) / 180;
    h += dh;
    x += STEP_M * Math.cos(h);
    y += STEP_M * Math.sin(h);
    pts.push([sx + x / kx, sy + y / M_PER_DEG_LAT]);
  }
  return pts;
}

// Keeps the runs of consecutive points inside the boundary (every 2nd point of a run to halve size).
function clip(boundary: Polygon, pts: Position[]): Position[][] {
  const runs: Position[][] = [];
  let run: Position[] = [];
  for (const p of pts) {
    if (contains(boundary, p)) run.push([round6(p[0] ?? 0), round6(p[1] ?? 0)]);
    else {
      if (run.length >= 3) runs.push(run);
      run = [];
    }
  }
  if (run.length >= 3) runs.push(run);
  return runs.map((r) => r.filter((_, i) => i % 2 === 0 || i === r.length - 1));
}

export function buildRoads(rng: Rng, boundary: Polygon, centre: Position, spanM: number): RoadLine[] {
  const [cx = 0, cy = 0] = centre;
  const kx = metresPerDegLng(cy);
  const out: RoadLine[] = [];
  const seqs = { main: 0, secondary: 0, lane: 0 };
  const add = (cls: RoadLine['cls'], start: Position, heading: number, length: number, turn: number) => {
    const seq = seqs[cls]++;
    for (const coords of clip(boundary, wander(rng, start, heading, length, turn))) out.push({ cls, seq, coords });
  };
  // Main roads start outside the boundary and cross it, so they read as through routes.
  for (let i = 0; i < 4; i++) {
    const heading = i * 47 + between(rng, -10, 10);
    const off = between(rng, -0.25, 0.25) * spanM;
    const th = ((heading + 180) * Math.PI) / 180;
    const nx = -Math.sin(th), ny = Math.cos(th);
    const start: Position = [cx + (Math.cos(th) * spanM + nx * off) / kx, cy + (Math.sin(th) * spanM + ny * off) / M_PER_DEG_LAT];
    add('main', start, heading, spanM * 2, 4);
  }
  const interiorStart = (): Position => {
    for (;;) {
      const p: Position = [cx + between(rng, -1, 1) * spanM / kx, cy + between(rng, -1, 1) * spanM / M_PER_DEG_LAT];
      if (contains(boundary, p)) return p;
    }
  };
  for (let i = 0; i < 10; i++) add('secondary', interiorStart(), between(rng, 0, 360), between(rng, 700, 1500), 10);
  for (let i = 0; i < 40; i++) add('lane', interiorStart(), between(rng, 0, 360), between(rng, 150, 450), 18);
  return out;
}
