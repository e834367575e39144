// Runs the model against a live server: backfills the past (today so far, previous days,
// this year's slow feeds), then follows the clock (real, or compressed by `speed`), posting
// each record when it happens and each lifecycle move when it is due.
import { FEED_TIME_FIELD, STATUS_TIMESTAMP, targetsFor, type CategoryCode, type FeedKind, type IncidentStatus, type Urgency } from '@grid141/shared';
import type { Logger } from '../logger.ts';
import { addDays, dateOf, dayStart, isoInZone, weekMonday } from './clock.ts';
import type { LifecycleStep } from './lifecycle.ts';
import { ALL_STREAMS, generateDay, type FeedEvent, type IncidentEvent, type ModelStream, type SimEvent } from './model.ts';
import { FatalPostError, Poster, type DirectMoves } from './poster.ts';
import type { SimStreet } from './street.ts';

export interface SimulatorOptions {
  url: string;
  key: string;
  /** How moves and the purge are made (see PosterOptions). */
  direct?: DirectMoves;
  account?: { username: string; password: string };
  /**
   * Whether incidents move through their lifecycle (accepted, closed, …); default true. The CLI
   * sets false when it has no account to sign in with (a move is a person's action: an ingest key
   * gets 403), and then posts the records only.
   */
  moves?: boolean;
  logger: Logger;
  street: SimStreet;
  seed?: string;
  /** Simulated seconds per real second. */
  speed?: number;
  /** Simulated time at the start (ms); default now. */
  startAt?: number;
  /** Post today's events before the start, with their past times. */
  backfillToday?: boolean;
  /** Days of incidents before today to backfill (0 = none). */
  backfillDays?: number;
  /**
   * Backfill the history (see backfillPlan): market entities for 12 months, drills this year, and
   * everything of this week, last week and the week before (the weekly report's week and the one
   * it is compared with).
   */
  backfillHistory?: boolean;
  /** Parallel lifecycle requests. */
  concurrency?: number;
  now?: () => number;
}

/** Whole ISO weeks before this one that the history backfill fills with every stream: the weekly report's week and the one before it. */
export const BACKFILL_WEEKS = 2;

/**
 * Which streams the backfill posts for each day before `today` (YYYY-MM-DD in the street's zone),
 * oldest first; days with nothing are left out.
 * - incidents: the `days` days before today; with `history` also every day of this ISO week and
 *   the BACKFILL_WEEKS weeks before it;
 * - with `history`: market entities for the 12 months before, drills since 1 January; meals,
 *   inspections, alarms and volunteer activities this week and the BACKFILL_WEEKS before (and
 *   the last `days` days for all but meals, the heavy feed), drills on those days too.
 */
export function backfillPlan(today: string, options: { days: number; history: boolean }): { date: string; streams: ModelStream[] }[] {
  const days = Math.max(0, Math.floor(options.days));
  const recent = addDays(today, -days);
  const weeksFrom = addDays(weekMonday(today), -7 * BACKFILL_WEEKS);
  const year = `${today.slice(0, 4)}-01-01`;
  const monthsAgo = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 12, 1)).toISOString().slice(0, 10);
  const from = options.history ? ([year, monthsAgo, weeksFrom, recent].sort()[0] as string) : recent;
  const plan: { date: string; streams: ModelStream[] }[] = [];
  for (let d = from; d < today; d = addDays(d, 1)) {
    const streams: ModelStream[] = [];
    const inWeeks = options.history && d >= weeksFrom;
    if (d >= recent || inWeeks) streams.push('incidents');
    if (options.history) {
      if (d >= monthsAgo) streams.push('market-entities');
      if (d >= year || inWeeks) streams.push('fire-drills');
      if (inWeeks || d >= recent) streams.push('volunteer-activities', 'hazard-inspections', 'alarms');
      if (inWeeks) streams.push('canteen-meals');
    }
    if (streams.length > 0) plan.push({ date: d, streams });
  }
  return plan;
}

