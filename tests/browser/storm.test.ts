// Issue 8 §5–8 in Chromium against the REAL server: an alarm storm (1 SOS, then 200 smoke alarms
// from one building within 3 s) chimes once, stays ordered by severity and folds into one line
// with its true count, also for a wall that connects later; a critical alert says what happened
// (as text, never HTML); a volunteer team's emoji draws in the self-hosted emoji font; the
// critical ring holds still under prefers-reduced-motion. One server, few page loads.
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, launchBrowser, openWatchedPage, screenshotDir } from '../helpers/browser.ts';
import { startTestServer, stopAllServers, type TestServer } from '../helpers/server.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { alertTones, countAlertTones, waitForWallReady } from '../helpers/wall-page.ts';
import { categoryName, communityName, stations } from './records.ts';
import zhCN from '../../client/src/i18n/zh-CN.ts';

const station = stations[0]!;
const [lng, lat] = station.geometry.coordinates;
const other = stations[1]!;
const [lng2, lat2] = other.geometry.coordinates;
const now = () => new Date().toISOString();
const uid = (prefix: string) => `${prefix}-${randomUUID()}`;
const TEAM = '🏠居民常用';
/** Longer than any toast line; with markup that must show as text. */
const DESCRIPTION = `<b>井盖缺失</b> 行人险些跌落，${'路口车流大，请速设置围挡并派人值守，'.repeat(6)}完`;

