// The weekly report drawn for real: `npm run report` against a server holding a known week
// (tests/helpers/report-week.ts) gives one 1920×1080 PNG per slide and one PDF whose text has the
// titles, totals and changes; the listing links them; the empty week renders; the report page
// keeps the CSP; the snapshot endpoint draws the wall at the asked size. One render of one deck.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserAvailable, launchBrowser, openWatchedPage } from '../helpers/browser.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { REPO_ROOT, startTestServer, stopAllServers, type TestServer } from '../helpers/server.ts';
import { EMPTY_WEEK, WEEK, seedReportWeeks } from '../helpers/report-week.ts';
import { rankingBoard, rankingPercent, type WeeklyReport } from '@grid141/shared';
import { renderDeck, renderSnapshot } from '../../server/src/reports/render.ts';

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function runReport(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts', 'report.ts'), ...args], { cwd: REPO_ROOT });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe.skipIf(!browserAvailable())('the weekly report', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    ensureClientBuilt();
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    await seedReportWeeks(server.url, server.credentials);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stopAllServers();
  });

  it('npm run report draws the week: a 1920×1080 PNG per slide, not blank, and a PDF with the titles, totals and changes', async () => {
    const outDir = path.join(server.dataDir, 'reports', WEEK);
    const run = await runReport(['--week', WEEK, '--url', server.url, `--token=${server.credentials.viewerToken}`, '--out', outDir]);
    expect(run.code, run.output).toBe(0);
    const pngs = readdirSync(outDir).filter((f) => f.endsWith('.png')).sort();
    expect(pngs).toHaveLength(10);
    expect(pngs[0]).toBe('slide-01-cover.png');

    const page = await browser.newPage();
    try {
      for (const file of pngs) {
        const png = readFileSync(path.join(outDir, file));
        expect(pngSize(png), file).toEqual({ width: 1920, height: 1080 });
        // Not blank: a slide shows many colours (text, bars, marks), a blank page one or two.
        const colours = await page.evaluate(async (base64) => {
          const image = new Image();
          image.src = `data:image/png;base64,${base64}`;
          await image.decode();
          const canvas = document.createElement('canvas');
          canvas.width = image.width;
          canvas.height = image.height;
          const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
          ctx.drawImage(image, 0, 0);
          const data = ctx.getImageData(0, 0, image.width, image.height).data;
          const seen = new Set<number>();
          for (let i = 0; i < data.length; i += 4 * 97) seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
          return seen.size;
        }, png.toString('base64'));
        expect(colours, `${file} looks blank`).toBeGreaterThan(20);
      }
    } finally {
      await page.close();
    }

    const pdf = path.join(outDir, `grid141-${WEEK}.pdf`);
    expect(execFileSync('pdfinfo', [pdf]).toString()).toMatch(/Pages:\s+10\b/);
    const fonts = execFileSync('pdffonts', [pdf]).toString();
    expect(fonts, 'the Chinese font is embedded').toMatch(/NotoSansSC.*\byes\b/);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
    for (const title of ['基层治理周报', '2026年第48周', '本周概览', '事件办理', '事件分布热力图', '党的建设', '经济发展', '民生服务', '平安法治', '网格评星排名', '排名前 10', '本周重点事项']) {
      expect(text, `the PDF has "${title}" as text`).toContain(title);
    }
    // Incidents reported: 5 this week, 3 the week before → +2 (+66.7%); volunteer hours 7.5 (+2.5, +50%).
    expect(text).toMatch(/上报事件\s[\s\S]*?\b5\b/);
    expect(text).toContain('+2 (+66.7%)');
    expect(text).toContain('+2.5 (+50%)');
    expect(text).toContain('周报测试内涝');

    const listing = (await (await server.get('/api/v1/reports')).json()) as { items: { week: string; pdf: string[]; png: string[] }[] };
    expect(listing.items.map((i) => i.week)).toEqual([WEEK]);
    expect(listing.items[0]?.png).toHaveLength(10);
    const download = await server.get(listing.items[0]?.pdf[0] as string);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect((await server.get(`/api/v1/reports/${WEEK}/..%2Fcredentials.json`)).status).toBe(404);
  }, 240_000);

  it('the ranking slide shows each row\'s values used in its score, the street\'s in italics, and the street\'s highest in the formula', async () => {
    const report = (await (await server.get(`/api/v1/reports/weekly?week=${WEEK}`)).json()) as WeeklyReport;
    const watched = await openWatchedPage(browser, server.url, { width: 1920, height: 1080 });
    try {
      await watched.page.goto(`${server.url}/report?week=${WEEK}&token=${server.credentials.viewerToken}`);
      await watched.page.waitForSelector('[data-report-state=ready]', { timeout: 60_000 });
      const shown = await watched.page.locator('[data-ranking] tr.grid').evaluateAll((rows) => rows.map((tr) => {
        const cell = (term: string) => tr.querySelector(`td[data-term=${term}]`) as HTMLElement;
        return ['onTime', 'closure', 'load'].map((term) => [cell(term).textContent?.trim(), cell(term).classList.contains('street')]);
      }));
      expect(shown.length).toBeGreaterThan(0);
      // The rows in slide order: the top list, then the bottom one (W48 seeds one busy grid; the rest are quiet and folded).
      const board = rankingBoard(report.ranking, 10);
      const rows = [...board.top, ...board.bottom].flatMap((l) => (l.kind === 'grid' ? [l.grid] : []));
      expect(shown).toEqual(rows.map((g) => [
        [rankingPercent(g.onTimeRate), g.borrowed.onTime], [rankingPercent(g.closureRate), g.borrowed.closure], [g.perThousand.toFixed(1), g.borrowed.load],
      ]));
      const highest = (report.ranking[0]?.highestPerThousand ?? 0).toFixed(1);
      await expect(watched.page.getByTestId('ranking-formula').textContent()).resolves.toContain(`全街最高 ${highest}`);
      expect(watched.consoleErrors).toEqual([]);
    } finally {
      await watched.context.close();
    }
  }, 120_000);

  it('the empty week renders with its "no data" mark, in English with lang=en, within the CSP', async () => {
    const watched = await openWatchedPage(browser, server.url, { width: 1920, height: 1080 });
    try {
      await watched.page.goto(`${server.url}/report?week=${EMPTY_WEEK}&lang=en&token=${server.credentials.viewerToken}`);
      await watched.page.waitForSelector('[data-report-state=ready]', { timeout: 60_000 });
      await expect(watched.page.locator('[data-slide]').count()).resolves.toBe(10);
      await expect(watched.page.getByTestId('no-data').textContent()).resolves.toContain('No data this week');
      // No grid had an incident: no ranking of 122 five-star grids, one line saying why.
      await expect(watched.page.getByTestId('ranking-nothing').textContent()).resolves.toContain('no ranking this week');
      await expect(watched.page.locator('[data-slide=summary]').textContent()).resolves.toContain('Incidents reported');
      expect(watched.consoleErrors).toEqual([]);
      expect(watched.foreignRequests).toEqual([]);
    } finally {
      await watched.context.close();
    }
  }, 120_000);

  it('a render that fails to reach its page says where in its error, but never with the token', async () => {
    const token = 'viewer-token-that-must-not-be-logged-0123456789';
    // A port nothing listens on any more.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closed = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise((resolve) => probe.close(resolve));
    const failures = await Promise.all([
      renderSnapshot(browser, { baseUrl: closed, viewerToken: token, width: 1280, height: 720, lang: 'zh-CN' }).then(() => null, (e: unknown) => e),
      renderDeck(browser, { baseUrl: closed, viewerToken: token, week: WEEK, lang: 'zh-CN', scale: 1, outDir: path.join(server.dataDir, 'unreachable') }).then(() => null, (e: unknown) => e),
    ]);
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(Error);
      expect(String((failure as Error).message), 'the error names the page').toContain(closed);
      expect(String((failure as Error).message)).not.toContain(token);
    }
  }, 120_000);

  it('GET /api/v1/snapshot.png draws the live wall at the asked size', async () => {
    const response = await server.get('/api/v1/snapshot.png?layout=1280x720');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(pngSize(Buffer.from(await response.arrayBuffer()))).toEqual({ width: 1280, height: 720 });
    // The second of the same size is taken from the wall page kept open by the first.
    const again = await server.get('/api/v1/snapshot.png?layout=1280x720');
    expect(again.status).toBe(200);
    expect(pngSize(Buffer.from(await again.arrayBuffer()))).toEqual({ width: 1280, height: 720 });
    expect((await server.get('/api/v1/snapshot.png?layout=99999x2')).status).toBe(400);
  }, 120_000);
});
