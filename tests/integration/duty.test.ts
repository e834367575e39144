// Who is on duty, against the real server: GET /api/v1/street names the people on the shift
// running now, /live tells a connected wall the moment the shift changes, and a bad roster
// stops the start with one line naming the file and the field.
import fs from 'node:fs';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_NAMESPACE, type DutyPayload } from '@grid141/shared';
import { makeTempDir, runServerUntilExit, startTestServer, stopAllServers, type TestServer } from '../helpers/server.ts';

const TZ = 'Asia/Shanghai';
const SHIFTS = ['day', 'night'] as const;

/** Wall-clock fields in the street zone, read with Intl (not with the server's helpers). */
function local(at: number): { date: string; time: string; weekday: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday ?? '') + 1;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}`, weekday };
}

function writeRoster(roster: unknown): string {
  const file = path.join(makeTempDir('grid141-roster-'), 'roster.json');
  fs.writeFileSync(file, JSON.stringify(roster));
  return file;
}

/** The single line main.ts prints before exiting 1. */
function failureLine(stderr: string): string {
  const lines = stderr.split('\n').filter((line) => line.startsWith('grid141: '));
  expect(lines, `stderr was:\n${stderr}`).toHaveLength(1);
  return lines[0] ?? '';
}

describe('the shift running now, and the change at its end', () => {
  let server: TestServer;
  let socket: Socket | null = null;
  let boundary: number;
  let today: ReturnType<typeof local>;

  beforeAll(async () => {
    // A shift boundary a short minute away: day 00:00 → B, night B → 00:00 (never at midnight itself).
    let now = Date.now();
    while (['23:58', '23:59', '00:00'].includes(local(now + 90_000).time)) {
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      now = Date.now();
    }
    boundary = Math.ceil((now + 30_000) / 60_000) * 60_000;
    today = local(now);
    const b = local(boundary).time;
    const roster = {
      synthetic: true,
      shifts: { day: { start: '00:00', end: b }, night: { start: b, end: '00:00' } },
      weekly: [1, 2, 3, 4, 5, 6, 7].flatMap((weekday) =>
        SHIFTS.map((shift) => ({ weekday, shift, leader: `领导${weekday}${shift}`, officers: [`值班${weekday}${shift}甲`, `值班${weekday}${shift}乙`] })),
      ),
      // Tonight is dated: it beats the weekly pattern.
      dates: [{ date: today.date, shift: 'night', leader: '节日带班', officers: ['节日值班'] }],
    };
    server = await startTestServer({ env: { DUTY_ROSTER: writeRoster(roster), TZ_STREET: TZ } });
  });

  afterAll(async () => {
    socket?.disconnect();
    await server?.stop();
  });

  it('GET /api/v1/street names the day shift, with its end in the street offset', async () => {
    expect(Date.now(), 'the server took too long to start; the boundary has passed').toBeLessThan(boundary);
    const body = await (await server.get('/api/v1/street')).json();
    const officers = [`值班${today.weekday}day甲`, `值班${today.weekday}day乙`];
    expect(body.duty).toEqual({
      officer: officers.join('、'),
      officers,
      leader: `领导${today.weekday}day`,
      shift: 'day',
      until: expect.stringMatching(/\+08:00$/),
      synthetic: true,
    });
    expect(Date.parse(body.duty.until)).toBe(boundary);
  });

  it('a connected wall gets the duty on connect and the dated night shift at the boundary, and so does the API', async () => {
    const received: DutyPayload[] = [];
    socket = connect(`${server.url}${LIVE_NAMESPACE}`, { transports: ['websocket'], auth: { token: server.credentials.viewerToken }, reconnection: false });
    socket.on('duty', (payload: DutyPayload) => received.push(payload));
    await expect.poll(() => received.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    expect(received[0]).toMatchObject({ shift: 'day', leader: `领导${today.weekday}day` });
    const before = await server.get('/api/v1/street');
    const etag = before.headers.get('etag');
    await before.arrayBuffer();

    await expect.poll(() => received.length, { timeout: boundary - Date.now() + 10_000, interval: 200 }).toBe(2);
    const night = received[1];
    expect(night).toMatchObject({ officer: '节日值班', officers: ['节日值班'], leader: '节日带班', shift: 'night', synthetic: true });
    // Pushed at the boundary, not long after it.
    expect(Date.now() - boundary).toBeLessThan(5_000);
    expect(Date.parse(night?.until ?? '')).toBeGreaterThan(boundary);

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
