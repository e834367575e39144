import { describe, expect, it } from 'vitest';
import { parseIsoWeek, previousIsoWeek, nextIsoWeek, weekBounds, isoWeeksInYear } from './week.ts';
import { weekChange, weekChanges } from './changes.ts';
import { rankGrids, starsOf, gridWeeks, type GridWeek } from './ranking.ts';
import { emptyWeekRecords, weekFigures, type WeekIncident } from './figures.ts';
import { buildWeeklyReport } from './report.ts';

const TZ = 'Asia/Shanghai';

type Times = 'reportedAt' | 'acceptedAt' | 'closedAt' | 'dueAt';
/** An incident with its times written as ISO text (converted to the report's epoch ms). */
function incident(over: Partial<Omit<WeekIncident, Times>> & Partial<Record<Times, string | null>>): WeekIncident {
  const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);
  return {
    id: 'i1', status: 'reported', colour: 'yellow', category: 'environment', source: 'grid_patrol', urgency: 'normal',
    slaProfile: 'normal', communityId: 'C1', gridId: 'G1', simulated: false, ...over,
    reportedAt: ms(over.reportedAt ?? '2026-11-17T10:00:00+08:00') as number,
    acceptedAt: ms(over.acceptedAt), closedAt: ms(over.closedAt),
    dueAt: ms(over.dueAt ?? '2026-11-20T10:00:00+08:00') as number,
  } as WeekIncident;
}

describe('ISO weeks in the street zone', () => {
  it('bounds 2026-W47 from Monday 16 November 00:00 to Monday 23 November 00:00 Beijing time', () => {
    const b = weekBounds(parseIsoWeek('2026-W47')!, TZ);
    expect(new Date(b.start).toISOString()).toBe('2026-11-15T16:00:00.000Z');
    expect(new Date(b.end).toISOString()).toBe('2026-11-22T16:00:00.000Z');
    expect(b.days).toEqual(['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22']);
  });

  it('a week across the year end: 2026-W53 runs Monday 28 December 2026 to Sunday 3 January 2027', () => {
    expect(isoWeeksInYear(2026)).toBe(53);
    const w53 = parseIsoWeek('2026-W53')!;
    const b = weekBounds(w53, TZ);
    expect(b.days[0]).toBe('2026-12-28');
    expect(b.days[6]).toBe('2027-01-03');
    expect(nextIsoWeek(w53).key).toBe('2027-W01');
    expect(previousIsoWeek(parseIsoWeek('2027-W01')!).key).toBe('2026-W53');
    expect(previousIsoWeek(parseIsoWeek('2026-W01')!).key).toBe('2025-W52');
    expect(weekBounds(parseIsoWeek('2025-W01')!, TZ).days[0]).toBe('2024-12-30');
  });

  it('refuses malformed weeks and W53 of a 52-week year', () => {
    for (const bad of ['2026-47', '2026-W00', '2025-W53', '2026-W54', 'W47', '2026-w47']) expect(parseIsoWeek(bad)).toBeNull();
  });
});

describe('week over week', () => {
  it('counts: difference and percent of the week before; none when the week before had 0', () => {
    expect(weekChange('k', 'count', 120, 100, null)).toMatchObject({ delta: 20, pct: 20, direction: 'up' });
    expect(weekChange('k', 'count', 75, 100, null)).toMatchObject({ delta: -25, pct: -25, direction: 'down' });
    expect(weekChange('k', 'count', 5, 0, null)).toMatchObject({ delta: 5, pct: null, direction: 'up' });
    expect(weekChange('k', 'count', 0, 0, null)).toMatchObject({ delta: 0, pct: null, direction: 'flat' });
    expect(weekChange('k', 'count', 2, 3, null).pct).toBe(-33.3);
  });
  it('rates in percentage points, never a percent of a percent; null on either side is no change', () => {
    expect(weekChange('k', 'rate', 0.9, 0.855, 'up')).toMatchObject({ delta: 4.5, pct: null, direction: 'up' });
    expect(weekChange('k', 'rate', null, 0.8, 'up')).toMatchObject({ delta: null, direction: 'none' });
  });
});

