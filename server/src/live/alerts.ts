// What must flash on the wall: new critical incidents, alarming sensor alarms, incidents
// going overdue. Ids are stable per alerting thing (`${kind}:${id}`) so a screen acks once.
import { alertText, isOpenStatus, type Alarm, type AlarmType, type Alert, type FeedRecord, type Incident } from '@grid141/shared';
import type { IncidentChange } from '../engine/bus.ts';

/** Alarm types that mean someone may be in danger; low battery, offline and tests are upkeep. */
export const ALARMING_TYPES: ReadonlySet<AlarmType> = new Set<AlarmType>(['smoke', 'gas_leak', 'sos', 'fall', 'abnormal_hr']);
/** Records older than this (history imports, replays) do not flash. */
export const ALERT_MAX_AGE_MS = 30 * 60_000;

/** Open and past its due time, as of `now` (the `overdue` field is derived when served). */
export function withOverdue(incident: Incident, now: number): Incident {
  const overdue = isOpenStatus(incident.status) && Date.parse(incident.dueAt) < now;
  return incident.overdue === overdue ? incident : { ...incident, overdue };
}

function incidentAlert(kind: 'critical-incident' | 'overdue', incident: Incident, now: number): Alert {
  return {
    id: `${kind}:${incident.id}`,
    kind,
    at: new Date(now).toISOString(),
    incidentId: incident.id,
    code: incident.category,
    communityId: incident.communityId,
    gridId: incident.gridId,
    location: incident.location,
    simulated: incident.simulated,
    // Operators need the words, not only the category (issue 8 §6).
    ...optional('text', alertText(incident.title, incident.description)),
    ...optional('address', incident.address),
  };
}

/** `{key: value}` when there is a value, else nothing: absent keys stay absent on the wire. */
function optional<K extends string>(key: K, value: string | null | undefined): { [P in K]?: string } {
  return (value ? { [key]: value } : {}) as { [P in K]?: string };
}

/** A new incident of critical urgency, or one raised to critical, while open and recent. */
export function criticalIncidentAlert({ before, after }: IncidentChange, now: number): Alert | null {
  if (after.urgency !== 'critical' || before?.urgency === 'critical') return null;
  if (!isOpenStatus(after.status) || now - Date.parse(after.reportedAt) > ALERT_MAX_AGE_MS) return null;
  return incidentAlert('critical-incident', after, now);
}

export function alarmAlert(record: FeedRecord, now: number): Alert | null {
  if (record.feed !== 'alarms') return null;
  const alarm = record as Alarm;
  if (!ALARMING_TYPES.has(alarm.type) || alarm.resolvedAt !== undefined) return null;
  if (now - Date.parse(alarm.occurredAt) > ALERT_MAX_AGE_MS) return null;
  return {
    id: `alarm:${alarm.id}`,
    kind: 'alarm',
    at: new Date(now).toISOString(),
    alarmId: alarm.id,
    code: alarm.type,
    communityId: alarm.communityId,
    gridId: alarm.gridId,
    location: alarm.location,
    simulated: alarm.simulated,
    device: alarm.device,
    ...optional('deviceId', alarm.deviceId),
    ...optional('address', alarm.address),
  };
}

/**
 * An incident the figures engine just found overdue (it is the judge of when). One whose due
 * time passed before `since` (the server's start: the rebuild finds it already overdue), or
 * that is no longer open, does not flash.
 */
export function overdueAlert(incident: Incident, since: number, now: number): Alert | null {
  if (!isOpenStatus(incident.status) || Date.parse(incident.dueAt) < since) return null;
  return incidentAlert('overdue', incident, now);
}
