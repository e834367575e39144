// The alert policy: which committed changes become a wall alert (a critical incident, an
// alarm, an incident gone overdue), how many may go out (the gate), which still stand (replayed
// to a wall as it connects). A subscriber of the record bus and of the figures' overdue timer
// like any other; it publishes through the live channel.
import { isOpenStatus, type Alarm, type Alert, type FeedKind, type FeedRecord, type Incident } from '@grid141/shared';
import type { IncidentChange, RecordBus } from '../engine/bus.ts';
import { ActiveAlerts, type EndedAlert } from './active.ts';
import { alarmAlert, criticalIncidentAlert, overdueAlert } from './alerts.ts';
import type { LiveChannel } from './channel.ts';
import { AlertGate } from './gate.ts';
import type { IncidentLookup, SummarySource } from './source.ts';

export interface AlertPolicyOptions {
  overdueAlertsPerSecond?: number;
  activeAlertCap?: number;
  activeAlertMaxAgeMs?: number;
}

export interface AlertPolicyDeps {
  channel: LiveChannel;
  bus: RecordBus;
  /** Its overdue timer says which incidents just went overdue. */
  source: Pick<SummarySource, 'onOverdue'>;
  /** The store's incidents by id, to describe an overdue incident not seen change lately. */
  lookup?: IncidentLookup;
  /** Start of the server: incidents already overdue before it are not alerted. */
  startedAt: number;
  /** Alerts still active at start (rebuilt from the store), replayed to walls that connect. */
  activeAlerts?: Alert[];
  logger?: { warn(obj: object, msg: string): void };
  now?: () => number;
  options?: AlertPolicyOptions;
}

export interface AlertPolicy {
  stats(): { alerts: number; overdueDropped: number; activeAlerts: number };
  close(): void;
}

const RECENT_INCIDENTS = 5_000;

export function createAlertPolicy(deps: AlertPolicyDeps): AlertPolicy {
  const { channel, bus, options = {} } = deps;
  const now = deps.now ?? Date.now;
  let sent = 0;
  const gate = new AlertGate({ overduePerSecond: options.overdueAlertsPerSecond, now });
  // Only what this instance saw (its bus, its rebuild): with Redis each instance keeps its own.
  const active = new ActiveAlerts({ cap: options.activeAlertCap, maxAgeMs: options.activeAlertMaxAgeMs, now });
  for (const seeded of deps.activeAlerts ?? []) active.add(seeded);
  // Open incidents seen lately, so an overdue alert can say where without asking the store.
  const recent = new Map<string, Incident>();

  function alert(candidate: Alert | null): void {
    if (!candidate || !gate.admit(candidate)) return;
    sent += 1;
    active.add(candidate);
    channel.publish('alert', candidate);
  }

  /** Tells every wall which alerts stopped standing, so a folded line's count follows the street. */
  function ended(items: EndedAlert[]): void {
    if (items.length > 0) channel.publish('alertsEnded', { items });
  }

  function remember(incident: Incident): void {
    recent.delete(incident.id);
    if (!isOpenStatus(incident.status)) return;
    recent.set(incident.id, incident);
    if (recent.size > RECENT_INCIDENTS) recent.delete(recent.keys().next().value as string);
  }

  const onIncidents = (changes: IncidentChange[]) => {
    const at = now();
    const gone: EndedAlert[] = [];
    for (const change of changes) {
      remember(change.after);
      if (change.before) gone.push(...active.settleIncident(change.after, at));
      alert(criticalIncidentAlert(change, at));
    }
    ended(gone);
  };
  const onFeed = (_kind: FeedKind, records: FeedRecord[]) => {
    const at = now();
    for (const record of records) alert(alarmAlert(record as Parameters<typeof alarmAlert>[0], at));
  };
  const onFeedUpdated = (kind: FeedKind, _before: FeedRecord, after: FeedRecord) => {
    if (kind === 'alarms') ended(active.settleAlarm(after as Alarm));
  };
  const onPurged = () => ended(active.dropSimulated());
  bus.on('incidents', onIncidents);
  bus.on('feed', onFeed);
  bus.on('feedUpdated', onFeedUpdated);
  bus.on('purged', onPurged);

  async function describe(ids: string[]): Promise<Incident[]> {
    const known: Incident[] = [];
    const missing: string[] = [];
    for (const id of ids) {
      const incident = recent.get(id);
      if (incident) known.push(incident);
      else missing.push(id);
    }
    if (missing.length > 0 && deps.lookup) known.push(...(await deps.lookup(missing)));
    return known;
  }

  const offOverdue = deps.source.onOverdue((ids) => {
    void describe(ids).then(
      (list) => {
        const at = now();
        for (const incident of list) alert(overdueAlert(incident, deps.startedAt, at));
      },
      (error: unknown) => deps.logger?.warn({ err: error }, 'could not look up overdue incidents'),
    );
  });

  // Alerts sent before this wall connected (or while it was away) that still stand: to it only.
  const offGreet = channel.onConnect((wall) => {
    for (const standing of active.list()) wall.emit('alert', { ...standing, replay: true });
  });

  return {
    stats: () => ({ alerts: sent, overdueDropped: gate.dropped, activeAlerts: active.size }),
    close() {
      offOverdue();
      offGreet();
      bus.off('incidents', onIncidents);
      bus.off('feed', onFeed);
      bus.off('feedUpdated', onFeedUpdated);
      bus.off('purged', onPurged);
    },
  };
}
