// Security headers, CORS, BASE_PATH and the live link behind a proxy that refuses WebSocket,
// against one real server process set up as a sub-path deployment with a portal allowed to
// frame it and a basemap host (docs/security.md, docs/deploy.md).
import fs from 'node:fs';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_NAMESPACE } from '@grid141/shared';
import { makeTempDir, startTestServer, type TestServer } from '../helpers/server.ts';
import { startProxy, type TestProxy } from '../helpers/proxy.ts';

const BASE = '/grid141';
const PORTAL = 'https://portal.example.org';
const TILES = 'https://tiles.example.org';

let server: TestServer;
let origin: string;
let noWebSocket: TestProxy;
const sockets: Socket[] = [];

beforeAll(async () => {
  // A stand-in build with Vite's relative asset links (base './').
  const clientDir = makeTempDir('grid141-client-');
  fs.mkdirSync(path.join(clientDir, 'assets'));
  fs.writeFileSync(
    path.join(clientDir, 'index.html'),
    '<!doctype html><html><head><script type="module" crossorigin src="./assets/index-abc123.js"></script></head><body></body></html>',
  );
  fs.writeFileSync(path.join(clientDir, 'assets', 'index-abc123.js'), 'console.log(1)');
  server = await startTestServer({
    env: {
      CLIENT_DIST: clientDir,
      BASE_PATH: `${BASE}/`,
      FRAME_ANCESTORS: PORTAL,
      BASEMAP_TILES: `${TILES}/{z}/{x}/{y}.png`,
      LOG_LEVEL: 'debug',
    },
  });
  origin = new URL(server.url).origin;
  noWebSocket = await startProxy({ target: origin, websocket: false, prefix: `${BASE}/` });
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await noWebSocket?.close();
  await server?.stop();
});

function directives(csp: string | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of (csp ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out.set(name, values);
  }
  return out;
}

