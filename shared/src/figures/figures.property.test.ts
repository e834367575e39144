// Drives random streams of incidents, lifecycle moves, feed records and clock jumps
// (across midnight, week, month and year ends, and a DST change) through the reducers,
// and holds toSummary to a recount from scratch after every step.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../taxonomy.ts';
import { COLOURS, SOURCES, URGENCIES, MEAL_TIERS, MEAL_MODES, ENTITY_TYPES, INDUSTRIES, VOLUNTEER_CATEGORIES, type FeedKind } from '../codes.ts';
import { STATUS_TIMESTAMP, TRANSITIONS } from '../lifecycle.ts';
import { dueAtFor, slaProfileFor } from '../taxonomy.ts';
import type { FeedRecord } from '../feeds.ts';
import type { Incident } from '../incident.ts';
import { startOfNextDay, startOfMonth, startOfWeek, startOfYear } from './calendar.ts';
import { advanceClock, createFiguresState, foldFeed, foldFeedUpdate, foldIncident, recount, toSummary, type AnyFeedRecord } from './index.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const pick = <T>(list: readonly T[], n: number): T => list[n % list.length] as T;

type Step =
  | { type: 'incident'; ago: number; cat: number; urg: number; col: number; src: number; place: number; sim: boolean; due: number; accept: number }
  | { type: 'move'; which: number; choice: number; late: number }
  | { type: 'unmerge'; which: number }
  | { type: 'feed'; kind: number; ago: number; a: number; b: number; sim: boolean }
  | { type: 'update'; which: number }
  | { type: 'tick'; ms: number }
  | { type: 'boundary'; to: 'day' | 'week' | 'month' | 'year'; offset: number };

const agoArb = fc.oneof(
  fc.integer({ min: -5 * MIN, max: 3 * HOUR }),
  fc.integer({ min: 0, max: 40 * DAY }),
  fc.integer({ min: 0, max: 400 * DAY }),
);

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ type: fc.constant('incident' as const), ago: agoArb, cat: fc.nat(), urg: fc.nat(), col: fc.nat(), src: fc.nat(), place: fc.nat(), sim: fc.boolean(), due: fc.oneof(fc.constant(-1), fc.integer({ min: -2 * DAY, max: 3 * DAY })),
    // The accept target stamped at the report: none (an incident from before targets were stored: -2 null, -1 absent), or minutes a leader had set (not the taxonomy's).
    accept: fc.oneof(fc.constant(-2), fc.constant(-1), fc.integer({ min: 1, max: 600 })) }) },
  { weight: 6, arbitrary: fc.record({ type: fc.constant('move' as const), which: fc.nat(), choice: fc.nat(), late: fc.integer({ min: 0, max: 3 * HOUR }) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('unmerge' as const), which: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ type: fc.constant('feed' as const), kind: fc.nat(), ago: agoArb, a: fc.nat({ max: 40 }), b: fc.nat({ max: 40 }), sim: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('update' as const), which: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('tick' as const), ms: fc.oneof(fc.integer({ min: 1, max: 20 * MIN }), fc.integer({ min: 1, max: 2 * DAY }), fc.integer({ min: 1, max: 40 * DAY })) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('boundary' as const), to: fc.constantFrom('day' as const, 'week' as const, 'month' as const, 'year' as const), offset: fc.integer({ min: -2 * MIN, max: 2 * MIN }) }) },
);

const FEED_KINDS_USED: FeedKind[] = ['fire-drills', 'hazard-inspections', 'alarms', 'canteen-meals', 'market-entities', 'volunteer-activities'];
const TEAMS = ['red', 'green', 'blue', 'gold', 'teal', 'plum', 'rust'];
const iso = (ms: number) => new Date(ms).toISOString();

function nextBoundary(now: number, tz: string, to: 'day' | 'week' | 'month' | 'year'): number {
  const next = startOfNextDay(now, tz);
  if (to === 'day') return next;
  if (to === 'week') return startOfWeek(startOfWeek(now, tz) + 8 * DAY, tz);
  if (to === 'month') return startOfMonth(startOfMonth(now, tz) + 32 * DAY, tz);
  return startOfYear(startOfYear(now, tz) + 367 * DAY, tz);
}

