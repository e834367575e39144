// A running server takes a new grid map without a restart: a real server on a copy of the demo
// street, a real socket.io wall, a changed map brought in by `npm run import -- --kind grids`
// (the CLI writes the files and asks the server, which holds the embedded store), by the admin's
// upload, and (with PostgreSQL) by the CLI of another DATA_DIR through NOTIFY. Each time the next
// posted record is placed on the new grid, the stored ones were placed again, the geo layers and
// /api/v1/street serve the new map, and the wall is told.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as turf from '@turf/turf';
import { io, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { LIVE_NAMESPACE, type ClientToServerEvents, type MapPayload, type ServerInfoPayload, type ServerToClientEvents } from '@grid141/shared';
import { SERVER_VARIABLES, testDatabaseUrl } from '../helpers/env.ts';
import { throwawayDatabase } from '../helpers/pg.ts';
import { makeTempDir, REPO_ROOT, startTestServer, stopAllServers, type TestServer } from '../helpers/server.ts';
import { signIn } from '../helpers/session.ts';
import { importGrids } from '../../server/src/import/grids.ts';

const STREET = 'shiyoulu';
const CLI = path.join(REPO_ROOT, 'server', 'src', 'import', 'cli.ts');
type Feature = { type: 'Feature'; geometry: { type: string; coordinates: unknown }; properties: Record<string, unknown> };

afterAll(async () => {
  await stopAllServers();
});

function copyStreet(): string {
  const streetsDir = path.join(makeTempDir('grid141-map-reload-'), 'streets');
  cpSync(path.join(REPO_ROOT, 'data', 'streets', STREET), path.join(streetsDir, STREET), { recursive: true });
  return streetsDir;
}

/** The street's grids as a grid file, with grid `index` given the id `newId` (same area, same community). */
function renamedMap(streetsDir: string, index: number, newId: string): { file: string; oldId: string; at: { lng: number; lat: number } } {
  const grids = JSON.parse(readFileSync(path.join(streetsDir, STREET, 'grids.geojson'), 'utf8')) as { features: Feature[] };
  const features = grids.features.map((g) => ({ type: 'Feature', geometry: g.geometry, properties: { id: g.properties.id, name: g.properties.name, communityId: g.properties.communityId } }));
  const target = features[index] as Feature;
  const oldId = String(target.properties.id);
  target.properties.id = newId;
  const [lng, lat] = turf.pointOnFeature(target as never).geometry.coordinates as [number, number];
  const file = path.join(path.dirname(streetsDir), `${newId}.geojson`);
  writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }));
  return { file, oldId, at: { lng, lat } };
}

interface Wall {
  socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  server: ServerInfoPayload[];
  maps: MapPayload[];
}

