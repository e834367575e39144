// The queue's order under filters, on both stores: every filtered page (taken whole and sorted,
// or by the six ordered range scans when the matches are many) is the same slice of a plain
// sort of the matching open rows in TypeScript (late first, urgency, next target, id), with the
// same counts. The "many" threshold is lowered here so that both ways run on a small store.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CATEGORIES, foldSearchText, incidentSearchText, mulberry32, nextTarget, queueQuerySchema, slaProfileFor, SOURCES, stageDue, targetsFor,
  TERMINAL_STATUSES, URGENCY_RANK, type IncidentStatus, type QueueQuery, type Urgency,
} from '@grid141/shared';
import type { NewIncident, Store } from '../../server/src/store/index.ts';
import { queuePage, QUEUE_WHOLE, type QueueWhole } from '../../server/src/desk/sql.ts';
import { storeTargets } from '../helpers/store-targets.ts';

const STREET = 'orderstreet';
const NOW = Date.parse('2026-11-30T12:00:00Z');
const MIN = 60_000;
const STEPS: readonly IncidentStatus[] = ['reported', 'accepted', 'dispatched', 'on_site', 'handled', 'returned'];
const PHRASES = ['噪声扰民', '楼道堆放杂物', '老人摔倒求助', '燃气泄漏气味', '路灯损坏', 'Street LIGHT out'];
const URGENCIES: readonly Urgency[] = ['critical', 'urgent', 'normal'];

function rows(count: number): NewIncident[] {
  const rng = mulberry32(141);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;
  const categories = CATEGORIES.slice(0, 4);
  return Array.from({ length: count }, () => {
    // Reported on a ten-minute grid over two days: many rows share their next target time, so
    // the id decides between them.
    const reported = NOW - Math.floor(rng() * 288) * 10 * MIN;
    const iso = (t: number) => new Date(Math.min(t, NOW)).toISOString();
    const category = pick(categories);
    const urgency = pick(URGENCIES);
    const closed = rng() < 0.2;
    const status: IncidentStatus = closed ? pick(['closed', 'rejected'] as const) : pick(STEPS);
    const step = closed ? 5 : STEPS.indexOf(status);
    const at = iso(reported);
    return {
      id: randomUUID(), streetId: STREET, externalId: `o-${randomUUID()}`, source: pick(SOURCES.slice(0, 3)).code, category: category.code,
      subcategory: null, urgency, colour: category.colour, status, title: null, description: `${pick(PHRASES)}，${pick(PHRASES)}`,
      location: { lng: 106.5, lat: 29.5 }, address: rng() < 0.5 ? `石油路${1 + Math.floor(rng() * 30)}号` : null, reporter: null, photos: [],
      gridId: pick(['g1', 'g2', 'g3', 'g4']), microGridId: null, communityId: pick(['c1', 'c2']), outsideArea: false,
      reportedAt: at, receivedAt: at, updatedAt: at,
      acceptedAt: step >= 1 ? iso(reported + 10 * MIN) : null,
      dispatchedAt: step >= 2 ? iso(reported + 40 * MIN) : null,
      onSiteAt: step >= 3 ? iso(reported + 90 * MIN) : null,
      handledAt: step >= 4 ? iso(reported + 300 * MIN) : null,
      closedAt: closed ? iso(reported + 600 * MIN) : null,
      ...stageDue(targetsFor(category.code, urgency), at), slaProfile: slaProfileFor(category.code, urgency),
      assignee: step >= 2 ? pick(['team-1', 'team-2', 'team-3']) : null, escalations: [], evaluation: null, simulated: false, version: 1,
    } satisfies NewIncident;
  });
}

