// The store: one interface over the embedded PostgreSQL (PGlite) and PostgreSQL (pg),
// both running the same SQL (sql.ts) and the same migrations (migrations.ts).
import type { NewAuditEntry } from '../audit/log.ts';
import type { MergeOutcome, MergeRequest, OpenPoint, UnmergeOutcome, UnmergeRequest } from './merge.ts';
import type { DeskChange, DeskChangeOutcome, DeskChangeRequest } from './desk-changes.ts';
import type { FeedKind, FeedRecord, HistoryEntry, Incident, IncidentFacts, IncidentStatus, IncidentWithHistory, WeekRecords } from '@grid141/shared';

export type StoreKind = 'embedded' | 'postgres';

/** The minimal SQL surface both drivers offer; the SQL itself is shared. */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

export interface SqlDriver extends Queryable {
  readonly kind: StoreKind;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs fn in one transaction on one connection; COMMIT has returned when the promise resolves. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** An incident ready to be written: every stored field, decided by the ingest side. */
export type NewIncident = Omit<Incident, 'overdue'>;

/** A feed record ready to be written. */
export type NewFeedRecord<K extends FeedKind = FeedKind> = FeedRecord<K>;

export interface Written<T> {
  /** true when this call inserted it; false when it was already there (a replay). */
  created: boolean;
  record: T;
}

export interface IncidentFilter {
  /** Exactly these incidents (an empty list matches none). */
  ids?: string[];
  /** With one of these externalIds (an empty list matches none); combine with `source`. */
  externalIds?: string[];
  status?: IncidentStatus[];
  category?: string[];
  colour?: string[];
  community?: string[];
  grid?: string[];
  source?: string[];
  /** reportedAt >= from */
  from?: Date;
  /** reportedAt < to */
  to?: Date;
  simulated?: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface TransitionRequest {
  to: IncidentStatus;
  note?: string | null;
  assignee?: string | null;
  /** A dispatch's kind of assignee (post, grid_worker, department): with `assignee`, a `dispatch` entry on the desk's timeline, same transaction. */
  dispatchKind?: string | null;
  by?: string | null;
  at?: Date;
  /** Refuse (reason 'stale') unless the incident is at this version. */
  ifVersion?: number;
  /** Written in the move's own transaction. */
  audit?: NewAuditEntry;
}

export type TransitionOutcome =
  | { ok: true; before: Incident; after: Incident }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'refused'; from: IncidentStatus; to: IncidentStatus }
  /** `at` is before the report or the previous move (moveTimeFault); `message` says which. */
  | { ok: false; reason: 'too-early'; field: 'at'; message: string }
  | { ok: false; reason: 'stale'; current: Incident };

export interface AlarmResolution {
  outcome: string;
  resolvedAt: string;
}

export type AlarmResolveOutcome =
  | { ok: true; changed: boolean; before: FeedRecord<'alarms'>; after: FeedRecord<'alarms'> }
  | { ok: false; reason: 'not-found' };

export interface PurgeCounts {
  incidents: number;
  history: number;
  feedRecords: number;
}

export type OnBatch<T> = (rows: T[]) => void | Promise<void>;

export interface InsertIncidentOptions {
  /**
   * 'first' (default): one history row, the incident's status at receipt (what the API writes).
   * 'lifecycle': one row per stamped step (reported at reportedAt, accepted at acceptedAt, …,
   * the terminal status at closedAt), for past incidents imported with their whole lifecycle.
   */
  history?: 'first' | 'lifecycle';
  /** Written as the history rows' `by` (e.g. "import:drills.xlsx"). */
  by?: string | null;
}

/** A stored record as relocation sees it: its point (null when it has none) and, for a canteen meal, its canteen. */
export interface PlaceableRecord {
  table: 'incidents' | 'feed';
  /** 'incident' or the feed kind. */
  kind: string;
  lng: number | null;
  lat: number | null;
  canteenId: string | null;
}

export interface RecordPlace {
  gridId: string | null;
  microGridId: string | null;
  communityId: string | null;
  outsideArea: boolean;
}

/** The writes that may share one transaction (Store.writeMany). */
export interface StoreWriter {
  insertIncidents(rows: NewIncident[], options?: InsertIncidentOptions): Promise<Written<Incident>[]>;
  insertFeed<K extends FeedKind>(kind: K, rows: NewFeedRecord<K>[]): Promise<Written<FeedRecord<K>>[]>;
  /**
   * The same insert as insertFeed (one statement, existing (kind, externalId) left as they are),
   * answering only how many rows were new: no records are read back (imports, which count).
   */
  insertFeedCount<K extends FeedKind>(kind: K, rows: NewFeedRecord<K>[]): Promise<number>;
  /** Appends audit entries; inside writeMany they commit with the writes they record. */
  audit(entries: NewAuditEntry[]): Promise<void>;
}

export interface Store extends StoreWriter {
  readonly kind: StoreKind;
  readonly streetId: string;
  /** The SQL under the store, for features with tables of their own (the duty desk); same SQL on both stores. */
  readonly sql: SqlDriver;

