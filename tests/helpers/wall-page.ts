/// <reference lib="dom" />
// What the browser tests read off the wall page: readiness (first full render), scrollbars,
// text sizes at design scale, whether the map canvas has drawn anything, key numbers by label.
import type { Page } from 'playwright-core';

/** The wall's design-to-CSS scale: useWallScale writes it as the --u custom property. */
export async function wallScale(page: Page): Promise<number> {
  return page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).getPropertyValue('--u')) || 1);
}

/**
 * Waits for the first full render and returns its time in ms since navigation start:
 * the map has fired `load` (GridMap sets data-ready="true": style, sources and first frame done),
 * at least `charts` ECharts canvases exist with a size, and the first Summary is on the boards
 * (key numbers show digits, not only the '—' placeholder). Polled every animation frame.
 */
export async function waitForWallReady(page: Page, charts = 8, timeoutMs = 60_000): Promise<number> {
  const handle = await page.waitForFunction(
    (minCharts) => {
      const map = document.querySelector('[data-testid=grid-map][data-ready=true] canvas.maplibregl-canvas');
      const canvases = [...document.querySelectorAll('[data-chart] canvas')].filter((c) => (c as HTMLCanvasElement).width > 0);
      const digits = [...document.querySelectorAll('[data-board] .digits')];
      // Before the first Summary every key shows '—'; after it, all but ratios of nothing show digits.
      const filled = digits.some((d) => /\d/.test(d.textContent ?? ''));
      return map && canvases.length >= minCharts && filled ? performance.now() : false;
    },
    charts,
    { polling: 'raf', timeout: timeoutMs },
  );
  return Math.round((await handle.jsonValue()) as number);
}

export async function scrollOverflow(page: Page) {
  return page.evaluate(() => {
    const el = document.scrollingElement ?? document.documentElement;
    return { x: el.scrollWidth - el.clientWidth, y: el.scrollHeight - el.clientHeight };
  });
}

/**
 * How many distinct colours the map's own canvas shows: HTML over the map (legend, toggles,
 * markers, toasts) is hidden for the shot, the PNG is decoded in the page.
 */
export async function mapColourCount(page: Page): Promise<number> {
  const canvas = page.locator('[data-testid=grid-map] canvas.maplibregl-canvas');
  // Through each element's style (CSSOM), not an injected <style>: the page's CSP refuses inline style elements.
  const setHidden = (hidden: boolean) =>
    page.evaluate((hide) => {
      const selector = '[data-testid=grid-map] > :not(.canvas-host), .maplibregl-marker, [data-testid=alert-layer], #wall-focus-stage';
      for (const el of document.querySelectorAll<HTMLElement>(hide ? selector : '[data-shot-hidden]')) {
        if (hide) {
          el.dataset.shotHidden = el.style.getPropertyValue('visibility');
          el.style.setProperty('visibility', 'hidden', 'important');
        } else {
          el.style.removeProperty('visibility');
          if (el.dataset.shotHidden) el.style.setProperty('visibility', el.dataset.shotHidden);
          delete el.dataset.shotHidden;
        }
      }
    }, hidden);
  await setHidden(true);
  const png = await canvas.screenshot({ type: 'png' });
  await setHidden(false);
  return page.evaluate(async (base64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const c = document.createElement('canvas');
    c.width = image.width;
    c.height = image.height;
    const ctx = c.getContext('2d');
    if (!ctx) return 0;
    ctx.drawImage(image, 0, 0);
    const data = ctx.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set<number>();
    // Every 7th pixel is plenty to tell a drawn street from a blank fill.
    for (let i = 0; i < data.length && colours.size < 1000; i += 28) {
      colours.add(((data[i] ?? 0) << 16) | ((data[i + 1] ?? 0) << 8) | (data[i + 2] ?? 0));
    }
    return colours.size;
  }, png.toString('base64'));
}

/** Text of the key number on `board` whose label reads `period + label` (e.g. 本周 + 演练); `part` 'note' reads its second line. */
export async function keyNumber(page: Page, board: string, period: string, label: string, part: 'value' | 'note' = 'value'): Promise<string | null> {
  return page.evaluate(
    ({ board, wanted, part }) => {
      for (const key of document.querySelectorAll(`[data-board=${board}] .key-number`)) {
        const text = (key.querySelector('.label')?.textContent ?? '').replace(/\s+/g, '');
        if (text === wanted) return (key.querySelector(`.${part}`)?.textContent ?? '').replace(/\s+/g, '');
      }
      return null;
    },
    { board, wanted: `${period}${label}`.replace(/\s+/g, ''), part },
  );
}

