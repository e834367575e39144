// Drawing pages server side with Chromium: the weekly deck (one PNG per slide and one PDF) and
// the snapshot of the live wall. One render at a time per process, so a render never takes more
// than one core from the live path; the browser is started on demand and closed when idle.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { VIEWER_TOKEN_STORAGE_KEY } from '@grid141/shared';
import { launchChromium } from '../render/chromium.ts';

export type ReportLang = 'zh-CN' | 'en';

export interface DeckOptions {
  /** The server to draw from, e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  viewerToken: string;
  week: string;
  lang: ReportLang;
  /** Device pixels per CSS pixel: 1 gives 1920×1080 PNGs, 2 gives 3840×2160. */
  scale: number;
  outDir: string;
}

export interface DeckResult {
  pngs: string[];
  pdf: string;
  slides: number;
  ms: number;
}

/** The wall's design size for a snapshot, 'WxH'. */
export interface SnapshotOptions {
  baseUrl: string;
  viewerToken: string;
  width: number;
  height: number;
  lang: ReportLang;
}

const SLIDE = { width: 1920, height: 1080 };

/** The little of the DOM the page functions below use (the server has no DOM types). */
interface PageElement {
  getAttribute(name: string): string | null;
  textContent: string | null;
}
interface PageDocument {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
}
const READY_TIMEOUT_MS = 90_000;
const IDLE_CLOSE_MS = 60_000;

/** Serialises renders and owns one browser, closed after a minute without work. */
export class Renderer {
  private browser: Promise<Browser> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;

  /** Runs fn with the browser once every render queued before it has finished. */
  run<T>(fn: (browser: Browser) => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      if (this.closed) throw new Error('the renderer is closed');
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.browser ??= launchChromium({ background: true });
      try {
        return await fn(await this.browser);
      } catch (error) {
        // A crashed browser is started again by the next render.
        const browser = await this.browser?.catch(() => null);
        if (browser && !browser.isConnected()) this.browser = null;
        if (!browser) this.browser = null;
        throw error;
      } finally {
        this.idleTimer = setTimeout(() => void this.closeBrowser(), IDLE_CLOSE_MS);
        this.idleTimer.unref();
      }
    });
    this.queue = next.catch(() => {});
    return next;
  }

  private async closeBrowser(): Promise<void> {
    const browser = this.browser;
    this.browser = null;
    await (await browser?.catch(() => null))?.close().catch(() => {});
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    await this.queue;
    await this.closeBrowser();
  }
}

/**
 * The viewer token for the pages of `context`, where a wall opened with `?token=` keeps it (the
 * tab's sessionStorage), put there before any page script runs. Not in the address: a navigation
 * error (Playwright names the URL) would carry it into the log. Not as an extra header either:
 * Chromium would send it with every request, the basemap host's tiles too.
 */
async function giveToken(context: BrowserContext, token: string): Promise<void> {
  await context.addInitScript(
    ({ key, value }) => {
      try {
        (globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }).sessionStorage.setItem(key, value);
      } catch {
        // an opaque origin (about:blank) has no storage; the pages that need it are Grid141's
      }
    },
    { key: VIEWER_TOKEN_STORAGE_KEY, value: token },
  );
}

/** Waits for the report page's data-report-state: 'ready', or 'error' (thrown with its message). */
async function waitForReport(page: Page): Promise<void> {
  // Page functions are passed as functions (a string would be eval'd, which the CSP forbids);
  // the server is compiled without the DOM's types, hence the small view of `document`.
  const state = await page.waitForFunction(
    () => {
      const doc = (globalThis as unknown as { document: PageDocument }).document;
      const root = doc.querySelector('[data-report-state]');
      const value = root?.getAttribute('data-report-state');
      return value === 'ready' || value === 'error' ? { value, message: root?.getAttribute('data-report-error') ?? '' } : false;
    },
    undefined,
    { polling: 200, timeout: READY_TIMEOUT_MS },
  );
  const { value, message } = (await state.jsonValue()) as { value: string; message: string };
  if (value === 'error') throw new Error(`the report page failed: ${message}`);
}

/**
 * Renders /report?week=… to outDir: slide-NN-<name>.png (1920×1080 × scale) and
 * grid141-<week>[-en].pdf (landscape 1920×1080 CSS px a page, text as text, fonts embedded).
 */
