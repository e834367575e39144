// Hover shows a grid's panel; a click pins it until another click or the close button.
import { ref, watch, type ShallowRef } from 'vue';
import type { MapLibreMap, MapMouseEvent } from './maplibre.ts';

export function useGridSelection(map: ShallowRef<MapLibreMap | null>) {
  const hovered = ref<string | null>(null);
  const pinned = ref<string | null>(null);
  let shown: string | null = null;

  function gridAt(instance: MapLibreMap, event: MapMouseEvent): string | null {
    const feature = instance.queryRenderedFeatures(event.point, { layers: ['grid-heat'] })[0];
    const id = feature?.properties?.id;
    return typeof id === 'string' ? id : null;
  }

  function highlight(instance: MapLibreMap, id: string | null): void {
    if (shown === id) return;
    if (shown) instance.setFeatureState({ source: 'grids', id: shown }, { selected: false });
    if (id) instance.setFeatureState({ source: 'grids', id }, { selected: true });
    shown = id;
  }

  watch(map, (instance, _old, onCleanup) => {
    if (!instance) return;
    const onMove = (event: MapMouseEvent) => {
      hovered.value = gridAt(instance, event);
      instance.getCanvas().style.cursor = hovered.value ? 'pointer' : '';
    };
    const onLeave = () => {
      hovered.value = null;
    };
    const onClick = (event: MapMouseEvent) => {
      const id = gridAt(instance, event);
      pinned.value = id === pinned.value ? null : id;
    };
    instance.on('mousemove', onMove);
    instance.on('mouseout', onLeave);
    instance.on('click', onClick);
    const stop = watch([hovered, pinned], ([h, p]) => highlight(instance, p ?? h), { immediate: true });
    onCleanup(() => {
      stop();
      instance.off('mousemove', onMove);
      instance.off('mouseout', onLeave);
      instance.off('click', onClick);
    });
  });

  function close(): void {
    pinned.value = null;
  }

  return { hovered, pinned, close };
}
