// A duty roster whose shift changes a short minute from now, for tests that watch the change live.
// Every weekly entry is named after its weekday and shift; tonight has a dated entry.
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir } from './server.ts';

export const STREET_TZ = 'Asia/Shanghai';

/** Wall-clock fields in the street zone, read with Intl (not with the server's helpers). */
export function streetClock(at: number): { date: string; time: string; weekday: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: STREET_TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday ?? '') + 1;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}`, weekday };
}

export function writeRoster(roster: unknown): string {
  const file = path.join(makeTempDir('grid141-roster-'), 'roster.json');
  fs.writeFileSync(file, JSON.stringify(roster));
  return file;
}

/** Names as long as real ones (two or three characters), e.g. 三白甲 for Wednesday's day shift. */
export const weeklyNames = (weekday: number, shift: 'day' | 'night') => {
  const tag = `${'一二三四五六日'[weekday - 1]}${shift === 'day' ? '白' : '夜'}`;
  return { leader: `${tag}领`, officers: [`${tag}甲`, `${tag}乙`] };
};
export const TONIGHT = { leader: '节日带班', officers: ['节日值班'] };

export interface ChangingRoster {
  file: string;
  /** When the day shift ends and tonight's begins (ms, on a whole minute). */
  boundary: number;
  /** The street's date and weekday now. */
  today: ReturnType<typeof streetClock>;
}

/** Day 00:00 → B, night B → 00:00, with B `leadMs` or up to a minute more from now (never at midnight). */
export async function changingRoster(leadMs = 30_000): Promise<ChangingRoster> {
  let now = Date.now();
  while (['23:58', '23:59', '00:00'].includes(streetClock(now + leadMs + 60_000).time)) {
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    now = Date.now();
  }
  const boundary = Math.ceil((now + leadMs) / 60_000) * 60_000;
  const today = streetClock(now);
  const b = streetClock(boundary).time;
  const file = writeRoster({
    synthetic: true,
    shifts: { day: { start: '00:00', end: b }, night: { start: b, end: '00:00' } },
    weekly: [1, 2, 3, 4, 5, 6, 7].flatMap((weekday) => (['day', 'night'] as const).map((shift) => ({ weekday, shift, ...weeklyNames(weekday, shift) }))),
    dates: [{ date: today.date, shift: 'night', ...TONIGHT }],
  });
  return { file, boundary, today };
}
