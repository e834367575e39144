// The grids as SVG paths (an equirectangular projection scaled by cos(latitude), fine over a
// street's few kilometres) and a five-step colour scale for counts: vector in the PDF, no WebGL.
import type { Feature, Geometry, Position } from 'geojson';

export interface Projected {
  id: string;
  d: string;
  /** Label point: the centre of the ring's bounding box, in SVG units. */
  cx: number;
  cy: number;
}

type Ring = Position[];

function ringsOf(geometry: Geometry): Ring[] {
  if (geometry.type === 'Polygon') return geometry.coordinates;
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.flat();
  return [];
}

/** Paths of the features fitted into width × height (aspect kept, centred). */
export function project<P extends { id: string }>(features: readonly Feature<Geometry, P>[], width: number, height: number): Projected[] {
  const all = features.flatMap((f) => ringsOf(f.geometry).flat());
  if (all.length === 0) return [];
  const lngs = all.map((p) => p[0] as number);
  const lats = all.map((p) => p[1] as number);
  const [minLng, maxLng, minLat, maxLat] = [Math.min(...lngs), Math.max(...lngs), Math.min(...lats), Math.max(...lats)];
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const spanX = Math.max(1e-9, (maxLng - minLng) * k);
  const spanY = Math.max(1e-9, maxLat - minLat);
  const scale = Math.min(width / spanX, height / spanY);
  const offX = (width - spanX * scale) / 2;
  const offY = (height - spanY * scale) / 2;
  const x = (lng: number) => offX + (lng - minLng) * k * scale;
  const y = (lat: number) => offY + (maxLat - lat) * scale;
  return features.map((f) => {
    const rings = ringsOf(f.geometry);
    const d = rings.map((ring) => ring.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p[0] as number).toFixed(1)},${y(p[1] as number).toFixed(1)}`).join('') + 'Z').join('');
    const outer = rings[0] ?? [];
    const xs = outer.map((p) => x(p[0] as number));
    const ys = outer.map((p) => y(p[1] as number));
    return { id: f.properties.id, d, cx: (Math.min(...xs) + Math.max(...xs)) / 2, cy: (Math.min(...ys) + Math.max(...ys)) / 2 };
  });
}

/** Light to dark red; index 0 is "none". */
export const HEAT_COLOURS = ['#eef2f7', '#fde2c4', '#f9b27a', '#ef7a45', '#d94a2b', '#a52a1e'] as const;

/** Upper bounds of the five steps for counts up to max (whole numbers, increasing). */
export function heatSteps(max: number): number[] {
  if (max <= 0) return [];
  const steps: number[] = [];
  for (let i = 1; i <= 5; i += 1) {
    const bound = Math.max(1, Math.ceil((max * i) / 5));
    if (steps.length === 0 || bound > (steps[steps.length - 1] as number)) steps.push(bound);
  }
  return steps;
}

export function heatColour(count: number, steps: readonly number[]): string {
  if (count <= 0) return HEAT_COLOURS[0];
  const index = steps.findIndex((bound) => count <= bound);
  return HEAT_COLOURS[Math.min(5, (index < 0 ? steps.length - 1 : index) + 1)] as string;
}
