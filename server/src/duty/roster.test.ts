import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../config.ts';
import { DutyRosterError, ROSTER_FILE, findRoster, readRoster } from './roster.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'duty-roster-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good = {
  shifts: { day: { start: '08:30', end: '17:30' }, night: { start: '17:30', end: '08:30' } },
  weekly: [{ weekday: 1, shift: 'day', leader: '甲', officers: ['乙'] }],
};

async function problem(roster: unknown): Promise<string> {
  const file = path.join(dir, `bad-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof roster === 'string' ? roster : JSON.stringify(roster));
  const error = await readRoster(file).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(DutyRosterError);
  const message = (error as Error).message;
  expect(message.startsWith(`${file}: `)).toBe(true);
  expect(message).not.toContain('\n');
  return message;
}

describe('readRoster', () => {
  it('reads the shipped shiyoulu roster: synthetic, both shifts of every weekday covered', async () => {
    const roster = await readRoster(path.join(REPO_ROOT, 'data', 'streets', 'shiyoulu', ROSTER_FILE));
    expect(roster.synthetic).toBe(true);
    for (let weekday = 1; weekday <= 7; weekday++) {
      for (const shift of ['day', 'night']) {
        expect(roster.weekly.filter((e) => e.weekday === weekday && e.shift === shift), `${weekday} ${shift}`).toHaveLength(1);
      }
    }
  });

  it('defaults synthetic to false and the dated list to empty', async () => {
    const file = path.join(dir, 'good.json');
    writeFileSync(file, JSON.stringify(good));
    expect(await readRoster(file)).toMatchObject({ synthetic: false, dates: [] });
  });

  it.each([
    ['a weekday out of range', { ...good, weekly: [{ ...good.weekly[0], weekday: 8 }] }, 'weekly.0.weekday'],
    ['an entry without officers', { ...good, weekly: [{ ...good.weekly[0], officers: [] }] }, 'weekly.0.officers'],
    ['an empty leader', { ...good, weekly: [{ ...good.weekly[0], leader: ' ' }] }, 'weekly.0.leader'],
    ['an unknown shift', { ...good, weekly: [{ ...good.weekly[0], shift: 'evening' }] }, 'weekly.0.shift'],
    ['a date that does not exist', { ...good, dates: [{ ...good.weekly[0], weekday: undefined, date: '2026-02-30' }] }, 'dates.0.date'],
    ['a bad time', { ...good, shifts: { ...good.shifts, day: { start: '8:30', end: '17:30' } } }, 'shifts.day.start'],
    ['shifts that leave a gap', { ...good, shifts: { ...good.shifts, night: { start: '18:00', end: '08:30' } } }, 'shifts.night'],
    ['a shift listed twice', { ...good, weekly: [good.weekly[0], good.weekly[0]] }, 'weekly.1'],
  ])('refuses %s, naming the field', async (_what, roster, field) => {
    expect(await problem(roster)).toContain(`invalid at ${field}: `);
  });

  it('refuses a file that is not JSON or not there, naming it', async () => {
    expect(await problem('{"shifts": ')).toContain('is not valid JSON');
    await expect(readRoster(path.join(dir, 'missing.json'))).rejects.toThrow(/missing\.json: cannot be read \(ENOENT\)/);
  });
});

describe('findRoster', () => {
  const streetsDir = path.join(REPO_ROOT, 'data', 'streets');

  it('takes DUTY_ROSTER first, then DATA_DIR, then the street folder, else none', () => {
    const dataDir = mkdtempSync(path.join(dir, 'data-'));
    const base = { dataDir, streetsDir, streetId: 'shiyoulu' };
    expect(findRoster({ ...base, duty: { roster: '/elsewhere/roster.json' } })).toBe('/elsewhere/roster.json');
    expect(findRoster({ ...base, duty: { roster: null } })).toBe(path.join(streetsDir, 'shiyoulu', ROSTER_FILE));
    writeFileSync(path.join(dataDir, ROSTER_FILE), '{}');
    expect(findRoster({ ...base, duty: { roster: null } })).toBe(path.join(dataDir, ROSTER_FILE));
    expect(findRoster({ dataDir: dir, streetsDir: dir, streetId: 'nowhere', duty: { roster: null } })).toBeNull();
  });
});
