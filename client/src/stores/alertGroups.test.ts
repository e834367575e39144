import { describe, expect, it } from 'vitest';
import type { Alert } from '@grid141/shared';
import { AlertBoard, commonPlace } from './alertGroups.ts';
import { ChimeLimiter } from '../components/alerts/chimeLimiter.ts';

const T = Date.parse('2026-11-25T02:00:00Z');
const at = (ms: number) => new Date(ms).toISOString();

function alarm(id: string, code: string, building: number, ms: number, address?: string): Alert {
  return {
    id: `alarm:${id}`, kind: 'alarm', at: at(ms), alarmId: id, code, communityId: 'c1', gridId: 'g1',
    location: { lng: 106.5 + building * 0.001, lat: 29.5 }, simulated: false, ...(address ? { address } : {}),
  };
}
const critical = (id: string, ms: number): Alert => ({
  id: `critical-incident:${id}`, kind: 'critical-incident', at: at(ms), incidentId: id, code: 'emergency', communityId: 'c1', gridId: 'g1',
  location: { lng: 106.5, lat: 29.5 }, simulated: false, text: '井盖缺失',
});

describe('the wall folds an alarm storm (issue 8 §5)', () => {
  it('1 SOS then 200 smoke alarms from one building: two lines, the SOS first, the storm with its true count and building', () => {
    const board = new AlertBoard();
    board.add(alarm('sos', 'sos', 0, T), T);
    for (let i = 0; i < 200; i += 1) board.add(alarm(`s${i}`, 'smoke', 5, T + 10 + i, `石油路5栋${1 + (i % 4)}单元${100 + i}`), T + 10 + i);
    const lines = board.list();
    expect(lines.map((g) => [g.lead.code, g.count])).toEqual([['sos', 1], ['smoke', 200]]);
    expect(lines[1]?.place).toBe('石油路5栋');
    expect(lines[1]?.lead.id).toBe('alarm:s199');
    expect(board.total()).toBe(201);
  });

  it('issue 8 §5: 40 gas alarms of one building 0.2 m apart across a cell edge are one line ×40, with or without an address; a far pair stays two', () => {
    const gas = (i: number, lng: number, address?: string): Alert => ({
      ...alarm(`g${i}`, 'gas_leak', 0, T + i, address), location: { lng, lat: 29.55 },
    });
    for (const address of ['大坪正街 8栋', undefined]) {
      const board = new AlertBoard();
      board.add(alarm('sos', 'sos', 0, T), T);
      for (let i = 0; i < 40; i += 1) board.add(gas(i, i % 2 ? 106.520251 : 106.520249, address), T + i);
      expect(board.list().map((g) => [g.lead.code, g.count])).toEqual([['sos', 1], ['gas_leak', 40]]);
      if (address) expect(board.list()[1]?.place).toBe('大坪正街 8栋');
      expect(board.total()).toBe(41);
    }
    const board = new AlertBoard();
    board.add(gas(1, 106.51975), T);
    board.add(gas(2, 106.52075), T + 1);
    expect(board.list().map((g) => g.count)).toEqual([1, 1]);
  });

  it('a critical incident and an SOS stay above smoke whatever arrives later; acknowledging a line lets all its ids go', () => {
    const board = new AlertBoard();
    board.add(critical('x', T), T);
    for (let i = 0; i < 50; i += 1) board.add(alarm(`b${i}`, 'smoke', 10 + i, T + 100 + i), T + 100 + i);
    board.add(alarm('sos', 'sos', 0, T + 50), T + 50);
    // Both a person in danger: the newer first; the 50 smoke lines below them although newer still.
    expect(board.list().slice(0, 2).map((g) => g.lead.id)).toEqual(['alarm:sos', 'critical-incident:x']);
    expect(board.list().slice(0, 2).every((g) => g.rank === 3)).toBe(true);
    expect(board.list()[2]?.rank).toBe(2);
    const storm = new AlertBoard();
    for (let i = 0; i < 20; i += 1) storm.add(alarm(`s${i}`, 'smoke', 5, T + i), T + i);
    const key = storm.list()[0]!.key;
    expect(storm.acknowledge(key)).toHaveLength(20);
    expect(storm.total()).toBe(0);
  });

  it('a replay carries the server\'s count; the same ids again (a reconnect) do not count twice', () => {
    const board = new AlertBoard();
    board.add({ ...alarm('s199', 'smoke', 5, T, '石油路5栋4单元299室'), replay: true, count: 200 }, T);
    expect(board.total()).toBe(200);
    expect(board.list()[0]?.place).toBe('石油路5栋');
    board.add(alarm('s200', 'smoke', 5, T + 1, '石油路5栋1单元300室'), T + 1);
    expect(board.total()).toBe(201);
    expect(board.list()[0]?.place).toBe('石油路5栋');
    expect(board.add({ ...alarm('s200', 'smoke', 5, T + 1), replay: true, count: 150 }, T + 2)).toBeNull();
    expect(board.total()).toBe(150);
  });

  it('counts down as the server ends alerts, known ids or replayed ones, and drops a line at zero', () => {
    const board = new AlertBoard();
    board.add({ ...alarm('s199', 'smoke', 5, T), replay: true, count: 3 }, T);
    const key = board.list()[0]!.key;
    expect(board.end([{ id: 'alarm:s1', group: key }])).toBe(true);
    expect(board.total()).toBe(2);
    board.end([{ id: 'alarm:s199', group: key }]);
    expect(board.total()).toBe(1);
    board.end([{ id: 'alarm:s2', group: key }]);
    expect(board.list()).toEqual([]);
    expect(board.end([{ id: 'alarm:x', group: 'nothing' }])).toBe(false);
    board.add(critical('c', T), T);
    board.end([{ id: 'critical-incident:c', group: 'critical-incident:c' }]);
    expect(board.total()).toBe(0);
  });

  it('cuts a common address back to its building', () => {
    expect(commonPlace('石油路5栋2单元1201', '石油路5栋3单元802')).toBe('石油路5栋');
    expect(commonPlace('石油路5栋2单元1201', '石油路5栋2单元1202')).toBe('石油路5栋');
    expect(commonPlace('5栋', '5栋')).toBe('5栋');
    expect(commonPlace('煤建新村12号', '大坪正街3号')).toBeNull();
  });
});

