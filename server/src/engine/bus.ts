// The record bus: after a write is committed, the write service (ingest/service.ts) announces it
// here, and only here; the figures engine, the live hub, the alert policy and later the desk
// feeds react. It is the one road for committed changes, so that it can later carry them
// between server instances. Emitters never wait for listeners' I/O.
import { EventEmitter } from 'node:events';
import type { ActorKind, FeedKind, FeedRecord, Incident } from '@grid141/shared';

export interface IncidentChange {
  /** null for a new incident. */
  before: Incident | null;
  after: Incident;
}

/** Who made a change and through which entry point (the write service fills it in). */
export interface ChangeMeta {
  actor: string;
  actorKind: ActorKind;
  source: string;
}

export interface BusEvents {
  /** New or changed incidents, committed, in commit order. */
  incidents: [changes: IncidentChange[], meta?: ChangeMeta];
  /** New board-feed records, committed (a feed record never changes after it is taken, except alarms resolving). */
  feed: [kind: FeedKind, records: FeedRecord[], meta?: ChangeMeta];
  /** A feed record changed after it was taken (an alarm resolved). */
  feedUpdated: [kind: FeedKind, before: FeedRecord, after: FeedRecord, meta?: ChangeMeta];
  /** Records were removed in bulk (simulated purge): the figures must be rebuilt from the store. */
  purged: [meta?: ChangeMeta];
  /** Many records were written at once (an import): announced once, the figures are rebuilt from the store. */
  imported: [kind: string, created: number, meta?: ChangeMeta];
  /**
   * The street's map was replaced (a grid import) and every stored record placed again on it:
   * the figures are rebuilt from the store, walls are told to load the new map.
   */
  mapReplaced: [version: string, meta?: ChangeMeta];
}

export class RecordBus extends EventEmitter<BusEvents> {}
