// Duplicate reports through the REAL server: a second report of the same matter close by is
// marked possibleDuplicateOf (JSON API and Open311 alike), an operator merges it with one call,
// the timelines and the wall's figures follow, and the undo is a leader's (sessions only).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentWithHistory, Summary } from '@grid141/shared';
import { REPO_ROOT, startTestServer, type TestServer } from '../helpers/server.ts';
import { form } from '../helpers/open311.ts';
import { signIn } from '../helpers/session.ts';

const streetDir = path.join(REPO_ROOT, 'data', 'streets', 'shiyoulu');
const pois = (JSON.parse(readFileSync(path.join(streetDir, 'pois.geojson'), 'utf8')) as { features: { properties: { kind: string }; geometry: { coordinates: [number, number] } }[] }).features;
const [lng, lat] = (pois.find((f) => f.properties.kind === 'canteen') as (typeof pois)[number]).geometry.coordinates;
const M_LNG = 1 / (111_320 * Math.cos((lat * Math.PI) / 180));

describe('duplicate reports and merges', () => {
  let server: TestServer;
  let admin: string;
  const write = (p: string, body: unknown) => fetch(`${server.url}${p}`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': server.credentials.ingestKey }, body: JSON.stringify(body),
  });
  // Merges and undos are people's: a signed-in admin (every right of operator and leader).
  const act = (p: string, body: unknown, cookie: string | null = admin) => fetch(`${server.url}${p}`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : { 'x-api-key': server.credentials.ingestKey }) }, body: JSON.stringify(body),
  });
  const report = async (over: Record<string, unknown>) => {
    const res = await write('/api/v1/incidents', { externalId: randomUUID(), source: 'grid_patrol', category: 'city_mgmt', description: '井盖缺失', location: { lng, lat }, ...over });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as { id: string; possibleDuplicateOf: string | null };
  };
  const incident = async (id: string) => (await (await server.get(`/api/v1/incidents/${id}`)).json()) as IncidentWithHistory;
  const summary = async () => (await (await server.get('/api/v1/summary')).json()) as Summary;

  beforeAll(async () => {
    server = await startTestServer();
    admin = await signIn(server.url, 'admin', server.credentials.adminPassword);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('marks a report of the same matter within 50 m and 30 minutes, merges it in one call, and the figures count the matter once', async () => {
    // Reported 25 hours ago, past its same-day close target: overdue, to watch the overdue count.
    const reportedAt = new Date(Date.now() - 25 * 3_600_000).toISOString();
    const original = await report({ reportedAt });
    expect(original.possibleDuplicateOf).toBeNull();
    // 30 m east, same category, at the same time: a possible duplicate (overdue too).
    const second = await report({ location: { lng: lng + 30 * M_LNG, lat }, reportedAt, photos: ['https://example.org/b.jpg'], reporter: { name: '张三' } });
    expect(second.possibleDuplicateOf).toBe(original.id);
    // Another category, or 130 m away (100 m from the second): not one.
    expect((await report({ category: 'environment', reportedAt })).possibleDuplicateOf).toBeNull();
    expect((await report({ location: { lng: lng + 130 * M_LNG, lat }, reportedAt })).possibleDuplicateOf).toBeNull();
    // More than 30 minutes later: not one either.
    const recent = await report({});
    expect(recent.possibleDuplicateOf).toBeNull();
    // Through Open311 the same check runs (now, 10 m from the last report).
    const f = form({ api_key: server.credentials.ingestKey, service_code: 'city_mgmt', lat: String(lat), long: String(lng + 10 * M_LNG), description: '井盖没了', device_id: randomUUID() });
    const o311 = (await (await fetch(`${server.url}/open311/v2/requests.json`, { method: 'POST', body: f.body, headers: f.headers })).json()) as { service_request_id: string }[];
    const third = await incident(o311[0]?.service_request_id as string);
    expect(third.possibleDuplicateOf).toBe(recent.id);

    const before = await summary();
    // A reporting system's key may report, not merge.
    expect((await act(`/api/v1/incidents/${second.id}/merge`, { into: original.id }, null)).status).toBe(403);
    // …and docs/api.md says so (tester item 9: it said "X-Api-Key or an operator").
    const mergeDoc = /^- `POST \/api\/v1\/incidents\/:id\/merge`[^\n]*\n[^\n]*/m.exec(readFileSync(path.join(REPO_ROOT, 'docs', 'api.md'), 'utf8'))?.[0] ?? '';
    expect(mergeDoc).toMatch(/operator/);
    expect(mergeDoc).toMatch(/API key gets `403`/);
    expect(mergeDoc).not.toMatch(/X-Api-Key or/);
    const merge = await act(`/api/v1/incidents/${second.id}/merge`, { into: original.id });
    expect(merge.status).toBe(200);
    expect(await merge.json()).toMatchObject({ id: second.id, status: 'merged', mergedInto: original.id });

    const merged = await incident(second.id);
    expect(merged).toMatchObject({ photos: ['https://example.org/b.jpg'], reporter: { name: '张三' } });
    expect(merged.history.map((h) => h.to)).toEqual(['reported', 'merged']);
    expect((await incident(original.id)).history.at(-1)).toMatchObject({ event: 'merged_in', relatedId: second.id, by: 'admin' });
    const after = await waitFor(async () => {
      const s = await summary();
      return s.incidents.today.open === before.incidents.today.open - 1 ? s : null;
    });
    expect(after.incidents.today.total).toBe(before.incidents.today.total);
    expect(after.incidents.today.overdue).toBe(before.incidents.today.overdue - 1);
    expect(after.incidents.today.closed).toBe(before.incidents.today.closed);

    // Open311 sees it closed, with the merge as its note.
    const o311Merged = (await (await fetch(`${server.url}/open311/v2/requests/${second.id}.json?api_key=${encodeURIComponent(server.credentials.ingestKey)}`)).json()) as { status: string; status_notes: string }[];
    expect(o311Merged[0]).toMatchObject({ status: 'closed', status_notes: `合并至 ${original.id}` });

    // Refusals: again (409), into a merged one (409), unknown (404), a bad body (400).
    expect((await act(`/api/v1/incidents/${second.id}/merge`, { into: original.id })).status).toBe(409);
    expect((await act(`/api/v1/incidents/${third.id}/merge`, { into: second.id })).status).toBe(409);
    expect((await act(`/api/v1/incidents/${third.id}/merge`, { into: 'nope' })).status).toBe(404);
    expect((await act(`/api/v1/incidents/${third.id}/merge`, {})).status).toBe(400);
    // If-Match on the duplicate: a stale version is a 412 with the current incident.
    expect((await fetch(`${server.url}/api/v1/incidents/${third.id}/merge`, {
      method: 'POST', headers: { 'content-type': 'application/json', cookie: admin, 'if-match': '"99"' }, body: JSON.stringify({ into: recent.id }),
    })).status).toBe(412);

    // Undoing is a leader's (signed in; the ingest key is not enough): the duplicate is open and counted again.
    expect((await act(`/api/v1/incidents/${second.id}/unmerge`, {}, null)).status).toBe(403);
    const undo = await act(`/api/v1/incidents/${second.id}/unmerge`, { note: '不是同一处' });
    expect(undo.status).toBe(200);
    expect(await undo.json()).toMatchObject({ status: 'reported', mergedInto: null, closedAt: null });
    expect((await incident(original.id)).history.at(-1)).toMatchObject({ event: 'merge_undone', relatedId: second.id, note: '不是同一处' });
    await waitFor(async () => ((await summary()).incidents.today.open === before.incidents.today.open ? true : null));
    expect((await act(`/api/v1/incidents/${second.id}/unmerge`, {})).status).toBe(409);
  });

  it('refuses a merge into a closed, rejected or merged incident with a 409 naming into, Chinese first (tester finding 10)', async () => {
    const move = async (id: string, body: Record<string, unknown>) => {
      const res = await act(`/api/v1/incidents/${id}/transitions`, body);
      expect(res.status, await res.clone().text()).toBe(200);
    };
    const closed = await report({ location: { lng: lng + 0.01, lat } });
    await move(closed.id, { to: 'accepted' });
    await move(closed.id, { to: 'closed' });
    const rejected = await report({ location: { lng: lng + 0.02, lat } });
    await move(rejected.id, { to: 'rejected', note: '不属于本街道' });
    for (const into of [closed.id, rejected.id]) {
      const fresh = await report({ location: { lng: lng + 0.03, lat } });
      const res = await act(`/api/v1/incidents/${fresh.id}/merge`, { into });
      expect(res.status).toBe(409);
      const body = (await res.json()) as { detail: string; errors?: { path: string }[] };
      expect(body.errors?.map((e) => e.path)).toEqual(['into']);
      expect(body.detail).toMatch(/^[\u4e00-\u9fff]/);
      expect(body.detail).toContain(into);
      expect((await incident(fresh.id)).status).toBe('reported');
    }
    // Into a merged one: also names into.
    const a = await report({ location: { lng: lng + 0.04, lat } });
    const b = await report({ location: { lng: lng + 0.04, lat } });
    expect((await act(`/api/v1/incidents/${b.id}/merge`, { into: a.id })).status).toBe(200);
    const c = await report({ location: { lng: lng + 0.04, lat } });
    const refused = await act(`/api/v1/incidents/${c.id}/merge`, { into: b.id });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { errors?: { path: string }[] }).errors?.map((e) => e.path)).toEqual(['into']);
  });
});

