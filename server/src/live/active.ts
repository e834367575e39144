// The alerts still worth showing to a wall that connects later: a critical incident while it
// is open, an alarm until it is resolved, an overdue incident while it is open and overdue.
// Bounded in count and age; rebuilt from the store at start (critical incidents and alarms).
import { isOpenStatus, STATUSES, type Alarm, type Alert, type Incident } from '@grid141/shared';
import type { Store } from '../store/types.ts';
import { alarmAlert, criticalIncidentAlert, withOverdue } from './alerts.ts';

/** At most this many alerts are kept and replayed (a wall shows 3 and folds the rest into a count). */
export const ACTIVE_ALERT_CAP = 50;
/** An alert older than this (by its `at`) is no longer replayed, even if its incident is still open. */
export const ACTIVE_ALERT_MAX_AGE_MS = 6 * 3_600_000;

export interface ActiveAlertsOptions {
  cap?: number;
  maxAgeMs?: number;
  now?: () => number;
}

export class ActiveAlerts {
  // Insertion order; list() sorts by `at`.
  private readonly byId = new Map<string, Alert>();
  private readonly cap: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(options: ActiveAlertsOptions = {}) {
    this.cap = options.cap ?? ACTIVE_ALERT_CAP;
    this.maxAgeMs = options.maxAgeMs ?? ACTIVE_ALERT_MAX_AGE_MS;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.byId.size;
  }

  add(alert: Alert): void {
    this.byId.delete(alert.id);
    this.byId.set(alert.id, alert);
    while (this.byId.size > this.cap) this.byId.delete(this.victim());
  }

  remove(id: string): void {
    this.byId.delete(id);
  }

  /** What the records of one change end: an incident closed (or no longer overdue), an alarm resolved. */
  settleIncident(incident: Incident, now: number): void {
    if (!isOpenStatus(incident.status)) this.remove(`critical-incident:${incident.id}`);
    if (!withOverdue(incident, now).overdue) this.remove(`overdue:${incident.id}`);
  }

  settleAlarm(alarm: Alarm): void {
    if (alarm.resolvedAt !== undefined) this.remove(`alarm:${alarm.id}`);
  }

  /** After a purge of simulated records their alerts are gone too. */
  dropSimulated(): void {
    for (const [id, alert] of this.byId) if (alert.simulated) this.byId.delete(id);
  }

  /** The active alerts within the age bound, oldest first (a wall puts the newest on top). */
  list(): Alert[] {
    const oldest = this.now() - this.maxAgeMs;
    for (const [id, alert] of this.byId) if (Date.parse(alert.at) < oldest) this.byId.delete(id);
    return [...this.byId.values()].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  }

  /** Over the cap, overdue alerts (many, rate-capped, least urgent) go first, oldest first. */
  private victim(): string {
    let oldest: Alert | null = null;
    let oldestOverdue: Alert | null = null;
    for (const alert of this.byId.values()) {
      if (!oldest || alert.at < oldest.at) oldest = alert;
      if (alert.kind === 'overdue' && (!oldestOverdue || alert.at < oldestOverdue.at)) oldestOverdue = alert;
    }
    return (oldestOverdue ?? oldest)!.id;
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

  return found.sort((a, b) => Date.parse(a.at) - Date.parse(b.at)).slice(-cap);
}
