// The live feed end to end: a real server process, real socket.io-client walls, incidents
// POSTed through the public API (contract.md, Live feed).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { throwawayDatabase } from '../helpers/pg.ts';
import { io, type Socket } from 'socket.io-client';
import { pointOnFeature } from '@turf/turf';
import type { Feature, FeatureCollection, Polygon } from 'geojson';
import {
  applyDelta, LIVE_NAMESPACE, type Alert, type ClientToServerEvents, type Delta, type Incident, type LiveAuth,
  type ServerInfoPayload, type ServerToClientEvents, type SnapshotPayload, type Summary,
} from '@grid141/shared';
import { REPO_ROOT, startTestServer, stopAllServers, type TestServer } from '../helpers/server.ts';

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

interface Wall {
  socket: LiveSocket;
  server: ServerInfoPayload[];
  snapshots: SnapshotPayload[];
  deltas: (Delta & { receivedAt: number })[];
  incidents: { items: Incident[]; receivedAt: number }[];
  alerts: Alert[];
  /** The summary as the wall holds it: last snapshot plus every delta since. */
  state: Summary | null;
  seq: number | null;
  close(): void;
}

let server: TestServer;
const walls: Wall[] = [];
const grids = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'data/streets/shiyoulu/grids.geojson'), 'utf8')) as FeatureCollection<Polygon>;
const inside = grids.features.slice(0, 5).map((grid: Feature<Polygon>) => {
  const [lng, lat] = pointOnFeature(grid).geometry.coordinates as [number, number];
  return { lng, lat };
});
let serial = 0;

function wall(auth: LiveAuth): Wall {
  const socket: LiveSocket = io(`${server.url}${LIVE_NAMESPACE}`, { auth, transports: ['websocket'], forceNew: true, reconnection: false });
  const w: Wall = {
    socket, server: [], snapshots: [], deltas: [], incidents: [], alerts: [], state: null, seq: null,
    close: () => socket.close(),
  };
  socket.on('server', (info) => w.server.push(info));
  socket.on('snapshot', (snapshot) => {
    w.snapshots.push(snapshot);
    w.state = snapshot.summary;
    w.seq = snapshot.seq;
  });
  socket.on('delta', (delta) => {
    w.deltas.push({ ...delta, receivedAt: Date.now() });
    if (delta.changes.length === 0) return;
    // A wall applies only the delta right after what it holds; anything else is a gap.
    if (w.state && w.seq !== null && delta.seq === w.seq + 1) {
      w.state = applyDelta(w.state, delta);
      w.seq = delta.seq;
    } else {
      w.seq = Number.NaN;
    }
  });
  socket.on('incidents', (payload) => w.incidents.push({ ...payload, receivedAt: Date.now() }));
  socket.on('alert', (alert) => w.alerts.push(alert));
  walls.push(w);
  return w;
}

async function connected(w: Wall): Promise<Wall> {
  await new Promise<void>((resolve, reject) => {
    if (w.socket.connected) return resolve();
    w.socket.once('connect', () => resolve());
    w.socket.once('connect_error', reject);
  });
  return w;
}

function incidentBody(over: Record<string, unknown> = {}) {
  serial += 1;
  return {
    externalId: `live-${process.pid}-${serial}`,
    source: 'grid_patrol',
    category: 'city_mgmt',
    description: `live feed test ${serial}`,
    location: inside[serial % inside.length],
    ...over,
  };
}

