// Ingest and the incidents API through the REAL server: every bad input of issue 3, replays,
// batches (201/200/207/400/413), placing near and far outside, transitions, alarms, purge.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_MAX, type IncidentWithHistory } from '@grid141/shared';
import { REPO_ROOT, startTestServer, type TestServer } from '../helpers/server.ts';
import { storeKinds } from '../helpers/env.ts';
import { throwawayDatabase } from '../helpers/pg.ts';
import { signIn } from '../helpers/session.ts';

const streetDir = path.join(REPO_ROOT, 'data', 'streets', 'shiyoulu');
type Feature = { geometry: { type: string; coordinates: unknown }; properties: Record<string, string> };
const pois = (JSON.parse(readFileSync(path.join(streetDir, 'pois.geojson'), 'utf8')) as { features: Feature[] }).features;
const canteen = pois.find((f) => f.properties.kind === 'canteen') as Feature;
const [inLng, inLat] = canteen.geometry.coordinates as [number, number];
const boundary = JSON.parse(readFileSync(path.join(streetDir, 'boundary.geojson'), 'utf8')) as { features: Feature[] };
const ring = (boundary.features[0]?.geometry.coordinates as number[][][])[0] as number[][];
const east = ring.reduce((a, b) => ((b[0] as number) > (a[0] as number) ? b : a));
const mPerDegLng = 111_320 * Math.cos(((east[1] as number) * Math.PI) / 180);
const near = { lng: (east[0] as number) + 50 / mPerDegLng, lat: east[1] as number };
const far = { lng: (east[0] as number) + 5000 / mPerDegLng, lat: east[1] as number };

function incident(over: Record<string, unknown> = {}) {
  return {
    externalId: `ext-${randomUUID()}`,
    source: 'grid_patrol',
    category: 'city_mgmt',
    description: '占道经营',
    location: { lng: inLng, lat: inLat },
    ...over,
  };
}

