// HTML markers the GPU map does not animate cheaply: the ring of each open critical incident
// (urgency has its own signal, apart from the matter colour), and the flash of a new alert.
// The ring pulses for PULSE_MS after a new alarm or critical alert or a new critical incident, then rests as a still
// ring: an endless animation over the map kept a software-rendered wall compositing the whole
// screen every frame, at 20× the CPU of an idle wall (issue 8 §8). One timer; no JS per frame.
// Every marker is removed by its owner.
import { computed, onBeforeUnmount, watch, type ShallowRef } from 'vue';
import { maplibregl, type MapLibreMap } from './maplibre.ts';
import { alertRank, isOpenStatus } from '@grid141/shared';
import { useWallStore } from '../stores/wall.ts';
import { PULSE_MS } from './pulse.ts';

const MAX_PULSES = 60;
const FLASH_MS = 12_000;

// MapLibre positions a marker by its element's transform; the animation runs on a child.
function element(className: string): HTMLElement {
  const holder = document.createElement('div');
  holder.className = 'marker-holder';
  holder.setAttribute('aria-hidden', 'true');
  const inner = document.createElement('div');
  inner.className = className;
  holder.appendChild(inner);
  return holder;
}

export function useMarkers(map: ShallowRef<MapLibreMap | null>) {
  const store = useWallStore();
  const pulses = new Map<string, maplibregl.Marker>();
  const flashes = new Map<string, { marker: maplibregl.Marker; timer: number }>();
  let pulseTimer = 0;

  /** Rings pulse (class on the map's container) from now for PULSE_MS, then rest. */
  function pulse(instance: MapLibreMap): void {
    const container = instance.getContainer();
    window.clearTimeout(pulseTimer);
    // Restart the animation from its first frame, so a new alert is seen to start a pulse.
    container.classList.remove('rings-pulsing');
    void container.offsetWidth;
    container.classList.add('rings-pulsing');
    pulseTimer = window.setTimeout(() => container.classList.remove('rings-pulsing'), PULSE_MS);
  }

  const critical = computed(() =>
    store.incidents.filter((i) => i.urgency === 'critical' && !i.outsideArea && isOpenStatus(i.status)).slice(0, MAX_PULSES),
  );

  watch(
    [map, critical],
    ([instance, list]) => {
      if (!instance) return;
      const keep = new Set(list.map((i) => i.id));
      for (const [id, marker] of pulses) {
        if (!keep.has(id)) {
          marker.remove();
          pulses.delete(id);
        }
      }
      let added = false;
      for (const incident of list) {
        const at: [number, number] = [incident.location.lng, incident.location.lat];
        const known = pulses.get(incident.id);
        if (known) known.setLngLat(at);
        else {
          pulses.set(incident.id, new maplibregl.Marker({ element: element('pulse-ring') }).setLngLat(at).addTo(instance));
          added = true;
        }
      }
      if (added) pulse(instance);
    },
    { immediate: true },
  );

  watch(
    () => store.latestAlert,
    (alert) => {
      const instance = map.value;
      if (!instance || !alert) return;
      // A person or a building in danger wakes the rings; an incident going overdue does not (the
      // desk's per-stage deadlines pass every few minutes on a busy day).
      if (alertRank(alert) >= 2) pulse(instance);
      if (!alert.location || flashes.has(alert.id)) return;
      const marker = new maplibregl.Marker({ element: element(`alert-flash kind-${alert.kind}`) })
        .setLngLat([alert.location.lng, alert.location.lat])
        .addTo(instance);
      const timer = window.setTimeout(() => {
        marker.remove();
        flashes.delete(alert.id);
      }, FLASH_MS);
      flashes.set(alert.id, { marker, timer });
    },
  );

  onBeforeUnmount(() => {
    window.clearTimeout(pulseTimer);
    for (const marker of pulses.values()) marker.remove();
    pulses.clear();
    for (const { marker, timer } of flashes.values()) {
      window.clearTimeout(timer);
      marker.remove();
    }
    flashes.clear();
  });
}
