// The figures engine against the real embedded store (PGlite in a temp dir) and the real bus.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { dueAtFor, recount, slaProfileFor, type AnyFeedRecord, type FeedRecord, type Incident, type Summary } from '@grid141/shared';
import { openDriver, migrate, SqlStore, type NewIncident, type SqlDriver, type Store } from '../store/index.ts';
import { RecordBus } from '../engine/bus.ts';
import { createLogger } from '../logger.ts';
import { createFiguresEngine, type FiguresEngine } from './engine.ts';

const TZ = 'Asia/Shanghai';
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const logger = createLogger('silent');

function newIncident(reportedAt: number, over: Partial<NewIncident> = {}): NewIncident {
  const category = over.category ?? 'city_mgmt';
  const urgency = over.urgency ?? 'normal';
  const at = iso(reportedAt);
  return {
    id: randomUUID(), streetId: STREET, externalId: `ext-${randomUUID()}`, source: 'grid_patrol', category, subcategory: null,
    urgency, colour: 'red', status: 'reported', title: null, description: '占道经营', location: { lng: 106.55, lat: 29.56 },
    address: null, reporter: null, photos: [], gridId: 'g1', microGridId: 'm1', communityId: 'c1', outsideArea: false,
    reportedAt: at, receivedAt: at, updatedAt: at, acceptedAt: null, dispatchedAt: null, onSiteAt: null, handledAt: null,
    closedAt: null, dueAt: dueAtFor(category, urgency, at), slaProfile: slaProfileFor(category, urgency), assignee: null,
    escalations: [], evaluation: null, simulated: false, version: 1, ...over,
  };
}

function meal(servedAt: number, quantity: number): FeedRecord<'canteen-meals'> {
  return {
    id: randomUUID(), streetId: STREET, receivedAt: iso(servedAt), gridId: null, communityId: null, externalId: randomUUID(),
    simulated: false, servedAt: iso(servedAt), canteenId: 'qiaobei', tier: 'elderly_member', mode: 'delivery', quantity,
  } as FeedRecord<'canteen-meals'>;
}

function entity(registeredAt: number): FeedRecord<'market-entities'> {
  return {
    id: randomUUID(), streetId: STREET, receivedAt: iso(registeredAt), gridId: null, communityId: null, externalId: randomUUID(),
    simulated: true, name: '小面馆', entityType: 'individual', industry: 'H', registeredAt: iso(registeredAt),
  } as unknown as FeedRecord<'market-entities'>;
}

/** Everything now in the store, for the recount. */
async function everything(store: Store, ids: string[], feeds: { kind: AnyFeedRecord['kind']; id: string }[]) {
  const incidents = (await Promise.all(ids.map((id) => store.getIncident(id)))).map((i) => {
    const { history: _history, ...rest } = i as Incident & { history: unknown };
    return rest as Incident;
  });
  const records: AnyFeedRecord[] = [];
  for (const f of feeds) records.push({ kind: f.kind, record: (await store.getFeedRecord(f.kind, f.id)) as FeedRecord });
  return { incidents, records };
}

const figuresOnly = (s: Summary) => ({ ...s, at: '', seq: 0 });

// One embedded database for the file (opening PGlite takes seconds); each test has its own street.
let dir: string;
let driver: SqlDriver;
let STREET = 'teststreet';
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'grid141-figures-'));
  driver = await openDriver({ streetId: STREET, databaseUrl: null, dataDir: dir });
  await migrate(driver);
}, 180_000);
afterAll(async () => {
  await driver?.close();
  rmSync(dir, { recursive: true, force: true });
});
function openTestStore(now?: () => number): Store {
  STREET = `street-${randomUUID()}`;
  return new SqlStore(driver, { streetId: STREET, ...(now ? { now } : {}) });
}

