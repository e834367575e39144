// GET /api/v1/reports/weekly: one ISO week's figures against the week before, read from the
// store (never from the live figures), for the report pages, the XLSX and the schedule.
import {
  buildWeeklyReport, parseIsoWeek, startOfYear, previousIsoWeek, weekBounds, isoWeekKey, type IsoWeek, type WeeklyReport,
} from '@grid141/shared';
import { HttpProblem } from '../http/problem.ts';
import type { LoadedStreet } from '../street/load.ts';
import type { Store } from '../store/types.ts';

/** The ISO week before the one holding `now` in tz: what Monday's meeting looks at. */
export function lastWeek(now: number, tz: string): IsoWeek {
  return previousIsoWeek(parseIsoWeek(isoWeekKey(now, tz)) as IsoWeek);
}

/**
 * `?week=YYYY-Www` (default: last week). 400 naming `week` when malformed, when the year has no
 * such week, or when the week has not begun yet in the street's zone.
 */
export function parseWeekParam(raw: unknown, now: number, tz: string): IsoWeek {
  if (raw === undefined) return lastWeek(now, tz);
  const week = typeof raw === 'string' ? parseIsoWeek(raw) : null;
  if (!week) {
    throw new HttpProblem(400, 'Invalid query', 'week: expected an ISO week such as 2026-W47 (W53 only in a 53-week year)',
      [{ path: 'week', message: 'expected an ISO week such as 2026-W47' }]);
  }
  if (weekBounds(week, tz).start > now) {
    throw new HttpProblem(400, 'Invalid query', `week: ${week.key} has not begun yet`, [{ path: 'week', message: 'this week has not begun yet' }]);
  }
  return week;
}

/** True once the week is over in tz (a scheduled render waits for that). */
export function weekEnded(week: IsoWeek, now: number, tz: string): boolean {
  return weekBounds(week, tz).end <= now;
}

export async function weeklyReport(store: Store, street: LoadedStreet, tz: string, week: IsoWeek, now: number): Promise<WeeklyReport> {
  const before = previousIsoWeek(week);
  const bounds = weekBounds(week, tz);
  const previousBounds = weekBounds(before, tz);
  const [current, previous] = await Promise.all([
    store.readWeek(new Date(bounds.start), new Date(bounds.end), new Date(startOfYear(bounds.end - 1, tz))),
    store.readWeek(new Date(previousBounds.start), new Date(previousBounds.end), new Date(startOfYear(previousBounds.end - 1, tz))),
  ]);
  const grids = street.grids.features.map((f) => ({
    id: f.properties.id, communityId: f.properties.communityId ?? null, population: f.properties.population ?? 0,
  }));
  return buildWeeklyReport({ streetId: street.meta.id, timeZone: tz, week, current, previous, grids, now });
}