describe.each(storeKinds())('ingest through the real server (%s store)', (kind) => {
  let server: TestServer;
  let dropDb: (() => Promise<void>) | null = null;

  beforeAll(async () => {
    const env: Record<string, string> = {};
    if (kind === 'postgres') {
      const db = await throwawayDatabase('ingest');
      env.DATABASE_URL = db.url;
      dropDb = db.drop;
    }
    server = await startTestServer({ env, startTimeoutMs: 150_000 });
  });
  afterAll(async () => {
    await server?.stop();
    await dropDb?.();
  });

  let adminCookie: string | null = null;
  // Records with the ingest key; lifecycle moves and the purge as the signed-in admin (a key may not).
  const post = async (pathname: string, body: unknown, headers: Record<string, string> = {}) => {
    const person = /\/transitions$|purge-simulated$/.test(pathname);
    if (person) adminCookie ??= await signIn(server.url, 'admin', server.credentials.adminPassword);
    return fetch(`${server.url}${pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': server.credentials.ingestKey, ...(person && adminCookie ? { cookie: adminCookie } : {}), ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  };

  async function expectProblem(res: Response, status: number, paths: string[] = []) {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const body = (await res.json()) as { status: number; errors?: { path: string }[] };
    expect(body.status).toBe(status);
    for (const p of paths) expect(body.errors?.map((e) => e.path)).toContain(p);
    return body;
  }

  it('health names the store', async () => {
    const health = (await (await fetch(`${server.url}/api/health`)).json()) as { store: string };
    expect(health.store).toBe(kind);
  });

  it('a new incident is 201 with its placing; a replay is 200 with the same body and changes nothing', async () => {
    const item = incident({ description: '<script>alert("x")</script><b>油烟</b>' });
    const res = await post('/api/v1/incidents', item);
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ gridId: canteen.properties.gridId, communityId: canteen.properties.communityId, colour: 'red', status: 'reported', outsideArea: false });
    const replay = await post('/api/v1/incidents', { ...item, description: 'something else', category: 'dispute' });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual(body);
    const got = (await (await server.get(`/api/v1/incidents/${body.id as string}`)).json()) as IncidentWithHistory;
    expect(got.description).toBe('<script>alert("x")</script><b>油烟</b>');
    expect(got.category).toBe('city_mgmt');
    expect(got.slaProfile).toBe('normal_simple');
    expect(got.history).toHaveLength(1);
    const list = (await (await server.get(`/api/v1/incidents?source=grid_patrol&limit=500`)).json()) as { items: { externalId: string }[] };
    expect(list.items.filter((i) => i.externalId === item.externalId)).toHaveLength(1);
  });

  it('colour and dueAt given by the reporter are kept', async () => {
    // At most a year after the report (docs/api.md, "Times").
    const dueAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 30 * 86_400_000).toISOString();
    const res = await post('/api/v1/incidents', incident({ colour: 'yellow', dueAt }));
    const body = (await res.json()) as { id: string; colour: string };
    expect(body.colour).toBe('yellow');
    const got = (await (await server.get(`/api/v1/incidents/${body.id}`)).json()) as IncidentWithHistory;
    expect(got.dueAt).toBe(dueAt);
  });

  it.each([
    ['missing externalId', { externalId: undefined }, 'externalId'],
    ['wrong-typed description', { description: 42 }, 'description'],
    ['unknown category', { category: 'aliens' }, 'category'],
    ['unknown source', { source: 'carrier_pigeon' }, 'source'],
    ['latitude out of range', { location: { lng: 106.5, lat: 91 } }, 'location.lat'],
    ['longitude out of range', { location: { lng: 181, lat: 29.5 } }, 'location.lng'],
    ['reportedAt 10 minutes ahead', { reportedAt: new Date(Date.now() + 10 * 60_000).toISOString() }, 'reportedAt'],
    ['description over 4,000', { description: 'x'.repeat(4001) }, 'description'],
  ])('%s is a 400 naming the field', async (_name, over, field) => {
    const externalId = `bad-${randomUUID()}`;
    await expectProblem(await post('/api/v1/incidents', incident({ externalId, ...over })), 400, [field]);
    if (!('externalId' in over)) {
      const list = (await (await server.get('/api/v1/incidents?limit=500')).json()) as { items: { externalId: string }[] };
      expect(list.items.some((i) => i.externalId === externalId)).toBe(false);
    }
  });

  it('reportedAt 4 minutes ahead is taken (clock drift)', async () => {
    expect((await post('/api/v1/incidents', incident({ reportedAt: new Date(Date.now() + 4 * 60_000).toISOString() }))).status).toBe(201);
  });

  it('empty and oversized batches are refused naming items', async () => {
    await expectProblem(await post('/api/v1/incidents', { items: [] }), 400, ['items']);
    const many = Array.from({ length: BATCH_MAX + 1 }, () => incident());
    await expectProblem(await post('/api/v1/incidents', { items: many }), 413, ['items']);
    await expectProblem(await post('/api/v1/incidents', { items: 'nope' }), 400, ['items']);
  });

  it('a batch of new items is 201; duplicates inside it answer 200 with the first id; a replay batch is 200', async () => {
    const a = incident();
    const b = incident();
    const res = await post('/api/v1/incidents', { items: [a, b, { ...a, description: 'dup' }] });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: { status: number; id: string; incidentStatus: string }[] };
    expect(results.map((r) => r.status)).toEqual([201, 201, 200]);
    expect(results[2]?.id).toBe(results[0]?.id);
    expect(results[0]?.incidentStatus).toBe('reported');
    const fresh = await post('/api/v1/incidents', { items: [incident(), incident()] });
    expect(fresh.status).toBe(201);
    const again = await post('/api/v1/incidents', { items: [a, b] });
    expect(again.status).toBe(200);
    const r2 = (await again.json()) as { results: { status: number; id: string }[] };
    expect(r2.results.map((r) => r.id)).toEqual([results[0]?.id, results[1]?.id]);
  });

  it('a batch with some bad items is 207 and keeps the good ones; all bad is 400 with results', async () => {
    const good = incident();
    const res = await post('/api/v1/incidents', { items: [good, incident({ category: 'nope' }), incident({ location: { lng: 0 } })] });
    expect(res.status).toBe(207);
    const { results } = (await res.json()) as { results: { status: number; id?: string; errors?: { path: string }[] }[] };
    expect(results.map((r) => r.status)).toEqual([201, 400, 400]);
    expect(results[1]?.errors?.map((e) => e.path)).toContain('items.1.category');
    expect(results[2]?.errors?.map((e) => e.path)).toContain('items.2.location.lat');
    expect((await server.get(`/api/v1/incidents/${results[0]?.id}`)).status).toBe(200);
    const allBad = await expectProblem(await post('/api/v1/incidents', { items: [{}, { source: 1 }] }), 400, ['items.0.externalId', 'items.1.source']);
    expect((allBad as unknown as { results: unknown[] }).results).toHaveLength(2);
  });

  it('malformed JSON is 400, a wrong content type 415, a body over 1 MiB 413', async () => {
    await expectProblem(await post('/api/v1/incidents', '{"externalId": '), 400);
    await expectProblem(await post('/api/v1/incidents', 'externalId=1', { 'content-type': 'text/plain' }), 415);
    const big = JSON.stringify({ items: [incident({ description: 'x'.repeat(1_100_000) })] });
    await expectProblem(await post('/api/v1/incidents', big), 413);
  });

  it('a wrong or missing key is 401, and a missing viewer token on reads is 401', async () => {
    await expectProblem(await post('/api/v1/incidents', incident(), { 'x-api-key': 'wrong-key-wrong-key' }), 401);
    const res = await fetch(`${server.url}/api/v1/incidents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(incident()) });
    await expectProblem(res, 401);
    await expectProblem(await fetch(`${server.url}/api/v1/incidents`), 401);
  });

  it('a point 50 m outside the boundary goes to the nearest grid; 5 km out is kept with outsideArea', async () => {
    const n = (await (await post('/api/v1/incidents', incident({ location: near }))).json()) as { gridId: string | null; outsideArea: boolean };
    expect(n.gridId).not.toBeNull();
    expect(n.outsideArea).toBe(false);
    const f = (await (await post('/api/v1/incidents', incident({ location: far }))).json()) as { id: string; gridId: string | null; outsideArea: boolean };
    expect(f).toMatchObject({ gridId: null, communityId: null, outsideArea: true });
    expect((await server.get(`/api/v1/incidents/${f.id}`)).status).toBe(200);
  });

  it('lists with filters and a cursor; bad parameters are 400 naming them', async () => {
    const community = canteen.properties.communityId as string;
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = `/api/v1/incidents?community=${community}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await (await server.get(q)).json()) as { items: { id: string; communityId: string }[]; nextCursor: string | null };
      for (const i of page.items) {
        expect(i.communityId).toBe(community);
        seen.add(i.id);
      }
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 100);
    expect(pages).toBeGreaterThan(1);
    const all = (await (await server.get(`/api/v1/incidents?community=${community}&limit=500`)).json()) as { items: unknown[] };
    expect(seen.size).toBe(all.items.length);
    for (const [q, name] of [['status=nope', 'status'], ['limit=501', 'limit'], ['limit=abc', 'limit'], ['from=yesterday', 'from'], ['cursor=zzz', 'cursor'], ['colour=blue', 'colour']]) {
      await expectProblem(await server.get(`/api/v1/incidents?${q}`), 400, [name as string]);
    }
    await expectProblem(await server.get(`/api/v1/incidents/${randomUUID()}`), 404);
  });

  it('transitions: allowed moves stamp and append history; refused moves are 409 naming from and to', async () => {
    const { id } = (await (await post('/api/v1/incidents', incident())).json()) as { id: string };
    const refused = await expectProblem(await post(`/api/v1/incidents/${id}/transitions`, { to: 'closed' }), 409);
    expect(JSON.stringify(refused)).toMatch(/reported.*closed/);
    const ok = await post(`/api/v1/incidents/${id}/transitions`, { to: 'accepted', note: '<i>ok</i>' });
    expect(ok.status).toBe(200);
    const after = (await ok.json()) as { status: string; acceptedAt: string | null };
    expect(after.status).toBe('accepted');
    expect(after.acceptedAt).not.toBeNull();
    await expectProblem(await post(`/api/v1/incidents/${id}/transitions`, { to: 'flying' }), 400, ['to']);
    await expectProblem(await post(`/api/v1/incidents/${randomUUID()}/transitions`, { to: 'accepted' }), 404);
    await expectProblem(await post(`/api/v1/incidents/${id}/transitions`, { to: 'dispatched' }, { 'x-api-key': 'nope-nope-nope-nope', cookie: '' }), 401);
    // A reporting system's key can post records but never move an incident.
    await expectProblem(await post(`/api/v1/incidents/${id}/transitions`, { to: 'dispatched' }, { cookie: '' }), 403);
    const got = (await (await server.get(`/api/v1/incidents/${id}`)).json()) as IncidentWithHistory;
    expect(got.history.map((h) => h.to)).toEqual(['reported', 'accepted']);
    expect(got.history[1]?.note).toBe('<i>ok</i>');
  });

  it('versions: +1 at every move, the ETag of the incident and of the move; a stale If-Match is 412 with the current incident', async () => {
    const { id } = (await (await post('/api/v1/incidents', incident())).json()) as { id: string };
    const first = await server.get(`/api/v1/incidents/${id}`);
    expect(first.headers.get('etag')).toBe('"1"');
    expect(((await first.json()) as { version: number }).version).toBe(1);
    const moved = await post(`/api/v1/incidents/${id}/transitions`, { to: 'accepted' }, { 'if-match': '"1"' });
    expect(moved.status).toBe(200);
    expect(moved.headers.get('etag')).toBe('"2"');
    expect(((await moved.json()) as { version: number }).version).toBe(2);
    // A second desk that still holds version 1 is told what changed instead of moving blindly.
    const stale = await post(`/api/v1/incidents/${id}/transitions`, { to: 'rejected', note: '重复上报' }, { 'if-match': '"1"' });
    const problem = await expectProblem(stale, 412);
    expect(stale.headers.get('etag')).toBe('"2"');
    expect((problem as unknown as { incident: { status: string; version: number } }).incident).toMatchObject({ status: 'accepted', version: 2 });
    // A refused move changes nothing, not even the version; no If-Match (or *) skips the check.
    await expectProblem(await post(`/api/v1/incidents/${id}/transitions`, { to: 'on_site' }, { 'if-match': '"2"' }), 409);
    // A dispatch that says not to whom is a 400 naming assignee (the write service's rule, on every route).
    await expectProblem(await post(`/api/v1/incidents/${id}/transitions`, { to: 'dispatched' }, { 'if-match': '"2"' }), 400, ['assignee']);
    await expectProblem(await post(`/api/v1/incidents/${id}/transitions`, { to: 'dispatched', assignee: '网格员 李四' }, { 'if-match': 'garbage' }), 412);
    expect((await post(`/api/v1/incidents/${id}/transitions`, { to: 'dispatched', assignee: '网格员 李四' }, { 'if-match': '*' })).headers.get('etag')).toBe('"3"');
    expect((await post(`/api/v1/incidents/${id}/transitions`, { to: 'on_site' })).headers.get('etag')).toBe('"4"');
    const got = (await (await server.get(`/api/v1/incidents/${id}`)).json()) as IncidentWithHistory;
    expect(got.version).toBe(4);
    expect(got.history.map((h) => h.to)).toEqual(['reported', 'accepted', 'dispatched', 'on_site']);
  });

  it('feeds: idempotent on externalId, placed, canteen meals placed from the canteen, unknown canteen 400', async () => {
    const drill = { externalId: `dr-${randomUUID()}`, occurredAt: new Date().toISOString(), level: 'micro_grid', kind: 'evacuation', participants: 40, location: { lng: inLng, lat: inLat } };
    const d1 = await post('/api/v1/fire-drills', drill);
    expect(d1.status).toBe(201);
    const d1b = (await d1.json()) as { id: string; gridId: string };
    expect(d1b.gridId).toBe(canteen.properties.gridId);
    const d2 = await post('/api/v1/fire-drills', { ...drill, participants: 1 });
    expect(d2.status).toBe(200);
    expect(((await d2.json()) as { id: string }).id).toBe(d1b.id);
    const meal = { externalId: `m-${randomUUID()}`, servedAt: new Date().toISOString(), canteenId: canteen.properties.id, tier: 'elderly_member' };
    const m = await post('/api/v1/canteen-meals', { items: [meal, { ...meal, externalId: `m-${randomUUID()}`, canteenId: 'NOPE' }] });
    const mr = (await m.json()) as { results: { status: number; gridId?: string; errors?: { path: string }[] }[] };
    expect(m.status).toBe(207);
    expect(mr.results[0]).toMatchObject({ status: 201, gridId: canteen.properties.gridId });
    expect(mr.results[1]?.errors?.map((e) => e.path)).toContain('items.1.canteenId');
    await expectProblem(await post('/api/v1/hazard-inspections', { externalId: 'h1', occurredAt: new Date().toISOString(), kind: 'routine', hazardsFound: 1, hazardsRectified: 2 }), 400, ['hazardsRectified']);
  });

  it('alarms resolve once; unknown alarm 404', async () => {
    const alarm = { externalId: `al-${randomUUID()}`, occurredAt: new Date().toISOString(), device: 'smoke', type: 'smoke', location: { lng: inLng, lat: inLat } };
    const { id } = (await (await post('/api/v1/alarms', alarm)).json()) as { id: string };
    const r = await post(`/api/v1/alarms/${id}/resolve`, { outcome: 'cooking_smoke' });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ outcome: 'cooking_smoke', externalId: alarm.externalId });
    await expectProblem(await post(`/api/v1/alarms/${id}/resolve`, { outcome: 'martians' }), 400, ['outcome']);
    await expectProblem(await post(`/api/v1/alarms/${randomUUID()}/resolve`, { outcome: 'test' }), 404);
  });

  it('purge removes simulated records only', async () => {
    const sim = (await (await post('/api/v1/incidents', incident({ simulated: true }))).json()) as { id: string };
    const real = (await (await post('/api/v1/incidents', incident())).json()) as { id: string };
    const res = await post('/api/v1/admin/purge-simulated', {});
    expect(res.status).toBe(200);
    const counts = (await res.json()) as { incidents: number };
    expect(counts.incidents).toBeGreaterThanOrEqual(1);
    expect((await server.get(`/api/v1/incidents/${sim.id}`)).status).toBe(404);
    expect((await server.get(`/api/v1/incidents/${real.id}`)).status).toBe(200);
  });
});
