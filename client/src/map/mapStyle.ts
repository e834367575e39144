// The map's style, built only from Grid141's own GeoJSON: no tiles, no sprite, no glyph server
// (labels are drawn locally by MapLibre from the self-hosted Noto Sans SC, see labelFont.ts).
// The one exception is a raster basemap the server is configured with (BASEMAP_TILES), dimmed
// under the street's own layers.
import { COLOURS, type Basemap } from '@grid141/shared';
import type { ExpressionSpecification, StyleSpecification } from './maplibre.ts';
import type { FeatureCollection } from 'geojson';
import type { StreetGeo } from './geoData.ts';
import { labelPoints } from './features.ts';

export const LABEL_FONT = 'Noto Sans SC';
const empty = (): FeatureCollection => ({ type: 'FeatureCollection', features: [] });

/** 三事三色 from the shared taxonomy: whose matter it is. */
export function matterColourExpression(): ExpressionSpecification {
  const pairs = COLOURS.flatMap((c) => [c.code, c.colour]);
  return ['match', ['get', 'colour'], ...pairs, '#9aa8bd'] as unknown as ExpressionSpecification;
}

/** Heat classes of today's incidents per grid: upper bounds of each class and its colour. */
export const HEAT_COLOURS = ['#13243d', '#1d4f7a', '#2f7fb0', '#5fb3d6', '#a8e0f0'];

export function heatSteps(max: number): number[] {
  const top = Math.max(4, max);
  // Four non-empty classes of equal width, rounded up so the legend shows whole numbers.
  const width = Math.ceil(top / 4);
  return [1, 1 + width, 1 + 2 * width, 1 + 3 * width];
}

export function heatExpression(max: number): ExpressionSpecification {
  const steps = heatSteps(max);
  const stops = steps.flatMap((bound, i) => [bound, HEAT_COLOURS[i + 1] ?? '#a8e0f0']);
  return ['step', ['coalesce', ['feature-state', 'count'], 0], HEAT_COLOURS[0] ?? '#13243d', ...stops] as unknown as ExpressionSpecification;
}

/** The configured basemap's source and layer: dimmed and desaturated so the dark wall stays dark. */
function basemapParts(basemap: Basemap | null): Pick<StyleSpecification, 'sources' | 'layers'> {
  if (!basemap) return { sources: {}, layers: [] };
  return {
    sources: {
      basemap: {
        type: 'raster',
        tiles: [basemap.tiles],
        tileSize: 256,
        maxzoom: 19,
        ...(basemap.attribution ? { attribution: basemap.attribution } : {}),
      },
    },
    layers: [{ id: 'basemap', type: 'raster', source: 'basemap', paint: { 'raster-opacity': 0.55, 'raster-saturation': -0.7, 'raster-brightness-max': 0.55 } }],
  };
}

/**
 * `labelsHidden`: the community labels wait for their font (see useGridMap), the rest draws at once.
 * `basemap`: the server's external basemap, or null (the default: nothing leaves Grid141).
 */
