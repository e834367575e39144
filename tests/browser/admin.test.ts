// /admin in Chromium against the real server (issues 9 and 13): an admin signs in at /login, a
// user's display name and a key's name that look like HTML show as literal text (no element made,
// no dialog), and the import section previews a fire-drill CSV as a dry run (the first rows, the
// column mapping, the refused row with its reason), then imports it for real (2 taken, 1 refused),
// after which the Summary counts the drills. The page runs under the server's CSP (openWatchedPage
// fails on a violation). One screenshot of the import section at 1366x768.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Summary } from '@grid141/shared';
import { browserAvailable, launchBrowser, openWatchedPage, screenshotDir } from '../helpers/browser.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { streetClock } from '../helpers/duty-roster.ts';
import { writeCsv } from '../helpers/import-files.ts';
import { makeTempDir, REPO_ROOT, startTestServer, stopAllServers, type TestServer } from '../helpers/server.ts';

const USER_NAME = '<img src=x onerror=alert(1)>张三';
const KEY_NAME = '<b>12345热线</b>';

describe.skipIf(!browserAvailable())('the admin page', () => {
  let server: TestServer;
  let browser: Browser;

  // A copy of the street: the grid map case replaces its files.
  const streetsDir = path.join(makeTempDir('grid141-admin-streets-'), 'streets');
  beforeAll(async () => {
    ensureClientBuilt();
    cpSync(path.join(REPO_ROOT, 'data', 'streets', 'shiyoulu'), path.join(streetsDir, 'shiyoulu'), { recursive: true });
    [server, browser] = await Promise.all([startTestServer({ env: { STREETS_DIR: streetsDir } }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await stopAllServers();
  });

  const drillsYear = async () => ((await (await server.get('/api/v1/summary')).json()) as Summary).safety.drills.yearToDate;

  it('shows names as text, previews a fire-drill CSV as a dry run, imports it and the Summary counts it', async () => {
    // Two good rows an hour and two hours ago (street time), one whose participant count is not a number.
    const [a, b] = [streetClock(Date.now() - 3_600_000), streetClock(Date.now() - 7_200_000)];
    const csv = path.join(makeTempDir('grid141-admin-import-'), '演练台账.csv');
    await writeCsv(csv, [
      ['演练编号', '演练日期', '演练级别', '演练类型', '参与人数', '备注'],
      ['admin-ui-1', `${a.date} ${a.time}`, '社区', '疏散演练', 40, '<i>一楼</i>'],
      ['admin-ui-2', `${b.date} ${b.time}`, '街道', '桌面推演', 12, ''],
      ['admin-ui-3', `${b.date} ${b.time}`, '社区', '疏散演练', '很多人', ''],
    ], 'utf-8-bom');
    const before = await drillsYear();

    const watched = await openWatchedPage(browser, server.url, { width: 1366, height: 768 });
    const { page } = watched;
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    try {
      await page.goto(`${server.url}/login?next=/admin`);
      await page.locator('#login-username').fill('admin');
      await page.locator('#login-password').fill(server.credentials.adminPassword);
      await page.locator('button[type=submit]').click();
      await page.waitForURL((url) => url.pathname === '/admin', { timeout: 30_000 });
      await page.waitForSelector('[data-table=users] [data-user=admin]');
      // The sign-in page asks who is signed in first (a 401 before signing in); nothing fails after.
      const signedInErrors = watched.consoleErrors.length;

      // A user whose display name looks like an image tag: text in the table, no <img>, no alert.
      const user = page.locator('[data-form=user]');
      await user.locator('[name=username]').fill('zhangsan');
      await user.locator('[name=displayName]').fill(USER_NAME);
      await user.locator('[name=password]').fill('zhangsan-password-1');
      await user.locator('button[type=submit]').click();
      const row = page.locator('[data-table=users] [data-user=zhangsan]');
      await row.waitFor();
      expect(await row.locator('td').nth(1).innerText()).toBe(USER_NAME);
      expect(await page.locator('[data-table=users] img').count()).toBe(0);

      // A key whose name looks like bold markup: the same.
      const key = page.locator('[data-form=key]');
      await key.locator('[name=name]').fill(KEY_NAME);
      await key.locator('button[type=submit]').click();
      await page.waitForSelector('[data-secret=key]');
      const keyCell = page.locator('[data-table=keys] td', { hasText: '12345热线' });
      expect(await keyCell.innerText()).toBe(KEY_NAME);
      expect(await page.locator('[data-table=keys] b').count()).toBe(0);

      // The dry run: the first rows with the column mapping, the refused row with its reason, nothing written.
      const form = page.locator('[data-form=import]');
      expect(await form.locator('[name=kind] option').count()).toBe(7);
      await form.locator('[name=kind]').selectOption('fire-drills');
      await form.locator('input[name=file]').setInputFiles(csv);
      await form.locator('[data-action=preview]').click();
      const result = page.locator('[data-result]');
      await page.waitForSelector('[data-result][data-dry-run="1"]', { timeout: 60_000 });
      expect(await result.innerText()).toContain('演练台账.csv');
      expect(await result.innerText()).toContain('将新增 2 条，将拒收 1 行');
      const mapping = await page.locator('[data-mapping]').innerText();
      expect(mapping).toContain('演练日期 → occurredAt');
      expect(mapping).toContain('参与人数 → participants');
      expect(await page.locator('[data-ignored]').innerText()).toContain('备注');
      const preview = page.locator('[data-table=preview] tbody tr');
      expect(await preview.count()).toBe(3);
      expect(await preview.first().innerText()).toContain('<i>一楼</i>');
      expect(await page.locator('[data-table=preview] i').count()).toBe(0);
      const refused = page.locator('[data-table=problems] tbody tr');
      expect(await refused.count()).toBe(1);
      const cells = await refused.first().locator('td').allInnerTexts();
      expect(cells[0]).toBe('4');
      expect(cells[1]).toBe('参与人数');
      expect(cells[2]!.length).toBeGreaterThan(0);
      expect(await drillsYear()).toBe(before);
      await page.locator('#import').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(screenshotDir(), 'admin-import-preview.png') });

      // The real run: busy while it runs, then 2 taken, 1 refused, and the Summary counts the two.
      await form.locator('[data-action=import]').click();
      await page.waitForSelector('[data-result][data-dry-run="0"]', { timeout: 60_000 });
      expect(await page.locator('[data-busy]').count()).toBe(0);
      expect(await result.innerText()).toContain('新增 2 条，拒收 1 行，已存在 0 条');
      expect(await page.locator('[data-table=problems] tbody tr').count()).toBe(1);
      await expect.poll(drillsYear, { timeout: 30_000 }).toBe(before + 2);
      await page.evaluate(() => document.getElementById('import')?.scrollIntoView());
      await page.screenshot({ path: path.join(screenshotDir(), 'admin-import.png') });

      expect(dialogs).toEqual([]);
      expect(watched.consoleErrors.slice(signedInErrors)).toEqual([]);
      expect(watched.foreignRequests).toEqual([]);
    } finally {
      await watched.context.close();
    }
  }, 180_000);

  it('previews a street\'s grid map and replaces it: the lines of what was found, then the server serves the new map', async () => {
    const grids = JSON.parse(readFileSync(path.join(streetsDir, 'shiyoulu', 'grids.geojson'), 'utf8')) as { features: { geometry: unknown; properties: Record<string, unknown> }[] };
    const features = grids.features.map((g, i) => ({
      type: 'Feature', geometry: g.geometry,
      properties: { 网格编号: i === 3 ? 'ADMIN-UI-G' : g.properties.id, 网格名称: i === 3 ? '<b>新网格</b>' : g.properties.name, 所属社区: g.properties.communityId },
    }));
    const file = path.join(makeTempDir('grid141-admin-map-'), '网格.geojson');
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }));
    const watched = await openWatchedPage(browser, server.url, { width: 1366, height: 768 });
    const { page } = watched;
    try {
      await page.goto(`${server.url}/login?next=/admin`);
      await page.locator('#login-username').fill('admin');
      await page.locator('#login-password').fill(server.credentials.adminPassword);
      await page.locator('button[type=submit]').click();
      await page.waitForURL((url) => url.pathname === '/admin', { timeout: 30_000 });
      const signedInErrors = watched.consoleErrors.length;
      const form = page.locator('[data-form=import]');
      await form.locator('[name=kind]').selectOption('grids');
      expect(await form.locator('input[name=file]').getAttribute('accept')).toContain('.geojson');
      await form.locator('input[name=file]').setInputFiles(file);
      await form.locator('[data-action=preview]').click();
      await page.waitForSelector('[data-result][data-dry-run="1"]', { timeout: 60_000 });
      expect(await page.locator('[data-result]').innerText()).toContain('122 个网格');
      const lines = await page.locator('[data-map-lines] li').allInnerTexts();
      expect(lines[0]).toMatch(/^网格地图：\d+ 个社区、122 个网格/);
      expect(lines.join('\n')).toContain('1 个网格是新编号');
      const servedIds = async () => ((await (await server.get('/api/v1/geo/grids.geojson')).json()) as { features: { properties: { id: string; name: string } }[] }).features.map((f) => f.properties.id);
      expect(await servedIds()).not.toContain('ADMIN-UI-G');

      await form.locator('[data-action=import]').click();
      await page.waitForSelector('[data-result][data-dry-run="0"]', { timeout: 120_000 });
      expect(await page.locator('[data-result]').innerText()).toContain('已替换网格地图');
      expect((await page.locator('[data-map-lines] li').allInnerTexts()).join('\n')).toMatch(/原地图已保存为版本/);
      expect(await page.locator('[data-map-lines] b').count()).toBe(0);
      expect(await servedIds()).toContain('ADMIN-UI-G');
      await page.evaluate(() => document.getElementById('import')?.scrollIntoView());
      await page.screenshot({ path: path.join(screenshotDir(), 'admin-import-map.png') });
      expect(watched.consoleErrors.slice(signedInErrors)).toEqual([]);
    } finally {
      await watched.context.close();
    }
  }, 240_000);
});
