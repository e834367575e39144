// Open311 GeoReport v2 through the REAL server, as an Open311 client sees it: every JSON answer
// checked against the community's schemas, every XML answer read back to the same object;
// form POST, retries, GET by id and list, the spec's errors; and real NYC and Boston 311 rows
// replayed onto the street, landing in the grids an independent point-in-polygon (turf) gives.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Papa from 'papaparse';
import { booleanPointInPolygon, lineString, point, pointToLineDistance } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident, Summary } from '@grid141/shared';
import { REPO_ROOT, startTestServer, type TestServer } from '../helpers/server.ts';
import { signIn } from '../helpers/session.ts';
import { form, open311Schemas, readOpen311Xml } from '../helpers/open311.ts';

const streetDir = path.join(REPO_ROOT, 'data', 'streets', 'shiyoulu');
const fixtures = path.join(REPO_ROOT, 'tests', 'fixtures', 'open311');
type GridFeature = Feature<Polygon | MultiPolygon, { id: string }>;
const grids = (JSON.parse(readFileSync(path.join(streetDir, 'grids.geojson'), 'utf8')) as { features: GridFeature[] }).features;
const street = JSON.parse(readFileSync(path.join(streetDir, 'street.json'), 'utf8')) as { bbox: [number, number, number, number] };
const pois = (JSON.parse(readFileSync(path.join(streetDir, 'pois.geojson'), 'utf8')) as { features: { properties: { name: string; kind: string }; geometry: { coordinates: [number, number] } }[] }).features;
const canteen = pois.find((f) => f.properties.kind === 'canteen') as (typeof pois)[number];
const [inLng, inLat] = canteen.geometry.coordinates;

const schemas = open311Schemas();
const V2 = '/open311/v2';

/** The grid turf puts the point in, or null. */
function turfGrid(lng: number, lat: number): string | null {
  const p = point([lng, lat]);
  return grids.find((g) => booleanPointInPolygon(p, g))?.properties.id ?? null;
}

function turfDistanceM(lng: number, lat: number, gridId: string): number {
  const grid = grids.find((g) => g.properties.id === gridId) as GridFeature;
  const g = grid.geometry;
  const rings = g.type === 'Polygon' ? g.coordinates : g.coordinates.flat(1);
  return Math.min(...rings.map((ring) => pointToLineDistance(point([lng, lat]), lineString(ring), { units: 'meters' })));
}

/** A 311 category of New York or Boston as one of our services. */
function serviceFor(type: string): string {
  if (/noise|loud|helicopter/i.test(type)) return 'environment';
  if (/heat|hot water|plumbing|electric|leak|paint|door|elevator|unsanitary|living|utilities|pest|rental|air quality/i.test(type)) return 'livelihood';
  if (/encampment|animal-abuse|consumer/i.test(type)) return 'public_order';
  if (/safety|obstruction|sidewalk repair|manhole|signal|knockdown/i.test(type)) return 'safety_hazard';
  return 'city_mgmt';
}

interface Row {
  id: string;
  type: string;
  text: string;
  lat: number;
  lng: number;
}

/** Rows with their points moved onto the street: the rows' bounding box mapped onto the street's, 5 % in from each edge. */
function ontoStreet(rows: Row[]): Row[] {
  const lats = rows.map((r) => r.lat), lngs = rows.map((r) => r.lng);
  const [w, s, e, n] = [Math.min(...lngs), Math.min(...lats), Math.max(...lngs), Math.max(...lats)];
  const [W, S, E, N] = street.bbox;
  const mx = (E - W) * 0.05, my = (N - S) * 0.05;
  return rows.map((r) => ({
    ...r,
    lng: W + mx + ((r.lng - w) / (e - w || 1)) * (E - W - 2 * mx),
    lat: S + my + ((r.lat - s) / (n - s || 1)) * (N - S - 2 * my),
  }));
}

function csv(file: string): Record<string, string>[] {
  return Papa.parse<Record<string, string>>(readFileSync(path.join(fixtures, file), 'utf8'), { header: true, skipEmptyLines: true }).data;
}

