import { describe, expect, it } from 'vitest';
import type { Feature, Point } from 'geojson';
import { coverageArea } from './coverage.ts';
import type { PoiProps, StreetGeo } from './geoData.ts';

describe('walking coverage', () => {
  const poi = (id: string, kind: string, lng: number, coverageRadiusM?: number): Feature<Point, PoiProps> => ({
    type: 'Feature',
    properties: { id, name: id, kind, coverageRadiusM },
    geometry: { type: 'Point', coordinates: [lng, 0] },
  });
  // A street 0.035° wide (~3.9 km) and 0.01° tall at the equator: two 1 km circles near its west end.
  const street: StreetGeo['boundary'] = {
    type: 'FeatureCollection',
    features: [{ type: 'Feature', properties: { id: 's', name: 's' }, geometry: { type: 'Polygon', coordinates: [[[-0.005, -0.005], [0.03, -0.005], [0.03, 0.005], [-0.005, 0.005], [-0.005, -0.005]]] } }],
  };
  const bounds = (coords: number[][]) => [Math.min(...coords.map((c) => c[0]!)), Math.max(...coords.map((c) => c[0]!)), Math.min(...coords.map((c) => c[1]!)), Math.max(...coords.map((c) => c[1]!))];

  it('is one shape, the union of the meal points\' circles cut to the street', () => {
    const pois: StreetGeo['pois'] = {
      type: 'FeatureCollection',
      features: [poi('a', 'canteen', 0, 1000), poi('b', 'meal_point', 0.01, 1000), poi('f', 'fire_station', 0.025), poi('h', 'highrise', 0.028)],
    };
    const area = coverageArea(pois, street);
    expect(area.features).toHaveLength(1);
    const geometry = area.features[0]!.geometry;
    expect(geometry.type).toBe('Polygon');
    if (geometry.type !== 'Polygon') return;
    expect(geometry.coordinates).toHaveLength(1);
    const [west, east, south, north] = bounds(geometry.coordinates[0]!);
    // Cut to the street on three sides; to the east it ends 1 km (~0.009°) past the second point.
    expect([west, south, north]).toEqual([-0.005, -0.005, 0.005]);
    expect(east).toBeGreaterThan(0.0185);
    expect(east).toBeLessThan(0.0191);
  });

  it('works for a single meal point, and is empty without one', () => {
    const one = coverageArea({ type: 'FeatureCollection', features: [poi('b', 'meal_point', 0.02, 500)] }, street);
    expect(one.features).toHaveLength(1);
    expect(coverageArea({ type: 'FeatureCollection', features: [poi('f', 'fire_station', 0)] }, street).features).toEqual([]);
  });
});