describe('figures engine', () => {
  let store: Store;
  let bus: RecordBus;
  let now: number;
  let engine: FiguresEngine;

  beforeEach(async () => {
    now = Date.parse('2026-11-25T06:30:00Z'); // 14:30 in Shanghai, a Wednesday
    store = openTestStore(() => now);
    bus = new RecordBus();
    engine = createFiguresEngine({ streetId: STREET, tz: TZ, store, bus, clock: () => now, logger });
  });

  afterEach(() => {
    engine.stop();
  });

  it('rebuilds from the store to exactly the recount', async () => {
    const rows = [
      newIncident(now - 2 * HOUR),
      newIncident(now - 3 * DAY, { category: 'dispute', colour: 'orange', simulated: true }),
      newIncident(now - 40 * DAY), // still open: counts as open (and overdue), nothing else
      newIncident(now - 50 * DAY),
      newIncident(now - 10 * MIN, { gridId: null, communityId: null, outsideArea: true, urgency: 'critical', category: 'emergency' }),
    ];
    await store.insertIncidents(rows);
    const [a, , , old] = rows as [NewIncident, NewIncident, NewIncident, NewIncident];
    await store.transitionIncident(a.id, { to: 'accepted', at: new Date(now - HOUR) });
    await store.transitionIncident(a.id, { to: 'closed', at: new Date(now - 30 * MIN) });
    await store.transitionIncident(old.id, { to: 'rejected', at: new Date(now - 45 * DAY) });
    const feeds = [meal(now - HOUR, 3), meal(now - DAY, 2), entity(now - 5 * DAY), entity(now - 400 * DAY)];
    await store.insertFeed('canteen-meals', feeds.slice(0, 2) as FeedRecord<'canteen-meals'>[]);
    await store.insertFeed('market-entities', feeds.slice(2) as FeedRecord<'market-entities'>[]);

    await engine.rebuild();
    const all = await everything(store, rows.map((r) => r.id), [
      ...feeds.slice(0, 2).map((f) => ({ kind: 'canteen-meals' as const, id: f.id })),
      ...feeds.slice(2).map((f) => ({ kind: 'market-entities' as const, id: f.id })),
    ]);
    const expected = recount(all.incidents, all.records, now, TZ, STREET);
    expect(figuresOnly(engine.summary())).toStrictEqual(figuresOnly(expected));
    expect(engine.summary().incidents.today).toMatchObject({ total: 2, open: 3, overdue: 1, closed: 1 });
    expect(engine.summary().livelihood.meals.today).toBe(3);
    expect(engine.summary().economy.marketEntities.total).toBe(2);
    expect(engine.summary().simulated).toBe(true);
    expect(engine.seq()).toBe(1);
  });

  it('folds bus events synchronously and bumps seq only when a figure changed', async () => {
    await engine.rebuild();
    engine.start();
    expect(engine.seq()).toBe(0); // an empty store changes nothing
    const seen: number[] = [];
    engine.onChange((summary, seq) => seen.push(seq, summary.incidents.today.total));
    const row = newIncident(now - MIN);
    const [written] = await store.insertIncidents([row]);
    bus.emit('incidents', [{ before: null, after: (written as { record: Incident }).record }]);
    expect(engine.summary().incidents.today.total).toBe(1);
    expect(seen).toEqual([1, 1]);
    const moved = await store.transitionIncident(row.id, { to: 'accepted', at: new Date(now) });
    if (!moved.ok) throw new Error('move refused');
    bus.emit('incidents', [{ before: moved.before, after: moved.after }]);
    expect(engine.summary().incidents.today.byStatus).toEqual({ accepted: 1 });
    expect(engine.seq()).toBe(2);
    // A meal from last week changes no figure: no new seq.
    bus.emit('feed', 'canteen-meals', [meal(now - 8 * DAY, 1)]);
    expect(engine.seq()).toBe(2);
  });

  it('does not count twice what arrives on the bus while the rebuild scans', async () => {
    const row = newIncident(now - HOUR);
    const [written] = await store.insertIncidents([row]);
    const m = meal(now - MIN, 4);
    await store.insertFeed('canteen-meals', [m]);
    engine.start();
    const rebuilt = engine.rebuild();
    // Both were committed before the scan read them; their announcements arrive during it.
    bus.emit('incidents', [{ before: null, after: (written as { record: Incident }).record }]);
    bus.emit('feed', 'canteen-meals', [m]);
    const moved = await store.transitionIncident(row.id, { to: 'accepted', at: new Date(now) });
    if (!moved.ok) throw new Error('move refused');
    bus.emit('incidents', [{ before: moved.before, after: moved.after }]);
    await rebuilt;
    const all = await everything(store, [row.id], [{ kind: 'canteen-meals', id: m.id }]);
    expect(figuresOnly(engine.summary())).toStrictEqual(figuresOnly(recount(all.incidents, all.records, now, TZ, STREET)));
    expect(engine.summary().incidents.today.total).toBe(1);
    expect(engine.summary().livelihood.meals.today).toBe(4);
  });

  it('rebuilds after a purge of simulated records', async () => {
    await store.insertIncidents([newIncident(now - HOUR, { simulated: true }), newIncident(now - HOUR)]);
    await engine.rebuild();
    engine.start();
    expect(engine.summary()).toMatchObject({ simulated: true, incidents: { today: { total: 2 } } });
    await store.purgeSimulated();
    const changed = new Promise<Summary>((resolve) => engine.onChange((s) => resolve(s)));
    bus.emit('purged');
    const after = await changed;
    expect(after.simulated).toBe(false);
    expect(after.incidents.today.total).toBe(1);
  });

  it('takes an import announced once: many records written in one transaction, one rebuild, not one event each', async () => {
    await engine.rebuild();
    engine.start();
    const before = engine.summary().incidents.today.total;
    await store.writeMany((w) => w.insertIncidents(Array.from({ length: 300 }, () => newIncident(now - HOUR))));
    const changed = new Promise<Summary>((resolve) => engine.onChange((s) => resolve(s)));
    bus.emit('imported', 'incidents', 300);
    expect((await changed).incidents.today.total).toBe(before + 300);
  });
});

