// MapLibre 6 under Vite: no default export, and the worker must be pointed at its bundled URL.
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';

maplibregl.setWorkerUrl(workerUrl);
// Start the map's workers as soon as the wall's code runs, while the street's data and the label
// font download, rather than when the map is created (about a second later on a 2-core wall PC).
maplibregl.prewarm();

export { maplibregl };
export type { Map as MapLibreMap, GeoJSONSource, StyleSpecification, MapMouseEvent, ExpressionSpecification } from 'maplibre-gl';