type Action =
  | { at: number; type: 'event'; event: SimEvent }
  | { at: number; type: 'step'; externalId: string; step: LifecycleStep }
  | { at: number; type: 'resolve'; externalId: string; outcome: string };

const MIN = 60_000;

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export class Simulator {
  readonly poster: Poster;
  readonly counts: Record<string, number> = {};
  /** Why the feed stopped by itself (a refused key, a bug), or null. */
  failure: Error | null = null;
  private readonly controller = new AbortController();
  private readonly logger: Logger;
  private readonly street: SimStreet;
  private readonly seed: string;
  private readonly speed: number;
  private readonly now: () => number;
  private readonly tz: string;
  private anchorReal = 0;
  private anchorSim = 0;
  /** Pending actions, kept sorted by time. */
  private queue: Action[] = [];
  /** externalId → server id, for incidents and alarms with moves still to come. */
  private readonly ids = new Map<string, string>();
  /** The last day whose plan is queued. */
  private loadedDate = '';
  private running: Promise<void> | null = null;
  private backfillAtHonoured: boolean | null = null;

  constructor(private readonly options: SimulatorOptions) {
    this.logger = options.logger;
    this.street = options.street;
    this.seed = options.seed ?? 'demo';
    this.speed = options.speed ?? 1;
    this.now = options.now ?? Date.now;
    this.tz = options.street.timeZone;
    this.poster = new Poster({
      url: options.url, key: options.key, logger: options.logger, signal: this.controller.signal,
      ...(options.direct ? { direct: options.direct } : {}), ...(options.account ? { account: options.account } : {}),
    });
  }

  get stopped(): boolean {
    return this.controller.signal.aborted;
  }

  simNow(): number {
    return this.anchorSim + (this.now() - this.anchorReal) * this.speed;
  }

  /** The time sent on the wire: the past as it was; the compressed future mapped onto the real clock. */
  toWire(simMs: number): number {
    return simMs < this.anchorSim ? simMs : this.anchorReal + (simMs - this.anchorSim) / this.speed;
  }

  /** Starts the feed; the promise settles when it stops (stop(), a fatal error). */
  start(): Promise<void> {
    this.running ??= this.run().catch((error: unknown) => {
      if (this.stopped) return;
      this.failure = error instanceof Error ? error : new Error(String(error));
      this.logger.error({ err: this.failure.message }, 'simulator stopped');
      if (!(error instanceof FatalPostError)) this.controller.abort(this.failure);
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.controller.abort(new Error('simulator stopped'));
    await this.running?.catch(() => undefined);
  }

  private count(key: string, n = 1): void {
    this.counts[key] = (this.counts[key] ?? 0) + n;
  }

  private async run(): Promise<void> {
    this.anchorReal = this.now();
    this.anchorSim = this.options.startAt ?? this.anchorReal;
    const today = dateOf(this.anchorSim, this.tz);
    this.logger.info({ url: this.options.url, speed: this.speed, start: isoInZone(this.anchorSim, this.tz), seed: this.seed }, 'simulator starting');
    await this.backfill(today);
    this.loadedDate = today;
    this.enqueueDay(today, this.anchorSim);
    this.logger.info({ counts: this.counts }, 'simulator live');
    const tickMs = this.speed > 1 ? 250 : 1000;
    while (!this.stopped) {
      await this.tick();
      await new Promise((resolve) => setTimeout(resolve, tickMs));
    }
  }

  private enqueueDay(date: string, from: number): void {
    for (const event of generateDay(this.street, this.seed, date).events) {
      if (event.at >= from) this.insert({ at: event.at, type: 'event', event });
    }
  }

  private insert(action: Action): void {
    // Binary search: actions arrive mostly in order, the queue stays small.
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.queue[mid] as Action).at <= action.at) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, action);
  }

  private async tick(): Promise<void> {
    const simNow = this.simNow();
    // Load tomorrow's plan a little before midnight.
    const nextDate = addDays(this.loadedDate, 1);
    if (simNow > dayStart(nextDate, this.tz) - 10 * MIN) {
      this.loadedDate = nextDate;
      this.enqueueDay(nextDate, dayStart(nextDate, this.tz));
    }
    let due = 0;
    while (due < this.queue.length && (this.queue[due] as Action).at <= simNow) due += 1;
    if (due === 0) return;
    const actions = this.queue.splice(0, due);
    await this.perform(actions, false);
  }

  /** Posts events (batched per feed), then moves and resolutions in time order. */
  private async perform(actions: readonly Action[], backfill: boolean): Promise<void> {
    const incidents: IncidentEvent[] = [];
    const feeds = new Map<FeedKind, FeedEvent[]>();
    const later: Action[] = [];
    for (const action of actions) {
      if (action.type !== 'event') later.push(action);
      else if (action.event.type === 'incident') incidents.push(action.event);
      else {
        const list = feeds.get(action.event.kind) ?? [];
        list.push(action.event);
        feeds.set(action.event.kind, list);
      }
    }
    if (incidents.length > 0) await this.postIncidents(incidents, backfill);
    for (const [kind, events] of feeds) await this.postFeed(kind, events, backfill);
    // One incident's moves stay in order; different incidents move in parallel.
    const byTarget = new Map<string, Action[]>();
    for (const action of later) {
      const key = action.type === 'event' ? '' : action.externalId;
      const list = byTarget.get(key) ?? [];
      list.push(action);
      byTarget.set(key, list);
    }
    await mapLimit([...byTarget.values()], this.options.concurrency ?? 4, async (list) => {
      for (const action of list) await this.move(action, backfill);
    });
  }

  private incidentBody(event: IncidentEvent): Record<string, unknown> {
    const body: Record<string, unknown> = { ...event.input, reportedAt: isoInZone(this.toWire(event.at), this.tz) };
    if (this.speed !== 1 && event.at >= this.anchorSim) {
      // Compressed time: the due time is compressed too, so late items still go overdue.
      const closeMin = targetsFor(event.input.category as CategoryCode, (event.input.urgency ?? 'normal') as Urgency).closeMin;
      body.dueAt = isoInZone(this.toWire(event.at + closeMin * MIN), this.tz);
    }
    return body;
  }

  private async postIncidents(events: IncidentEvent[], backfill: boolean): Promise<void> {
    const results = await this.poster.postIncidents(events.map((e) => this.incidentBody(e) as { externalId: string }));
    const horizon = backfill ? this.backfillUntil() : -Infinity;
    events.forEach((event, i) => {
      const result = results[i];
      if (!result) return;
      this.count('incidents');
      if (this.options.moves === false) return;
      this.ids.set(event.input.externalId, result.id);
      // A replay answers the incident's current status: skip the moves it has already made.
      let steps = event.plan.steps;
      const done = result.status ? steps.findIndex((s) => s.to === (result.status as IncidentStatus)) : -1;
      if (done >= 0 && result.status !== 'reported') steps = steps.slice(done + 1);
      for (const step of steps) {
        if (backfill && step.at >= horizon && step.at < this.anchorSim) continue;
        this.insert({ at: step.at, type: 'step', externalId: event.input.externalId, step });
      }
    });
  }

  private async postFeed(kind: FeedKind, events: FeedEvent[], backfill: boolean): Promise<void> {
    const horizon = this.backfillUntil();
    const bodies = events.map((e) => {
      const body: Record<string, unknown> = { ...e.input, [FEED_TIME_FIELD[kind]]: isoInZone(this.toWire(e.at), this.tz) };
      // Alarms already dealt with in the past arrive resolved.
      if (backfill && e.resolve && e.resolve.at < horizon) {
        body.resolvedAt = isoInZone(e.resolve.at, this.tz);
        body.outcome = e.resolve.outcome;
      }
      return body as { externalId: string };
    });
    const results = await this.poster.postFeed(kind, bodies);
    events.forEach((event, i) => {
      const result = results[i];
      if (!result) return;
      this.count(kind, kind === 'canteen-meals' ? Number(event.input.quantity ?? 1) : 1);
      if (event.resolve && !(backfill && event.resolve.at < horizon)) {
        this.ids.set(event.input.externalId, result.id);
        this.insert({ at: event.resolve.at, type: 'resolve', externalId: event.input.externalId, outcome: event.resolve.outcome });
      }
    });
  }

  private async move(action: Action, backfill: boolean): Promise<void> {
    if (action.type === 'event') return;
    const id = this.ids.get(action.externalId);
    if (!id) return;
    const at = isoInZone(this.toWire(action.at), this.tz);
    if (action.type === 'resolve') {
      await this.poster.resolveAlarm(id, { outcome: action.outcome, resolvedAt: at });
      this.ids.delete(action.externalId);
      return;
    }
    const { step } = action;
    const body = { to: step.to, at, ...(step.note ? { note: step.note } : {}), ...(step.assignee ? { assignee: step.assignee } : {}) };
    const answer = await this.poster.transition(id, body);
    if (answer.outcome === 'ok') this.count('transitions');
    if (answer.outcome === 'ok' && backfill && this.backfillAtHonoured === null) this.checkAtHonoured(step, action.at, answer.incident);
    if (step.to === 'closed' || step.to === 'rejected' || step.to === 'merged') this.ids.delete(action.externalId);
  }

  /** Whether the server stamped the move with the past time we sent (else backfilled days would all close "today"). */
  private checkAtHonoured(step: LifecycleStep, at: number, incident: Record<string, unknown> | null): void {
    const field = STATUS_TIMESTAMP[step.to];
    const stamped = field && incident ? incident[field] : undefined;
    if (typeof stamped !== 'string') return;
    this.backfillAtHonoured = Math.abs(Date.parse(stamped) - at) < MIN;
    if (!this.backfillAtHonoured) {
      this.logger.warn('simulator: the server ignores `at` on transitions; previous days are not backfilled (their moves would all count as today)');
    }
  }

  /** Backfilled events are those before both the start and the real now (never in the future). */
  private backfillUntil(): number {
    return Math.min(this.anchorSim, this.anchorReal);
  }

  private async backfill(today: string): Promise<void> {
    const o = this.options;
    const until = this.backfillUntil();
    const slow: Action[] = [];
    const previous: Action[] = [];
    const collect = (date: string, streams: readonly ModelStream[], into: Action[]) => {
      if (streams.length === 0) return;
      for (const event of generateDay(this.street, this.seed, date, streams).events) {
        if (event.at < until) into.push({ at: event.at, type: 'event', event });
      }
    };
    for (const { date, streams } of backfillPlan(today, { days: o.backfillDays ?? 0, history: o.backfillHistory ?? false })) {
      collect(date, streams.filter((s) => s !== 'incidents'), slow);
      if (streams.includes('incidents')) collect(date, ['incidents'], previous);
    }
    const todays: Action[] = [];
    if (o.backfillToday) collect(today, ALL_STREAMS, todays);
    if (slow.length + todays.length + previous.length === 0) return;
    const started = this.now();
    this.logger.info({ history: slow.length, today: todays.length, previousIncidents: previous.length }, 'simulator backfilling');
    // Today first (the wall should fill at once), then the history behind it.
    await this.backfillActions(todays);
    await this.backfillActions(slow);
    if (this.backfillAtHonoured === false) previous.length = 0;
    await this.backfillActions(previous);
    this.logger.info({ seconds: Math.round((this.now() - started) / 100) / 10, counts: this.counts }, 'simulator backfill done');
  }

  /** Posts past events, then replays their past moves (with their past times) oldest first. */
  private async backfillActions(actions: Action[]): Promise<void> {
    if (actions.length === 0 || this.stopped) return;
    actions.sort((a, b) => a.at - b.at);
    await this.perform(actions, true);
    const until = this.backfillUntil();
    const past: Action[] = [];
    const keep: Action[] = [];
    for (const action of this.queue) (action.at < until ? past : keep).push(action);
    this.queue = keep;
    await this.perform(past, true);
  }
}

