// One contract for both stores: the embedded one (PGlite in a temp dir) always, PostgreSQL
// when TEST_DATABASE_URL is set (each run in a fresh schema, dropped afterwards).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dueAtFor, slaProfileFor, type FeedRecord } from '@grid141/shared';
import type { NewIncident, Store } from '../../server/src/store/index.ts';
import { storeTargets } from '../helpers/store-targets.ts';

const STREET = 'teststreet';

export function newIncident(over: Partial<NewIncident> = {}): NewIncident {
  const reportedAt = over.reportedAt ?? new Date().toISOString();
  const category = over.category ?? 'city_mgmt';
  const urgency = over.urgency ?? 'normal';
  return {
    id: randomUUID(),
    streetId: STREET,
    externalId: `ext-${randomUUID()}`,
    source: 'grid_patrol',
    category,
    subcategory: null,
    urgency,
    colour: 'red',
    status: 'reported',
    title: null,
    description: '<script>alert(1)</script> 占道经营',
    location: { lng: 106.55, lat: 29.56 },
    address: null,
    reporter: { kind: 'resident', name: '张三' },
    photos: [],
    gridId: 'g1',
    microGridId: 'm1',
    communityId: 'c1',
    outsideArea: false,
    reportedAt,
    receivedAt: reportedAt,
    updatedAt: reportedAt,
    acceptedAt: null,
    dispatchedAt: null,
    onSiteAt: null,
    handledAt: null,
    closedAt: null,
    dueAt: dueAtFor(category, urgency, reportedAt),
    slaProfile: slaProfileFor(category, urgency),
    assignee: null,
    escalations: [],
    evaluation: null,
    simulated: false,
    version: 1,
    ...over,
  };
}

function drill(externalId: string, over: Record<string, unknown> = {}): FeedRecord<'fire-drills'> {
  return {
    id: randomUUID(), streetId: STREET, receivedAt: new Date().toISOString(),
    gridId: 'g1', communityId: 'c1', externalId, simulated: false,
    occurredAt: '2026-11-20T06:00:00.000Z', level: 'building', kind: 'evacuation', participants: 30,
    ...over,
  } as unknown as FeedRecord<'fire-drills'>;
}

const targets = storeTargets('store', { streetId: STREET });

