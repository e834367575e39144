// The street's own GeoJSON, served by Grid141 (GET /api/v1/geo/*.geojson); roads are optional.
import type { FeatureCollection, Geometry, Point } from 'geojson';
import { getJson, getOptionalJson } from '../live/api.ts';

export interface AreaProps {
  id: string;
  name: string;
  nameEn?: string;
  communityId?: string;
  gridId?: string;
  population?: number;
  households?: number;
  leader?: string;
}

export interface PoiProps {
  id: string;
  name: string;
  kind: string;
  communityId?: string;
  gridId?: string;
  coverageRadiusM?: number;
  floors?: number;
}

export interface StreetGeo {
  boundary: FeatureCollection<Geometry, AreaProps>;
  communities: FeatureCollection<Geometry, AreaProps>;
  grids: FeatureCollection<Geometry, AreaProps>;
  pois: FeatureCollection<Point, PoiProps>;
  roads: FeatureCollection<Geometry, { id: string; name: string; class: string }> | null;
}

const BASE = '/api/v1/geo';

let prefetched: Promise<StreetGeo> | null = null;

/**
 * Starts the GeoJSON downloads from the entry chunk, before the wall's own chunk (MapLibre,
 * ECharts) has arrived and run: the map then finds its data waiting instead of asking for it
 * only once the charts are set up.
 */
export function prefetchStreetGeo(): void {
  prefetched ??= fetchStreetGeo();
  // A failed prefetch is retried by the map's own load; keep the rejection from being unhandled.
  prefetched.catch(() => undefined);
}

/** The street's GeoJSON: the prefetched downloads the first time (once), else fresh ones. */
export function loadStreetGeo(signal?: AbortSignal): Promise<StreetGeo> {
  const early = prefetched;
  prefetched = null;
  return early ? early.catch(() => fetchStreetGeo(signal)) : fetchStreetGeo(signal);
}

async function fetchStreetGeo(signal?: AbortSignal): Promise<StreetGeo> {
  const [boundary, communities, grids, pois, roads] = await Promise.all([
    getJson<StreetGeo['boundary']>(`${BASE}/boundary.geojson`, signal),
    getJson<StreetGeo['communities']>(`${BASE}/communities.geojson`, signal),
    getJson<StreetGeo['grids']>(`${BASE}/grids.geojson`, signal),
    getJson<StreetGeo['pois']>(`${BASE}/pois.geojson`, signal),
    getOptionalJson<NonNullable<StreetGeo['roads']>>(`${BASE}/roads.geojson`, signal).catch(() => null),
  ]);
  return { boundary, communities, grids, pois, roads };
}

/** [west, south, east, north] of every coordinate in a collection. */
export function bboxOf(collection: FeatureCollection): [number, number, number, number] {
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (coords: unknown): void => {
    if (Array.isArray(coords) && typeof coords[0] === 'number') {
      const [x, y] = coords as [number, number];
      box[0] = Math.min(box[0], x);
      box[1] = Math.min(box[1], y);
      box[2] = Math.max(box[2], x);
      box[3] = Math.max(box[3], y);
    } else if (Array.isArray(coords)) coords.forEach(visit);
  };
  for (const feature of collection.features) {
    if (feature.geometry && 'coordinates' in feature.geometry) visit(feature.geometry.coordinates);
  }
  return box;
}
