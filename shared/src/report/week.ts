// ISO weeks (Monday to Sunday) in the street's zone: parse '2026-W47', its bounds, the week before.
import { instantOfWall, isoWeekOfDate } from '../figures/calendar.ts';

const WEEK_PATTERN = /^(\d{4})-W(\d{2})$/;

/** How many ISO weeks the ISO year has (52 or 53): the week holding 28 December is its last. */
export function isoWeeksInYear(year: number): number {
  return Number(isoWeekOfDate(year, 11, 28).slice(6));
}

export interface IsoWeek {
  /** 'YYYY-Www' */
  key: string;
  year: number;
  week: number;
}

/** Parses 'YYYY-Www'; null when malformed or the year has no such week (W53 of a 52-week year). */
export function parseIsoWeek(text: string): IsoWeek | null {
  const match = WEEK_PATTERN.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  const week = Number(match[2]);
  if (year < 1970 || week < 1 || week > isoWeeksInYear(year)) return null;
  return { key: text, year, week };
}

/** Day of January (may be ≤ 0: December of the year before) of the Monday starting the ISO week. */
function mondayDayOfJanuary(week: IsoWeek): number {
  const jan4 = new Date(Date.UTC(week.year, 0, 4));
  const dow = (jan4.getUTCDay() + 6) % 7; // Monday = 0
  return 4 - dow + 7 * (week.week - 1);
}

export interface WeekBounds {
  /** Monday 00:00 in tz (ms). */
  start: number;
  /** The next Monday 00:00 in tz (ms), exclusive. */
  end: number;
  /** The seven calendar days, 'YYYY-MM-DD'. */
  days: string[];
}

/** The instants bounding an ISO week in tz, and its days. */
export function weekBounds(week: IsoWeek, tz: string): WeekBounds {
  const monday = mondayDayOfJanuary(week);
  const days: string[] = [];
  for (let i = 0; i < 7; i += 1) days.push(new Date(Date.UTC(week.year, 0, monday + i)).toISOString().slice(0, 10));
  return { start: instantOfWall(week.year, 0, monday, tz), end: instantOfWall(week.year, 0, monday + 7, tz), days };
}

/** The ISO week before (W01 → the last week of the year before, W52 or W53). */
export function previousIsoWeek(week: IsoWeek): IsoWeek {
  const key = isoWeekOfDate(week.year, 0, mondayDayOfJanuary(week) - 7);
  return parseIsoWeek(key) as IsoWeek;
}

/** The ISO week after. */
export function nextIsoWeek(week: IsoWeek): IsoWeek {
  const key = isoWeekOfDate(week.year, 0, mondayDayOfJanuary(week) + 7);
  return parseIsoWeek(key) as IsoWeek;
}