/** The queue by definition: the open rows that match, sorted in TypeScript. */
function plainSort(all: NewIncident[], q: QueueQuery): { ids: string[]; total: number; overdue: number } {
  const lists = { community: 'communityId', grid: 'gridId', category: 'category', colour: 'colour', status: 'status', source: 'source', urgency: 'urgency', assignee: 'assignee' } as const;
  const needle = q.q === undefined ? null : foldSearchText(q.q);
  const matching = all.filter((i) => !TERMINAL_STATUSES.includes(i.status)
    && Object.entries(lists).every(([name, field]) => !q[name as keyof typeof lists] || (q[name as keyof typeof lists] as string[]).includes(i[field] as string))
    && (!q.from || Date.parse(i.reportedAt) >= Date.parse(q.from)) && (!q.to || Date.parse(i.reportedAt) < Date.parse(q.to))
    && (needle === null || foldSearchText(incidentSearchText(i.description, i.address)).includes(needle)));
  const keyed = matching.map((i) => {
    const due = Date.parse(nextTarget({ ...i, acceptBy: i.acceptBy ?? null, arriveBy: i.arriveBy ?? null, handleBy: i.handleBy ?? null }).dueAt);
    return { id: i.id, late: due < NOW ? 0 : 1, rank: URGENCY_RANK[i.urgency], due };
  });
  keyed.sort((a, b) => a.late - b.late || a.rank - b.rank || a.due - b.due || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { ids: keyed.map((k) => k.id), total: keyed.length, overdue: keyed.filter((k) => k.late === 0).length };
}

const targets = storeTargets('desk_order', { streetId: STREET, now: () => NOW });

const FILTERS: Record<string, unknown>[] = [
  {},
  { grid: ['g1'] },
  { grid: ['g1', 'g3'], urgency: ['critical'] },
  { urgency: ['urgent', 'normal'], status: ['accepted', 'handled'] },
  { community: ['c2'], category: [CATEGORIES[1]?.code] },
  { colour: [CATEGORIES[0]?.colour], source: [SOURCES[0]?.code] },
  { assignee: ['team-2'] },
  { from: new Date(NOW - 8 * 60 * MIN).toISOString() },
  { from: new Date(NOW - 30 * 60 * MIN).toISOString(), to: new Date(NOW - 10 * 60 * MIN).toISOString(), grid: ['g2'] },
  { q: '扰民' },
  { q: 'light', urgency: ['normal'] },
  { q: '石油路1' },
  { q: '杂物，老人' },
  { q: '没有这个' },
];
const PAGES = [{ limit: 50, offset: 0 }, { limit: 7, offset: 11 }, { limit: 200, offset: 0 }, { limit: 30, offset: 170 }];
// Taken whole (the default thresholds, above this store's matches) and by the six ordered
// range scans (thresholds of 3, below them).
const WAYS: [string, QueueWhole][] = [['taken whole', QUEUE_WHOLE], ['by ordered range scans', { filters: 3, search: 3 }]];

describe.each(targets)('desk queue order: $name', (target) => {
  let store: Store;
  const all = rows(600);
  beforeAll(async () => {
    store = await target.open();
    await store.insertIncidents(all);
  });
  afterAll(async () => {
    await store?.close();
    await target.cleanup();
  });

  it.each(WAYS)('every filtered page is the slice of a plain sort of the same rows (%s)', async (_, whole) => {
    let compared = 0;
    for (const filter of FILTERS) {
      for (const page of PAGES) {
        const q = queueQuerySchema.parse({ ...filter, ...page });
        const expected = plainSort(all, q);
        const got = await queuePage(store.sql, STREET, q, NOW, whole);
        const label = JSON.stringify({ ...filter, ...page });
        expect(got.items.map((i) => i.incident.id), label).toEqual(expected.ids.slice(page.offset, page.offset + page.limit));
        expect({ total: got.total, overdue: got.overdue, capped: got.totalCapped }, label).toEqual({ total: expected.total, overdue: expected.overdue, capped: false });
        expect(got.items.map((i) => i.late), label).toEqual(got.items.map((i) => Date.parse(i.next.dueAt) < NOW));
        compared += got.items.length;
      }
    }
    // The data is such that the filters leave rows to compare (and ties of next target times).
    expect(compared).toBeGreaterThan(1500);
    expect(plainSort(all, queueQuerySchema.parse({ q: '没有这个' })).total).toBe(0);
  });
});
