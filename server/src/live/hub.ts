// The live hub: namespace /live pushes snapshot, deltas, incidents and alerts to the walls
// (contract.md, Live feed). It depends only on a SummarySource, the record bus and a token check.
import type { IncomingMessage } from 'node:http';
import type { Namespace, Socket } from 'socket.io';
import { isOpenStatus } from '@grid141/shared';
import type {
  Alarm, Alert, ClientToServerEvents, Delta, FeedKind, FeedRecord, Incident, InterServerEvents, LiveAuth, ServerInfoPayload,
  ServerToClientEvents, SnapshotPayload, SocketData,
} from '@grid141/shared';
import type { RecordBus } from '../engine/bus.ts';
import { DeltaCoalescer } from './coalescer.ts';
import { DeltaRing, DEFAULT_DELTA_CAPACITY } from './deltas.ts';
import { Batcher } from './batcher.ts';
import { AlertGate } from './gate.ts';
import { alarmAlert, criticalIncidentAlert, overdueAlert, withOverdue } from './alerts.ts';
import { ActiveAlerts } from './active.ts';
import { cut, DEFAULT_STALL_LIMITS, isStalled, type StallLimits } from './stalled.ts';
import type { IncidentLookup, SummarySource } from './source.ts';

export type LiveNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface LiveHubOptions {
  deltaIntervalMs?: number;
  heartbeatMs?: number;
  deltaCapacity?: number;
  incidentWindowMs?: number;
  incidentMaxItems?: number;
  overdueAlertsPerSecond?: number;
  activeAlertCap?: number;
  activeAlertMaxAgeMs?: number;
  stallCheckMs?: number;
  stall?: StallLimits;
}

