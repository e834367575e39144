// The desk's SQL on both stores: queue order (overdue, then critical, urgent, normal, each by
// time left), filters, two-character search, breaches recorded once, targets seeded and edited.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueQuerySchema, slaProfileFor, stageDue, targetsFor, type Urgency } from '@grid141/shared';
import type { NewIncident, Store } from '../../server/src/store/index.ts';
import { queuePage, recordBreaches } from '../../server/src/desk/sql.ts';
import { openTargets } from '../../server/src/desk/targets.ts';
import { storeTargets } from '../helpers/store-targets.ts';

const STREET = 'deskstreet';
const NOW = Date.parse('2026-11-30T12:00:00Z');
const MIN = 60_000;

function incident(minutesAgo: number, urgency: Urgency, over: Partial<NewIncident> = {}): NewIncident {
  const reportedAt = new Date(NOW - minutesAgo * MIN).toISOString();
  const category = over.category ?? 'safety_hazard';
  const due = stageDue(targetsFor(category, urgency), reportedAt);
  return {
    id: randomUUID(), streetId: STREET, externalId: `ext-${randomUUID()}`, source: 'grid_patrol', category, subcategory: null,
    urgency, colour: 'red', status: 'reported', title: null, description: '楼道堆放杂物', location: { lng: 106.5, lat: 29.5 },
    address: '石油路街道 金银湾社区 3栋', reporter: null, photos: [], gridId: 'g1', microGridId: null, communityId: 'c1', outsideArea: false,
    reportedAt, receivedAt: reportedAt, updatedAt: reportedAt, acceptedAt: null, dispatchedAt: null, onSiteAt: null, handledAt: null,
    closedAt: null, ...due, slaProfile: slaProfileFor(category, urgency), assignee: null, escalations: [], evaluation: null, simulated: false, version: 1,
    ...over,
  };
}

const targets = storeTargets('desk', { streetId: STREET, now: () => NOW });

const query = (q: Record<string, unknown> = {}) => queueQuerySchema.parse(q);

describe.each(targets)('desk store: $name', (target) => {
  let store: Store;
  const rows = {
    normalSoon: incident(100, 'normal'), // accept due in 20 min
    normalLater: incident(10, 'normal'), // accept due in 110 min
    urgentLate: incident(30, 'urgent'), // accept was due 20 min ago
    criticalFresh: incident(0.5, 'critical'), // accept due in 30 s
    normalLate: incident(200, 'normal', { description: '噪声扰民 night noise', address: null, gridId: 'g2', communityId: 'c2', colour: 'yellow' }),
    closed: incident(5, 'critical', { status: 'closed', closedAt: new Date(NOW).toISOString() }),
  };
  beforeAll(async () => {
    store = await target.open();
    await store.insertIncidents(Object.values(rows));
  });
  afterAll(async () => {
    await store?.close();
    await target.cleanup();
  });

  it('orders the open queue: overdue first (critical before normal), then critical, urgent, normal by time left', async () => {
    const page = await queuePage(store.sql, STREET, query(), NOW);
    expect(page.items.map((i) => i.incident.id)).toEqual([rows.urgentLate.id, rows.normalLate.id, rows.criticalFresh.id, rows.normalSoon.id, rows.normalLater.id]);
    expect(page.items.map((i) => i.late)).toEqual([true, true, false, false, false]);
    expect(page.items[0]?.next.stage).toBe('accept');
    expect(page).toMatchObject({ total: 5, overdue: 2, totalCapped: false });
  });

  it('pages with limit and offset in the same order', async () => {
    const second = await queuePage(store.sql, STREET, query({ limit: 2, offset: 2 }), NOW);
    expect(second.items.map((i) => i.incident.id)).toEqual([rows.criticalFresh.id, rows.normalSoon.id]);
  });

  it('filters by grid, colour, urgency and time range', async () => {
    expect((await queuePage(store.sql, STREET, query({ grid: ['g2'] }), NOW)).items.map((i) => i.incident.id)).toEqual([rows.normalLate.id]);
    expect((await queuePage(store.sql, STREET, query({ colour: ['red'], urgency: ['normal'] }), NOW)).total).toBe(2);
    const from = new Date(NOW - 60 * MIN).toISOString();
    expect((await queuePage(store.sql, STREET, query({ from }), NOW)).items.map((i) => i.incident.id)).toEqual([rows.urgentLate.id, rows.criticalFresh.id, rows.normalLater.id]);
  });

  it('finds Chinese text by any two characters, in the description or the address, and ASCII without case', async () => {
    expect((await queuePage(store.sql, STREET, query({ q: '扰民' }), NOW)).items.map((i) => i.incident.id)).toEqual([rows.normalLate.id]);
    expect((await queuePage(store.sql, STREET, query({ q: '金银' }), NOW)).total).toBe(4);
    expect((await queuePage(store.sql, STREET, query({ q: 'NIGHT' }), NOW)).total).toBe(1);
    expect((await queuePage(store.sql, STREET, query({ q: '声扰民n' }), NOW)).total).toBe(0);
    expect((await queuePage(store.sql, STREET, query({ q: '噪' }), NOW)).total).toBe(1);
    // Closed incidents are not in the queue, whatever they say.
    expect((await queuePage(store.sql, STREET, query({ q: '堆放', urgency: ['critical'] }), NOW)).total).toBe(1);
  });

  it('records each late stage once; a later look finds nothing new', async () => {
    const first = await recordBreaches(store.sql, STREET, NOW, null);
    expect(first.map((b) => [b.incidentId, b.stage]).sort()).toEqual([[rows.normalLate.id, 'accept'], [rows.urgentLate.id, 'accept']].sort());
    expect(await recordBreaches(store.sql, STREET, NOW + 1000, null)).toEqual([]);
    // 40 s later the critical one missed its one-minute accept target.
    const later = await recordBreaches(store.sql, STREET, NOW + 40_000, NOW);
    expect(later.map((b) => b.incidentId)).toEqual([rows.criticalFresh.id]);
  });

  it('seeds the targets once and keeps a leader edit over the seed', async () => {
    const seeded = await openTargets(store.sql, STREET, { rapid_1_5_10: { acceptMin: 1, arriveMin: 5, handleMin: 10, closeMin: 1440 } });
    expect(seeded.targets('rapid_1_5_10')).toEqual({ acceptMin: 1, arriveMin: 5, handleMin: 10, closeMin: 1440 });
    const edited = await seeded.edit('rapid_1_5_10', { acceptMin: 2, arriveMin: 6, handleMin: 15, closeMin: 1440 }, '刘静', new Date(NOW));
    expect(edited?.after).toMatchObject({ acceptMin: 2, updatedBy: '刘静' });
    const again = await openTargets(store.sql, STREET, { rapid_1_5_10: { acceptMin: 1, arriveMin: 5, handleMin: 10, closeMin: 1440 } });
    expect(again.targets('rapid_1_5_10').acceptMin).toBe(2);
    expect(again.list().map((p) => p.code)).toEqual(['rapid_1_5_10', 'urgent', 'normal_simple', 'normal', 'complex']);
  });
});