describe('figures engine timer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rolls today over at midnight in TZ_STREET and announces incidents as they become overdue', async () => {
    vi.setSystemTime(Date.parse('2026-11-29T15:58:30Z')); // Sunday 23:58:30 in Shanghai
    const store = openTestStore();
    const bus = new RecordBus();
    const engine = createFiguresEngine({ streetId: STREET, tz: TZ, store, bus, logger });
    try {
      const due = Date.parse('2026-11-29T15:59:10Z');
      const row = newIncident(Date.now() - HOUR, { dueAt: iso(due) });
      await store.insertIncidents([row]);
      await engine.rebuild();
      engine.start();
      const overdue: string[][] = [];
      engine.onOverdue((ids) => overdue.push(ids));
      expect(engine.summary().incidents.today).toMatchObject({ total: 1, open: 1, overdue: 0 });

      await vi.advanceTimersByTimeAsync(31_000); // 23:59:01
      expect(overdue).toEqual([]);
      await vi.advanceTimersByTimeAsync(60_000); // 00:00:01 Monday: past due, and a new day and week
      expect(overdue).toEqual([[row.id]]);
      const monday = engine.summary();
      expect(monday.incidents.today).toMatchObject({ total: 0, open: 1, overdue: 1 });
      expect(monday.incidents.daily.at(-1)).toMatchObject({ date: '2026-11-30', reported: 0 });
      expect(monday.incidents.daily.at(-2)).toMatchObject({ date: '2026-11-29', reported: 1 });
      expect(monday.livelihood.meals.quarterHourly).toEqual([{ t: '00:00', meals: 0 }]);

      engine.stop();
      const seq = engine.seq();
      await vi.advanceTimersByTimeAsync(DAY);
      expect(engine.seq()).toBe(seq);
    } finally {
      engine.stop();
    }
  });
});
