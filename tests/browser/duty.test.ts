// The header's duty in Chromium against the real server: the people on shift now, and the next
// shift's people at the boundary without a reload (issue 4); the English header still fits.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, launchBrowser, openWatchedPage, screenshotDir } from '../helpers/browser.ts';
import { startTestServer, stopAllServers, type TestServer } from '../helpers/server.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { waitForWallReady } from '../helpers/wall-page.ts';
import { STREET_TZ, TONIGHT, changingRoster, weeklyNames, type ChangingRoster } from '../helpers/duty-roster.ts';

const text = (page: Page, testid: string) => page.locator(`[data-testid=${testid}]`).innerText();

describe.skipIf(!browserAvailable())('who is on duty, in the header', () => {
  let server: TestServer;
  let browser: Browser;
  let roster: ChangingRoster;
  const wallUrl = (query = '') => `${server.url}/?token=${server.credentials.viewerToken}${query}`;

  beforeAll(async () => {
    ensureClientBuilt();
    roster = await changingRoster(40_000);
    [server, browser] = await Promise.all([startTestServer({ env: { DUTY_ROSTER: roster.file, TZ_STREET: STREET_TZ } }), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await stopAllServers();
  });

  it('shows the day shift, then the dated night shift at the boundary without a reload; the English header fits', async () => {
    const zh = await openWatchedPage(browser, server.url, { width: 1920, height: 1080 });
    const en = await openWatchedPage(browser, server.url, { width: 1920, height: 1080 });
    try {
      await zh.page.goto(wallUrl());
      await waitForWallReady(zh.page);
      expect(Date.now(), 'the wall took too long to load; the boundary has passed').toBeLessThan(roster.boundary);
      const day = weeklyNames(roster.today.weekday, 'day');
      expect(await text(zh.page, 'duty-officer')).toBe(day.officers.join('、'));
      expect(await text(zh.page, 'duty-leader')).toBe(day.leader);
      expect(await text(zh.page, 'duty-shift')).toMatch(/^白班 · 模拟\s+至 \d\d:\d\d$/);
      await zh.page.evaluate(() => ((window as unknown as { loadedOnce: boolean }).loadedOnce = true));

      // While the day shift runs out: the English header keeps title, duty and controls apart, text ≥ 14 px.
      await en.page.goto(wallUrl('&lang=en'));
      await waitForWallReady(en.page);
      expect(await text(en.page, 'duty-shift')).toMatch(/^Day shift · sample\s+until \d\d:\d\d$/);
      await en.page.locator('header.header').screenshot({ path: path.join(screenshotDir(), 'header-duty-en-1920x1080.png') });
      const boxes = await en.page.evaluate(() => {
        const box = (selector: string) => document.querySelector(selector)?.getBoundingClientRect().toJSON() as DOMRect;
        const officer = document.querySelector('[data-testid=duty-officer]') as HTMLElement;
        return { title: box('[data-testid=wall-title]'), shift: box('[data-testid=duty-shift]'), truncated: officer.scrollWidth > officer.clientWidth };
      });
      expect(boxes.shift.right).toBeLessThanOrEqual(boxes.title.left);
      expect(boxes.truncated).toBe(false);
      const headerFontsPx = await en.page.evaluate(() => {
        const unit = parseFloat(getComputedStyle(document.documentElement).getPropertyValue('--u')) || 1;
        return [...document.querySelectorAll('header.header .shift *, header.header .duty *')].map((el) => parseFloat(getComputedStyle(el).fontSize) / unit);
      });
      expect(Math.min(...headerFontsPx)).toBeGreaterThanOrEqual(14 - 0.05);

      await expect
        // The server's push at the boundary turns the header; 20 s past it is a hang guard, not a target.
        .poll(() => text(zh.page, 'duty-officer'), { timeout: roster.boundary - Date.now() + 20_000, interval: 250 })
        .toBe(TONIGHT.officers.join('、'));
      expect(await text(zh.page, 'duty-leader')).toBe(TONIGHT.leader);
      expect(await text(zh.page, 'duty-shift')).toMatch(/^夜班 · 模拟\s+至 00:00$/);
      expect(await zh.page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
      await zh.page.locator('header.header').screenshot({ path: path.join(screenshotDir(), 'header-duty-night-1920x1080.png') });
      expect(zh.consoleErrors).toEqual([]);
      expect(en.consoleErrors).toEqual([]);
    } finally {
      await zh.context.close();
      await en.context.close();
    }
  });
});
