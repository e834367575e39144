// The live feed's typed event maps (namespace /live), used by the server's
// Server<ClientToServerEvents, ServerToClientEvents> and the wall's socket alike.
import type { Delta } from './delta.ts';
import type { Incident } from './incident.ts';
import type { Summary } from './summary.ts';
import type { LngLat } from './common.ts';

export const LIVE_NAMESPACE = '/live';
/** Deltas are coalesced to at most one per this many milliseconds. */
export const DELTA_INTERVAL_MS = 500;

export interface SnapshotPayload {
  seq: number;
  at: string;
  summary: Summary;
}

export interface IncidentsPayload {
  items: Incident[];
}

export type AlertKind = 'critical-incident' | 'alarm' | 'overdue';

export interface Alert {
  /** Stable per alerting thing, so a screen can acknowledge it once. */
  id: string;
  kind: AlertKind;
  at: string;
  incidentId?: string;
  alarmId?: string;
  /** What to show: category or alarm type code (names come from the taxonomy). */
  code: string;
  communityId: string | null;
  gridId: string | null;
  location: LngLat | null;
  simulated: boolean;
  /** For `overdue`: which time target was missed (accept, arrive, handle, close). */
  stage?: 'accept' | 'arrive' | 'handle' | 'close';
  /**
   * What happened, as plain text (never HTML): an incident's title, else the start of its
   * description, at most ALERT_TEXT_MAX code points (`alertText`). Absent for alarms.
   */
  text?: string;
  /** Where, as reported: the incident's or the alarm's address. */
  address?: string;
  /** Alarms: the device kind (ALARM_DEVICES code) and the device's own id as it reported it. */
  device?: string;
  deviceId?: string;
  /** Set when re-sent to one wall on connect: sent earlier and still standing (not a new event). */
  replay?: boolean;
  /**
   * On replay only: how many standing alerts of this alert's fold group (`alertGroupKey`) this one
   * stands for, itself included (the server replays the newest of a group with its true count).
   * Absent means 1.
   */
  count?: number;
}

export interface AlertsEndedPayload {
  items: { id: string; group: string }[];
}

export interface ServerInfoPayload {
  version: string;
  /**
   * The wall build the server serves (a hash of client/dist/index.html, which names every hashed
   * asset); null without a build. A wall reloads when version or build differ from what it loaded.
   */
  build: string | null;
  startedAt: string;
  streetId: string;
  /**
   * The version of the street's map the server serves (a hash of its files, `/api/v1/street`'s
   * `mapVersion`). A wall that loaded another map reloads itself.
   */
  map: string;
}

/** Sent to every wall when the street's map was replaced (a grid import): the wall reloads. */
export interface MapPayload {
  /** The new map's version (ServerInfoPayload.map). */
  version: string;
  at: string;
}

export type DutyShift = 'day' | 'night';

/** Who is on duty now (the street's duty roster, or DUTY_OFFICER / DUTY_LEADER). */
export interface DutyPayload {
  /** 值班员 for display, several joined with '、'; null when nobody is rostered now. */
  officer: string | null;
  officers: string[];
  /** 带班领导; null when nobody is rostered now. */
  leader: string | null;
  /** null without a roster. */
  shift: DutyShift | null;
  /** When this shift ends (ISO 8601 with the street's offset); null without a roster. */
  until: string | null;
  /** The names come from a made-up (demo) roster. */
  synthetic: boolean;
}

/** Emergency mode (战时模式): the incident every wall centres on, or null when none is on. */
export interface EmergencyPayload {
  active: {
    id: string;
    startedAt: string;
    startedBy: string;
    incident: Incident;
    /** Lifecycle moves and desk entries, oldest first. */
    timeline: { at: string; what: string; by: string | null; note: string | null }[];
    /** Teams and people sent (dispatch assignees and the departments called), each once. */
    dispatched: string[];
  } | null;
}

export interface ServerToClientEvents {
  snapshot: (payload: SnapshotPayload) => void;
  delta: (payload: Delta) => void;
  incidents: (payload: IncidentsPayload) => void;
  alert: (payload: Alert) => void;
  /**
   * Alerts that stood and no longer do (incident closed or no longer overdue, alarm resolved,
   * simulated records purged), each with its fold group (`alertGroupKey`): a wall lowers that
   * line's count and drops the line at zero.
   */
  alertsEnded: (payload: AlertsEndedPayload) => void;
  /** Sent on connect; a wall that sees a new version reloads itself. */
  server: (payload: ServerInfoPayload) => void;
  /** Sent to every wall when the street's map was replaced; a wall on another map reloads. */
  map: (payload: MapPayload) => void;
  /** Sent on connect and to every wall when a shift ends. */
  duty: (payload: DutyPayload) => void;
  /** Sent on connect and whenever emergency mode starts, ends or its incident changes. */
  emergency: (payload: EmergencyPayload) => void;
}

export interface ClientToServerEvents {
  /** Asks for the changes after `since` (or a snapshot when they are gone). */
  resume: (payload: { since: number }) => void;
}

export interface InterServerEvents {
  ping: () => void;
}

export interface SocketData {
  role: 'viewer' | 'operator' | 'leader' | 'admin';
  /** The signed-in user of a session socket; null for the viewer token. */
  username?: string | null;
  since: number | null;
}

export interface LiveAuth {
  token?: string;
  since?: number;
}
