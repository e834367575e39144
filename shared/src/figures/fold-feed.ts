// Folding board-feed records into the counters: each record adds to the bucket of its
// period (week, day, month, year) and to the few all-time counters.
import type { FeedKind } from '../codes.ts';
import type { FeedRecord, FeedRecordInput } from '../feeds.ts';
import { dayKey, isoWeekKey, monthKey, quarterKey, yearKey } from './calendar.ts';
import { bucket, bump, type FiguresState } from './state.ts';

/** Volunteer hours are counted in thousandths so adding and taking away is exact. */
export function hoursToMilli(hours: number): number {
  return Math.round(hours * 1000);
}

// FeedRecord<'fire-drills'> collapses to never (its own `kind` field clashes with the feed kind), so read the validated fields.
function contributeFeed(state: FiguresState, kind: FeedKind, record: FeedRecord, sign: 1 | -1): void {
  const { tz, clock } = state;
  const sim = record.simulated ? sign : 0;
  switch (kind) {
    case 'fire-drills': {
      const r = record as unknown as FeedRecordInput<'fire-drills'>;
      const at = Date.parse(r.occurredAt);
      const week = isoWeekKey(at, tz);
      if (week >= clock.week) {
        const b = bucket(state.drillWeeks, week, () => ({ count: 0, participants: 0, sim: 0 }));
        b.count += sign;
        b.participants += sign * r.participants;
        b.sim += sim;
      }
      const year = yearKey(at, tz);
      if (year >= clock.year) {
        const b = bucket(state.drillYears, year, () => ({ count: 0, sim: 0 }));
        b.count += sign;
        b.sim += sim;
      }
      return;
    }
    case 'hazard-inspections': {
      const r = record as unknown as FeedRecordInput<'hazard-inspections'>;
      const week = isoWeekKey(Date.parse(r.occurredAt), tz);
      if (week >= clock.week) {
        const b = bucket(state.hazardWeeks, week, () => ({ found: 0, rectified: 0, sim: 0 }));
        b.found += sign * r.hazardsFound;
        b.rectified += sign * r.hazardsRectified;
        b.sim += sim;
      }
      state.hazardsOpen += sign * (r.hazardsFound - r.hazardsRectified);
      if (r.hazardsFound > r.hazardsRectified) state.hazardsOpenSim += sim;
      return;
    }
    case 'alarms': {
      const r = record as unknown as FeedRecordInput<'alarms'>;
      const day = dayKey(Date.parse(r.occurredAt), tz);
      if (day >= clock.today) {
        const b = bucket(state.alarmDays, day, () => ({ count: 0, sim: 0 }));
        b.count += sign;
        b.sim += sim;
      }
      if (r.resolvedAt === undefined || r.resolvedAt === null) {
        state.alarmsUnresolved += sign;
        state.alarmsUnresolvedSim += sim;
      }
      return;
    }
    case 'canteen-meals': {
      const r = record as unknown as FeedRecordInput<'canteen-meals'>;
      const at = Date.parse(r.servedAt);
      const day = dayKey(at, tz);
      if (day < clock.today) return;
      const b = bucket(state.mealDays, day, () => ({ total: 0, delivered: 0, byTier: new Map(), byCanteen: new Map(), quarters: new Map(), sim: 0 }));
      const n = sign * r.quantity;
      b.total += n;
      if (r.mode === 'delivery') b.delivered += n;
      bump(b.byTier, r.tier, n);
      bump(b.byCanteen, r.canteenId, n);
      bump(b.quarters, quarterKey(at, tz), n);
      b.sim += sim;
      return;
    }
    case 'market-entities': {
      const r = record as unknown as FeedRecordInput<'market-entities'>;
      const month = monthKey(Date.parse(r.registeredAt), tz);
      if (month >= clock.firstMonth) {
        const b = bucket(state.entityMonths, month, () => ({ registered: 0, sim: 0 }));
        b.registered += sign;
        b.sim += sim;
      }
      if (r.deregisteredAt === undefined || r.deregisteredAt === null) {
        state.entitiesActive += sign;
        state.entitiesActiveSim += sim;
        bump(state.entitiesByType, r.entityType, sign);
        bump(state.entitiesByIndustry, r.industry, sign);
      }
      return;
    }
    case 'volunteer-activities': {
      const r = record as unknown as FeedRecordInput<'volunteer-activities'>;
      const week = isoWeekKey(Date.parse(r.occurredAt), tz);
      if (week < clock.week) return;
      const b = bucket(state.volunteerWeeks, week, () => ({ count: 0, hoursMilli: 0, points: 0, teamsMilli: new Map(), categoriesMilli: new Map(), sim: 0 }));
      const milli = sign * hoursToMilli(r.hours);
      b.count += sign;
      b.hoursMilli += milli;
      b.points += sign * r.points;
      bump(b.teamsMilli, r.team, milli);
      if (r.teamCategory !== undefined) bump(b.categoriesMilli, r.teamCategory, milli);
      b.sim += sim;
      return;
    }
  }
}

/** Folds a new feed record. */
export function foldFeed(state: FiguresState, kind: FeedKind, record: FeedRecord): void {
  contributeFeed(state, kind, record, 1);
}

/** Takes a feed record out of the figures (e.g. deleted). */
export function unfoldFeed(state: FiguresState, kind: FeedKind, record: FeedRecord): void {
  contributeFeed(state, kind, record, -1);
}

/** Folds a change of a feed record (an alarm resolving): before out, after in. */
export function foldFeedUpdate(state: FiguresState, kind: FeedKind, before: FeedRecord, after: FeedRecord): void {
  contributeFeed(state, kind, before, -1);
  contributeFeed(state, kind, after, 1);
}
