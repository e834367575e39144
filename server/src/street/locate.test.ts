// The locator must agree with turf on where a point lies, snap near misses, and be fast.
import { fileURLToPath } from 'node:url';
import * as turf from '@turf/turf';
import type { AreaGeometry } from '@grid141/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { benchmarkLocate } from './bench-locate.ts';
import { loadStreet, type LoadedStreet } from './load.ts';
import { createLocator, SNAP_DISTANCE_M, type Locator } from './locate.ts';

const streetsDir = fileURLToPath(new URL('../../../data/streets', import.meta.url));
let street: LoadedStreet;
let locator: Locator;

// Seeded so a failure can be replayed.
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a * 16807) % 2147483647;
    return a / 2147483647;
  };
}

// Distance from a point to the nearest edge of an area, by turf (independent of the locator's own maths).
function edgeDistanceM(p: [number, number], geom: AreaGeometry): number {
  const rings = geom.type === 'Polygon' ? geom.coordinates : geom.coordinates.flat();
  return Math.min(...rings.map((ring) => turf.pointToLineDistance(p, turf.lineString(ring), { units: 'meters' })));
}

beforeAll(async () => {
  street = await loadStreet(streetsDir, 'shiyoulu');
  locator = createLocator(street);
});

describe('createLocator', () => {
  it('puts every POI in the grid, micro-grid and community it names', () => {
    for (const p of street.pois.features) {
      const [lng = 0, lat = 0] = p.geometry.coordinates;
      expect(locator.locate(lng, lat), p.properties.id).toEqual({
        gridId: p.properties.gridId, microGridId: p.properties.microGridId, communityId: p.properties.communityId, outsideArea: false,
      });
    }
  });

  it('puts random points well inside each grid in that grid', () => {
    const r = rng(7);
    for (const g of street.grids.features) {
      const [w, s, e, n] = turf.bbox(g);
      let found = 0;
      for (let tries = 0; found < 4 && tries < 500; tries++) {
        const p = [w + (e - w) * r(), s + (n - s) * r()] as [number, number];
        if (!turf.booleanPointInPolygon(p, g)) continue;
        if (edgeDistanceM(p, g.geometry) < 1) continue;
        found++;
        const placed = locator.locate(p[0], p[1]);
        expect(placed.gridId, `${p} should be in ${g.properties.id}`).toBe(g.properties.id);
        expect(placed.communityId).toBe(g.properties.communityId);
        expect(street.microgrids.features.find((m) => m.properties.id === placed.microGridId)?.properties.gridId).toBe(g.properties.id);
      }
      expect(found, `interior points of ${g.properties.id}`).toBe(4);
    }
  });

  it('agrees with a plain turf search on random points across the street', () => {
    const r = rng(11);
    const [w, s, e, n] = street.meta.bbox;
    for (let i = 0; i < 300; i++) {
      const p = [w + (e - w) * r(), s + (n - s) * r()] as [number, number];
      const hit = street.microgrids.features.find((m) => turf.booleanPointInPolygon(p, m));
      if (hit) expect(locator.locate(p[0], p[1]).microGridId, `${p}`).toBe(hit.properties.id);
    }
  });

  it('gives a point 50 m outside the boundary to the nearest grid', () => {
    const ring = street.boundary.features[0]?.geometry.coordinates[0] as number[][];
    const { lng, lat } = street.meta.centre;
    for (const v of [ring[0], ring[Math.floor(ring.length / 3)], ring[Math.floor((2 * ring.length) / 3)]] as number[][]) {
      const bearing = turf.bearing([lng, lat], v as [number, number]);
      const p = turf.destination(v as [number, number], 50, bearing, { units: 'meters' }).geometry.coordinates as [number, number];
      expect(turf.booleanPointInPolygon(p, street.boundary.features[0]!), 'test point must be outside').toBe(false);
      const dist = (g: (typeof street.grids.features)[number]) => edgeDistanceM(p, g.geometry);
      const nearest = [...street.grids.features].sort((a, b) => dist(a) - dist(b))[0]!;
      expect(dist(nearest)).toBeLessThan(SNAP_DISTANCE_M);
      const placed = locator.locate(p[0], p[1]);
      expect(placed).toMatchObject({ gridId: nearest.properties.id, communityId: nearest.properties.communityId, outsideArea: false });
      expect(street.microgrids.features.find((m) => m.properties.id === placed.microGridId)?.properties.gridId).toBe(nearest.properties.id);
    }
  });

  it('marks a point 5 km away as outside the area', () => {
    const { lng, lat } = street.meta.centre;
    const p = turf.destination([lng, lat], 5, 45, { units: 'kilometers' }).geometry.coordinates;
    expect(locator.locate(p[0]!, p[1]!)).toEqual({ gridId: null, microGridId: null, communityId: null, outsideArea: true });
    expect(locator.locate(Number.NaN, lat).outsideArea).toBe(true);
  });

  it('tells points beyond the service area (20 km from the boundary by default) by turf\'s distance', () => {
    const boundary = street.boundary.features[0]!;
    const turfDistanceM = (p: [number, number]) =>
      turf.booleanPointInPolygon(p, boundary) ? 0 : edgeDistanceM(p, boundary.geometry);
    expect(locator.serviceAreaM).toBe(20_000);
    // Null Island, a swapped lng/lat, another city.
    expect(locator.outsideServiceArea(0, 0)).toBe(true);
    const { lng, lat } = street.meta.centre;
    expect(locator.outsideServiceArea(lat, lng)).toBe(true);
    expect(locator.outsideServiceArea(116.39, 39.9)).toBe(true);
    expect(locator.outsideServiceArea(Number.NaN, lat)).toBe(true);
    expect(locator.outsideServiceArea(lng, lat)).toBe(false);
    const r = rng(31);
    const ring = boundary.geometry.coordinates[0] as number[][];
    for (let i = 0; i < 400; i++) {
      const v = ring[Math.floor(r() * (ring.length - 1))] as [number, number];
      const p = turf.destination(v, 1 + 39 * r(), 360 * r() - 180, { units: 'kilometers' }).geometry.coordinates as [number, number];
      const d = turfDistanceM(p);
      // turf measures on a sphere, the locator with the street's own metres per degree (110,540 m per
      // degree of latitude): they differ by under 1 %.
      expect(Math.abs(locator.boundaryDistanceM(p[0], p[1]) - d), `${p}`).toBeLessThan(Math.max(5, d * 0.01));
      // Away from the 20 km line both must agree exactly.
      if (Math.abs(d - 20_000) > 250) expect(locator.outsideServiceArea(p[0], p[1]), `${p} at ${d} m`).toBe(d > 20_000);
    }
    const narrow = createLocator(street, { serviceAreaM: 1000 });
    const east = ring.reduce((a, b) => ((b[0] as number) > (a[0] as number) ? b : a)) as [number, number];
    expect(narrow.outsideServiceArea(...(turf.destination(east, 900, 90, { units: 'meters' }).geometry.coordinates as [number, number]))).toBe(false);
    expect(narrow.outsideServiceArea(...(turf.destination(east, 1100, 90, { units: 'meters' }).geometry.coordinates as [number, number]))).toBe(true);
  });

  it('answers exactly as without the far-outside raster, also just inside and outside the 100 m', () => {
    const plain = createLocator(street, { farRaster: false });
    const r = rng(23);
    const points: [number, number][] = [];
    // Random points over the street's box grown by about 300 m.
    const [w, s, e, n] = street.meta.bbox;
    const gx = 300 / (111_320 * Math.cos((n * Math.PI) / 180)), gy = 300 / 110_540;
    for (let i = 0; i < 50_000; i++) points.push([w - gx + (e - w + 2 * gx) * r(), s - gy + (n - s + 2 * gy) * r()]);
    // Points around the snapping distance and the raster's edge: from a random point of the boundary,
    // a random way, 95–140 m, and many within a metre of 100 m.
    const ring = street.boundary.features[0]?.geometry.coordinates[0] as number[][];
    for (let i = 0; i < 20_000; i++) {
      const k = Math.floor(r() * (ring.length - 1));
      const a = ring[k] as number[], b = ring[k + 1] as number[], t = r();
      const from: [number, number] = [a[0]! + (b[0]! - a[0]!) * t, a[1]! + (b[1]! - a[1]!) * t];
      const metres = i % 2 === 0 ? 95 + 45 * r() : SNAP_DISTANCE_M - 1 + 2 * r();
      points.push(turf.destination(from, metres, 360 * r() - 180, { units: 'meters' }).geometry.coordinates as [number, number]);
    }
    let outside = 0;
    for (const [lng, lat] of points) {
      const placed = locator.locate(lng, lat);
      expect(placed, `${lng},${lat}`).toEqual(plain.locate(lng, lat));
      if (placed.outsideArea) outside++;
    }
    // Both kinds of answer are well represented, so the comparison covers the raster.
    expect(outside).toBeGreaterThan(10_000);
    expect(points.length - outside).toBeGreaterThan(10_000);
  });

  it('is far faster than a plain turf loop over every micro-grid', () => {
    const result = benchmarkLocate(street, 200_000, 200);
    // The bench target is ≥ 50×; the test leaves room for a machine shared with other jobs.
    expect(result.speedup).toBeGreaterThan(20);
    expect(result.placedShare).toBeGreaterThan(0.5);
  });
});
