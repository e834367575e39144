// What an operator does with the wall, in Debian's Chromium against the real server (demo feed
// off): clicks a grid and reads its card, turns a map layer off and on, switches the language,
// and what a kiosk wall hides.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { BOARDS } from '@grid141/shared';
import { browserAvailable, launchBrowser, openWatchedPage } from '../helpers/browser.ts';
import { REPO_ROOT, startTestServer, stopAllServers, type TestServer } from '../helpers/server.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { waitForWallReady } from '../helpers/wall-page.ts';
import { categoryName, communityName, criticalIncident } from './records.ts';

interface GridProps {
  id: string;
  name: string;
  communityId: string;
  leader: string;
  population: number;
}
const grids = (
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'data', 'streets', 'shiyoulu', 'grids.geojson'), 'utf8')) as { features: { properties: GridProps }[] }
).features.map((f) => f.properties);

describe.skipIf(!browserAvailable())('operating the wall', () => {
  let server: TestServer;
  let browser: Browser;
  const critical = criticalIncident();
  let grid: GridProps;

  const wallUrl = (query = '') => `${server.url}/?token=${server.credentials.viewerToken}${query}`;

  beforeAll(async () => {
    ensureClientBuilt();
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    const res = await fetch(`${server.url}/api/v1/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': server.credentials.ingestKey },
      body: JSON.stringify(critical.body),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    // The grid the server placed it in (the card must show that grid's facts from the GeoJSON).
    const stored = (await (await server.get(`/api/v1/incidents/${id}`)).json()) as { gridId: string };
    const found = grids.find((g) => g.id === stored.gridId);
    if (!found) throw new Error(`incident placed in an unknown grid ${stored.gridId}`);
    grid = found;
  });

  afterAll(async () => {
    await browser?.close();
    await stopAllServers();
  });

  it("a click on a grid pins its card: name, community, leader, population, today's and open incidents", async () => {
    const watched = await openWatchedPage(browser, server.url, { width: 1920, height: 1080 });
    const { page } = watched;
    try {
      await page.goto(wallUrl());
      await waitForWallReady(page);
      // The critical incident's ring marks a point inside the grid; click the map there.
      const ring = page.locator('[data-testid=grid-map] .pulse-ring');
      await ring.waitFor();
      const box = await ring.boundingBox();
      if (!box) throw new Error('no ring box');
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      const panel = page.locator('[data-testid=grid-panel]');
      await panel.waitFor({ timeout: 5000 });
      const text = (await panel.textContent()) ?? '';
      expect(await panel.locator('h3').textContent()).toBe(grid.name);
      expect(text).toContain(communityName(grid.communityId));
      expect(text).toContain(grid.leader);
      expect(text).toContain(grid.population.toLocaleString());
      expect(text).toContain(categoryName('emergency'));
      // Counts: today 1, open 1, overdue 0 — in that order.
      expect(await panel.locator('.counts .n').allTextContents()).toEqual(['1', '1', '0']);
      // Pinned: the close button is there and takes the card away.
      await panel.locator('button.close').click();
      await expect.poll(() => panel.count()).toBe(0);
      expect(watched.consoleErrors).toEqual([]);
    } finally {
      await watched.context.close();
    }
  });

  it("the incidents toggle takes the incidents off the map and brings them back; the language toggle switches the wall's text", async () => {
    const watched = await openWatchedPage(browser, server.url, { width: 1920, height: 1080 });
    const { page } = watched;
    try {
      await page.goto(wallUrl());
      await waitForWallReady(page);
      const ring = page.locator('[data-testid=grid-map] .pulse-ring');
      await ring.waitFor();
      const toggle = page.locator('[data-testid=layer-toggles] button').first();
      expect(await toggle.getAttribute('aria-pressed')).toBe('true');
      await toggle.click();
      expect(await toggle.getAttribute('aria-pressed')).toBe('false');
      await expect.poll(() => ring.isVisible(), { message: 'ring hidden with the incidents layer' }).toBe(false);
      await toggle.click();
      await expect.poll(() => ring.isVisible(), { message: 'ring back with the incidents layer' }).toBe(true);

      const titles = () => page.locator('[data-board] h2').allTextContents();
      expect(await titles()).toEqual(expect.arrayContaining(BOARDS.map((b) => b.zh)));
      await page.locator('[data-testid=lang-toggle]').click();
      await expect.poll(titles).toEqual(expect.arrayContaining(BOARDS.map((b) => b.en)));
      await page.locator('[data-testid=lang-toggle]').click();
      await expect.poll(titles).toEqual(expect.arrayContaining(BOARDS.map((b) => b.zh)));
      expect(watched.consoleErrors).toEqual([]);
    } finally {
      await watched.context.close();
    }
  });

  it('a kiosk wall (?kiosk=1) hides the cursor and every control', async () => {
    const watched = await openWatchedPage(browser, server.url, { width: 1920, height: 1080 });
    const { page } = watched;
    try {
      await page.goto(wallUrl('&kiosk=1'));
      await waitForWallReady(page);
      const controls = page.locator('.wall-control');
      expect(await controls.count(), 'controls exist in the page').toBeGreaterThan(0);
      const shown = await controls.evaluateAll((els) => els.filter((el) => getComputedStyle(el).display !== 'none').length);
      expect(shown, 'controls shown on a kiosk wall').toBe(0);
      const cursor = await page.locator('[data-testid=wall-canvas]').evaluate((el) => getComputedStyle(el).cursor);
      expect(cursor).toBe('none');
      expect(watched.consoleErrors).toEqual([]);
    } finally {
      await watched.context.close();
    }
  });
});
