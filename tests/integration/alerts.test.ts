// Alerts that still stand reach a wall that connects after they fired: a real server process,
// real socket.io-client walls, records POSTed and moved through the public API, one restart.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { pointOnFeature } from '@turf/turf';
import type { FeatureCollection, Polygon } from 'geojson';
import { LIVE_NAMESPACE, type Alert, type ClientToServerEvents, type ServerToClientEvents } from '@grid141/shared';
import { REPO_ROOT, startTestServer, stopAllServers, type TestServer } from '../helpers/server.ts';
import { signIn } from '../helpers/session.ts';

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const CAP = 50;
const grids = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'data/streets/shiyoulu/grids.geojson'), 'utf8')) as FeatureCollection<Polygon>;
const [lng, lat] = pointOnFeature(grids.features[0]!).geometry.coordinates as [number, number];
const location = { lng, lat };
let server: TestServer;
const sockets: LiveSocket[] = [];
let serial = 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A wall that connects now; resolves once its snapshot and whatever followed it at once are in. */
async function connectWall(): Promise<{ socket: LiveSocket; alerts: Alert[] }> {
  const socket: LiveSocket = io(`${server.url}${LIVE_NAMESPACE}`, {
    auth: { token: server.credentials.viewerToken }, transports: ['websocket'], forceNew: true, reconnection: false,
  });
  sockets.push(socket);
  const alerts: Alert[] = [];
  socket.on('alert', (alert) => alerts.push(alert));
  await new Promise<void>((resolve, reject) => {
    socket.once('snapshot', () => resolve());
    socket.once('connect_error', reject);
  });
  // The replay is written right after the snapshot; give the socket a moment to deliver it.
  await sleep(300);
  return { socket, alerts };
}

let adminCookie: string | null = null;

/** Records with the ingest key; lifecycle moves as the signed-in admin (a key may not move incidents). */
async function postJson(pathname: string, body: unknown): Promise<Record<string, unknown>> {
  const person = pathname.includes('/transitions');
  if (person) adminCookie ??= await signIn(server.url, 'admin', server.credentials.adminPassword);
  const res = await fetch(`${server.url}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': server.credentials.ingestKey, ...(person && adminCookie ? { cookie: adminCookie } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  expect(res.status, JSON.stringify(json)).toBeLessThan(300);
  return json;
}

function critical() {
  serial += 1;
  return { externalId: `alerts-${process.pid}-${serial}`, source: 'grid_patrol', category: 'emergency', urgency: 'critical', description: `fire ${serial}`, location };
}

const replayed = (alerts: Alert[]) => alerts.filter((a) => a.replay === true).map((a) => a.id);

beforeAll(async () => {
  server = await startTestServer();
}, 120_000);

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await stopAllServers();
});

describe('standing alerts replayed on connect', () => {
  let closedId = '';

  it('replays an open critical incident to a wall that connects later, until it is closed', async () => {
    const early = await connectWall();
    const { id } = (await postJson('/api/v1/incidents', critical())) as { id: string };
    closedId = id;
    await expect.poll(() => early.alerts.map((a) => a.id), { timeout: 5_000 }).toContain(`critical-incident:${id}`);
    expect(early.alerts.find((a) => a.id === `critical-incident:${id}`)?.replay).toBeUndefined();

    const late = await connectWall();
    expect(replayed(late.alerts)).toEqual([`critical-incident:${id}`]);
    expect(late.alerts[0]).toMatchObject({ kind: 'critical-incident', incidentId: id, code: 'emergency', replay: true });
    expect(late.alerts[0]!.at).toBe(early.alerts.find((a) => a.id === `critical-incident:${id}`)!.at);
    // The replay went to the new wall only.
    expect(early.alerts.filter((a) => a.id === `critical-incident:${id}`)).toHaveLength(1);

    await postJson(`/api/v1/incidents/${id}/transitions`, { to: 'accepted' });
    expect(replayed((await connectWall()).alerts)).toEqual([`critical-incident:${id}`]);
    await postJson(`/api/v1/incidents/${id}/transitions`, { to: 'closed' });
    expect((await connectWall()).alerts).toEqual([]);
  });

  it('replays an alarming alarm until it is resolved; upkeep alarms never', async () => {
    const occurredAt = new Date().toISOString();
    serial += 1;
    const { id } = (await postJson('/api/v1/alarms', { externalId: `alarm-${process.pid}-${serial}`, occurredAt, device: 'smoke', type: 'smoke', location })) as { id: string };
    await postJson('/api/v1/alarms', { externalId: `alarm-${process.pid}-${serial}-b`, occurredAt, device: 'smoke', type: 'low_battery', location });
    expect(replayed((await connectWall()).alerts)).toEqual([`alarm:${id}`]);
    await postJson(`/api/v1/alarms/${id}/resolve`, { outcome: 'device_false' });
    expect((await connectWall()).alerts).toEqual([]);
  });

  it(`replays at most ${CAP}, the newest`, async () => {
    // Distinct report times, oldest first: the newest are the last posted, live and after a restart.
    const start = Date.now() - 120_000;
    const items = Array.from({ length: CAP + 10 }, (_, i) => ({ ...critical(), reportedAt: new Date(start + i * 1_000).toISOString() }));
    const { results } = (await postJson('/api/v1/incidents', { items })) as { results: { id: string }[] };
    const ids = results.map((r) => `critical-incident:${r.id}`);
    const late = await connectWall();
    const got = replayed(late.alerts);
    expect(got).toHaveLength(CAP);
    expect(new Set(got).size).toBe(CAP);
    expect(ids.slice(-CAP).every((id) => got.includes(id))).toBe(true);
  });

  it('rebuilds the standing alerts from the store after a restart', { timeout: 180_000 }, async () => {
    const before = replayed((await connectWall()).alerts);
    const { dataDir, credentials } = server;
    for (const socket of sockets.splice(0)) socket.close();
    await server.stop();
    server = await startTestServer({ dataDir, credentials, startTimeoutMs: 150_000 });
    const got = replayed((await connectWall()).alerts);
    expect(got).toHaveLength(CAP);
    expect(new Set(got)).toEqual(new Set(before));
    expect(got).not.toContain(`critical-incident:${closedId}`);
  });
});
