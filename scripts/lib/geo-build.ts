// Planar helpers for building the synthetic street: tiling a parent polygon with clipped Voronoi cells.
import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import type { Rng } from './prng.ts';

export type Area = Polygon | MultiPolygon;

const DECIMALS = 1e6;
const M_PER_DEG_LAT = 110_540;

export function metresPerDegLng(lat: number): number {
  return 111_320 * Math.cos((lat * Math.PI) / 180);
}

export function round6(v: number): number {
  return Math.round(v * DECIMALS) / DECIMALS;
}

function roundRing(ring: Position[]): Position[] | null {
  const out: Position[] = [];
  for (const p of ring) {
    const q: Position = [round6(p[0] ?? 0), round6(p[1] ?? 0)];
    const last = out[out.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) out.push([first[0] ?? 0, first[1] ?? 0]);
  return out.length >= 4 ? out : null;
}

function roundPolygon(rings: Position[][]): Position[][] | null {
  const outer = rings[0] ? roundRing(rings[0]) : null;
  if (!outer) return null;
  const holes = rings.slice(1).map(roundRing).filter((r): r is Position[] => r !== null);
  return [outer, ...holes];
}

// Rounds to 6 decimals (~0.1 m) and drops slivers that collapse under rounding.
export function roundArea(geom: Area): Area {
  if (geom.type === 'Polygon') {
    const p = roundPolygon(geom.coordinates);
    if (!p) throw new Error('polygon collapsed under rounding');
    return { type: 'Polygon', coordinates: p };
  }
  const parts = geom.coordinates.map(roundPolygon).filter((p): p is Position[][] => p !== null)
    .filter((p) => turf.area({ type: 'Polygon', coordinates: p }) > 1);
  if (parts.length === 0) throw new Error('multipolygon collapsed under rounding');
  if (parts.length === 1) return { type: 'Polygon', coordinates: parts[0] as Position[][] };
  return { type: 'MultiPolygon', coordinates: parts };
}

// Area-weighted centroid of the largest part, in degrees (planar is fine at this scale).
export function areaCentroid(geom: Area): Position {
  const polys = geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates;
  let best: Position = [0, 0];
  let bestA = -1;
  for (const poly of polys) {
    const ring = poly[0] ?? [];
    let a = 0, cx = 0, cy = 0;
    for (let i = 0; i < ring.length - 1; i++) {
      const [x0 = 0, y0 = 0] = ring[i] ?? [];
      const [x1 = 0, y1 = 0] = ring[i + 1] ?? [];
      const f = x0 * y1 - x1 * y0;
      a += f; cx += (x0 + x1) * f; cy += (y0 + y1) * f;
    }
    if (Math.abs(a) > bestA) {
      bestA = Math.abs(a);
      best = a === 0 ? (ring[0] ?? [0, 0]) : [cx / (3 * a), cy / (3 * a)];
    }
  }
  return best;
}

function ringsOf(geom: Area): Position[][] {
  return geom.type === 'Polygon' ? geom.coordinates : geom.coordinates.flat();
}

// Distance in metres from a point to the nearest edge of the area.
export function edgeDistanceM(geom: Area, p: Position): number {
  const [px = 0, py = 0] = p;
  const kx = metresPerDegLng(py);
  let best = Infinity;
  for (const ring of ringsOf(geom)) {
    for (let i = 0; i < ring.length - 1; i++) {
      const [ax = 0, ay = 0] = ring[i] ?? [];
      const [bx = 0, by = 0] = ring[i + 1] ?? [];
      const x1 = (ax - px) * kx, y1 = (ay - py) * M_PER_DEG_LAT;
      const x2 = (bx - px) * kx, y2 = (by - py) * M_PER_DEG_LAT;
      const dx = x2 - x1, dy = y2 - y1;
      const len2 = dx * dx + dy * dy;
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(x1 * dx + y1 * dy) / len2));
      best = Math.min(best, Math.hypot(x1 + t * dx, y1 + t * dy));
    }
  }
  return best;
}

export function contains(geom: Area, p: Position): boolean {
  return turf.booleanPointInPolygon(p, geom);
}

// A random point inside the area at least marginM from its edges (falls back to smaller margins).
export function interiorPoint(rng: Rng, geom: Area, marginM: number): Position {
  const [w, s, e, n] = turf.bbox(geom);
  for (let margin = marginM; margin >= 0.25; margin /= 2) {
    for (let tries = 0; tries < 400; tries++) {
      const p: Position = [round6(w + (e - w) * rng()), round6(s + (n - s) * rng())];
      if (contains(geom, p) && edgeDistanceM(geom, p) >= margin) return p;
    }
  }
  throw new Error('no interior point found');
}

