// Ingest: incidents/s through HTTP (batches of 100, several concurrent streams, a real server)
// into the embedded store and into PostgreSQL, next to the same rows written straight through
// the store driver in the same batch size and concurrency.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { incidentChecker } from '../server/src/ingest/incidents.ts';
import { createLocator } from '../server/src/street/locate.ts';
import { openStore } from '../server/src/store/index.ts';
import type { NewIncident } from '../server/src/store/types.ts';
import type { Bench, BenchContext } from './context.ts';
import { makeBodies, postIncidents, type IncidentBody } from './lib/incidents.ts';
import type { Row } from './lib/report.ts';
import { PG_BENCH_URL, resetBenchDatabase, startServer } from './lib/server.ts';
import { clock } from './lib/stats.ts';

const BATCH = 100;
const STREAMS = 4;

/** Runs `work` over the batches with `streams` workers; items per second over the whole. */
async function streamed<T>(batches: T[][], streams: number, work: (batch: T[]) => Promise<void>): Promise<number> {
  let next = 0;
  let items = 0;
  const started = clock();
  await Promise.all(Array.from({ length: streams }, async () => {
    while (next < batches.length) {
      const batch = batches[next++] as T[];
      await work(batch);
      items += batch.length;
    }
  }));
  return items / ((clock() - started) / 1000);
}

function chunk<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

async function viaHttp(ctx: BenchContext, bodies: IncidentBody[], env: Record<string, string>): Promise<{ rate: number; refused: number }> {
  const server = await startServer(env);
  try {
    // A first small batch warms up the route (JIT, pool) before timing.
    await postIncidents(server.url, server.credentials.ingestKey, bodies.slice(0, 10).map((b) => ({ ...b, externalId: `warm-${b.externalId}` })));
    let refused = 0;
    const rate = await streamed(chunk(bodies, BATCH), STREAMS, async (batch) => {
      const r = await postIncidents(server.url, server.credentials.ingestKey, batch);
      refused += r.statuses.filter((s) => s !== 201).length;
    });
    ctx.log(`  http ${env.DATABASE_URL ? 'postgres' : 'embedded'}: ${Math.round(rate)} incidents/s (${refused} not 201)`);
    return { rate, refused };
  } finally {
    await server.stop();
  }
}

async function direct(ctx: BenchContext, rows: NewIncident[], kind: 'embedded' | 'postgres'): Promise<number> {
  const dir = kind === 'embedded' ? mkdtempSync(path.join(os.tmpdir(), 'grid141-bench-direct-')) : null;
  const store = await openStore({ streetId: ctx.street.meta.id, databaseUrl: kind === 'postgres' ? PG_BENCH_URL : null, dataDir: dir, ...(kind === 'postgres' ? { schema: 'bench_direct' } : {}) });
  try {
    await store.insertIncidents(rows.slice(0, 10).map((r) => ({ ...r, id: randomUUID(), externalId: `warm-${r.externalId}` })));
    const rate = await streamed(chunk(rows, BATCH), STREAMS, async (batch) => { await store.insertIncidents(batch); });
    ctx.log(`  direct ${kind}: ${Math.round(rate)} rows/s`);
    return rate;
  } finally {
    await store.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

export const ingest: Bench = async (ctx) => {
  const count = ctx.quick ? 2_000 : 20_000;
  const stamp = Date.now();
  const bodiesFor = (tag: string) => makeBodies(ctx.street.meta, count, `ingest-${tag}-${stamp}`);
  // The direct rows are what the ingest route would write for the same bodies (validated and placed, untimed).
  const check = incidentChecker(ctx.street.meta.id, createLocator(ctx.street));
  const rowsFor = (bodies: IncidentBody[]) => bodies.map((b, i) => {
    const c = check(b, [i]);
    if (!c.ok) throw new Error(`bench body refused: ${JSON.stringify(c.errors)}`);
    return c.row;
  });
  const rows: Row[] = [];
  const details: Record<string, unknown> = { incidents: count, batch: BATCH, streams: STREAMS };
  const targets = { embedded: 10_000, postgres: 20_000 } as const;
  for (const kind of ['embedded', 'postgres'] as const) {
    if (kind === 'postgres' && !(await resetBenchDatabase())) {
      ctx.log('  PostgreSQL not reachable: skipped');
      details.postgres = 'skipped: PostgreSQL not reachable';
      continue;
    }
    const directRate = await direct(ctx, rowsFor(bodiesFor(`direct-${kind}`)), kind);
    const http = await viaHttp(ctx, bodiesFor(`http-${kind}`), kind === 'postgres' ? { DATABASE_URL: PG_BENCH_URL } : {});
    details[kind] = { httpPerS: http.rate, directPerS: directRate, refused: http.refused };
    rows.push({ bench: 'ingest', figure: `HTTP, ${kind}, batches of ${BATCH}`, unit: '/s', measured: http.rate, target: `≥ ${targets[kind].toLocaleString('en')} /s`, met: http.rate >= targets[kind], baseline: directRate, baselineLabel: 'store driver', ratio: http.rate / directRate, note: http.refused ? `${http.refused} items not 201` : undefined });
    rows.push({ bench: 'ingest', figure: `HTTP / direct, ${kind}`, unit: '%', measured: (100 * http.rate) / directRate, target: '≥ 40 %', met: http.rate / directRate >= 0.4, baseline: null, baselineLabel: null, ratio: null });
  }
  return { rows, details };
};
