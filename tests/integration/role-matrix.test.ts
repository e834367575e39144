// The role matrix: every principal against every API route, on HTTP and on the socket, from one
// table (RULES). The routes are read from the running server's router, so a route added without
// a rule here fails this test. Only who may ask is checked: an allowed principal gets anything
// but 401/403 (its empty body may well be a 400), a refused one exactly 401 or 403.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { LIVE_NAMESPACE } from '@grid141/shared';
import { loadConfig, REPO_ROOT } from '../../server/src/config.ts';
import { createLogger } from '../../server/src/logger.ts';
import { startServer, type RunningServer } from '../../server/src/app.ts';
import { plugins } from '../../server/src/plugins.ts';
import { signIn } from '../helpers/session.ts';

/** Who asks. */
const PRINCIPALS = [
  'nobody', 'forged cookie', 'signed-out cookie', 'revoked key', 'ingest key', 'api key', 'viewer token',
  'viewer', 'operator', 'leader', 'admin',
] as const;
type Principal = (typeof PRINCIPALS)[number];

/** What a route needs: `public`, a read (`viewer` token or any session), a record `key` (or an operator session), or a role. */
type Need = 'public' | 'viewer' | 'session' | 'key' | 'operator' | 'leader' | 'admin';

const OUTCOME: Record<Need, Record<Principal, 'allow' | 401 | 403>> = {
  public: Object.fromEntries(PRINCIPALS.map((p) => [p, 'allow'])) as Record<Principal, 'allow'>,
  viewer: {
    nobody: 401, 'forged cookie': 401, 'signed-out cookie': 401, 'revoked key': 401, 'ingest key': 401, 'api key': 401,
    'viewer token': 'allow', viewer: 'allow', operator: 'allow', leader: 'allow', admin: 'allow',
  },
  session: {
    nobody: 401, 'forged cookie': 401, 'signed-out cookie': 401, 'revoked key': 401, 'ingest key': 401, 'api key': 401,
    'viewer token': 401, viewer: 'allow', operator: 'allow', leader: 'allow', admin: 'allow',
  },
  key: {
    nobody: 401, 'forged cookie': 401, 'signed-out cookie': 401, 'revoked key': 401, 'ingest key': 'allow', 'api key': 'allow',
    'viewer token': 401, viewer: 403, operator: 'allow', leader: 'allow', admin: 'allow',
  },
  operator: {
    nobody: 401, 'forged cookie': 401, 'signed-out cookie': 401, 'revoked key': 401, 'ingest key': 403, 'api key': 403,
    'viewer token': 401, viewer: 403, operator: 'allow', leader: 'allow', admin: 'allow',
  },
  leader: {
    nobody: 401, 'forged cookie': 401, 'signed-out cookie': 401, 'revoked key': 401, 'ingest key': 403, 'api key': 403,
    'viewer token': 401, viewer: 403, operator: 403, leader: 'allow', admin: 'allow',
  },
  admin: {
    nobody: 401, 'forged cookie': 401, 'signed-out cookie': 401, 'revoked key': 401, 'ingest key': 403, 'api key': 403,
    'viewer token': 401, viewer: 403, operator: 403, leader: 403, admin: 'allow',
  },
};

interface Rule {
  need: Need;
  /** Only the refusals are tried (the allowed call is costly: a Chromium render). */
  refusalsOnly?: boolean;
}