function feedRecord(kind: FeedKind, id: number, when: number, a: number, b: number, sim: boolean): FeedRecord {
  const base = { id: `f${id}`, externalId: `x${id}`, streetId: 's', receivedAt: iso(when), gridId: null, communityId: null, simulated: sim };
  const t = iso(when);
  const body: Record<FeedKind, object> = {
    'fire-drills': { occurredAt: t, level: 'street', participants: a },
    'hazard-inspections': { occurredAt: t, hazardsFound: Math.max(a, b), hazardsRectified: Math.min(a, b) },
    alarms: { occurredAt: t, device: 'smoke', type: 'smoke', location: { lng: 106.5, lat: 29.5 }, ...(a % 3 === 0 ? { resolvedAt: iso(when + a * MIN) } : {}) },
    'canteen-meals': { servedAt: t, canteenId: `c${a % 3}`, tier: pick(MEAL_TIERS, a).code, mode: pick(MEAL_MODES, b).code, quantity: 1 + (b % 4) },
    'market-entities': { name: `e${id}`, entityType: pick(ENTITY_TYPES, a).code, industry: pick(INDUSTRIES, b).code, registeredAt: t, ...(a % 5 === 0 ? { deregisteredAt: t } : {}) },
    'volunteer-activities': {
      occurredAt: t, team: pick(TEAMS, a), hours: (b % 9) * 0.1 + (a % 3) * 0.25, participants: a, points: b,
      // One in six without a category (optional in the feed), so the by-category split must leave it out.
      ...(b % 6 === 0 ? {} : { teamCategory: pick(VOLUNTEER_CATEGORIES, a + b).code }),
    },
  };
  return { ...base, kind, ...body[kind] } as unknown as FeedRecord;
}

function run(tz: string, start: number, steps: Step[]): void {
  let now = start;
  const state = createFiguresState('s', tz, now);
  const incidents = new Map<string, Incident>();
  const feeds: AnyFeedRecord[] = [];
  /** The status each merged incident had before its merge (what an undo restores). */
  const beforeMerge = new Map<string, Incident['status']>();
  let nextId = 0;

  for (const step of steps) {
    switch (step.type) {
      case 'incident': {
        const category = pick(CATEGORIES, step.cat).code;
        const urgency = pick(URGENCIES, step.urg).code;
        const reportedAt = now - step.ago;
        const id = `i${nextId++}`;
        const incident: Incident = {
          id, streetId: 's', externalId: id, source: pick(SOURCES, step.src).code, category, subcategory: null, urgency,
          colour: pick(COLOURS, step.col).code, status: 'reported', title: null, description: 'd', location: { lng: 106.5, lat: 29.5 },
          address: null, reporter: null, photos: [],
          gridId: step.place % 4 === 0 ? null : `g${step.place % 5}`, microGridId: null,
          communityId: step.place % 4 === 0 ? null : `c${step.place % 3}`, outsideArea: step.place % 4 === 0,
          reportedAt: iso(reportedAt), receivedAt: iso(now), updatedAt: iso(now),
          acceptedAt: null, dispatchedAt: null, onSiteAt: null, handledAt: null, closedAt: null,
          dueAt: step.due === -1 ? dueAtFor(category, urgency, iso(reportedAt)) : iso(now + step.due),
          slaProfile: slaProfileFor(category, urgency), assignee: null, escalations: [], evaluation: null,
          simulated: step.sim, version: 1, overdue: false,
          ...(step.accept === -1 ? {} : { acceptBy: step.accept === -2 ? null : iso(reportedAt + step.accept * MIN) }),
        };
        incidents.set(id, incident);
        foldIncident(state, null, incident);
        break;
      }
      case 'move': {
        const list = [...incidents.values()];
        if (list.length === 0) break;
        const before = pick(list, step.which);
        const moves = TRANSITIONS[before.status];
        if (moves.length === 0) break;
        const to = pick(moves, step.choice);
        // A move is stamped now, or a little earlier when the report is late (never before reportedAt).
        const when = Math.max(Date.parse(before.reportedAt), now - step.late);
        const after: Incident = { ...before, status: to, updatedAt: iso(when) };
        const field = STATUS_TIMESTAMP[to];
        if (field) after[field] = iso(when);
        if (to === 'merged') {
          // Merged into another incident when there is one: the original keeps counting, the duplicate stops.
          const original = list.find((i) => i.id !== before.id && i.status !== 'merged');
          after.mergedInto = original ? original.id : null;
          beforeMerge.set(after.id, before.status);
        }
        incidents.set(after.id, after);
        foldIncident(state, before, after);
        break;
      }
      case 'unmerge': {
        // A leader undoes a merge: the status before it comes back, closedAt with it (as the store does).
        const merged = [...incidents.values()].filter((i) => i.status === 'merged' && beforeMerge.has(i.id));
        if (merged.length === 0) break;
        const before = pick(merged, step.which);
        const after: Incident = { ...before, status: beforeMerge.get(before.id) as Incident['status'], mergedInto: null, closedAt: null, updatedAt: iso(now) };
        beforeMerge.delete(before.id);
        incidents.set(after.id, after);
        foldIncident(state, before, after);
        break;
      }
      case 'feed': {
        const kind = pick(FEED_KINDS_USED, step.kind);
        const record = feedRecord(kind, nextId++, now - step.ago, step.a, step.b, step.sim);
        feeds.push({ kind, record });
        foldFeed(state, kind, record);
        break;
      }
      case 'update': {
        // An alarm resolving or a market entity deregistering.
        const candidates = feeds.filter((f) => {
          const r = f.record as unknown as Record<string, unknown>;
          return (f.kind === 'alarms' && r.resolvedAt === undefined) || (f.kind === 'market-entities' && r.deregisteredAt === undefined);
        });
        if (candidates.length === 0) break;
        const target = pick(candidates, step.which);
        const field = target.kind === 'alarms' ? 'resolvedAt' : 'deregisteredAt';
        const after = { ...target.record, [field]: iso(now) } as FeedRecord;
        foldFeedUpdate(state, target.kind, target.record, after);
        target.record = after;
        break;
      }
      case 'tick':
        now += step.ms;
        advanceClock(state, now);
        break;
      case 'boundary': {
        const target = nextBoundary(now, tz, step.to) + step.offset;
        if (target > now) {
          now = target;
          advanceClock(state, now);
        }
        break;
      }
    }
    expect(toSummary(state, now)).toStrictEqual(recount([...incidents.values()], feeds, now, tz, 's'));
  }
}

