// Desk: 1,000,000 stored incidents of which 100,000 are open (quick: 100,000 / 10,000), on the
// embedded store and on PostgreSQL (when reachable). Times over HTTP against a server in this
// process (people sign in through a stand-in session resolver): the queue's first page, filter
// combinations, two- and four-character search, and an action's round trip (accept, If-Match).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { CATEGORIES, SOURCES, slaProfileFor, stageDue, targetsFor, type IncidentStatus, type QueuePage, type Urgency } from '@grid141/shared';
import { startServer as startInProcess, type Plugin } from '../server/src/app.ts';
import { loadConfig, REPO_ROOT } from '../server/src/config.ts';
import { createLogger } from '../server/src/logger.ts';
import { plugins } from '../server/src/plugins.ts';
import { createLocator } from '../server/src/street/locate.ts';
import { chromiumAvailable, launchChromium } from '../server/src/render/chromium.ts';
import { openStore } from '../server/src/store/index.ts';
import type { NewIncident } from '../server/src/store/types.ts';
import type { Bench, BenchContext } from './context.ts';
import type { Row } from './lib/report.ts';
import { mulberry32, pick } from './lib/rng.ts';
import { clock, spread } from './lib/stats.ts';

const DAY = 86_400_000;
const BATCH = 5_000;
const OPEN: readonly IncidentStatus[] = ['reported', 'accepted', 'dispatched', 'on_site', 'handled', 'returned'];
const PHRASES = ['楼道堆放杂物', '占道经营', '噪声扰民', '燃气泄漏气味', '电动车违规充电', '独居老人无人照看', '下水道堵塞', '高空坠物隐患', '违章搭建', '路灯损坏',
  '油烟扰民', '垃圾清运不及时', '邻里纠纷', '物业服务投诉', '消防通道堵塞', '井盖缺失', '树木倒伏', '老人摔倒求助', '工地夜间施工', '车辆乱停乱放'];
const ROADS = ['石油路', '金银湾路', '茶亭北路', '煤建新村', '新影村', '彭家花园', '虎歇路'];
const pg_url = process.env.BENCH_DESK_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/h_desk';

function makeRows(ctx: BenchContext, count: number, offset: number, openShare: number, now: number, rng: () => number, locate: ReturnType<typeof createLocator>): NewIncident[] {
  const [w, s, e, n] = ctx.street.meta.bbox;
  const iso = (t: number) => new Date(Math.min(t, now)).toISOString();
  return Array.from({ length: count }, (_, j) => {
    const open = rng() < openShare;
    // Open ones over the last 30 days, closed ones over two years.
    const reported = now - rng() * (open ? 30 : 730) * DAY;
    const category = pick(CATEGORIES, rng).code;
    const r = rng();
    const urgency: Urgency = r < 0.03 ? 'critical' : r < 0.15 ? 'urgent' : 'normal';
    const lng = w + (e - w) * rng(), lat = s + (n - s) * rng();
    const place = locate.locate(lng, lat);
    const status: IncidentStatus = open ? pick(OPEN, rng) : rng() < 0.92 ? 'closed' : 'rejected';
    const step = open ? OPEN.indexOf(status) : 5;
    const at = iso(reported);
    const due = stageDue(targetsFor(category, urgency), at);
    const description = `${pick(PHRASES, rng)}，${pick(PHRASES, rng)}（第${offset + j}号）`;
    return {
      id: randomUUID(), streetId: ctx.street.meta.id, externalId: `desk-${offset + j}`, source: pick(SOURCES, rng).code, category,
      subcategory: null, urgency, colour: CATEGORIES.find((c) => c.code === category)?.colour ?? 'red', status, title: null,
      description, location: { lng, lat }, address: `${pick(ROADS, rng)}${1 + Math.floor(rng() * 200)}号`, reporter: null, photos: [],
      gridId: place.gridId, microGridId: place.microGridId, communityId: place.communityId, outsideArea: place.outsideArea,
      reportedAt: at, receivedAt: at, updatedAt: at,
      acceptedAt: step >= 1 ? iso(reported + 10 * 60_000) : null,
      dispatchedAt: step >= 2 ? iso(reported + 40 * 60_000) : null,
      onSiteAt: step >= 3 ? iso(reported + 90 * 60_000) : null,
      handledAt: step >= 4 ? iso(reported + 0.2 * DAY) : null,
      closedAt: open ? null : iso(reported + (0.2 + rng() * 3) * DAY),
      ...due, slaProfile: slaProfileFor(category, urgency), assignee: step >= 2 ? `team-${Math.floor(rng() * 40)}` : null,
      escalations: [], evaluation: null, simulated: false,
    } satisfies NewIncident;
  });
}

