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

/**
 * What a route needs: `public`, a read (`viewer` token or any session), a record `key` (or an
 * operator session), the `server`'s own key (INGEST_API_KEY, or an admin session), or a role.
 */
type Need = 'public' | 'viewer' | 'session' | 'key' | 'server' | 'operator' | 'leader' | 'admin';

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
  server: {
    nobody: 401, 'forged cookie': 401, 'signed-out cookie': 401, 'revoked key': 401, 'ingest key': 'allow', 'api key': 403,
    'viewer token': 401, viewer: 403, operator: 403, leader: 403, admin: 'allow',
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
  'POST /api/v1/admin/imported': { need: 'server' },
  // Reads the street's files again (what a grid import wrote); nothing is sent but the ask.
  'POST /api/v1/admin/map/reload': { need: 'server' },
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

// The move rules (who may make which move, what it must carry, the lifecycle, If-Match) are the
// write service's: the plain route and the duty desk's route give one person the same answer.
describe('lifecycle moves: the plain route and the desk route answer alike', () => {
  type Answer = { status: number; body: Record<string, unknown>; etag: string | null };
  const PLAIN = (id: string) => `/api/v1/incidents/${id}/transitions`;
  const DESK = (id: string) => `/api/v1/duty/incidents/${id}/transitions`;
  let n = 0;

  async function send(pathname: string, principal: Principal, body: unknown, ifMatch?: string): Promise<Answer> {
    const res = await fetch(`${server.url}${pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headersOf[principal], ...(ifMatch ? { 'if-match': ifMatch } : {}) },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, etag: res.headers.get('etag') };
  }

  /** A new incident walked by the admin to `status` through the plain route. */
  async function incidentAt(status: 'reported' | 'accepted' | 'handled'): Promise<string> {
    n += 1;
    const res = await fetch(`${server.url}/api/v1/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': creds.ingestKey },
      body: JSON.stringify({ externalId: `moves-${n}-${randomUUID()}`, source: 'hotline_12345', category: 'city_mgmt', description: '占道经营', location: { lng: 106.526, lat: 29.558 }, reporter: { name: '王五', contact: '13812345678' } }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const walk = { reported: [], accepted: [{ to: 'accepted' }], handled: [{ to: 'accepted' }, { to: 'dispatched', assignee: '城管执法中队' }, { to: 'on_site' }, { to: 'handled', note: '已劝离' }] }[status];
    for (const step of walk) expect((await send(PLAIN(id), 'admin', step)).status).toBe(200);
    return id;
  }

  /** What must be equal: the status, the problem's title, detail and fields, and for a 412 who changed it and the version. */
  const shape = (a: Answer, id: string) => ({
    status: a.status,
    title: a.body.title,
    detail: typeof a.body.detail === 'string' ? a.body.detail.replace(id, 'ID').replace(/at \d{4}-\d\d-\d\dT[0-9:.]+Z/, 'at T') : undefined,
    errors: a.body.errors,
    changedBy: a.body.changedBy,
    version: a.body.version,
    current: (a.body.current as { status?: string } | undefined)?.status,
    incident: (a.body.incident as { status?: string } | undefined)?.status,
    moved: a.status === 200 ? a.body.status : undefined,
    etag: a.etag,
  });

  const CASES: { who: Principal; from: 'reported' | 'accepted' | 'handled'; body: Record<string, unknown>; stale?: boolean; expect: number; field?: string }[] = [
    { who: 'operator', from: 'handled', body: { to: 'closed' }, expect: 403, field: 'to' },
    { who: 'operator', from: 'handled', body: { to: 'returned', note: '核查未通过' }, expect: 403, field: 'to' },
    { who: 'leader', from: 'handled', body: { to: 'returned' }, expect: 400, field: 'note' },
    { who: 'leader', from: 'handled', body: { to: 'returned', note: '核查未通过' }, expect: 200 },
    { who: 'admin', from: 'handled', body: { to: 'closed' }, expect: 200 },
    { who: 'operator', from: 'reported', body: { to: 'rejected' }, expect: 400, field: 'note' },
    { who: 'operator', from: 'reported', body: { to: 'rejected', note: '   ' }, expect: 400, field: 'note' },
    { who: 'operator', from: 'reported', body: { to: 'rejected', note: '重复上报' }, expect: 200 },
    { who: 'operator', from: 'accepted', body: { to: 'dispatched' }, expect: 400, field: 'assignee' },
    { who: 'operator', from: 'accepted', body: { to: 'handled' }, expect: 400, field: 'note' },
    { who: 'operator', from: 'accepted', body: { to: 'handled', note: '已处置' }, expect: 409, field: 'to' },
    { who: 'operator', from: 'reported', body: { to: 'on_site' }, expect: 409, field: 'to' },
    { who: 'leader', from: 'reported', body: { to: 'closed' }, expect: 409, field: 'to' },
    { who: 'operator', from: 'reported', body: { to: 'accepted' }, stale: true, expect: 412 },
    { who: 'operator', from: 'reported', body: { to: 'flying' }, expect: 400, field: 'to' },
    { who: 'viewer', from: 'reported', body: { to: 'accepted' }, expect: 403 },
    { who: 'api key', from: 'reported', body: { to: 'accepted' }, expect: 403 },
    { who: 'nobody', from: 'reported', body: { to: 'accepted' }, expect: 401 },
  ];

  it('each person and move: same status, problem and fields on both routes; nothing written when refused', async () => {
    const wrong: string[] = [];
    for (const c of CASES) {
      const label = `${c.who} ${c.from} → ${JSON.stringify(c.body)}${c.stale ? ' (stale)' : ''}`;
      const [a, b] = [await incidentAt(c.from), await incidentAt(c.from)] as [string, string];
      const version = async (id: string) => ((await (await fetch(`${server.url}/api/v1/incidents/${id}`, { headers: headersOf.admin })).json()) as { version: number }).version;
      const [va, vb] = [await version(a), await version(b)];
      const ifMatch = (v: number) => (c.stale ? `"${v + 7}"` : `"${v}"`);
      const plain = await send(PLAIN(a), c.who, c.body, ifMatch(va));
      const desk = await send(DESK(b), c.who, c.body, ifMatch(vb));
      if (plain.status !== c.expect) wrong.push(`${label}: plain ${plain.status}, expected ${c.expect} ${JSON.stringify(plain.body)}`);
      expect(shape(desk, b), label).toEqual(shape(plain, a));
      if (c.field) expect(((plain.body.errors as { path: string }[] | undefined) ?? []).map((e) => e.path), label).toContain(c.field);
      if (c.expect === 409 && c.field === 'to') expect(String(plain.body.detail), label).toMatch(/allowed: /);
      if (c.expect === 412) expect(plain.body, label).toMatchObject({ version: String(va), incident: { status: c.from }, current: { status: c.from } });
      if (c.expect !== 200) expect([await version(a), await version(b)], `${label}: nothing written`).toEqual([va, vb]);
    }
    expect(wrong).toEqual([]);
  }, 180_000);
});
