// The week's grid ranking, 三级五星 style. The formula (docs/reports.md):
//   T = on-time closure  = closed in the week by their due time / (closed in the week + reported in it, open at its end and past due)
//   C = closure rate     = reported in the week and closed by its end / (reported − those still open and not yet due at its end)
//                          (rejected and merged left out)
//   L = light load       = 1 − (reported per 1,000 residents) / (the street's highest that week)   (1 when every grid had none)
//   A term with nothing to measure takes the street's own value: T when nothing of the grid was
//   due, C when nothing was closable, L when nothing was reported (the street's reported per
//   1,000 residents in the same formula). No work is no evidence, neither full marks nor none: an
//   incident reported late on Sunday and due next week costs nothing, and a grid with a quiet
//   week (one in eleven of them, at about 300 incidents a week) does not top the list by it.
//   score = 100 × (0.5·T + 0.3·C + 0.2·L), one decimal, over T and C to 0.1 % and the loads (the
//   grid's or the street's, and the highest) to 0.1 per 1,000: exactly the values each row carries
//   (onTimeRate, closureRate, perThousand, highestPerThousand; `borrowed` says which are the street's)
//   stars: ≥ 90 ★★★★★, ≥ 80 ★★★★, ≥ 70 ★★★, ≥ 60 ★★, else ★
//   三级 (tier): 4–5 stars 'lead' (先进), 3 'standard' (达标), 1–2 'improve' (待提升)
//   Equal scores share a rank (1, 2, 2, 4), listed by grid id; `tied` says how many share it.
import type { WeekIncident } from './figures.ts';
import type { GridScore } from './schema.ts';

export interface RankedGrid {
  id: string;
  communityId: string | null;
  population: number;
}

export interface GridWeek {
  reported: number;
  closedOfReported: number;
  closed: number;
  closedOnTime: number;
  /** Reported in the week, open at its end and past their due time then. */
  overdueOpen: number;
  /** Reported in the week, open at its end and not yet due then. */
  notDueOpen: number;
}

const noWeek = (): GridWeek => ({ reported: 0, closedOfReported: 0, closed: 0, closedOnTime: 0, overdueOpen: 0, notDueOpen: 0 });

const round1 = (n: number) => Math.round(n * 10) / 10;
const rate3 = (n: number) => Math.round(n * 1000) / 1000;

/** A rate of the ranking as the slide shows it: a percentage to one decimal, "86.4%", "100%" (the score is computed from exactly this). */
export function rankingPercent(rate: number): string {
  return `${String(Math.round(rate * 1000) / 10)}%`;
}

export function starsOf(score: number): number {
  if (score >= 90) return 5;
  if (score >= 80) return 4;
  if (score >= 70) return 3;
  if (score >= 60) return 2;
  return 1;
}

export function tierOf(stars: number): GridScore['tier'] {
  return stars >= 4 ? 'lead' : stars === 3 ? 'standard' : 'improve';
}

/** Per-grid counts of one week from its incidents (see WeekRecords.incidents). */
export function gridWeeks(incidents: readonly WeekIncident[], start: number, end: number): Map<string, GridWeek> {
  const out = new Map<string, GridWeek>();
  const of = (id: string) => {
    let g = out.get(id);
    if (!g) out.set(id, (g = noWeek()));
    return g;
  };
  for (const incident of incidents) {
    if (incident.gridId === null) continue;
    const reportedAt = incident.reportedAt;
    const closedAt = incident.status === 'closed' ? incident.closedAt : null;
    if (reportedAt >= start && reportedAt < end && incident.status !== 'rejected' && incident.status !== 'merged') {
      const g = of(incident.gridId);
      g.reported += 1;
      if (closedAt !== null && closedAt < end) g.closedOfReported += 1;
      else if (incident.dueAt < end) g.overdueOpen += 1;
      else g.notDueOpen += 1;
    }
    if (closedAt !== null && closedAt >= start && closedAt < end) {
      const g = of(incident.gridId);
      g.closed += 1;
      if (closedAt <= incident.dueAt) g.closedOnTime += 1;
    }
  }
  return out;
}

