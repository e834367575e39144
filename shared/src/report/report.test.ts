import { describe, expect, it } from 'vitest';
import { parseIsoWeek, previousIsoWeek, nextIsoWeek, weekBounds, isoWeeksInYear } from './week.ts';
import { weekChange, weekChanges } from './changes.ts';
import { rankGrids, rankingBoard, rankingPercent, starsOf, streetTerms, gridWeeks, type GridWeek } from './ranking.ts';
import type { GridScore } from './schema.ts';
import { emptyWeekRecords, weekFigures, type WeekIncident } from './figures.ts';
import { buildWeeklyReport } from './report.ts';

const TZ = 'Asia/Shanghai';

type Times = 'reportedAt' | 'acceptedAt' | 'closedAt' | 'dueAt' | 'acceptBy';
/** An incident with its times written as ISO text (converted to the report's epoch ms). */
function incident(over: Partial<Omit<WeekIncident, Times>> & Partial<Record<Times, string | null>>): WeekIncident {
  const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);
  return {
    id: 'i1', status: 'reported', colour: 'yellow', category: 'environment', source: 'grid_patrol', urgency: 'normal',
    slaProfile: 'normal', communityId: 'C1', gridId: 'G1', simulated: false, ...over,
    reportedAt: ms(over.reportedAt ?? '2026-11-17T10:00:00+08:00') as number,
    acceptedAt: ms(over.acceptedAt), closedAt: ms(over.closedAt),
    dueAt: ms(over.dueAt ?? '2026-11-20T10:00:00+08:00') as number,
    acceptBy: ms(over.acceptBy),
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
  const week = (over: Partial<GridWeek>): GridWeek => ({ reported: 0, closedOfReported: 0, closed: 0, closedOnTime: 0, overdueOpen: 0, notDueOpen: 0, ...over });

  it('scores 0.5 on-time + 0.3 closure + 0.2 light load; a quiet grid takes the street\'s terms, not full marks', () => {
    const weeks = new Map<string, GridWeek>([
      ['G1', week({ reported: 10, closedOfReported: 8, closed: 10, closedOnTime: 9 })],
      ['G2', week({ reported: 10, closedOfReported: 5, closed: 4, closedOnTime: 2 })],
    ]);
    const ranked = rankGrids(grids, weeks);
    // G1: T 0.9, C 0.8, 10 per 1,000 against the busiest G2's 20 → L 0.5: 45 + 24 + 10 = 79.
    // G3 (no incident): the street's T = 11/14, C = 13/20 and 20 per 2,300 residents (8.7 per
    // 1,000 → L 0.565): 39.3 + 19.5 + 11.3 = 70.1.
    expect(ranked.map((r) => [r.gridId, r.score, r.rank])).toEqual([['G1', 79, 1], ['G3', 70.1, 2], ['G2', 40, 3]]);
    expect(ranked[0]).toMatchObject({ perThousand: 10, highestPerThousand: 20, stars: 3, tier: 'standard', streetRates: false, tied: 1 });
    expect(ranked[0]!.borrowed).toEqual({ onTime: false, closure: false, load: false });
    // G3 carries the street's values it was scored on, not its own nothing.
    expect(ranked[1]).toMatchObject({ streetRates: true, onTimeRate: 0.786, closureRate: 0.65, perThousand: 8.7, highestPerThousand: 20 });
    expect(ranked[1]!.borrowed).toEqual({ onTime: true, closure: true, load: true });
    expect(ranked[2]).toMatchObject({ stars: 1, tier: 'improve' });
    expect(streetTerms(grids, weeks).perThousand).toBeCloseTo(20000 / 2300, 9);
    expect(streetTerms([], new Map())).toEqual({ onTime: 1, closure: 1, perThousand: 0 });
  });

  it('equal scores share a rank and say how many share it; open past due scores no on-time or closure points', () => {
    const ranked = rankGrids(grids, new Map([['G1', week({ reported: 1, overdueOpen: 1 })]]));
    // The street's T and C are G1's (0 and 0); its load 1 per 2,300 (0.4 per 1,000) against G1's 1 per 1,000 (L 0.6).
    expect(ranked.map((r) => [r.gridId, r.score, r.rank, r.tied])).toEqual([['G2', 12, 1, 2], ['G3', 12, 1, 2], ['G1', 0, 3, 1]]);
  });

  it('an incident open at the week end and not yet due costs nothing but its load (reported late on Sunday)', () => {
    const sunday = rankGrids(grids, new Map([['G1', week({ reported: 1, notDueOpen: 1 })]]));
    expect(sunday[2]).toMatchObject({ gridId: 'G1', score: 80, onTimeRate: 1, closureRate: 1, streetRates: true, borrowed: { onTime: true, closure: true, load: false } });
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

  it('closed an old incident, reported nothing: the row carries the street\'s C and load it was scored on (W48 SYL-C07-G01)', () => {
    const ranked = rankGrids(grids, new Map([
      ['G1', week({ closed: 1 })],
      ['G2', week({ reported: 20, closedOfReported: 17, closed: 17, closedOnTime: 17, notDueOpen: 0, overdueOpen: 3 })],
    ]));
    const g1 = ranked.find((r) => r.gridId === 'G1')!;
    // T own 0/1; C the street's 17/20; load the street's 20 per 2,300 = 8.7 against G2's 40: L 0.7825.
    expect(g1).toMatchObject({ onTimeRate: 0, closureRate: 0.85, perThousand: 8.7, highestPerThousand: 40, borrowed: { onTime: false, closure: true, load: true } });
    expect(g1.score).toBe(41.2);
  });

  /** The printed formula over what the slide shows of a row (its percentages and loads as strings). */
  const fromShown = (g: GridScore) => {
    const T = Number.parseFloat(rankingPercent(g.onTimeRate)) / 100;
    const C = Number.parseFloat(rankingPercent(g.closureRate)) / 100;
    const p = Number.parseFloat(String(g.perThousand));
    const highest = Number.parseFloat(String(g.highestPerThousand));
    const L = highest > 0 ? Math.max(0, 1 - p / highest) : 1;
    return 100 * (0.5 * T + 0.3 * C + 0.2 * L);
  };

  it('for every row, the formula over the shown values gives its score (to one decimal)', () => {
    // A street of 60 grids with odd populations and random weeks, some quiet, some with only old closures.
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let round = 0; round < 20; round += 1) {
      const street = Array.from({ length: 60 }, (_, i) => ({ id: `S${i}`, communityId: 'C', population: 300 + rand(2500) }));
      const weeks = new Map<string, GridWeek>();
      for (const g of street) {
        if (rand(6) === 0) continue;
        const reported = rand(5) === 0 ? 0 : rand(12);
        const notDueOpen = rand(3) === 0 ? Math.min(reported, rand(3)) : 0;
        const overdueOpen = Math.min(reported - notDueOpen, rand(3));
        const closedOfReported = reported - notDueOpen - overdueOpen;
        const closed = closedOfReported + rand(3);
        weeks.set(g.id, week({ reported, notDueOpen, overdueOpen, closedOfReported, closed, closedOnTime: rand(closed + 1) }));
      }
      const ranked = rankGrids(street, weeks);
      expect(ranked.some((g) => g.streetRates)).toBe(true);
      for (const g of ranked) {
        expect(Math.abs(fromShown(g) - g.score), `${g.gridId} ${JSON.stringify(g)}`).toBeLessThanOrEqual(0.05 + 1e-9);
        expect(g.highestPerThousand).toBe(ranked[0]!.highestPerThousand);
      }
    }
    expect([rankingPercent(0.864), rankingPercent(1), rankingPercent(0)]).toEqual(['86.4%', '100%', '0%']);
  });

  describe('what the slide lists', () => {
    const street = Array.from({ length: 30 }, (_, i) => ({ id: `G${String(i + 1).padStart(2, '0')}`, communityId: 'C1', population: 1000 }));
    // G01–G08 closed everything on time, i incidents each (score 100 − 2i); G09–G12 ten each, all
    // open past due and the busiest (score 0); G13–G30 quiet.
    const weeks = new Map<string, GridWeek>();
    for (let i = 1; i <= 8; i += 1) weeks.set(street[i - 1]!.id, week({ reported: i, closedOfReported: i, closed: i, closedOnTime: i }));
    for (let i = 9; i <= 12; i += 1) weeks.set(street[i - 1]!.id, week({ reported: 10, overdueOpen: 10 }));
    const ranking = rankGrids(street, weeks);

    it('the top ten are ranks 1 to 10; quiet grids sharing a rank are one line', () => {
      const board = rankingBoard(ranking);
      // Street: T = C = 36/76, 76 per 30,000 residents (L 0.747); the 18 quiet grids 52.8, tied at rank 9.
      const top = board.top.map((l) => (l.kind === 'grid' ? [l.grid.gridId, l.grid.rank] : ['group', l.rank, l.grids.length, l.quiet]));
      expect(top).toEqual([['G01', 1], ['G02', 2], ['G03', 3], ['G04', 4], ['G05', 5], ['G06', 6], ['G07', 7], ['G08', 8], ['group', 9, 18, true]]);
      expect(board.quiet).toBe(18);
      expect(board.tiers).toEqual({ lead: 8, standard: 0, improve: 22 });
    });

    it('the bottom list holds the grids to improve by their own work, worst first, ties shown as ties; quiet ones never', () => {
      const board = rankingBoard(ranking);
      const bad = ranking.slice(26).reverse();
      expect(bad.map((g) => [g.gridId, g.rank, g.tied, g.score])).toEqual([['G12', 27, 4, 0], ['G11', 27, 4, 0], ['G10', 27, 4, 0], ['G09', 27, 4, 0]]);
      expect(board.bottom).toEqual(bad.map((grid) => ({ kind: 'grid', grid })));
      expect(board.bottomMore).toBe(0);
      // Over the lines a list has room for, the largest tie is folded into one line.
      expect(rankingBoard(ranking, 10, 3).bottom).toEqual([{ kind: 'group', rank: 27, score: 0, stars: 1, tier: 'improve', grids: bad, quiet: false }]);
      const few = rankingBoard(ranking, 2);
      expect(few.top.map((l) => (l.kind === 'grid' ? l.grid.gridId : 'group'))).toEqual(['G01', 'G02']);
      // A rank is never cut in two: the four grids at 0 share rank 27 and all stay.
      expect(few.bottom).toHaveLength(4);
      expect(few.bottomMore).toBe(0);
    });

    it('no grid to improve: the bottom list is empty and the slide can name the lowest', () => {
      const good = rankGrids(street.slice(0, 8), new Map([...weeks].filter(([id]) => id <= 'G08')));
      const board = rankingBoard(good);
      expect(board.bottom).toEqual([]);
      // Now G08 is the busiest (8 per 1,000): 50 + 30 + 0 = 80, still four stars.
      expect(board.lowest).toMatchObject({ gridId: 'G08', score: 80, rank: 8 });
      expect(rankingBoard([])).toMatchObject({ top: [], bottom: [], lowest: null, quiet: 0 });
    });
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
  it('counts acceptance against the acceptBy stamped at the report (a leader changed the targets since), the profile only without one', () => {
    // `urgent` accepts within 10 minutes in the taxonomy; these were reported when a leader had set 30.
    const urgent = { urgency: 'urgent' as const, slaProfile: 'urgent', reportedAt: '2026-11-17T10:00:00+08:00' };
    const records = emptyWeekRecords();
    records.incidents = [
      incident({ id: 'stored-in', ...urgent, acceptedAt: '2026-11-17T10:20:00+08:00', acceptBy: '2026-11-17T10:30:00+08:00' }),
      incident({ id: 'stored-in-2', ...urgent, acceptedAt: '2026-11-17T10:30:00+08:00', acceptBy: '2026-11-17T10:30:00+08:00' }),
      // A tighter stored target than the taxonomy's: 5 minutes.
      incident({ id: 'stored-tight', ...urgent, acceptedAt: '2026-11-17T10:08:00+08:00', acceptBy: '2026-11-17T10:05:00+08:00' }),
      incident({ id: 'profile-in', ...urgent, acceptedAt: '2026-11-17T10:08:00+08:00' }),
    ];
    // By the stored targets 3 of 4 (by the taxonomy's 10 minutes it would be 2 of 4).
    expect(weekFigures('2026-W47', b, TZ, records).incidents.responseOnTimeRate).toBe(0.75);
    records.incidents = records.incidents.filter((i) => i.id === 'stored-tight');
    expect(weekFigures('2026-W47', b, TZ, records).incidents.responseOnTimeRate).toBe(0);
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
