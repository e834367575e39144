// Start: fill a fresh DATA_DIR with 1,000,000 incidents through the store's batch insert
// (two years, a realistic share open), start the real server on it, and time spawn -> /api/health
// and the figures rebuild; then read its resident memory. Baseline: the same start on an empty store.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CATEGORIES, SOURCES, dueAtFor, slaProfileFor, type IncidentStatus } from '@grid141/shared';
import { createLocator } from '../server/src/street/locate.ts';
import { openStore } from '../server/src/store/index.ts';
import type { NewIncident } from '../server/src/store/types.ts';
import type { Bench, BenchContext } from './context.ts';
import { mulberry32, pick } from './lib/rng.ts';
import { residentMemory, startServer } from './lib/server.ts';
import { clock, sleep } from './lib/stats.ts';

const DAY = 86_400_000;
const OPEN: readonly IncidentStatus[] = ['reported', 'accepted', 'dispatched', 'on_site', 'handled'];
const FILL_BATCH = 10_000;

/** Share still open by age: most of the last two days, a tenth of the last fortnight, 1 % of the rest. */
const openShare = (ageMs: number) => (ageMs < 2 * DAY ? 0.5 : ageMs < 14 * DAY ? 0.1 : 0.01);

function makeRows(ctx: BenchContext, count: number, offset: number, total: number, now: number, rng: () => number, locate: ReturnType<typeof createLocator>): NewIncident[] {
  const [w, s, e, n] = ctx.street.meta.bbox;
  const iso = (t: number) => new Date(Math.min(t, now)).toISOString();
  return Array.from({ length: count }, (_, j) => {
    const i = offset + j;
    // Spread evenly over two years, newest last, with a little jitter.
    const reported = now - ((total - i) / total) * 730 * DAY - rng() * 60_000;
    const age = now - reported;
    const category = pick(CATEGORIES, rng).code;
    const urgency = rng() < 0.1 ? 'urgent' : 'normal';
    const lng = w + (e - w) * rng(), lat = s + (n - s) * rng();
    const place = locate.locate(lng, lat);
    const open = rng() < openShare(age);
    const r = rng();
    const status: IncidentStatus = open ? pick(OPEN, rng) : r < 0.92 ? 'closed' : r < 0.97 ? 'rejected' : 'merged';
    const reachedAfter = (step: number) => (open ? OPEN.indexOf(status) >= step : status === 'closed');
    const at = iso(reported);
    const closedAt = status === 'closed' || status === 'rejected' || status === 'merged' ? iso(reported + (0.2 + rng() * 3) * DAY) : null;
    return {
      id: randomUUID(), streetId: ctx.street.meta.id, externalId: `fill-${i}`, source: pick(SOURCES, rng).code, category,
      subcategory: null, urgency, colour: CATEGORIES.find((c) => c.code === category)?.colour ?? 'red', status, title: null,
      description: '基准测试存量事件', location: { lng, lat }, address: null, reporter: null, photos: [],
      gridId: place.gridId, microGridId: place.microGridId, communityId: place.communityId, outsideArea: place.outsideArea,
      reportedAt: at, receivedAt: at, updatedAt: closedAt ?? at,
      acceptedAt: reachedAfter(1) ? iso(reported + 10 * 60_000) : null,
      dispatchedAt: reachedAfter(2) ? iso(reported + 40 * 60_000) : null,
      onSiteAt: reachedAfter(3) ? iso(reported + 90 * 60_000) : null,
      handledAt: reachedAfter(4) ? iso(reported + 0.2 * DAY) : null,
      closedAt, dueAt: dueAtFor(category, urgency, at), slaProfile: slaProfileFor(category, urgency), assignee: null,
      escalations: [], evaluation: null, simulated: false, version: 1,
    } satisfies NewIncident;
  });
}

