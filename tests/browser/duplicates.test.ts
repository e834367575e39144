// Duplicates on the duty desk in Chromium against the real server: a second report of the same
// matter carries the 疑似重复 badge in the queue, its page shows it beside the original, one click
// merges it, and a wall open in another tab counts the matter once (open − 1, reported the same).
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { incidentCode, type Summary } from '@grid141/shared';
import { browserAvailable, launchBrowser, openSignedInPage, openWatchedPage, screenshotDir } from '../helpers/browser.ts';
import { stripTiles, waitForWallReady } from '../helpers/wall-page.ts';
import zhCN from '../../client/src/i18n/zh-CN.ts';
import { REPO_ROOT, startTestServer, stopAllServers, type TestServer } from '../helpers/server.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';

const pois = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'data', 'streets', 'shiyoulu', 'pois.geojson'), 'utf8')) as {
  features: { properties: { kind: string }; geometry: { coordinates: [number, number] } }[];
}).features;
const [lng, lat] = (pois.find((f) => f.properties.kind === 'canteen') as (typeof pois)[number]).geometry.coordinates;
const M_LNG = 1 / (111_320 * Math.cos((lat * Math.PI) / 180));

describe.skipIf(!browserAvailable())('duplicates on the duty desk', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    ensureClientBuilt();
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await stopAllServers();
  });

  it('badges the possible duplicate, shows it beside the original, merges it with one click, and the wall counts the matter once', async () => {
    const report = async (over: Record<string, unknown>) => {
      const res = await fetch(`${server.url}/api/v1/incidents`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': server.credentials.ingestKey },
        body: JSON.stringify({ externalId: randomUUID(), source: 'resident_app', category: 'city_mgmt', location: { lng, lat }, ...over }),
      });
      expect(res.status).toBe(201);
      return (await res.json()) as { id: string; possibleDuplicateOf: string | null };
    };
    const original = await report({ description: '菜市场门口井盖缺失，有人差点踩空', reporter: { name: '王阿姨' } });
    const duplicate = await report({ description: '井盖没了，很危险', location: { lng: lng + 25 * M_LNG, lat }, reporter: { name: '李师傅' } });
    expect(duplicate.possibleDuplicateOf).toBe(original.id);
    const summary = async () => (await (await server.get('/api/v1/summary')).json()) as Summary;
    const before = await summary();

    // A wall on its screen, as the street's LED wall would be: its strip's open and reported tiles.
    const wall = await openWatchedPage(browser, server.url, { width: 1920, height: 1080 });
    await wall.page.goto(`${server.url}/?token=${server.credentials.viewerToken}`);
    await waitForWallReady(wall.page);
    const tile = async (label: string) => Number((await stripTiles(wall.page))[label]);
    // Both reports are open on the wall before the merge (the mark alone changes no figure).
    await expect.poll(() => tile(zhCN.strip.open), { timeout: 15_000 }).toBe(before.incidents.today.open);
    const wallReported = await tile(zhCN.strip.reported);
    expect(wallReported).toBe(before.incidents.today.total);

    const watched = await openSignedInPage(browser, server.url, { username: 'admin', password: server.credentials.adminPassword }, { width: 1440, height: 900 });
    const { page } = watched;
    try {
      await page.goto(`${server.url}/duty`);
      const dupRow = page.locator(`[data-id="${duplicate.id}"]`);
      await dupRow.waitFor({ timeout: 30_000 });
      expect(await dupRow.locator('[data-duplicate]').innerText()).toBe('疑似重复');
      expect(await page.locator(`[data-id="${original.id}"] [data-duplicate]`).count()).toBe(0);
      await page.screenshot({ path: path.join(screenshotDir(), 'desk-duplicate-queue.png') });

      await dupRow.locator('a').click();
      const panel = page.locator('[data-duplicate-panel]');
      await panel.waitFor({ timeout: 30_000 });
      await panel.locator('[data-side="original"] .desc').waitFor();
      expect(await panel.locator('[data-side="this"] .desc').innerText()).toBe('井盖没了，很危险');
      expect(await panel.locator('[data-side="original"] .desc').innerText()).toBe('菜市场门口井盖缺失，有人差点踩空');
      expect(await panel.locator('[data-apart]').innerText()).toMatch(/相距约 25 米/);
      await page.screenshot({ path: path.join(screenshotDir(), 'desk-duplicate-side-by-side.png') });

      await panel.locator('[data-action="merge"]').click();
      await page.locator('[data-status]').filter({ hasText: '已合并' }).waitFor({ timeout: 15_000 });
      await panel.locator('[data-action="unmerge"]').waitFor();
      await page.screenshot({ path: path.join(screenshotDir(), 'desk-duplicate-merged.png') });

      // The wall's figures: one matter open, both reports still counted as reported today.
      let after = await summary();
      for (let i = 0; i < 50 && after.incidents.today.open !== before.incidents.today.open - 1; i++) {
        await new Promise((r) => setTimeout(r, 200));
        after = await summary();
      }
      expect(after.incidents.today.open).toBe(before.incidents.today.open - 1);
      expect(after.incidents.today.total).toBe(before.incidents.today.total);
      // The wall itself follows, live: one open matter fewer, both reports still reported.
      await expect.poll(() => tile(zhCN.strip.open), { timeout: 15_000 }).toBe(before.incidents.today.open - 1);
      expect(await tile(zhCN.strip.reported)).toBe(wallReported);
      await wall.page.screenshot({ path: path.join(screenshotDir(), 'wall-after-duplicate-merge.png') });
      expect(wall.consoleErrors).toEqual([]);

      // The original's timeline shows the merge as 并入重复上报 and the duplicate's code, not its
      // status label and raw id (tester finding 10); the queue no longer lists the duplicate.
      await page.goto(`${server.url}/duty/incidents/${original.id}`);
      const mergedIn = page.locator('.timeline li').filter({ hasText: '并入重复上报' });
      await mergedIn.waitFor({ timeout: 15_000 });
      expect(await mergedIn.locator('[data-related]').innerText()).toBe(incidentCode(duplicate.id));
      expect(await page.locator('.timeline').innerText()).not.toContain(duplicate.id);
      await page.screenshot({ path: path.join(screenshotDir(), 'desk-duplicate-original-timeline.png') });
      await page.goto(`${server.url}/duty`);
      await page.locator(`[data-id="${original.id}"]`).waitFor({ timeout: 15_000 });
      expect(await page.locator(`[data-id="${duplicate.id}"]`).count()).toBe(0);
      expect(watched.consoleErrors).toEqual([]);

      // An operator sees the merged report without 撤销合并 (the API refuses them: leaders only),
      // and its timeline names the original by code.
      const created = await page.context().request.post(`${server.url}/api/v1/users`, { data: { username: 'op-dup', password: 'op-dup-password-1', role: 'operator' } });
      expect(created.status()).toBe(201);
      const op = await openSignedInPage(browser, server.url, { username: 'op-dup', password: 'op-dup-password-1' }, { width: 1440, height: 900 });
      try {
        await op.page.goto(`${server.url}/duty/incidents/${duplicate.id}`);
        await op.page.locator('[data-unmerge-hint]').waitFor({ timeout: 30_000 });
        expect(await op.page.locator('[data-action="unmerge"]').count()).toBe(0);
        const mergedTo = op.page.locator('.timeline li').filter({ hasText: '合并至' });
        expect(await mergedTo.locator('[data-related]').innerText()).toBe(incidentCode(original.id));
      } finally {
        await op.context.close();
      }
    } finally {
      await page.context().close();
      await wall.page.context().close();
    }
  });
});
