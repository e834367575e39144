// Quick measure of the store's batch insert (rows/s) into PGlite and PostgreSQL, batches of
// 100 and 1,000: `tsx server/src/store/bench-insert.ts [rows]` (PostgreSQL when TEST_DATABASE_URL is set).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { CATEGORIES, dueAtFor, slaProfileFor } from '@grid141/shared';
import { openStore } from './index.ts';
import type { NewIncident, Store } from './types.ts';

/** Rows as the ingest side builds them, spread over the last 30 days (for benchmarks and start-up tests). */
export function syntheticIncidents(count: number, streetId: string, now = Date.now()): NewIncident[] {
  return Array.from({ length: count }, (_, i) => {
    const category = (CATEGORIES[i % CATEGORIES.length] as (typeof CATEGORIES)[number]).code;
    const at = new Date(now - (i % 43_200) * 60_000).toISOString();
    return {
      id: randomUUID(), streetId, externalId: `bench-${randomUUID()}`, source: 'grid_patrol', category,
      subcategory: null, urgency: 'normal', colour: 'red', status: 'reported', title: null,
      description: '占道经营 bench row', location: { lng: 106.53 + (i % 100) * 1e-4, lat: 29.55 }, address: null,
      reporter: null, photos: [], gridId: `G${i % 60}`, microGridId: null, communityId: `C${i % 6}`, outsideArea: false,
      reportedAt: at, receivedAt: at, updatedAt: at, acceptedAt: null, dispatchedAt: null, onSiteAt: null, handledAt: null,
      closedAt: null, dueAt: dueAtFor(category, 'normal', at), slaProfile: slaProfileFor(category, 'normal'), assignee: null,
      escalations: [], evaluation: null, simulated: false, version: 1,
    };
  });
}

/** Rows/s of store.insertIncidents in batches of batchSize, one batch at a time. */
export async function measureInsert(store: Store, rows: NewIncident[], batchSize: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < rows.length; i += batchSize) await store.insertIncidents(rows.slice(i, i + batchSize));
  return rows.length / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 20_000);
  const results: { store: string; batch: number; rowsPerS: number }[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'grid141-bench-'));
  try {
    const store = await openStore({ streetId: 'bench', databaseUrl: null, dataDir: dir });
    for (const batch of [100, 1000]) results.push({ store: 'embedded', batch, rowsPerS: await measureInsert(store, syntheticIncidents(total, 'bench'), batch) });
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const schema = `grid141_bench_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    const store = await openStore({ streetId: 'bench', databaseUrl: url, dataDir: null, schema });
    try {
      for (const batch of [100, 1000]) results.push({ store: 'postgres', batch, rowsPerS: await measureInsert(store, syntheticIncidents(total, 'bench'), batch) });
    } finally {
      await store.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
  }
  for (const r of results) process.stdout.write(`${r.store.padEnd(9)} batch ${String(r.batch).padStart(5)}  ${Math.round(r.rowsPerS).toLocaleString('en')} rows/s\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
