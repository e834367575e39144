// An incident photo on another host (tester's finding 3, issue 15 §3): the desk draws an image
// only from where its CSP's img-src lets it load (Grid141 itself and PHOTO_HOSTS) and shows any
// other photo as a link only (docs/security.md), so no page breaks its policy or shows a broken
// image. The CSP guard (openSignedInPage) throws CspViolationError on the context's close.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserAvailable, launchBrowser, openSignedInPage, screenshotDir } from '../helpers/browser.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { startTestServer, stopAllServers, type TestServer } from '../helpers/server.ts';

const PHOTO = 'https://files.example.org/a.jpg';

describe.skipIf(!browserAvailable())('incident photos on the desk', () => {
  let plain: TestServer;
  let allowed: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    ensureClientBuilt();
    [plain, allowed, browser] = await Promise.all([
      startTestServer(),
      startTestServer({ env: { PHOTO_HOSTS: 'https://files.example.org' } }),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await stopAllServers();
  });

  async function postIncident(server: TestServer, externalId: string): Promise<string> {
    const item = {
      externalId, source: 'hotline_12345', category: 'safety_hazard', urgency: 'urgent', description: '楼道堆放杂物，附照片',
      address: '石油路1号', location: { lng: 106.526, lat: 29.558 }, photos: [PHOTO, `${server.url}/favicon.svg`],
    };
    const res = await fetch(`${server.url}/api/v1/incidents`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': server.credentials.ingestKey }, body: JSON.stringify({ items: [item] }) });
    expect(res.ok).toBe(true);
    return ((await res.json()) as { results: { id: string }[] }).results[0]!.id;
  }

  async function openIncident(server: TestServer, id: string, shot?: string) {
    const watched = await openSignedInPage(browser, server.url, { username: 'admin', password: server.credentials.adminPassword }, { width: 1366, height: 768 });
    const { page } = watched;
    try {
      await page.goto(`${server.url}/duty/incidents/${id}`);
      await page.locator('[data-description]').waitFor({ timeout: 30_000 });
      const external = page.locator(`.photos a[href="${PHOTO}"]`);
      await external.waitFor({ timeout: 20_000 });
      // Give a blocked image time to file its violation before the context closes.
      await page.waitForTimeout(500);
      if (shot) await page.screenshot({ path: path.join(screenshotDir(), shot) });
      return {
        externalImg: await external.locator('img').count(),
        externalText: await external.innerText(),
        ownImg: await page.locator(`.photos a[href="${server.url}/favicon.svg"] img`).count(),
        violations: [...watched.cspViolations],
      };
    } finally {
      await watched.context.close(); // throws CspViolationError on any violation
    }
  }

  it('shows a photo on another host as a link only when PHOTO_HOSTS is unset, and its own as an image', async () => {
    const id = await postIncident(plain, 'photo-plain-1');
    const seen = await openIncident(plain, id, 'desk-photo-link-1366.png');
    expect(seen.externalImg).toBe(0);
    expect(seen.externalText).toContain('files.example.org');
    expect(seen.ownImg).toBe(1);
    expect(seen.violations).toEqual([]);
  });

  it('shows it as an image when PHOTO_HOSTS allows its origin, with no violation', async () => {
    const id = await postIncident(allowed, 'photo-allowed-1');
    const seen = await openIncident(allowed, id);
    expect(seen.externalImg).toBe(1);
    expect(seen.ownImg).toBe(1);
    expect(seen.violations).toEqual([]);
  });
});
