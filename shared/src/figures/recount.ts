// The oracle: every figure counted from scratch over all records with filter and reduce,
// written apart from the reducers so the property test can hold them to it.
import type { FeedKind } from '../codes.ts';
import type { FeedRecord, FeedRecordInput } from '../feeds.ts';
import type { Incident } from '../incident.ts';
import { isOpenStatus } from '../lifecycle.ts';
import { emptySummary, type Summary } from '../summary.ts';
import { SLA_PROFILES, targetsFor } from '../taxonomy.ts';
import {
  dayKey, hourStart, isoWeekKey, isoWithOffset, lastDayKeys, lastHourStarts, lastMonthKeys, monthKey, quarterKey,
  quarterKeysSoFar, yearKey,
} from './calendar.ts';

export interface AnyFeedRecord {
  kind: FeedKind;
  record: FeedRecord;
}

const t = (iso: string) => Date.parse(iso);

function countBy<T>(items: T[], key: (item: T) => string | null, weight: (item: T) => number = () => 1): Record<string, number> {
  const totals = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    if (k !== null) totals.set(k, (totals.get(k) ?? 0) + weight(item));
  }
  const out: Record<string, number> = {};
  for (const k of [...totals.keys()].sort()) if (totals.get(k) !== 0) out[k] = totals.get(k) as number;
  return out;
}

const sum = <T>(items: T[], f: (item: T) => number) => items.reduce((a, item) => a + f(item), 0);
const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const ms = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return Math.round((ms / 60_000) * 10) / 10;
}

/** Accepted within its target: by the stored acceptBy (the targets at its report), else the profile's accept minutes. */
function acceptedInTime(i: Incident): boolean {
  const acceptedAt = t(i.acceptedAt as string);
  if (i.acceptBy) return acceptedAt <= t(i.acceptBy);
  const p = SLA_PROFILES.find((x) => x.code === i.slaProfile);
  return acceptedAt - t(i.reportedAt) <= (p ? p.targets.acceptMin : targetsFor(i.category, i.urgency).acceptMin) * 60_000;
}