describe('Open311 GeoReport v2', () => {
  let server: TestServer;
  let key: string;

  const get = (p: string, init?: RequestInit) => fetch(`${server.url}${V2}${p}`, init);
  const post = (p: string, fields: Record<string, string | undefined>, headers: Record<string, string> = {}) => {
    const f = form(fields);
    return fetch(`${server.url}${V2}${p}`, { method: 'POST', body: f.body, headers: { ...f.headers, ...headers } });
  };
  /** GETs the JSON and the XML twin of a resource, checks both and returns the JSON. */
  async function both(p: string, root: string, validate: (typeof schemas)[keyof typeof schemas] | null, status = 200): Promise<unknown> {
    const [json, xml] = await Promise.all([get(`${p.replace('{f}', 'json')}`), get(`${p.replace('{f}', 'xml')}`)]);
    expect(json.status, `${p} (JSON)`).toBe(status);
    expect(xml.status, `${p} (XML)`).toBe(status);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(xml.headers.get('content-type')).toMatch(/^text\/xml/);
    const body: unknown = await json.json();
    if (validate) expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    expect(readOpen311Xml(await xml.text(), root), `${p}: the XML answer says what the JSON says`).toEqual(body);
    return body;
  }
  const withKey = (p: string) => `${p}${p.includes('?') ? '&' : '?'}api_key=${encodeURIComponent(key)}`;

  beforeAll(async () => {
    server = await startTestServer();
    key = server.credentials.ingestKey;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('serves discovery, the services from the taxonomy and their definitions, schema-valid, XML equal to JSON', async () => {
    const discovery = (await both('/discovery.{f}', 'discovery', null)) as { endpoints: { url: string; formats: string[]; specification: string }[] };
    expect(discovery.endpoints[0]).toMatchObject({ url: `${server.url}${V2}`, formats: ['text/xml', 'application/json'], specification: 'http://wiki.open311.org/GeoReport_v2' });

    const services = (await both('/services.{f}', 'services', schemas.services)) as { service_code: string; group: string; type: string; metadata: boolean; keywords: string }[];
    expect(services.map((s) => s.service_code)).toContain('city_mgmt');
    expect(services).toHaveLength(9);
    expect(services.every((s) => s.type === 'realtime' && s.metadata && s.keywords.length > 0)).toBe(true);
    expect(services.find((s) => s.service_code === 'emergency')?.group).toBe('平安法治');
    const en = (await (await get('/services.json', { headers: { 'accept-language': 'en' } })).json()) as { service_code: string; service_name: string; group: string }[];
    expect(en.find((s) => s.service_code === 'emergency')).toMatchObject({ service_name: 'Emergency', group: 'Safety and rule of law' });

    for (const s of services) {
      const def = (await both(`/services/${s.service_code}.{f}`, 'service_definition', schemas.serviceDefinition)) as { service_code: string; attributes: { code: string; values?: { key: string }[] }[] };
      expect(def.service_code).toBe(s.service_code);
      expect(def.attributes.map((a) => a.code)).toEqual(['urgency', 'subcategory', 'address_detail']);
      expect(def.attributes[0]?.values?.map((v) => v.key)).toEqual(['critical', 'urgent', 'normal']);
    }
    expect(await both('/services/potholes.{f}', 'errors', schemas.errors, 404)).toEqual([{ code: 404, description: 'service_code potholes was not found' }]);
    // An empty jurisdiction_id is an absent one; another is unknown.
    expect((await get('/services.json?jurisdiction_id=')).status).toBe(200);
    expect((await get('/services.json?jurisdiction_id=shiyoulu')).status).toBe(200);
    expect(await both('/services.{f}?jurisdiction_id=sf', 'errors', schemas.errors, 404)).toHaveLength(1);
  });

  it('stamps a request with the time targets as they stand in the database (a leader\'s edit), as the JSON API does', async () => {
    const cookie = await signIn(server.url, 'admin', server.credentials.adminPassword);
    const put = await fetch(`${server.url}/api/v1/duty/targets/urgent`, {
      method: 'PUT', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ acceptMin: 17, arriveMin: 47, handleMin: 247, closeMin: 1447 }),
    });
    expect(put.status).toBe(200);
    try {
      const created = await post('/requests.json', {
        api_key: key, service_code: 'safety_hazard', lat: String(inLat), long: String(inLng), description: '楼道堆放杂物', device_id: randomUUID(), 'attribute[urgency]': 'urgent',
      });
      expect(created.status).toBe(200);
      const id = ((await created.json()) as { service_request_id: string }[])[0]?.service_request_id as string;
      const incident = (await (await server.get(`/api/v1/incidents/${id}`)).json()) as Incident;
      const after = (iso: string | null | undefined) => (Date.parse(iso as string) - Date.parse(incident.reportedAt)) / 60_000;
      expect(incident.slaProfile).toBe('urgent');
      expect([after(incident.acceptBy), after(incident.arriveBy), after(incident.handleBy), after(incident.dueAt)]).toEqual([17, 47, 247, 1447]);
    } finally {
      // The taxonomy's urgent profile again, for the tests after this one.
      await fetch(`${server.url}/api/v1/duty/targets/urgent`, {
        method: 'PUT', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ acceptMin: 10, arriveMin: 30, handleMin: 240, closeMin: 1440 }),
      });
    }
  });

  it('takes a form POST and follows the request by id and in the list, in JSON and XML', async () => {
    const device = randomUUID();
    const fields = {
      api_key: key, jurisdiction_id: '', service_code: 'city_mgmt', lat: String(inLat), long: String(inLng),
      description: '人行道上有占道经营的摊位\n挡住了盲道', device_id: device, email: 'resident@example.org', first_name: '李', last_name: '四',
      phone: '13800000000', media_url: 'https://example.org/photo.jpg', 'attribute[urgency]': 'urgent', 'attribute[subcategory]': '占道经营',
      'attribute[address_detail]': '3 栋 1 单元门口', address_string: '石油路 3 号',
    };
    const created = await post('/requests.json', fields);
    expect(created.status).toBe(200);
    const answer = (await created.json()) as { service_request_id: string; service_notice: string }[];
    expect(schemas.requestResponse(answer), JSON.stringify(schemas.requestResponse.errors)).toBe(true);
    const id = answer[0]?.service_request_id as string;
    expect(answer[0]?.service_notice).toMatch(/网格 SYL-/);
    expect(Object.keys(answer[0] ?? {})).toEqual(['service_request_id', 'service_notice']);

    // A retry (same device, description and place within a minute) is the same request; XML answers alike.
    const retry = await post('/requests.xml', fields);
    expect(retry.status).toBe(200);
    expect(readOpen311Xml(await retry.text(), 'service_requests')).toEqual([{ service_request_id: id, service_notice: answer[0]?.service_notice }]);
    const other = (await (await post('/requests.json', { ...fields, device_id: randomUUID() })).json()) as { service_request_id: string }[];
    expect(other[0]?.service_request_id).not.toBe(id);
    // The same device, text and place with another reporter is another person's report, not a retry;
    // and a form with a bad field is refused, never answered with the earlier request's id.
    const neighbour = (await (await post('/requests.json', { ...fields, first_name: '王', phone: '13900000000' })).json()) as { service_request_id: string }[];
    expect(neighbour[0]?.service_request_id).not.toBe(id);
    expect((await post('/requests.json', { ...fields, media_url: 'ftp://example.org/photo.jpg' })).status).toBe(400);

    const one = (await both(withKey(`/requests/${id}.{f}`), 'service_requests', schemas.requests)) as Record<string, unknown>[];
    expect(one).toHaveLength(1);
    expect(one[0]).toMatchObject({
      service_request_id: id, status: 'open', status_notes: null, service_code: 'city_mgmt', service_name: '城市管理',
      description: fields.description, agency_responsible: null, address: '石油路 3 号 3 栋 1 单元门口', lat: inLat, long: inLng,
      media_url: 'https://example.org/photo.jpg',
    });
    expect(one[0]?.requested_datetime).toMatch(/\+08:00$/);
    expect(one[0]?.expected_datetime).toMatch(/\+08:00$/);

    // The same incident in Grid141's own API: placed, urgent, reported by the form's person.
    const incident = (await (await server.get(`/api/v1/incidents/${id}`)).json()) as Incident;
    expect(incident).toMatchObject({ source: 'open311', urgency: 'urgent', subcategory: '占道经营', photos: ['https://example.org/photo.jpg'] });
    // A wall's token sees the reporter's number masked; an admin (a leader and up) whole.
    expect(incident.reporter).toEqual({ kind: 'resident', name: '李 四', contact: '138****0000' });
    const whole = (await (await fetch(`${server.url}/api/v1/incidents/${id}`, { headers: { cookie: await signIn(server.url, 'admin', server.credentials.adminPassword) } })).json()) as Incident;
    expect(whole.reporter).toEqual({ kind: 'resident', name: '李 四', contact: 'resident@example.org / 13800000000' });
    expect(incident.gridId).toMatch(/^SYL-/);
    // expected_datetime is the close target, requested_datetime the report (to the second, the street's offset).
    const sec = (iso: unknown) => Math.floor(Date.parse(iso as string) / 1000);
    expect(sec(one[0]?.expected_datetime)).toBe(sec(incident.dueAt));
    expect(sec(one[0]?.requested_datetime)).toBe(sec(incident.reportedAt));

    // The desk moves it: status_notes is the last note, agency_responsible the department, closed is closed.
    const cookie = await signIn(server.url, 'admin', server.credentials.adminPassword);
    const move = (to: string, extra: Record<string, string> = {}) => fetch(`${server.url}/api/v1/incidents/${id}/transitions`, {
      method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ to, ...extra }),
    });
    expect((await move('accepted')).status).toBe(200);
    expect((await move('dispatched', { assignee: '城管执法中队', note: '已派城管执法中队' })).status).toBe(200);
    // The desk's own notes are the desk's (a callback number, a word among colleagues): never status_notes,
    // and no move (written in a later second than the dispatch, so updated_datetime can tell them apart).
    await new Promise((r) => setTimeout(r, 1_100));
    const deskNote = await fetch(`${server.url}/api/v1/duty/incidents/${id}/notes`, {
      method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ note: '内部：已电话回访 13800000000' }),
    });
    expect(deskNote.status).toBe(200);
    const dispatched = (await both(withKey(`/requests/${id}.{f}`), 'service_requests', schemas.requests)) as Record<string, unknown>[];
    expect(dispatched[0]).toMatchObject({ status: 'open', status_notes: '已派城管执法中队', agency_responsible: '城管执法中队' });
    // updated_datetime is the last move (the desk note after it is no move).
    const afterDispatch = (await (await server.get(`/api/v1/incidents/${id}`)).json()) as Incident & { history: { to: string; at: string }[] };
    expect(sec(dispatched[0]?.updated_datetime)).toBe(sec(afterDispatch.history.find((h) => h.to === 'dispatched')?.at));
    expect(sec(afterDispatch.updatedAt)).toBeGreaterThan(sec(dispatched[0]?.updated_datetime));
    await move('handled', { note: '摊位已劝离' });
    await move('closed', { note: '已办结' });
    const closed = (await both(withKey(`/requests/${id}.{f}`), 'service_requests', schemas.requests)) as Record<string, unknown>[];
    expect(closed[0]).toMatchObject({ status: 'closed', status_notes: '已办结' });

    // Lists: by ids, by status and service, by dates; every item schema-valid.
    const byIds = (await both(withKey(`/requests.{f}?service_request_id=${id},${other[0]?.service_request_id}`), 'service_requests', schemas.requests)) as { service_request_id: string }[];
    expect(byIds.map((r) => r.service_request_id).sort()).toEqual([id, other[0]?.service_request_id].sort());
    // A list item says what the request by id says (status_notes and updated_datetime read from the store for a page).
    expect(byIds.find((r) => r.service_request_id === id)).toEqual(closed[0]);
    const closedList = (await both(withKey('/requests.{f}?status=closed&service_code=city_mgmt'), 'service_requests', schemas.requests)) as { service_request_id: string; status: string }[];
    expect(closedList.map((r) => r.service_request_id)).toContain(id);
    expect(closedList.every((r) => r.status === 'closed')).toBe(true);
    const openList = (await both(withKey('/requests.{f}?status=open'), 'service_requests', schemas.requests)) as { service_request_id: string }[];
    expect(openList.map((r) => r.service_request_id)).not.toContain(id);
    const start = encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString());
    const inHour = (await both(withKey(`/requests.{f}?start_date=${start}`), 'service_requests', schemas.requests)) as unknown[];
    expect(inHour.length).toBeGreaterThanOrEqual(2);
    const past = encodeURIComponent('2020-01-01T00:00:00+08:00');
    expect(await both(withKey(`/requests.{f}?end_date=${past}`), 'service_requests', schemas.requests)).toEqual([]);
  });

  it('takes the admin\'s named API keys: one with the incidents right reports, one without is 403, a revoked one is 403 at once', async () => {
    const admin = await signIn(server.url, 'admin', server.credentials.adminPassword);
    const makeKey = async (name: string, kinds: string[]) => {
      const res = await fetch(`${server.url}/api/v1/keys`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: admin }, body: JSON.stringify({ name, kinds }) });
      expect(res.status).toBe(201);
      return (await res.json()) as { id: string; key: string };
    };
    const hotline = await makeKey('12345热线', ['incidents']);
    const smoke = await makeKey('烟感平台', ['alarms']);
    const fields = { service_code: 'city_mgmt', lat: String(inLat), long: String(inLng), description: `命名密钥上报 ${randomUUID()}` };
    const ok = await post('/requests.json', { ...fields, api_key: hotline.key });
    expect(ok.status).toBe(200);
    const [created] = (await ok.json()) as { service_request_id: string }[];
    expect((await get(withKey(`/requests/${created?.service_request_id}.json`))).status).toBe(200);
    const denied = await post('/requests.json', { ...fields, api_key: smoke.key });
    expect(denied.status).toBe(403);
    expect(JSON.stringify(await denied.json())).toMatch(/may not report incidents/);
    expect((await fetch(`${server.url}/api/v1/keys/${hotline.id}`, { method: 'DELETE', headers: { cookie: admin } })).status).toBeLessThan(300);
    expect((await post('/requests.json', { ...fields, api_key: hotline.key })).status).toBe(403);
  });

  it('answers the spec\'s error lists with the spec\'s statuses', async () => {
    const base = { api_key: key, service_code: 'city_mgmt', lat: String(inLat), long: String(inLng), description: '井盖缺失' };
    const expectErrors = async (res: Response, status: number, match: RegExp) => {
      expect(res.status).toBe(status);
      const body = (await res.json()) as { code: number; description: string }[];
      expect(schemas.errors(body), JSON.stringify(body)).toBe(true);
      expect(body.every((e) => e.code === status)).toBe(true);
      expect(body.map((e) => e.description).join(' | ')).toMatch(match);
    };
    await expectErrors(await post('/requests.json', { ...base, api_key: undefined }), 403, /api_key/);
    await expectErrors(await post('/requests.json', { ...base, api_key: 'wrong' }), 403, /api_key/);
    await expectErrors(await post('/requests.json', { ...base, service_code: undefined }), 400, /service_code was not provided/);
    await expectErrors(await post('/requests.json', { ...base, service_code: 'potholes' }), 404, /service_code potholes/);
    await expectErrors(await post('/requests.json', { ...base, long: undefined }), 400, /long was not provided/);
    await expectErrors(await post('/requests.json', { ...base, lat: 'north' }), 400, /lat must be/);
    await expectErrors(await post('/requests.json', { ...base, lat: undefined, long: undefined }), 400, /send lat and long/);
    await expectErrors(await post('/requests.json', { ...base, lat: undefined, long: undefined, address_string: 'Main Street 1' }), 400, /address_string/);
    await expectErrors(await post('/requests.json', { ...base, description: '<b>井盖</b>缺失' }), 400, /plain text/);
    await expectErrors(await post('/requests.json', { ...base, description: 'x'.repeat(4001) }), 400, /4000/);
    await expectErrors(await post('/requests.json', { ...base, 'attribute[urgency]': 'asap' }), 400, /attribute\[urgency\]/);
    await expectErrors(await post('/requests.json', { ...base, media_url: 'ftp://x/y' }), 400, /media_url/);
    await expectErrors(await post('/requests.json', { ...base, jurisdiction_id: 'sf' }), 404, /jurisdiction_id sf/);
    // Several problems at once: all of them listed.
    const many = await post('/requests.json', { ...base, lat: undefined, description: '<i>x</i>' });
    expect(((await many.json()) as unknown[]).length).toBe(2);
    // JSON is not the form the spec sends: refused before it is read.
    await expectErrors(await fetch(`${server.url}${V2}/requests.json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(base) }), 415, /x-www-form-urlencoded/);
    await expectErrors(await get('/requests.json'), 403, /api_key/);
    await expectErrors(await get(withKey('/requests/nope.json')), 404, /service_request_id nope/);
    await expectErrors(await get(withKey('/requests.json?status=pending')), 400, /status/);
    await expectErrors(await get(withKey('/requests.json?start_date=yesterday')), 400, /start_date/);
    await expectErrors(await get(withKey('/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z')), 400, /90 days/);
    await expectErrors(await get(withKey('/requests.json?service_code=potholes')), 404, /potholes/);
    await expectErrors(await get('/nothing.json'), 404, /no Open311 resource/);
    await expectErrors(await get(withKey(`/requests/${encodeURIComponent('事件')}.json`)), 404, /service_request_id 事件 was not found/);
    // A field sent twice is one error (not also "not provided").
    const twice = `${form(base).body}&lat=${inLat}`;
    const dup = await fetch(`${server.url}${V2}/requests.json`, { method: 'POST', body: twice, headers: form(base).headers });
    expect(await dup.json()).toEqual([{ code: 400, description: 'lat was given more than once or in a form this service does not read' }]);
    // media_url repeated (FixMyStreet's multi_photos): one photo each; more than 10 is refused.
    const photos = `${form({ ...base, description: `两张照片 ${randomUUID()}` }).body}&media_url=${encodeURIComponent('https://example.org/1.jpg')}&media_url=${encodeURIComponent('https://example.org/2.jpg')}`;
    const twoPhotos = await fetch(`${server.url}${V2}/requests.json`, { method: 'POST', body: photos, headers: form(base).headers });
    expect(twoPhotos.status).toBe(200);
    const [withPhotos] = (await twoPhotos.json()) as { service_request_id: string }[];
    expect(((await (await server.get(`/api/v1/incidents/${withPhotos?.service_request_id}`)).json()) as Incident).photos).toEqual(['https://example.org/1.jpg', 'https://example.org/2.jpg']);
    const eleven = `${form(base).body}${'&media_url=https%3A%2F%2Fexample.org%2Fp.jpg'.repeat(11)}`;
    await expectErrors(await fetch(`${server.url}${V2}/requests.json`, { method: 'POST', body: eleven, headers: form(base).headers }), 400, /media_url/);
    // Another method: 405 saying what the resource takes.
    const put = await fetch(`${server.url}${V2}/requests.json`, { method: 'PUT' });
    expect([put.status, put.headers.get('allow')]).toEqual([405, 'GET, HEAD, POST']);
    expect((await fetch(`${server.url}${V2}/services.json`, { method: 'POST' })).headers.get('allow')).toBe('GET, HEAD');
    // Dates far off are no error, only nothing (year 0000, and 90 days after 9999-12-31 were a 500).
    for (const q of ['start_date=0000-01-01T00:00:00Z', 'start_date=9999-12-31T23:59:59Z', 'end_date=0001-01-01T00:00:00%2B14:00']) {
      const far = await get(withKey(`/requests.json?${q}`));
      expect(far.status, q).toBe(200);
      expect(await far.json()).toEqual([]);
    }
    // XML errors: the same list.
    const xml = await post('/requests.xml', { ...base, api_key: 'wrong' });
    expect(xml.status).toBe(403);
    expect(readOpen311Xml(await xml.text(), 'errors')).toEqual([{ code: 403, description: 'api_key was not provided or is invalid' }]);
    // An address the street's map knows is placed without lat/long.
    const named = await post('/requests.json', { ...base, lat: undefined, long: undefined, address_string: `${canteen.properties.name}门口` });
    expect(named.status).toBe(200);
  });

  it('places 600 real NYC rows and 100 Boston rows in the grids turf puts them, and the figures count them there', async () => {
    const before = (await (await server.get('/api/v1/summary')).json()) as Summary;
    const nyc = ontoStreet(csv('nyc_311_600.csv').map((r) => ({
      id: `NYC ${r['Unique Key']}`, type: r['Complaint Type'] ?? '', text: `${r['Complaint Type']} – ${r.Descriptor}${r['Incident Address'] ? ` (${r['Incident Address']})` : ''}`,
      lat: Number(r.Latitude), lng: Number(r.Longitude),
    })));
    const boston = ontoStreet(csv('boston_311_100.csv').map((r) => ({
      id: `Boston ${r.case_enquiry_id}`, type: r.type ?? '', text: `${r.case_title ?? r.type}`, lat: Number(r.latitude), lng: Number(r.longitude),
    })));
    expect(nyc).toHaveLength(600);
    expect(boston).toHaveLength(100);
    const rows = [...nyc, ...boston];
    const ids: string[] = [];
    // Eight clients at a time, as several reporting systems would send.
    for (let i = 0; i < rows.length; i += 8) {
      const answers = await Promise.all(rows.slice(i, i + 8).map(async (r) => {
        const res = await post('/requests.json', {
          api_key: key, service_code: serviceFor(r.type), lat: r.lat.toFixed(7), long: r.lng.toFixed(7), description: `${r.id}: ${r.text}`, device_id: r.id,
        });
        expect(res.status, `${r.id}`).toBe(200);
        return ((await res.json()) as { service_request_id: string }[])[0]?.service_request_id as string;
      }));
      ids.push(...answers);
    }
    expect(new Set(ids).size).toBe(700);

    const placed = new Map<string, Incident>();
    for (let i = 0; i < ids.length; i += 100) {
      const list = (await (await get(withKey(`/requests.json?service_request_id=${ids.slice(i, i + 100).join(',')}`))).json()) as unknown[];
      expect(schemas.requests(list)).toBe(true);
      expect(list).toHaveLength(Math.min(100, ids.length - i));
    }
    let page: { items: Incident[]; nextCursor: string | null } = { items: [], nextCursor: null };
    let cursor: string | null = null;
    do {
      page = (await (await server.get(`/api/v1/incidents?source=open311&limit=500${cursor ? `&cursor=${cursor}` : ''}`)).json()) as typeof page;
      for (const i of page.items) placed.set(i.id, i);
      cursor = page.nextCursor;
    } while (cursor);

    // Per city: in a grid where turf agrees, snapped to a grid within 100 m, outside the street.
    const tally = { NYC: { inGrid: 0, snapped: 0, outside: 0 }, Boston: { inGrid: 0, snapped: 0, outside: 0 } };
    const expectedByGrid = new Map<string, number>();
    rows.forEach((r, n) => {
      const incident = placed.get(ids[n] as string) as Incident;
      expect(incident, r.id).toBeDefined();
      const city = tally[r.id.startsWith('NYC') ? 'NYC' : 'Boston'];
      const want = turfGrid(incident.location.lng, incident.location.lat);
      if (want !== null) {
        city.inGrid += 1;
        expect(incident.gridId, `${r.id} at ${incident.location.lng},${incident.location.lat}`).toBe(want);
      } else if (incident.gridId !== null) {
        // In no grid by turf but within 100 m of one (a seam, or just outside the street): given to the nearest.
        city.snapped += 1;
        expect(turfDistanceM(incident.location.lng, incident.location.lat, incident.gridId)).toBeLessThanOrEqual(101);
      } else {
        city.outside += 1;
        expect(incident.outsideArea).toBe(true);
      }
      if (incident.gridId) expectedByGrid.set(incident.gridId, (expectedByGrid.get(incident.gridId) ?? 0) + 1);
    });
    expect(tally.NYC.inGrid).toBeGreaterThan(550);
    expect(tally.NYC.inGrid + tally.NYC.snapped + tally.NYC.outside).toBe(600);

    // The wall's figures: today's count per grid grew by exactly what was placed there.
    const after = await waitFor(async () => {
      const s = (await (await server.get('/api/v1/summary')).json()) as Summary;
      return s.incidents.today.total - before.incidents.today.total === 700 ? s : null;
    });
    // All 700 are open (a possible duplicate among them is still counted until a merge).
    expect(after.incidents.today.open - before.incidents.today.open).toBe(700);
    for (const [grid, n] of expectedByGrid) {
      expect((after.incidents.today.byGrid[grid] ?? 0) - (before.incidents.today.byGrid[grid] ?? 0), grid).toBe(n);
    }
    for (const [name, t] of Object.entries(tally)) {
      console.log(`open311 replay ${name}: ${t.inGrid} in a grid (turf agrees), ${t.snapped} snapped within 100 m, ${t.outside} outside`);
    }
  });
});

describe('Open311 GeoReport v2: the list\'s defaults and limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('serves the last 90 days by default, at most 1,000 requests, newest first; older ones by dates', async () => {
    const key = server.credentials.ingestKey;
    const write = async (items: unknown[]) => {
      const res = await fetch(`${server.url}/api/v1/incidents`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify({ items }),
      });
      expect(res.status).toBeLessThan(300);
    };
    const DAY = 86_400_000;
    const item = (n: number, reportedAt: string) => ({
      externalId: `limits-${n}`, source: 'hotline_12345', category: 'city_mgmt', description: `列表上限 ${n}`, location: { lng: inLng + (n % 50) * 1e-5, lat: inLat }, reportedAt,
    });
    // 100 days old: outside the default span. Then 1,000 within the last hour, one more than the cap with the one below.
    await write([item(0, new Date(Date.now() - 100 * DAY).toISOString())]);
    await write(Array.from({ length: 1000 }, (_, i) => item(i + 1, new Date(Date.now() - 3_600_000 + i * 1000).toISOString())));
    await write([item(1001, new Date(Date.now() - 2 * DAY).toISOString())]);

    const list = (await (await fetch(`${server.url}/open311/v2/requests.json?api_key=${encodeURIComponent(key)}`)).json()) as { description: string; requested_datetime: string }[];
    expect(schemas.requests(list)).toBe(true);
    expect(list).toHaveLength(1000);
    const times = list.map((r) => Date.parse(r.requested_datetime));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // Newest first: the two-day-old one is the 1,001st, left out; the 100-day-old one is outside the span.
    expect(list.some((r) => r.description === '列表上限 1001' || r.description === '列表上限 0')).toBe(false);
    const from = encodeURIComponent(new Date(Date.now() - 101 * DAY).toISOString());
    const to = encodeURIComponent(new Date(Date.now() - 95 * DAY).toISOString());
    const old = (await (await fetch(`${server.url}/open311/v2/requests.json?api_key=${encodeURIComponent(key)}&start_date=${from}&end_date=${to}`)).json()) as { description: string }[];
    expect(old.map((r) => r.description)).toEqual(['列表上限 0']);
  });
});

async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error('the figures did not catch up in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
