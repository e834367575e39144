import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDelta, diffSummary } from './delta.ts';
import { emptySummary, summarySchema, type Summary } from './summary.ts';

const counts = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'SYL-C01', 'SYL-C02-G03', 'red'), fc.nat(500));
const rate = fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null });

const summaryArb: fc.Arbitrary<Summary> = fc.record({
  streetId: fc.constant('shiyoulu'),
  at: fc.date({ noInvalidDate: true, min: new Date('2020-01-01'), max: new Date('2030-01-01') }).map((d) => d.toISOString()),
  seq: fc.nat(),
  simulated: fc.boolean(),
  incidents: fc.record({
    today: fc.record({
      total: fc.nat(), open: fc.nat(), overdue: fc.nat(), closed: fc.nat(),
      byStatus: counts, byColour: counts, byCategory: counts, bySource: counts, byCommunity: counts, byGrid: counts,
    }),
    hourly: fc.array(fc.record({ hour: fc.string(), reported: fc.nat(), closed: fc.nat() }), { maxLength: 24 }),
    daily: fc.array(fc.record({ date: fc.string(), reported: fc.nat(), closed: fc.nat(), onTimeRate: rate }), { maxLength: 30 }),
    sla: fc.record({
      responseOnTimeRate: rate, resolveOnTimeRate: rate,
      medianResponseMin: fc.option(fc.nat(), { nil: null }), medianResolveMin: fc.option(fc.nat(), { nil: null }),
    }),
    outsideAreaToday: fc.nat(),
  }),
  safety: fc.record({
    drills: fc.record({ weekToDate: fc.nat(), yearToDate: fc.nat(), participantsWeekToDate: fc.nat() }),
    hazards: fc.record({ foundWeekToDate: fc.nat(), rectifiedWeekToDate: fc.nat(), open: fc.nat() }),
    alarms: fc.record({ today: fc.nat(), unresolved: fc.nat() }),
  }),
  livelihood: fc.record({
    meals: fc.record({
      today: fc.nat(), byTier: counts, byCanteen: counts, delivered: fc.nat(),
      quarterHourly: fc.array(fc.record({ t: fc.string(), meals: fc.nat() }), { maxLength: 96 }),
    }),
  }),
  economy: fc.record({
    marketEntities: fc.record({
      total: fc.nat(), newMonthToDate: fc.nat(), newYearToDate: fc.nat(), byType: counts, byIndustry: counts,
      monthly: fc.array(fc.record({ month: fc.string(), new: fc.nat() }), { maxLength: 12 }),
    }),
  }),
  party: fc.record({
    volunteerHoursWeekToDate: fc.double({ min: 0, max: 1e6, noNaN: true }),
    activitiesWeekToDate: fc.nat(), pointsWeekToDate: fc.nat(),
    topTeams: fc.array(fc.record({ team: fc.string(), hours: fc.nat() }), { maxLength: 5 }),
    hoursByCategoryWeekToDate: counts,
  }),
});

describe('applyDelta / diffSummary', () => {
  it('applying the diff of two random summaries to the first gives the second', () => {
    fc.assert(
      fc.property(summaryArb, summaryArb, (a, b) => {
        expect(summarySchema.parse(b)).toEqual(b);
        expect(applyDelta(a, { changes: diffSummary(a, b) })).toEqual(b);
      }),
      { numRuns: 500 },
    );
  });

  it('changes a chain of summaries step by step, as a screen following deltas does', () => {
    fc.assert(
      fc.property(fc.array(summaryArb, { minLength: 2, maxLength: 6 }), (chain) => {
        let screen = chain[0] as Summary;
        for (const next of chain.slice(1)) screen = applyDelta(screen, { changes: diffSummary(screen, next) });
        expect(screen).toEqual(chain[chain.length - 1]);
      }),
      { numRuns: 200 },
    );
  });

  it('sends only the leaves that changed', () => {
    const a = emptySummary('shiyoulu', '2026-11-25T08:00:00+08:00');
    const b = structuredClone(a);
    b.incidents.today.total = 3;
    b.incidents.today.byGrid['SYL-C01-G01'] = 3;
    expect(diffSummary(a, b)).toEqual([
      { path: ['incidents', 'today', 'total'], value: 3 },
      { path: ['incidents', 'today', 'byGrid', 'SYL-C01-G01'], value: 3 },
    ]);
    expect(diffSummary(a, structuredClone(a))).toEqual([]);
  });

  it('deletes a key on null and replaces a figure that became null through its parent', () => {
    const a = emptySummary('shiyoulu', 'x');
    a.incidents.today.byGrid.g1 = 2;
    a.incidents.sla.resolveOnTimeRate = 0.9;
    const b = structuredClone(a);
    delete b.incidents.today.byGrid.g1;
    b.incidents.sla.resolveOnTimeRate = null;
    const changes = diffSummary(a, b);
    expect(changes).toContainEqual({ path: ['incidents', 'today', 'byGrid', 'g1'], value: null });
    expect(applyDelta(a, { changes })).toEqual(b);
  });

  it('sends one element of a series whose length did not change, and a resized series whole', () => {
    const a = emptySummary('shiyoulu', 'x');
    a.incidents.hourly = Array.from({ length: 24 }, (_, h) => ({ hour: `h${h}`, reported: 0, closed: 0 }));
    const b = structuredClone(a);
    (b.incidents.hourly[23] as { reported: number }).reported = 1;
    expect(diffSummary(a, b)).toEqual([{ path: ['incidents', 'hourly', '23', 'reported'], value: 1 }]);
    expect(applyDelta(a, { changes: diffSummary(a, b) })).toEqual(b);
    const c = structuredClone(b);
    c.incidents.hourly.push({ hour: 'h24', reported: 2, closed: 0 });
    expect(diffSummary(b, c)).toEqual([{ path: ['incidents', 'hourly'], value: c.incidents.hourly }]);
  });

  it('refuses a path that indexes past an array rather than inventing elements', () => {
    const a = emptySummary('shiyoulu', 'x');
    expect(() => applyDelta(a, { changes: [{ path: ['incidents', 'hourly', '5', 'reported'], value: 1 }] })).toThrow(RangeError);
  });

  it('leaves the summary it was given untouched', () => {
    const a = emptySummary('shiyoulu', 'x');
    const before = structuredClone(a);
    applyDelta(a, { changes: [{ path: ['incidents', 'today', 'total'], value: 9 }] });
    expect(a).toEqual(before);
  });
});
