// A deploy reaches every wall on its own: when the server comes back serving another build of
// the wall (its index.html names other assets), an open wall reloads itself onto it; the same
// build (wall.test.ts: a plain restart) keeps the page.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserAvailable, launchBrowser, openWatchedPage } from '../helpers/browser.ts';
import { makeTempDir, REPO_ROOT, startTestServer, stopAllServers, type TestServer } from '../helpers/server.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { waitForWallReady } from '../helpers/wall-page.ts';

describe.skipIf(!browserAvailable())('a new build of the wall', () => {
  let server: TestServer;
  let browser: Browser;
  let clientDir = '';

  beforeAll(async () => {
    ensureClientBuilt();
    // A copy of the build this test may change, as a deploy would.
    clientDir = path.join(makeTempDir('grid141-dist-'), 'dist');
    fs.cpSync(path.join(REPO_ROOT, 'client', 'dist'), clientDir, { recursive: true });
    [server, browser] = await Promise.all([startTestServer({ env: { CLIENT_DIST: clientDir } }), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await stopAllServers();
  });

  it('reloads an open wall when the server comes back with another build', async () => {
    const watched = await openWatchedPage(browser, server.url, { width: 1920, height: 1080 });
    const { page } = watched;
    try {
      await page.goto(`${server.url}/?token=${server.credentials.viewerToken}`);
      await waitForWallReady(page);
      const connection = page.locator('[data-testid=connection]');
      await expect.poll(() => connection.getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
      await page.evaluate(() => ((window as unknown as { __sameDocument: string }).__sameDocument = 'old build'));

      const { port, dataDir, credentials } = server;
      await server.stop();
      const index = path.join(clientDir, 'index.html');
      fs.writeFileSync(index, `${fs.readFileSync(index, 'utf8')}<!-- deployed again -->\n`);
      server = await startTestServer({ dataDir, credentials, env: { PORT: String(port), CLIENT_DIST: clientDir } });

      await expect
        .poll(() => page.evaluate(() => (window as unknown as { __sameDocument?: string }).__sameDocument ?? 'reloaded'), {
          timeout: 30_000,
          message: 'the page reloaded onto the new build',
        })
        .toBe('reloaded');
      await waitForWallReady(page);
      await expect.poll(() => connection.getAttribute('data-state'), { timeout: 15_000 }).toBe('live');
      const unexpected = watched.consoleErrors.filter((m) => !/websocket|ERR_CONNECTION_REFUSED|socket\.io/i.test(m));
      expect(unexpected).toEqual([]);
    } finally {
      await watched.context.close();
    }
  });
});
