// The week's grid ranking, 三级五星 style. The formula (docs/reports.md):
//   T = on-time closure  = closed in the week by their due time / (closed in the week + reported in it, open at its end and past due)
//                          (1 when nothing was due: an incident reported late on Sunday and due next week does not count against)
//   C = closure rate     = reported in the week and closed by its end / (reported − those still open and not yet due at its end)
//                          (rejected and merged left out; 1 when none)
//   L = light load       = 1 − (reported per 1,000 residents) / (the street's highest that week)   (1 when every grid had none)
//   score = 100 × (0.5·T + 0.3·C + 0.2·L), one decimal
//   stars: ≥ 90 ★★★★★, ≥ 80 ★★★★, ≥ 70 ★★★, ≥ 60 ★★, else ★
//   三级 (tier): 4–5 stars 'lead' (先进), 3 'standard' (达标), 1–2 'improve' (待提升)
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

/** Every grid of the street scored and ranked (best first; equal scores share a rank, then by id). */
export function rankGrids(grids: readonly RankedGrid[], weeks: ReadonlyMap<string, GridWeek>): GridScore[] {
  const perThousand = (grid: RankedGrid, week: GridWeek) => (grid.population > 0 ? (week.reported * 1000) / grid.population : 0);
  const empty = noWeek();
  const busiest = Math.max(0, ...grids.map((grid) => perThousand(grid, weeks.get(grid.id) ?? empty)));
  const scored = grids.map((grid) => {
    const week = weeks.get(grid.id) ?? empty;
    const due = week.closed + week.overdueOpen;
    const onTime = due > 0 ? week.closedOnTime / due : 1;
    const closable = week.reported - week.notDueOpen;
    const closure = closable > 0 ? week.closedOfReported / closable : 1;
    const load = perThousand(grid, week);
    const light = busiest > 0 ? 1 - load / busiest : 1;
    const score = round1(100 * (0.5 * onTime + 0.3 * closure + 0.2 * light));
    const stars = starsOf(score);
    return {
      gridId: grid.id, communityId: grid.communityId, population: grid.population, ...week,
      onTimeRate: onTime, closureRate: closure, perThousand: round1(load), score, stars, tier: tierOf(stars), rank: 0,
    };
  });
  scored.sort((a, b) => b.score - a.score || (a.gridId < b.gridId ? -1 : a.gridId > b.gridId ? 1 : 0));
  scored.forEach((row, i) => {
    const before = scored[i - 1];
    row.rank = before && before.score === row.score ? before.rank : i + 1;
  });
  return scored;
}
