// The hub inside a real server (store, ingest, record bus, figures engine, Socket.IO), with
// the figures' and hub's clock moved forward so an incident goes overdue without waiting.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { LIVE_NAMESPACE, type Alert, type ClientToServerEvents, type ServerToClientEvents } from '@grid141/shared';
import { loadConfig, REPO_ROOT } from '../config.ts';
import { createLogger } from '../logger.ts';
import { startServer, type Plugin, type RunningServer } from '../app.ts';
import { storePlugin } from '../store/plugin.ts';
import { duplicatesPlugin } from '../duplicates/plugin.ts';
import { ingestRoutes } from '../ingest/routes.ts';
import { deskTargetsPlugin } from '../desk/plugin.ts';
import { createFiguresEngine, type FiguresEngine } from '../figures/engine.ts';
import { livePlugin } from './plugin.ts';
import { lookupThrough } from './source.ts';

const KEY = 'ingest-key-for-hub-test';
const TOKEN = 'viewer-token-for-hub-test';
let offset = 0;
const clock = () => Date.now() + offset;
let server: RunningServer;
let engine: FiguresEngine;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grid141-hub-'));
  const config = loadConfig({ PORT: '0', DATA_DIR: dir, INGEST_API_KEY: KEY, VIEWER_TOKEN: TOKEN, ADMIN_PASSWORD: 'admin-password', LOG_LEVEL: 'silent' });
  const figures: Plugin = async (ctx) => {
    engine = createFiguresEngine({ streetId: ctx.street.meta.id, tz: ctx.config.timeZone, store: ctx.use('store'), bus: ctx.use('bus'), logger: ctx.logger, clock });
    await engine.rebuild();
    engine.start();
    ctx.onClose(() => engine.stop());
  };
  const live = livePlugin((ctx) => {
    const store = ctx.use('store');
    return { source: engine, bus: ctx.use('bus'), lookup: lookupThrough((id) => store.getIncident(id)) };
  });
  server = await startServer(config, createLogger('silent'), {
    plugins: [storePlugin, deskTargetsPlugin, duplicatesPlugin, ingestRoutes, figures, live],
    clientDir: path.join(REPO_ROOT, 'client', 'dist'),
  });
}, 180_000);

afterAll(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function post(body: unknown): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/incidents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': KEY },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

const at = { lng: 106.526, lat: 29.558 };

describe('live hub in a server', () => {
  it('alerts once when an incident goes overdue while the server runs', async () => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(`${server.url}${LIVE_NAMESPACE}`, {
      auth: { token: TOKEN }, transports: ['websocket'], forceNew: true, reconnection: false,
    });
    const alerts: Alert[] = [];
    socket.on('alert', (alert) => alerts.push(alert));
    await new Promise((resolve) => socket.once('snapshot', resolve));

    const dueAt = new Date(clock() + 30_000).toISOString();
    const id = await post({ externalId: 'due-soon', source: 'grid_patrol', category: 'city_mgmt', description: 'due soon', location: at, dueAt });
    // Two minutes later by the figures' clock; the next record makes the engine notice.
    offset = 120_000;
    await post({ externalId: 'later', source: 'grid_patrol', category: 'city_mgmt', description: 'later', location: at });
    await expect.poll(() => alerts.filter((a) => a.kind === 'overdue'), { timeout: 5_000 }).toHaveLength(1);
    expect(alerts.find((a) => a.kind === 'overdue')).toMatchObject({ id: `overdue:${id}`, incidentId: id, code: 'city_mgmt' });
    expect(engine.summary().incidents.today.overdue).toBe(1);
    await post({ externalId: 'later-2', source: 'grid_patrol', category: 'city_mgmt', description: 'later', location: at });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(alerts.filter((a) => a.kind === 'overdue')).toHaveLength(1);
    socket.close();
  });
});