interface HubLogger {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface LiveHubDeps {
  nsp: LiveNamespace;
  source: SummarySource;
  bus: RecordBus;
  /** The principal's role for a handshake's `auth.token` (or its session cookie); null refuses. */
  authenticate(token: unknown, request: IncomingMessage): Promise<{ role: SocketData['role'] } | null> | { role: SocketData['role'] } | null;
  info: ServerInfoPayload;
  /** The store's incidents by id, to describe an overdue incident the hub has not seen change. */
  lookup?: IncidentLookup;
  logger?: HubLogger;
  /** Start of the server: incidents already overdue before it are not alerted. */
  startedAt?: number;
  /** Alerts still active when the hub starts (rebuilt from the store), replayed to walls that connect. */
  activeAlerts?: Alert[];
  now?: () => number;
  options?: LiveHubOptions;
}

export interface LiveHub {
  /** The seq of the last delta sent. */
  seq(): number;
  snapshot(): SnapshotPayload;
  stats(): { clients: number; deltas: number; incidentMessages: number; alerts: number; cut: number; overdueDropped: number; activeAlerts: number };
  close(): void;
}

const RECENT_INCIDENTS = 5_000;
/**
 * The longest incident window: at 20 incidents/s a 50 ms window sent nearly every incident alone
 * to every wall (the fan-out bench spent the server's thread on 40,000 socket writes a second at
 * 2,000 walls); 100 ms keeps 2,000 walls under a second.
 */
export const INCIDENT_WINDOW_MS = 100;
/** The shortest: a burst still becomes one message per wall. */
export const INCIDENT_WINDOW_MIN_MS = 20;

/**
 * The window grows with the walls connected here: a socket write per wall per batch is the cost,
 * so few walls can have batches often (500 walls: 25 ms, for the 200 ms end-to-end target) and
 * 2,000 walls get the full 100 ms. The first incident after a quiet window goes at once (Batcher).
 */
export function incidentWindowMs(walls: number): number {
  return Math.min(INCIDENT_WINDOW_MS, Math.max(INCIDENT_WINDOW_MIN_MS, walls / 20));
}

export function createLiveHub(deps: LiveHubDeps): LiveHub {
  const { nsp, source, bus, options = {} } = deps;
  const now = deps.now ?? Date.now;
  const startedAt = deps.startedAt ?? now();
  const counters = { deltas: 0, incidentMessages: 0, alerts: 0, cut: 0 };
  const ring = new DeltaRing(options.deltaCapacity ?? DEFAULT_DELTA_CAPACITY);
  const gate = new AlertGate({ overduePerSecond: options.overdueAlertsPerSecond, now });
  // Only what this instance saw (its bus, its rebuild): with Redis each instance keeps its own.
  const active = new ActiveAlerts({ cap: options.activeAlertCap, maxAgeMs: options.activeAlertMaxAgeMs, now });
  for (const seeded of deps.activeAlerts ?? []) active.add(seeded);
  // Open incidents seen lately, so an overdue alert can say where without asking the store.
  const recent = new Map<string, Incident>();

  // Deltas stay on this instance (each instance keeps its own figures and seq); incidents and
  // alerts go through the adapter to every instance's walls. Each is encoded once for all.
  const coalescer = new DeltaCoalescer({
    read: () => source.summary(),
    send: (delta) => {
      if (delta.changes.length > 0) counters.deltas += 1;
      nsp.local.emit('delta', delta);
    },
    ring,
    intervalMs: options.deltaIntervalMs,
    heartbeatMs: options.heartbeatMs,
    now,
  });

  const incidents = new Batcher<Incident>({
    windowMs: options.incidentWindowMs ?? (() => incidentWindowMs(nsp.sockets.size)),
    maxItems: options.incidentMaxItems ?? 200,
    key: (incident) => incident.id,
    now,
    flush: (items) => {
      counters.incidentMessages += 1;
      const at = now();
      nsp.emit('incidents', { items: items.map((incident) => withOverdue(incident, at)) });
    },
  });

  function alert(candidate: Alert | null): void {
    if (!candidate || !gate.admit(candidate)) return;
    counters.alerts += 1;
    active.add(candidate);
    nsp.emit('alert', candidate);
  }

  function remember(incident: Incident): void {
    recent.delete(incident.id);
    if (!isOpenStatus(incident.status)) return;
    recent.set(incident.id, incident);
    if (recent.size > RECENT_INCIDENTS) recent.delete(recent.keys().next().value as string);
  }

  const onIncidents = (changes: { before: Incident | null; after: Incident }[]) => {
    incidents.add(changes.map((change) => change.after));
    const at = now();
    for (const change of changes) {
      remember(change.after);
      if (change.before) active.settleIncident(change.after, at);
      alert(criticalIncidentAlert(change, at));
    }
  };
  const onFeed = (_kind: string, records: Parameters<typeof alarmAlert>[0][]) => {
    const at = now();
    for (const record of records) alert(alarmAlert(record, at));
  };
  const onFeedUpdated = (kind: FeedKind, _before: FeedRecord, after: FeedRecord) => {
    if (kind === 'alarms') active.settleAlarm(after as Alarm);
  };
  const onPurged = () => active.dropSimulated();
  bus.on('incidents', onIncidents);
  bus.on('feed', onFeed);
  bus.on('feedUpdated', onFeedUpdated);
  bus.on('purged', onPurged);

  const offChange = source.onChange(() => coalescer.changed());
  const offOverdue = source.onOverdue((ids) => {
    void describe(ids).then(
      (list) => {
        const at = now();
        for (const incident of list) alert(overdueAlert(incident, startedAt, at));
      },
      (error: unknown) => deps.logger?.warn({ err: error }, 'could not look up overdue incidents'),
    );
  });

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

  // A wall is either handed the deltas it missed (all still buffered) or a fresh snapshot.
  function catchUp(socket: LiveSocket, since: unknown): void {
    const missed = typeof since === 'number' ? ring.after(since, coalescer.seq()) : null;
    if (!missed) {
      socket.emit('snapshot', coalescer.snapshot());
      return;
    }
    if (missed.length === 0) {
      // Up to date: a heartbeat says so at once, instead of leaving the wall to wait.
      const heartbeat: Delta = { seq: coalescer.seq(), at: new Date(now()).toISOString(), changes: [] };
      socket.emit('delta', heartbeat);
      return;
    }
    for (const delta of missed) socket.emit('delta', delta);
  }

  nsp.use((socket, next) => {
    const auth = (socket.handshake.auth ?? {}) as LiveAuth;
    Promise.resolve(deps.authenticate(auth.token, socket.request)).then(
      (principal) => {
        if (!principal) return next(new Error('unauthorized'));
        socket.data.role = principal.role;
        socket.data.since = typeof auth.since === 'number' && Number.isFinite(auth.since) ? auth.since : null;
        next();
      },
      (error: unknown) => next(error instanceof Error ? error : new Error(String(error))),
    );
  });

  nsp.on('connection', (socket) => {
    socket.emit('server', deps.info);
    catchUp(socket, socket.data.since);
    // Alerts sent before this wall connected (or while it was away) that still stand: to it only.
    for (const standing of active.list()) socket.emit('alert', { ...standing, replay: true });
    socket.on('resume', (payload) => catchUp(socket, payload?.since));
  });

  const limits = options.stall ?? DEFAULT_STALL_LIMITS;
  const sweeper = setInterval(() => {
    for (const socket of nsp.sockets.values()) {
      if (!isStalled(socket, limits)) continue;
      counters.cut += 1;
      deps.logger?.warn({ socketId: socket.id }, 'live client stopped reading; disconnected (it resumes with since)');
      cut(socket);
    }
  }, options.stallCheckMs ?? 2_000);
  sweeper.unref();

  return {
    seq: () => coalescer.seq(),
    snapshot: () => coalescer.snapshot(),
    stats: () => ({ clients: nsp.sockets.size, ...counters, overdueDropped: gate.dropped, activeAlerts: active.size }),
    close() {
      clearInterval(sweeper);
      offChange();
      offOverdue();
      bus.off('incidents', onIncidents);
      bus.off('feed', onFeed);
      bus.off('feedUpdated', onFeedUpdated);
      bus.off('purged', onPurged);
      incidents.close();
      coalescer.close();
    },
  };
}
