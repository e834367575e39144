// SIGKILL the server in the middle of a stream of batches, restart it on the same DATA_DIR:
// every record that got a 2xx is there, and replaying the whole stream doubles nothing.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, makeTempDir, startTestServer, stopAllServers, type TestServer } from '../helpers/server.ts';
import { storeKinds } from '../helpers/env.ts';
import { throwawayDatabase } from '../helpers/pg.ts';

const pois = JSON.parse(readFileSync(path.join(REPO_ROOT, 'data', 'streets', 'shiyoulu', 'pois.geojson'), 'utf8')) as {
  features: { geometry: { coordinates: [number, number] } }[];
};
const BATCH = 100;
const BATCHES = 30;

function makeBatches(): Record<string, unknown>[][] {
  const run = randomUUID().slice(0, 8);
  return Array.from({ length: BATCHES }, (_, b) =>
    Array.from({ length: BATCH }, (_, i) => {
      const [lng, lat] = pois.features[(b * BATCH + i) % pois.features.length]?.geometry.coordinates as [number, number];
      return { externalId: `kill-${run}-${b}-${i}`, source: 'iot', category: 'safety_hazard', description: `batch ${b} item ${i}`, location: { lng, lat } };
    }),
  );
}

async function post(server: TestServer, items: unknown[]): Promise<Response> {
  return fetch(`${server.url}/api/v1/incidents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': server.credentials.ingestKey },
    body: JSON.stringify({ items }),
  });
}

async function allIds(server: TestServer): Promise<Map<string, string>> {
  const byExternal = new Map<string, string>();
  let cursor: string | null = null;
  do {
    const res = await server.get(`/api/v1/incidents?source=iot&limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: { id: string; externalId: string }[]; nextCursor: string | null };
    for (const item of page.items) {
      expect(byExternal.has(item.externalId), `${item.externalId} listed twice`).toBe(false);
      byExternal.set(item.externalId, item.id);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return byExternal;
}

afterAll(async () => {
  await stopAllServers();
});

describe.each(storeKinds())('kill and restart (%s store)', (kind) => {
  it('keeps every acknowledged record and replays idempotently', { timeout: 480_000 }, async () => {
    const env: Record<string, string> = {};
    let drop: (() => Promise<void>) | null = null;
    if (kind === 'postgres') {
      const db = await throwawayDatabase('kill');
      env.DATABASE_URL = db.url;
      drop = db.drop;
    }
    try {
      const dataDir = makeTempDir();
      const first = await startTestServer({ dataDir, env, startTimeoutMs: 150_000 });
      const batches = makeBatches();
      const acked = new Map<string, string>();
      let inFlightAtKill = 0;
      let killed: Promise<unknown> | null = null;
      // Two streams of batches at once, killed once a third of the batches are acknowledged.
      let next = 0;
      const stream = async () => {
        while (next < batches.length && !killed) {
          const batch = batches[next++] as { externalId: string }[];
          try {
            const res = await post(first, batch);
            if (res.ok) {
              const body = (await res.json()) as { results: { status: number; id: string }[] };
              body.results.forEach((r, i) => acked.set((batch[i] as { externalId: string }).externalId, r.id));
            }
          } catch {
            inFlightAtKill += 1; // the connection died with the server
          }
          if (!killed && acked.size >= (BATCHES / 3) * BATCH) killed = first.kill();
        }
      };
      await Promise.all([stream(), stream()]);
      const exit = await killed;
      expect(exit).toMatchObject({ signal: 'SIGKILL' });
      expect(acked.size).toBeGreaterThanOrEqual((BATCHES / 3) * BATCH);
      expect(acked.size).toBeLessThan(BATCHES * BATCH);

      const second = await startTestServer({ dataDir, env, startTimeoutMs: 150_000 });
      const stored = await allIds(second);
      for (const [externalId, id] of acked) expect(stored.get(externalId), externalId).toBe(id);
      // A sample by id too, with history.
      for (const id of [...acked.values()].slice(0, 20)) expect((await second.get(`/api/v1/incidents/${id}`)).status).toBe(200);

      // Replay the whole stream: acknowledged ones answer 200 with their old id, nothing doubles.
      for (const batch of batches) {
        const res = await post(second, batch);
        expect([200, 201]).toContain(res.status);
        const body = (await res.json()) as { results: { status: number; id: string }[] };
        body.results.forEach((r, i) => {
          const prior = acked.get((batch[i] as { externalId: string }).externalId);
          if (prior) expect(r).toMatchObject({ status: 200, id: prior });
        });
      }
      const after = await allIds(second);
      expect(after.size).toBe(BATCHES * BATCH);
      await second.stop();
      expect(inFlightAtKill).toBeGreaterThanOrEqual(0);
    } finally {
      await drop?.();
    }
  });
});
