// Calendar periods in the street's time zone (TZ_STREET), using Intl only: days, ISO weeks
// (Monday first), months, years, hours and quarter hours, correct across DST changes.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const formatters = new Map<string, Intl.DateTimeFormat>();
// Offsets only change at whole quarter hours (UTC), so one lookup per quarter hour is exact;
// days also start on quarter hours, so the day key is cached the same way.
interface Block { offset: number; day: string | null }
const blockCaches = new Map<string, Map<number, Block>>();
const QUARTER = 15 * 60_000;

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', era: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

function computeOffset(instant: number, tz: string): number {
  const parts = formatterFor(tz).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  let year = get('year');
  if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
  const asUtc = Date.UTC(year, get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const seconds = Math.floor(instant / 1000) * 1000;
  return asUtc - seconds;
}

/** Milliseconds to add to a UTC instant to read the wall clock in `tz`. */
export function tzOffset(instant: number, tz: string): number {
  return blockOf(instant, tz).offset;
}

function blockOf(instant: number, tz: string): Block {
  let cache = blockCaches.get(tz);
  if (!cache) {
    cache = new Map();
    blockCaches.set(tz, cache);
  }
  const key = Math.floor(instant / QUARTER);
  let block = cache.get(key);
  if (block === undefined) {
    if (cache.size > 100_000) cache.clear();
    block = { offset: computeOffset(instant, tz), day: null };
    cache.set(key, block);
  }
  return block;
}

/** The wall clock in `tz` as a Date whose UTC fields are the local fields. */
export function wallClock(instant: number, tz: string): Date {
  return new Date(instant + tzOffset(instant, tz));
}

const pad2 = (n: number) => String(n).padStart(2, '0');
const pad4 = (n: number) => String(n).padStart(4, '0');

function dateKeyOfWall(wall: Date): string {
  return `${pad4(wall.getUTCFullYear())}-${pad2(wall.getUTCMonth() + 1)}-${pad2(wall.getUTCDate())}`;
}

/** 'YYYY-MM-DD' of the instant in tz. */
export function dayKey(instant: number, tz: string): string {
  const block = blockOf(instant, tz);
  if (block.day === null) block.day = dateKeyOfWall(new Date(instant + block.offset));
  return block.day;
}

/** 'YYYY-MM' of the instant in tz. */
export function monthKey(instant: number, tz: string): string {
  const wall = wallClock(instant, tz);
  return `${pad4(wall.getUTCFullYear())}-${pad2(wall.getUTCMonth() + 1)}`;
}

/** 'YYYY' of the instant in tz. */
export function yearKey(instant: number, tz: string): string {
  return pad4(wallClock(instant, tz).getUTCFullYear());
}

/** ISO week of a calendar date given as UTC fields: 'YYYY-Www' (Monday first, week 1 holds the year's first Thursday). */
export function isoWeekOfDate(year: number, month0: number, day: number): string {
  const date = new Date(Date.UTC(year, month0, day));
  const dow = (date.getUTCDay() + 6) % 7; // Monday = 0
  const thursday = new Date(date.getTime() + (3 - dow) * DAY);
  const weekYear = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(weekYear, 0, 1)) / DAY / 7);
  return `${pad4(weekYear)}-W${pad2(week)}`;
}

/** 'YYYY-Www' (ISO week, Monday first) of the instant in tz. */
export function isoWeekKey(instant: number, tz: string): string {
  const wall = wallClock(instant, tz);
  return isoWeekOfDate(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate());
}

/** 'HH:MM' of the wall-clock quarter hour holding the instant in tz. */
export function quarterKey(instant: number, tz: string): string {
  const wall = wallClock(instant, tz);
  return `${pad2(wall.getUTCHours())}:${pad2(Math.floor(wall.getUTCMinutes() / 15) * 15)}`;
}

/** The instant the wall-clock hour holding `instant` began (two distinct starts in a repeated DST hour). */
export function hourStart(instant: number, tz: string): number {
  const offset = tzOffset(instant, tz);
  const local = instant + offset;
  return instant - (((local % HOUR) + HOUR) % HOUR);
}

/** The start of the wall-clock hour before the one starting at `start`. */
export function previousHourStart(start: number, tz: string): number {
  return hourStart(start - 1, tz);
}