async function post(items: Record<string, unknown>[]): Promise<string[]> {
  const res = await fetch(`${server.url}/api/v1/incidents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': server.credentials.ingestKey },
    body: JSON.stringify(items.length === 1 ? items[0] : { items }),
  });
  const body = (await res.json()) as { id?: string; results?: { id?: string }[] };
  expect(res.status, JSON.stringify(body)).toBeLessThan(300);
  const ids = body.results ? body.results.map((r) => r.id) : [body.id];
  return ids.filter((id): id is string => typeof id === 'string');
}

async function summary(): Promise<Summary> {
  const res = await server.get('/api/v1/summary');
  expect(res.status).toBe(200);
  return (await res.json()) as Summary;
}

/** The figures without the stamps that differ by who serves them (the feed numbers its own seq). */
const figures = (s: Summary | null) => {
  if (!s) return null;
  const { at: _at, seq: _seq, ...rest } = s;
  return rest;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  for (const w of walls) w.close();
  await stopAllServers();
});

describe('live feed', () => {
  it('refuses a missing or wrong token', async () => {
    for (const auth of [{}, { token: 'not-the-token-at-all' }]) {
      const w = wall(auth);
      const error = await new Promise<Error>((resolve) => w.socket.once('connect_error', resolve));
      expect(error.message).toBe('unauthorized');
      expect(w.snapshots).toEqual([]);
      w.close();
    }
  });

  it('sends server info and a snapshot equal to GET /api/v1/summary on connect', async () => {
    const w = await connected(wall({ token: server.credentials.viewerToken }));
    await expect.poll(() => w.snapshots.length).toBe(1);
    expect(w.server[0]).toMatchObject({ streetId: 'shiyoulu' });
    expect(typeof w.server[0]?.version).toBe('string');
    expect(figures(w.snapshots[0]!.summary)).toEqual(figures(await summary()));
    expect(w.snapshots[0]!.summary.seq).toBe(w.snapshots[0]!.seq);
    w.close();
  });

  it('pushes posted incidents in batches and deltas that rebuild the server summary', async () => {
    const w = await connected(wall({ token: server.credentials.viewerToken }));
    await expect.poll(() => w.snapshots.length).toBe(1);
    const before = w.snapshots[0]!.summary.incidents.today.total;
    const ids = await post(Array.from({ length: 30 }, () => incidentBody()));
    expect(ids).toHaveLength(30);
    await expect.poll(() => new Set(w.incidents.flatMap((m) => m.items.map((i) => i.id))), { timeout: 20_000 }).toEqual(new Set(ids));
    // One POST of 30 is one commit: its incidents come in one message, not thirty.
    expect(w.incidents.length).toBeLessThanOrEqual(2);
    expect(w.incidents[0]!.items[0]).toHaveProperty('overdue', false);
    await expect.poll(() => w.state?.incidents.today.total, { timeout: 20_000 }).toBe(before + 30);
    await sleep(700);
    expect(Number.isNaN(w.seq)).toBe(false);
    // The wall's figures come to equal the server's (a hang guard, not a time target).
    await expect.poll(async () => JSON.stringify(figures(w.state)) === JSON.stringify(figures(await summary())), { timeout: 20_000 }).toBe(true);
    w.close();
  });

  it('sends at most one delta per 500 ms under a stream of posts', async () => {
    const w = await connected(wall({ token: server.credentials.viewerToken }));
    await expect.poll(() => w.snapshots.length).toBe(1);
    const start = Date.now();
    while (Date.now() - start < 3_000) {
      await post([incidentBody()]);
      await sleep(40);
    }
    await sleep(700);
    const real = w.deltas.filter((d) => d.changes.length > 0);
    // Posts kept coming for 3 s: more than one delta, never two within 500 ms (a slow machine posts fewer).
    expect(real.length).toBeGreaterThanOrEqual(2);
    const sent = real.map((d) => Date.parse(d.at));
    for (let i = 1; i < sent.length; i += 1) expect(sent[i]! - sent[i - 1]!).toBeGreaterThanOrEqual(500);
    expect(real.map((d) => d.seq)).toEqual(real.map((_, i) => real[0]!.seq + i));
    // The wall's figures come to equal the server's (a hang guard, not a time target).
    await expect.poll(async () => JSON.stringify(figures(w.state)) === JSON.stringify(figures(await summary())), { timeout: 20_000 }).toBe(true);
    w.close();
  });

  it('resumes with since: only the missed deltas while buffered, a snapshot when too old', async () => {
    const first = await connected(wall({ token: server.credentials.viewerToken }));
    await expect.poll(() => first.snapshots.length).toBe(1);
    const held = first.state!;
    const since = first.seq!;
    first.close();

    const watcher = await connected(wall({ token: server.credentials.viewerToken }));
    await post(Array.from({ length: 3 }, () => incidentBody()));
    await sleep(600);
    await post(Array.from({ length: 3 }, () => incidentBody()));
    await expect.poll(() => watcher.deltas.filter((d) => d.changes.length > 0).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    await sleep(700);

    const back = wall({ token: server.credentials.viewerToken, since });
    back.state = held;
    back.seq = since;
    await connected(back);
    await expect.poll(() => back.seq, { timeout: 20_000 }).toBe(watcher.seq);
    expect(back.snapshots).toEqual([]);
    expect(back.deltas[0]!.seq).toBe(since + 1);
    // The wall's figures come to equal the server's (a hang guard, not a time target).
    await expect.poll(async () => JSON.stringify(figures(back.state)) === JSON.stringify(figures(await summary())), { timeout: 20_000 }).toBe(true);

    // The resume event does the same on a live socket: up to date answers with a heartbeat.
    back.socket.emit('resume', { since: back.seq! });
    await expect.poll(() => back.deltas.at(-1)?.changes.length).toBe(0);
    expect(back.deltas.at(-1)!.seq).toBe(back.seq);

    const stale = await connected(wall({ token: server.credentials.viewerToken, since: 1 }));
    await expect.poll(() => stale.snapshots.length).toBe(1);
    expect(stale.snapshots[0]!.seq).toBe(watcher.seq);
    for (const w of [watcher, back, stale]) w.close();
  });

  it('alerts a critical incident once with a stable id', async () => {
    const w = await connected(wall({ token: server.credentials.viewerToken }));
    const [id] = await post([incidentBody({ category: 'emergency', urgency: 'critical', description: 'fire in stairwell' })]);
    await expect.poll(() => w.alerts.length, { timeout: 20_000 }).toBe(1);
    expect(w.alerts[0]).toMatchObject({ id: `critical-incident:${id}`, kind: 'critical-incident', incidentId: id, code: 'emergency' });
    expect(w.alerts[0]!.gridId).toBeTruthy();
    await post([incidentBody({ category: 'city_mgmt', urgency: 'normal' })]);
    await sleep(500);
    expect(w.alerts).toHaveLength(1);
    w.close();
  });

  it('keeps delivering deltas to a reading wall while another has stopped reading', async () => {
    const stalled = await connected(wall({ token: server.credentials.viewerToken }));
    const reader = await connected(wall({ token: server.credentials.viewerToken }));
    await expect.poll(() => reader.snapshots.length).toBe(1);
    const raw = (stalled.socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } }).ws._socket;
    raw.pause();
    const lags: number[] = [];
    for (let round = 0; round < 6; round += 1) {
      const total = reader.state!.incidents.today.total;
      const t0 = Date.now();
      // Large descriptions so the stalled wall's backlog really grows.
      await post(Array.from({ length: 50 }, () => incidentBody({ description: 'x'.repeat(3_900) })));
      // Never waiting on the stalled wall: a wall held up by it would not get these at all. The
      // 20 s are a hang guard for a loaded machine; how fast a delta arrives is the bench's to say.
      await expect.poll(() => reader.state?.incidents.today.total, { timeout: 20_000 }).toBe(total + 50);
      lags.push(Date.now() - t0);
      await sleep(200);
    }
    console.log(`deltas to the reading wall beside a stalled one: ${lags.join(', ')} ms`);
    expect(Number.isNaN(reader.seq)).toBe(false);
    stalled.close();
    reader.close();
  });

  it('sends a heartbeat (same seq, no changes) when nothing changed for 5 s', async () => {
    const w = await connected(wall({ token: server.credentials.viewerToken }));
    await expect.poll(() => w.snapshots.length).toBe(1);
    await expect.poll(() => w.deltas.length, { timeout: 20_000, interval: 200 }).toBeGreaterThan(0);
    const beat = w.deltas.find((d) => d.changes.length === 0);
    expect(beat?.seq).toBe(w.snapshots[0]!.seq);
    w.close();
  });
});

// Two instances behind one Redis: a wall on B sees what was posted to A. The instances share
// PostgreSQL when TEST_DATABASE_URL is set (the real deployment), else each has its own store.
const redisUrl = process.env.TEST_REDIS_URL?.trim();
describe.skipIf(!redisUrl)('live feed across instances (REDIS_URL)', () => {
  it('fans incidents and alerts out to walls on the other instance', { timeout: 300_000 }, async () => {
    // One database of their own (integration files run two at a time).
    const shared = process.env.TEST_DATABASE_URL?.trim() ? await throwawayDatabase('live_redis') : null;
    if (shared) onTestFinished(() => shared.drop());
    const env = { REDIS_URL: redisUrl!, ...(shared ? { DATABASE_URL: shared.url } : {}) };
    const a = await startTestServer({ env });
    const bEnv = { env: { ...env, INGEST_API_KEY: a.credentials.ingestKey, VIEWER_TOKEN: a.credentials.viewerToken } };
    const b = await startTestServer(bEnv);
    try {
      const socket: LiveSocket = io(`${b.url}${LIVE_NAMESPACE}`, { auth: { token: a.credentials.viewerToken }, transports: ['websocket'], forceNew: true, reconnection: false });
      const seen: Incident[] = [];
      const alerts: Alert[] = [];
      socket.on('incidents', ({ items }) => seen.push(...items));
      socket.on('alert', (alert) => alerts.push(alert));
      await new Promise<void>((resolve, reject) => {
        socket.once('snapshot', () => resolve());
        socket.once('connect_error', reject);
      });
      serial += 1;
      const res = await fetch(`${a.url}/api/v1/incidents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': a.credentials.ingestKey },
        body: JSON.stringify(incidentBody({ category: 'emergency', urgency: 'critical' })),
      });
      expect(res.status).toBe(201);
      const { id } = (await res.json()) as { id: string };
      await expect.poll(() => seen.map((i) => i.id), { timeout: 20_000 }).toContain(id);
      await expect.poll(() => alerts.map((x) => x.id), { timeout: 20_000 }).toContain(`critical-incident:${id}`);
      socket.close();
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