describe.skipIf(!browserAvailable())('alarm storm, alert words, emoji, reduced motion (issue 8)', () => {
  let server: TestServer;
  let browser: Browser;

  const post = async (kind: string, body: unknown): Promise<{ id?: string; results?: { id: string }[] }> => {
    const res = await fetch(`${server.url}/api/v1/${kind}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': server.credentials.ingestKey },
      body: JSON.stringify(body),
    });
    expect(res.status, `POST ${kind}: ${await res.clone().text()}`).toBeLessThan(300);
    return (await res.json()) as { id?: string; results?: { id: string }[] };
  };
  const wallUrl = () => `${server.url}/?token=${server.credentials.viewerToken}`;
  const toasts = (page: Page) => page.locator('[data-testid=alert-layer] .toast');
  const lines = (page: Page) =>
    toasts(page).evaluateAll((els) => els.map((el) => ({ id: el.getAttribute('data-alert'), count: Number(el.getAttribute('data-count')), text: el.textContent ?? '' })));
  const smokeAlarm = (i: number, building: { lng: number; lat: number }, name: string) => ({
    externalId: uid('smoke'), occurredAt: now(), device: 'smoke', type: 'smoke', deviceId: `SMK-${name}-${i}`,
    // Flats of one building: a few metres apart, one address each.
    location: { lng: building.lng + (i % 5) * 0.00001, lat: building.lat + Math.floor(i / 5) % 5 * 0.00001 },
    address: `石油路${name}${1 + (i % 4)}单元${101 + i}室`,
  });

  beforeAll(async () => {
    ensureClientBuilt();
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await stopAllServers();
  });

  it('one chime, the SOS on top, the storm as one line with a true count; what happened in words; emoji drawn; a late wall sees the same', async () => {
    let sosId = '';
    const watched = await openWatchedPage(browser, server.url, { width: 1920, height: 1080 });
    const { page } = watched;
    await countAlertTones(page);
    try {
      await page.goto(wallUrl());
      await waitForWallReady(page);

      // §7: a team named with an emoji, drawn on the party board's canvas.
      await post('volunteer-activities', { externalId: uid('vol'), occurredAt: now(), team: TEAM, teamCategory: 'livelihood', hours: 30, participants: 5 });
      // §6: a critical incident whose words are long and look like markup.
      const critical = await post('incidents', {
        externalId: uid('crit'), source: 'hotline_12345', category: 'emergency', urgency: 'critical', description: DESCRIPTION, location: { lng, lat },
      });
      const criticalToast = page.locator(`.toast[data-alert="critical-incident:${critical.id}"]`);
      await criticalToast.waitFor({ timeout: 20_000 });
      const ring = page.locator('[data-testid=grid-map] .pulse-ring');
      await ring.first().waitFor({ state: 'attached', timeout: 20_000 });
      expect(await page.locator('[data-testid=grid-map] .rings-pulsing').count(), 'the ring pulses after a new alert').toBe(1);
      await expect.poll(() => alertTones(page), { timeout: 20_000 }).toBeGreaterThan(0);
      const chimesBefore = await alertTones(page);

      // §5: 30 smoke alarms from building 9; then the storm: one SOS, then 200 smoke alarms from building 5 in four requests.
      const nine = await post('alarms', { items: Array.from({ length: 30 }, (_, j) => smokeAlarm(j, { lng: lng - 0.002, lat }, '9栋')) });
      const started = Date.now();
      const sos = await post('alarms', { externalId: uid('sos'), occurredAt: now(), device: 'bracelet', type: 'sos', deviceId: 'BR-0042', location: { lng: lng2, lat: lat2 }, address: '石油路12栋3单元502' });
      for (let batch = 0; batch < 4; batch += 1) {
        await post('alarms', { items: Array.from({ length: 50 }, (_, j) => smokeAlarm(batch * 50 + j, { lng: lng + 0.002, lat }, '5栋')) });
      }
      const stormMs = Date.now() - started;
      console.log(`storm: 1 SOS + 200 smoke alarms posted in ${stormMs} ms`);

      // Ordered by severity: SOS and the critical incident (a person) above the smoke storm.
      sosId = `alarm:${sos.id}`;
      await expect.poll(async () => (await lines(page)).map((l) => l.count), { timeout: 20_000, message: 'toast lines and their counts' }).toEqual([1, 1, 200]);
      const shown = await lines(page);
      expect(shown.map((l) => l.id).slice(0, 2)).toEqual([sosId, `critical-incident:${critical.id}`]);
      expect(shown[2]?.text).toContain('石油路5栋');
      expect(shown[2]?.text).toContain('烟雾报警');
      expect(shown[2]?.text).toContain('×200');
      // §6: an alarm says which device and where.
      expect(shown[0]?.text).toContain('一键呼救');
      expect(shown[0]?.text).toContain('BR-0042');
      expect(shown[0]?.text).toContain('石油路12栋3单元502');
      // The rest as a true count: building 9's 30 (older, so below building 5's storm).
      const folded = page.locator('[data-testid=alert-folded]');
      await expect.poll(() => folded.getAttribute('data-count'), { timeout: 10_000 }).toBe('30');
      expect(await folded.textContent()).toContain(zhCN.alerts.more.replace('{n}', '30'));
      await page.waitForTimeout(1_000);
      expect((await alertTones(page)) - chimesBefore, 'tones for the storm (a chime is two tones)').toBeLessThanOrEqual(2);

      // §6: the critical toast and ticker row show the start of the description as text, not markup.
      const what = (await criticalToast.locator('.what').textContent()) ?? '';
      expect(what.startsWith('<b>井盖缺失</b> 行人险些跌落')).toBe(true);
      expect(await criticalToast.locator('b', { hasText: '井盖缺失' }).count(), 'no HTML from user text').toBe(0);
      const cut = await criticalToast.locator('.what').evaluate((el) => ({ overflow: getComputedStyle(el).textOverflow, cut: el.scrollWidth > el.clientWidth }));
      expect(cut).toEqual({ overflow: 'ellipsis', cut: true });
      expect(await criticalToast.textContent()).toContain(categoryName('emergency'));
      expect(await criticalToast.textContent()).toContain(communityName(station.properties.communityId));
      const row = page.locator(`[data-testid=incident-ticker] li[data-incident="${critical.id}"] .what`);
      await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('<b>井盖缺失</b> 行人险些跌落');

      // §7: the emoji font was fetched for the team's name and the chart redrawn with it.
      await expect
        .poll(() => page.evaluate(() => [...document.fonts].some((f) => f.family.replace(/["']/g, '') === 'Noto Emoji' && f.status === 'loaded')), {
          timeout: 20_000, message: 'a Noto Emoji slice loaded',
        })
        .toBe(true);

      await page.waitForTimeout(300);
      const shot = path.join(screenshotDir(), 'wall-1920x1080-storm.png');
      await page.screenshot({ path: shot });
      console.log(`screenshot: ${shot}`);

      // Acknowledging the storm is one click; the SOS never leaves the top.
      await page.locator(`.toast[data-count="200"] button.ack`).click();
      await expect.poll(async () => (await lines(page)).map((l) => l.count), { timeout: 20_000 }).toEqual([1, 1, 30]);
      expect((await lines(page))[0]?.id).toBe(sosId);

      // Alarms resolved at the street: the line counts down (the server says which ended).
      for (const { id } of (nine.results ?? []).slice(0, 10)) {
        const res = await fetch(`${server.url}/api/v1/alarms/${id}/resolve`, {
          method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': server.credentials.ingestKey }, body: JSON.stringify({ outcome: 'cooking_smoke' }),
        });
        expect(res.status, await res.text()).toBeLessThan(300);
      }
      await expect.poll(async () => (await lines(page)).map((l) => l.count), { timeout: 10_000, message: 'after 10 of 30 resolved' }).toEqual([1, 1, 20]);

      expect(watched.consoleErrors).toEqual([]);
      expect(watched.foreignRequests).toEqual([]);
    } finally {
      await watched.context.close();
    }

    // A wall that connects later (at 4K, reduced motion): replayed the SOS first and the storm with its count.
    const late = await openWatchedPage(browser, server.url, { width: 3840, height: 2160 });
    await late.page.emulateMedia({ reducedMotion: 'reduce' });
    try {
      await late.page.goto(wallUrl());
      await waitForWallReady(late.page);
      await expect.poll(async () => (await lines(late.page)).map((l) => l.count), { timeout: 20_000, message: 'replayed lines' }).toEqual([1, 1, 200]);
      expect((await lines(late.page))[0]?.id).toBe(sosId);
      await expect.poll(() => late.page.locator('[data-testid=alert-folded]').getAttribute('data-count'), { timeout: 20_000 }).toBe('20');
      // §8: the ring stands still under prefers-reduced-motion, even while the others would pulse.
      const animation = await late.page.locator('.pulse-ring').first().evaluate((el) => getComputedStyle(el).animationName);
      expect(animation).toBe('none');
      const shot = path.join(screenshotDir(), 'wall-3840x2160-storm-late.png');
      await late.page.screenshot({ path: shot });
      console.log(`screenshot: ${shot}`);
      expect(late.consoleErrors).toEqual([]);
    } finally {
      await late.context.close();
    }
  });
});
