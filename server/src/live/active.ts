// The alerts still worth showing to a wall that connects later: a critical incident while it
// is open, an alarm until it is resolved, an overdue incident while it is open and overdue.
// Kept by fold group (`alertFoldKey`: a storm of smoke alarms from one building is one group),
// bounded per kind and in age, never evicting a higher severity to make room for a lower one;
// rebuilt from the store at start (critical incidents and alarms). Issue 8 §5; docs/api.md.
import { alertFoldKey, alertRank, isOpenStatus, STATUSES, type Alarm, type Alert, type AlertKind, type Incident } from '@grid141/shared';
import type { Store } from '../store/types.ts';
import { alarmAlert, criticalIncidentAlert, withOverdue } from './alerts.ts';

/**
 * Fold groups kept per kind. Critical incidents never fold, so 50 of them is 50 incidents (a wall
 * shows 3 and folds the rest into a count); an alarm group is one type at one place, an overdue
 * group one category in one community.
 */
export const ACTIVE_GROUP_CAPS: Readonly<Record<AlertKind, number>> = { 'critical-incident': 50, alarm: 50, overdue: 30 };
/**
 * Alerts kept one by one in a group (each can be settled on its own); past it the oldest are
 * only counted, so a storm of any size costs bounded memory and its count stays whole.
 */
export const ACTIVE_GROUP_MEMBERS = 500;
/** The most critical-incident alerts rebuilt from the store at start. */
export const ACTIVE_ALERT_CAP = ACTIVE_GROUP_CAPS['critical-incident'];
/** An alert older than this (by its `at`) is no longer replayed, even if its incident is still open. */
export const ACTIVE_ALERT_MAX_AGE_MS = 6 * 3_600_000;

/** An alert that stood and no longer does, with its fold group (`alertGroupKey`). */
export interface EndedAlert {
  id: string;
  group: string;
}

export interface ActiveAlertsOptions {
  /** One group cap for every kind (tests, the hub's `activeAlertCap`); `caps` wins per kind. */
  cap?: number;
  caps?: Partial<Record<AlertKind, number>>;
  members?: number;
  maxAgeMs?: number;
  now?: () => number;
}

interface Group {
  key: string;
  kind: AlertKind;
  rank: number;
  /** Alerts tracked one by one, insertion order (oldest first). */
  members: Map<string, Alert>;
  /** Alerts past the member bound: still standing as far as we know, counted only. */
  overflow: number;
  /** Newest `at` of the group (ms). */
  lastAt: number;
  /** Where the alert that opened the group was (`alertFoldKey` joins near ones to it). */
  anchor: { lng: number; lat: number } | null;
}

export class ActiveAlerts {
  private readonly groups = new Map<string, Group>();
  /** Alert id → its group key. */
  private readonly groupOf = new Map<string, string>();
  private readonly caps: Record<AlertKind, number>;
  private readonly memberCap: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(options: ActiveAlertsOptions = {}) {
    const every = options.cap;
    const base = every === undefined ? ACTIVE_GROUP_CAPS : { 'critical-incident': every, alarm: every, overdue: every };
    this.caps = { ...base, ...options.caps };
    this.memberCap = Math.max(1, options.members ?? ACTIVE_GROUP_MEMBERS);
    this.maxAgeMs = options.maxAgeMs ?? ACTIVE_ALERT_MAX_AGE_MS;
    this.now = options.now ?? Date.now;
  }

  /** Standing alerts, counted whole (folded and overflowed ones included). */
  get size(): number {
    let total = 0;
    for (const group of this.groups.values()) total += group.members.size + group.overflow;
    return total;
  }

  add(alert: Alert): void {
    this.remove(alert.id);
    const key = alertFoldKey(alert, (k) => this.groups.get(k)?.anchor);
    const at = Date.parse(alert.at);
    let group = this.groups.get(key);
    if (!group) {
      group = { key, kind: alert.kind, rank: alertRank(alert), members: new Map(), overflow: 0, lastAt: at, anchor: alert.location ?? null };
      this.groups.set(key, group);
    }
    group.members.set(alert.id, alert);
    group.lastAt = Math.max(group.lastAt, at);
    this.groupOf.set(alert.id, key);
    if (group.members.size > this.memberCap) {
      const oldest = group.members.keys().next().value as string;
      group.members.delete(oldest);
      this.groupOf.delete(oldest);
      group.overflow += 1;
    }
    this.bound(group);
  }

  /** Lets one alert go; its fold group when it was standing here, else null. */
  remove(id: string): string | null {
    const key = this.groupOf.get(id);
    if (key === undefined) return null;
    this.groupOf.delete(id);
    const group = this.groups.get(key);
    if (!group) return null;
    group.members.delete(id);
    // Only counted ones left: nothing of the group can be settled or described any more.
    if (group.members.size === 0) this.groups.delete(key);
    return key;
  }

