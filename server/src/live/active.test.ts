import { describe, expect, it } from 'vitest';
import type { Alarm, Alert, Incident } from '@grid141/shared';
import { ActiveAlerts, rebuildActiveAlerts } from './active.ts';

const NOW = Date.parse('2026-11-25T02:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function alert(kind: Alert['kind'], id: string, at: number): Alert {
  // A community and grid of its own: these do not fold together.
  return { id: `${kind}:${id}`, kind, at: iso(at), incidentId: id, code: 'emergency', communityId: `c-${id}`, gridId: `g-${id}`, location: null, simulated: false };
}

/** An alarm of `code` at a building: one place per `building` (about 100 m apart). */
function alarmAt(id: string, code: string, building: number, at: number): Alert {
  return {
    id: `alarm:${id}`, kind: 'alarm', at: iso(at), alarmId: id, code, device: code === 'sos' ? 'bracelet' : 'smoke',
    communityId: 'c1', gridId: 'g1', location: { lng: 106.5 + building * 0.001, lat: 29.5 }, simulated: false,
  };
}

describe('active alerts', () => {
  it('lists oldest first and bounds each kind on its own: a flood of one kind never evicts another', () => {
    const active = new ActiveAlerts({ cap: 2, now: () => NOW });
    active.add(alert('critical-incident', 'a', NOW - 5_000));
    active.add(alert('overdue', 'b', NOW - 1_000));
    active.add(alert('critical-incident', 'd', NOW - 2_000));
    for (let i = 0; i < 10; i += 1) active.add({ ...alert('overdue', `o${i}`, NOW - 500 + i), communityId: `c${i}` });
    active.add(alert('critical-incident', 'e', NOW));
    expect(active.list().map((a) => a.id)).toEqual(['critical-incident:d', 'overdue:o8', 'overdue:o9', 'critical-incident:e']);
  });

  it('issue 8 storm: 1 SOS then 200 smoke alarms from one building, then 60 from 60 other places; the SOS stays, the fold count is true', () => {
    const active = new ActiveAlerts({ now: () => NOW });
    active.add(alarmAt('sos', 'sos', 0, NOW - 3_000));
    for (let i = 0; i < 200; i += 1) active.add(alarmAt(`s${i}`, 'smoke', 5, NOW - 2_900 + i * 10));
    let replay = active.list();
    expect(replay.map((a) => [a.id, a.count ?? 1])).toEqual([['alarm:sos', 1], ['alarm:s199', 200]]);
    expect(active.size).toBe(201);
    // Smoke from 60 more places (one group each): over the alarm cap (50 groups), smoke goes, never the SOS.
    for (let b = 0; b < 60; b += 1) active.add(alarmAt(`b${b}`, 'smoke', 10 + b, NOW - 1_000 + b));
    replay = active.list();
    expect(replay).toHaveLength(50);
    expect(replay.map((a) => a.id)).toContain('alarm:sos');
    // Resolving some smoke alarms lowers the count by as many.
    for (let i = 150; i < 200; i += 1) active.remove(`alarm:s${i}`);
    const storm = active.list().find((a) => a.id.startsWith('alarm:s1'));
    if (storm) expect(storm.count).toBe(150);
  });

  it('issue 8 §5: 40 gas alarms of one building 0.2 m apart across a cell edge stand as one group of 40; a far pair as two', () => {
    for (const address of ['大坪正街 8栋', undefined]) {
      const active = new ActiveAlerts({ now: () => NOW });
      for (let i = 0; i < 40; i += 1) {
        active.add({ ...alarmAt(`g${i}`, 'gas_leak', 0, NOW - 1_000 + i), location: { lng: i % 2 ? 106.520251 : 106.520249, lat: 29.55 }, ...(address ? { address } : {}) });
      }
      expect(active.list().map((a) => [a.id, a.count])).toEqual([['alarm:g39', 40]]);
      expect(active.size).toBe(40);
    }
    const active = new ActiveAlerts({ now: () => NOW });
    active.add({ ...alarmAt('f1', 'gas_leak', 0, NOW - 2), location: { lng: 106.51975, lat: 29.55 } });
    active.add({ ...alarmAt('f2', 'gas_leak', 0, NOW - 1), location: { lng: 106.52075, lat: 29.55 } });
    expect(active.list().map((a) => a.count)).toEqual([undefined, undefined]);
  });

  it('an SOS arriving when the alarm kind is full of SOS groups is kept; a smoke alarm then is the one turned away', () => {
    const active = new ActiveAlerts({ caps: { alarm: 2 }, now: () => NOW });
    active.add(alarmAt('p1', 'sos', 1, NOW - 3_000));
    active.add(alarmAt('p2', 'sos', 2, NOW - 2_000));
    active.add(alarmAt('smoke', 'smoke', 3, NOW));
    expect(active.list().map((a) => a.id)).toEqual(['alarm:p1', 'alarm:p2']);
    active.add(alarmAt('p3', 'sos', 3, NOW));
    expect(active.list().map((a) => a.id)).toEqual(['alarm:p2', 'alarm:p3']);
  });

  it('says which standing alerts a settle ended, with their fold group, so walls can count down', () => {
    const active = new ActiveAlerts({ now: () => NOW });
    for (let i = 0; i < 3; i += 1) active.add(alarmAt(`s${i}`, 'smoke', 5, NOW - 100 + i));
    const ended = active.settleAlarm({ id: 's1', resolvedAt: iso(NOW) } as Alarm);
    expect(ended).toEqual([{ id: 'alarm:s1', group: expect.stringMatching(/^alarm:smoke:/) }]);
    expect(active.settleAlarm({ id: 's1', resolvedAt: iso(NOW) } as Alarm)).toEqual([]);
    expect(active.list()[0]).toMatchObject({ id: 'alarm:s2', count: 2 });
  });

  it('keeps a storm past the member bound as a count: memory bounded, count whole', () => {
    const active = new ActiveAlerts({ members: 10, now: () => NOW });
    for (let i = 0; i < 1_000; i += 1) active.add(alarmAt(`s${i}`, 'smoke', 5, NOW - 5_000 + i));
    expect(active.list()).toEqual([expect.objectContaining({ id: 'alarm:s999', count: 1_000 })]);
    active.remove('alarm:s999');
    expect(active.list()[0]).toMatchObject({ id: 'alarm:s998', count: 999 });
  });

  it('forgets alerts past the age bound', () => {
    let now = NOW;
    const active = new ActiveAlerts({ maxAgeMs: 60_000, now: () => now });
    active.add(alert('critical-incident', 'a', NOW - 30_000));
    expect(active.list()).toHaveLength(1);
    now = NOW + 31_000;
    expect(active.list()).toEqual([]);
    expect(active.size).toBe(0);
  });

  it('settles a closed incident, an incident no longer overdue, a resolved alarm and a purge', () => {
    const active = new ActiveAlerts({ now: () => NOW });
    active.add(alert('critical-incident', 'x', NOW));
    active.add(alert('overdue', 'x', NOW));
    active.add(alert('overdue', 'y', NOW));
    active.add({ ...alert('alarm', 'z', NOW), id: 'alarm:z', alarmId: 'z' });
    active.add({ ...alert('alarm', 's', NOW), id: 'alarm:s', simulated: true });

    const open = { id: 'x', status: 'dispatched', dueAt: iso(NOW - 60_000) } as Incident;
    active.settleIncident(open, NOW);
    expect(active.list().map((a) => a.id)).toContain('critical-incident:x');
    expect(active.list().map((a) => a.id)).toContain('overdue:x');
    active.settleIncident({ ...open, status: 'closed' }, NOW);
    active.settleIncident({ id: 'y', status: 'returned', dueAt: iso(NOW + 3_600_000) } as Incident, NOW);
    active.settleAlarm({ id: 'z' } as Alarm);
    expect(active.list().map((a) => a.id)).toEqual(['alarm:z', 'alarm:s']);
    active.settleAlarm({ id: 'z', resolvedAt: iso(NOW) } as Alarm);
    active.dropSimulated();
    expect(active.list()).toEqual([]);
  });

  it('rebuilds every standing alarm from the store, oldest first, so a storm replays with its count after a restart', async () => {
    const records = Array.from({ length: 30 }, (_, i) => ({
      id: `r${i}`, feed: 'alarms', streetId: 's', receivedAt: iso(NOW - 60_000 + i), gridId: 'g1', communityId: 'c1', externalId: `e${i}`,
      simulated: false, occurredAt: iso(NOW - 60_000 + i), device: 'smoke', type: 'smoke', location: { lng: 106.5, lat: 29.5 },
    }));
    const store = {
      listIncidents: async () => ({ items: [], nextCursor: null }),
      scanFeed: async (_kind: string, _since: Date, each: (batch: unknown[]) => void) => each(records),
    } as unknown as Parameters<typeof rebuildActiveAlerts>[0];
    const rebuilt = await rebuildActiveAlerts(store, NOW);
    expect(rebuilt).toHaveLength(30);
    const active = new ActiveAlerts({ now: () => NOW });
    for (const a of rebuilt) active.add(a);
    expect(active.list()).toEqual([expect.objectContaining({ id: 'alarm:r29', count: 30 })]);
  });
});