/** The instant at which the wall clock in tz reads the given local time (the later reading when skipped by DST). */
export function instantOfWall(year: number, month0: number, day: number, tz: string, hour = 0, minute = 0): number {
  const asUtc = Date.UTC(year, month0, day, hour, minute);
  let guess = asUtc - tzOffset(asUtc, tz);
  guess = asUtc - tzOffset(guess, tz);
  // In a skipped hour no instant reads asUtc: take the first instant after the gap.
  const back = asUtc - tzOffset(guess, tz);
  return back === guess ? guess : Math.max(guess, back);
}

/** Local midnight starting the day that holds the instant. */
export function startOfDay(instant: number, tz: string): number {
  const w = wallClock(instant, tz);
  return instantOfWall(w.getUTCFullYear(), w.getUTCMonth(), w.getUTCDate(), tz);
}

/** Local midnight starting the next day. */
export function startOfNextDay(instant: number, tz: string): number {
  const w = wallClock(instant, tz);
  return instantOfWall(w.getUTCFullYear(), w.getUTCMonth(), w.getUTCDate() + 1, tz);
}

/** Local midnight of the Monday starting the ISO week that holds the instant. */
export function startOfWeek(instant: number, tz: string): number {
  const w = wallClock(instant, tz);
  const dow = (w.getUTCDay() + 6) % 7;
  return instantOfWall(w.getUTCFullYear(), w.getUTCMonth(), w.getUTCDate() - dow, tz);
}

/** Local midnight of the first day of the month that holds the instant. */
export function startOfMonth(instant: number, tz: string): number {
  const w = wallClock(instant, tz);
  return instantOfWall(w.getUTCFullYear(), w.getUTCMonth(), 1, tz);
}

/** Local midnight of 1 January of the year that holds the instant. */
export function startOfYear(instant: number, tz: string): number {
  return instantOfWall(wallClock(instant, tz).getUTCFullYear(), 0, 1, tz);
}

/** The `count` calendar days ending with the day of `instant`, oldest first, as 'YYYY-MM-DD'. */
export function lastDayKeys(instant: number, tz: string, count: number): string[] {
  const w = wallClock(instant, tz);
  const keys: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    keys.push(dateKeyOfWall(new Date(Date.UTC(w.getUTCFullYear(), w.getUTCMonth(), w.getUTCDate() - i))));
  }
  return keys;
}

/** The `count` calendar months ending with the month of `instant`, oldest first, as 'YYYY-MM'. */
export function lastMonthKeys(instant: number, tz: string, count: number): string[] {
  const w = wallClock(instant, tz);
  const keys: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(w.getUTCFullYear(), w.getUTCMonth() - i, 1));
    keys.push(`${pad4(d.getUTCFullYear())}-${pad2(d.getUTCMonth() + 1)}`);
  }
  return keys;
}

/** The starts of the `count` wall-clock hours ending with the one holding `instant`, oldest first. */
export function lastHourStarts(instant: number, tz: string, count: number): number[] {
  const starts: number[] = [hourStart(instant, tz)];
  while (starts.length < count) starts.push(previousHourStart(starts[starts.length - 1] as number, tz));
  return starts.reverse();
}

/** ISO 8601 with the tz offset, e.g. '2026-11-25T14:00:00+08:00'. */
export function isoWithOffset(instant: number, tz: string): string {
  const offset = tzOffset(instant, tz);
  const w = new Date(instant + offset);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(Math.round(offset / MINUTE));
  return `${dateKeyOfWall(w)}T${pad2(w.getUTCHours())}:${pad2(w.getUTCMinutes())}:${pad2(w.getUTCSeconds())}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** The wall-clock quarter-hour labels of the day of `instant`, from '00:00' up to and including the current one. */
export function quarterKeysSoFar(instant: number, tz: string): string[] {
  const w = wallClock(instant, tz);
  const upto = w.getUTCHours() * 4 + Math.floor(w.getUTCMinutes() / 15);
  const keys: string[] = [];
  for (let q = 0; q <= upto; q++) keys.push(`${pad2(Math.floor(q / 4))}:${pad2((q % 4) * 15)}`);
  return keys;
}