export function buildStyle(geo: StreetGeo, scale: number, labelsHidden = false, basemap: Basemap | null = null): StyleSpecification {
  const u = (n: number) => n * scale;
  const roads = geo.roads ?? empty();
  const under = basemapParts(basemap);
  // Over a basemap the street's own fills let it show through; without one they are the ground.
  const ground = basemap ? 0.55 : 1;
  return {
    version: 8,
    name: 'grid141',
    sources: {
      ...under.sources,
      boundary: { type: 'geojson', data: geo.boundary },
      communities: { type: 'geojson', data: geo.communities, promoteId: 'id' },
      communityLabels: { type: 'geojson', data: labelPoints(geo.communities) },
      grids: { type: 'geojson', data: geo.grids, promoteId: 'id' },
      roads: { type: 'geojson', data: roads },
      pois: { type: 'geojson', data: geo.pois, promoteId: 'id' },
      // Filled in once the map has drawn (useGridMap): the union of the coverage circles takes a while.
      coverage: { type: 'geojson', data: empty() },
      incidents: { type: 'geojson', data: empty(), cluster: true, clusterMaxZoom: 13, clusterRadius: 36, promoteId: 'id' },
      critical: { type: 'geojson', data: empty(), promoteId: 'id' },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#040a14' } },
      ...under.layers,
      { id: 'boundary-fill', type: 'fill', source: 'boundary', paint: { 'fill-color': '#0c1a2e', 'fill-opacity': ground } },
      { id: 'grid-heat', type: 'fill', source: 'grids', paint: { 'fill-color': heatExpression(0), 'fill-opacity': 0.85 * ground } },
      {
        id: 'grid-hover',
        type: 'fill',
        source: 'grids',
        paint: { 'fill-color': '#4fc3ff', 'fill-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 0.35, 0] },
      },
      {
        id: 'roads',
        type: 'line',
        source: 'roads',
        paint: {
          'line-color': '#33527a',
          'line-opacity': 0.9,
          'line-width': ['match', ['get', 'class'], 'main', u(3), 'secondary', u(2), u(1)],
        },
      },
      { id: 'grid-line', type: 'line', source: 'grids', paint: { 'line-color': '#3f6ea8', 'line-width': u(0.8), 'line-opacity': 0.7 } },
      // One shape: the part of the street within a 15-minute walk of a meal point; the rest stays unfilled.
      { id: 'coverage-fill', type: 'fill', source: 'coverage', paint: { 'fill-color': '#35c28a', 'fill-opacity': 0.12 } },
      { id: 'coverage-line', type: 'line', source: 'coverage', paint: { 'line-color': '#35c28a', 'line-width': u(1.5), 'line-opacity': 0.85 } },
      { id: 'community-line', type: 'line', source: 'communities', paint: { 'line-color': '#8fc8ff', 'line-width': u(2.2) } },
      { id: 'boundary-line', type: 'line', source: 'boundary', paint: { 'line-color': '#4fc3ff', 'line-width': u(3.5) } },
      {
        id: 'highrises',
        type: 'circle',
        source: 'pois',
        filter: ['==', ['get', 'kind'], 'highrise'],
        paint: { 'circle-radius': u(2.2), 'circle-color': '#7d8fb0', 'circle-opacity': 0.75 },
      },
      {
        id: 'canteens',
        type: 'circle',
        source: 'pois',
        filter: ['in', ['get', 'kind'], ['literal', ['canteen', 'meal_point']]],
        paint: {
          'circle-radius': u(7),
          'circle-color': '#35c28a',
          'circle-stroke-color': '#eafff5',
          'circle-stroke-width': u(2),
        },
      },
      {
        id: 'fire-stations',
        type: 'circle',
        source: 'pois',
        filter: ['==', ['get', 'kind'], 'fire_station'],
        paint: {
          'circle-radius': u(7),
          'circle-color': '#ff4d3d',
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': u(2.5),
        },
      },
      {
        id: 'incident-clusters',
        type: 'circle',
        source: 'incidents',
        filter: ['has', 'point_count'],
        paint: {
          'circle-color': '#1a3a66',
          'circle-stroke-color': '#cfe6ff',
          'circle-stroke-width': u(2),
          'circle-radius': ['interpolate', ['linear'], ['get', 'point_count'], 2, u(13), 20, u(19), 100, u(26)],
        },
      },
      {
        id: 'incident-cluster-count',
        type: 'symbol',
        source: 'incidents',
        filter: ['has', 'point_count'],
        layout: { 'text-field': ['get', 'point_count_abbreviated'], 'text-font': [LABEL_FONT], 'text-size': u(15), 'text-allow-overlap': true },
        paint: { 'text-color': '#ffffff' },
      },
      {
        id: 'incident-points',
        type: 'circle',
        source: 'incidents',
        filter: ['!', ['has', 'point_count']],
        paint: {
          'circle-color': matterColourExpression(),
          'circle-radius': u(6),
          // Overdue: a thick white rim; urgency has its own ring layer below, never the fill colour.
          'circle-stroke-color': ['case', ['get', 'overdue'], '#ffffff', '#0b1628'],
          'circle-stroke-width': ['case', ['get', 'overdue'], u(2.5), u(1.2)],
        },
      },
      {
        id: 'critical-core',
        type: 'circle',
        source: 'critical',
        paint: {
          'circle-color': matterColourExpression(),
          'circle-radius': u(8),
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': u(3),
        },
      },
      {
        id: 'community-labels',
        type: 'symbol',
        source: 'communityLabels',
        layout: {
          visibility: labelsHidden ? 'none' : 'visible',
          'text-field': ['get', 'name'],
          'text-font': [LABEL_FONT],
          'text-size': u(17),
          'text-allow-overlap': true,
          'text-padding': u(4),
        },
        paint: { 'text-color': '#e6f2ff', 'text-halo-color': '#040a14', 'text-halo-width': u(2) },
      },
    ],
  };
}

/** Layer ids per toggle; the toggles switch their visibility only. */
export const LAYER_GROUPS = {
  heat: ['grid-heat'],
  incidents: ['incident-clusters', 'incident-cluster-count', 'incident-points', 'critical-core'],
  canteens: ['canteens'],
  coverage: ['coverage-fill', 'coverage-line'],
  fireStations: ['fire-stations'],
  highRises: ['highrises'],
  communities: ['community-line', 'community-labels'],
} as const;
export type LayerGroup = keyof typeof LAYER_GROUPS;

/** Paint and layout values given in design pixels, re-applied when the wall's scale changes. */
export const SCALED_PROPERTIES: ({ layer: string; px: number } & ({ kind: 'paint'; name: 'circle-radius' | 'line-width' } | { kind: 'layout'; name: 'text-size' }))[] = [
  { layer: 'community-labels', kind: 'layout', name: 'text-size', px: 17 },
  { layer: 'incident-cluster-count', kind: 'layout', name: 'text-size', px: 15 },
  { layer: 'incident-points', kind: 'paint', name: 'circle-radius', px: 6 },
  { layer: 'critical-core', kind: 'paint', name: 'circle-radius', px: 8 },
  { layer: 'canteens', kind: 'paint', name: 'circle-radius', px: 7 },
  { layer: 'fire-stations', kind: 'paint', name: 'circle-radius', px: 7 },
  { layer: 'highrises', kind: 'paint', name: 'circle-radius', px: 2.2 },
  { layer: 'boundary-line', kind: 'paint', name: 'line-width', px: 3.5 },
  { layer: 'community-line', kind: 'paint', name: 'line-width', px: 2.2 },
  { layer: 'coverage-line', kind: 'paint', name: 'line-width', px: 1.5 },
];