/** Every API route, by `METHOD path` as the router has it. */
const RULES: Record<string, Rule> = {
  'GET /api/health': { need: 'public' },
  'POST /api/v1/session': { need: 'public' },
  'GET /api/v1/street': { need: 'viewer' },
  'GET /api/v1/taxonomy': { need: 'viewer' },
  'GET /api/v1/geo/:file': { need: 'viewer' },
  'GET /api/v1/summary': { need: 'viewer' },
  'GET /api/v1/incidents': { need: 'viewer' },
  'GET /api/v1/incidents/:id': { need: 'viewer' },
  'GET /api/v1/reports/weekly': { need: 'viewer' },
  'GET /api/v1/reports/weekly.xlsx': { need: 'viewer', refusalsOnly: true },
  'GET /api/v1/reports': { need: 'viewer' },
  'GET /api/v1/reports/:week/:file': { need: 'viewer' },
  'GET /api/v1/exports/incidents.xlsx': { need: 'viewer', refusalsOnly: true },
  'GET /api/v1/exports/incidents.csv': { need: 'viewer' },
  'GET /api/v1/snapshot.png': { need: 'viewer', refusalsOnly: true },
  'POST /api/v1/incidents': { need: 'key' },
  'POST /api/v1/fire-drills': { need: 'key' },
  'POST /api/v1/hazard-inspections': { need: 'key' },
  'POST /api/v1/alarms': { need: 'key' },
  'POST /api/v1/canteen-meals': { need: 'key' },
  'POST /api/v1/market-entities': { need: 'key' },
  'POST /api/v1/volunteer-activities': { need: 'key' },
  'POST /api/v1/alarms/:id/resolve': { need: 'key' },
  // Merging duplicates moves one into `merged`: people only, operators and up.
  'POST /api/v1/incidents/:id/merge': { need: 'operator' },
  'POST /api/v1/admin/imported': { need: 'key' },
  'POST /api/v1/incidents/:id/transitions': { need: 'operator' },
  'POST /api/v1/incidents/:id/unmerge': { need: 'leader' },
  'GET /api/v1/duty/queue': { need: 'operator' },
  'GET /api/v1/duty/incidents/:id': { need: 'operator' },
  'POST /api/v1/duty/incidents/:id/transitions': { need: 'operator' },
  'POST /api/v1/duty/incidents/:id/escalations': { need: 'operator' },
  'POST /api/v1/duty/incidents/:id/evaluation': { need: 'operator' },
  'POST /api/v1/duty/incidents/:id/classification': { need: 'leader' },
  'POST /api/v1/duty/incidents/:id/notes': { need: 'operator' },
  'GET /api/v1/duty/targets': { need: 'operator' },
  'PUT /api/v1/duty/targets/:profile': { need: 'leader' },
  'GET /api/v1/duty/emergency': { need: 'operator' },
  'POST /api/v1/duty/emergency': { need: 'leader' },
  'DELETE /api/v1/duty/emergency': { need: 'leader' },
  'GET /api/v1/duty/handovers': { need: 'operator' },
  'POST /api/v1/duty/handovers': { need: 'operator' },
  'GET /api/v1/duty/handovers/:id': { need: 'operator' },
  'POST /api/v1/duty/handovers/:id/signatures': { need: 'leader' },
  'POST /api/v1/admin/purge-simulated': { need: 'admin' },
  'GET /api/v1/users': { need: 'admin' },
  'POST /api/v1/users': { need: 'admin' },
  'PATCH /api/v1/users/:username': { need: 'admin' },
  'GET /api/v1/keys': { need: 'admin' },
  'POST /api/v1/keys': { need: 'admin' },
  'DELETE /api/v1/keys/:id': { need: 'admin' },
  'GET /api/v1/audit': { need: 'admin' },
  // Last: these change the principals themselves (a new viewer token, a signed-out session).
  'POST /api/v1/viewer-token': { need: 'admin' },
  'GET /api/v1/session': { need: 'session' },
  'DELETE /api/v1/session': { need: 'public' },
};

interface RouteLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: RouteLayer[] };
}

/** `METHOD path` of every route under /api the app's router holds (nested routers included). */
function apiRoutes(stack: RouteLayer[]): string[] {
  const out: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const p of paths) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== '_all' && typeof p === 'string' && p.startsWith('/api/')) out.push(`${method.toUpperCase()} ${p}`);
        }
      }
    } else if (layer.handle?.stack) out.push(...apiRoutes(layer.handle.stack));
  }
  return out;
}

let server: RunningServer;
let dir: string;
const creds = { ingestKey: `k${randomUUID()}`, viewerToken: `v${randomUUID()}`, adminPassword: 'matrix admin password' };
const headersOf = {} as Record<Principal, Record<string, string>>;
const PASSWORD = 'matrix password 1';

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grid141-matrix-'));
  const config = loadConfig({
    PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, INGEST_API_KEY: creds.ingestKey, VIEWER_TOKEN: creds.viewerToken,
    ADMIN_PASSWORD: creds.adminPassword, LOG_LEVEL: 'silent', SIMULATE: '0', REPORTS: '0',
  });
  server = await startServer(config, createLogger('silent'), { plugins, clientDir: path.join(REPO_ROOT, 'client', 'dist') });
  const url = server.url;
  const admin = await signIn(url, 'admin', creds.adminPassword);
  const call = async (method: string, p: string, body: unknown) => {
    const res = await fetch(`${url}${p}`, { method, headers: { 'content-type': 'application/json', cookie: admin }, body: JSON.stringify(body) });
    expect(res.status, `${method} ${p}`).toBeLessThan(300);
    return (await res.json()) as Record<string, unknown>;
  };
  for (const role of ['viewer', 'operator', 'leader'] as const) {
    await call('POST', '/api/v1/users', { username: `m-${role}`, password: PASSWORD, role });
  }
  const apiKey = (await call('POST', '/api/v1/keys', { name: '矩阵 key' })).key as string;
  const revoked = await call('POST', '/api/v1/keys', { name: 'revoked' });
  await fetch(`${url}/api/v1/keys/${revoked.id as string}`, { method: 'DELETE', headers: { cookie: admin } });
  const signedOut = await signIn(url, 'm-viewer', PASSWORD);
  await fetch(`${url}/api/v1/session`, { method: 'DELETE', headers: { cookie: signedOut } });
  Object.assign(headersOf, {
    nobody: {},
    'forged cookie': { cookie: `grid141_session=${randomUUID()}.${randomUUID()}` },
    'signed-out cookie': { cookie: signedOut },
    'revoked key': { 'x-api-key': revoked.key as string },
    'ingest key': { 'x-api-key': creds.ingestKey },
    'api key': { 'x-api-key': apiKey },
    'viewer token': { authorization: `Bearer ${creds.viewerToken}` },
    viewer: { cookie: await signIn(url, 'm-viewer', PASSWORD) },
    operator: { cookie: await signIn(url, 'm-operator', PASSWORD) },
    leader: { cookie: await signIn(url, 'm-leader', PASSWORD) },
    admin: { cookie: admin },
  });
}, 180_000);

