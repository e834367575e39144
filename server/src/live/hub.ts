// The live hub: figures and incidents for the walls (docs/api.md, Live feed). It greets each
// wall with the server info and a snapshot (or the deltas it missed), answers `resume`, pushes
// coalesced deltas and batched incidents, all through the live channel. The alert policy is its
// own bus subscriber (alert-policy.ts), the channel owns the sockets (channel.ts).
import { withMaskedContact, type Delta, type Incident, type ServerInfoPayload, type SnapshotPayload } from '@grid141/shared';
import type { IncidentChange, RecordBus } from '../engine/bus.ts';
import { DeltaCoalescer } from './coalescer.ts';
import { DeltaRing, DEFAULT_DELTA_CAPACITY } from './deltas.ts';
import { Batcher } from './batcher.ts';
import { withOverdue } from './alerts.ts';
import type { LiveChannel, LiveSocket } from './channel.ts';
import type { AlertPolicyOptions } from './alert-policy.ts';
import type { StallLimits } from './stalled.ts';
import type { SummarySource } from './source.ts';

export interface LiveHubOptions extends AlertPolicyOptions {
  deltaIntervalMs?: number;
  heartbeatMs?: number;
  deltaCapacity?: number;
  incidentWindowMs?: number;
  incidentMaxItems?: number;
  stallCheckMs?: number;
  stall?: StallLimits;
}

export interface LiveHubDeps {
  channel: LiveChannel;
  source: SummarySource;
  bus: RecordBus;
  /** What a wall is told on connect (a function: the map's version changes while the server runs). */
  info: ServerInfoPayload | (() => ServerInfoPayload);
  now?: () => number;
  options?: LiveHubOptions;
}

export interface LiveHub {
  /** The seq of the last delta sent. */
  seq(): number;
  snapshot(): SnapshotPayload;
  stats(): { clients: number; deltas: number; incidentMessages: number };
  close(): void;
}

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
  const { channel, source, bus, options = {} } = deps;
  const now = deps.now ?? Date.now;
  const counters = { deltas: 0, incidentMessages: 0 };
  const ring = new DeltaRing(options.deltaCapacity ?? DEFAULT_DELTA_CAPACITY);

  // Deltas stay on this instance (each instance keeps its own figures and seq); incidents go
  // through the adapter to every instance's walls. Each is encoded once for all.
  const coalescer = new DeltaCoalescer({
    read: () => source.summary(),
    send: (delta) => {
      if (delta.changes.length > 0) counters.deltas += 1;
      channel.publishLocal('delta', delta);
    },
    ring,
    intervalMs: options.deltaIntervalMs,
    heartbeatMs: options.heartbeatMs,
    now,
  });

  const incidents = new Batcher<Incident>({
    windowMs: options.incidentWindowMs ?? (() => incidentWindowMs(channel.clients())),
    maxItems: options.incidentMaxItems ?? 200,
    key: (incident) => incident.id,
    now,
    flush: (items) => {
      counters.incidentMessages += 1;
      const at = now();
      // One message for every socket (walls on the viewer token too): reporters' numbers masked;
      // a leader's desk reads the whole number from the desk's API.
      channel.publish('incidents', { items: items.map((incident) => withMaskedContact(withOverdue(incident, at))) });
    },
  });

  const onIncidents = (changes: IncidentChange[]) => incidents.add(changes.map((change) => change.after));
  bus.on('incidents', onIncidents);
  const offChange = source.onChange(() => coalescer.changed());

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

  const offGreet = channel.onConnect((socket) => {
    socket.emit('server', typeof deps.info === 'function' ? deps.info() : deps.info);
    catchUp(socket, socket.data.since);
    socket.on('resume', (payload) => catchUp(socket, payload?.since));
  });

  return {
    seq: () => coalescer.seq(),
    snapshot: () => coalescer.snapshot(),
    stats: () => ({ clients: channel.clients(), ...counters }),
    close() {
      offGreet();
      offChange();
      bus.off('incidents', onIncidents);
      incidents.close();
      coalescer.close();
    },
  };
}