describe('every answer carries the security headers', () => {
  const token = () => ({ authorization: `Bearer ${server.credentials.viewerToken}` });
  const json = { 'content-type': 'application/json' };
  // [what, request, the status it answers]: pages, assets, API answers and problems, 404s, Open311, the socket.
  const answers: [string, () => Promise<Response>, number][] = [
    ['the page', () => fetch(`${origin}${BASE}/`), 200],
    ['/login', () => fetch(`${origin}${BASE}/login?next=/duty`), 200],
    ['/duty', () => fetch(`${origin}${BASE}/duty`), 200],
    ['a deep page path', () => fetch(`${origin}${BASE}/duty/some-incident`), 200],
    ['/admin', () => fetch(`${origin}${BASE}/admin`), 200],
    ['the report page', () => fetch(`${origin}${BASE}/report?week=2026-W48`), 200],
    ['an API answer', () => fetch(`${origin}${BASE}/api/v1/street`, { headers: token() }), 200],
    ['the Summary', () => fetch(`${origin}${BASE}/api/v1/summary`, { headers: token() }), 200],
    ['a refused API call (problem+json 401)', () => fetch(`${origin}${BASE}/api/v1/street`), 401],
    ['a refused query (problem+json 400)', () => fetch(`${origin}${BASE}/api/v1/snapshot.png?layout=99999x2`, { headers: token() }), 400],
    ['malformed JSON (problem+json 400)', () => fetch(`${origin}${BASE}/api/v1/incidents`, { method: 'POST', headers: { ...json, 'x-api-key': server.credentials.ingestKey }, body: '{' }), 400],
    ['an API 404', () => fetch(`${origin}${BASE}/api/v1/nothing-here`, { headers: token() }), 404],
    ['a static asset', () => fetch(`${origin}${BASE}/assets/index-abc123.js`), 200],
    ['a missing asset (404)', () => fetch(`${origin}${BASE}/assets/index-gone.js`), 404],
    ['outside BASE_PATH (404)', () => fetch(`${origin}/`), 404],
    ['Open311 discovery', () => fetch(`${origin}${BASE}/open311/v2/discovery.json`), 200],
    ['an Open311 404', () => fetch(`${origin}${BASE}/open311/v2/nothing.json`), 404],
    ['the socket\'s long-polling handshake', () => fetch(`${origin}${BASE}/socket.io/?EIO=4&transport=polling`), 200],
  ];

  it.each(answers)('%s', async (_name, request, status) => {
    const res = await request();
    expect(res.status).toBe(status);
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-eval');
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    // The configured basemap is the one other host: images and the fetches MapLibre makes for them.
    expect(csp.get('img-src')).toContain(TILES);
    expect(csp.get('connect-src')).toEqual(["'self'", TILES]);
    // FRAME_ANCESTORS names the portal; X-Frame-Options cannot, so it is not sent.
    expect(csp.get('frame-ancestors')).toEqual([PORTAL]);
    expect(res.headers.get('x-frame-options')).toBeNull();
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});

describe('no permissive CORS', () => {
  it('an API read from another origin gets no Access-Control-Allow-* header', async () => {
    const res = await fetch(`${origin}${BASE}/api/v1/street`, { headers: { origin: 'https://evil.example', authorization: `Bearer ${server.credentials.viewerToken}` } });
    expect(res.status).toBe(200);
    expect([...res.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('a preflight for a write from another origin is not granted', async () => {
    const res = await fetch(`${origin}${BASE}/api/v1/incidents`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-api-key' },
    });
    expect([...res.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('the socket handshake (long-polling) from another origin gets none either', async () => {
    const res = await fetch(`${origin}${BASE}/socket.io/?EIO=4&transport=polling`, { headers: { origin: 'https://evil.example' } });
    expect([...res.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('the page says whether it came with a session cookie (so /login asks who is signed in only then)', () => {
  const configOf = async (headers: Record<string, string>) => {
    const res = await fetch(`${origin}${BASE}/login`, { headers });
    expect(res.headers.get('vary')).toMatch(/cookie/i);
    return JSON.parse(/<script id="grid141-config" type="application\/json">(.*?)<\/script>/.exec(await res.text())?.[1] ?? '{}') as { sessionCookie?: boolean };
  };

  it('no cookie: not said; a session cookie (checked or not): said', async () => {
    expect((await configOf({})).sessionCookie).toBeUndefined();
    expect((await configOf({ cookie: 'other=1' })).sessionCookie).toBeUndefined();
    expect((await configOf({ cookie: 'other=1; grid141_session=anything' })).sessionCookie).toBe(true);
  });
});

describe('BASE_PATH=/grid141 serves page, assets, API and socket under it', () => {
  it('the page links its assets and names the base path for the client', async () => {
    const html = await (await fetch(`${origin}${BASE}/`)).text();
    expect(html).toContain(`src="${BASE}/assets/index-abc123.js"`);
    const config = JSON.parse(/<script id="grid141-config" type="application\/json">(.*?)<\/script>/.exec(html)?.[1] ?? '{}');
    expect(config.basePath).toBe(BASE);
    expect(server.url, 'the address the server prints and locks').toBe(`${origin}${BASE}`);
  });

  it('the start banner gives the wall and sign-in addresses with the sub-path once (tester item 2)', async () => {
    const banner = server.stdout();
    expect(banner).toContain(`  wall:  ${origin}${BASE}/?token=`);
    expect(banner).toContain(`  sign in: ${origin}${BASE}/login (user admin)`);
    expect(banner).not.toContain(`${BASE}${BASE}`);
  });

  it('nothing answers outside it', async () => {
    for (const outside of ['/', '/api/health', '/assets/index-abc123.js']) {
      expect((await fetch(`${origin}${outside}`)).status, outside).toBe(404);
    }
    expect((await fetch(`${origin}${BASE}/api/health`)).status).toBe(200);
  });

  it('the live feed connects through a proxy that refuses WebSocket, by long-polling under the sub-path', async () => {
    // The wall's own options (client/src/live/socket.ts): WebSocket first, then polling.
    const socket = io(`${noWebSocket.origin}${LIVE_NAMESPACE}`, {
      path: `${BASE}/socket.io`,
      auth: { token: server.credentials.viewerToken },
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      reconnection: false,
    });
    sockets.push(socket);
    const snapshot = new Promise<{ seq: number }>((resolve) => socket.once('snapshot', resolve));
    const error = new Promise<never>((_resolve, reject) => socket.once('connect_error', reject));
    expect(typeof (await Promise.race([snapshot, error])).seq).toBe('number');
    expect(socket.io.engine.transport.name).toBe('polling');
    expect(noWebSocket.refusedUpgrades(), 'the proxy refused the WebSocket attempt').toBeGreaterThan(0);
    socket.disconnect();
  });

  it('a refused token is refused on the socket under the sub-path too', async () => {
    const socket = io(`${noWebSocket.origin}${LIVE_NAMESPACE}`, { path: `${BASE}/socket.io`, auth: { token: 'not-the-token-at-all' }, transports: ['polling'], reconnection: false });
    sockets.push(socket);
    const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
    expect(error.message).toBe('unauthorized');
    socket.disconnect();
  });
});

describe('the viewer token stays out of the logs', () => {
  it('even when a request (HTTP, the socket\'s handshake, Open311) carries it in the URL and fails', async () => {
    const secret = server.credentials.viewerToken;
    await fetch(`${origin}${BASE}/api/v1/street?token=${secret}`);
    await fetch(`${origin}${BASE}/api/v1/geo/none.geojson?token=${secret}`);
    await fetch(`${origin}${BASE}/?token=${secret}`);
    await fetch(`${origin}${BASE}/socket.io/?EIO=4&transport=polling&token=${secret}`);
    // A socket that sends it in its handshake query instead of auth.token (refused: the query is not read).
    const socket = io(`${origin}${LIVE_NAMESPACE}`, { path: `${BASE}/socket.io`, query: { token: secret }, transports: ['polling'], reconnection: false });
    sockets.push(socket);
    expect((await new Promise<Error>((resolve) => socket.once('connect_error', resolve))).message).toBe('unauthorized');
    socket.disconnect();
    // Open311's api_key in the address of a refused post.
    await fetch(`${origin}${BASE}/open311/v2/requests.json?api_key=${server.credentials.ingestKey}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    // The start banner prints the wall's address on purpose (issue 16: "open the address npm start
    // printed"); the log lines (pino JSON) never carry it.
    const logLines = (server.stdout() + server.stderr()).split('\n').filter((line) => line.startsWith('{'));
    expect(logLines.length, 'debug logging is on').toBeGreaterThan(0);
    expect(logLines.filter((line) => line.includes(secret))).toEqual([]);
    expect(logLines.filter((line) => line.includes(server.credentials.ingestKey))).toEqual([]);
  });
});