  /** Inserts new incidents (and their history, see InsertIncidentOptions) in one statement; existing (source, externalId) come back unchanged with created=false. Results in input order; in-input duplicates answer the first. */
  insertIncidents(rows: NewIncident[], options?: InsertIncidentOptions): Promise<Written<Incident>[]>;
  /**
   * Runs `fn` with a writer whose inserts all belong to one transaction: when `fn` resolves
   * they are committed together (COMMIT has returned when this resolves); when it throws, or
   * the process dies first, none of them is (imports: all or nothing per file). On the
   * embedded store every other query waits until it ends; on PostgreSQL it holds one connection.
   */
  writeMany<T>(fn: (writer: StoreWriter) => Promise<T>): Promise<T>;
  /**
   * Places every stored incident and feed record again (a new grid map): `place` gives the new
   * grid, micro-grid and community, or null to leave a record as it is. One transaction, read and
   * written 5,000 rows at a time; returns how many of each were updated.
   */
  relocate(place: (record: PlaceableRecord) => RecordPlace | null, mapVersion?: string): Promise<{ incidents: number; feedRecords: number }>;
  /**
   * The version of the street's map (LoadedStreet.version) the stored records were last placed on
   * (`relocate` with a version, or `notePlacedMap`); null when none was ever noted.
   */
  placedMap(): Promise<string | null>;
  /** Notes that the stored records are placed on map `version` (a first start: they were placed as they came). */
  notePlacedMap(version: string): Promise<void>;
  getIncident(id: string): Promise<IncidentWithHistory | null>;
  listIncidents(filter: IncidentFilter, limit: number, cursor: string | null): Promise<Page<Incident>>;
  /** Checks the lifecycle, stamps the status time, appends history; one transaction. */
  transitionIncident(id: string, request: TransitionRequest): Promise<TransitionOutcome>;
  history(id: string): Promise<HistoryEntry[]>;
  /** Merges a duplicate into its original (status merged, mergedInto); one transaction, history on both. */
  mergeIncident(id: string, into: string, request: MergeRequest): Promise<MergeOutcome>;
  /** Undoes a merge within a day: the status before it comes back; history on both. */
  unmergeIncident(id: string, request: UnmergeRequest): Promise<UnmergeOutcome>;
  /** Point, category and time of every open incident (the duplicate index is built from it). */
  openPoints(): Promise<OpenPoint[]>;
  /**
   * Each incident's public timeline as Open311 reads it: the time of its latest history entry
   * (a lifecycle move or a merge event; desk notes are not history) and the latest non-null
   * history note (null when none). Ids without history are left out.
   */
  lastMoves(ids: readonly string[]): Promise<Map<string, { movedAt: string; note: string | null }>>;
  /** Who changed an incident last and when: its latest lifecycle move or desk entry (store/desk-changes.ts). */
  lastChange(id: string): Promise<{ by: string | null; at: string | null }>;
  /** A desk change that is not a move (escalation, evaluation, reclassification, note): version +1, timeline entry, audit; one transaction (store/desk-changes.ts). */
  changeIncident(id: string, change: DeskChange, request: DeskChangeRequest): Promise<DeskChangeOutcome>;

  /** Same contract as insertIncidents, keyed on (kind, externalId). */
  insertFeed<K extends FeedKind>(kind: K, rows: NewFeedRecord<K>[]): Promise<Written<FeedRecord<K>>[]>;
  getFeedRecord<K extends FeedKind>(kind: K, id: string): Promise<FeedRecord<K> | null>;
  /** `audit` is written in the same transaction when the alarm changes. */
  resolveAlarm(id: string, resolution: AlarmResolution, audit?: NewAuditEntry): Promise<AlarmResolveOutcome>;

  /** Deletes every simulated incident (with history) and feed record. */
  purgeSimulated(audit?: (counts: PurgeCounts) => NewAuditEntry): Promise<PurgeCounts>;

  /** Streams every incident that is open, or was reported or closed on/after openOrSince. */
  scanIncidents(where: { openOrSince: Date }, onBatch: OnBatch<Incident>, batchSize?: number): Promise<number>;
  /** Same rows as scanIncidents, only the fields the figures fold, one JSON value per batch (several times faster on PGlite). */
  scanIncidentFacts(where: { openOrSince: Date }, onBatch: OnBatch<IncidentFacts>, batchSize?: number): Promise<number>;
  /** Streams a feed's records that occurred on/after since (all when null). */
  scanFeed<K extends FeedKind>(kind: K, since: Date | null, onBatch: OnBatch<FeedRecord<K>>, batchSize?: number): Promise<number>;
  /** What the weekly report needs of [start, end) and the counts standing at end (store/week.ts); yearStart: 1 January of end's year. */
  readWeek(start: Date, end: Date, yearStart: Date): Promise<WeekRecords>;
  countIncidents(where?: { simulated?: boolean }): Promise<number>;
  countFeed(kind: FeedKind, where?: { simulated?: boolean }): Promise<number>;

  close(): Promise<void>;
}
