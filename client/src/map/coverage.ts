// The canteens' and meal points' walking coverage as one shape. In its own module: the polygon
// clipping (polyclip-ts with bignumber.js, ~15 KB gzipped) is loaded after the map has drawn.
import circle from '@turf/circle';
import intersect from '@turf/intersect';
import union from '@turf/union';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { AreaProps, StreetGeo } from './geoData.ts';

export const MEAL_KINDS = ['canteen', 'meal_point'] as const;
/** 15 minutes at an older person's pace (~3.2 km/h) when the data gives no radius. */
const DEFAULT_COVERAGE_M = 800;

/**
 * Where the street is within a 15-minute walk of a canteen or meal point: the union of their
 * coverage circles cut to the street boundary, as one shape. One dashed circle per point
 * overlapped each other and ran far outside the street; what counts is which parts are covered.
 */
export function coverageArea(pois: StreetGeo['pois'], boundary: StreetGeo['boundary']): FeatureCollection<Polygon | MultiPolygon> {
  const circles = pois.features
    .filter((poi) => (MEAL_KINDS as readonly string[]).includes(poi.properties.kind))
    .map((poi) => circle(poi.geometry.coordinates, (poi.properties.coverageRadiusM ?? DEFAULT_COVERAGE_M) / 1000, { steps: 64, units: 'kilometers' }));
  const street = boundary.features.filter((f): f is Feature<Polygon | MultiPolygon, AreaProps> => f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon');
  // @turf/union wants two shapes or more.
  const covered = circles.length > 1 ? union({ type: 'FeatureCollection', features: circles }) : (circles[0] ?? null);
  if (!covered) return { type: 'FeatureCollection', features: [] };
  const clipped = street.map((part) => intersect({ type: 'FeatureCollection', features: [covered, part] }));
  return { type: 'FeatureCollection', features: clipped.filter((f) => f !== null) };
}
