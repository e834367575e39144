// Folding one incident change into the counters: take out what `before` contributed,
// put in what `after` contributes. Constant work per change.
import type { Incident } from '../incident.ts';
import { isOpenStatus } from '../lifecycle.ts';
import { SLA_PROFILES, targetsFor } from '../taxonomy.ts';
import { dayKey, hourStart } from './calendar.ts';
import { bucket, bump, bumpSample, type DayDetail, type FiguresState, type IncidentDay } from './state.ts';

/** The fields of an incident the figures read (a full Incident is one). */
export type IncidentFacts = Pick<Incident,
  'id' | 'status' | 'colour' | 'category' | 'source' | 'urgency' | 'slaProfile' | 'communityId' | 'gridId' | 'outsideArea'
  | 'simulated' | 'reportedAt' | 'acceptedAt' | 'closedAt' | 'dueAt' | 'updatedAt' | 'acceptBy'>;

function newDetail(): DayDetail {
  return { byStatus: new Map(), byColour: new Map(), byCategory: new Map(), bySource: new Map(), byCommunity: new Map(), byGrid: new Map(), outsideArea: 0 };
}

export function newIncidentDay(withDetail: boolean): IncidentDay {
  return {
    reported: 0, closed: 0, closedOnTime: 0, resolveSamples: new Map(),
    accepted: 0, acceptedOnTime: 0, responseSamples: new Map(), sim: 0, acceptSim: 0,
    detail: withDetail ? newDetail() : null,
  };
}

/**
 * Milliseconds from the report allowed to accept: the incident's stored `acceptBy` (stamped from
 * the targets as they stood at its report, docs/desk.md), else, for an incident without one, its
 * profile's accept minutes in the taxonomy (else its category and urgency's).
 */
export function acceptTargetMs(incident: Pick<IncidentFacts, 'slaProfile' | 'category' | 'urgency' | 'reportedAt' | 'acceptBy'>): number {
  if (incident.acceptBy) return Date.parse(incident.acceptBy) - Date.parse(incident.reportedAt);
  const profile = SLA_PROFILES.find((p) => p.code === incident.slaProfile);
  const targets = profile ? profile.targets : targetsFor(incident.category, incident.urgency);
  return targets.acceptMin * 60_000;
}

function dayOf(state: FiguresState, key: string): IncidentDay {
  return bucket(state.incidentDays, key, () => newIncidentDay(key >= state.clock.today));
}

/** Adds (sign 1) or removes (sign −1) everything one incident version counts for. */
function contribute(state: FiguresState, incident: IncidentFacts, sign: 1 | -1): void {
  const { tz, clock } = state;
  const sim = incident.simulated ? sign : 0;
  const reportedAt = Date.parse(incident.reportedAt);

  const reportedDay = dayKey(reportedAt, tz);
  if (reportedDay >= clock.firstDay) {
    const day = dayOf(state, reportedDay);
    day.reported += sign;
    day.sim += sim;
    const d = day.detail;
    if (d) {
      bump(d.byStatus, incident.status, sign);
      bump(d.byColour, incident.colour, sign);
      bump(d.byCategory, incident.category, sign);
      bump(d.bySource, incident.source, sign);
      if (incident.communityId !== null) bump(d.byCommunity, incident.communityId, sign);
      if (incident.gridId !== null) bump(d.byGrid, incident.gridId, sign);
      if (incident.outsideArea) d.outsideArea += sign;
    }
  }
  const reportedHour = hourStart(reportedAt, tz);
  if (reportedHour >= clock.firstHour) bucket(state.hours, reportedHour, () => ({ reported: 0, closed: 0 })).reported += sign;

  if (incident.status === 'closed' && incident.closedAt !== null) {
    const closedAt = Date.parse(incident.closedAt);
    const closedDay = dayKey(closedAt, tz);
    if (closedDay >= clock.firstDay) {
      const day = dayOf(state, closedDay);
      day.closed += sign;
      if (closedAt <= Date.parse(incident.dueAt)) day.closedOnTime += sign;
      bumpSample(day.resolveSamples, closedAt - reportedAt, sign);
      state.samplesVersion += 1;
      day.sim += sim;
    }
    const closedHour = hourStart(closedAt, tz);
    if (closedHour >= clock.firstHour) bucket(state.hours, closedHour, () => ({ reported: 0, closed: 0 })).closed += sign;
  }

  if (incident.acceptedAt !== null) {
    const acceptedAt = Date.parse(incident.acceptedAt);
    const acceptedDay = dayKey(acceptedAt, tz);
    if (acceptedDay >= clock.firstSlaDay) {
      const day = dayOf(state, acceptedDay);
      const took = acceptedAt - reportedAt;
      day.accepted += sign;
      if (took <= acceptTargetMs(incident)) day.acceptedOnTime += sign;
      bumpSample(day.responseSamples, took, sign);
      state.samplesVersion += 1;
      day.acceptSim += sim;
    }
  }
}

function openAdd(state: FiguresState, incident: IncidentFacts): void {
  const dueAt = Date.parse(incident.dueAt);
  const minute = Math.floor(dueAt / 60_000);
  const overdue = minute < state.clock.minute;
  state.open.set(incident.id, { dueAt, simulated: incident.simulated, overdue });
  if (incident.simulated) state.openSim += 1;
  if (overdue) state.overdueCount += 1;
  else bucket(state.dueByMinute, minute, () => new Set<string>()).add(incident.id);
}

function openRemove(state: FiguresState, id: string): void {
  const entry = state.open.get(id);
  if (!entry) return;
  state.open.delete(id);
  if (entry.simulated) state.openSim -= 1;
  if (entry.overdue) {
    state.overdueCount -= 1;
    return;
  }
  const minute = Math.floor(entry.dueAt / 60_000);
  const set = state.dueByMinute.get(minute);
  if (set) {
    set.delete(id);
    if (set.size === 0) state.dueByMinute.delete(minute);
  }
}

/** Folds a new incident (before = null) or a change of one (the stored version before it). */
export function foldIncident(state: FiguresState, before: IncidentFacts | null, after: IncidentFacts): void {
  if (before) {
    contribute(state, before, -1);
    openRemove(state, before.id);
  }
  contribute(state, after, 1);
  if (isOpenStatus(after.status)) openAdd(state, after);
}

/** Takes an incident out of the figures entirely (e.g. deleted). */
export function unfoldIncident(state: FiguresState, incident: IncidentFacts): void {
  contribute(state, incident, -1);
  openRemove(state, incident.id);
}
