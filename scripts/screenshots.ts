// `npm run screenshots`: the wall as an operator sees it after `npm start` — the real server with
// the demo feed on a fresh DATA_DIR, backfill done — photographed at every wall shape we support,
// with the first full render of each. The PNGs are for looking at (style.md: "look at what you build").
//   npm run screenshots [-- --out DIR] [-- --lang en]
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from '../server/src/render/chromium.ts';
import { openWatchedPage } from '../tests/helpers/browser.ts';
import { ensureClientBuilt } from '../tests/helpers/client-build.ts';
import { REPO_ROOT, startTestServer, stopAllServers } from '../tests/helpers/server.ts';
import { waitForWallReady } from '../tests/helpers/wall-page.ts';

const SHAPES = [
  { name: '1920x1080', width: 1920, height: 1080, layout: null },
  { name: '3840x2160', width: 3840, height: 2160, layout: null },
  { name: '5760x2160', width: 5760, height: 2160, layout: '5760x2160' },
  { name: '3840x1080', width: 3840, height: 1080, layout: '3840x1080' },
] as const;

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: path.join(REPO_ROOT, 'test-output', 'screenshots', 'demo') },
    lang: { type: 'string', default: 'zh-CN' },
  },
});
const outDir = path.resolve(values.out);

async function backfillDone(stdout: () => string, deadline: number): Promise<void> {
  while (!stdout().includes('simulator backfill done')) {
    if (Date.now() > deadline) throw new Error('the demo feed did not finish its backfill in time');
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function main(): Promise<void> {
  ensureClientBuilt();
  const [server, browser] = await Promise.all([startTestServer({ env: { SIMULATE: '1', LOG_LEVEL: 'info' } }), launchChromium()]);
  try {
    await backfillDone(server.stdout, Date.now() + 180_000);
    for (const shape of SHAPES) {
      const watched = await openWatchedPage(browser, server.url, { width: shape.width, height: shape.height });
      try {
        const query = new URLSearchParams({ token: server.credentials.viewerToken, lang: values.lang });
        if (shape.layout) query.set('layout', shape.layout);
        await watched.page.goto(`${server.url}/?${query}`);
        const renderMs = await waitForWallReady(watched.page);
        // Let the number animations and the first deltas settle before the picture.
        await watched.page.waitForTimeout(2500);
        const file = path.join(outDir, `wall-${shape.name}-${values.lang}.png`);
        await watched.page.screenshot({ path: file });
        const problems = [...watched.consoleErrors, ...watched.foreignRequests.map((url) => `foreign request ${url}`)];
        console.log(`${shape.name}: first full render ${renderMs} ms, load average ${(os.loadavg()[0] ?? 0).toFixed(1)} → ${file}`);
        for (const problem of problems) console.log(`  ! ${problem}`);
      } finally {
        await watched.context.close();
      }
    }
  } finally {
    await browser.close();
    await stopAllServers();
  }
}

await main();
