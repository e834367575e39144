// The whole weekly report from the two weeks' records: figures, changes, ranking, notable events.
import { isoWithOffset } from '../figures/calendar.ts';
import { weekChanges } from './changes.ts';
import { weekFigures, weekHasData, type WeekIncident, type WeekRecords } from './figures.ts';
import { gridWeeks, rankGrids, type RankedGrid } from './ranking.ts';
import type { NotableEvent, WeekFigures, WeeklyReport } from './schema.ts';
import { previousIsoWeek, weekBounds, type IsoWeek } from './week.ts';

/** At most this many notable events (critical and red incidents first, then alarms, then drills). */
export const NOTABLE_MAX = 12;

/** At most this many incidents among the notable events. */
export const NOTABLE_INCIDENTS = 6;

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/**
 * The week's notable incidents: critical or red (公家事) ones reported in it, critical and red first
 * (weight 0), then critical (1), then red (2); by report time, then id. The store selects the same
 * ones to read their texts (store/week.ts), so keep the two orders alike.
 */
export function notableIncidents(incidents: readonly WeekIncident[], start: number, end: number): WeekIncident[] {
  const weight = (i: WeekIncident) => (i.urgency === 'critical' ? 0 : 1) + (i.colour === 'red' ? 0 : 2);
  return incidents
    .filter((i) => i.reportedAt >= start && i.reportedAt < end && (i.urgency === 'critical' || i.colour === 'red'))
    .sort((a, b) => weight(a) - weight(b) || a.reportedAt - b.reportedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, NOTABLE_INCIDENTS);
}

/** The week's events a meeting should hear of: critical or red incidents, alarms, drills held. */
export function notableEvents(records: WeekRecords, start: number, end: number): NotableEvent[] {
  const inWeek = (iso: string) => {
    const t = Date.parse(iso);
    return t >= start && t < end;
  };
  const incidents = notableIncidents(records.incidents, start, end)
    .map((i): NotableEvent => ({
      kind: 'incident', at: new Date(i.reportedAt).toISOString(), id: i.id, code: i.category, colour: i.colour, urgency: i.urgency,
      gridId: i.gridId, communityId: i.communityId, text: shorten(records.incidentTexts[i.id] ?? ''), state: i.status, simulated: i.simulated,
    }));
  const alarms = records.alarms
    .filter((a) => inWeek(a.occurredAt))
    .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt))
    .slice(0, 3)
    .map((a): NotableEvent => ({
      kind: 'alarm', at: a.occurredAt, id: a.id, code: a.type, colour: null, urgency: null, gridId: a.gridId,
      communityId: a.communityId, text: a.address ?? '', simulated: a.simulated,
      state: a.resolvedAt !== undefined && Date.parse(a.resolvedAt) < end ? 'resolved' : 'unresolved',
    }));
  const drills = records.drills
    .filter((d) => inWeek(d.occurredAt))
    .sort((a, b) => b.participants - a.participants || a.occurredAt.localeCompare(b.occurredAt))
    .slice(0, NOTABLE_MAX - incidents.length - alarms.length)
    .map((d): NotableEvent => ({
      kind: 'drill', at: d.occurredAt, id: d.id, code: d.kind, colour: null, urgency: null, gridId: d.gridId,
      communityId: d.communityId, text: d.buildingName ?? '', state: d.result ?? '', simulated: d.simulated,
    }));
  return [...incidents, ...alarms, ...drills].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)).slice(0, NOTABLE_MAX);
}

export interface WeeklyReportInput {
  streetId: string;
  /** IANA zone (TZ_STREET). */
  timeZone: string;
  week: IsoWeek;
  current: WeekRecords;
  previous: WeekRecords;
  grids: readonly RankedGrid[];
  /** ms */
  now: number;
}

/** One of the report's two weeks folded into its figures (the costly part: every record of the week is counted). */
export function reportWeekFigures(input: WeeklyReportInput, which: 'current' | 'previous'): WeekFigures {
  const week = which === 'current' ? input.week : previousIsoWeek(input.week);
  return weekFigures(week.key, weekBounds(week, input.timeZone), input.timeZone, which === 'current' ? input.current : input.previous);
}

/** The report from its two weeks' figures (reportWeekFigures): changes, ranking, notable events. */
export function assembleWeeklyReport(input: WeeklyReportInput, current: WeekFigures, previous: WeekFigures): WeeklyReport {
  const tz = input.timeZone;
  const bounds = weekBounds(input.week, tz);
  return {
    streetId: input.streetId,
    week: input.week.key,
    timeZone: tz,
    generatedAt: isoWithOffset(input.now, tz),
    simulated: current.simulated || previous.simulated,
    hasData: weekHasData(current),
    current,
    previous,
    changes: weekChanges(current, previous),
    ranking: rankGrids(input.grids, gridWeeks(input.current.incidents, bounds.start, bounds.end)),
    notable: notableEvents(input.current, bounds.start, bounds.end),
  };
}

export function buildWeeklyReport(input: WeeklyReportInput): WeeklyReport {
  return assembleWeeklyReport(input, reportWeekFigures(input, 'current'), reportWeekFigures(input, 'previous'));
}
