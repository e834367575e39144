// Building the Summary from the counters: a walk over the few buckets in the windows.
import { emptySummary, type Summary } from '../summary.ts';
import { isoWithOffset, lastDayKeys, lastHourStarts, lastMonthKeys, quarterKeysSoFar } from './calendar.ts';
import { DAILY_DAYS, HOURLY_HOURS, MONTHLY_MONTHS, SLA_DAYS, TOP_TEAMS, type Counter, type FiguresState, type IncidentDay, type Samples } from './state.ts';

function toRecord(counter: Counter | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (!counter) return out;
  for (const key of [...counter.keys()].sort()) out[key] = counter.get(key) as number;
  return out;
}

/** A counter of thousandths of an hour, in hours. */
function hoursRecord(counter: Counter | undefined): Record<string, number> {
  const out = toRecord(counter);
  for (const key of Object.keys(out)) out[key] = (out[key] as number) / 1000;
  return out;
}

function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/** Median of a multiset of ms durations, in minutes to one decimal. */
function medianMinutes(samples: Samples[]): number | null {
  const entries: [number, number][] = [];
  let total = 0;
  for (const s of samples) for (const [value, n] of s) { entries.push([value, n]); total += n; }
  if (total === 0) return null;
  entries.sort((a, b) => a[0] - b[0]);
  const at = (index: number): number => {
    let seen = 0;
    for (const [value, n] of entries) {
      seen += n;
      if (index < seen) return value;
    }
    throw new RangeError('median index out of range');
  };
  const mid = Math.floor(total / 2);
  const ms = total % 2 === 1 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
  return Math.round((ms / 60_000) * 10) / 10;
}

interface Medians { medianResponseMin: number | null; medianResolveMin: number | null }
// Sorting the week's samples is the one non-trivial step: redo it only when they changed.
const medianCache = new WeakMap<FiguresState, { version: number; firstSlaDay: string; medians: Medians }>();

function medians(state: FiguresState, slaDays: (IncidentDay | undefined)[]): Medians {
  const cached = medianCache.get(state);
  if (cached && cached.version === state.samplesVersion && cached.firstSlaDay === state.clock.firstSlaDay) return cached.medians;
  const result = {
    medianResponseMin: medianMinutes(slaDays.flatMap((d) => (d ? [d.responseSamples] : []))),
    medianResolveMin: medianMinutes(slaDays.flatMap((d) => (d ? [d.resolveSamples] : []))),
  };
  medianCache.set(state, { version: state.samplesVersion, firstSlaDay: state.clock.firstSlaDay, medians: result });
  return result;
}