export async function renderDeck(browser: Browser, options: DeckOptions): Promise<DeckResult> {
  const started = Date.now();
  await mkdir(options.outDir, { recursive: true });
  const context = await browser.newContext({ viewport: SLIDE, deviceScaleFactor: options.scale });
  try {
    await giveToken(context, options.viewerToken);
    const page = await context.newPage();
    const query = new URLSearchParams({ week: options.week, lang: options.lang });
    await page.goto(`${options.baseUrl}/report?${query}`, { timeout: READY_TIMEOUT_MS });
    await waitForReport(page);
    const slides = page.locator('[data-slide]');
    const count = await slides.count();
    const suffix = options.lang === 'en' ? '-en' : '';
    const pngs: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const slide = slides.nth(i);
      const name = (await slide.getAttribute('data-slide')) ?? 'slide';
      const file = path.join(options.outDir, `slide-${String(i + 1).padStart(2, '0')}-${name}${suffix}.png`);
      await slide.screenshot({ path: file, animations: 'disabled' });
      pngs.push(file);
    }
    const pdf = path.join(options.outDir, `grid141-${options.week}${suffix}.pdf`);
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: pdf, width: `${SLIDE.width}px`, height: `${SLIDE.height}px`, printBackground: true, preferCSSPageSize: true });
    return { pngs, pdf, slides: count, ms: Date.now() - started };
  } finally {
    await context.close();
  }
}

/** Opens the live wall at its design size (kiosk: no controls, no cursor) and waits until it is drawn. */
async function openWall(browser: Browser, options: SnapshotOptions): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: options.width, height: options.height }, deviceScaleFactor: 1 });
  try {
    await giveToken(context, options.viewerToken);
    const page = await context.newPage();
    const query = new URLSearchParams({ layout: `${options.width}x${options.height}`, kiosk: '1', lang: options.lang });
    await page.goto(`${options.baseUrl}/?${query}`, { timeout: READY_TIMEOUT_MS });
    // The map has drawn, the charts exist and the first Summary is on the boards.
    await page.waitForFunction(() => {
      const doc = (globalThis as unknown as { document: PageDocument }).document;
      const map = doc.querySelector('[data-testid=grid-map][data-ready=true] canvas');
      const charts = doc.querySelectorAll('[data-chart] canvas').length;
      const filled = [...doc.querySelectorAll('[data-board] .digits')].some((d) => /\d/.test(d.textContent ?? ''));
      return map !== null && charts >= 8 && filled;
    }, undefined, { polling: 100, timeout: READY_TIMEOUT_MS });
    // Let the numbers finish easing (0.8 s) before the picture.
    await page.waitForTimeout(900);
    return { context, page };
  } catch (error) {
    await context.close().catch(() => {});
    throw error;
  }
}

/** The live wall as a PNG at its design size, from a page opened for this picture alone. */
export async function renderSnapshot(browser: Browser, options: SnapshotOptions): Promise<Buffer> {
  const { context, page } = await openWall(browser, options);
  try {
    return await page.screenshot({ type: 'png' });
  } finally {
    await context.close();
  }
}

/**
 * Snapshots that keep the last wall page open, live, for as long as its browser runs (the
 * Renderer closes an idle browser after a minute): the next snapshot of the same size and
 * language is a screenshot of a page already drawn, instead of a wall loaded from scratch.
 */
export class SnapshotPages {
  private warm: { key: string; browser: Browser; context: BrowserContext; page: Page } | null = null;

  async take(browser: Browser, options: SnapshotOptions): Promise<Buffer> {
    const key = `${options.width}x${options.height}/${options.lang}`;
    const warm = this.warm;
    if (warm && warm.key === key && warm.browser === browser && browser.isConnected() && !warm.page.isClosed()) {
      return warm.page.screenshot({ type: 'png' });
    }
    await this.close();
    const opened = await openWall(browser, options);
    this.warm = { key, browser, ...opened };
    return opened.page.screenshot({ type: 'png' });
  }

  async close(): Promise<void> {
    const warm = this.warm;
    this.warm = null;
    await warm?.context.close().catch(() => {});
  }
}