/** The street's own terms of the week: T, C and its reported per 1,000 residents (T and C 1 when nothing anywhere was due or closable). */
export function streetTerms(grids: readonly RankedGrid[], weeks: ReadonlyMap<string, GridWeek>): { onTime: number; closure: number; perThousand: number } {
  let closedOnTime = 0, due = 0, closedOfReported = 0, closable = 0, reported = 0, population = 0;
  for (const grid of grids) {
    population += Math.max(0, grid.population);
    const week = weeks.get(grid.id);
    if (!week) continue;
    closedOnTime += week.closedOnTime;
    due += week.closed + week.overdueOpen;
    closedOfReported += week.closedOfReported;
    closable += week.reported - week.notDueOpen;
    reported += week.reported;
  }
  return {
    onTime: due > 0 ? closedOnTime / due : 1,
    closure: closable > 0 ? closedOfReported / closable : 1,
    perThousand: population > 0 ? (reported * 1000) / population : 0,
  };
}

/**
 * Every grid of the street scored and ranked, best first (the formula above; docs/reports.md).
 * Equal scores share a rank (competition ranking: 1, 2, 2, 4), listed by grid id. Grids without
 * a row in `weeks` had no incident that week. Throws nothing; an empty list gives [].
 */
export function rankGrids(grids: readonly RankedGrid[], weeks: ReadonlyMap<string, GridWeek>): GridScore[] {
  const perThousand = (grid: RankedGrid, week: GridWeek) => (grid.population > 0 ? (week.reported * 1000) / grid.population : 0);
  const empty = noWeek();
  const weekOf = (grid: RankedGrid) => weeks.get(grid.id) ?? empty;
  const street = streetTerms(grids, weeks);
  // The score is computed from the values the row carries and the slide shows (rates to 0.1 %,
  // loads to 0.1 per 1,000), so the printed formula over them gives the score back.
  const highest = round1(Math.max(0, ...grids.map((grid) => perThousand(grid, weekOf(grid)))));
  const lightOf = (load: number) => (highest > 0 ? Math.max(0, 1 - load / highest) : 1);
  const scored = grids.map((grid): GridScore => {
    const week = weekOf(grid);
    const due = week.closed + week.overdueOpen;
    const closable = week.reported - week.notDueOpen;
    const borrowed = { onTime: due === 0, closure: closable <= 0, load: week.reported === 0 };
    const onTime = rate3(borrowed.onTime ? street.onTime : week.closedOnTime / due);
    const closure = rate3(borrowed.closure ? street.closure : week.closedOfReported / closable);
    const load = round1(borrowed.load ? street.perThousand : perThousand(grid, week));
    const score = round1(100 * (0.5 * onTime + 0.3 * closure + 0.2 * lightOf(load)));
    const stars = starsOf(score);
    return {
      gridId: grid.id, communityId: grid.communityId, population: grid.population, ...week,
      onTimeRate: onTime, closureRate: closure, perThousand: load, highestPerThousand: highest,
      borrowed, streetRates: borrowed.onTime || borrowed.closure || borrowed.load,
      score, stars, tier: tierOf(stars), rank: 0, tied: 1,
    };
  });
  scored.sort((a, b) => b.score - a.score || (a.gridId < b.gridId ? -1 : a.gridId > b.gridId ? 1 : 0));
  let from = 0;
  scored.forEach((row, i) => {
    const before = scored[i - 1];
    if (before && before.score === row.score) {
      row.rank = before.rank;
    } else {
      row.rank = i + 1;
      from = i;
    }
    const tied = i - from + 1;
    for (let k = from; k <= i; k += 1) (scored[k] as GridScore).tied = tied;
  });
  return scored;
}

