// The wall in Debian's Chromium against the REAL server (demo feed off): at three wall sizes it
// loads clean, draws its map and charts, keeps text legible; posted records show as the figures
// posted; a critical incident reaches ticker, map and toasts; a server restart is survived live.
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { BOARDS } from '@grid141/shared';
import { browserAvailable, launchBrowser, openWatchedPage, screenshotDir, type WatchedPage } from '../helpers/browser.ts';
import { startTestServer, stopAllServers, type TestServer } from '../helpers/server.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { keyNumber, lowContrastText, mapColourCount, scrollOverflow, smallText, stripTiles, waitForWallReady, wallScale } from '../helpers/wall-page.ts';
import zhCN from '../../client/src/i18n/zh-CN.ts';
import { categoryName, communityName, criticalIncident, feedRecords, ordinaryIncidents } from './records.ts';

/**
 * A guard against a wall that hangs, not a speed target: issue 4's 3 s first render is measured by
 * `npm run bench -- --only wall-idle` (issue 8 §9: a test that times passes or fails with the load).
 */
const RENDER_GUARD_MS = Number(process.env.GRID141_RENDER_GUARD_MS ?? 20_000);
/** The same for a posted critical incident reaching ticker, map and toast (issue 4's 3 s is the bench's). */
const LIVE_GUARD_MS = Number(process.env.GRID141_LIVE_GUARD_MS ?? 20_000);
const SIZES = [
  { name: '1920x1080', width: 1920, height: 1080, query: '' },
  { name: '3840x2160', width: 3840, height: 2160, query: '' },
  { name: '5760x2160', width: 5760, height: 2160, query: '&layout=5760x2160' },
] as const;

const boards = zhCN.boards;
const fmt = (n: number) => n.toLocaleString('zh-CN');

