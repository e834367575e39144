// Store data turned into map features: incident points and the canteens' walking coverage.
import circle from '@turf/circle';
import type { Feature, FeatureCollection, Point, Polygon } from 'geojson';
import { isOpenStatus, type Incident } from '@grid141/shared';
import type { PoiProps, StreetGeo } from './geoData.ts';

export interface IncidentPointProps {
  id: string;
  colour: string;
  urgency: string;
  critical: boolean;
  open: boolean;
  overdue: boolean;
}

/** Incidents inside the street as points; the outside ones have no grid to show them in. */
export function incidentPoints(incidents: readonly Incident[]): FeatureCollection<Point, IncidentPointProps> {
  const features: Feature<Point, IncidentPointProps>[] = [];
  for (const incident of incidents) {
    if (incident.outsideArea) continue;
    const open = isOpenStatus(incident.status);
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [incident.location.lng, incident.location.lat] },
      properties: {
        id: incident.id,
        colour: incident.colour,
        urgency: incident.urgency,
        critical: incident.urgency === 'critical' && open,
        open,
        overdue: incident.overdue,
      },
    });
  }
  return { type: 'FeatureCollection', features };
}

export const MEAL_KINDS = ['canteen', 'meal_point'] as const;
/** 15 minutes at an older person's pace (~3.2 km/h) when the data gives no radius. */
const DEFAULT_COVERAGE_M = 800;

export function coverageAreas(pois: StreetGeo['pois']): FeatureCollection<Polygon, PoiProps> {
  const features = pois.features
    .filter((poi) => (MEAL_KINDS as readonly string[]).includes(poi.properties.kind))
    .map((poi) =>
      circle(poi.geometry.coordinates, (poi.properties.coverageRadiusM ?? DEFAULT_COVERAGE_M) / 1000, {
        steps: 64,
        units: 'kilometers',
        properties: poi.properties,
      }),
    );
  return { type: 'FeatureCollection', features };
}