export async function fill(ctx: BenchContext, where: { dataDir: string | null; databaseUrl: string | null }, total: number, openShare: number): Promise<number> {
  const store = await openStore({ streetId: ctx.street.meta.id, ...where });
  const rng = mulberry32(2610);
  const locate = createLocator(ctx.street);
  const now = Date.now();
  const started = clock();
  try {
    for (let offset = 0; offset < total; offset += BATCH) {
      await store.insertIncidents(makeRows(ctx, Math.min(BATCH, total - offset), offset, openShare, now, rng, locate));
      if ((offset / BATCH) % 40 === 0) ctx.log(`  filled ${offset.toLocaleString('en')}`);
    }
    await store.sql.query('ANALYZE incidents');
  } finally {
    await store.close();
  }
  return (clock() - started) / 1000;
}

const sessions: Plugin = (ctx) => ctx.auth.addSessionResolver((req) => {
  const who = req.headers['x-bench-user'];
  return typeof who === 'string' ? { role: who === 'leader' ? 'leader' : 'operator', via: 'session', username: who } : null;
});

/** Nearest-rank percentile (the rule of spread in lib/stats.ts), for the p95 the action target names. */
function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number);
}

async function timed(n: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = clock();
    await fn(i);
    out.push(clock() - t0);
  }
  return out;
}

/**
 * The desk's first render in Chromium at 1366×768 (the issue's laptop): a fresh page each time,
 * from navigation to the queue's first rows on screen (ms). Null when Chromium is not installed.
 */
async function firstRender(url: string, headers: Record<string, string>, runs: number): Promise<ReturnType<typeof spread> | null> {
  if (!chromiumAvailable()) return null;
  const browser = await launchChromium();
  try {
    const times: number[] = [];
    for (let i = 0; i <= runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, extraHTTPHeaders: headers });
      try {
        const page = await context.newPage();
        const t0 = clock();
        await page.goto(`${url}/duty`);
        await page.waitForSelector('.qrow', { timeout: 60_000 });
        if (i > 0) times.push(clock() - t0); // the first loads Chromium's caches: not counted
      } finally {
        await context.close();
      }
    }
    return spread(times);
  } finally {
    await browser.close();
  }
}

