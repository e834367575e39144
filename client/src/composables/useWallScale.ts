// One uniform scale for the whole wall: the design canvas (1920×1080 or ?layout=WxH) is laid
// out at its real pixel size (W·s × H·s) with --u = s px, so canvases render at device pixels.
import { onBeforeUnmount, onMounted, reactive, readonly } from 'vue';
import { pageParams } from './pageParams.ts';

export interface WallScale {
  /** Design size in design pixels. */
  width: number;
  height: number;
  /** One physical 1920×1080 panel of the wall, in design pixels (the bezels fall on its multiples). */
  panelWidth: number;
  panelHeight: number;
  /** CSS pixels per design pixel. */
  scale: number;
  /** Letterbox offsets of the canvas in CSS pixels. */
  left: number;
  top: number;
}

const DEFAULT_DESIGN = { width: 1920, height: 1080 };
const PANEL = { width: 1920, height: 1080 };

/**
 * A wall two or more panels tall is read from farther away, so its type grows with it: the
 * design canvas is the wall's native shape at one panel's height (5760×2160 → 2880×1080,
 * 3840×2160 → 1920×1080), scaled uniformly, and the header, strip, map controls and boards
 * all keep the proportions of a 1080-line panel instead of shrinking beside the boards.
 */
export function designCanvas(native: { width: number; height: number }) {
  const rows = native.height % PANEL.height === 0 ? native.height / PANEL.height : 1;
  const k = Math.max(1, rows);
  return {
    width: native.width / k,
    height: native.height / k,
    panelWidth: PANEL.width / k,
    panelHeight: PANEL.height / k,
  };
}

const state = reactive<WallScale>({
  ...designCanvas(pageParams.layout ?? DEFAULT_DESIGN),
  scale: 1,
  left: 0,
  top: 0,
});

/** The current scale, read-only, for charts and the map (font sizes, line widths). */
export const wallScale = readonly(state);

/** Design pixels to CSS pixels, for canvas libraries that take plain numbers (ECharts fontSize…). */
export function px(designPx: number): number {
  return designPx * state.scale;
}

export function fitScale(viewW: number, viewH: number, designW: number, designH: number) {
  const scale = Math.min(viewW / designW, viewH / designH);
  // Whole CSS pixels for the canvas box: fractional sizes leave a hairline scrollbar in Chromium.
  const w = Math.floor(designW * scale);
  const h = Math.floor(designH * scale);
  return { scale, w, h, left: Math.floor((viewW - w) / 2), top: Math.floor((viewH - h) / 2) };
}

function recompute(): void {
  // innerWidth/innerHeight, never screen.width: the window is what we draw in (display scaling).
  const fit = fitScale(window.innerWidth, window.innerHeight, state.width, state.height);
  state.scale = fit.scale;
  state.left = fit.left;
  state.top = fit.top;
  document.documentElement.style.setProperty('--u', `${fit.scale}px`);
}

let owners = 0;

/** Call once in the wall's root component: it owns the listeners and removes them on unmount. */
export function useWallScale(): Readonly<WallScale> {
  onMounted(() => {
    owners += 1;
    if (owners === 1) {
      window.addEventListener('resize', recompute);
      document.addEventListener('fullscreenchange', recompute);
    }
    recompute();
  });
  onBeforeUnmount(() => {
    owners -= 1;
    if (owners === 0) {
      window.removeEventListener('resize', recompute);
      document.removeEventListener('fullscreenchange', recompute);
    }
  });
  recompute();
  return wallScale;
}