describe('the chime (issue 8 §5)', () => {
  it('sounds once for a burst of 201 alerts in 4 s; again for a person in danger inside a smoke burst; at most 4 a minute', () => {
    const limiter = new ChimeLimiter();
    let chimes = 0;
    if (limiter.admit(3, T)) chimes += 1; // SOS
    for (let i = 0; i < 200; i += 1) if (limiter.admit(2, T + 20 * i)) chimes += 1;
    expect(chimes).toBe(1);

    const smokeFirst = new ChimeLimiter();
    expect(smokeFirst.admit(2, T)).toBe(true);
    expect(smokeFirst.admit(2, T + 100)).toBe(false);
    expect(smokeFirst.admit(3, T + 200)).toBe(true);
    expect(smokeFirst.admit(3, T + 300)).toBe(false);

    // A smoke burst then an SOS every 21 s wants two chimes a burst: the minute allows 4.
    const busy = new ChimeLimiter();
    const times: number[] = [];
    for (let k = 0; k < 6; k += 1) {
      const t0 = T + k * 21_000;
      if (busy.admit(2, t0)) times.push(t0);
      if (busy.admit(3, t0 + 1_000)) times.push(t0 + 1_000);
    }
    for (const t of times) expect(times.filter((u) => u >= t && u < t + 60_000).length).toBeLessThanOrEqual(4);
    expect(times.length).toBeGreaterThanOrEqual(4);
  });
});
