// The Summary's medians and rates stay in range when records keep the time rules: incidents
// whose dueAt the schema takes, moves whose `at` moveTimeFault takes (whatever time was asked),
// and clock steps. Every number is ≥ 0, every rate in [0, 1], and the recount agrees.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COLOURS, SOURCES, URGENCIES } from '../codes.ts';
import { MAX_DUE_AFTER_REPORT_MS } from '../common.ts';
import type { Incident } from '../incident.ts';
import { defaultMoveTime, moveTimeFault, STATUS_TIMESTAMP, TRANSITIONS } from '../lifecycle.ts';
import { CATEGORIES, slaProfileFor } from '../taxonomy.ts';
import { advanceClock, createFiguresState, foldIncident, recount, toSummary } from './index.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const pick = <T>(list: readonly T[], n: number): T => list[n % list.length] as T;

type Step =
  | { type: 'incident'; ago: number; cat: number; urg: number; due: number }
  | { type: 'move'; which: number; choice: number; asked: number | null }
  | { type: 'tick'; ms: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ type: fc.constant('incident' as const), ago: fc.integer({ min: -5 * MIN, max: 8 * DAY }), cat: fc.nat(), urg: fc.nat(), due: fc.integer({ min: 1, max: MAX_DUE_AFTER_REPORT_MS }) }) },
  // The time asked for a move: anything from three hours before now to now (before the report too), or none.
  { weight: 5, arbitrary: fc.record({ type: fc.constant('move' as const), which: fc.nat(), choice: fc.nat(), asked: fc.option(fc.integer({ min: 0, max: 3 * HOUR })) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 2 * DAY }) }) },
);

/** Every number of the Summary with its path: counts and minutes ≥ 0, rates in [0, 1]. */
function outOfRange(value: unknown, path: string[] = []): string[] {
  if (typeof value === 'number') {
    const key = path[path.length - 1] ?? '';
    const bad = !Number.isFinite(value) || value < 0 || (/Rate$/.test(key) && value > 1);
    return bad ? [`${path.join('.')} = ${value}`] : [];
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => outOfRange(v, [...path, k]));
  }
  return [];
}

function run(start: number, steps: Step[]): void {
  const tz = 'Asia/Shanghai';
  let now = start;
  const state = createFiguresState('s', tz, now);
  const incidents = new Map<string, Incident>();
  const lastMove = new Map<string, number>();
  let refused = 0;
  for (const step of steps) {
    if (step.type === 'incident') {
      const category = pick(CATEGORIES, step.cat).code, urgency = pick(URGENCIES, step.urg).code;
      const reportedAt = now - step.ago;
      const id = `i${incidents.size}`;
      const incident: Incident = {
        id, streetId: 's', externalId: id, source: pick(SOURCES, step.cat).code, category, subcategory: null, urgency,
        colour: pick(COLOURS, step.urg).code, status: 'reported', title: null, description: 'd', location: { lng: 106.5, lat: 29.5 },
        address: null, reporter: null, photos: [], gridId: 'g', microGridId: null, communityId: 'c', outsideArea: false,
        reportedAt: iso(reportedAt), receivedAt: iso(now), updatedAt: iso(now),
        acceptedAt: null, dispatchedAt: null, onSiteAt: null, handledAt: null, closedAt: null,
        dueAt: iso(reportedAt + step.due), slaProfile: slaProfileFor(category, urgency), assignee: null,
        escalations: [], evaluation: null, simulated: false, overdue: false,
      };
      incidents.set(id, incident);
      foldIncident(state, null, incident);
    } else if (step.type === 'move') {
      const list = [...incidents.values()];
      if (list.length === 0) continue;
      const before = pick(list, step.which);
      const moves = TRANSITIONS[before.status];
      if (moves.length === 0) continue;
      const reported = Date.parse(before.reportedAt), previous = lastMove.get(before.id) ?? null;
      let at: number;
      if (step.asked === null) at = defaultMoveTime(now, reported, previous);
      else {
        at = now - step.asked;
        // What the store does: a move dated before the report or the previous move is refused (409).
        if (moveTimeFault(at, reported, previous)) { refused++; continue; }
      }
      const to = pick(moves, step.choice);
      const after: Incident = { ...before, status: to, updatedAt: iso(at) };
      const field = STATUS_TIMESTAMP[to];
      if (field) after[field] = iso(at);
      incidents.set(after.id, after);
      lastMove.set(after.id, at);
      foldIncident(state, before, after);
    } else {
      now += step.ms;
      advanceClock(state, now);
    }
    const summary = toSummary(state, now);
    expect(outOfRange(summary), 'figures out of range').toEqual([]);
    expect(summary).toStrictEqual(recount([...incidents.values()], [], now, tz, 's'));
  }
}

describe('Summary figures stay in range under the time rules', () => {
  it('medians are never negative and rates stay within 0–100 %', () => {
    const anchors = ['2026-11-25T06:34:00Z', '2026-12-31T15:00:00Z'].map(Date.parse);
    fc.assert(
      fc.property(fc.constantFrom(...anchors), fc.array(stepArb, { minLength: 1, maxLength: 40 }), (anchor, steps) => run(anchor, steps)),
      { numRuns: 150 },
    );
  });

  it('a move dated before the report (the Summary showed medianResponseMin −60) is refused', () => {
    const reported = Date.parse('2026-11-25T06:00:00Z');
    expect(moveTimeFault(reported - HOUR, reported, null)).not.toBeNull();
    expect(moveTimeFault(reported - 2 * HOUR, reported, null)).not.toBeNull();
  });
});