describe.skipIf(!browserAvailable())('the wall in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  const posted = feedRecords();
  const incidents = ordinaryIncidents();

  const post = async (kind: string, body: unknown) => {
    const res = await fetch(`${server.url}/api/v1/${kind}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': server.credentials.ingestKey },
      body: JSON.stringify(body),
    });
    expect(res.status, `POST ${kind}: ${await res.clone().text()}`).toBeLessThan(300);
    return res;
  };
  const wallUrl = (query = '') => `${server.url}/?token=${server.credentials.viewerToken}${query}`;

  beforeAll(async () => {
    ensureClientBuilt();
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await stopAllServers();
  });

  it('records posted while the wall is open show as the posted figures; a critical incident reaches ticker, map and toasts', async () => {
    const watched = await openWatchedPage(browser, server.url, { width: 1920, height: 1080 });
    const { page } = watched;
    try {
      await page.goto(wallUrl());
      await waitForWallReady(page);

      await post('incidents', { items: incidents });
      for (const [kind, items] of Object.entries(posted.posts)) await post(kind, { items });

      const e = posted.expected;
      const expectKey = (board: string, period: string, label: string, value: string) =>
        expect.poll(() => keyNumber(page, board, period, label), { timeout: 15_000, message: `${board} ${period}${label}` }).toBe(value);
      const p = boards.period;
      await expectKey('party', p.week, boards.party.volunteerHours, `${fmt(e.party.hours)}${boards.unit.hours}`);
      await expectKey('party', p.week, boards.party.activities, `${fmt(e.party.activities)}${boards.unit.times}`);
      await expectKey('party', p.week, boards.party.points, `${fmt(e.party.points)}${boards.unit.points}`);
      await expectKey('economy', p.total, boards.economy.total, `${fmt(e.economy.total)}${boards.unit.entities}`);
      await expectKey('economy', p.month, boards.economy.newMonth, `${fmt(e.economy.newMonth)}${boards.unit.entities}`);
      await expectKey('economy', p.year, boards.economy.newYear, `${fmt(e.economy.newYear)}${boards.unit.entities}`);
      await expectKey('livelihood', p.today, boards.livelihood.meals, `${fmt(e.livelihood.meals)}${boards.unit.meals}`);
      await expectKey('livelihood', p.today, boards.livelihood.delivered, `${fmt(e.livelihood.delivered)}${boards.unit.meals}`);
      await expectKey('livelihood', p.today, boards.livelihood.elderlyShare, `${e.livelihood.elderlyShare}%`);
      await expectKey('safety', p.week, boards.safety.drills, `${fmt(e.safety.drillsWeek)}${boards.unit.times}`);
      await expectKey('safety', p.year, boards.safety.drills, `${fmt(e.safety.drillsYear)}${boards.unit.times}`);
      await expectKey('safety', p.week, boards.safety.participants, `${fmt(e.safety.participants)}${boards.unit.people}`);
      await expectKey('safety', p.today, boards.safety.alarms, fmt(e.safety.alarms));
      // The alarm key carries its "unresolved" note on the same card: the posted alarm is not resolved.
      expect(await keyNumber(page, 'safety', p.today, boards.safety.alarms, 'note')).toBe(
        boards.safety.unresolved.replace('{n}', String(e.safety.alarms)).replace(/\s+/g, ''),
      );
      await expect
        .poll(async () => {
          const tiles = await stripTiles(page);
          return [tiles[zhCN.strip.reported], tiles[zhCN.strip.open], tiles[zhCN.strip.closed], tiles[zhCN.strip.alarms]];
        }, { timeout: 15_000, message: 'strip: reported, open, closed, alarms today' })
        .toEqual([String(incidents.length), String(incidents.length), '0', String(e.safety.alarms)]);

      // Let the number animations settle so the critical incident is timed on its own.
      await page.waitForTimeout(1500);
      const critical = criticalIncident();
      const sent = Date.now();
      const res = await post('incidents', critical.body);
      const answeredMs = Date.now() - sent;
      const { id } = (await res.json()) as { id: string };
      const ticker = page.locator(`[data-testid=incident-ticker] li[data-incident="${id}"]`);
      await ticker.waitFor({ timeout: Math.max(100, LIVE_GUARD_MS - answeredMs) }).catch((error: unknown) => {
        throw new Error(`the critical incident was not in the ticker ${LIVE_GUARD_MS} ms after its POST (answered after ${answeredMs} ms)`, { cause: error });
      });
      const tickerMs = Date.now() - sent;
      await expect.poll(() => ticker.textContent(), { timeout: 10_000 }).toContain(communityName(critical.communityId));
      expect(await ticker.textContent()).toContain(categoryName('emergency'));
      expect(await ticker.getAttribute('class')).toContain('critical');
      // The map point of an open critical incident is its pulsing ring, placed inside the map.
      const pulses = page.locator('[data-testid=grid-map] .pulse-ring');
      await expect.poll(() => pulses.count(), { timeout: Math.max(100, LIVE_GUARD_MS - (Date.now() - sent)), message: 'pulse ring on the map' }).toBe(1);
      const mapBox = await page.locator('[data-testid=grid-map]').boundingBox();
      const ringBox = await pulses.first().boundingBox();
      expect(mapBox && ringBox).toBeTruthy();
      if (mapBox && ringBox) {
        const cx = ringBox.x + ringBox.width / 2;
        const cy = ringBox.y + ringBox.height / 2;
        expect(cx > mapBox.x && cx < mapBox.x + mapBox.width && cy > mapBox.y && cy < mapBox.y + mapBox.height, 'ring inside the map').toBe(true);
      }
      const toast = page.locator('[data-testid=alert-layer] .toast.kind-critical-incident', { hasText: categoryName('emergency') });
      await toast.waitFor({ timeout: Math.max(100, LIVE_GUARD_MS - (Date.now() - sent)) });
      expect(await toast.textContent()).toContain(communityName(critical.communityId));
      const allMs = Date.now() - sent;
      console.log(`critical incident: POST answered after ${answeredMs} ms, ticker after ${tickerMs} ms, ticker + ring + toast after ${allMs} ms`);
      expect(allMs).toBeLessThanOrEqual(LIVE_GUARD_MS);
      const file = path.join(screenshotDir(), 'wall-1920x1080-alert.png');
      await page.screenshot({ path: file });
      console.log(`screenshot: ${file}`);

      expect(watched.consoleErrors).toEqual([]);
      expect(watched.foreignRequests).toEqual([]);
    } finally {
      await watched.context.close();
    }
  });

  for (const size of SIZES) {
    it(`at ${size.name}${size.query ? ` (${size.query.slice(1)})` : ''}: loads clean, map and charts drawn, four boards, no scrollbars, no text under 14 px`, async () => {
      const watched = await openWatchedPage(browser, server.url, { width: size.width, height: size.height });
      const { page } = watched;
      try {
        await page.goto(wallUrl(size.query));
        const renderMs = await waitForWallReady(page);
        console.log(
          `first full render at ${size.name}: ${renderMs} ms (navigation start → map loaded, 8 charts, figures on the boards; load average ${(os.loadavg()[0] ?? 0).toFixed(1)})`,
        );

        const titles = await page.locator('[data-board] h2').allTextContents();
        for (const board of BOARDS) expect(titles, `board title ${board.zh}`).toContain(board.zh);
        const charts = await page.locator('[data-chart]:has(canvas)').count();
        expect(charts, 'chart instances on the wall').toBeGreaterThanOrEqual(8);

        expect(await scrollOverflow(page), 'scrollable overflow (a scrollbar)').toEqual({ x: 0, y: 0 });
        const scale = await wallScale(page);
        expect(scale).toBeGreaterThan(0);
        expect(await smallText(page), `text under 14 design px (scale ${scale})`).toEqual([]);
        expect(await lowContrastText(page), 'text under 4.5:1 contrast against its background').toEqual([]);

        const colours = await mapColourCount(page);
        expect(colours, 'distinct colours on the map canvas').toBeGreaterThan(8);

        // Give the last chart patches and fonts a frame before the picture.
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        const file = path.join(screenshotDir(), `wall-${size.name}.png`);
        await page.screenshot({ path: file });
        console.log(`screenshot: ${file}`);

        expect(watched.consoleErrors, 'console errors').toEqual([]);
        expect(watched.foreignRequests, 'requests to other hosts').toEqual([]);
        expect(renderMs, `first full render at ${size.name}`).toBeLessThanOrEqual(RENDER_GUARD_MS);
      } finally {
        await watched.context.close();
      }
    });
  }

  it('a stopped server shows as disconnected; a restart on the same port and data brings the wall back live without a reload', async () => {
    const watched = await openWatchedPage(browser, server.url, { width: 1920, height: 1080 });
    const { page } = watched;
    try {
      await page.goto(wallUrl());
      await waitForWallReady(page);
      const connection = page.locator('[data-testid=connection]');
      await expect.poll(() => connection.getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
      await page.evaluate(() => ((window as unknown as { __sameDocument: string }).__sameDocument = 'before-restart'));

      const reportedBefore = Number((await stripTiles(page))[zhCN.strip.reported]);
      const { port, dataDir, credentials } = server;
      await server.stop();
      await expect
        .poll(() => connection.getAttribute('data-state'), { timeout: 15_000, message: 'header state after the server stopped' })
        .toMatch(/^(down|stale)$/);
      expect((await connection.textContent())?.trim()).not.toBe(zhCN.header.live);

      server = await startTestServer({ dataDir, credentials, env: { PORT: String(port) } });
      expect(server.port).toBe(port);
      await expect.poll(() => connection.getAttribute('data-state'), { timeout: 30_000, message: 'header state after the restart' }).toBe('live');
      expect(await page.evaluate(() => (window as unknown as { __sameDocument?: string }).__sameDocument)).toBe('before-restart');

      // Live again means new records arrive, not just a green badge.
      const reported = await stripTiles(page).then((t) => Number(t[zhCN.strip.reported]));
      expect(reported, 'figures kept across the restart').toBe(reportedBefore);
      await post('incidents', { items: ordinaryIncidents().slice(0, 1) });
      await expect
        .poll(async () => Number((await stripTiles(page))[zhCN.strip.reported]), { timeout: 10_000, message: 'reported today after the restart' })
        .toBe(reported + 1);

      // A socket error while the server was away is expected; anything else is not.
      const unexpected = watched.consoleErrors.filter((m) => !/websocket|ERR_CONNECTION_REFUSED|socket\.io/i.test(m));
      expect(unexpected).toEqual([]);
      expect(watched.foreignRequests).toEqual([]);
    } finally {
      await watched.context.close();
    }
  });
});
