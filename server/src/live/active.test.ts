import { describe, expect, it } from 'vitest';
import type { Alarm, Alert, Incident } from '@grid141/shared';
import { ActiveAlerts } from './active.ts';

const NOW = Date.parse('2026-11-25T02:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function alert(kind: Alert['kind'], id: string, at: number): Alert {
  return { id: `${kind}:${id}`, kind, at: iso(at), incidentId: id, code: 'emergency', communityId: 'c1', gridId: 'g1', location: null, simulated: false };
}

describe('active alerts', () => {
  it('lists oldest first and keeps at most the cap, dropping overdue ones before critical ones', () => {
    const active = new ActiveAlerts({ cap: 3, now: () => NOW });
    active.add(alert('critical-incident', 'a', NOW - 5_000));
    active.add(alert('overdue', 'b', NOW - 1_000));
    active.add(alert('alarm', 'c', NOW - 3_000));
    active.add(alert('critical-incident', 'd', NOW - 2_000));
    expect(active.list().map((a) => a.id)).toEqual(['critical-incident:a', 'alarm:c', 'critical-incident:d']);
    active.add(alert('critical-incident', 'e', NOW));
    expect(active.list().map((a) => a.id)).toEqual(['alarm:c', 'critical-incident:d', 'critical-incident:e']);
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
});
