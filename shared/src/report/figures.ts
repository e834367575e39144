// One week's figures from the records the store hands over (pure; the server's
// reports/weekly.ts does the reading). The SLA rules are the live figures' (docs/figures.md).
import type { FeedRecord } from '../feeds.ts';
import type { IncidentFacts } from '../figures/fold-incident.ts';
import { acceptTargetMs } from '../figures/fold-incident.ts';
import { dayKey, isoWithOffset, monthKey, quarterKey, yearKey } from '../figures/calendar.ts';
import type { WeekBounds } from './week.ts';
import type { WeekFigures } from './schema.ts';

/**
 * An incident as the report reads it: the fields the figures count, times as epoch milliseconds
 * (a week of 50,000 incidents is read and counted without parsing a date string).
 */
export interface WeekIncident extends Pick<IncidentFacts, 'id' | 'status' | 'colour' | 'category' | 'source' | 'urgency' | 'slaProfile' | 'communityId' | 'gridId' | 'simulated'> {
  reportedAt: number;
  acceptedAt: number | null;
  closedAt: number | null;
  dueAt: number;
  /** The accept target stamped at the report (the targets as they stood then); null for an incident without one. */
  acceptBy: number | null;
}

/** What the store reads for one week; see the server's reports/weekly.ts for the exact rows. */
export interface WeekRecords {
  /** Every incident reported, accepted or closed in [start, end). */
  incidents: WeekIncident[];
  /** What a notable-events line reads (title, else the start of the description), by incident id, for the notable candidates (notableIncidents). */
  incidentTexts: Record<string, string>;
  /** Counted by the store at the week's end (they need every record, not only the week's). */
  atEnd: { open: number; overdue: number; hazardsOpen: number; alarmsUnresolved: number; drillsYear: number };
  drills: FeedRecord<'fire-drills'>[];
  inspections: FeedRecord<'hazard-inspections'>[];
  alarms: FeedRecord<'alarms'>[];
  meals: FeedRecord<'canteen-meals'>[];
  /** Every market entity registered before the week's end (active count, year to date, 12 months). */
  entities: FeedRecord<'market-entities'>[];
  volunteers: FeedRecord<'volunteer-activities'>[];
}

export function emptyWeekRecords(): WeekRecords {
  return {
    incidents: [], incidentTexts: {}, atEnd: { open: 0, overdue: 0, hazardsOpen: 0, alarmsUnresolved: 0, drillsYear: 0 },
    drills: [], inspections: [], alarms: [], meals: [], entities: [], volunteers: [],
  };
}

function bump(counts: Record<string, number>, key: string | null | undefined, by = 1): void {
  if (key === null || key === undefined) return;
  counts[key] = (counts[key] ?? 0) + by;
}

/** Keys sorted, zeros left out: the same object for the same figures. */
function tidy(counts: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(counts).sort()) if (counts[key] !== 0) out[key] = counts[key] as number;
  return out;
}

/** Median of milliseconds, in minutes with one decimal; null for none. */
export function medianMinutes(samples: number[]): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const ms = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return Math.round((ms / 60_000) * 10) / 10;
}

/** The accept target of an incident's profile in the taxonomy, memoised per profile/category/urgency (for incidents without a stored acceptBy). */
const acceptTargets = new Map<string, number>();
function profileAcceptTarget(incident: WeekIncident): number {
  const key = `${incident.slaProfile}|${incident.category}|${incident.urgency}`;
  let ms = acceptTargets.get(key);
  if (ms === undefined) {
    ms = acceptTargetMs({ slaProfile: incident.slaProfile, category: incident.category, urgency: incident.urgency, reportedAt: new Date(0).toISOString(), acceptBy: null });
    acceptTargets.set(key, ms);
  }
  return ms;
}

/** Accepted within its target, as the live figures count it: by its stored acceptBy, else its profile's accept minutes. */
function acceptedWithinTarget(incident: WeekIncident, acceptedAt: number): boolean {
  const by = incident.acceptBy ?? null;
  if (by !== null) return acceptedAt <= by;
  return acceptedAt - incident.reportedAt <= profileAcceptTarget(incident);
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);
const round1 = (n: number) => Math.round(n * 10) / 10;

/** Every "HH:MM" quarter of a day, from 00:00. */
function quarterSlots(): string[] {
  const slots: string[] = [];
  for (let q = 0; q < 96; q += 1) slots.push(`${String(Math.floor(q / 4)).padStart(2, '0')}:${String((q % 4) * 15).padStart(2, '0')}`);
  return slots;
}

