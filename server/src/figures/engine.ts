// The figures engine: the Summary kept in memory, folded synchronously from the record bus
// by the pure reducers in @grid141/shared, rebuilt from the store at start (and after a
// purge), and rolled over by a timer at every minute boundary (days, weeks, months and
// years in TZ_STREET all begin on one).
import {
  advanceClock, createFiguresState, deepEqual, foldFeed, foldFeedUpdate, foldIncident, instantOfWall,
  startOfDay, startOfWeek, startOfYear, toSummary, FEED_KINDS, type FeedKind, type FeedRecord, type FiguresState,
  type Summary,
} from '@grid141/shared';
import type { RecordBus, IncidentChange } from '../engine/bus.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/types.ts';

export interface FiguresEngineOptions {
  streetId: string;
  tz: string;
  store: Pick<Store, 'scanIncidentFacts' | 'scanFeed'>;
  bus: RecordBus;
  clock?: () => number;
  logger: Logger;
}

export interface FiguresEngine {
  /** Recounts the figures from the store; bus events arriving meanwhile are folded after it. */
  rebuild(): Promise<void>;
  summary(): Summary;
  seq(): number;
  onChange(listener: (summary: Summary, seq: number) => void): () => void;
  /** Open incidents that just went past their due time (once each, at the minute boundary after). */
  onOverdue(listener: (incidentIds: string[]) => void): () => void;
  /** Subscribes to the bus and starts the minute timer. */
  start(): void;
  stop(): void;
}

type Queued =
  | { type: 'incidents'; changes: IncidentChange[] }
  | { type: 'feed'; kind: FeedKind; records: FeedRecord[] }
  | { type: 'feedUpdated'; kind: FeedKind; before: FeedRecord; after: FeedRecord };

/** Where each feed's scan starts: only the windows it feeds, or all time for all-time figures. */
function feedSince(kind: FeedKind, now: number, tz: string): Date | null {
  switch (kind) {
    case 'fire-drills': return new Date(Math.min(startOfWeek(now, tz), startOfYear(now, tz)));
    case 'canteen-meals': return new Date(startOfDay(now, tz));
    case 'volunteer-activities': return new Date(startOfWeek(now, tz));
    // Open hazards, unresolved alarms and active market entities are all-time figures.
    case 'hazard-inspections':
    case 'alarms':
    case 'market-entities':
      return null;
  }
}

function sameFigures(a: Summary, b: Summary): boolean {
  return deepEqual({ ...a, at: '', seq: 0 }, { ...b, at: '', seq: 0 });
}

