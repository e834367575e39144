// The wall's first requests: health, street, geometry, taxonomy, the API's error shapes
// and the served client, against the real server process.
import fs from 'node:fs';
import path from 'node:path';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES, STATUSES, TRANSITIONS, URGENCIES, targetsFor } from '@grid141/shared';
import { REPO_ROOT, makeTempDir, startTestServer, type TestServer } from '../helpers/server.ts';

const STREET_DIR = path.join(REPO_ROOT, 'data', 'streets', 'shiyoulu');
const LAYERS = ['boundary', 'communities', 'grids', 'microgrids', 'pois', 'roads'] as const;
const PROBLEM = /^application\/problem\+json/;

function readGeo(layer: string): { features: { properties: Record<string, unknown> }[] } {
  return JSON.parse(fs.readFileSync(path.join(STREET_DIR, `${layer}.geojson`), 'utf8'));
}

let server: TestServer;
let clientDir: string;

beforeAll(async () => {
  // A stand-in build of the client, so the page serving is tested without running Vite.
  clientDir = makeTempDir('grid141-client-');
  fs.mkdirSync(path.join(clientDir, 'assets'));
  fs.writeFileSync(path.join(clientDir, 'index.html'), '<!doctype html><title>grid141 test wall</title>');
  fs.writeFileSync(path.join(clientDir, 'assets', 'index-abc123.js'), 'console.log(1)');
  server = await startTestServer({ env: { CLIENT_DIST: clientDir, DUTY_OFFICER: '值班员甲' } });
});

afterAll(async () => {
  await server?.stop();
});

describe('GET /api/health', () => {
  it('answers without credentials with status, version, store, uptime and street', async () => {
    const res = await fetch(`${server.url}/api/health`);
    expect(res.status).toBe(200);
    const body = await res.json();
    const version = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version;
    expect(body).toEqual({ status: 'ok', version, store: 'embedded', uptimeS: expect.any(Number), streetId: 'shiyoulu' });
    expect(body.uptimeS).toBeGreaterThanOrEqual(0);
  });
});

describe('reads under /api/v1 need the viewer token', () => {
  const paths = ['/api/v1/street', '/api/v1/taxonomy', ...LAYERS.map((l) => `/api/v1/geo/${l}.geojson`)];
  it.each(paths)('%s answers 401 problem+json without a token and with a wrong one', async (p) => {
    const none = await fetch(`${server.url}${p}`);
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toMatch(PROBLEM);
    expect((await none.json()).status).toBe(401);
    const wrong = await fetch(`${server.url}${p}`, { headers: { authorization: 'Bearer not-the-token' } });
    expect(wrong.status).toBe(401);
  });

  it('accepts the token as ?token= as the wall URL carries it', async () => {
    const res = await fetch(`${server.url}/api/v1/street?token=${server.credentials.viewerToken}`);
    expect(res.status).toBe(200);
  });

  it('does not take the ingest key as a viewer token', async () => {
    const res = await fetch(`${server.url}/api/v1/street`, { headers: { authorization: `Bearer ${server.credentials.ingestKey}` } });
    expect(res.status).toBe(401);
  });
});

describe('GET /api/v1/street', () => {
  it('describes the street, its communities and counts from the data files', async () => {
    const res = await server.get('/api/v1/street');
    expect(res.status).toBe(200);
    const body = await res.json();
    const meta = JSON.parse(fs.readFileSync(path.join(STREET_DIR, 'street.json'), 'utf8'));
    const communities = readGeo('communities').features.map((f) => f.properties);
    expect(body.id).toBe('shiyoulu');
    expect(body.name).toEqual(meta.name);
    expect(body.title).toEqual(meta.title);
    expect(body.district).toEqual(meta.district);
    expect(body.timeZone).toBe('Asia/Shanghai');
    expect(body.communities.map((c: { id: string }) => c.id)).toEqual(communities.map((c) => c.id));
    for (const c of body.communities) expect(c).toMatchObject({ name: expect.any(String), nameEn: expect.any(String), population: expect.any(Number) });
    expect(body.gridCount).toBe(readGeo('grids').features.length);
    expect(body.microGridCount).toBe(readGeo('microgrids').features.length);
    expect(body.centre).toEqual(meta.centre);
    expect(body.bbox).toEqual(meta.bbox);
    expect(body.synthetic).toBe(meta.synthetic);
    // DUTY_OFFICER replaces the rostered officers; the leader comes from the street's demo roster.
    expect(body.duty).toMatchObject({ officer: '值班员甲', officers: ['值班员甲'], leader: expect.any(String), synthetic: true });
  });
});

