/// <reference lib="dom" />
// What the soak counts inside the wall page: an init script that tracks live timers, pending
// animation frames and MapLibre maps, and one in-page read of the counts that CDP does not give.
import type { Page } from 'playwright-core';

export interface PageCounts {
  liveTimeouts: number;
  liveIntervals: number;
  /** Requested, not yet run or cancelled: one per running requestAnimationFrame loop. */
  pendingFrames: number;
  /** requestAnimationFrame calls per second since the previous read. */
  framesPerSecond: number;
  /** Elements carrying ECharts' instance attribute. */
  chartInstances: number;
  chartCanvases: number;
  maps: number;
  mapLayers: number;
  mapSources: number;
  markers: number;
  tickerItems: number;
  alertToasts: number;
  /** Where the live intervals were created (first frame outside the probe), for finding a leak. */
  intervalSites: Record<string, number>;
}

/**
 * Runs before any page script. Timer ids live from set* until they fire (timeouts) or are cleared.
 * MapLibre's Map constructor assigns `this._canvasContextAttributes` (a plain assignment in the
 * published build), so a setter of that name on Object.prototype catches each map as it is made,
 * and then steps aside by defining the property on the instance.
 */
function probeInit(): void {
  const w = window as unknown as Record<string, unknown>;
  const timeouts = new Set<number>();
  const intervals = new Map<number, string>();
  const frames = new Set<number>();
  let frameCalls = 0;
  const maps: WeakRef<object>[] = [];
  const site = () => (new Error().stack ?? '').split('\n').slice(3, 4).join('').trim().replace(/^at /, '');

  const setT = window.setTimeout.bind(window);
  const clearT = window.clearTimeout.bind(window);
  const setI = window.setInterval.bind(window);
  const clearI = window.clearInterval.bind(window);
  const raf = window.requestAnimationFrame.bind(window);
  const caf = window.cancelAnimationFrame.bind(window);

  window.setTimeout = ((handler: TimerHandler, ms?: number, ...args: unknown[]) => {
    if (typeof handler !== 'function') return setT(handler, ms, ...args);
    const id: number = setT((...a: unknown[]) => {
      timeouts.delete(id);
      if (typeof handler === 'function') (handler as (...x: unknown[]) => void)(...a);
    }, ms, ...args);
    timeouts.add(id);
    return id;
  }) as typeof window.setTimeout;
  window.clearTimeout = ((id?: number) => {
    if (id !== undefined) timeouts.delete(id);
    clearT(id);
  }) as typeof window.clearTimeout;
  window.setInterval = ((handler: TimerHandler, ms?: number, ...args: unknown[]) => {
    const id = setI(handler, ms, ...args);
    intervals.set(id, site());
    return id;
  }) as typeof window.setInterval;
  window.clearInterval = ((id?: number) => {
    if (id !== undefined) intervals.delete(id);
    clearI(id);
  }) as typeof window.clearInterval;
  window.requestAnimationFrame = (callback: FrameRequestCallback) => {
    frameCalls += 1;
    const id = raf((t) => {
      frames.delete(id);
      callback(t);
    });
    frames.add(id);
    return id;
  };
  window.cancelAnimationFrame = (id: number) => {
    frames.delete(id);
    caf(id);
  };

  Object.defineProperty(Object.prototype, '_canvasContextAttributes', {
    configurable: true,
    get: () => undefined,
    set(this: object, value: unknown) {
      Object.defineProperty(this, '_canvasContextAttributes', { value, writable: true, enumerable: true, configurable: true });
      maps.push(new WeakRef(this));
    },
  });

  let lastRead = performance.now();
  w.__soakProbe = () => {
    const now = performance.now();
    const fps = (frameCalls / Math.max(1, now - lastRead)) * 1000;
    frameCalls = 0;
    lastRead = now;
    let layers = 0;
    let sources = 0;
    let alive = 0;
    for (const ref of maps) {
      const map = ref.deref() as { style?: { tileManagers?: object; _removed?: boolean }; getLayersOrder?: () => string[]; _removed?: boolean } | undefined;
      if (!map || map._removed || typeof map.getLayersOrder !== 'function') continue;
      alive += 1;
      layers += map.getLayersOrder().length;
      sources += Object.keys(map.style?.tileManagers ?? {}).length;
    }
    const intervalSites: Record<string, number> = {};
    for (const where of intervals.values()) intervalSites[where] = (intervalSites[where] ?? 0) + 1;
    return {
      liveTimeouts: timeouts.size,
      liveIntervals: intervals.size,
      pendingFrames: frames.size,
      framesPerSecond: Math.round(fps * 10) / 10,
      chartInstances: document.querySelectorAll('[_echarts_instance_]').length,
      chartCanvases: document.querySelectorAll('[data-chart] canvas').length,
      maps: alive,
      mapLayers: layers,
      mapSources: sources,
      markers: document.querySelectorAll('.maplibregl-marker').length,
      tickerItems: document.querySelectorAll('[data-testid=incident-ticker] li').length,
      alertToasts: document.querySelectorAll('[data-testid=alert-layer] .toasts > *').length,
      intervalSites,
    };
  };
}

export async function installProbe(page: Page): Promise<void> {
  // tsx (esbuild keepNames) wraps named functions in __name(); the page has no such helper.
  await page.addInitScript({ content: `var __name = (f) => f;\n(${probeInit.toString()})();` });
}

export async function readCounts(page: Page): Promise<PageCounts> {
  return page.evaluate(() => {
    const probe = (window as unknown as { __soakProbe?: () => PageCounts }).__soakProbe;
    if (!probe) throw new Error('the soak probe did not install (its init script failed)');
    return probe();
  });
}
