// Places a WGS84 point in its grid: flatbush bbox index + ray casting on precomputed flat rings.
import Flatbush from 'flatbush';
import type { AreaGeometry } from '@grid141/shared';
import type { LoadedStreet } from './load.ts';

/** Frozen and shared between calls (no allocation per point): copy it before changing anything. */
export interface Placement {
  readonly gridId: string | null;
  readonly microGridId: string | null;
  readonly communityId: string | null;
  readonly outsideArea: boolean;
}

export interface Locator {
  locate(lng: number, lat: number): Placement;
}

/** Points within this distance of a grid, but in none, are given to the nearest grid. */
export const SNAP_DISTANCE_M = 100;
const M_PER_DEG_LAT = 110_540;
const SNAP2 = SNAP_DISTANCE_M * SNAP_DISTANCE_M;

interface Shape {
  rings: Float64Array[];
  gridId: string;
  microGridId: string | null;
  communityId: string;
  placement: Placement;
}

function flatRings(geom: AreaGeometry): Float64Array[] {
  const polys = geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates;
  return polys.flat().map((ring) => Float64Array.from(ring.flat()));
}

// Even-odd rule over every ring: holes and separate parts come out right without bookkeeping.
function inside(rings: Float64Array[], x: number, y: number): boolean {
  let odd = false;
  for (const r of rings) {
    const n = r.length;
    for (let i = 0, j = n - 2; i < n; j = i, i += 2) {
      const yi = r[i + 1] as number, yj = r[j + 1] as number;
      if (yi > y !== yj > y) {
        const xi = r[i] as number, xj = r[j] as number;
        if (x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
      }
    }
  }
  return odd;
}

// Squared distance in m² from the point to the nearest ring edge (local equirectangular metres).
function distance2(rings: Float64Array[], x: number, y: number, kx: number, stopBelow2 = 0): number {
  let best = Infinity;
  for (const r of rings) {
    for (let i = 0; i + 3 < r.length; i += 2) {
      const ax = ((r[i] as number) - x) * kx, ay = ((r[i + 1] as number) - y) * M_PER_DEG_LAT;
      const dx = ((r[i + 2] as number) - x) * kx - ax, dy = ((r[i + 3] as number) - y) * M_PER_DEG_LAT - ay;
      const len2 = dx * dx + dy * dy;
      let t = len2 === 0 ? 0 : -(ax * dx + ay * dy) / len2;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const ex = ax + t * dx, ey = ay + t * dy;
      const d2 = ex * ex + ey * ey;
      if (d2 < best) {
        best = d2;
        if (best <= stopBelow2) return best;
      }
    }
  }
  return best;
}

function buildIndex(shapes: Shape[]): Flatbush {
  // Node size 8 measured ~30 % faster than the default 16 for point queries here.
  const index = new Flatbush(Math.max(1, shapes.length), 8);
  for (const s of shapes) {
    let w = Infinity, so = Infinity, e = -Infinity, n = -Infinity;
    for (const r of s.rings) {
      for (let i = 0; i < r.length; i += 2) {
        const x = r[i] as number, y = r[i + 1] as number;
        if (x < w) w = x; if (x > e) e = x; if (y < so) so = y; if (y > n) n = y;
      }
    }
    index.add(w, so, e, n);
  }
  if (shapes.length === 0) index.add(0, 0, 0, 0);
  index.finish();
  return index;
}

function place(gridId: string, communityId: string, microGridId: string | null): Placement {
  return Object.freeze({ gridId, microGridId, communityId, outsideArea: false });
}

const OUTSIDE: Placement = Object.freeze({ gridId: null, microGridId: null, communityId: null, outsideArea: true });

export function createLocator(street: LoadedStreet): Locator {
  const micro: Shape[] = street.microgrids.features.map((f) => ({
    rings: flatRings(f.geometry), gridId: f.properties.gridId, microGridId: f.properties.id, communityId: f.properties.communityId,
    placement: place(f.properties.gridId, f.properties.communityId, f.properties.id),
  }));
  const grids: Shape[] = street.grids.features.map((f) => ({
    rings: flatRings(f.geometry), gridId: f.properties.id, microGridId: null, communityId: f.properties.communityId,
    placement: place(f.properties.id, f.properties.communityId, null),
  }));
  // The boundary is the union of the grids, so one ring answers "far outside" cheaply.
  const boundaryRings = street.boundary.features.flatMap((f) => flatRings(f.geometry));
  let bw = Infinity, bs = Infinity, be = -Infinity, bn = -Infinity;
  for (const r of boundaryRings) {
    for (let i = 0; i < r.length; i += 2) {
      const x = r[i] as number, y = r[i + 1] as number;
      bw = Math.min(bw, x); be = Math.max(be, x); bs = Math.min(bs, y); bn = Math.max(bn, y);
    }
  }
  const padLat = SNAP_DISTANCE_M / M_PER_DEG_LAT, padLng = SNAP_DISTANCE_M / (111_320 * Math.cos((bn * Math.PI) / 180));
  const outerW = bw - padLng, outerE = be + padLng, outerS = bs - padLat, outerN = bn + padLat;
  const microIndex = buildIndex(micro);
  const gridIndex = buildIndex(grids);

  // Nearest shape (optionally only of one grid) within maxM metres, by exact distance to its edges.
  const nearest = (shapes: Shape[], index: Flatbush, x: number, y: number, maxM: number, gridId?: string) => {
    const kx = (111_320 * Math.cos((y * Math.PI) / 180));
    const dx = maxM / kx, dy = maxM / M_PER_DEG_LAT;
    let best: Shape | null = null, bestD = Infinity;
    for (const i of index.search(x - dx, y - dy, x + dx, y + dy)) {
      const s = shapes[i] as Shape;
      if (gridId !== undefined && s.gridId !== gridId) continue;
      const d = inside(s.rings, x, y) ? 0 : Math.sqrt(distance2(s.rings, x, y, kx));
      if (d <= maxM && d < bestD) { best = s; bestD = d; }
    }
    return best ? { shape: best, distance: bestD } : null;
  };

  return {
    locate(lng: number, lat: number): Placement {
      if (!Number.isFinite(lng) || !Number.isFinite(lat)) return OUTSIDE;
      const hits = microIndex.search(lng, lat, lng, lat);
      for (let k = 0; k < hits.length; k++) {
        const s = micro[hits[k] as number] as Shape;
        if (inside(s.rings, lng, lat)) return s.placement;
      }
      // Not in any micro-grid: inside a grid (a rounding seam), or near one, or outside the street.
      const kx = 111_320 * Math.cos((lat * Math.PI) / 180);
      if (lng < outerW || lng > outerE || lat < outerS || lat > outerN) return OUTSIDE;
      if (!inside(boundaryRings, lng, lat) && distance2(boundaryRings, lng, lat, kx, SNAP2) > SNAP2) return OUTSIDE;
      let grid: Shape | null = null;
      for (const i of gridIndex.search(lng, lat, lng, lat)) {
        const s = grids[i] as Shape;
        if (inside(s.rings, lng, lat)) { grid = s; break; }
      }
      let gridDistance = 0;
      if (!grid) {
        const near = nearest(grids, gridIndex, lng, lat, SNAP_DISTANCE_M);
        if (!near) return OUTSIDE;
        grid = near.shape;
        gridDistance = near.distance;
      }
      // The grid's edge is made of its micro-grids' edges, so the nearest one is about as far as the grid.
      const m = nearest(micro, microIndex, lng, lat, gridDistance + 1, grid.gridId)
        ?? nearest(micro, microIndex, lng, lat, SNAP_DISTANCE_M * 2, grid.gridId);
      return place(grid.gridId, grid.communityId, m?.shape.microGridId ?? null);
    },
  };
}