const stepsArb = fc.array(stepArb, { minLength: 1, maxLength: 60 });

describe('figures reducers equal a recount from scratch', () => {
  it('in Asia/Shanghai, around week, month and year ends', () => {
    const anchors = ['2026-12-31T15:00:00Z', '2026-11-29T15:30:00Z', '2027-02-28T14:00:00Z', '2026-06-30T10:00:00Z', '2026-11-25T06:34:00Z'].map(Date.parse);
    fc.assert(
      fc.property(fc.constantFrom(...anchors), fc.integer({ min: 0, max: 3 * DAY }), stepsArb, (anchor, back, steps) => {
        run('Asia/Shanghai', anchor - back, steps);
      }),
      { numRuns: 300 },
    );
  });

  it('in Europe/Berlin, across the autumn and spring DST changes', () => {
    const anchors = ['2026-10-24T21:00:00Z', '2026-03-28T21:30:00Z', '2026-10-25T00:20:00Z'].map(Date.parse);
    fc.assert(
      fc.property(fc.constantFrom(...anchors), fc.integer({ min: 0, max: DAY }), stepsArb, (anchor, back, steps) => {
        run('Europe/Berlin', anchor - back, steps);
      }),
      { numRuns: 150 },
    );
  });

  it('counts overdue the moment dueAt passes, and reports who became overdue at the next minute', () => {
    const tz = 'Asia/Shanghai';
    const now = Date.parse('2026-11-25T06:00:10Z');
    const state = createFiguresState('s', tz, now);
    const incident = {
      id: 'a', category: 'city_mgmt', urgency: 'normal', colour: 'red', source: 'grid_patrol', status: 'reported',
      gridId: null, communityId: null, outsideArea: false, reportedAt: iso(now - HOUR), dueAt: iso(now + 20_000),
      acceptedAt: null, closedAt: null, slaProfile: 'normal_simple', simulated: false,
    } as unknown as Incident;
    foldIncident(state, null, incident);
    expect(toSummary(state, now).incidents.today.overdue).toBe(0);
    advanceClock(state, now + 30_000);
    expect(toSummary(state, now + 30_000).incidents.today.overdue).toBe(1);
    expect(advanceClock(state, now + 60_000)).toEqual(['a']);
    expect(toSummary(state, now + 60_000).incidents.today.overdue).toBe(1);
    foldIncident(state, incident, { ...incident, status: 'rejected', closedAt: iso(now + 60_000) });
    expect(toSummary(state, now + 60_000).incidents.today).toMatchObject({ open: 0, overdue: 0 });
  });

  it('counts acceptance against the acceptBy stamped at the report when a leader has changed the targets since, the taxonomy only without one', () => {
    const tz = 'Asia/Shanghai';
    const now = Date.parse('2026-11-25T06:00:00Z');
    const state = createFiguresState('s', tz, now);
    // rapid_1_5_10 accepts within 1 minute in the taxonomy; a leader had set 15 when these came in.
    const base = {
      category: 'emergency', urgency: 'critical', colour: 'red', source: 'grid_patrol', status: 'accepted', gridId: 'g1', communityId: 'c1',
      outsideArea: false, reportedAt: iso(now - HOUR), dueAt: iso(now + DAY), closedAt: null, slaProfile: 'rapid_1_5_10', simulated: false,
      updatedAt: iso(now - HOUR),
    };
    const incidents = [
      { ...base, id: 'a', acceptedAt: iso(now - HOUR + 10 * MIN), acceptBy: iso(now - HOUR + 15 * MIN) },
      { ...base, id: 'b', acceptedAt: iso(now - HOUR + 14 * MIN), acceptBy: iso(now - HOUR + 15 * MIN) },
      { ...base, id: 'c', acceptedAt: iso(now - HOUR + 20 * MIN), acceptBy: iso(now - HOUR + 15 * MIN) },
      { ...base, id: 'd', acceptedAt: iso(now - HOUR + 30_000), acceptBy: null },
    ] as unknown as Incident[];
    for (const i of incidents) foldIncident(state, null, i);
    const live = toSummary(state, now);
    // By the stored targets: a, b and d; by the taxonomy's minute it would be d alone.
    expect(live.incidents.sla.responseOnTimeRate).toBe(0.75);
    expect(live).toStrictEqual(recount(incidents, [], now, tz, 's'));
  });

  it('counts a merged duplicate as a report but not as open, overdue or closed; an undone merge counts it again', () => {
    const tz = 'Asia/Shanghai';
    const now = Date.parse('2026-11-25T06:00:00Z');
    const state = createFiguresState('s', tz, now);
    const base = {
      category: 'city_mgmt', urgency: 'normal', colour: 'red', source: 'open311', status: 'reported', gridId: 'g1', communityId: 'c1',
      outsideArea: false, reportedAt: iso(now - 2 * HOUR), dueAt: iso(now - HOUR), acceptedAt: null, closedAt: null,
      slaProfile: 'normal_simple', simulated: false, updatedAt: iso(now - 2 * HOUR),
    };
    const original = { ...base, id: 'a' } as unknown as Incident;
    const duplicate = { ...base, id: 'b', possibleDuplicateOf: 'a' } as unknown as Incident;
    foldIncident(state, null, original);
    foldIncident(state, null, duplicate);
    expect(toSummary(state, now).incidents.today).toMatchObject({ total: 2, open: 2, overdue: 2, closed: 0 });
    const merged = { ...duplicate, status: 'merged', mergedInto: 'a', closedAt: iso(now), updatedAt: iso(now) } as Incident;
    foldIncident(state, duplicate, merged);
    const after = toSummary(state, now);
    expect(after.incidents.today).toMatchObject({ total: 2, open: 1, overdue: 1, closed: 0 });
    expect(after.incidents.today.byGrid).toEqual({ g1: 2 });
    expect(after).toStrictEqual(recount([original, merged], [], now, tz, 's'));
    const undone = { ...merged, status: 'reported', mergedInto: null, closedAt: null } as Incident;
    foldIncident(state, merged, undone);
    expect(toSummary(state, now).incidents.today).toMatchObject({ total: 2, open: 2, overdue: 2 });
  });
});
