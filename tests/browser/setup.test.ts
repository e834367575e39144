// The wall set up by the server (WALL_LAYOUT, WALL_ROTATE, BASEMAP_TILES), in Debian's Chromium:
// the configured shape and rotation apply with nothing in the URL, the URL still wins, and the
// configured basemap is the one outside host the wall asks, drawn under the street, at every
// size the wall tests open, within the CSP, and it never learns the token or the wall's address.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserAvailable, launchBrowser, openWatchedPage } from '../helpers/browser.ts';
import { startTestServer, stopAllServers, type TestServer } from '../helpers/server.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { mapColourCount, waitForWallReady, wallScale } from '../helpers/wall-page.ts';

// A 1×1 magenta PNG: every tile of the stand-in basemap.
const TILE = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC', 'base64');

describe.skipIf(!browserAvailable())('a wall set up by the server', () => {
  let server: TestServer;
  let browser: Browser;
  let tiles: http.Server;
  let tileOrigin = '';
  const tileRequests: string[] = [];
  // Every tile request's headers: nothing of the wall's address or token may reach the basemap host.
  const tileHeaders: http.IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    ensureClientBuilt();
    tiles = http.createServer((req, res) => {
      tileRequests.push(req.url ?? '');
      tileHeaders.push(req.headers);
      res.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*' }).end(TILE);
    });
    await new Promise<void>((resolve) => tiles.listen(0, '127.0.0.1', resolve));
    // Another port is another origin: to the wall this is an outside host.
    tileOrigin = `http://127.0.0.1:${(tiles.address() as AddressInfo).port}`;
    [server, browser] = await Promise.all([
      startTestServer({
        env: {
          WALL_LAYOUT: '3840x1080',
          WALL_ROTATE: 'economy:5',
          BASEMAP_TILES: `${tileOrigin}/tiles/{z}/{x}/{y}.png`,
          BASEMAP_ATTRIBUTION: 'Test tiles',
        },
      }),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await stopAllServers();
    await new Promise((resolve) => tiles?.close(resolve));
  });

  it('takes the configured shape and rotation, draws the configured basemap, and asks no other host', async () => {
    const watched = await openWatchedPage(browser, server.url, { width: 1920, height: 540 }, [tileOrigin]);
    const { page } = watched;
    try {
      await page.goto(`${server.url}/?token=${server.credentials.viewerToken}`);
      await waitForWallReady(page);
      // 3840×1080 in a 1920×540 window: the wide layout at half scale, no letterbox.
      expect(await page.locator('[data-testid=wall-canvas]').getAttribute('class')).toContain('layout-wide');
      expect(await wallScale(page)).toBeCloseTo(0.5, 5);
      expect(tileRequests.length, 'basemap tiles asked for').toBeGreaterThan(0);
      expect(tileRequests.every((url) => /^\/tiles\/\d+\/\d+\/\d+\.png$/.test(url))).toBe(true);
      await expect.poll(() => page.locator('.maplibregl-ctrl-attrib').textContent()).toContain('Test tiles');
      // economy:5 — the economy board comes into focus after the first 5 s of plain wall.
      await page.locator('#wall-focus-stage [data-board=economy]').waitFor({ timeout: 10_000 });
      // Its own place says where it went.
      expect(await page.locator('[data-area=economy] .board-away').textContent()).toContain('经济发展');
      expect(watched.foreignRequests).toEqual([]);
      expect(watched.consoleErrors).toEqual([]);
    } finally {
      await watched.context.close();
    }
  });

  // The wall's other sizes (tests/browser/wall.test.ts opens them without a basemap), opened as
  // the done-when says: ?token=…&layout=…; within the CSP with the basemap host allowed, the
  // token out of the address, and neither the token nor the wall's address sent to the tile host.
  for (const size of [{ width: 3840, height: 2160 }, { width: 5760, height: 2160 }]) {
    it(`at ${size.width}x${size.height} with the basemap: drawn within the CSP, the token leaves the address, the tile host learns nothing`, async () => {
      const watched = await openWatchedPage(browser, server.url, size, [tileOrigin]);
      const { page } = watched;
      const asked = tileRequests.length;
      try {
        const layout = `${size.width}x${size.height}`;
        await page.goto(`${server.url}/?token=${server.credentials.viewerToken}&layout=${layout}`);
        await waitForWallReady(page);
        expect(await mapColourCount(page), 'distinct colours on the map').toBeGreaterThan(8);
        expect(tileRequests.length, 'tiles asked for at this size').toBeGreaterThan(asked);
        const href = await page.evaluate(() => window.location.href);
        expect(href).not.toContain('token=');
        expect(new URL(href).searchParams.get('layout')).toBe(layout);
        noSecretsToTiles();
        expect(watched.foreignRequests).toEqual([]);
        expect(watched.consoleErrors).toEqual([]);
        expect(watched.cspViolations).toEqual([]);
      } finally {
        await watched.context.close();
      }
    });
  }

  function noSecretsToTiles(): void {
    expect(tileHeaders.length).toBeGreaterThan(0);
    for (const headers of tileHeaders) {
      expect(headers.referer, 'Referrer-Policy: no-referrer').toBeUndefined();
      expect(headers.authorization).toBeUndefined();
      expect(JSON.stringify(headers)).not.toContain(server.credentials.viewerToken);
    }
    expect(tileRequests.filter((url) => url.includes(server.credentials.viewerToken))).toEqual([]);
  }

  it("the server's own render of the wall (GET /api/v1/snapshot.png) sends the tile host neither the token nor the wall's address", async () => {
    const asked = tileRequests.length;
    const response = await server.get('/api/v1/snapshot.png?layout=1280x720');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(tileRequests.length, 'the snapshot drew the basemap').toBeGreaterThan(asked);
    noSecretsToTiles();
    // The server's log names no address with the token either (a failed render would log its error).
    expect((server.stdout() + server.stderr()).split('\n').filter((line) => line.startsWith('{') && line.includes(server.credentials.viewerToken))).toEqual([]);
  });

  it("lets a wall's URL win over the server's layout and turn the rotation off", async () => {
    const watched = await openWatchedPage(browser, server.url, { width: 1920, height: 1080 }, [tileOrigin]);
    const { page } = watched;
    try {
      await page.goto(`${server.url}/?token=${server.credentials.viewerToken}&layout=1920x1080&rotate=0`);
      await waitForWallReady(page);
      expect(await page.locator('[data-testid=wall-canvas]').getAttribute('class')).toContain('layout-standard');
      expect(await wallScale(page)).toBeCloseTo(1, 5);
      await page.waitForTimeout(6000);
      expect(await page.locator('#wall-focus-stage [data-board]').count(), 'no board in focus').toBe(0);
      expect(watched.consoleErrors).toEqual([]);
    } finally {
      await watched.context.close();
    }
  });
});