describe.each(targets)('store contract: $name', (target) => {
  let store: Store;
  beforeAll(async () => {
    store = await target.open();
  });
  afterAll(async () => {
    await store?.close();
    await target.cleanup();
  });

  it('reads a week\'s incidents once each: reported in it (slice edges included), or reported before and closed or accepted in it', async () => {
    // 2026-W10 in Beijing: Monday 2 March 00:00 to Monday 9 March 00:00 (+08:00).
    const start = Date.parse('2026-03-02T00:00:00+08:00');
    const end = Date.parse('2026-03-09T00:00:00+08:00');
    const at = (ms: number) => new Date(ms).toISOString();
    const DAY = 86_400_000;
    const seventh = (end - start) / 7;
    const rows = {
      atStart: newIncident({ reportedAt: at(start) }),
      atSliceEdge: newIncident({ reportedAt: at(start + 3 * seventh) }),
      justBeforeEnd: newIncident({ reportedAt: at(end - 1) }),
      closedIn: newIncident({ reportedAt: at(start - 2 * DAY), status: 'closed', acceptedAt: at(start - DAY), closedAt: at(start + DAY) }),
      acceptedAndClosedIn: newIncident({ reportedAt: at(start - DAY), status: 'closed', acceptedAt: at(start + 1000), closedAt: at(start + 2 * DAY) }),
      acceptedIn: newIncident({ reportedAt: at(start - DAY), status: 'accepted', acceptedAt: at(start + DAY) }),
      acceptedInClosedAfter: newIncident({ reportedAt: at(start - DAY), status: 'closed', acceptedAt: at(start + DAY), closedAt: at(end + DAY) }),
      before: newIncident({ reportedAt: at(start - 3 * DAY), status: 'closed', acceptedAt: at(start - 2 * DAY), closedAt: at(end + DAY) }),
      after: newIncident({ reportedAt: at(end) }),
    };
    await store.insertIncidents(Object.values(rows));
    const week = await store.readWeek(new Date(start), new Date(end), new Date('2025-12-31T16:00:00Z'));
    const ids = week.incidents.map((i) => i.id).sort();
    const expected = [rows.atStart, rows.atSliceEdge, rows.justBeforeEnd, rows.closedIn, rows.acceptedAndClosedIn, rows.acceptedIn, rows.acceptedInClosedAfter].map((r) => r.id).sort();
    expect(ids).toEqual(expected);
    expect(week.incidents.find((i) => i.id === rows.acceptedAndClosedIn.id)).toMatchObject({ status: 'closed', acceptedAt: start + 1000, closedAt: start + 2 * DAY });
  });

  it('inserts a new incident with its first history row, and keeps text as sent', async () => {
    const row = newIncident();
    const [written] = await store.insertIncidents([row]);
    expect(written?.created).toBe(true);
    expect(written?.record.id).toBe(row.id);
    expect(written?.record.description).toBe(row.description);
    expect(written?.record.reporter).toEqual(row.reporter);
    const got = await store.getIncident(row.id);
    expect(got).toMatchObject({ id: row.id, status: 'reported', gridId: 'g1', overdue: false });
    expect(got?.history).toEqual([{ at: row.receivedAt, from: null, to: 'reported', by: null, note: null, event: null, relatedId: null }]);
    expect(store.kind).toBe(target.name.startsWith('PostgreSQL') ? 'postgres' : 'embedded');
  });

  it('a new incident comes back exactly as the store then serves it', async () => {
    // Times with an offset and jsonb with several keys: what the database normalises must match.
    const row = newIncident({
      reportedAt: '2026-01-10T08:00:00.123+08:00', receivedAt: '2026-01-10T00:00:01.5Z', updatedAt: '2026-01-10T00:00:01.5Z',
      dueAt: '2026-01-11T00:00:00Z', reporter: { kind: 'resident', name: '李四', contact: '13800000000', accountId: 'a-1' },
      photos: ['https://example.test/a.jpg'], title: '标题', subcategory: 'sub', address: '石油路 1 号', outsideArea: true, gridId: null,
    });
    const [written] = await store.insertIncidents([row]);
    expect(written?.created).toBe(true);
    const { history: _history, ...served } = (await store.getIncident(row.id))!;
    expect(written?.record).toEqual(served);
    expect(written?.record.reportedAt).toBe('2026-01-10T00:00:00.123Z');
  });

  it('replays are idempotent on (source, externalId): same id, nothing changed, nothing doubled', async () => {
    const row = newIncident();
    await store.insertIncidents([row]);
    const before = await store.countIncidents();
    const replay = { ...row, id: randomUUID(), description: 'changed', category: 'dispute' as const };
    const [again] = await store.insertIncidents([replay]);
    expect(again?.created).toBe(false);
    expect(again?.record.id).toBe(row.id);
    expect(again?.record.description).toBe(row.description);
    expect(await store.countIncidents()).toBe(before);
    // Same externalId from another source is another incident.
    const [other] = await store.insertIncidents([{ ...row, id: randomUUID(), source: 'hotline_12345' }]);
    expect(other?.created).toBe(true);
  });

  it('a batch with in-batch duplicates and replays answers in order, first wins', async () => {
    const old = newIncident();
    await store.insertIncidents([old]);
    const a = newIncident();
    const b = newIncident();
    const aDup = { ...a, id: randomUUID(), description: 'second' };
    const results = await store.insertIncidents([a, { ...old, id: randomUUID() }, aDup, b]);
    expect(results.map((r) => r.created)).toEqual([true, false, false, true]);
    expect(results.map((r) => r.record.id)).toEqual([a.id, old.id, a.id, b.id]);
    expect(results[2]?.record.description).toBe(a.description);
    expect((await store.getIncident(a.id))?.history).toHaveLength(1);
  });

  it('transitions follow the lifecycle, stamp times, append history', async () => {
    const row = newIncident();
    await store.insertIncidents([row]);
    const refused = await store.transitionIncident(row.id, { to: 'closed' });
    expect(refused).toEqual({ ok: false, reason: 'refused', from: 'reported', to: 'closed' });
    const at = new Date(Date.parse(row.reportedAt) + 60_000);
    const accepted = await store.transitionIncident(row.id, { to: 'accepted', by: 'op1', note: '受理', at });
    expect(accepted.ok).toBe(true);
    if (!accepted.ok) return;
    expect(accepted.before.status).toBe('reported');
    expect(accepted.after).toMatchObject({ status: 'accepted', acceptedAt: at.toISOString(), updatedAt: at.toISOString() });
    const dispatched = await store.transitionIncident(row.id, { to: 'dispatched', assignee: 'team-3' });
    expect(dispatched.ok && dispatched.after.assignee).toBe('team-3');
    expect(dispatched.ok && dispatched.after.dispatchedAt).not.toBeNull();
    const got = await store.getIncident(row.id);
    expect(got?.history.map((h) => [h.from, h.to])).toEqual([[null, 'reported'], ['reported', 'accepted'], ['accepted', 'dispatched']]);
    expect(got?.history[1]).toMatchObject({ by: 'op1', note: '受理' });
    expect(await store.transitionIncident(randomUUID(), { to: 'accepted' })).toEqual({ ok: false, reason: 'not-found' });
  });

  it('derives overdue when served', async () => {
    const past = new Date(Date.now() - 10 * 86_400_000).toISOString();
    const row = newIncident({ reportedAt: past, receivedAt: past, updatedAt: past, dueAt: new Date(Date.now() - 1000).toISOString() });
    const [w] = await store.insertIncidents([row]);
    expect(w?.record.overdue).toBe(true);
  });

  it('lists with filters and a keyset cursor that visits each once', async () => {
    const base = Date.parse('2026-01-10T00:00:00.000Z');
    const rows = Array.from({ length: 25 }, (_, i) => {
      const t = new Date(base + Math.floor(i / 2) * 60_000).toISOString(); // pairs share a time
      return newIncident({ reportedAt: t, receivedAt: t, updatedAt: t, communityId: 'list-c', category: i % 5 === 0 ? 'dispute' : 'city_mgmt' });
    });
    await store.insertIncidents(rows);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<Store['listIncidents']>> = await store.listIncidents({ community: ['list-c'] }, 7, cursor);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    const disputes = await store.listIncidents({ community: ['list-c'], category: ['dispute'] }, 100, null);
    expect(disputes.items).toHaveLength(5);
    const ranged = await store.listIncidents({ community: ['list-c'], from: new Date(base + 60_000), to: new Date(base + 3 * 60_000) }, 100, null);
    expect(ranged.items).toHaveLength(4);
    expect(ranged.items.every((i, k, a) => k === 0 || (a[k - 1] as typeof i).reportedAt >= i.reportedAt)).toBe(true);
  });

  it('feed records: idempotent on (kind, externalId), in-batch duplicates, scans, alarm resolution', async () => {
    const ext = `d-${randomUUID()}`;
    const r = await store.insertFeed('fire-drills', [drill(ext), drill(ext, { participants: 99 }), drill(`d-${randomUUID()}`)]);
    expect(r.map((w) => w.created)).toEqual([true, false, true]);
    expect((r[1]?.record as unknown as { id: string }).id).toBe((r[0]?.record as unknown as { id: string }).id);
    expect(r[0]?.record).toMatchObject({ kind: 'evacuation', participants: 30, gridId: 'g1', externalId: ext });
    const replay = await store.insertFeed('fire-drills', [drill(ext, { participants: 1 })]);
    expect(replay[0]).toMatchObject({ created: false, record: { participants: 30 } });
    // The count-only insert (imports): same rule, only the number of new records comes back.
    const counted = `d-${randomUUID()}`;
    const viaCount = drill(counted, { buildingName: '石油路1号 "3栋"' });
    expect(await store.insertFeedCount('fire-drills', [drill(ext), viaCount, drill(counted, { participants: 7 })])).toBe(1);
    expect(await store.insertFeedCount('fire-drills', [drill(counted)])).toBe(0);
    // It writes the row insertFeed writes (its batch goes in as one JSON text).
    const { receivedAt: _r, ...sent } = viaCount as unknown as Record<string, unknown>;
    expect(await store.getFeedRecord('fire-drills', (viaCount as unknown as { id: string }).id)).toMatchObject(sent);
    expect(await store.insertFeedCount('fire-drills', [])).toBe(0);
    let scanned = 0;
    await store.scanFeed('fire-drills', new Date('2026-11-01T00:00:00Z'), (b) => void (scanned += b.length), 1);
    expect(scanned).toBe(3);
    expect(await store.countFeed('fire-drills')).toBe(3);

    const alarm = {
      id: randomUUID(), feed: 'alarms', streetId: STREET, receivedAt: new Date().toISOString(), gridId: null, communityId: null,
      externalId: 'a-1', simulated: false, occurredAt: new Date().toISOString(), device: 'smoke', type: 'smoke',
      location: { lng: 106.55, lat: 29.56 },
    } as unknown as FeedRecord<'alarms'>;
    const [a] = await store.insertFeed('alarms', [alarm]);
    const resolved = await store.resolveAlarm(a!.record.id, { outcome: 'false_alarm', resolvedAt: '2026-11-25T01:00:00.000Z' });
    expect(resolved.ok && resolved.after).toMatchObject({ outcome: 'false_alarm', resolvedAt: '2026-11-25T01:00:00.000Z' });
    expect(resolved.ok && resolved.before.resolvedAt).toBeUndefined();
    expect(await store.resolveAlarm(randomUUID(), { outcome: 'x', resolvedAt: new Date().toISOString() })).toEqual({ ok: false, reason: 'not-found' });
  });

  it('scans open or recent incidents in batches', async () => {
    const longAgo = '2025-01-01T00:00:00.000Z';
    const oldOpen = newIncident({ reportedAt: longAgo, receivedAt: longAgo, updatedAt: longAgo });
    const oldClosed = newIncident({ reportedAt: longAgo, receivedAt: longAgo, updatedAt: longAgo, status: 'rejected', closedAt: longAgo });
    await store.insertIncidents([oldOpen, oldClosed]);
    const seen = new Set<string>();
    let batches = 0;
    const total = await store.scanIncidents({ openOrSince: new Date('2026-01-01T00:00:00Z') }, (rows) => {
      batches += 1;
      for (const r of rows) seen.add(r.id);
    }, 4);
    expect(total).toBe(seen.size);
    expect(seen.has(oldOpen.id)).toBe(true);
    expect(seen.has(oldClosed.id)).toBe(false);
    expect(batches).toBeGreaterThan(1);
    expect(total).toBe((await store.countIncidents()) - 1);
  });

  it('purges simulated records only', async () => {
    const sim = newIncident({ simulated: true });
    const real = newIncident();
    await store.insertIncidents([sim, real]);
    await store.transitionIncident(sim.id, { to: 'accepted' });
    await store.insertFeed('fire-drills', [drill(`sim-${randomUUID()}`, { simulated: true })]);
    const simCount = await store.countIncidents({ simulated: true });
    const counts = await store.purgeSimulated();
    expect(counts.incidents).toBe(simCount);
    expect(counts.history).toBeGreaterThanOrEqual(2);
    expect(counts.feedRecords).toBe(1);
    expect(await store.getIncident(sim.id)).toBeNull();
    expect(await store.getIncident(real.id)).not.toBeNull();
    expect(await store.countIncidents({ simulated: true })).toBe(0);
  });

  it('a batch of 1,000 is written in one go', async () => {
    const rows = Array.from({ length: 1000 }, () => newIncident());
    const results = await store.insertIncidents(rows);
    expect(results.filter((r) => r.created)).toHaveLength(1000);
    const again = await store.insertIncidents(rows);
    expect(again.every((r, i) => !r.created && r.record.id === rows[i]?.id)).toBe(true);
  });
  it('writeMany commits every insert together, or none when its function throws', async () => {
    const before = await store.countIncidents();
    const feedBefore = await store.countFeed('fire-drills');
    const kept = newIncident();
    await store.writeMany(async (w) => {
      await w.insertIncidents([kept]);
      await w.insertFeed('fire-drills', [drill(`many-${randomUUID()}`)]);
    });
    expect(await store.countIncidents()).toBe(before + 1);
    expect(await store.countFeed('fire-drills')).toBe(feedBefore + 1);

    const lost = Array.from({ length: 50 }, () => newIncident());
    await expect(store.writeMany(async (w) => {
      await w.insertIncidents(lost.slice(0, 25));
      await w.insertFeed('fire-drills', [drill(`lost-${randomUUID()}`)]);
      await w.insertIncidents(lost.slice(25));
      throw new Error('crash in the middle of an import');
    })).rejects.toThrow('crash in the middle');
    expect(await store.countIncidents()).toBe(before + 1);
    expect(await store.countFeed('fire-drills')).toBe(feedBefore + 1);
    expect(await store.getIncident(lost[0]!.id)).toBeNull();
    // The store still works after a rolled-back import.
    const [after] = await store.insertIncidents([newIncident()]);
    expect(after?.created).toBe(true);
  });

  it('a past incident imported with its lifecycle gets one history row per stamped step', async () => {
    const closed = newIncident({
      status: 'closed', reportedAt: '2024-03-05T01:00:00.000Z', acceptedAt: '2024-03-05T01:10:00.000Z',
      dispatchedAt: '2024-03-05T02:00:00.000Z', closedAt: '2024-03-06T03:00:00.000Z', receivedAt: '2026-11-30T00:00:00.000Z',
      updatedAt: '2024-03-06T03:00:00.000Z', dueAt: '2024-03-08T01:00:00.000Z',
    });
    const open = newIncident({ status: 'dispatched', reportedAt: '2024-03-05T01:00:00.000Z', dispatchedAt: '2024-03-05T04:00:00.000Z' });
    const written = await store.insertIncidents([closed, open], { history: 'lifecycle', by: 'import:test.csv' });
    expect(written.map((w) => w.created)).toEqual([true, true]);
    expect((await store.history(closed.id)).map((h) => [h.at, h.from, h.to, h.by])).toEqual([
      ['2024-03-05T01:00:00.000Z', null, 'reported', 'import:test.csv'],
      ['2024-03-05T01:10:00.000Z', 'reported', 'accepted', 'import:test.csv'],
      ['2024-03-05T02:00:00.000Z', 'accepted', 'dispatched', 'import:test.csv'],
      ['2024-03-06T03:00:00.000Z', 'dispatched', 'closed', 'import:test.csv'],
    ]);
    expect((await store.history(open.id)).map((h) => h.to)).toEqual(['reported', 'dispatched']);
    const again = await store.insertIncidents([closed], { history: 'lifecycle' });
    expect(again[0]?.created).toBe(false);
    expect(await store.history(closed.id)).toHaveLength(4);
  });

  it('merges a duplicate into its original with history on both, and undoes it within a day only', async () => {
    const [original, duplicate, late, onSite] = (await store.insertIncidents([
      newIncident(), newIncident({ reporter: { kind: 'resident', name: '王五' }, photos: ['https://example.org/a.jpg'] }), newIncident(), newIncident(),
    ])).map((w) => w.record);
    await store.transitionIncident(original!.id, { to: 'accepted', by: 'desk' });
    const merged = await store.mergeIncident(duplicate!.id, original!.id, { by: 'desk' });
    if (!merged.ok) throw new Error(JSON.stringify(merged));
    expect(merged.duplicate.after).toMatchObject({ status: 'merged', mergedInto: original!.id, reporter: { name: '王五' }, photos: ['https://example.org/a.jpg'] });
    expect(merged.duplicate.after.closedAt).not.toBeNull();
    expect((await store.history(duplicate!.id)).map((h) => [h.from, h.to, h.event, h.relatedId])).toEqual([
      [null, 'reported', null, null], ['reported', 'merged', 'merged', original!.id],
    ]);
    const originalHistory = await store.history(original!.id);
    expect(originalHistory.at(-1)).toMatchObject({ from: 'accepted', to: 'accepted', event: 'merged_in', relatedId: duplicate!.id });
    expect((await store.getIncident(original!.id))?.status).toBe('accepted');
    expect(await store.openPoints()).not.toContainEqual(expect.objectContaining({ id: duplicate!.id }));

    // Refused: again, into itself, into a merged one, from a status the lifecycle does not allow, unknown ids.
    expect(await store.mergeIncident(duplicate!.id, original!.id, {})).toMatchObject({ ok: false, reason: 'refused' });
    expect(await store.mergeIncident(late!.id, late!.id, {})).toMatchObject({ ok: false, reason: 'refused' });
    expect(await store.mergeIncident(late!.id, duplicate!.id, {})).toMatchObject({ ok: false, reason: 'refused' });
    await store.transitionIncident(onSite!.id, { to: 'accepted' });
    await store.transitionIncident(onSite!.id, { to: 'dispatched' });
    await store.transitionIncident(onSite!.id, { to: 'on_site' });
    expect(await store.mergeIncident(onSite!.id, original!.id, {})).toMatchObject({ ok: false, reason: 'refused' });
    expect(await store.mergeIncident('nope', original!.id, {})).toMatchObject({ ok: false, reason: 'not-found', id: 'nope' });
    expect(await store.mergeIncident(late!.id, 'nope', {})).toMatchObject({ ok: false, reason: 'not-found', id: 'nope' });

    const undone = await store.unmergeIncident(duplicate!.id, { by: 'leader' });
    if (!undone.ok) throw new Error(JSON.stringify(undone));
    expect(undone.duplicate.after).toMatchObject({ status: 'reported', mergedInto: null, closedAt: null });
    expect((await store.history(duplicate!.id)).at(-1)).toMatchObject({ from: 'merged', to: 'reported', event: 'unmerged', relatedId: original!.id, by: 'leader' });
    expect((await store.history(original!.id)).at(-1)).toMatchObject({ event: 'merge_undone', relatedId: duplicate!.id });
    expect(await store.unmergeIncident(duplicate!.id, {})).toMatchObject({ ok: false, reason: 'refused' });

    // A merge more than a day old stays.
    const dayAgo = new Date(Date.now() - 25 * 3_600_000);
    expect((await store.mergeIncident(late!.id, original!.id, { at: dayAgo })).ok).toBe(true);
    expect(await store.unmergeIncident(late!.id, {})).toMatchObject({ ok: false, reason: 'refused', detail: expect.stringMatching(/more than a day/) });
  });
});