async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error('the figures did not follow in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('duplicate rules configured per category (DUPLICATE_RULES)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { DUPLICATE_RULES: 'city_mgmt:200/90,default:40/20' } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('marks within the configured radius and window of the category, and the desk is told the rule', async () => {
    const report = async (over: Record<string, unknown>) => {
      const res = await fetch(`${server.url}/api/v1/incidents`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': server.credentials.ingestKey },
        body: JSON.stringify({ externalId: randomUUID(), source: 'grid_patrol', category: 'city_mgmt', description: '占道经营', location: { lng, lat }, ...over }),
      });
      expect(res.status, await res.clone().text()).toBe(201);
      return (await res.json()) as { id: string; possibleDuplicateOf: string | null };
    };
    const hourAgo = new Date(Date.now() - 80 * 60_000).toISOString();
    const original = await report({ reportedAt: hourAgo });
    // 150 m and 80 minutes apart: beyond the built-in 50 m / 30 min, within city_mgmt's 200 m / 90 min.
    const far = await report({ location: { lng: lng + 150 * M_LNG, lat } });
    expect(far.possibleDuplicateOf).toBe(original.id);
    // Another category takes the configured default (40 m / 20 min): 45 m east is not one, 30 m west is.
    const first = await report({ category: 'environment' });
    expect((await report({ category: 'environment', location: { lng: lng + 45 * M_LNG, lat } })).possibleDuplicateOf).toBeNull();
    expect((await report({ category: 'environment', location: { lng: lng - 30 * M_LNG, lat } })).possibleDuplicateOf).toBe(first.id);
    // The built-in emergency rule stays (150 m), as it was not named.
    const fire = await report({ category: 'emergency' });
    expect((await report({ category: 'emergency', location: { lng: lng + 120 * M_LNG, lat } })).possibleDuplicateOf).toBe(fire.id);

    const cookie = await signIn(server.url, 'admin', server.credentials.adminPassword);
    const detail = (await (await fetch(`${server.url}/api/v1/duty/incidents/${far.id}`, { headers: { cookie } })).json()) as { duplicateRule: unknown };
    expect(detail.duplicateRule).toEqual({ radiusM: 200, windowMin: 90 });
  });
});
