// Moving the clock: windows roll to the new day, hour, week, month and year (old buckets
// are dropped), and open incidents whose due minute has passed become overdue.
import { windowsAt, type FiguresState } from './state.ts';

// Beyond this many minutes it is cheaper to look at every pending minute than walk the gap.
const WALK_LIMIT = 7 * 24 * 60;

function pruneBelow<K extends string | number, V>(map: Map<K, V>, first: K): void {
  for (const key of map.keys()) if (key < first) map.delete(key);
}

/** Moves the state's clock to `now` (never backwards); returns the ids that became overdue. */
export function advanceClock(state: FiguresState, now: number): string[] {
  if (now <= state.clock.now) return [];
  const previous = state.clock;
  const minute = Math.floor(now / 60_000);
  const becameOverdue = minute > previous.minute ? collectOverdue(state, previous.minute, minute) : [];

  if (minute === previous.minute) {
    state.clock = { ...previous, now };
    return becameOverdue;
  }
  const next = windowsAt(now, state.tz);
  state.clock = next;
  if (next.firstHour !== previous.firstHour) pruneBelow(state.hours, next.firstHour);
  if (next.today !== previous.today) {
    pruneBelow(state.incidentDays, next.firstDay);
    for (const [key, day] of state.incidentDays) if (key < next.today) day.detail = null;
    pruneBelow(state.alarmDays, next.today);
    pruneBelow(state.mealDays, next.today);
  }
  if (next.week !== previous.week) {
    pruneBelow(state.drillWeeks, next.week);
    pruneBelow(state.hazardWeeks, next.week);
    pruneBelow(state.volunteerWeeks, next.week);
  }
  if (next.year !== previous.year) pruneBelow(state.drillYears, next.year);
  if (next.firstMonth !== previous.firstMonth) pruneBelow(state.entityMonths, next.firstMonth);
  return becameOverdue;
}

/** Moves every open incident due in a minute before `minute` to overdue. */
function collectOverdue(state: FiguresState, from: number, minute: number): string[] {
  const ids: string[] = [];
  const take = (m: number) => {
    const set = state.dueByMinute.get(m);
    if (!set) return;
    state.dueByMinute.delete(m);
    for (const id of set) {
      const entry = state.open.get(id);
      if (!entry) continue;
      entry.overdue = true;
      state.overdueCount += 1;
      ids.push(id);
    }
  };
  if (minute - from <= WALK_LIMIT) {
    for (let m = from; m < minute; m++) take(m);
  } else {
    const due = [...state.dueByMinute.keys()].filter((m) => m < minute).sort((a, b) => a - b);
    for (const m of due) take(m);
  }
  return ids;
}