/** The bottom strip's KPI tiles as label → shown value. */
export async function stripTiles(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const out: Record<string, string> = {};
    for (const tile of document.querySelectorAll('[data-testid=wall-strip] .tile')) {
      const label = (tile.querySelector('.label')?.textContent ?? '').trim();
      out[label] = (tile.querySelector('.value')?.textContent ?? '').replace(/\s+/g, '');
    }
    return out;
  });
}

/** One visible element with its own text: what it says, its size in design px, its contrast. */
export interface TextSample {
  text: string;
  designPx: number;
  /** WCAG 2 contrast ratio of its colour against the background it is drawn on. */
  contrast: number;
}

/**
 * Every visible element with its own text, with its font size at design scale (computed size ÷
 * the wall's --u) and its contrast: the element's and its ancestors' background colours are
 * composited from the first opaque one up (gradients and images are not seen; canvases under
 * HTML count as the page's own background), semi-transparent text over that.
 */
export async function textSamples(page: Page): Promise<TextSample[]> {
  return page.evaluate(() => {
    type Rgba = [number, number, number, number];
    const parse = (css: string): Rgba => {
      const m = css.match(/rgba?\(([^)]+)\)/);
      if (!m?.[1]) return [0, 0, 0, 0];
      const parts = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0, parts[3] ?? 1];
    };
    const over = (top: Rgba, under: Rgba): Rgba => {
      const a = top[3];
      return [top[0] * a + under[0] * (1 - a), top[1] * a + under[1] * (1 - a), top[2] * a + under[2] * (1 - a), 1];
    };
    const luminance = ([r, g, b]: Rgba) => {
      const lin = (c: number) => {
        const v = c / 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const unit = parseFloat(getComputedStyle(document.documentElement).getPropertyValue('--u')) || 1;
    const pageBg = parse(getComputedStyle(document.body).backgroundColor);
    const base: Rgba = pageBg[3] === 1 ? pageBg : [5, 11, 22, 1];
    const backgroundOf = (el: Element): Rgba => {
      const layers: Rgba[] = [];
      for (let node: Element | null = el; node; node = node.parentElement) {
        const colour = parse(getComputedStyle(node).backgroundColor);
        if (colour[3] === 0) continue;
        layers.push(colour);
        if (colour[3] === 1) break;
      }
      let result = base;
      for (const layer of layers.reverse()) result = over(layer, result);
      return result;
    };
    const samples: { text: string; designPx: number; contrast: number }[] = [];
    for (const el of document.body.querySelectorAll('*')) {
      const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
      if (!own) continue;
      const style = getComputedStyle(el);
      const rect = el.getBoundingClientRect();
      if (style.visibility === 'hidden' || rect.width === 0 || rect.height === 0) continue;
      if (rect.right <= 0 || rect.bottom <= 0 || rect.left >= innerWidth || rect.top >= innerHeight) continue;
      const bg = backgroundOf(el);
      const fg = over(parse(style.color), bg);
      const [hi, lo] = [luminance(fg), luminance(bg)].sort((x, y) => y - x) as [number, number];
      const text = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${(el.textContent ?? '').trim().slice(0, 24)}"`;
      samples.push({ text, designPx: parseFloat(style.fontSize) / unit, contrast: (hi + 0.05) / (lo + 0.05) });
    }
    return samples;
  });
}

/** Visible text under `minPx` design pixels (a hair of tolerance for the floating point of calc(var(--u) * 14)). */
export async function smallText(page: Page, minPx = 14): Promise<string[]> {
  return (await textSamples(page)).filter((s) => s.designPx < minPx - 0.05).map((s) => `${s.text} ${s.designPx.toFixed(1)}px`);
}

/** Visible text under `min`:1 contrast against the background it is drawn on (WCAG 2). */
export async function lowContrastText(page: Page, min = 4.5): Promise<string[]> {
  return (await textSamples(page)).filter((s) => s.contrast < min).map((s) => `${s.text} ${s.contrast.toFixed(2)}:1`);
}

/**
 * Call before the first goto: turns the alert sound on (the operator's stored choice,
 * localStorage `grid141.alertSound`) and counts every oscillator the page's AudioContexts
 * create, so a chime (two tones) shows in alertTones(page).
 */
export async function countAlertTones(page: Page): Promise<void> {
  await page.addInitScript(() => {
    localStorage.setItem('grid141.alertSound', 'on');
    const counted = window as unknown as { oscillators: number };
    counted.oscillators = 0;
    const create = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function (this: AudioContext) {
      counted.oscillators += 1;
      return create.call(this);
    };
  });
}

/** How many tones the page has started since it loaded (needs countAlertTones before the goto). */
export async function alertTones(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { oscillators: number }).oscillators);
}