/** Every figure of the Summary at `now`, from all the records (latest version of each incident). */
export function recount(incidents: Incident[], feeds: AnyFeedRecord[], now: number, tz: string, streetId: string): Summary {
  const s = emptySummary(streetId, new Date(now).toISOString());
  const today = dayKey(now, tz);
  const days = lastDayKeys(now, tz, 30);
  const slaDays = days.slice(-7);
  const week = isoWeekKey(now, tz);
  const year = yearKey(now, tz);
  const month = monthKey(now, tz);
  const months = lastMonthKeys(now, tz, 12);
  const isClosed = (i: Incident) => i.status === 'closed' && i.closedAt !== null;
  const closedDay = (i: Incident) => (isClosed(i) ? dayKey(t(i.closedAt as string), tz) : null);
  const acceptedDay = (i: Incident) => (i.acceptedAt === null ? null : dayKey(t(i.acceptedAt), tz));

  const reportedToday = incidents.filter((i) => dayKey(t(i.reportedAt), tz) === today);
  const open = incidents.filter((i) => isOpenStatus(i.status));
  s.incidents.today = {
    total: reportedToday.length,
    open: open.length,
    overdue: open.filter((i) => t(i.dueAt) < now).length,
    closed: incidents.filter((i) => closedDay(i) === today).length,
    byStatus: countBy(reportedToday, (i) => i.status),
    byColour: countBy(reportedToday, (i) => i.colour),
    byCategory: countBy(reportedToday, (i) => i.category),
    bySource: countBy(reportedToday, (i) => i.source),
    byCommunity: countBy(reportedToday, (i) => i.communityId),
    byGrid: countBy(reportedToday, (i) => i.gridId),
  };
  s.incidents.outsideAreaToday = reportedToday.filter((i) => i.outsideArea).length;
  s.incidents.hourly = lastHourStarts(now, tz, 24).map((start) => ({
    hour: isoWithOffset(start, tz),
    reported: incidents.filter((i) => hourStart(t(i.reportedAt), tz) === start).length,
    closed: incidents.filter((i) => isClosed(i) && hourStart(t(i.closedAt as string), tz) === start).length,
  }));
  s.incidents.daily = days.map((date) => {
    const closed = incidents.filter((i) => closedDay(i) === date);
    return {
      date,
      reported: incidents.filter((i) => dayKey(t(i.reportedAt), tz) === date).length,
      closed: closed.length,
      onTimeRate: ratio(closed.filter((i) => t(i.closedAt as string) <= t(i.dueAt)).length, closed.length),
    };
  });
  const acceptedInSla = incidents.filter((i) => slaDays.includes(acceptedDay(i) ?? ''));
  const closedInSla = incidents.filter((i) => slaDays.includes(closedDay(i) ?? ''));
  const took = (i: Incident) => t(i.acceptedAt as string) - t(i.reportedAt);
  s.incidents.sla = {
    responseOnTimeRate: ratio(acceptedInSla.filter(acceptedInTime).length, acceptedInSla.length),
    resolveOnTimeRate: ratio(closedInSla.filter((i) => t(i.closedAt as string) <= t(i.dueAt)).length, closedInSla.length),
    medianResponseMin: median(acceptedInSla.map(took)),
    medianResolveMin: median(closedInSla.map((i) => t(i.closedAt as string) - t(i.reportedAt))),
  };

  const of = <K extends FeedKind>(kind: K) => feeds.filter((f) => f.kind === kind).map((f) => f.record as unknown as FeedRecordInput<K>);
  const drills = of('fire-drills');
  const drillsWeek = drills.filter((r) => isoWeekKey(t(r.occurredAt), tz) === week);
  const drillsYear = drills.filter((r) => yearKey(t(r.occurredAt), tz) === year);
  const inspections = of('hazard-inspections');
  const inspectionsWeek = inspections.filter((r) => isoWeekKey(t(r.occurredAt), tz) === week);
  const alarms = of('alarms');
  const alarmsToday = alarms.filter((r) => dayKey(t(r.occurredAt), tz) === today);
  const unresolved = alarms.filter((r) => r.resolvedAt == null);
  s.safety = {
    drills: { weekToDate: drillsWeek.length, yearToDate: drillsYear.length, participantsWeekToDate: sum(drillsWeek, (r) => r.participants) },
    hazards: {
      foundWeekToDate: sum(inspectionsWeek, (r) => r.hazardsFound),
      rectifiedWeekToDate: sum(inspectionsWeek, (r) => r.hazardsRectified),
      open: sum(inspections, (r) => r.hazardsFound - r.hazardsRectified),
    },
    alarms: { today: alarmsToday.length, unresolved: unresolved.length },
  };

  const mealsToday = of('canteen-meals').filter((r) => dayKey(t(r.servedAt), tz) === today);
  s.livelihood.meals = {
    today: sum(mealsToday, (r) => r.quantity),
    byTier: countBy(mealsToday, (r) => r.tier, (r) => r.quantity),
    byCanteen: countBy(mealsToday, (r) => r.canteenId, (r) => r.quantity),
    delivered: sum(mealsToday.filter((r) => r.mode === 'delivery'), (r) => r.quantity),
    quarterHourly: quarterKeysSoFar(now, tz).map((q) => ({
      t: q,
      meals: sum(mealsToday.filter((r) => quarterKey(t(r.servedAt), tz) === q), (r) => r.quantity),
    })),
  };

  const entities = of('market-entities');
  const active = entities.filter((r) => r.deregisteredAt == null);
  const registeredIn = (m: string) => entities.filter((r) => monthKey(t(r.registeredAt), tz) === m);
  s.economy.marketEntities = {
    total: active.length,
    newMonthToDate: registeredIn(month).length,
    newYearToDate: entities.filter((r) => yearKey(t(r.registeredAt), tz) === year && monthKey(t(r.registeredAt), tz) <= month).length,
    byType: countBy(active, (r) => r.entityType),
    byIndustry: countBy(active, (r) => r.industry),
    monthly: months.map((m) => ({ month: m, new: registeredIn(m).length })),
  };

  const activities = of('volunteer-activities').filter((r) => isoWeekKey(t(r.occurredAt), tz) === week);
  const milli = (h: number) => Math.round(h * 1000);
  const teamHours = countBy(activities, (r) => r.team, (r) => milli(r.hours));
  const categoryHours = countBy(activities, (r) => r.teamCategory ?? null, (r) => milli(r.hours));
  s.party = {
    volunteerHoursWeekToDate: sum(activities, (r) => milli(r.hours)) / 1000,
    activitiesWeekToDate: activities.length,
    pointsWeekToDate: sum(activities, (r) => r.points),
    topTeams: Object.entries(teamHours)
      .filter(([, h]) => h > 0)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 5)
      .map(([team, h]) => ({ team, hours: h / 1000 })),
    hoursByCategoryWeekToDate: Object.fromEntries(Object.entries(categoryHours).map(([code, h]) => [code, h / 1000])),
  };

  // Simulated: any simulated record that some figure above counts.
  const incidentCounted = (i: Incident) =>
    isOpenStatus(i.status) ||
    days.includes(dayKey(t(i.reportedAt), tz)) ||
    days.includes(closedDay(i) ?? '') ||
    slaDays.includes(acceptedDay(i) ?? '');
  s.simulated =
    incidents.some((i) => i.simulated && incidentCounted(i)) ||
    [...drillsWeek, ...drillsYear].some((r) => r.simulated) ||
    inspectionsWeek.some((r) => r.simulated) ||
    inspections.some((r) => r.simulated && r.hazardsFound > r.hazardsRectified) ||
    [...alarmsToday, ...unresolved].some((r) => r.simulated) ||
    mealsToday.some((r) => r.simulated) ||
    active.some((r) => r.simulated) ||
    entities.some((r) => r.simulated && months.includes(monthKey(t(r.registeredAt), tz))) ||
    activities.some((r) => r.simulated);
  return s;
}
