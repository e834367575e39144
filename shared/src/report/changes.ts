// Week over week: each key figure of the summary slide against the week before.
import type { WeekChange, WeekFigures } from './schema.ts';

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * A count, hours or minutes: delta = current − previous, pct = delta / previous × 100 (one decimal,
 * null when previous is 0). A rate (0..1): delta in percentage points, pct null. Null on either side
 * gives null delta and direction 'none'.
 */
export function weekChange(
  key: string, unit: WeekChange['unit'], current: number | null, previous: number | null, better: WeekChange['better'],
): WeekChange {
  if (current === null || previous === null) return { key, unit, current, previous, delta: null, pct: null, direction: 'none', better };
  const delta = unit === 'rate' ? round1((current - previous) * 100) : round1(current - previous);
  const pct = unit === 'rate' || previous === 0 ? null : round1(((current - previous) / previous) * 100);
  const direction = delta > 0 ? 'up' : delta < 0 ? 'down' : 'flat';
  return { key, unit, current, previous, delta, pct, direction, better };
}

/** The key figures the summary slide shows, in its order. */
export const KEY_FIGURES: readonly { key: string; unit: WeekChange['unit']; better: WeekChange['better']; read: (f: WeekFigures) => number | null }[] = [
  { key: 'incidents.reported', unit: 'count', better: null, read: (f) => f.incidents.reported },
  { key: 'incidents.closed', unit: 'count', better: 'up', read: (f) => f.incidents.closed },
  { key: 'incidents.resolveOnTimeRate', unit: 'rate', better: 'up', read: (f) => f.incidents.resolveOnTimeRate },
  { key: 'incidents.responseOnTimeRate', unit: 'rate', better: 'up', read: (f) => f.incidents.responseOnTimeRate },
  { key: 'incidents.medianResolveMin', unit: 'minutes', better: 'down', read: (f) => f.incidents.medianResolveMin },
  { key: 'incidents.openAtEnd', unit: 'count', better: 'down', read: (f) => f.incidents.openAtEnd },
  { key: 'incidents.overdueAtEnd', unit: 'count', better: 'down', read: (f) => f.incidents.overdueAtEnd },
  { key: 'incidents.red', unit: 'count', better: null, read: (f) => f.incidents.red },
  { key: 'safety.drills', unit: 'count', better: 'up', read: (f) => f.safety.drills },
  { key: 'safety.hazardsRectified', unit: 'count', better: 'up', read: (f) => f.safety.hazardsRectified },
  { key: 'safety.alarms', unit: 'count', better: 'down', read: (f) => f.safety.alarms },
  { key: 'livelihood.meals', unit: 'count', better: 'up', read: (f) => f.livelihood.meals },
  { key: 'economy.newEntities', unit: 'count', better: 'up', read: (f) => f.economy.newEntities },
  { key: 'party.volunteerHours', unit: 'hours', better: 'up', read: (f) => f.party.volunteerHours },
];

export function weekChanges(current: WeekFigures, previous: WeekFigures): WeekChange[] {
  return KEY_FIGURES.map((k) => weekChange(k.key, k.unit, k.read(current), k.read(previous), k.better));
}