async function wall(server: TestServer): Promise<Wall> {
  const socket: Wall['socket'] = io(`${server.url}${LIVE_NAMESPACE}`, { auth: { token: server.credentials.viewerToken }, transports: ['websocket'], forceNew: true, reconnection: false });
  const w: Wall = { socket, server: [], maps: [] };
  socket.on('server', (info) => w.server.push(info));
  socket.on('map', (payload) => w.maps.push(payload));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const deadline = Date.now() + 10_000;
  while (w.server.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return w;
}

async function until<T>(what: string, read: () => Promise<T> | T, ok: (value: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!ok(value)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)?.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

async function postIncident(server: TestServer, at: { lng: number; lat: number }): Promise<{ id: string; gridId: string | null }> {
  const res = await fetch(`${server.url}/api/v1/incidents`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': server.credentials.ingestKey },
    body: JSON.stringify({ externalId: `map-${randomUUID()}`, source: 'grid_patrol', category: 'city_mgmt', description: '占道经营', location: at }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; gridId: string | null };
}

async function gridOf(server: TestServer, id: string): Promise<string | null> {
  const res = await server.get(`/api/v1/incidents/${id}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { gridId: string | null }).gridId;
}

async function servedGridIds(server: TestServer): Promise<string[]> {
  const res = await server.get('/api/v1/geo/grids.geojson');
  return ((await res.json()) as { features: Feature[] }).features.map((f) => String(f.properties.id));
}

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !(SERVER_VARIABLES as readonly string[]).includes(key)) clean[key] = value;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, env: { ...clean, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** What every way of bringing a map in must lead to, once it said it was done. */
async function expectNewMap(server: TestServer, w: Wall, before: { id: string }, change: { oldId: string; newId: string; at: { lng: number; lat: number } }, mapsSeen: number) {
  // The wall is told, with the version the server now names on connect and in /api/v1/street.
  const maps = await until('the wall is told of the new map', () => w.maps.length, (n) => n > mapsSeen, 30_000);
  expect(maps).toBe(mapsSeen + 1);
  const told = w.maps[mapsSeen] as MapPayload;
  expect(told.version).not.toBe(w.server[0]?.map);
  const street = (await (await server.get('/api/v1/street')).json()) as { mapVersion: string };
  expect(street.mapVersion).toBe(told.version);
  // The next record is placed on the new grid; the one stored before was placed again.
  const next = await postIncident(server, change.at);
  expect(next.gridId).toBe(change.newId);
  expect(await gridOf(server, before.id)).toBe(change.newId);
  // The walls' layers are the new map's.
  const ids = await servedGridIds(server);
  expect(ids).toContain(change.newId);
  expect(ids).not.toContain(change.oldId);
  const late = await wall(server);
  expect(late.server[0]?.map).toBe(told.version);
  late.socket.close();
}

describe('a running server takes a new grid map', () => {
  it('from the CLI while the server holds the embedded store, and from the admin upload', async () => {
    const streetsDir = copyStreet();
    const server = await startTestServer({ env: { STREETS_DIR: streetsDir } });
    const w = await wall(server);
    expect(w.server[0]?.map).toMatch(/^[0-9a-f]{16}$/);

    // The CLI: the server holds DATA_DIR, so the CLI writes the map's files and asks the server.
    const first = renamedMap(streetsDir, 5, 'SYL-NEW-01');
    const before = await postIncident(server, first.at);
    expect(before.gridId).toBe(first.oldId);
    const run = await cli(['--kind', 'grids', first.file], { DATA_DIR: server.dataDir, STREETS_DIR: streetsDir, INGEST_API_KEY: server.credentials.ingestKey });
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('运行中的服务器已载入新地图');
    await expectNewMap(server, w, before, { ...first, newId: 'SYL-NEW-01' }, 0);
    const audit = await fetch(`${server.url}/api/v1/audit?kind=map.reloaded`, { headers: { cookie: await signIn(server.url, 'admin', server.credentials.adminPassword) } });
    expect(audit.status).toBe(200);
    expect(JSON.stringify(await audit.json())).toContain('"incidents":');

    // The admin page's upload of another map: taken up at once, in the server's own process.
    const second = renamedMap(streetsDir, 40, 'SYL-NEW-02');
    const stored = await postIncident(server, second.at);
    const cookie = await signIn(server.url, 'admin', server.credentials.adminPassword);
    const body = new FormData();
    body.append('file', new Blob([readFileSync(second.file)]), '网格.geojson');
    const res = await fetch(`${server.url}/uploads/imports?kind=grids`, { method: 'POST', headers: { cookie }, body });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ kind: 'grids', file: '网格.geojson', dryRun: false, grids: 122 });
    await expectNewMap(server, w, stored, { ...second, newId: 'SYL-NEW-02' }, 1);

    // Asked again with nothing changed on disk: nothing is done and no wall is told.
    const again = await fetch(`${server.url}/api/v1/admin/map/reload`, { method: 'POST', headers: { 'x-api-key': server.credentials.ingestKey } });
    expect(await again.json()).toMatchObject({ changed: false });
    await new Promise((r) => setTimeout(r, 300));
    expect(w.maps).toHaveLength(2);
    w.socket.close();
    await server.stop();
  });

  it('at start, when the map changed while no server ran: every stored record placed again', async () => {
    const streetsDir = copyStreet();
    const first = await startTestServer({ env: { STREETS_DIR: streetsDir } });
    const change = renamedMap(streetsDir, 12, 'SYL-NEW-START');
    const before = await postIncident(first, change.at);
    expect(before.gridId).toBe(change.oldId);
    await first.stop();
    // The files replaced with no server and no store (as when the CLI could not reach its server).
    await importGrids({ file: change.file, streetsDir, streetId: STREET });
    const again = await startTestServer({ env: { STREETS_DIR: streetsDir }, dataDir: first.dataDir, credentials: first.credentials });
    expect(await gridOf(again, before.id)).toBe('SYL-NEW-START');
    const cookie = await signIn(again.url, 'admin', again.credentials.adminPassword);
    const audit = (await (await fetch(`${again.url}/api/v1/audit?kind=map.reloaded`, { headers: { cookie } })).json()) as { items: { actor: string; detail: Record<string, unknown> }[] };
    expect(audit.items[0]).toMatchObject({ actor: 'server', detail: { reason: 'start', incidents: 1 } });
    // A third start on the same map places nothing again.
    await again.stop();
    const third = await startTestServer({ env: { STREETS_DIR: streetsDir }, dataDir: first.dataDir, credentials: first.credentials });
    const later = (await (await fetch(`${third.url}/api/v1/audit?kind=map.reloaded`, { headers: { cookie: await signIn(third.url, 'admin', third.credentials.adminPassword) } })).json()) as { items: unknown[] };
    expect(later.items).toHaveLength(1);
    await third.stop();
  });

  it.skipIf(!testDatabaseUrl())('on PostgreSQL, from the CLI of another DATA_DIR (NOTIFY)', async () => {
    const db = await throwawayDatabase('map');
    try {
      const streetsDir = copyStreet();
      const server = await startTestServer({ env: { STREETS_DIR: streetsDir, DATABASE_URL: db.url } });
      const w = await wall(server);
      const change = renamedMap(streetsDir, 7, 'SYL-NEW-PG');
      const before = await postIncident(server, change.at);
      // Another DATA_DIR: no lock leads to the server, only the database's notification does.
      const run = await cli(['--kind', 'grids', change.file], { DATA_DIR: makeTempDir(), STREETS_DIR: streetsDir, DATABASE_URL: db.url });
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toContain('已通知同一数据库上的其他服务器');
      await expectNewMap(server, w, before, { ...change, newId: 'SYL-NEW-PG' }, 0);
      w.socket.close();
      await server.stop();
    } finally {
      await db.drop();
    }
  });
});
