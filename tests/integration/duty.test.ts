// Who is on duty, against the real server: GET /api/v1/street names the people on the shift
// running now, /live tells a connected wall the moment the shift changes, and a bad roster
// stops the start with one line naming the file and the field.
import fs from 'node:fs';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_NAMESPACE, type DutyPayload } from '@grid141/shared';
import { makeTempDir, runServerUntilExit, startTestServer, stopAllServers, type TestServer } from '../helpers/server.ts';
import { STREET_TZ, TONIGHT, changingRoster, weeklyNames, writeRoster, type ChangingRoster } from '../helpers/duty-roster.ts';

/** The single line main.ts prints before exiting 1. */
function failureLine(stderr: string): string {
  const lines = stderr.split('\n').filter((line) => line.startsWith('grid141: '));
  expect(lines, `stderr was:\n${stderr}`).toHaveLength(1);
  return lines[0] ?? '';
}

describe('the shift running now, and the change at its end', () => {
  let server: TestServer;
  let socket: Socket | null = null;
  let roster: ChangingRoster;

  beforeAll(async () => {
    roster = await changingRoster();
    server = await startTestServer({ env: { DUTY_ROSTER: roster.file, TZ_STREET: STREET_TZ } });
  });

  afterAll(async () => {
    socket?.disconnect();
    await server?.stop();
  });

  it('GET /api/v1/street names the day shift, with its end in the street offset', async () => {
    expect(Date.now(), 'the server took too long to start; the boundary has passed').toBeLessThan(roster.boundary);
    const body = await (await server.get('/api/v1/street')).json();
    const { leader, officers } = weeklyNames(roster.today.weekday, 'day');
    expect(body.duty).toEqual({
      officer: officers.join('、'),
      officers,
      leader,
      shift: 'day',
      until: expect.stringMatching(/\+08:00$/),
      synthetic: true,
    });
    expect(Date.parse(body.duty.until)).toBe(roster.boundary);
  });

  it('a connected wall gets the duty on connect and the dated night shift at the boundary, and so does the API', async () => {
    const received: DutyPayload[] = [];
    socket = connect(`${server.url}${LIVE_NAMESPACE}`, { transports: ['websocket'], auth: { token: server.credentials.viewerToken }, reconnection: false });
    socket.on('duty', (payload: DutyPayload) => received.push(payload));
    await expect.poll(() => received.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    expect(received[0]).toMatchObject({ shift: 'day', leader: weeklyNames(roster.today.weekday, 'day').leader });
    const before = await server.get('/api/v1/street');
    const etag = before.headers.get('etag');
    await before.arrayBuffer();

    // Pushed by the server's timer at the boundary: nothing else sends a second duty event to a
    // connected wall. The 20 s past the boundary are a hang guard for a loaded machine, not a target.
    await expect.poll(() => received.length, { timeout: roster.boundary - Date.now() + 20_000, interval: 200 }).toBe(2);
    const night = received[1];
    expect(night).toMatchObject({ officer: '节日值班', officers: TONIGHT.officers, leader: TONIGHT.leader, shift: 'night', synthetic: true });
    expect(Date.parse(night?.until ?? '')).toBeGreaterThan(roster.boundary);

    const after = await server.get('/api/v1/street', { headers: { 'if-none-match': etag ?? '' } });
    expect(after.status).toBe(200);
    expect((await after.json()).duty).toEqual(night);
  });
});

describe('a roster that cannot be used stops the start, naming the file and the field', () => {
  afterEach(async () => {
    await stopAllServers();
  });

  const good = {
    shifts: { day: { start: '08:30', end: '17:30' }, night: { start: '17:30', end: '08:30' } },
    weekly: [{ weekday: 1, shift: 'day', leader: '甲', officers: ['乙'] }],
  };

  it('an entry without officers', async () => {
    const file = writeRoster({ ...good, weekly: [good.weekly[0], { weekday: 2, shift: 'night', leader: '丙', officers: [] }] });
    const result = await runServerUntilExit({ env: { DUTY_ROSTER: file } });
    expect(result.code).toBe(1);
    const line = failureLine(result.stderr);
    expect(line).toContain(file);
    expect(line).toContain('weekly.1.officers');
    // A refused start leaves DATA_DIR free for the next try.
    expect(fs.existsSync(path.join(result.dataDir, 'grid141.lock'))).toBe(false);
  });

  it('DUTY_ROSTER naming a file that is not there', async () => {
    const file = path.join(makeTempDir('grid141-roster-'), 'nope.json');
    const result = await runServerUntilExit({ env: { DUTY_ROSTER: file } });
    expect(result.code).toBe(1);
    expect(failureLine(result.stderr)).toBe(`grid141: ${file}: cannot be read (ENOENT)`);
  });
});
