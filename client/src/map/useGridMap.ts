// One owner for the MapLibre map: creates it once the street's GeoJSON is in (labels follow their font),
// keeps it fitted to the street when the wall's size changes, and removes it on unmount.
import { onBeforeUnmount, onMounted, shallowRef, watch, type Ref } from 'vue';
import { maplibregl, type GeoJSONSource, type MapLibreMap } from './maplibre.ts';
import { bboxOf, loadStreetGeo, type StreetGeo } from './geoData.ts';
import { buildStyle, SCALED_PROPERTIES } from './mapStyle.ts';
import { loadLabelFont } from './labelFont.ts';
import { wallScale } from '../composables/useWallScale.ts';
import { pageParams } from '../composables/pageParams.ts';
import { useWallStore } from '../stores/wall.ts';

/** HTML laid over the map's top and bottom edges (layer toggles, legend): the street is fitted between them. */
export interface MapOverlays {
  top: () => HTMLElement | null;
  bottom: () => HTMLElement | null;
}

export function useGridMap(container: Ref<HTMLElement | null>, overlays: MapOverlays) {
  const wall = useWallStore();
  const map = shallowRef<MapLibreMap | null>(null);
  const geo = shallowRef<StreetGeo | null>(null);
  const failed = shallowRef<string | null>(null);
  const aborter = new AbortController();
  let resizeObserver: ResizeObserver | null = null;
  let bounds: [number, number, number, number] | null = null;

  function padding(): { top: number; bottom: number; left: number; right: number } {
    const gap = 16 * wallScale.scale;
    const height = container.value?.clientHeight ?? 0;
    const top = overlays.top();
    const bottom = overlays.bottom();
    // Offsets are from the map section, which the canvas fills.
    const clearTop = top ? top.offsetTop + top.offsetHeight + gap / 2 : gap;
    const clearBottom = bottom ? height - bottom.offsetTop + gap / 2 : gap;
    // A map too short for both bands keeps the plain margin and lets the overlays cover its edges.
    if (clearTop + clearBottom > height / 2) return { top: gap, bottom: gap, left: gap, right: gap };
    return { top: Math.max(gap, clearTop), bottom: Math.max(gap, clearBottom), left: gap, right: gap };
  }

  function fit(instance: MapLibreMap): void {
    if (!bounds) return;
    instance.fitBounds(bounds, { padding: padding(), animate: false });
  }

  /** The label font's slices, loaded while the GeoJSON downloads: the names come with the street's metadata. */
  function labelFontLoaded(): Promise<boolean> {
    return new Promise((resolve) => {
      const stop = watch(
        () => wall.street?.communities,
        (communities) => {
          if (!communities) return;
          queueMicrotask(() => stop());
          resolve(loadLabelFont(communities.flatMap((c) => [c.name, c.nameEn ?? ''])));
        },
        { immediate: true },
      );
    });
  }

  async function create(): Promise<void> {
    const geoLoaded = loadStreetGeo(aborter.signal);
    // Whichever names come first: the street's metadata, or the communities' GeoJSON itself.
    const fontLoaded = Promise.race([
      labelFontLoaded(),
      geoLoaded.then((g) => loadLabelFont(g.communities.features.flatMap((f) => [f.properties.name, f.properties.nameEn ?? '']))),
    ]).catch(() => false);
    // The map does not wait for the font: everything but the community labels draws at once, and
    // the labels appear when their glyphs can be drawn in Noto Sans SC rather than a fallback.
    const street = await geoLoaded;
    if (aborter.signal.aborted || !container.value) return;
    geo.value = street;
    bounds = bboxOf(street.boundary);
    const instance = new maplibregl.Map({
      container: container.value,
      style: buildStyle(street, wallScale.scale, true, pageParams.basemap),
      bounds,
      fitBoundsOptions: { padding: padding() },
      // Our own data needs no credit line; an external basemap gets the one it is configured with.
      attributionControl: pageParams.basemap?.attribution ? { compact: true } : false,
      // A wall is looked at, not driven: no rotation, no accidental drags from a kiosk touch.
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      localIdeographFontFamily: "'Noto Sans SC', sans-serif",
      fadeDuration: 0,
    });
    const styleLoaded = new Promise<void>((resolve) => instance.once('load', () => resolve()));
    void styleLoaded.then(() => {
      map.value = instance;
    });
    // The canteens' coverage is a polygon union and clip (35-100 ms on the main thread of a busy
    // 2-core machine), in a chunk of its own: loaded and computed after the first frame, when idle.
    void styleLoaded
      .then(() => import('./coverage.ts'))
      .then(({ coverageArea }) =>
        requestIdleCallback(
          () => {
            if (aborter.signal.aborted) return;
            instance.getSource<GeoJSONSource>('coverage')?.setData(coverageArea(street.pois, street.boundary));
          },
          { timeout: 2000 },
        ),
      )
      .catch((error: unknown) => console.warn('coverage not drawn', error));
    void Promise.all([styleLoaded, fontLoaded]).then(() => {
      if (aborter.signal.aborted) return;
      // Unless the operator switched the communities layer off in the meantime.
      if (instance.getLayoutProperty('community-line', 'visibility') === 'none') return;
      instance.setLayoutProperty('community-labels', 'visibility', 'visible');
    });
    resizeObserver = new ResizeObserver(() => {
      instance.resize();
      fit(instance);
    });
    resizeObserver.observe(container.value);
    // The overlays change size with the language and the heat classes.
    for (const overlay of [overlays.top(), overlays.bottom()]) if (overlay) resizeObserver.observe(overlay);
  }

  // Sizes in the style are design pixels; follow the wall's scale without rebuilding the style.
  watch(
    () => wallScale.scale,
    (scale) => {
      const instance = map.value;
      if (!instance) return;
      for (const prop of SCALED_PROPERTIES) {
        if (prop.kind === 'paint') instance.setPaintProperty(prop.layer, prop.name, prop.px * scale);
        else instance.setLayoutProperty(prop.layer, prop.name, prop.px * scale);
      }
    },
  );

  onMounted(() => {
    create().catch((error: unknown) => {
      if (aborter.signal.aborted) return;
      failed.value = error instanceof Error ? error.message : String(error);
      console.warn('map unavailable', error);
    });
  });

  onBeforeUnmount(() => {
    aborter.abort();
    resizeObserver?.disconnect();
    resizeObserver = null;
    map.value?.remove();
    map.value = null;
  });

  return { map, geo, failed };
}
