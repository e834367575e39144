// The wall behind reverse proxies under BASE_PATH=/grid141, in Debian's Chromium, with the
// server's Content-Security-Policy (every watched page fails on a violation): the viewer token
// leaves the address bar and a reload still works (issue 15); the live link goes over
// long-polling through a proxy that refuses WebSocket and says so (issue 8 §4); a wall whose
// token is missing or refused says so full-screen and comes back by itself, and a desk whose
// session ends goes to /login with the reason and back after signing in (issue 16).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, launchBrowser, openWatchedPage, screenshotDir } from '../helpers/browser.ts';
import { startTestServer, stopAllServers, type TestServer } from '../helpers/server.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { startProxy, type TestProxy } from '../helpers/proxy.ts';
import { mapColourCount, stripTiles, waitForWallReady, wallScale } from '../helpers/wall-page.ts';
import zhCN from '../../client/src/i18n/zh-CN.ts';
import en from '../../client/src/i18n/en.ts';
import { ordinaryIncidents } from './records.ts';

const BASE = '/grid141';
// What a browser logs for the 401s and for a proxy refusing the upgrade: expected here, nothing else.
const EXPECTED_ERRORS = /status of 40[01]|status of 502|WebSocket connection to .* failed|ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE|socket\.io/;

describe.skipIf(!browserAvailable())('the wall behind a proxy, under a sub-path, with its CSP', () => {
  let server: TestServer;
  let browser: Browser;
  let passing: TestProxy;
  let refusing: TestProxy;

  const post = async (body: unknown) => {
    const res = await fetch(`${server.url}/api/v1/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': server.credentials.ingestKey },
      body: JSON.stringify(body),
    });
    expect(res.status, `POST incidents: ${await res.clone().text()}`).toBeLessThan(300);
  };

  beforeAll(async () => {
    ensureClientBuilt();
    [server, browser] = await Promise.all([startTestServer({ env: { BASE_PATH: BASE } }), launchBrowser()]);
    const target = new URL(server.url).origin;
    passing = await startProxy({ target, websocket: true, prefix: `${BASE}/` });
    refusing = await startProxy({ target, websocket: false, prefix: `${BASE}/` });
  });

  afterAll(async () => {
    await browser?.close();
    await passing?.close();
    await refusing?.close();
    await stopAllServers();
  });

  it('opened with ?token=…&layout=3840x2160: the map is drawn, the token leaves the address bar, the layout stays, and the same after a reload', async () => {
    const watched = await openWatchedPage(browser, passing.origin, { width: 1920, height: 1080 });
    const { page } = watched;
    try {
      await page.goto(`${passing.origin}${BASE}/?token=${server.credentials.viewerToken}&layout=3840x2160&kiosk=1`);
      for (const round of ['first load', 'after a reload']) {
        await waitForWallReady(page);
        expect(await mapColourCount(page), `${round}: distinct colours on the map`).toBeGreaterThan(8);
        const href = await page.evaluate(() => window.location.href);
        expect(href, `${round}: address bar`).not.toContain(server.credentials.viewerToken);
        expect(href, `${round}: address bar`).not.toContain('token=');
        expect(new URL(href).pathname).toBe(`${BASE}/`);
        expect(new URL(href).searchParams.get('layout'), `${round}: the layout kept`).toBe('3840x2160');
        expect(new URL(href).searchParams.get('kiosk')).toBe('1');
        // 3840×2160 is two panels tall: a 1920×1080 design at scale 1 in this window.
        expect(await wallScale(page)).toBeCloseTo(1, 5);
        await expect.poll(() => page.locator('[data-testid=connection]').getAttribute('data-transport')).toBe('websocket');
        expect(await page.locator('[data-testid=transport]').count(), 'no transport note on WebSocket').toBe(0);
        if (round === 'first load') await page.reload();
      }
      expect(watched.consoleErrors).toEqual([]);
      expect(watched.cspViolations).toEqual([]);
      expect(watched.foreignRequests).toEqual([]);
    } finally {
      await watched.context.close();
    }
  });

  it('through a proxy that answers the WebSocket upgrade 400, the wall is live over HTTP long-polling and its header says so', async () => {
    const watched = await openWatchedPage(browser, refusing.origin, { width: 1920, height: 1080 });
    const { page } = watched;
    try {
      await page.goto(`${refusing.origin}${BASE}/?token=${server.credentials.viewerToken}&lang=en`);
      await waitForWallReady(page);
      const badge = page.locator('[data-testid=connection]');
      await expect.poll(() => badge.getAttribute('data-state'), { timeout: 15_000 }).toBe('live');
      expect(await badge.getAttribute('data-transport')).toBe('polling');
      expect((await page.locator('[data-testid=transport]').textContent())?.trim()).toBe(`· ${en.header.transportPolling}`);
      expect(refusing.refusedUpgrades(), 'upgrades the proxy refused').toBeGreaterThan(0);
      // Live means new records arrive over polling, not only a green badge.
      const before = Number((await stripTiles(page))[en.strip.reported]);
      await post({ items: ordinaryIncidents().slice(0, 1) });
      await expect.poll(async () => Number((await stripTiles(page))[en.strip.reported]), { timeout: 15_000 }).toBe(before + 1);
      expect(watched.consoleErrors.filter((m) => !EXPECTED_ERRORS.test(m))).toEqual([]);
      expect(watched.cspViolations).toEqual([]);
    } finally {
      await watched.context.close();
    }
  });

  it('no token, a wrong token, a token rotated while open: the full-screen message (zh, en), no empty wall, and live again once the token is accepted', async () => {
    const wrongToken = 'rotated-token-0123456789abcdef';
    const pages = {
      missing: await openWatchedPage(browser, passing.origin, { width: 1920, height: 1080 }),
      wrong: await openWatchedPage(browser, passing.origin, { width: 1920, height: 1080 }),
      rotated: await openWatchedPage(browser, passing.origin, { width: 1920, height: 1080 }),
    };
    const screen = (page: Page) => page.locator('[data-testid=access-screen]');
    const shots: string[] = [];
    const shoot = async (page: Page, name: string) => {
      for (const size of [{ width: 1920, height: 1080 }, { width: 3840, height: 2160 }]) {
        await page.setViewportSize(size);
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        const file = path.join(screenshotDir(), `access-${name}-${size.width}x${size.height}.png`);
        await page.screenshot({ path: file });
        shots.push(file);
      }
      await page.setViewportSize({ width: 1920, height: 1080 });
    };
    const noEmptyWall = async (page: Page, what: string) => {
      expect(await page.locator('[data-board], [data-testid=wall-canvas]').count(), `${what}: wall parts shown`).toBe(0);
      expect(await page.evaluate(() => document.body.innerText), `${what}: figure placeholders`).not.toContain('—');
    };
    try {
      await pages.missing.page.goto(`${passing.origin}${BASE}/`);
      await pages.wrong.page.goto(`${passing.origin}${BASE}/?token=${wrongToken}&lang=en`);
      await pages.rotated.page.goto(`${passing.origin}${BASE}/?token=${server.credentials.viewerToken}`);

      await expect.poll(() => screen(pages.missing.page).getAttribute('data-reason')).toBe('missing');
      const missingText = await screen(pages.missing.page).innerText();
      expect(missingText).toContain(zhCN.wallAccess.missingTitle);
      expect(missingText).toContain(zhCN.wallAccess.whatToDo);
      await noEmptyWall(pages.missing.page, 'no token');

      await expect.poll(() => screen(pages.wrong.page).getAttribute('data-reason')).toBe('refused');
      const wrongText = await screen(pages.wrong.page).innerText();
      expect(wrongText).toContain(en.wallAccess.refusedTitle);
      expect(wrongText).toContain(en.wallAccess.whatToDo);
      await noEmptyWall(pages.wrong.page, 'wrong token');

      await waitForWallReady(pages.rotated.page);
      await shoot(pages.missing.page, 'missing-zh');
      await shoot(pages.wrong.page, 'refused-en');

      // The admin rotates the token: the server now accepts only what the "wrong" wall holds.
      const { port, dataDir, credentials } = server;
      await server.stop();
      server = await startTestServer({ dataDir, credentials: { ...credentials, viewerToken: wrongToken }, env: { PORT: String(port), BASE_PATH: BASE } });

      await expect
        .poll(() => screen(pages.rotated.page).getAttribute('data-reason'), { timeout: 60_000, message: 'the wall whose token was rotated away' })
        .toBe('refused');
      expect(await screen(pages.rotated.page).innerText()).toContain(zhCN.wallAccess.refusedTitle);
      await noEmptyWall(pages.rotated.page, 'rotated token');
      await shoot(pages.rotated.page, 'refused-zh');

      // Nobody touched the "wrong" wall: its token is the server's now, and it comes back by itself.
      await waitForWallReady(pages.wrong.page, 8, 90_000);
      expect(await screen(pages.wrong.page).count()).toBe(0);
      await expect.poll(() => pages.wrong.page.locator('[data-testid=connection]').getAttribute('data-state'), { timeout: 15_000 }).toBe('live');
      expect(await screen(pages.missing.page).getAttribute('data-reason'), 'still no token').toBe('missing');
      console.log(`access screens: ${shots.join(', ')}`);

      for (const [name, watched] of Object.entries(pages)) {
        expect(watched.consoleErrors.filter((m) => !EXPECTED_ERRORS.test(m)), `${name}: console errors`).toEqual([]);
        expect(watched.cspViolations, `${name}: CSP violations`).toEqual([]);
        expect(watched.foreignRequests).toEqual([]);
      }
    } finally {
      for (const watched of Object.values(pages)) await watched.context.close();
    }
  });

  it('the desk: no session goes to /login with the reason; signed out on the server while open, the next answer sends it to /login saying so, and signing in brings it back', async () => {
    const watched = await openWatchedPage(browser, passing.origin, { width: 1920, height: 1080 });
    const { page } = watched;
    const reasonLine = page.locator('[data-testid=login-reason]');
    const signIn = async () => {
      await page.locator('#login-username').fill('admin');
      await page.locator('#login-password').fill(server.credentials.adminPassword);
      await page.locator('form button[type=submit]').click();
      await page.waitForURL((url) => url.pathname === `${BASE}/duty`, { timeout: 30_000 });
      await page.locator('.qsummary, .qlist, .desk-note').first().waitFor({ timeout: 30_000 }).catch(async (error: unknown) => {
        await page.screenshot({ path: path.join(screenshotDir(), 'desk-after-sign-in.png') });
        throw new Error(`the queue after signing in (${page.url()}): ${String(error)}`);
      });
    };
    try {
      await page.goto(`${passing.origin}${BASE}/duty`);
      await page.waitForURL((url) => url.pathname === `${BASE}/login`, { timeout: 30_000 });
      expect(new URL(page.url()).searchParams.get('reason')).toBe('required');
      expect(new URL(page.url()).searchParams.get('next')).toBe('/duty');
      expect((await reasonLine.textContent())?.trim()).toContain(zhCN.session.reason.required);

      await signIn();
      // Signed out on the server (the session revoked) while the queue is open.
      const cookies = (await watched.context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
      const signOut = await fetch(`${server.url}/api/v1/session`, { method: 'DELETE', headers: { cookie: cookies } });
      expect(signOut.status, 'DELETE /api/v1/session').toBeLessThan(300);
      // The next answer the page gets (a new incident makes the queue reload) is a 401.
      await post({ items: ordinaryIncidents().slice(0, 1) });
      await page.waitForURL((url) => url.pathname === `${BASE}/login`, { timeout: 45_000 });
      expect(new URL(page.url()).searchParams.get('reason')).toBe('ended');
      expect(new URL(page.url()).searchParams.get('next')).toBe('/duty');
      expect((await reasonLine.getAttribute('data-reason'))).toBe('ended');
      expect((await reasonLine.textContent())?.trim()).toContain(zhCN.session.reason.ended);
      await page.screenshot({ path: path.join(screenshotDir(), 'login-ended-zh-1920x1080.png') });

      await signIn();
      expect(watched.consoleErrors.filter((m) => !EXPECTED_ERRORS.test(m))).toEqual([]);
      expect(watched.cspViolations).toEqual([]);
    } finally {
      await watched.context.close();
    }
  });
});
