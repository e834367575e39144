// Debian's Chromium through playwright-core, for everything that draws a page server side: the
// weekly report, the wall snapshot, `npm run screenshots` and the browser tests. Software WebGL
// (SwiftShader) so MapLibre draws without a GPU; see docs/browser-tests.md for the flags.
import { createHash } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

/**
 * How the server's own renders (the report deck, the snapshot) run Chromium: they share 2 cores
 * with the live path, so Chromium and every process it starts run under SCHED_IDLE (chrt --idle):
 * the kernel gives it the CPU the server and its walls leave over, and the deck takes longer
 * instead (docs/reports.md). A nice value alone does not hold: Chromium sets its threads' nice
 * values itself (0, and -8 for display threads when it may), but it keeps the scheduling policy.
 * Without chrt(1), nice 19. Tests and scripts run it at the normal priority.
 */
const CHRT = '/usr/bin/chrt';
const NICE = '/usr/bin/nice';
const wrappers = new Map<string, string | null>();

/**
 * An executable that runs Chromium in the background class: playwright spawns one program, and
 * Chromium's zygote and renderers inherit the policy from a parent started with it. One small
 * script per machine and binary in the temporary folder, named by its content (written to a
 * temporary name and renamed, so processes starting together never see half of it); null where
 * neither chrt(1) nor nice(1) is found.
 */
function backgroundChromium(chromiumBinary: string): string | null {
  let wrapper = wrappers.get(chromiumBinary);
  if (wrapper !== undefined) return wrapper;
  const prefix = existsSync(CHRT) ? `${CHRT} --idle 0` : existsSync(NICE) ? `${NICE} -n 19` : null;
  wrapper = null;
  if (prefix) {
    const quoted = `'${chromiumBinary.replace(/'/g, `'\\''`)}'`;
    const script = `#!/bin/sh\nexec ${prefix} ${quoted} "$@"\n`;
    wrapper = path.join(os.tmpdir(), `grid141-chromium-${createHash('sha256').update(script).digest('hex').slice(0, 12)}.sh`);
    if (!existsSync(wrapper)) {
      const temp = `${wrapper}.${process.pid}.tmp`;
      writeFileSync(temp, script, { mode: 0o755 });
      renameSync(temp, wrapper);
    }
  }
  wrappers.set(chromiumBinary, wrapper);
  return wrapper;
}

/**
 * A headless Chromium; throws ChromiumMissingError when none is installed. The caller closes it.
 * `background: true` runs it and every process it starts in the background CPU class (above).
 */
export async function launchChromium(options: { background?: boolean } = {}): Promise<Browser> {
  const binary = chromiumPath();
  if (!existsSync(binary)) throw new ChromiumMissingError(binary);
  const executablePath = (options.background ? backgroundChromium(binary) : null) ?? binary;
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}