async function measure(ctx: BenchContext, label: string, env: Record<string, string>, dataDir: string): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
  const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn', SIMULATE: '0', INGEST_API_KEY: 'bench-desk-ingest-key-0001', VIEWER_TOKEN: 'bench-desk-viewer-token-01', ADMIN_PASSWORD: 'bench-desk-admin', ...env });
  const server = await startInProcess(config, createLogger('warn'), { plugins: [sessions, ...plugins], clientDir: path.join(REPO_ROOT, 'client', 'dist') });
  const headers = { 'x-bench-user': 'operator' };
  const get = async (q: string) => {
    const res = await fetch(`${server.url}/api/v1/duty/queue${q}`, { headers });
    if (!res.ok) throw new Error(`queue ${q}: ${res.status} ${await res.text()}`);
    return (await res.json()) as QueuePage;
  };
  try {
    const runs = ctx.quick ? 20 : 50;
    await get(''); // warm
    const first = spread(await timed(runs, () => get('').then(() => undefined)));
    const sample = await get('?limit=200');
    const any = sample.items[7]?.incident ?? sample.items[0]?.incident;
    const since = new Date(Date.now() - 3 * DAY).toISOString();
    const combos = [
      `?grid=${any?.gridId}`, `?community=${any?.communityId}&urgency=urgent`, '?category=safety_hazard&colour=red&status=accepted',
      `?from=${encodeURIComponent(since)}`, '?assignee=team-3', '?source=hotline_12345&urgency=critical', `?grid=${any?.gridId}&category=dispute&status=handled`,
      // Lists of several values (PostgreSQL before 17 orders them differently: desk/sql.ts).
      '?status=accepted,handled&colour=red,yellow',
    ];
    const filterTimes: number[] = [];
    const perCombo: Record<string, number> = {};
    for (const q of combos) {
      await get(q);
      const s = spread(await timed(Math.ceil(runs / 2), () => get(q).then(() => undefined)));
      perCombo[q] = s.p90;
      filterTimes.push(...Array(Math.ceil(runs / 2)).fill(0).map(() => s.p90));
    }
    // Dense (a fifth of the open rows), 784 and ~1,100 matches, none.
    const searches = ['扰民', '燃气泄漏', '老人摔倒', '石油路17', '第12', '第12345号'];
    const perSearch: Record<string, { p90: number; total: number }> = {};
    const searchAll: number[] = [];
    for (const q of searches) {
      const page = await get(`?q=${encodeURIComponent(q)}`);
      const times = await timed(Math.ceil(runs / 2), () => get(`?q=${encodeURIComponent(q)}`).then(() => undefined));
      searchAll.push(...times);
      perSearch[q] = { p90: spread([...times]).p90, total: page.total };
    }
    const reported = (await get('?status=reported&limit=200')).items.map((i) => i.incident);
    const actions = await timed(Math.min(runs, reported.length), async (i) => {
      const incident = reported[i];
      if (!incident) return;
      const res = await fetch(`${server.url}/api/v1/duty/incidents/${incident.id}/transitions`, {
        method: 'POST', headers: { ...headers, 'content-type': 'application/json', 'if-match': `"${(incident as { version?: number }).version ?? incident.updatedAt}"` },
        body: JSON.stringify({ to: 'accepted' }),
      });
      if (!res.ok) throw new Error(`accept: ${res.status} ${await res.text()}`);
    });
    const action = { ...spread(actions), p95: percentile(actions, 0.95) };
    const render = await firstRender(server.url, headers, ctx.quick ? 3 : 5);
    const filters = spread(Object.values(perCombo));
    const search = spread(searchAll);
    ctx.log(`  ${label}: first page p99 ${first.p99.toFixed(1)} ms, filters worst ${filters.max.toFixed(1)} ms, search p99 ${search.p99.toFixed(1)} ms, action p95 ${action.p95.toFixed(1)} ms (p99 ${action.p99.toFixed(1)})${render ? `, first render p50 ${render.p50.toFixed(0)} ms` : ''}`);
    const row = (figure: string, measured: number, target: number, note?: string): Row => ({
      bench: 'desk', figure: `${figure}, ${label}`, unit: 'ms', measured, target: `≤ ${target} ms`, met: measured <= target, baseline: null, baselineLabel: null, ratio: null, ...(note ? { note } : {}),
    });
    return {
      rows: [
        row('queue first page p95 (p99 shown)', first.p99, 100, `p50 ${first.p50.toFixed(1)} ms; ${sample.total}${sample.totalCapped ? '+' : ''} open`),
        row('filter combinations, worst p90', filters.max, 300, Object.entries(perCombo).map(([q, v]) => `${q.slice(0, 40)} ${v.toFixed(0)}`).join('; ')),
        row('search p95 (p99 shown)', search.p99, 300, Object.entries(perSearch).map(([q, v]) => `${q} ${v.p90.toFixed(0)} ms/${v.total}`).join('; ')),
        row('action round trip p95', action.p95, 50, `p99 ${action.p99.toFixed(1)} ms; p50 ${action.p50.toFixed(1)} ms; ${action.count} accepts`),
        ...(render ? [row('desk first render at 1366×768, median', render.p50, 2_000, `Chromium, a new page each time: navigation → the queue's first rows drawn; max ${render.max.toFixed(0)} ms of ${render.count}`)] : []),
      ],
      details: { first, perCombo, perSearch, action, ...(render ? { render } : {}) },
    };
  } finally {
    await server.close();
  }
}

export const desk: Bench = async (ctx) => {
  const total = ctx.quick ? 100_000 : 1_000_000;
  const openShare = 0.1;
  const rows: Row[] = [];
  const details: Record<string, unknown> = { total, openShare };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'grid141-bench-desk-'));
  try {
    const seconds = await fill(ctx, { dataDir: dir, databaseUrl: null }, total, openShare);
    ctx.log(`  embedded: filled ${total.toLocaleString('en')} in ${seconds.toFixed(0)} s`);
    const out = await measure(ctx, 'embedded', {}, dir);
    rows.push(...out.rows);
    details.embedded = { fillSeconds: seconds, ...out.details };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const admin = new pg.Client({ connectionString: pg_url, connectionTimeoutMillis: 5_000 });
  let reachable = true;
  try {
    await admin.connect();
    await admin.query('DROP SCHEMA IF EXISTS public CASCADE');
    await admin.query('CREATE SCHEMA public');
  } catch {
    reachable = false;
  } finally {
    await admin.end().catch(() => {});
  }
  if (!reachable) {
    ctx.log(`  PostgreSQL not reachable at ${pg_url}: embedded only`);
    return { rows, details };
  }
  const pgDir = mkdtempSync(path.join(os.tmpdir(), 'grid141-bench-desk-pg-'));
  try {
    const seconds = await fill(ctx, { dataDir: null, databaseUrl: pg_url }, total, openShare);
    ctx.log(`  PostgreSQL: filled ${total.toLocaleString('en')} in ${seconds.toFixed(0)} s`);
    const out = await measure(ctx, 'PostgreSQL', { DATABASE_URL: pg_url }, pgDir);
    rows.push(...out.rows);
    details.postgres = { fillSeconds: seconds, ...out.details };
  } finally {
    rmSync(pgDir, { recursive: true, force: true });
  }
  return { rows, details };
};
