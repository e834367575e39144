// The duty desk in Chromium against the real server (issue 10, "Done when"): an operator accepts,
// dispatches, marks on site and handled; a leader closes it, returns another and reclassifies a
// third; a second browser acting on a version it no longer holds sees 412 and the new state; the
// wall's figures change; the handover sheet lists what is open; emergency mode on two open walls
// (and not on a ?mode=normal one); a viewer can do none of it; user text stays text everywhere.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Summary } from '@grid141/shared';
import { browserAvailable, closeAll, launchBrowser, openSignedInPage, openWatchedPage, screenshotDir, type WatchedPage } from '../helpers/browser.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { startTestServer, stopAllServers, type TestServer } from '../helpers/server.ts';
import { openStore } from '../../server/src/store/index.ts';
import { createUsers } from '../../server/src/auth/users.ts';

const XSS = '<img src=x onerror="window.__xss=1">楼道堆放杂物<script>window.__xss=2</script>';
const PASSWORD = 'desk-test-password-1';

describe.skipIf(!browserAvailable())('the duty desk', () => {
  let server: TestServer;
  let browser: Browser;
  const ids: string[] = [];
  const pages: WatchedPage[] = [];

  async function signedIn(username: string, viewport = { width: 1366, height: 768 }): Promise<Page> {
    const watched = await openSignedInPage(browser, server.url, { username, password: PASSWORD }, viewport);
    pages.push(watched);
    watched.page.on('dialog', (d) => void d.accept());
    return watched.page;
  }
  const summary = async () => (await (await server.get('/api/v1/summary')).json()) as Summary;

  beforeAll(async () => {
    ensureClientBuilt();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'grid141-desk-browser-'));
    const store = await openStore({ streetId: 'shiyoulu', databaseUrl: null, dataDir });
    const users = createUsers(store.sql);
    for (const [username, role] of [['蒋丽', 'operator'], ['邓晨', 'operator'], ['刘静', 'leader'], ['周建国', 'leader'], ['看板', 'viewer']] as const) {
      await users.create({ username, password: PASSWORD, role }, { actor: 'test', actorKind: 'system', kind: 'user.created', target: username });
    }
    await store.close();
    [server, browser] = await Promise.all([startTestServer({ dataDir }), launchBrowser()]);
    const items = Array.from({ length: 5 }, (_, i) => ({
      externalId: `desk-browser-${i}`, source: 'hotline_12345', category: 'safety_hazard', urgency: i === 0 ? 'critical' : 'urgent',
      description: i === 0 ? XSS : `电动车违规充电 ${i}`, address: `石油路${i + 1}号`, location: { lng: 106.526 + i * 0.001, lat: 29.558 },
      reporter: { name: '王五', contact: '13812345678' },
    }));
    const res = await fetch(`${server.url}/api/v1/incidents`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': server.credentials.ingestKey }, body: JSON.stringify({ items }) });
    ids.push(...((await res.json()) as { results: { id: string }[] }).results.map((r) => r.id));
  });

  afterAll(async () => {
    // A CSP violation on any desk or wall page kept open fails the file (after everything is closed).
    try {
      await closeAll(pages);
    } finally {
      await browser?.close();
      await stopAllServers();
    }
  });

  const status = (page: Page) => page.locator('[data-status]').innerText();
  async function move(page: Page, to: string, fill: Record<string, string> = {}): Promise<void> {
    await page.click(`[data-move=${to}]`);
    if (Object.keys(fill).length) {
      for (const [name, value] of Object.entries(fill)) {
        const field = page.locator(`[data-form] [name=${name}]`);
        if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
        else await field.fill(value);
      }
      await page.click('[data-form] button[type=submit]');
    }
  }

  it('lets an operator accept, dispatch, mark on site and handled; a leader close it, return another, reclassify a third', async () => {
    const operator = await signedIn('蒋丽');
    const t0 = Date.now();
    await operator.goto(`${server.url}/duty`);
    await operator.waitForSelector('.qrow');
    const firstRender = Date.now() - t0;
    // Critical first, its description as text (no element made from it, no script run).
    await expect.poll(() => operator.locator('.qrow').first().getAttribute('data-id')).toBe(ids[0]);
    expect(await operator.locator('.qrow').first().locator('.qdesc').innerText()).toBe(XSS);
    await operator.screenshot({ path: path.join(screenshotDir(), 'desk-queue-1366x768.png') });

    const before = (await summary()).incidents.today.byStatus;
    await operator.goto(`${server.url}/duty/incidents/${ids[0]}`);
    await operator.waitForSelector('[data-move=accepted]');
    expect(await operator.locator('[data-description]').innerText()).toBe(XSS);
    expect(await operator.locator('[data-reporter]').innerText()).toContain('138****5678');
    await move(operator, 'accepted');
    await expect.poll(() => status(operator)).toBe('已受理');
    await move(operator, 'dispatched', { dispatchKind: 'department', assignee: '城管执法中队' });
    await expect.poll(() => status(operator)).toBe('已派单');
    await move(operator, 'on_site');
    await expect.poll(() => status(operator)).toBe('已到场');
    await move(operator, 'handled', { note: '已清理<b>完毕</b>' });
    await expect.poll(() => status(operator)).toBe('已处置（待核查）');
    expect(await operator.locator('.timeline').innerText()).toContain('已清理<b>完毕</b>');
    // An operator cannot verify and close.
    expect(await operator.locator('[data-move=closed]').count()).toBe(0);
    // The wall's figures follow.
    await expect.poll(async () => (await summary()).incidents.today.byStatus.handled ?? 0).toBe((before.handled ?? 0) + 1);

    const leader = await signedIn('刘静');
    await leader.goto(`${server.url}/duty/incidents/${ids[0]}`);
    await leader.waitForSelector('[data-move=closed]');
    expect(await leader.locator('[data-reporter]').innerText()).toContain('13812345678');
    await move(leader, 'closed', { note: '核查属实' });
    await expect.poll(() => status(leader)).toBe('已办结');
    await expect.poll(async () => (await summary()).incidents.today.byStatus.closed ?? 0).toBe((before.closed ?? 0) + 1);

    // Another one through to handled by API, then returned for rework on the page.
    for (const to of ['accepted', 'dispatched', 'handled']) {
      const r = await leader.context().request.post(`${server.url}/api/v1/duty/incidents/${ids[1]}/transitions`, { data: { to, assignee: '网格员 李四', note: '处理' } });
      expect(r.status()).toBe(200);
    }
    await leader.goto(`${server.url}/duty/incidents/${ids[1]}`);
    await move(leader, 'returned', { note: '现场未清理干净' });
    await expect.poll(() => status(leader)).toBe('退回重办');

    await leader.goto(`${server.url}/duty/incidents/${ids[2]}`);
    await leader.click('[data-action=reclassify]');
    await leader.locator('[data-form] [name=colour]').selectOption('yellow');
    await leader.click('[data-form] button[type=submit]');
    await expect.poll(() => leader.locator('[data-colour]').innerText()).toContain('自家事');
    await expect.poll(async () => (await summary()).incidents.today.byColour.yellow ?? 0).toBeGreaterThanOrEqual(1);
    expect(firstRender, 'the queue took more than 20 s to show (the budget is 2 s on a quiet machine)').toBeLessThan(20_000);
  });

  it('shows the second browser a 412 with who changed it and the new state', async () => {
    const first = await signedIn('蒋丽');
    const second = await signedIn('邓晨', { width: 390, height: 844 });
    // The second browser hears nothing live, so it keeps the version it loaded.
    await second.routeWebSocket(/socket\.io/, () => {});
    await second.route('**/socket.io/**', (r) => r.abort());
    for (const p of [first, second]) {
      await p.goto(`${server.url}/duty/incidents/${ids[3]}`);
      await p.waitForSelector('[data-move=accepted]');
    }
    await move(first, 'accepted');
    await expect.poll(() => status(first)).toBe('已受理');
    await move(second, 'rejected', { note: '重复上报' });
    await second.waitForSelector('[data-stale]');
    expect(await second.locator('[data-stale]').innerText()).toMatch(/该事件已被 蒋丽 于 \d\d:\d\d 修改/);
    await expect.poll(() => status(second)).toBe('已受理');
    await second.screenshot({ path: path.join(screenshotDir(), 'desk-412-390.png'), fullPage: true });
  });

  it('lists what is open on the handover sheet, text as text, and records both signatures', async () => {
    const leader = await signedIn('刘静');
    await leader.goto(`${server.url}/duty/handovers`);
    await leader.fill('textarea[name=notes]', '3号楼燃气味<i>待复查</i>');
    await leader.click('.make button[type=submit]');
    await leader.waitForSelector('[data-open]');
    const open = await leader.locator('[data-open]').innerText();
    expect(open).toContain('电动车违规充电 4');
    expect(open).not.toContain('楼道堆放杂物'); // closed above
    expect(await leader.locator('[data-notes]').innerText()).toBe('3号楼燃气味<i>待复查</i>');
    await leader.click('[data-sign=outgoing] button');
    await expect.poll(() => leader.locator('[data-sign] button').count()).toBe(1);
    // The same leader cannot sign for the incoming shift too: the sheet says so and keeps that side open.
    await leader.click('[data-sign=incoming] button');
    await leader.waitForSelector('[role=alert]');
    expect(await leader.locator('[role=alert]').innerText()).toContain('两位不同的领导');
    expect(await leader.locator('[data-sign=incoming] button').count()).toBe(1);
    const next = await signedIn('周建国');
    await next.goto(leader.url());
    await next.click('[data-sign=incoming] button');
    await expect.poll(() => next.locator('[data-sign] button').count()).toBe(0);
    expect(await next.locator('[data-sign=incoming]').innerText()).toContain('周建国');
    await leader.reload();
    await expect.poll(() => leader.locator('[data-sign] button').count()).toBe(0);
    await leader.screenshot({ path: path.join(screenshotDir(), 'desk-handover-1366.png'), fullPage: true });
  });

  it('switches every open wall to emergency mode and back, except a ?mode=normal one', async () => {
    const walls = await Promise.all([0, 1, 2].map(() => openWatchedPage(browser, server.url, { width: 1920, height: 1080 })));
    pages.push(...walls);
    const wallUrl = (q = '') => `${server.url}/?token=${server.credentials.viewerToken}${q}`;
    await Promise.all(walls.map((w, i) => w.page.goto(wallUrl(i === 2 ? '&mode=normal' : ''))));
    await Promise.all(walls.map((w) => w.page.waitForSelector('[data-testid=wall-canvas]')));
    const leader = await signedIn('刘静');
    await leader.goto(`${server.url}/duty/incidents/${ids[4]}`);
    await leader.click('[data-action=emergency]');
    for (const w of walls.slice(0, 2)) await w.page.waitForSelector('[data-emergency]', { timeout: 15_000 });
    expect(await walls[0]?.page.locator('[data-emergency] .em-desc').innerText()).toBe('电动车违规充电 4');
    expect(await walls[2]?.page.locator('[data-emergency]').count()).toBe(0);
    await walls[0]?.page.screenshot({ path: path.join(screenshotDir(), 'desk-emergency-wall-1920.png') });
    // A wall that connects during it opens in it.
    const late = await openWatchedPage(browser, server.url, { width: 1920, height: 1080 });
    pages.push(late);
    await late.page.goto(wallUrl());
    await late.page.waitForSelector('[data-emergency]', { timeout: 30_000 });
    await leader.click('[data-action=emergency]');
    for (const w of [...walls.slice(0, 2), late]) await w.page.waitForSelector('[data-emergency]', { state: 'detached', timeout: 15_000 });
    // Nothing on any page ran the reporter's markup.
    for (const p of pages) expect(await p.page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  });

  it('lets a viewer do none of it', async () => {
    const viewer = await signedIn('看板');
    await viewer.goto(`${server.url}/duty`);
    await viewer.waitForSelector('[data-gate="403"]');
    for (const [method, pathname, data] of [
      ['post', `/api/v1/duty/incidents/${ids[4]}/transitions`, { to: 'accepted' }],
      ['post', `/api/v1/duty/incidents/${ids[4]}/escalations`, { department: '消防' }],
      ['post', '/api/v1/duty/handovers', { notes: '' }],
      ['post', '/api/v1/duty/emergency', { incidentId: ids[4] }],
      ['put', '/api/v1/duty/targets/urgent', { acceptMin: 5, arriveMin: 20, handleMin: 200, closeMin: 1440 }],
    ] as const) {
      const r = await viewer.context().request[method](`${server.url}${pathname}`, { data });
      expect(r.status(), `${method} ${pathname}`).toBe(403);
    }
  });

  // Every visible box of `selector` lies inside the 390 px viewport, and nothing scrolls sideways.
  async function fitsPhone(page: Page, selector: string): Promise<void> {
    const boxes = await page.locator(selector).evaluateAll((els) => els.map((el) => { const r = el.getBoundingClientRect(); return { left: r.left, right: r.right, w: r.width }; }));
    expect(boxes.length, selector).toBeGreaterThan(0);
    for (const b of boxes) {
      expect(b.w, selector).toBeGreaterThan(0);
      expect(b.left, selector).toBeGreaterThanOrEqual(0);
      expect(b.right, selector).toBeLessThanOrEqual(390);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  }

  it('shows who is signed in with a sign-out on a phone, also to a viewer the desk refuses', async () => {
    const operator = await signedIn('蒋丽', { width: 390, height: 844 });
    await operator.goto(`${server.url}/duty`);
    await operator.waitForSelector('.desk-bar [data-session]');
    expect(await operator.locator('.desk-bar [data-session]').innerText()).toMatch(/蒋丽\s*值班员\s*退出登录/);
    await fitsPhone(operator, '.desk-bar [data-session] button, .desk-bar nav a');
    await operator.screenshot({ path: path.join(screenshotDir(), 'desk-queue-390.png') });

    const viewer = await signedIn('看板', { width: 390, height: 844 });
    await viewer.goto(`${server.url}/duty`);
    await viewer.waitForSelector('[data-gate="403"] [data-session]');
    expect(await viewer.locator('[data-gate="403"]').innerText()).toMatch(/当前账号无权查看值班台\s*看板\s*查看\s*退出登录/);
    await fitsPhone(viewer, '[data-gate="403"] [data-action=sign-out]');
    await viewer.screenshot({ path: path.join(screenshotDir(), 'desk-refused-390.png') });
    await viewer.click('[data-gate="403"] [data-action=sign-out]');
    await viewer.waitForURL(/\/login\?reason=signed-out/);
    expect((await viewer.context().request.get(`${server.url}/api/v1/session`)).status()).toBe(401);
  });

  it('fits the time targets on a phone: every field and every Save button in view, no sideways scroll', async () => {
    const leader = await signedIn('刘静', { width: 390, height: 844 });
    await leader.goto(`${server.url}/duty/settings`);
    await leader.waitForSelector('[data-profile] button.primary');
    await fitsPhone(leader, '[data-profile] input[name=handleMin], [data-profile] input[name=closeMin], [data-profile] button.primary');
    await leader.screenshot({ path: path.join(screenshotDir(), 'desk-settings-390.png'), fullPage: true });
    const first = leader.locator('[data-profile]').first();
    await first.locator('input[name=closeMin]').fill('1500');
    await first.locator('button.primary').click();
    await expect.poll(() => first.locator('[data-message]').innerText()).toBe('已保存');
  });
});