afterAll(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('role matrix', () => {
  it('every API route has a rule in the table (a new route without one fails here)', () => {
    const app = server.ctx.app as unknown as { router: { stack: RouteLayer[] } };
    const routes = [...new Set(apiRoutes(app.router.stack))];
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.filter((r) => !(r in RULES)), 'routes without a rule in RULES').toEqual([]);
    expect(Object.keys(RULES).filter((r) => !routes.includes(r)), 'rules for routes that no longer exist').toEqual([]);
  });

  it('HTTP: each principal gets what the table says on every route', async () => {
    const wrong: string[] = [];
    for (const [key, rule] of Object.entries(RULES)) {
      const [method, pattern] = key.split(' ') as [string, string];
      const p = pattern.replace(/:[a-z]+/gi, 'x-unknown');
      for (const principal of PRINCIPALS) {
        const expected = OUTCOME[rule.need][principal];
        if (expected === 'allow' && rule.refusalsOnly) continue;
        // A session that signs out would leave the rest of the table without it.
        if (key === 'DELETE /api/v1/session' && principal !== 'nobody') continue;
        const hasBody = method !== 'GET' && method !== 'DELETE';
        const res = await fetch(`${server.url}${p}`, {
          method,
          headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...headersOf[principal] },
          ...(hasBody ? { body: '{}' } : {}),
        });
        await res.arrayBuffer();
        const ok = expected === 'allow' ? res.status !== 401 && res.status !== 403 : res.status === expected;
        if (!ok) wrong.push(`${principal} → ${key}: ${res.status}, expected ${expected}`);
        // The rotation gave a new viewer token: the walls' principal takes it for the rest.
        if (key === 'POST /api/v1/viewer-token' && principal === 'admin') {
          headersOf['viewer token'] = { authorization: `Bearer ${server.ctx.credentials.viewerToken}` };
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000);

  it('socket: the viewer token and every live session connect; nobody, forged, signed-out cookies and keys are refused; a wall can send no action', async () => {
    const outcome = async (principal: Principal): Promise<'connected' | 'refused'> => {
      const h = headersOf[principal];
      const token = h.authorization?.replace(/^Bearer /, '') ?? h['x-api-key'];
      const socket = io(`${server.url}${LIVE_NAMESPACE}`, {
        transports: ['websocket'], forceNew: true, reconnection: false,
        ...(token ? { auth: { token } } : {}), ...(h.cookie ? { extraHeaders: { cookie: h.cookie } } : {}),
      });
      try {
        return await new Promise((resolve) => {
          socket.once('snapshot', () => resolve('connected'));
          socket.once('connect_error', () => resolve('refused'));
        });
      } finally {
        socket.close();
      }
    };
    const got: Record<string, string> = {};
    for (const principal of PRINCIPALS) got[principal] = await outcome(principal);
    expect(got).toEqual({
      nobody: 'refused', 'forged cookie': 'refused', 'signed-out cookie': 'refused', 'revoked key': 'refused',
      'ingest key': 'refused', 'api key': 'refused', 'viewer token': 'connected',
      viewer: 'connected', operator: 'connected', leader: 'connected', admin: 'connected',
    });
    // The only client event is `resume` (read-only); there is no action a socket can send.
    const events = server.ctx.io.of(LIVE_NAMESPACE).listeners('connection').length;
    expect(events).toBe(1);
  }, 120_000);
});
