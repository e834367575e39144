// The figures' working state: counters per calendar bucket (never the Summary itself),
// bounded to the windows the Summary shows. Reducers mutate it in place, without I/O.
import { lastDayKeys, lastHourStarts, lastMonthKeys, isoWeekKey, dayKey, yearKey, monthKey } from './calendar.ts';

/** A counter map; a key whose count falls to zero is deleted. */
export type Counter = Map<string, number>;

export function bump(counter: Counter, key: string, by: number): void {
  const next = (counter.get(key) ?? 0) + by;
  if (next === 0) counter.delete(key);
  else counter.set(key, next);
}

/** A multiset of durations in ms (for medians), value → how many. */
export type Samples = Map<number, number>;

export function bumpSample(samples: Samples, value: number, by: number): void {
  const next = (samples.get(value) ?? 0) + by;
  if (next === 0) samples.delete(value);
  else samples.set(value, next);
}

/** Breakdowns of the incidents reported on one day; kept only for today and later days. */
export interface DayDetail {
  byStatus: Counter;
  byColour: Counter;
  byCategory: Counter;
  bySource: Counter;
  byCommunity: Counter;
  byGrid: Counter;
  outsideArea: number;
}

export interface IncidentDay {
  reported: number;
  /** Status `closed` with closedAt on this day. */
  closed: number;
  closedOnTime: number;
  /** closedAt − reportedAt of those closed this day. */
  resolveSamples: Samples;
  /** Accepted this day (acceptedAt), and within the accept target. */
  accepted: number;
  acceptedOnTime: number;
  responseSamples: Samples;
  /** Simulated contributions to reported and closed. */
  sim: number;
  /** Simulated contributions to accepted. */
  acceptSim: number;
  detail: DayDetail | null;
}

export interface HourBucket {
  reported: number;
  closed: number;
}

export interface OpenIncident {
  dueAt: number;
  simulated: boolean;
  /** true once counted as overdue (dueAt before the clock's minute). */
  overdue: boolean;
}

export interface WeekDrills { count: number; participants: number; sim: number }
export interface YearDrills { count: number; sim: number }
export interface WeekHazards { found: number; rectified: number; sim: number }
export interface DayAlarms { count: number; sim: number }
export interface DayMeals { total: number; delivered: number; byTier: Counter; byCanteen: Counter; quarters: Counter; sim: number }
export interface MonthEntities { registered: number; sim: number }
export interface WeekVolunteers { count: number; hoursMilli: number; points: number; teamsMilli: Counter; categoriesMilli: Counter; sim: number }

/** The calendar keys of the windows as of the clock's last advance. */
export interface Windows {
  now: number;
  minute: number;
  today: string;
  /** First day of the 30-day window. */
  firstDay: string;
  /** First day of the 7-day SLA window. */
  firstSlaDay: string;
  /** Start of the oldest hour of the 24-hour window. */
  firstHour: number;
  week: string;
  year: string;
  month: string;
  /** First month of the 12-month window. */
  firstMonth: string;
}

export interface FiguresState {
  streetId: string;
  tz: string;
  clock: Windows;
  incidentDays: Map<string, IncidentDay>;
  hours: Map<number, HourBucket>;
  open: Map<string, OpenIncident>;
  /** Bumped whenever a duration sample changes, so medians are only re-sorted then. */
  samplesVersion: number;
  /** Open incidents not yet overdue, by the minute of their dueAt. */
  dueByMinute: Map<number, Set<string>>;
  overdueCount: number;
  openSim: number;
  drillWeeks: Map<string, WeekDrills>;
  drillYears: Map<string, YearDrills>;
  hazardWeeks: Map<string, WeekHazards>;
  /** Σ(found − rectified) over every inspection. */
  hazardsOpen: number;
  /** Simulated inspections with found > rectified. */
  hazardsOpenSim: number;
  alarmDays: Map<string, DayAlarms>;
  alarmsUnresolved: number;
  alarmsUnresolvedSim: number;
  mealDays: Map<string, DayMeals>;
  entitiesActive: number;
  entitiesActiveSim: number;
  entitiesByType: Counter;
  entitiesByIndustry: Counter;
  entityMonths: Map<string, MonthEntities>;
  volunteerWeeks: Map<string, WeekVolunteers>;
}

export const DAILY_DAYS = 30;
export const SLA_DAYS = 7;
export const HOURLY_HOURS = 24;
export const MONTHLY_MONTHS = 12;
export const TOP_TEAMS = 5;

export function windowsAt(now: number, tz: string): Windows {
  const days = lastDayKeys(now, tz, DAILY_DAYS);
  return {
    now,
    minute: Math.floor(now / 60_000),
    today: dayKey(now, tz),
    firstDay: days[0] as string,
    firstSlaDay: days[DAILY_DAYS - SLA_DAYS] as string,
    firstHour: lastHourStarts(now, tz, HOURLY_HOURS)[0] as number,
    week: isoWeekKey(now, tz),
    year: yearKey(now, tz),
    month: monthKey(now, tz),
    firstMonth: lastMonthKeys(now, tz, MONTHLY_MONTHS)[0] as string,
  };
}

export function createFiguresState(streetId: string, tz: string, now: number): FiguresState {
  return {
    streetId,
    tz,
    clock: windowsAt(now, tz),
    incidentDays: new Map(),
    hours: new Map(),
    open: new Map(),
    samplesVersion: 0,
    dueByMinute: new Map(),
    overdueCount: 0,
    openSim: 0,
    drillWeeks: new Map(),
    drillYears: new Map(),
    hazardWeeks: new Map(),
    hazardsOpen: 0,
    hazardsOpenSim: 0,
    alarmDays: new Map(),
    alarmsUnresolved: 0,
    alarmsUnresolvedSim: 0,
    mealDays: new Map(),
    entitiesActive: 0,
    entitiesActiveSim: 0,
    entitiesByType: new Map(),
    entitiesByIndustry: new Map(),
    entityMonths: new Map(),
    volunteerWeeks: new Map(),
  };
}

/** The bucket under key, created empty on first use. */
export function bucket<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