describe('grid ranking', () => {
  const grids = [
    { id: 'G1', communityId: 'C1', population: 1000 },
    { id: 'G2', communityId: 'C1', population: 500 },
    { id: 'G3', communityId: 'C2', population: 800 },
  ];
  it('scores 0.5 on-time + 0.3 closure + 0.2 light load, ranks best first, quiet grids full marks', () => {
    const weeks = new Map<string, GridWeek>([
      ['G1', { reported: 10, closedOfReported: 8, closed: 10, closedOnTime: 9, overdueOpen: 0, notDueOpen: 0 }],
      ['G2', { reported: 10, closedOfReported: 5, closed: 4, closedOnTime: 2, overdueOpen: 0, notDueOpen: 0 }],
    ]);
    const ranked = rankGrids(grids, weeks);
    expect(ranked.map((r) => r.gridId)).toEqual(['G3', 'G1', 'G2']);
    // G3: nothing reported → 100. G1: 10/1000 → 10 per 1,000; busiest G2 20 per 1,000 → L = 0.5
    expect(ranked[0]).toMatchObject({ score: 100, stars: 5, tier: 'lead', rank: 1 });
    expect(ranked[1]).toMatchObject({ score: 79, perThousand: 10, stars: 3, tier: 'standard', rank: 2 });
    expect(ranked[2]).toMatchObject({ score: 40, stars: 1, tier: 'improve', rank: 3 });
  });
  it('equal scores share a rank; open past due scores no on-time or closure points, open and not yet due costs nothing', () => {
    const ranked = rankGrids(grids, new Map([['G1', { reported: 1, closedOfReported: 0, closed: 0, closedOnTime: 0, overdueOpen: 1, notDueOpen: 0 }]]));
    expect(ranked.map((r) => r.rank)).toEqual([1, 1, 3]);
    expect(ranked[2]).toMatchObject({ gridId: 'G1', score: 0 });
    // Reported late on Sunday, due next week: only the load term (busiest grid → 0) is lost.
    const sunday = rankGrids(grids, new Map([['G1', { reported: 1, closedOfReported: 0, closed: 0, closedOnTime: 0, overdueOpen: 0, notDueOpen: 1 }]]));
    expect(sunday[2]).toMatchObject({ gridId: 'G1', score: 80, onTimeRate: 1, closureRate: 1 });
    expect([starsOf(90), starsOf(89.9), starsOf(60), starsOf(59.9)]).toEqual([5, 4, 2, 1]);
  });
  it('counts closures by the week end: closed after it is open for the ranking', () => {
    const b = weekBounds(parseIsoWeek('2026-W47')!, TZ);
    const weeks = gridWeeks([
      incident({ id: 'a', status: 'closed', closedAt: '2026-11-18T10:00:00+08:00' }),
      incident({ id: 'b', status: 'closed', closedAt: '2026-11-24T10:00:00+08:00' }),
      incident({ id: 'c', status: 'rejected' }),
    ], b.start, b.end);
    expect(weeks.get('G1')).toEqual({ reported: 2, closedOfReported: 1, closed: 1, closedOnTime: 1, overdueOpen: 1, notDueOpen: 0 });
  });
});

describe('one week of figures', () => {
  const week = parseIsoWeek('2026-W47')!;
  const b = weekBounds(week, TZ);
  it('an empty week is zeros and nulls, never NaN', () => {
    const f = weekFigures('2026-W47', b, TZ, emptyWeekRecords());
    expect(JSON.stringify(f)).not.toContain('NaN');
    expect(f.incidents).toMatchObject({ reported: 0, closed: 0, resolveOnTimeRate: null, medianResolveMin: null });
    expect(f.livelihood.daily).toHaveLength(7);
    expect(f.livelihood.quarterHourly).toHaveLength(96);
    const r = buildWeeklyReport({ streetId: 's', timeZone: TZ, week, current: emptyWeekRecords(), previous: emptyWeekRecords(), grids: [], now: b.end });
    expect(r.hasData).toBe(false);
    expect(r.changes.every((c) => c.pct === null)).toBe(true);
  });
  it('counts by the street day: Sunday 23:30 Beijing is in the week, Monday 00:10 is not', () => {
    const records = emptyWeekRecords();
    records.incidents = [
      incident({ id: 'in', reportedAt: '2026-11-22T23:30:00+08:00' }),
      incident({ id: 'out', reportedAt: '2026-11-23T00:10:00+08:00' }),
      incident({
        id: 'closed', reportedAt: '2026-11-10T09:00:00+08:00', status: 'closed', acceptedAt: '2026-11-16T09:00:00+08:00',
        closedAt: '2026-11-16T10:00:00+08:00', dueAt: '2026-11-16T09:30:00+08:00',
      }),
    ];
    const f = weekFigures('2026-W47', b, TZ, records);
    expect(f.incidents.reported).toBe(1);
    expect(f.incidents.daily.at(-1)).toEqual({ date: '2026-11-22', reported: 1, closed: 0 });
    expect(f.incidents).toMatchObject({ closed: 1, resolveOnTimeRate: 0, medianResolveMin: 6 * 24 * 60 + 60 });
  });
});

describe('the report', () => {
  it('changes follow KEY_FIGURES and compare with the week before', () => {
    const week = parseIsoWeek('2027-W01')!;
    const current = emptyWeekRecords();
    current.incidents = [incident({ reportedAt: '2027-01-05T10:00:00+08:00' }), incident({ id: 'i2', reportedAt: '2027-01-06T10:00:00+08:00' })];
    const previous = emptyWeekRecords();
    previous.incidents = [incident({ reportedAt: '2026-12-31T10:00:00+08:00' })];
    const r = buildWeeklyReport({ streetId: 's', timeZone: TZ, week, current, previous, grids: [], now: 0 });
    expect(r.previous.week).toBe('2026-W53');
    expect(r.changes.find((c) => c.key === 'incidents.reported')).toMatchObject({ current: 2, previous: 1, delta: 1, pct: 100 });
    expect(weekChanges(r.current, r.previous)).toEqual(r.changes);
  });
});
