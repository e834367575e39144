import { describe, expect, it } from 'vitest';
import type { Alarm, Incident } from '@grid141/shared';
import { alarmAlert, criticalIncidentAlert, overdueAlert, withOverdue } from './alerts.ts';
import { AlertGate } from './gate.ts';

const NOW = Date.parse('2026-11-25T02:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function incident(over: Partial<Incident> = {}): Incident {
  return {
    id: 'inc-1', streetId: 'shiyoulu', externalId: 'x-1', source: 'hotline_12345', category: 'emergency', subcategory: null,
    urgency: 'critical', colour: 'red', status: 'reported', title: null, description: 'fire', location: [106.5, 29.5],
    address: null, reporter: null, photos: [], gridId: 'g1', microGridId: null, communityId: 'c1', outsideArea: false,
    reportedAt: iso(NOW - 60_000), receivedAt: iso(NOW - 60_000), updatedAt: iso(NOW - 60_000), acceptedAt: null,
    dispatchedAt: null, onSiteAt: null, handledAt: null, closedAt: null, dueAt: iso(NOW + 600_000), slaProfile: 'rapid_1_5_10',
    assignee: null, escalations: [], evaluation: null, simulated: false, version: 1, overdue: false, ...over,
  } as Incident;
}

function alarm(over: Partial<Alarm> = {}): Alarm {
  return {
    id: 'al-1', feed: 'alarms', streetId: 'shiyoulu', receivedAt: iso(NOW), gridId: 'g2', communityId: 'c2', externalId: 'a-1',
    simulated: true, occurredAt: iso(NOW - 5_000), device: 'smoke', type: 'smoke', location: [106.51, 29.51], ...over,
  } as Alarm;
}

describe('alerts', () => {
  it('flashes a new open critical incident once, with a stable id', () => {
    const a = criticalIncidentAlert({ before: null, after: incident() }, NOW);
    expect(a).toMatchObject({ id: 'critical-incident:inc-1', kind: 'critical-incident', incidentId: 'inc-1', code: 'emergency', gridId: 'g1', communityId: 'c1' });
    expect(criticalIncidentAlert({ before: incident(), after: incident({ status: 'accepted' }) }, NOW)).toBeNull();
    expect(criticalIncidentAlert({ before: incident({ urgency: 'normal' }), after: incident() }, NOW)?.kind).toBe('critical-incident');
    expect(criticalIncidentAlert({ before: null, after: incident({ urgency: 'urgent' }) }, NOW)).toBeNull();
    expect(criticalIncidentAlert({ before: null, after: incident({ status: 'closed' }) }, NOW)).toBeNull();
    expect(criticalIncidentAlert({ before: null, after: incident({ reportedAt: iso(NOW - 3 * 3_600_000) }) }, NOW)).toBeNull();
  });

  it('flashes alarms that mean danger, not upkeep, resolved or old ones', () => {
    expect(alarmAlert(alarm(), NOW)).toMatchObject({ id: 'alarm:al-1', kind: 'alarm', alarmId: 'al-1', code: 'smoke', simulated: true });
    for (const type of ['gas_leak', 'sos', 'fall', 'abnormal_hr'] as const) expect(alarmAlert(alarm({ type }), NOW)?.code).toBe(type);
    for (const type of ['low_battery', 'offline', 'test'] as const) expect(alarmAlert(alarm({ type }), NOW)).toBeNull();
    expect(alarmAlert(alarm({ resolvedAt: iso(NOW) }), NOW)).toBeNull();
    expect(alarmAlert(alarm({ occurredAt: iso(NOW - 3_600_000) }), NOW)).toBeNull();
  });

  it('flashes an incident that went overdue while the server ran, not one overdue before it started', () => {
    const started = NOW - 600_000;
    expect(overdueAlert(incident({ dueAt: iso(NOW - 1_000) }), started, NOW)?.id).toBe('overdue:inc-1');
    expect(overdueAlert(incident({ dueAt: iso(started - 1_000) }), started, NOW)).toBeNull();
    expect(overdueAlert(incident({ dueAt: iso(NOW - 1_000), status: 'closed' }), started, NOW)).toBeNull();
  });

  it('derives overdue when served', () => {
    expect(withOverdue(incident({ dueAt: iso(NOW - 1) }), NOW).overdue).toBe(true);
    expect(withOverdue(incident({ dueAt: iso(NOW - 1), status: 'rejected' }), NOW).overdue).toBe(false);
    expect(withOverdue(incident({ overdue: true }), NOW).overdue).toBe(false);
  });
});

describe('AlertGate', () => {
  it('passes each id once and caps overdue alerts per second, never critical ones', () => {
    let now = NOW;
    const gate = new AlertGate({ overduePerSecond: 3, now: () => now });
    const overdue = (i: number) => ({ ...overdueAlert(incident({ id: `i${i}`, dueAt: iso(NOW - 1) }), 0, NOW)! });
    const passed = Array.from({ length: 10 }, (_, i) => gate.admit(overdue(i))).filter(Boolean).length;
    expect(passed).toBe(3);
    expect(gate.dropped).toBe(7);
    const critical = criticalIncidentAlert({ before: null, after: incident() }, NOW)!;
    expect(gate.admit(critical)).toBe(true);
    expect(gate.admit(critical)).toBe(false);
    now += 1_000;
    expect(gate.admit(overdue(20))).toBe(true);
    expect(gate.admit(overdue(0))).toBe(false);
  });
});

describe('what an alert says (issue 8 §6)', () => {
  it('carries the start of the title or description as plain text, and the address', () => {
    const long = `井盖缺失，${'行人险些跌落，'.repeat(30)}请速处置`;
    const a = criticalIncidentAlert({ before: null, after: incident({ description: long, address: '石油路 5 栋' }) }, NOW)!;
    expect(a.text?.startsWith('井盖缺失，行人险些跌落')).toBe(true);
    expect([...a.text!].length).toBeLessThanOrEqual(80);
    expect(a.text?.endsWith('…')).toBe(true);
    expect(a.address).toBe('石油路 5 栋');
    expect(criticalIncidentAlert({ before: null, after: incident({ title: '5栋起火', description: long }) }, NOW)?.text).toBe('5栋起火');
    expect(criticalIncidentAlert({ before: null, after: incident({ description: '<b>火</b>\n\n 3楼' }) }, NOW)?.text).toBe('<b>火</b> 3楼');
  });

  it('an alarm says which device and where', () => {
    const a = alarmAlert(alarm({ deviceId: 'SMK-0501', address: '5栋2单元' } as Partial<Alarm>), NOW)!;
    expect(a).toMatchObject({ device: 'smoke', deviceId: 'SMK-0501', address: '5栋2单元' });
    expect(alarmAlert(alarm(), NOW)).not.toHaveProperty('deviceId');
  });
});