/** "YYYY-MM" of the 12 months ending with the one holding `instant` in tz, oldest first. */
function twelveMonths(instant: number, tz: string): string[] {
  const [y, m] = monthKey(instant, tz).split('-').map(Number) as [number, number];
  const out: string[] = [];
  for (let back = 11; back >= 0; back -= 1) {
    const d = new Date(Date.UTC(y, m - 1 - back, 1));
    out.push(d.toISOString().slice(0, 7));
  }
  return out;
}

/**
 * The figures of one ISO week. `records` must hold what WeekRecords says (records outside the
 * week are ignored where a figure is of the week). Throws nothing; an empty week gives zeros
 * and nulls.
 */
export function weekFigures(week: string, bounds: WeekBounds, tz: string, records: WeekRecords): WeekFigures {
  const { start, end } = bounds;
  const inWeek = (iso: string | null | undefined): boolean => {
    if (!iso) return false;
    const t = Date.parse(iso);
    return t >= start && t < end;
  };
  let simulated = false;

  // Incidents.
  const byCategory: Record<string, number> = {};
  const byCommunity: Record<string, number> = {};
  const bySource: Record<string, number> = {};
  const byColour: Record<string, number> = {};
  const byGrid: Record<string, number> = {};
  const dailyReported = new Map<string, number>();
  const dailyClosed = new Map<string, number>();
  let reported = 0, closed = 0, closedOnTime = 0, accepted = 0, acceptedOnTime = 0, red = 0, critical = 0;
  const responseSamples: number[] = [];
  const resolveSamples: number[] = [];
  const inWeekMs = (t: number | null): t is number => t !== null && t >= start && t < end;
  for (const incident of records.incidents) {
    const reportedAt = incident.reportedAt;
    let counted = false;
    if (reportedAt >= start && reportedAt < end) {
      counted = true;
      reported += 1;
      bump(byCategory, incident.category);
      bump(byCommunity, incident.communityId);
      bump(bySource, incident.source);
      bump(byColour, incident.colour);
      bump(byGrid, incident.gridId);
      const day = dayKey(reportedAt, tz);
      dailyReported.set(day, (dailyReported.get(day) ?? 0) + 1);
      if (incident.colour === 'red') red += 1;
      if (incident.urgency === 'critical') critical += 1;
    }
    const closedAt = incident.closedAt;
    if (incident.status === 'closed' && inWeekMs(closedAt)) {
      counted = true;
      closed += 1;
      if (closedAt <= incident.dueAt) closedOnTime += 1;
      resolveSamples.push(closedAt - reportedAt);
      const day = dayKey(closedAt, tz);
      dailyClosed.set(day, (dailyClosed.get(day) ?? 0) + 1);
    }
    if (inWeekMs(incident.acceptedAt)) {
      counted = true;
      const took = incident.acceptedAt - reportedAt;
      accepted += 1;
      if (acceptedWithinTarget(incident, incident.acceptedAt)) acceptedOnTime += 1;
      responseSamples.push(took);
    }
    if (counted && incident.simulated) simulated = true;
  }

  // Safety.
  let drills = 0, drillParticipants = 0, hazardsFound = 0, hazardsRectified = 0, alarms = 0;
  const drillsByKind: Record<string, number> = {};
  const alarmsByType: Record<string, number> = {};
  for (const drill of records.drills) {
    if (!inWeek(drill.occurredAt)) continue;
    drills += 1;
    drillParticipants += drill.participants;
    bump(drillsByKind, drill.kind);
    simulated ||= drill.simulated;
  }
  for (const inspection of records.inspections) {
    if (!inWeek(inspection.occurredAt)) continue;
    hazardsFound += inspection.hazardsFound;
    hazardsRectified += inspection.hazardsRectified;
    simulated ||= inspection.simulated;
  }
  for (const alarm of records.alarms) {
    if (!inWeek(alarm.occurredAt)) continue;
    alarms += 1;
    bump(alarmsByType, alarm.type);
    simulated ||= alarm.simulated;
  }

  // Livelihood.
  let meals = 0, delivered = 0;
  const mealDays = new Map<string, number>();
  const byTier: Record<string, number> = {};
  const byCanteen: Record<string, number> = {};
  const quarters = new Map<string, number>();
  for (const meal of records.meals) {
    if (!inWeek(meal.servedAt)) continue;
    const at = Date.parse(meal.servedAt);
    const n = meal.quantity;
    meals += n;
    if (meal.mode === 'delivery') delivered += n;
    bump(byTier, meal.tier, n);
    bump(byCanteen, meal.canteenId, n);
    const day = dayKey(at, tz);
    mealDays.set(day, (mealDays.get(day) ?? 0) + n);
    const slot = quarterKey(at, tz);
    quarters.set(slot, (quarters.get(slot) ?? 0) + n);
    simulated ||= meal.simulated;
  }

  // Economy.
  const endYear = yearKey(end - 1, tz);
  const months = twelveMonths(end - 1, tz);
  const monthly = new Map(months.map((m) => [m, 0]));
  let newEntities = 0, activeAtEnd = 0, newYearToEnd = 0;
  const newByIndustry: Record<string, number> = {};
  const newByType: Record<string, number> = {};
  const byType: Record<string, number> = {};
  const byIndustry: Record<string, number> = {};
  for (const entity of records.entities) {
    const registeredAt = Date.parse(entity.registeredAt);
    if (registeredAt >= end) continue;
    const gone = entity.deregisteredAt !== undefined && Date.parse(entity.deregisteredAt) < end;
    if (!gone) {
      activeAtEnd += 1;
      bump(byType, entity.entityType);
      bump(byIndustry, entity.industry);
    }
    if (yearKey(registeredAt, tz) === endYear) newYearToEnd += 1;
    const month = monthKey(registeredAt, tz);
    if (monthly.has(month)) monthly.set(month, (monthly.get(month) as number) + 1);
    if (registeredAt >= start) {
      newEntities += 1;
      bump(newByIndustry, entity.industry);
      bump(newByType, entity.entityType);
      simulated ||= entity.simulated;
    }
  }

  // Party.
  let volunteerHours = 0, activities = 0, participants = 0, points = 0;
  const teams = new Map<string, number>();
  const hoursByCategory: Record<string, number> = {};
  for (const activity of records.volunteers) {
    if (!inWeek(activity.occurredAt)) continue;
    activities += 1;
    volunteerHours += activity.hours;
    participants += activity.participants;
    points += activity.points;
    teams.set(activity.team, (teams.get(activity.team) ?? 0) + activity.hours);
    bump(hoursByCategory, activity.teamCategory, activity.hours);
    simulated ||= activity.simulated;
  }

  const roundCounts = (c: Record<string, number>) => Object.fromEntries(Object.entries(tidy(c)).map(([k, v]) => [k, round1(v)]));
  return {
    week,
    from: isoWithOffset(start, tz),
    to: isoWithOffset(end, tz),
    days: bounds.days,
    simulated,
    incidents: {
      reported, closed,
      openAtEnd: records.atEnd.open,
      overdueAtEnd: records.atEnd.overdue,
      byCategory: tidy(byCategory), byCommunity: tidy(byCommunity), bySource: tidy(bySource), byColour: tidy(byColour), byGrid: tidy(byGrid),
      daily: bounds.days.map((date) => ({ date, reported: dailyReported.get(date) ?? 0, closed: dailyClosed.get(date) ?? 0 })),
      responseOnTimeRate: ratio(acceptedOnTime, accepted),
      resolveOnTimeRate: ratio(closedOnTime, closed),
      medianResponseMin: medianMinutes(responseSamples),
      medianResolveMin: medianMinutes(resolveSamples),
      red, critical,
    },
    safety: {
      drills, drillsYearToEnd: records.atEnd.drillsYear, drillParticipants, drillsByKind: tidy(drillsByKind), hazardsFound, hazardsRectified,
      hazardsOpenAtEnd: records.atEnd.hazardsOpen, alarms, alarmsByType: tidy(alarmsByType),
      alarmsUnresolvedAtEnd: records.atEnd.alarmsUnresolved,
    },
    livelihood: {
      meals, delivered,
      daily: bounds.days.map((date) => ({ date, meals: mealDays.get(date) ?? 0 })),
      byTier: tidy(byTier), byCanteen: tidy(byCanteen),
      quarterHourly: quarterSlots().map((t) => ({ t, meals: quarters.get(t) ?? 0 })),
    },
    economy: {
      newEntities, newByIndustry: tidy(newByIndustry), newByType: tidy(newByType), activeAtEnd,
      byType: tidy(byType), byIndustry: tidy(byIndustry), newYearToEnd,
      monthly: months.map((month) => ({ month, new: monthly.get(month) ?? 0 })),
    },
    party: {
      volunteerHours: round1(volunteerHours), activities, participants, points,
      byTeam: [...teams].map(([team, hours]) => ({ team, hours: round1(hours) }))
        .sort((a, b) => b.hours - a.hours || (a.team < b.team ? -1 : a.team > b.team ? 1 : 0)),
      hoursByCategory: roundCounts(hoursByCategory),
    },
  };
}

/** True when the week counted anything at all. */
export function weekHasData(f: WeekFigures): boolean {
  return f.incidents.reported + f.incidents.closed + f.safety.drills + f.safety.alarms + f.safety.hazardsFound
    + f.livelihood.meals + f.economy.newEntities + f.party.activities > 0;
}