async function fill(ctx: BenchContext, dataDir: string, total: number): Promise<{ seconds: number; open: number; recent: number }> {
  const store = await openStore({ streetId: ctx.street.meta.id, databaseUrl: null, dataDir });
  const rng = mulberry32(2026);
  const locate = createLocator(ctx.street);
  const now = Date.now();
  let open = 0, recent = 0;
  const started = clock();
  try {
    for (let offset = 0; offset < total; offset += FILL_BATCH) {
      const rows = makeRows(ctx, Math.min(FILL_BATCH, total - offset), offset, total, now, rng, locate);
      for (const row of rows) {
        if (OPEN.includes(row.status)) open += 1;
        if (now - Date.parse(row.reportedAt) < 32 * DAY) recent += 1;
      }
      await store.insertIncidents(rows);
      if ((offset / FILL_BATCH) % 10 === 0) ctx.log(`  filled ${offset.toLocaleString('en')} (${Math.round(offset / ((clock() - started) / 1000) || 0)} rows/s)`);
    }
  } finally {
    await store.close();
  }
  return { seconds: (clock() - started) / 1000, open, recent };
}

async function timedStart(ctx: BenchContext, dataDir: string): Promise<{ seconds: number; rebuildMs: number | null; scanned: number | null; rssMb: number; peakMb: number }> {
  const started = clock();
  const server = await startServer({ LOG_LEVEL: 'info' }, dataDir, 300_000);
  const seconds = (clock() - started) / 1000;
  try {
    // Memory once settled after the start (the rebuild's garbage may still be collected).
    await sleep(2_000);
    const mem = residentMemory(server.pid);
    const line = server.stdout().split('\n').find((l) => l.includes('figures rebuilt from the store'));
    const log = line ? (JSON.parse(line) as { ms?: number; incidents?: number }) : null;
    return { seconds, rebuildMs: log?.ms ?? null, scanned: log?.incidents ?? null, rssMb: (mem?.rss ?? Number.NaN) / 2 ** 20, peakMb: (mem?.peak ?? Number.NaN) / 2 ** 20 };
  } finally {
    await server.stop();
  }
}

export const start: Bench = async (ctx) => {
  const total = ctx.quick ? 50_000 : 1_000_000;
  const empty = mkdtempSync(path.join(os.tmpdir(), 'grid141-bench-empty-'));
  const full = mkdtempSync(path.join(os.tmpdir(), 'grid141-bench-start-'));
  try {
    const base = await timedStart(ctx, empty);
    ctx.log(`  empty store: ready in ${base.seconds.toFixed(1)} s, RSS ${base.rssMb.toFixed(0)} MB`);
    const filled = await fill(ctx, full, total);
    ctx.log(`  filled ${total.toLocaleString('en')} in ${filled.seconds.toFixed(1)} s (${filled.open} open, ${filled.recent} in the last 32 days)`);
    const run = await timedStart(ctx, full);
    ctx.log(`  ${total.toLocaleString('en')} incidents: ready in ${run.seconds.toFixed(1)} s (rebuild ${run.rebuildMs} ms over ${run.scanned} incidents), RSS ${run.rssMb.toFixed(0)} MB`);
    const label = `${total.toLocaleString('en')} incidents`;
    return {
      rows: [
        { bench: 'start', figure: `spawn -> /api/health, ${label}`, unit: 's', measured: run.seconds, target: '≤ 15 s', met: run.seconds <= 15, baseline: base.seconds, baselineLabel: 'empty store', ratio: null },
        { bench: 'start', figure: 'figures rebuild (server log)', unit: 's', measured: (run.rebuildMs ?? Number.NaN) / 1000, target: null, met: null, baseline: base.rebuildMs === null ? null : base.rebuildMs / 1000, baselineLabel: 'empty store', ratio: null },
        { bench: 'start', figure: `resident memory after start, ${label}`, unit: 'MB', measured: run.rssMb, target: '≤ 500 MB', met: run.rssMb <= 500, baseline: base.rssMb, baselineLabel: 'empty store', ratio: null, note: `peak ${run.peakMb.toFixed(0)} MB` },
      ],
      details: { incidents: total, fill: { ...filled, rowsPerS: total / filled.seconds }, empty: base, filled: run },
    };
  } finally {
    rmSync(empty, { recursive: true, force: true });
    rmSync(full, { recursive: true, force: true });
  }
};
