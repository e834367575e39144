// GET /api/v1/reports/weekly: one ISO week's figures against the week before, read from the
// store (never from the live figures), for the report pages, the XLSX and the schedule.
import {
  FEED_TIME_FIELD, assembleWeeklyReport, isoWithOffset, reportWeekFigures, parseIsoWeek, startOfYear, previousIsoWeek, weekBounds, isoWeekKey,
  type FeedKind, type FeedRecord, type IsoWeek, type WeeklyReport,
} from '@grid141/shared';
import type { RecordBus } from '../engine/bus.ts';
import { turn } from '../store/week.ts';
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

/**
 * One week's report read from the store: both weeks' records (store.readWeek), then folded a week
 * at a time with a turn of the event loop between (each fold counts some 50,000 incidents in a
 * district's week; the walls' deltas go out in between).
 */
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
  const input = { streetId: street.meta.id, timeZone: tz, week, current, previous, grids, now };
  const currentFigures = reportWeekFigures(input, 'current');
  await turn();
  const previousFigures = reportWeekFigures(input, 'previous');
  await turn();
  return assembleWeeklyReport(input, currentFigures, previousFigures);
}

/** Ended weeks' reports kept at most (each holds figures and a ranking, a few tens of KB). */
export const KEPT_WEEKS = 16;

/**
 * The weekly reports of ended weeks, kept in memory so a deck drawn again (a retry, a second
 * language, the XLSX, the listing's re-render) does not read 100,000 incidents from the store
 * on the live server's thread again. A kept week is forgotten as soon as a committed change
 * could alter it: an incident reported before the week's end (new, moved, merged: its figures,
 * its ranking and the notable events' status may change), a board record dated before the end
 * (taken or, for alarms, resolved), a purge, an import or a new grid map (its grids are ranked).
 * A week not yet ended is never kept.
 */
export class WeeklyReports {
  private readonly kept = new Map<string, { end: number; report: Promise<WeeklyReport> }>();
  private readonly unsubscribe: () => void;

  /**
   * @param read reads and folds one week from the store (weeklyReport)
   * @param tz the street's zone (TZ_STREET)
   * @param bus the record bus whose committed changes forget kept weeks
   */
  constructor(private readonly read: (week: IsoWeek, now: number) => Promise<WeeklyReport>, private readonly tz: string, bus: RecordBus, private readonly limit = KEPT_WEEKS) {
    const onIncidents = (changes: { before: { reportedAt: string } | null; after: { reportedAt: string } }[]) => {
      let earliest = Infinity;
      for (const change of changes) {
        earliest = Math.min(earliest, Date.parse(change.after.reportedAt), change.before ? Date.parse(change.before.reportedAt) : Infinity);
      }
      this.forgetAfter(earliest);
    };
    const dated = (kind: FeedKind, record: FeedRecord) => Date.parse((record as unknown as Record<string, string>)[FEED_TIME_FIELD[kind]] ?? '');
    const onFeed = (kind: FeedKind, records: FeedRecord[]) => {
      let earliest = Infinity;
      for (const record of records) earliest = Math.min(earliest, dated(kind, record));
      this.forgetAfter(earliest);
    };
    const onFeedUpdated = (kind: FeedKind, before: FeedRecord, after: FeedRecord) => this.forgetAfter(Math.min(dated(kind, before), dated(kind, after)));
    const onBulk = () => this.kept.clear();
    bus.on('incidents', onIncidents);
    bus.on('feed', onFeed);
    bus.on('feedUpdated', onFeedUpdated);
    bus.on('purged', onBulk);
    bus.on('imported', onBulk);
    bus.on('mapReplaced', onBulk);
    this.unsubscribe = () => {
      bus.off('incidents', onIncidents);
      bus.off('feed', onFeed);
      bus.off('feedUpdated', onFeedUpdated);
      bus.off('purged', onBulk);
      bus.off('imported', onBulk);
      bus.off('mapReplaced', onBulk);
    };
  }

  /** The week's report as of `now` (ms): kept when the week has ended, else read afresh. generatedAt is always `now`. */
  async get(week: IsoWeek, now: number): Promise<WeeklyReport> {
    const end = weekBounds(week, this.tz).end;
    if (end > now) return this.read(week, now);
    let entry = this.kept.get(week.key);
    if (!entry) {
      const report = this.read(week, now);
      entry = { end, report };
      this.kept.set(week.key, entry);
      while (this.kept.size > this.limit) this.kept.delete(this.kept.keys().next().value as string);
      const kept = entry;
      report.catch(() => {
        if (this.kept.get(week.key) === kept) this.kept.delete(week.key);
      });
    }
    return { ...(await entry.report), generatedAt: isoWithOffset(now, this.tz) };
  }

  /** How many weeks are kept (for tests). */
  get size(): number {
    return this.kept.size;
  }

  /** Forgets every kept week that ends after `t` (ms; NaN forgets all). */
  forgetAfter(t: number): void {
    for (const [key, entry] of this.kept) if (!(entry.end <= t)) this.kept.delete(key);
  }

  close(): void {
    this.unsubscribe();
    this.kept.clear();
  }
}