// Irregular star-shaped blob of the given area (km²) around a centre, in degrees.
export function blob(rng: Rng, centre: Position, areaKm2: number, semiAxesM: [number, number], rotationDeg: number, vertices: number): Polygon {
  const harmonics = [2, 3, 4, 5, 7].map((k) => ({ k, amp: (0.16 / k) * (0.5 + rng()), phase: rng() * 2 * Math.PI }));
  const rot = (rotationDeg * Math.PI) / 180;
  const [cx = 0, cy = 0] = centre;
  const build = (scale: number): Polygon => {
    const ring: Position[] = [];
    for (let i = 0; i < vertices; i++) {
      const th = (2 * Math.PI * i) / vertices;
      const r = scale * (1 + harmonics.reduce((s, h) => s + h.amp * Math.cos(h.k * th + h.phase), 0));
      const x = semiAxesM[0] * r * Math.cos(th), y = semiAxesM[1] * r * Math.sin(th);
      const xr = x * Math.cos(rot) - y * Math.sin(rot), yr = x * Math.sin(rot) + y * Math.cos(rot);
      ring.push([round6(cx + xr / metresPerDegLng(cy)), round6(cy + yr / M_PER_DEG_LAT)]);
    }
    ring.push(ring[0] as Position);
    return { type: 'Polygon', coordinates: [ring] };
  };
  const first = turf.area(build(1)) / 1e6;
  return build(Math.sqrt(areaKm2 / first));
}

// Voronoi runs in local metres: d3-voronoi's 1e-6 epsilon would merge nearby seeds given in degrees.
function clipCells(parent: Area, seeds: Position[]): Area[] {
  const [w, s, e, n] = turf.bbox(parent);
  const ox = (w + e) / 2, oy = (s + n) / 2, kx = metresPerDegLng(oy);
  const toM = (p: Position): Position => [((p[0] ?? 0) - ox) * kx, ((p[1] ?? 0) - oy) * M_PER_DEG_LAT];
  const toDeg = (p: Position): Position => [ox + (p[0] ?? 0) / kx, oy + (p[1] ?? 0) / M_PER_DEG_LAT];
  const [mw = 0, ms = 0] = toM([w, s]);
  const [me = 0, mn = 0] = toM([e, n]);
  const pad = Math.max(me - mw, mn - ms);
  const cells = turf.voronoi(turf.featureCollection(seeds.map((p) => turf.point(toM(p)))), { bbox: [mw - pad, ms - pad, me + pad, mn + pad] });
  const parentFeature: Feature<Area> = turf.feature(parent);
  const out: Area[] = [];
  for (let i = 0; i < seeds.length; i++) {
    const cell = cells.features[i];
    if (!cell) throw new Error(`no voronoi cell for seed ${i}`);
    const cellDeg = turf.polygon(cell.geometry.coordinates.map((ring) => ring.map(toDeg)));
    const clipped = turf.intersect(turf.featureCollection<Area>([cellDeg, parentFeature]));
    if (!clipped) throw new Error(`voronoi cell ${i} misses its parent`);
    out.push(clipped.geometry);
  }
  return out;
}

// Tiles the parent with n cells: random seeds, a few Lloyd relaxations, Voronoi clipped by the parent.
export function tile(rng: Rng, parent: Area, n: number, relaxations: number): Area[] {
  const [w, s, e, nn] = turf.bbox(parent);
  let seeds: Position[] = [];
  while (seeds.length < n) {
    const p: Position = [w + (e - w) * rng(), s + (nn - s) * rng()];
    if (contains(parent, p)) seeds.push(p);
  }
  if (n === 1) return [roundArea(parent)];
  let cells = clipCells(parent, seeds);
  for (let k = 0; k < relaxations; k++) {
    // A centroid can fall outside a concave parent; such a seed stays where it was.
    seeds = cells.map((c, i) => {
      const q = areaCentroid(c);
      return contains(parent, q) ? q : (seeds[i] as Position);
    });
    cells = clipCells(parent, seeds);
  }
  // Number children in reading order: bands from north to south, west to east within a band.
  const bands = Math.max(1, Math.round(Math.sqrt(n)));
  const rounded = cells.map(roundArea);
  const keyed = rounded.map((g) => {
    const [x = 0, y = 0] = areaCentroid(g);
    return { g, band: Math.min(bands - 1, Math.floor(((nn - y) / (nn - s)) * bands)), x };
  });
  keyed.sort((a, b) => a.band - b.band || (a.band % 2 === 0 ? a.x - b.x : b.x - a.x));
  return keyed.map((k) => k.g);
}
