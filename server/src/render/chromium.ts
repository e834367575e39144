// Debian's Chromium through playwright-core, for everything that draws a page server side: the
// weekly report, the wall snapshot, `npm run screenshots` and the browser tests. Software WebGL
// (SwiftShader) so MapLibre draws without a GPU; see docs/browser-tests.md for the flags.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Where Chromium is looked for: CHROMIUM_PATH, else Debian's package. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/** The flags that give WebGL in software (SwiftShader) in headless Chromium, and no traffic of its own. */
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

/** Thrown when no Chromium is installed; its message is the one line an operator needs. */
export class ChromiumMissingError extends Error {
  constructor(path: string) {
    super(`no Chromium at ${path}: install it with "apt-get install chromium" (or set CHROMIUM_PATH to a Chromium binary)`);
    this.name = 'ChromiumMissingError';
  }
}

export function chromiumAvailable(): boolean {
  return existsSync(chromiumPath());
}

/** A headless Chromium; throws ChromiumMissingError when none is installed. The caller closes it. */
export async function launchChromium(): Promise<Browser> {
  const path = chromiumPath();
  if (!existsSync(path)) throw new ChromiumMissingError(path);
  return chromium.launch({ executablePath: path, args: CHROMIUM_ARGS, headless: true });
}
