// The record bus: after a write is committed, the ingest side announces it here, and the
// figures engine and the live hub react. Emitters never wait for listeners' I/O.
import { EventEmitter } from 'node:events';
import type { FeedKind, FeedRecord, Incident } from '@grid141/shared';

export interface IncidentChange {
  /** null for a new incident. */
  before: Incident | null;
  after: Incident;
}

export interface BusEvents {
  /** New or changed incidents, committed, in commit order. */
  incidents: [changes: IncidentChange[]];
  /** New board-feed records, committed (a feed record never changes after it is taken, except alarms resolving). */
  feed: [kind: FeedKind, records: FeedRecord[]];
  /** A feed record changed after it was taken (an alarm resolved). */
  feedUpdated: [kind: FeedKind, before: FeedRecord, after: FeedRecord];
  /** Records were removed in bulk (simulated purge): the figures must be rebuilt from the store. */
  purged: [];
  /** Many records were written at once (an import): announced once, the figures are rebuilt from the store. */
  imported: [kind: string, created: number];
}

export class RecordBus extends EventEmitter<BusEvents> {}