describe('GET /api/v1/geo/*.geojson', () => {
  it.each(LAYERS)('%s.geojson is the data file as application/geo+json with ids, names and parents', async (layer) => {
    const res = await server.get(`/api/v1/geo/${layer}.geojson`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    const body = await res.json();
    expect(body).toEqual(JSON.parse(fs.readFileSync(path.join(STREET_DIR, `${layer}.geojson`), 'utf8')));
    expect(body.features.length).toBeGreaterThan(0);
    for (const f of body.features) {
      expect(typeof f.properties.id).toBe('string');
      expect(typeof f.properties.name).toBe('string');
      if (layer === 'grids') expect(typeof f.properties.communityId).toBe('string');
      if (layer === 'microgrids') expect(typeof f.properties.gridId).toBe('string');
    }
  });

  it('answers 304 to a matching If-None-Match and sends the big layers gzipped', async () => {
    const first = await server.get('/api/v1/geo/microgrids.geojson', { headers: { 'accept-encoding': 'gzip' } });
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    expect(first.headers.get('content-encoding')).toBe('gzip');
    await first.arrayBuffer();
    const again = await server.get('/api/v1/geo/microgrids.geojson', { headers: { 'if-none-match': etag ?? '' } });
    expect(again.status).toBe(304);
  });

  it('answers 404 problem+json for a layer that does not exist', async () => {
    const res = await server.get('/api/v1/geo/rivers.geojson');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(PROBLEM);
  });
});

describe('GET /api/v1/taxonomy', () => {
  it('serves categories with targets per urgency and the lifecycle with its allowed moves', async () => {
    const res = await server.get('/api/v1/taxonomy');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.categories.map((c: { code: string }) => c.code)).toEqual(CATEGORIES.map((c) => c.code));
    for (const c of body.categories) {
      expect(c).toMatchObject({ zh: expect.any(String), en: expect.any(String), colour: expect.any(String), board: expect.any(String) });
      for (const u of URGENCIES) expect(c.targets[u.code]).toEqual(targetsFor(c.code, u.code));
    }
    expect(body.statuses.map((s: { code: string }) => s.code)).toEqual(STATUSES.map((s) => s.code));
    for (const s of body.statuses) expect(s.moves).toEqual(TRANSITIONS[s.code as keyof typeof TRANSITIONS]);
    for (const key of ['sources', 'urgencies', 'colours', 'boards', 'feedKinds', 'slaProfiles']) {
      expect(Array.isArray(body[key]) && body[key].length > 0, key).toBe(true);
    }
  });
});

describe('the API edge answers problem+json', () => {
  it('unknown /api routes are 404, never the page', async () => {
    for (const p of ['/api/nope', '/api/v1/nothing/here', '/api']) {
      const res = await server.get(p);
      expect(res.status, p).toBe(404);
      expect(res.headers.get('content-type'), p).toMatch(PROBLEM);
      expect(await res.json()).toMatchObject({ status: 404, title: expect.any(String) });
    }
  });

  it('a POST with a non-JSON content type is 415', async () => {
    const res = await fetch(`${server.url}/api/v1/anything`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toMatch(PROBLEM);
  });

  it('malformed JSON is 400', async () => {
    const res = await fetch(`${server.url}/api/v1/anything`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(PROBLEM);
  });

  it('a body over 1 MiB is 413', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) });
    const res = await fetch(`${server.url}/api/v1/anything`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(PROBLEM);
  });
});

describe('the client', () => {
  it('every non-API page path gets index.html, never cached', async () => {
    for (const p of ['/', '/wall', '/boards/safety?x=1']) {
      const res = await fetch(`${server.url}${p}`);
      expect(res.status, p).toBe(200);
      expect(await res.text(), p).toContain('grid141 test wall');
      expect(res.headers.get('cache-control'), p).toBe('no-cache');
    }
  });

  it('hashed assets are cached for a year; a missing asset is 404, not the page', async () => {
    const asset = await fetch(`${server.url}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const missing = await fetch(`${server.url}/assets/index-gone.js`);
    expect(missing.status).toBe(404);
  });

  it('at the root with no FRAME_ANCESTORS and no basemap, the page, an API answer and an asset refuse framing and name no other host', async () => {
    for (const p of ['/', '/api/v1/taxonomy', '/assets/index-abc123.js']) {
      const res = await server.get(p);
      expect(res.status, p).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, p).toContain("frame-ancestors 'none'");
      expect(csp, p).toContain("connect-src 'self';");
      expect(res.headers.get('x-frame-options'), p).toBe('DENY');
      expect(res.headers.get('referrer-policy'), p).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options'), p).toBe('nosniff');
    }
  });

  it('what nothing answers (a missing asset, a POST to a page) is a plain 404 with the same policy, not Express\'s own', async () => {
    for (const res of [await fetch(`${server.url}/assets/index-gone.js`), await fetch(`${server.url}/`, { method: 'POST' })]) {
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });
});

describe('Socket.IO at /socket.io', () => {
  function tryConnect(token?: string): Promise<'connected' | string> {
    return new Promise((resolve) => {
      const socket = connect(server.url, { path: '/socket.io', transports: ['websocket'], auth: token ? { token } : {}, reconnection: false });
      socket.on('connect', () => {
        socket.close();
        resolve('connected');
      });
      socket.on('connect_error', (error) => {
        socket.close();
        resolve(error.message);
      });
    });
  }

  it('refuses a socket without the viewer token and accepts one with it', async () => {
    expect(await tryConnect()).toMatch(/unauthorized/);
    expect(await tryConnect('wrong-token')).toMatch(/unauthorized/);
    expect(await tryConnect(server.credentials.viewerToken)).toBe('connected');
  });
});