export function createFiguresEngine(options: FiguresEngineOptions): FiguresEngine {
  const { streetId, tz, store, bus, logger } = options;
  const clock = options.clock ?? Date.now;
  const log = logger.child({ module: 'figures' });

  let state: FiguresState = createFiguresState(streetId, tz, clock());
  let current: Summary = { ...toSummary(state, clock()), seq: 0 };
  let seq = 0;
  let queue: Queued[] | null = null;
  let rebuilding: Promise<void> | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let started = false;
  const changeListeners = new Set<(summary: Summary, seq: number) => void>();
  const overdueListeners = new Set<(ids: string[]) => void>();

  let dirty = false;

  function refresh(now: number): void {
    dirty = false;
    const next = toSummary(state, now);
    if (sameFigures(next, current)) return;
    seq += 1;
    current = { ...next, seq };
    for (const listener of changeListeners) listener(current, seq);
  }

  /** Moves the clock; returns who became overdue (to announce after the summary is fresh). */
  function tick(now: number): string[] {
    return advanceClock(state, now);
  }

  function announceOverdue(ids: string[]): void {
    if (ids.length === 0) return;
    for (const listener of overdueListeners) listener(ids);
  }

  function apply(event: Queued): void {
    if (event.type === 'incidents') for (const c of event.changes) foldIncident(state, c.before, c.after);
    else if (event.type === 'feed') for (const r of event.records) foldFeed(state, event.kind, r);
    else foldFeedUpdate(state, event.kind, event.before, event.after);
  }

  function onEvent(event: Queued): void {
    if (queue) {
      queue.push(event);
      return;
    }
    const overdue = tick(clock());
    apply(event);
    // A burst of events in one tick costs one summary; summary() is fresh at any time.
    if (overdue.length > 0) {
      refresh(clock());
      announceOverdue(overdue);
    } else if (!dirty) {
      dirty = true;
      queueMicrotask(() => {
        if (dirty) refresh(clock());
      });
    }
  }

  const onIncidents = (changes: IncidentChange[]) => onEvent({ type: 'incidents', changes });
  const onFeed = (kind: FeedKind, records: FeedRecord[]) => onEvent({ type: 'feed', kind, records });
  const onFeedUpdated = (kind: FeedKind, before: FeedRecord, after: FeedRecord) => onEvent({ type: 'feedUpdated', kind, before, after });
  const onPurged = () => {
    rebuild().catch((error: unknown) => log.error({ err: error }, 'figures rebuild after purge failed'));
  };
  // An import is announced once, not record by record: the figures are recounted from the store.
  const onImported = (kind: string, created: number) => {
    rebuild().catch((error: unknown) => log.error({ err: error, kind, created }, 'figures rebuild after an import failed'));
  };

  // A new map: every record may sit in another grid or community now.
  const onMapReplaced = (version: string) => {
    rebuild().catch((error: unknown) => log.error({ err: error, version }, 'figures rebuild after a map change failed'));
  };

  async function scanInto(fresh: FiguresState, now: number) {
    // The versions the scans folded, so events that raced the scans are not counted twice.
    const incidentVersions = new Map<string, number>();
    const feedVersions = new Map<string, FeedRecord>();
    const [y, m, d] = fresh.clock.firstDay.split('-').map(Number) as [number, number, number];
    const since = new Date(instantOfWall(y, m - 1, d, tz) - 24 * 3_600_000);
    const incidents = await store.scanIncidentFacts({ openOrSince: since }, (batch) => {
      for (const incident of batch) {
        foldIncident(fresh, null, incident);
        incidentVersions.set(incident.id, Date.parse(incident.updatedAt));
      }
    });
    let feeds = 0;
    for (const { code: kind } of FEED_KINDS) {
      feeds += await store.scanFeed(kind, feedSince(kind, now, tz), (batch) => {
        for (const record of batch) {
          foldFeed(fresh, kind, record);
          feedVersions.set(`${kind}/${record.id}`, record);
        }
      });
    }
    return { incidents, feeds, incidentVersions, feedVersions };
  }

  /** Folds the events that arrived during the scans, skipping what the scans already saw. */
  function replay(fresh: FiguresState, events: Queued[], incidentVersions: Map<string, number>, feedVersions: Map<string, FeedRecord>): void {
    for (const event of events) {
      if (event.type === 'incidents') {
        for (const { before, after } of event.changes) {
          const seen = incidentVersions.get(after.id);
          const version = Date.parse(after.updatedAt);
          if (seen !== undefined && version <= seen) continue;
          foldIncident(fresh, before, after);
          incidentVersions.set(after.id, version);
        }
      } else if (event.type === 'feed') {
        for (const record of event.records) {
          const key = `${event.kind}/${record.id}`;
          if (feedVersions.has(key)) continue;
          foldFeed(fresh, event.kind, record);
          feedVersions.set(key, record);
        }
      } else {
        const key = `${event.kind}/${event.after.id}`;
        const seen = feedVersions.get(key);
        if (seen && deepEqual(seen, event.after)) continue;
        foldFeedUpdate(fresh, event.kind, seen ?? event.before, event.after);
        feedVersions.set(key, event.after);
      }
    }
  }

  async function runRebuild(): Promise<void> {
    const startedAt = performance.now();
    const now = clock();
    const fresh = createFiguresState(streetId, tz, now);
    queue = [];
    try {
      const scanned = await scanInto(fresh, now);
      replay(fresh, queue, scanned.incidentVersions, scanned.feedVersions);
      state = fresh;
      log.info({ incidents: scanned.incidents, feeds: scanned.feeds, ms: Math.round(performance.now() - startedAt) }, 'figures rebuilt from the store');
    } finally {
      const missed = queue ?? [];
      queue = null;
      // On failure the old state stays; the events that came meanwhile still count.
      if (state !== fresh) for (const event of missed) apply(event);
    }
    const later = clock();
    tick(later);
    refresh(later);
  }

  function rebuild(): Promise<void> {
    // One rebuild at a time; a request during one runs again after it (it may carry a purge).
    const run = (rebuilding ?? Promise.resolve()).catch(() => {}).then(runRebuild);
    const tracked = run.finally(() => {
      if (rebuilding === tracked) rebuilding = null;
    });
    rebuilding = tracked;
    return tracked;
  }

  function schedule(): void {
    if (!started) return;
    const now = clock();
    // A few ms past the boundary, so the clock reads the new minute when it fires.
    const delay = 60_000 - (now % 60_000) + 5;
    timer = setTimeout(onMinute, delay);
    timer.unref?.();
  }

  function onMinute(): void {
    timer = null;
    if (!queue) {
      const now = clock();
      const overdue = tick(now);
      refresh(now);
      announceOverdue(overdue);
    }
    schedule();
  }

  return {
    rebuild,
    summary() {
      if (dirty) refresh(clock());
      return current;
    },
    seq() {
      if (dirty) refresh(clock());
      return seq;
    },
    onChange(listener) {
      changeListeners.add(listener);
      return () => void changeListeners.delete(listener);
    },
    onOverdue(listener) {
      overdueListeners.add(listener);
      return () => void overdueListeners.delete(listener);
    },
    start() {
      if (started) return;
      started = true;
      bus.on('incidents', onIncidents);
      bus.on('feed', onFeed);
      bus.on('feedUpdated', onFeedUpdated);
      bus.on('purged', onPurged);
      bus.on('imported', onImported);
      bus.on('mapReplaced', onMapReplaced);
      schedule();
    },
    stop() {
      started = false;
      bus.off('incidents', onIncidents);
      bus.off('feed', onFeed);
      bus.off('feedUpdated', onFeedUpdated);
      bus.off('purged', onPurged);
      bus.off('imported', onImported);
      bus.off('mapReplaced', onMapReplaced);
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