/** The Summary as of `now`; call advanceClock(state, now) first. `seq` is left 0 for the caller. */
export function toSummary(state: FiguresState, now: number): Summary {
  const { tz, clock } = state;
  const s = emptySummary(state.streetId, new Date(now).toISOString());
  let simulated = false;

  // Incidents.
  const dayKeys = lastDayKeys(now, tz, DAILY_DAYS);
  const days = dayKeys.map((key) => state.incidentDays.get(key));
  const today = state.incidentDays.get(clock.today);
  const detail = today?.detail ?? null;
  let overdue = state.overdueCount;
  for (const id of state.dueByMinute.get(clock.minute) ?? []) {
    const entry = state.open.get(id);
    if (entry && entry.dueAt < now) overdue += 1;
  }
  s.incidents.today = {
    total: today?.reported ?? 0,
    open: state.open.size,
    overdue,
    closed: today?.closed ?? 0,
    byStatus: toRecord(detail?.byStatus),
    byColour: toRecord(detail?.byColour),
    byCategory: toRecord(detail?.byCategory),
    bySource: toRecord(detail?.bySource),
    byCommunity: toRecord(detail?.byCommunity),
    byGrid: toRecord(detail?.byGrid),
  };
  s.incidents.outsideAreaToday = detail?.outsideArea ?? 0;
  s.incidents.hourly = lastHourStarts(now, tz, HOURLY_HOURS).map((start) => {
    const b = state.hours.get(start);
    return { hour: isoWithOffset(start, tz), reported: b?.reported ?? 0, closed: b?.closed ?? 0 };
  });
  s.incidents.daily = dayKeys.map((date, i) => {
    const d = days[i];
    return { date, reported: d?.reported ?? 0, closed: d?.closed ?? 0, onTimeRate: rate(d?.closedOnTime ?? 0, d?.closed ?? 0) };
  });
  const slaDays = days.slice(DAILY_DAYS - SLA_DAYS);
  let accepted = 0, acceptedOnTime = 0, closed = 0, closedOnTime = 0;
  for (const d of slaDays) {
    if (!d) continue;
    accepted += d.accepted;
    acceptedOnTime += d.acceptedOnTime;
    closed += d.closed;
    closedOnTime += d.closedOnTime;
    if (d.acceptSim > 0) simulated = true;
  }
  s.incidents.sla = {
    responseOnTimeRate: rate(acceptedOnTime, accepted),
    resolveOnTimeRate: rate(closedOnTime, closed),
    ...medians(state, slaDays),
  };
  if (state.openSim > 0 || days.some((d) => d !== undefined && d.sim > 0)) simulated = true;

  // Safety.
  const drillWeek = state.drillWeeks.get(clock.week);
  const drillYear = state.drillYears.get(clock.year);
  const hazardWeek = state.hazardWeeks.get(clock.week);
  const alarmDay = state.alarmDays.get(clock.today);
  s.safety = {
    drills: { weekToDate: drillWeek?.count ?? 0, yearToDate: drillYear?.count ?? 0, participantsWeekToDate: drillWeek?.participants ?? 0 },
    hazards: { foundWeekToDate: hazardWeek?.found ?? 0, rectifiedWeekToDate: hazardWeek?.rectified ?? 0, open: state.hazardsOpen },
    alarms: { today: alarmDay?.count ?? 0, unresolved: state.alarmsUnresolved },
  };
  if ((drillWeek?.sim ?? 0) > 0 || (drillYear?.sim ?? 0) > 0 || (hazardWeek?.sim ?? 0) > 0 || state.hazardsOpenSim > 0) simulated = true;
  if ((alarmDay?.sim ?? 0) > 0 || state.alarmsUnresolvedSim > 0) simulated = true;

  // Livelihood.
  const meals = state.mealDays.get(clock.today);
  s.livelihood.meals = {
    today: meals?.total ?? 0,
    byTier: toRecord(meals?.byTier),
    byCanteen: toRecord(meals?.byCanteen),
    delivered: meals?.delivered ?? 0,
    quarterHourly: quarterKeysSoFar(now, tz).map((t) => ({ t, meals: meals?.quarters.get(t) ?? 0 })),
  };
  if ((meals?.sim ?? 0) > 0) simulated = true;

  // Economy.
  const months = lastMonthKeys(now, tz, MONTHLY_MONTHS).map((month) => ({ month, b: state.entityMonths.get(month) }));
  s.economy.marketEntities = {
    total: state.entitiesActive,
    newMonthToDate: state.entityMonths.get(clock.month)?.registered ?? 0,
    newYearToDate: months.filter((m) => m.month.startsWith(`${clock.year}-`)).reduce((sum, m) => sum + (m.b?.registered ?? 0), 0),
    byType: toRecord(state.entitiesByType),
    byIndustry: toRecord(state.entitiesByIndustry),
    monthly: months.map((m) => ({ month: m.month, new: m.b?.registered ?? 0 })),
  };
  if (state.entitiesActiveSim > 0 || months.some((m) => (m.b?.sim ?? 0) > 0)) simulated = true;

  // Party.
  const vol = state.volunteerWeeks.get(clock.week);
  const teams = [...(vol?.teamsMilli ?? new Map<string, number>())]
    .filter(([, milli]) => milli > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, TOP_TEAMS);
  s.party = {
    volunteerHoursWeekToDate: (vol?.hoursMilli ?? 0) / 1000,
    activitiesWeekToDate: vol?.count ?? 0,
    pointsWeekToDate: vol?.points ?? 0,
    topTeams: teams.map(([team, milli]) => ({ team, hours: milli / 1000 })),
    hoursByCategoryWeekToDate: hoursRecord(vol?.categoriesMilli),
  };
  if ((vol?.sim ?? 0) > 0) simulated = true;

  s.simulated = simulated;
  return s;
}