  /**
   * What the records of one change end: an incident closed (or no longer overdue), an alarm
   * resolved. Returns the alerts that stood here and no longer do, with their fold group.
   */
  settleIncident(incident: Incident, now: number): EndedAlert[] {
    const ended: EndedAlert[] = [];
    if (!isOpenStatus(incident.status)) this.end(`critical-incident:${incident.id}`, ended);
    if (!withOverdue(incident, now).overdue) this.end(`overdue:${incident.id}`, ended);
    return ended;
  }

  settleAlarm(alarm: Alarm): EndedAlert[] {
    const ended: EndedAlert[] = [];
    if (alarm.resolvedAt !== undefined) this.end(`alarm:${alarm.id}`, ended);
    return ended;
  }

  /** After a purge of simulated records their alerts are gone too. */
  dropSimulated(): EndedAlert[] {
    const ended: EndedAlert[] = [];
    for (const group of [...this.groups.values()]) for (const alert of [...group.members.values()]) if (alert.simulated) this.end(alert.id, ended);
    return ended;
  }

  private end(id: string, into: EndedAlert[]): void {
    const group = this.remove(id);
    if (group !== null) into.push({ id, group });
  }

  /**
   * What a wall that connects is replayed: per group its newest alert within the age bound, with
   * `count` the group's standing alerts within it when more than one; oldest first (a wall puts
   * the most severe, then the newest, on top).
   */
  list(): Alert[] {
    const oldest = this.now() - this.maxAgeMs;
    const out: Alert[] = [];
    for (const group of [...this.groups.values()]) {
      for (const alert of [...group.members.values()]) if (Date.parse(alert.at) < oldest) this.remove(alert.id);
      if (group.members.size === 0) continue;
      let lead: Alert | null = null;
      for (const alert of group.members.values()) if (!lead || alert.at >= lead.at) lead = alert;
      const count = group.members.size + group.overflow;
      out.push(count > 1 ? { ...lead!, count } : lead!);
    }
    return out.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  }

  /**
   * Over its kind's cap, the group to let go is the least severe, then the one quiet longest; never
   * one more severe than the group that just grew (then that one goes, as it is the least urgent).
   */
  private bound(grown: Group): void {
    const cap = this.caps[grown.kind];
    let count = 0;
    for (const group of this.groups.values()) if (group.kind === grown.kind) count += 1;
    while (count > cap) {
      let victim: Group | null = null;
      for (const group of this.groups.values()) {
        if (group.kind !== grown.kind || group === grown) continue;
        if (!victim || group.rank < victim.rank || (group.rank === victim.rank && group.lastAt < victim.lastAt)) victim = group;
      }
      if (!victim || victim.rank > grown.rank) victim = grown;
      for (const id of victim.members.keys()) this.groupOf.delete(id);
      this.groups.delete(victim.key);
      count -= 1;
      if (victim === grown) return;
    }
  }
}

/** Incident pages read at start at most (newest first): bounds the start on a very busy store. */
const REBUILD_PAGES = 20;
const REBUILD_PAGE_SIZE = 500;

/**
 * The critical-incident and alarm alerts a server would still hold had it not restarted: open
 * critical incidents and unresolved alarming alarms of the last maxAgeMs that alerted when they
 * arrived (the live rule, judged at their receivedAt, which is also their `at`). Overdue alerts
 * are not rebuilt: like the live hub, a restart does not announce what went overdue before it.
 */
export async function rebuildActiveAlerts(
  store: Pick<Store, 'listIncidents' | 'scanFeed'>,
  now: number,
  options: { cap?: number; maxAgeMs?: number } = {},
): Promise<Alert[]> {
  const cap = options.cap ?? ACTIVE_ALERT_CAP;
  const since = new Date(now - (options.maxAgeMs ?? ACTIVE_ALERT_MAX_AGE_MS));
  const open = STATUSES.filter((s) => !s.terminal).map((s) => s.code);
  const found: Alert[] = [];

  let cursor: string | null = null;
  let criticals = 0;
  for (let page = 0; page < REBUILD_PAGES && criticals < cap; page += 1) {
    const { items, nextCursor } = await store.listIncidents({ status: open, from: since }, REBUILD_PAGE_SIZE, cursor);
    for (const incident of items) {
      const alert = criticalIncidentAlert({ before: null, after: incident }, Date.parse(incident.receivedAt));
      if (alert && criticals < cap) {
        found.push(alert);
        criticals += 1;
      }
    }
    if (!nextCursor) break;
    cursor = nextCursor;
  }

  await store.scanFeed('alarms', since, (batch) => {
    for (const record of batch) {
      const alert = alarmAlert(record, Date.parse(record.receivedAt));
      if (alert) found.push(alert);
    }
  });

  // Oldest first, so that adding them in order leaves the newest of each group as its lead.
  return found.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
