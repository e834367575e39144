// Keeps the map's live layers in step with the store: incident points by setData, grid heat by
// feature-state. Nothing is rebuilt; the map and its sources stay the same for weeks.
import { computed, watch, type ShallowRef } from 'vue';
import type { GeoJSONSource, MapLibreMap } from './maplibre.ts';
import { useWallStore } from '../stores/wall.ts';
import { incidentPoints } from './features.ts';
import { heatExpression } from './mapStyle.ts';
import type { StreetGeo } from './geoData.ts';

export function useMapData(map: ShallowRef<MapLibreMap | null>, geo: ShallowRef<StreetGeo | null>) {
  const store = useWallStore();
  const points = computed(() => incidentPoints(store.incidents));
  const byGrid = computed<Record<string, number>>(() => store.summary?.incidents.today.byGrid ?? {});
  const heatMax = computed(() => Math.max(0, ...Object.values(byGrid.value)));

  function source(instance: MapLibreMap, id: string): GeoJSONSource | undefined {
    return instance.getSource<GeoJSONSource>(id);
  }

  watch(
    [map, points],
    ([instance, collection]) => {
      if (!instance) return;
      // Critical open incidents stay out of the clusters so they are never hidden in a count.
      const critical = collection.features.filter((f) => f.properties.critical);
      const others = collection.features.filter((f) => !f.properties.critical);
      source(instance, 'incidents')?.setData({ type: 'FeatureCollection', features: others });
      source(instance, 'critical')?.setData({ type: 'FeatureCollection', features: critical });
    },
    { immediate: true },
  );

  let lastMax = -1;
  watch(
    [map, byGrid, geo],
    ([instance, counts, street]) => {
      if (!instance || !street) return;
      for (const grid of street.grids.features) {
        instance.setFeatureState({ source: 'grids', id: grid.properties.id }, { count: counts[grid.properties.id] ?? 0 });
      }
      if (heatMax.value !== lastMax) {
        lastMax = heatMax.value;
        instance.setPaintProperty('grid-heat', 'fill-color', heatExpression(lastMax));
      }
    },
    { immediate: true },
  );

  return { heatMax, byGrid };
}
