// MapLibre 6 under Vite: no default export, and the worker must be pointed at its bundled URL.
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';

maplibregl.setWorkerUrl(workerUrl);

export { maplibregl };
export type { Map as MapLibreMap, GeoJSONSource, StyleSpecification, MapMouseEvent, ExpressionSpecification } from 'maplibre-gl';
