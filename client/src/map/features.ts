// Store and street data turned into map features: incident points and community label points.
import type { Feature, FeatureCollection, Geometry, Point } from 'geojson';
import { isOpenStatus, type Incident } from '@grid141/shared';

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

/**
 * One label point per community (the area-weighted centroid of its largest ring). Labelling
 * the polygons themselves makes MapLibre place one label per tile a polygon spans, which
 * doubles names on 4K and spliced walls.
 */
export function labelPoints<P extends object>(areas: FeatureCollection<Geometry, P>): FeatureCollection<Point, P> {
  const features: Feature<Point, P>[] = [];
  for (const feature of areas.features) {
    const rings = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates[0]] : feature.geometry.type === 'MultiPolygon' ? feature.geometry.coordinates.map((p) => p[0]) : [];
    let best: { area: number; x: number; y: number } | null = null;
    for (const ring of rings) {
      if (!ring || ring.length < 4) continue;
      let twiceArea = 0;
      let cx = 0;
      let cy = 0;
      for (let i = 0; i < ring.length - 1; i++) {
        const [x0, y0] = ring[i] as number[];
        const [x1, y1] = ring[i + 1] as number[];
        const cross = (x0 as number) * (y1 as number) - (x1 as number) * (y0 as number);
        twiceArea += cross;
        cx += ((x0 as number) + (x1 as number)) * cross;
        cy += ((y0 as number) + (y1 as number)) * cross;
      }
      if (twiceArea === 0) continue;
      const area = Math.abs(twiceArea / 2);
      if (!best || area > best.area) best = { area, x: cx / (3 * twiceArea), y: cy / (3 * twiceArea) };
    }
    if (best) features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [best.x, best.y] }, properties: feature.properties });
  }
  return { type: 'FeatureCollection', features };
}
