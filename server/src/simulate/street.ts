// The street as the simulator sees it: where people live (micro-grids weighted by
// households), the canteens, high-rises and business buildings, read from data/streets/<id>/.
import fs from 'node:fs';
import path from 'node:path';
import type { LngLat } from '@grid141/shared';
import type { Rng } from './prng.ts';

type Ring = [number, number][];

export interface SimArea {
  id: string;
  communityId: string;
  weight: number;
  highRise: boolean;
  ring: Ring;
  bbox: [number, number, number, number];
}

export interface SimPoi {
  id: string;
  name: string;
  kind: string;
  communityId: string;
  location: LngLat;
  seats: number | null;
}

export interface SimStreet {
  id: string;
  timeZone: string;
  areas: SimArea[];
  /** Running totals of area weights, for a weighted pick by binary search. */
  cumulative: number[];
  communities: { id: string; name: string }[];
  canteens: SimPoi[];
  highrises: SimPoi[];
  businessBuildings: SimPoi[];
  fireStations: SimPoi[];
}

interface Feature {
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates: unknown };
}

function readFeatures(dir: string, file: string): Feature[] {
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  return (JSON.parse(text) as { features: Feature[] }).features;
}

function outerRing(geometry: Feature['geometry']): Ring {
  if (geometry.type === 'Polygon') return (geometry.coordinates as Ring[])[0] ?? [];
  if (geometry.type === 'MultiPolygon') return (geometry.coordinates as Ring[][])[0]?.[0] ?? [];
  return [];
}

function bboxOf(ring: Ring): [number, number, number, number] {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of ring) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  return [minX, minY, maxX, maxY];
}

function toPoi(f: Feature): SimPoi {
  const [lng, lat] = f.geometry.coordinates as [number, number];
  const p = f.properties;
  return {
    id: String(p.id),
    name: String(p.name),
    kind: String(p.kind),
    communityId: String(p.communityId),
    location: { lng, lat },
    seats: typeof p.seats === 'number' ? p.seats : null,
  };
}

export function loadSimStreet(streetsDir: string, streetId: string): SimStreet {
  const dir = path.join(streetsDir, streetId);
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'street.json'), 'utf8')) as { id: string; timeZone: string };
  const areas: SimArea[] = readFeatures(dir, 'microgrids.geojson').map((f) => {
    const ring = outerRing(f.geometry);
    return {
      id: String(f.properties.id),
      communityId: String(f.properties.communityId),
      // Reports follow people: households, with a floor so empty commercial cells still see some.
      weight: Math.max(5, Number(f.properties.households) || 0),
      highRise: f.properties.highRise === true,
      ring,
      bbox: bboxOf(ring),
    };
  });
  let total = 0;
  const cumulative = areas.map((a) => (total += a.weight));
  const pois = readFeatures(dir, 'pois.geojson').map(toPoi);
  const communities = readFeatures(dir, 'communities.geojson').map((f) => ({ id: String(f.properties.id), name: String(f.properties.name) }));
  return {
    id: meta.id,
    timeZone: meta.timeZone,
    areas,
    cumulative,
    communities,
    canteens: pois.filter((p) => p.kind === 'canteen' || p.kind === 'meal_point'),
    highrises: pois.filter((p) => p.kind === 'highrise'),
    businessBuildings: pois.filter((p) => p.kind === 'business_building'),
    fireStations: pois.filter((p) => p.kind === 'fire_station'),
  };
}

function inside(ring: Ring, x: number, y: number): boolean {
  let odd = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
  }
  return odd;
}

export function pickArea(street: SimStreet, rng: Rng): SimArea {
  const total = street.cumulative[street.cumulative.length - 1] ?? 0;
  const r = rng.next() * total;
  let lo = 0;
  let hi = street.cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((street.cumulative[mid] ?? 0) > r) hi = mid;
    else lo = mid + 1;
  }
  const area = street.areas[lo];
  if (!area) throw new Error('the street has no micro-grids');
  return area;
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** A point inside the area (rejection sampling in its bbox; the bbox centre as a last resort). */
export function pointIn(area: SimArea, rng: Rng): LngLat {
  const [minX, minY, maxX, maxY] = area.bbox;
  for (let i = 0; i < 30; i += 1) {
    const x = rng.uniform(minX, maxX);
    const y = rng.uniform(minY, maxY);
    if (inside(area.ring, x, y)) return { lng: round6(x), lat: round6(y) };
  }
  return { lng: round6((minX + maxX) / 2), lat: round6((minY + maxY) / 2) };
}

/** A point within a few metres of a POI (a door, a queue, a yard). */
export function near(poi: SimPoi, rng: Rng, metres = 15): LngLat {
  const d = metres / 111_000;
  return { lng: round6(poi.location.lng + rng.uniform(-d, d)), lat: round6(poi.location.lat + rng.uniform(-d, d)) };
}
