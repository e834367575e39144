// A known week and the week before, posted through the public API, for the report tests:
// 2026-W47 (16–22 Nov 2026, Beijing) and 2026-W48 (23–29 Nov). Every figure the tests check
// is written here once.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, type TestCredentials } from './server.ts';
import { signIn } from './session.ts';

export const PREVIOUS_WEEK = '2026-W47';
export const WEEK = '2026-W48';
/** A week with nothing in it. */
export const EMPTY_WEEK = '2026-W10';

type Feature = { geometry: { coordinates: unknown }; properties: Record<string, string> };
const pois = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'data', 'streets', 'shiyoulu', 'pois.geojson'), 'utf8')) as { features: Feature[] }).features;
const canteen = pois.find((f) => f.properties.kind === 'canteen') as Feature;
const [lng, lat] = canteen.geometry.coordinates as [number, number];
const location = { lng, lat };

const incident = (reportedAt: string, category: string, over: Record<string, unknown> = {}) => ({
  externalId: `rep-${randomUUID()}`, source: 'grid_patrol', category, description: `周报测试 ${category}`, location, reportedAt, ...over,
});

/** What the seed posts, as the report must count it. */
export const EXPECTED = {
  previous: { reported: 3, drills: 1, meals: 10, volunteerHours: 5 },
  current: { reported: 5, drills: 2, drillParticipants: 70, meals: 12, volunteerHours: 7.5, newEntities: 1, critical: 1, cityMgmt: 3 },
  /** Every seeded incident is still open at each week's end (one is closed now, after both). */
  openAtEnd: { previous: 3, current: 8 },
} as const;

export interface Seeded {
  /** Ids of the current week's incidents, in posting order. */
  currentIds: string[];
}

/**
 * Posts the two weeks through the API with the ingest key; closes one current-week incident now,
 * signed in as the admin (an API key may report, never move an incident).
 */
export async function seedReportWeeks(url: string, credentials: Pick<TestCredentials, 'ingestKey' | 'adminPassword'>): Promise<Seeded> {
  let cookie: string | null = null;
  const post = async (route: string, body: unknown, as: 'key' | 'admin' = 'key') => {
    const auth: Record<string, string> = as === 'key' ? { 'X-Api-Key': credentials.ingestKey } : { Cookie: (cookie ??= await signIn(url, 'admin', credentials.adminPassword)) };
    const response = await fetch(`${url}${route}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', ...auth }, body: JSON.stringify(body),
    });
    if (!response.ok || response.status === 207) throw new Error(`POST ${route}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { results?: { id: string }[]; id?: string };
  };
  const id = () => `rep-${randomUUID()}`;
  await post('/api/v1/incidents', { items: [
    incident('2026-11-16T09:00:00+08:00', 'city_mgmt'),
    incident('2026-11-18T09:00:00+08:00', 'city_mgmt'),
    incident('2026-11-22T23:30:00+08:00', 'dispute'),
  ] });
  const current = await post('/api/v1/incidents', { items: [
    incident('2026-11-23T00:10:00+08:00', 'city_mgmt'),
    incident('2026-11-24T10:00:00+08:00', 'city_mgmt'),
    incident('2026-11-25T10:00:00+08:00', 'city_mgmt'),
    incident('2026-11-26T15:00:00+08:00', 'emergency', { urgency: 'critical', title: '周报测试内涝' }),
    incident('2026-11-29T20:00:00+08:00', 'livelihood'),
  ] });
  const currentIds = (current.results ?? []).map((r) => r.id);
  await post('/api/v1/fire-drills', { items: [
    { externalId: id(), occurredAt: '2026-11-17T15:00:00+08:00', level: 'community', kind: 'micro_station', participants: 40 },
    { externalId: id(), occurredAt: '2026-11-24T15:00:00+08:00', level: 'community', kind: 'micro_station', participants: 30, buildingName: '周报测试楼' },
    { externalId: id(), occurredAt: '2026-11-27T15:00:00+08:00', level: 'community', kind: 'live_highrise', participants: 40 },
  ] });
  await post('/api/v1/canteen-meals', { items: [
    { externalId: id(), servedAt: '2026-11-19T11:30:00+08:00', canteenId: canteen.properties.id, tier: 'elderly_member', quantity: 4 },
    { externalId: id(), servedAt: '2026-11-19T11:45:00+08:00', canteenId: canteen.properties.id, tier: 'public', quantity: 6 },
    { externalId: id(), servedAt: '2026-11-25T11:30:00+08:00', canteenId: canteen.properties.id, tier: 'elderly_member', quantity: 12, mode: 'delivery' },
  ] });
  await post('/api/v1/volunteer-activities', { items: [
    { externalId: id(), occurredAt: '2026-11-21T09:00:00+08:00', team: '周报测试队', hours: 5, participants: 5 },
    { externalId: id(), occurredAt: '2026-11-28T09:00:00+08:00', team: '周报测试队', hours: 7.5, participants: 6, points: 20 },
  ] });
  await post('/api/v1/market-entities', { items: [
    { externalId: id(), name: '周报测试商行', entityType: 'individual', industry: 'F', registeredAt: '2026-11-26T10:00:00+08:00' },
  ] });
  // Closed now: after both weeks ended, so it was open at each week's end.
  const first = currentIds[0] as string;
  for (const to of ['accepted', 'closed']) await post(`/api/v1/incidents/${first}/transitions`, { to }, 'admin');
  return { currentIds };
}
