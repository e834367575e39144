// Rotating the wall's viewer token in /admin (tester's finding 13, issue 16), under BASE_PATH: the
// confirm dialog says walls are cut at once (not "at their next connection"), and after the
// rotation the page gives the whole wall address to open (origin + BASE_PATH + /?token=…) with a
// copy button; that address opens a live wall. Runs under the server's CSP (the guard throws on close).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserAvailable, launchBrowser, openSignedInPage, openWatchedPage, screenshotDir } from '../helpers/browser.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { waitForWallReady } from '../helpers/wall-page.ts';
import { startTestServer, stopAllServers, type TestServer } from '../helpers/server.ts';

const BASE = '/grid141';

describe.skipIf(!browserAvailable())('rotating the wall token in /admin', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    ensureClientBuilt();
    [server, browser] = await Promise.all([startTestServer({ env: { BASE_PATH: BASE } }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await stopAllServers();
  });

  it('warns that walls are cut at once, then shows the full new wall address with a copy button, and that address opens the wall', async () => {
    const origin = new URL(server.url).origin;
    expect(server.url).toBe(`${origin}${BASE}`);
    const admin = await openSignedInPage(browser, server.url, { username: 'admin', password: server.credentials.adminPassword }, { width: 1366, height: 768 });
    const { page } = admin;
    await admin.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.accept();
    });
    try {
      await page.goto(`${server.url}/admin`);
      await page.locator('[data-action="rotate"]').click({ timeout: 30_000 });
      const address = page.locator('[data-wall-address]');
      await address.waitFor({ timeout: 15_000 });
      expect(dialogs).toHaveLength(1);
      expect(dialogs[0]).toContain('立即');
      expect(dialogs[0]).not.toContain('下次连接');
      const token = await page.locator('[data-secret="token"]').innerText();
      expect(token.length).toBeGreaterThanOrEqual(16);
      expect(await address.innerText()).toBe(`${origin}${BASE}/?token=${encodeURIComponent(token)}`);
      expect(await page.locator('[data-rotated]').innerText()).not.toContain('下次连接');
      await page.locator('[data-action="copy-address"]').click();
      await page.locator('[data-copy-state]').waitFor();
      if ((await page.locator('[data-copy-state]').innerText()) === '已复制') {
        expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${origin}${BASE}/?token=${encodeURIComponent(token)}`);
      }
      await page.locator('#token').screenshot({ path: path.join(screenshotDir(), 'admin-token-rotated.png') });

      // The address shown opens a live wall.
      const wall = await openWatchedPage(browser, server.url, { width: 1920, height: 1080 });
      try {
        await wall.page.goto(await address.innerText());
        await waitForWallReady(wall.page);
      } finally {
        await wall.context.close();
      }
    } finally {
      await admin.context.close();
    }
  });
});
