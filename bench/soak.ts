// Soak: the wall open in Debian's Chromium on the demo feed at high speed for 10 minutes (style.md,
// "Walls run for weeks"). After a warm-up, every 30 s: GC, then the JS heap, DOM nodes, listeners
// (CDP Performance.getMetrics) and the page's live timers, rAF loops, chart instances and map
// layers/sources (bench/lib/soak-probe.ts). Heap must grow < 20 %, the counts must stay flat.
// In `npm run bench` only with --soak or --only soak; alone: `tsx bench/soak.ts [--minutes N] [--speed N] [--warmup N]`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CDPSession, Page } from 'playwright-core';
import { launchBrowser, openWatchedPage } from '../tests/helpers/browser.ts';
import { ensureClientBuilt } from '../tests/helpers/client-build.ts';
import { startTestServer, type TestServer } from '../tests/helpers/server.ts';
import { waitForWallReady } from '../tests/helpers/wall-page.ts';
import type { Bench, BenchContext, BenchOutput } from './context.ts';
import { tableLines } from './lib/report.ts';
import { installProbe, readCounts } from './lib/soak-probe.ts';
import { judge, type SoakSample } from './lib/soak-verdict.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SAMPLE_MS = 30_000;

export interface SoakOptions {
  minutes: number;
  warmupMinutes: number;
  speed: number;
}

/** Flags from the command line (also read when run through bench/run.ts); --quick shortens it. */
export function soakOptions(argv: string[], quick: boolean): SoakOptions {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    const inline = argv.find((a) => a.startsWith(`${flag}=`));
    const raw = inline ? inline.slice(flag.length + 1) : i >= 0 ? argv[i + 1] : undefined;
    const n = raw === undefined ? NaN : Number(raw);
    return Number.isFinite(n) && n > 0 ? n : undefined;
  };
  return {
    minutes: value('--minutes') ?? (quick ? 2 : 10),
    warmupMinutes: value('--warmup') ?? (quick ? 1 : 2),
    speed: value('--speed') ?? 300,
  };
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

async function todayTotal(server: TestServer): Promise<number | null> {
  const res = await server.get('/api/v1/summary').catch(() => null);
  if (!res?.ok) return null;
  const body = (await res.json()) as { incidents?: { today?: { total?: number } } };
  return body.incidents?.today?.total ?? null;
}

async function sample(page: Page, cdp: CDPSession, server: TestServer, readyAt: number): Promise<SoakSample> {
  const m = await metrics(cdp);
  const counts = await readCounts(page);
  return {
    at: Math.round((Date.now() - readyAt) / 1000),
    heapMb: (m.JSHeapUsedSize ?? 0) / 2 ** 20,
    nodes: m.Nodes ?? 0,
    listeners: m.JSEventListeners ?? 0,
    documents: m.Documents ?? 0,
    counts,
    todayTotal: await todayTotal(server),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runSoak(options: SoakOptions, log: (line: string) => void): Promise<BenchOutput> {
  ensureClientBuilt();
  const server = await startTestServer({ env: { SIMULATE: '1', SIMULATE_SPEED: String(options.speed) } });
  const browser = await launchBrowser();
  try {
    const { page, consoleErrors, foreignRequests } = await openWatchedPage(browser, server.url, { width: 1920, height: 1080 });
    await installProbe(page);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(`${server.url}/?token=${server.credentials.viewerToken}`);
    const readyMs = await waitForWallReady(page, 8, 120_000);
    const readyAt = Date.now();
    log(`soak: wall ready in ${readyMs} ms; demo feed at ${options.speed}×; warm-up ${options.warmupMinutes} min, then ${options.minutes} min`);
    const samples: SoakSample[] = [];
    const warmupEnd = readyAt + options.warmupMinutes * 60_000;
    const end = warmupEnd + options.minutes * 60_000;
    // Samples during warm-up too (for the record), every 30 s on the wall clock.
    for (let next = readyAt; next <= end + 1_000; next += SAMPLE_MS) {
      await sleep(Math.max(0, next - Date.now()));
      const s = await sample(page, cdp, server, readyAt);
      samples.push(s);
      const c = s.counts;
      log(
        `soak t=${s.at}s heap ${s.heapMb.toFixed(1)} MB, nodes ${s.nodes}, listeners ${s.listeners}, timeouts ${c.liveTimeouts}, intervals ${c.liveIntervals}, ` +
          `rAF ${c.pendingFrames} (${c.framesPerSecond}/s), charts ${c.chartInstances}, map ${c.mapLayers} layers/${c.mapSources} sources, markers ${c.markers}, ` +
          `ticker ${c.tickerItems}, toasts ${c.alertToasts}, today.total ${s.todayTotal}`,
      );
    }
    const after = samples.filter((s) => s.at >= options.warmupMinutes * 60 - 1);
    const verdict = judge(after);
    const totals = after.map((s) => s.todayTotal).filter((t): t is number => t !== null);
    const flowed = totals.length >= 2 && Math.max(...totals) > (totals[0] as number);
    verdict.rows.push({
      bench: 'soak', figure: 'records flowing (today.total rose)', unit: '', measured: (totals[totals.length - 1] ?? 0) - (totals[0] ?? 0),
      target: '> 0', met: flowed, baseline: totals[0] ?? null, baselineLabel: 'at warm-up', ratio: null,
      note: `today.total ${totals[0] ?? '—'} -> ${totals[totals.length - 1] ?? '—'} (max ${totals.length ? Math.max(...totals) : '—'}); a midnight at this speed resets it`,
    });
    verdict.rows.push({
      bench: 'soak', figure: 'console errors', unit: '', measured: consoleErrors.length, target: '0', met: consoleErrors.length === 0,
      baseline: null, baselineLabel: null, ratio: null, note: consoleErrors.slice(0, 3).join(' | ') || undefined,
    });
    const details = { options, readyMs, samples, table: verdict.table, consoleErrors: consoleErrors.slice(0, 50), foreignRequests: foreignRequests.slice(0, 50) };
    const out = path.join(HERE, 'results', 'soak.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), rows: verdict.rows, ...details }, null, 2)}\n`);
    log(`soak: series written to ${path.relative(process.cwd(), out)}`);
    return { rows: verdict.rows, details };
  } finally {
    await browser.close().catch(() => {});
    await server.stop().catch(() => {});
  }
}

export const soak: Bench = (ctx: BenchContext) => runSoak(soakOptions(process.argv.slice(2), ctx.quick), ctx.log);

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const output = await runSoak(soakOptions(argv, argv.includes('--quick')), (line) => process.stderr.write(`[soak] ${line}\n`));
  process.stdout.write(`\n${tableLines(output.rows).join('\n')}\n`);
  const failed = output.rows.filter((r) => r.met === false);
  process.exit(failed.length ? 1 : 0);
}
