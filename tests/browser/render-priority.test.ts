// The server's renders run Chromium in the background CPU class (docs/reports.md): every process
// and thread it starts is under SCHED_IDLE, so the live path gets the cores first. A nice value
// would not do: Chromium running as root sets its threads' nice values back itself.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { launchChromium } from '../../server/src/render/chromium.ts';
import { browserAvailable } from '../helpers/browser.ts';

/** Scheduling class (TS, IDL, …) of every thread of this process's descendants, with the program each runs. */
function descendantClasses(): { command: string; cls: string }[] {
  const rows = execFileSync('ps', ['-eLo', 'pid=,ppid=,cls=,args=']).toString().trim().split('\n').map((l) => l.trim().split(/\s+/));
  const tree = new Set([String(process.pid)]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of rows) if (pid && ppid && tree.has(ppid) && !tree.has(pid)) grew = Boolean(tree.add(pid));
  }
  return rows.filter(([pid]) => pid !== String(process.pid) && tree.has(pid as string)).map(([, , cls, command]) => ({ command: command as string, cls: cls as string }));
}

describe.skipIf(!browserAvailable() || !existsSync('/usr/bin/chrt'))('Chromium for server renders', () => {
  it('runs every Chromium process and thread under SCHED_IDLE, with a page and WebGL drawing', async () => {
    const browser = await launchChromium({ background: true });
    try {
      const page = await browser.newPage();
      await page.setContent('<canvas id="c"></canvas><p>rendering</p>');
      await page.evaluate(() => (document.getElementById('c') as HTMLCanvasElement).getContext('webgl'));
      const chromium = descendantClasses().filter((p) => /chrom/.test(p.command));
      expect(chromium.length).toBeGreaterThan(10);
      expect(chromium.filter((p) => p.cls !== 'IDL')).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('a browser for tests and scripts keeps the normal class', async () => {
    const browser = await launchChromium();
    try {
      await (await browser.newPage()).setContent('<p>normal</p>');
      const chromium = descendantClasses().filter((p) => /chrom/.test(p.command));
      expect(chromium.some((p) => p.cls === 'TS')).toBe(true);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