/** A grid that had no incident at all in the week (nothing reported, nothing closed). */
export function quietGrid(g: GridScore): boolean {
  return g.reported === 0 && g.closed === 0 && g.overdueOpen === 0 && g.notDueOpen === 0;
}

/** One line of the ranking slide: a grid, or several grids sharing one rank folded into one line. */
export type RankingLine =
  | { kind: 'grid'; grid: GridScore }
  | { kind: 'group'; rank: number; score: number; stars: number; tier: GridScore['tier']; grids: GridScore[]; quiet: boolean };

/** At most this many lines in a list of the slide, where folding tie groups can get it there. */
export const MAX_LINES = 12;

/**
 * The lines of a list: each grid a line, except that quiet grids sharing a rank are one line
 * (nothing tells them apart), and, while the list is longer than maxLines, the largest group of
 * tied grids left is folded into one line.
 */
function lines(rows: readonly GridScore[], maxLines: number): RankingLine[] {
  const groups: GridScore[][] = [];
  for (const row of rows) {
    const last = groups.at(-1);
    if (last && (last[0] as GridScore).rank === row.rank) last.push(row);
    else groups.push([row]);
  }
  const folded = new Set(groups.filter((g) => g.length >= 2 && g.every(quietGrid)));
  let count = groups.reduce((n, g) => n + (folded.has(g) ? 1 : g.length), 0);
  while (count > maxLines) {
    const largest = groups.filter((g) => g.length >= 2 && !folded.has(g)).sort((a, b) => b.length - a.length)[0];
    if (!largest) break;
    folded.add(largest);
    count -= largest.length - 1;
  }
  return groups.flatMap((group): RankingLine[] => {
    const first = group[0] as GridScore;
    if (!folded.has(group)) return group.map((grid) => ({ kind: 'grid', grid }));
    return [{ kind: 'group', rank: first.rank, score: first.score, stars: first.stars, tier: first.tier, grids: group, quiet: group.every(quietGrid) }];
  });
}

export interface RankingBoard {
  /** Ranks 1..n: every grid whose rank is at most n (more than n grids when some share a rank). */
  top: RankingLine[];
  /**
   * The grids to improve (tier 'improve': 1–2 stars, under 70) by their own work, worst first, at
   * most n (and the rest of a rank cut in two); a quiet grid (scored on the street's rates) or one
   * listed in `top` is never among them.
   */
  bottom: RankingLine[];
  /** Grids to improve beyond the n listed. */
  bottomMore: number;
  /** The lowest-ranked grid that had incidents (what the slide names when no grid is to improve); null when none had any. */
  lowest: GridScore | null;
  tiers: Record<GridScore['tier'], number>;
  quiet: number;
}

/**
 * What the ranking slide lists from a ranking (rankGrids' order): the top n ranks, and the grids
 * to improve from the worst up, each in at most maxLines lines where folding ties can do it.
 */
export function rankingBoard(ranking: readonly GridScore[], n = 10, maxLines = MAX_LINES): RankingBoard {
  const top = ranking.filter((g) => g.rank <= n);
  const shown = new Set(top.map((g) => g.gridId));
  const improve = ranking.filter((g) => g.tier === 'improve' && !quietGrid(g) && !shown.has(g.gridId)).reverse();
  // Keep whole tie groups: the n worst, and the rest of the last group's rank.
  let cut = Math.min(n, improve.length);
  while (cut > 0 && cut < improve.length && (improve[cut] as GridScore).rank === (improve[cut - 1] as GridScore).rank) cut += 1;
  const tiers = { lead: 0, standard: 0, improve: 0 };
  for (const g of ranking) tiers[g.tier] += 1;
  return {
    top: lines(top, maxLines),
    bottom: lines(improve.slice(0, cut), maxLines),
    bottomMore: improve.length - cut,
    lowest: ranking.findLast((g) => !quietGrid(g)) ?? null,
    tiers,
    quiet: ranking.filter(quietGrid).length,
  };
}
