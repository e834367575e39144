// Debian's Chromium through playwright-core, with software WebGL for MapLibre and a
// guard that fails on any request leaving the machine.
import { existsSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags that give WebGL in software (SwiftShader) in headless Chromium; see docs/browser-tests.md. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Browser tests run when a Chromium is found; CI sets GRID141_REQUIRE_BROWSER=1 so a missing one fails. */
export function browserAvailable(): boolean {
  const found = existsSync(CHROMIUM_PATH);
  if (!found && process.env.GRID141_REQUIRE_BROWSER === '1') {
    throw new Error(`browser tests are required (GRID141_REQUIRE_BROWSER=1) but no Chromium at ${CHROMIUM_PATH}`);
  }
  return found;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  consoleErrors: string[];
  foreignRequests: string[];
}

/**
 * A page that records console errors and refuses (and records) every request to another host
 * than the server's, and than `allowOrigins` (a test's stand-in for a configured basemap).
 */
export async function openWatchedPage(
  browser: Browser,
  baseUrl: string,
  viewport: { width: number; height: number },
  allowOrigins: readonly string[] = [],
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const foreignRequests: string[] = [];
  const ownOrigin = new URL(baseUrl).origin;
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    const origin = url.startsWith('data:') || url.startsWith('blob:') ? ownOrigin : new URL(url).origin;
    if (origin === ownOrigin || allowOrigins.includes(origin)) {
      await route.continue();
    } else {
      foreignRequests.push(url);
      await route.abort('blockedbyclient');
    }
  });
  return { context, page, consoleErrors, foreignRequests };
}

export function screenshotDir(): string {
  const dir = path.resolve(process.env.GRID141_SCREENSHOTS ?? 'test-output/screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}
