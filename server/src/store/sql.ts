// The store itself, written once over a SqlDriver: the embedded and the PostgreSQL store run
// exactly this SQL. Batches are one statement (unnest) inside one transaction.
import {
  canTransition, defaultMoveTime, moveTimeFault, STATUS_TIMESTAMP, TERMINAL_STATUSES,
  type FeedKind, type FeedRecord, type HistoryEntry, type Incident, type IncidentFacts,
} from '@grid141/shared';
import {
  columnArrays, FEED_COLUMNS, FEED_SELECT, feedJson, INCIDENT_COLUMNS, INCIDENT_SELECT, insertedIncident, jsonSelect, toFeedRecord,
  toHistoryEntry, toIncident, unnestSelect,
} from './rows.ts';
import { writeAudit, type NewAuditEntry } from '../audit/log.ts';
import type {
  AlarmResolution, AlarmResolveOutcome, IncidentFilter, InsertIncidentOptions, NewFeedRecord, NewIncident, OnBatch, Page,
  PlaceableRecord, PurgeCounts, Queryable, RecordPlace, SqlDriver, Store, StoreKind, StoreWriter, TransitionOutcome, TransitionRequest, Written,
} from './types.ts';
import type { WeekRecords } from '@grid141/shared';
import { readWeekRecords } from './week.ts';
import { filterTime } from './time-bound.ts';
import { addDeskNote, changeIncident, lastChange, type DeskChange, type DeskChangeOutcome, type DeskChangeRequest } from './desk-changes.ts';
import { mergeIncident, openPoints, unmergeIncident, type MergeOutcome, type MergeRequest, type OpenPoint, type UnmergeOutcome, type UnmergeRequest } from './merge.ts';

type Row = Record<string, unknown>;

const SCAN_BATCH = 2_000;

/** A row of scanIncidentFacts (json_build_array in its column order) as IncidentFacts. */
function toIncidentFacts(a: unknown[]): IncidentFacts {
  const time = (v: unknown) => (v === null ? null : new Date(v as string).toISOString());
  return {
    id: a[0] as string, status: a[1] as Incident['status'], colour: a[2] as Incident['colour'], category: a[3] as Incident['category'],
    source: a[4] as Incident['source'], urgency: a[5] as Incident['urgency'], slaProfile: a[6] as string,
    communityId: a[7] as string | null, gridId: a[8] as string | null, outsideArea: a[9] as boolean, simulated: a[10] as boolean,
    reportedAt: time(a[11]) as string, acceptedAt: time(a[12]), closedAt: time(a[13]), dueAt: time(a[14]) as string,
    updatedAt: time(a[15]) as string, acceptBy: time(a[16] ?? null),
  };
}
const TERMINAL_LIST = TERMINAL_STATUSES.map((s) => `'${s}'`).join(', ');

/**
 * The incidents a rebuild needs (open, or reported or closed since $2), found through the
 * partial and time indexes of each condition, so a store of a million old incidents is not
 * read whole to find the few tens of thousands in the figures' windows.
 */
const WANTED_IDS = `
  SELECT id FROM incidents WHERE street_id = $1 AND status NOT IN (${TERMINAL_LIST})
  UNION SELECT id FROM incidents WHERE street_id = $1 AND reported_at >= $2::timestamptz
  UNION SELECT id FROM incidents WHERE street_id = $1 AND closed_at >= $2::timestamptz`;

const STAMP_COLUMN = {
  acceptedAt: 'accepted_at',
  dispatchedAt: 'dispatched_at',
  onSiteAt: 'on_site_at',
  handledAt: 'handled_at',
  closedAt: 'closed_at',
} as const;

const incidentInsert = unnestSelect(INCIDENT_COLUMNS);
const INSERT_INCIDENTS = `
  WITH ins AS (
    INSERT INTO incidents (${incidentInsert.names}) ${incidentInsert.select}
    ON CONFLICT (street_id, source, external_id) DO NOTHING
    RETURNING id, received_at, status
  ), hist AS (
    INSERT INTO incident_history (incident_id, at, from_status, to_status)
    SELECT id, received_at, NULL, status FROM ins
  )
  SELECT id FROM ins`;

// Past incidents: one history row per stamped step, each from the step before it, by $N+1.
const INSERT_INCIDENTS_LIFECYCLE = `
  WITH ins AS (
    INSERT INTO incidents (${incidentInsert.names}) ${incidentInsert.select}
    ON CONFLICT (street_id, source, external_id) DO NOTHING
    RETURNING id, status, reported_at, accepted_at, dispatched_at, on_site_at, handled_at, closed_at
  ), steps AS (
    SELECT ins.id, s.ord, s.at, s.to_status FROM ins CROSS JOIN LATERAL (VALUES
      (1, ins.reported_at, 'reported'), (2, ins.accepted_at, 'accepted'), (3, ins.dispatched_at, 'dispatched'),
      (4, ins.on_site_at, 'on_site'), (5, ins.handled_at, 'handled'), (6, ins.closed_at, ins.status)
    ) AS s(ord, at, to_status)
    WHERE s.at IS NOT NULL AND (s.ord < 6 OR ins.status IN (${TERMINAL_STATUSES.map((x) => `'${x}'`).join(', ')}))
  ), hist AS (
    INSERT INTO incident_history (incident_id, at, from_status, to_status, by_whom)
    SELECT id, at, lag(to_status) OVER (PARTITION BY id ORDER BY ord), to_status, $${INCIDENT_COLUMNS.length + 1}::text
    FROM steps ORDER BY id, ord
  )
  SELECT id FROM ins`;

const feedInsert = unnestSelect(FEED_COLUMNS);
const INSERT_FEED = `
  INSERT INTO feed_records (${feedInsert.names}) ${feedInsert.select}
  ON CONFLICT (street_id, kind, external_id) DO NOTHING
  RETURNING ${FEED_SELECT}, external_id`;
// The same insert with the batch as one JSON text, answering one row per new record and nothing
// of it (imports count them).
const feedJsonInsert = jsonSelect(FEED_COLUMNS);
const INSERT_FEED_COUNT = `
  INSERT INTO feed_records (${feedJsonInsert.names}) ${feedJsonInsert.select}
  ON CONFLICT (street_id, kind, external_id) DO NOTHING
  RETURNING 1 AS n`;

function notePlaced(db: Queryable, streetId: string, version: string): Promise<unknown> {
  return db.query(
    `INSERT INTO street_maps (street_id, version) VALUES ($1, $2)
     ON CONFLICT (street_id) DO UPDATE SET version = excluded.version, placed_at = now()`, [streetId, version]);
}

export interface SqlStoreOptions {
  streetId: string;
  /** The clock used to derive `overdue` when serving. */
  now?: () => number;
}

/** The first of each key wins; later duplicates point at it. */
function firstByKey<T>(rows: readonly T[], key: (row: T) => string): { unique: T[]; indexOf: number[]; keys: string[] } {
  const seen = new Map<string, number>();
  const unique: T[] = [];
  const indexOf: number[] = [];
  const keys: string[] = [];
  for (const row of rows) {
    const k = key(row);
    let at = seen.get(k);
    if (at === undefined) {
      at = unique.length;
      seen.set(k, at);
      unique.push(row);
      keys.push(k);
    }
    indexOf.push(at);
  }
  return { unique, indexOf, keys };
}

export function encodeCursor(reportedAt: string, id: string): string {
  return Buffer.from(JSON.stringify([reportedAt, id])).toString('base64url');
}

export class BadCursorError extends Error {
  constructor() {
    super('cursor is not one this server gave out');
    this.name = 'BadCursorError';
  }
}

export function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string' && !Number.isNaN(Date.parse(value[0]))) {
      return [value[0], value[1]];
    }
  } catch {
    // fall through
  }
  throw new BadCursorError();
}

export class SqlStore implements Store {
  readonly kind;
  readonly streetId: string;
  private readonly now: () => number;

  constructor(
    private readonly driver: SqlDriver,
    options: SqlStoreOptions,
  ) {
    this.kind = driver.kind;
    this.streetId = options.streetId;
    this.now = options.now ?? Date.now;
  }

  get sql(): SqlDriver {
    return this.driver;
  }

  audit(entries: NewAuditEntry[]): Promise<void> {
    return writeAudit(this.driver, entries);
  }

  writeMany<T>(fn: (writer: StoreWriter) => Promise<T>): Promise<T> {
    return this.driver.transaction((tx) => fn(new SqlStore(inTransaction(tx, this.kind), { streetId: this.streetId, now: this.now })));
  }

  async placedMap(): Promise<string | null> {
    const rows = await this.driver.query<{ version: string }>('SELECT version FROM street_maps WHERE street_id = $1', [this.streetId]);
    return rows[0]?.version ?? null;
  }

  async notePlacedMap(version: string): Promise<void> {
    await notePlaced(this.driver, this.streetId, version);
  }

  relocate(place: (record: PlaceableRecord) => RecordPlace | null, mapVersion?: string): Promise<{ incidents: number; feedRecords: number }> {
    const page = 5_000;
    return this.driver.transaction(async (tx) => {
      // The version is noted in the same transaction: the records are on it exactly when it says so.
      if (mapVersion !== undefined) await notePlaced(tx, this.streetId, mapVersion);
      let incidents = 0;
      for (let after = ''; ;) {
        const rows = await tx.query<{ id: string; lng: number; lat: number }>(
          'SELECT id, lng, lat FROM incidents WHERE street_id = $1 AND id > $2 ORDER BY id LIMIT $3', [this.streetId, after, page]);
        if (rows.length === 0) break;
        after = (rows[rows.length - 1] as { id: string }).id;
        const moved = rows.flatMap((r) => {
          const p = place({ table: 'incidents', kind: 'incident', lng: r.lng, lat: r.lat, canteenId: null });
          return p ? [{ id: r.id, ...p }] : [];
        });
        if (moved.length > 0) {
          await tx.query(
            `UPDATE incidents i SET grid_id = u.g, micro_grid_id = u.m, community_id = u.c, outside_area = u.o
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bool[]) AS u(id, g, m, c, o) WHERE i.id = u.id`,
            [moved.map((m) => m.id), moved.map((m) => m.gridId), moved.map((m) => m.microGridId), moved.map((m) => m.communityId), moved.map((m) => m.outsideArea)]);
        }
        incidents += moved.length;
        if (rows.length < page) break;
      }
      let feedRecords = 0;
      for (let after = ''; ;) {
        const rows = await tx.query<{ id: string; kind: string; lng: number | null; lat: number | null; canteen: string | null }>(
          `SELECT id, kind, (payload->'location'->>'lng')::float8 AS lng, (payload->'location'->>'lat')::float8 AS lat, payload->>'canteenId' AS canteen
           FROM feed_records WHERE street_id = $1 AND id > $2 ORDER BY id LIMIT $3`, [this.streetId, after, page]);
        if (rows.length === 0) break;
        after = (rows[rows.length - 1] as { id: string }).id;
        const moved = rows.flatMap((r) => {
          const p = place({ table: 'feed', kind: r.kind, lng: r.lng, lat: r.lat, canteenId: r.canteen });
          return p ? [{ id: r.id, ...p }] : [];
        });
        if (moved.length > 0) {
          await tx.query(
            `UPDATE feed_records f SET grid_id = u.g, community_id = u.c
             FROM unnest($1::text[], $2::text[], $3::text[]) AS u(id, g, c) WHERE f.id = u.id`,
            [moved.map((m) => m.id), moved.map((m) => m.gridId), moved.map((m) => m.communityId)]);
        }
        feedRecords += moved.length;
        if (rows.length < page) break;
      }
      return { incidents, feedRecords };
    });
  }

  async insertIncidents(rows: NewIncident[], options: InsertIncidentOptions = {}): Promise<Written<Incident>[]> {
    if (rows.length === 0) return [];
    const { unique, indexOf, keys } = firstByKey(rows, (r) => `${r.source}\u0000${r.externalId}`);
    const now = this.now();
    const columns = columnArrays(INCIDENT_COLUMNS, unique);
    const statement = options.history === 'lifecycle'
      ? this.driver.query<{ id: string }>(INSERT_INCIDENTS_LIFECYCLE, [...columns, options.by ?? null])
      : this.driver.query<{ id: string }>(INSERT_INCIDENTS, columns);
    // Only the ids of the rows inserted come back: the rest the caller sent, and is built here.
    const inserted = new Set((await statement).map((r) => r.id));
    const byKey = new Map<string, Written<Incident>>();
    unique.forEach((row, j) => {
      if (inserted.has(row.id)) byKey.set(keys[j] as string, { created: true, record: insertedIncident(columns, j, now) });
    });
    // Replays: read back what was already there, unchanged.
    const missing = unique.filter((_, i) => !byKey.has(keys[i] as string));
    if (missing.length > 0) {
      const existing = await this.driver.query<Row>(
        `SELECT ${INCIDENT_SELECT} FROM incidents
         WHERE street_id = $1 AND (source, external_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
        [this.streetId, missing.map((r) => r.source), missing.map((r) => r.externalId)],
      );
      for (const row of existing) {
        const incident = toIncident(row, now);
        byKey.set(`${incident.source}\u0000${incident.externalId}`, { created: false, record: incident });
      }
    }
    const firstAt = new Set<number>();
    return rows.map((_, i) => {
      const slot = indexOf[i] as number;
      const written = byKey.get(keys[slot] as string);
      if (!written) throw new Error(`incident ${keys[slot]} was neither inserted nor found`);
      // A later duplicate inside the same batch is a replay of the first.
      if (firstAt.has(slot)) return { created: false, record: written.record };
      firstAt.add(slot);
      return written;
    });
  }

  async getIncident(id: string) {
    const rows = await this.driver.query<Row>(`SELECT ${INCIDENT_SELECT} FROM incidents WHERE id = $1 AND street_id = $2`, [id, this.streetId]);
    const row = rows[0];
    if (!row) return null;
    return { ...toIncident(row, this.now()), history: await this.history(id) };
  }

  async lastMoves(ids: readonly string[]): Promise<Map<string, { movedAt: string; note: string | null }>> {
    if (ids.length === 0) return new Map();
    const rows = await this.driver.query<{ incident_id: string; moved_at: string | Date; note: string | null }>(
      `SELECT last.incident_id, last.at AS moved_at, noted.note
       FROM (SELECT DISTINCT ON (incident_id) incident_id, at FROM incident_history
             WHERE incident_id = ANY($1::text[]) ORDER BY incident_id, seq DESC) last
       LEFT JOIN (SELECT DISTINCT ON (incident_id) incident_id, note FROM incident_history
             WHERE incident_id = ANY($1::text[]) AND note IS NOT NULL ORDER BY incident_id, seq DESC) noted
         ON noted.incident_id = last.incident_id`,
      [ids],
    );
    return new Map(rows.map((r) => [r.incident_id, { movedAt: new Date(r.moved_at).toISOString(), note: r.note ?? null }]));
  }

  lastChange(id: string): Promise<{ by: string | null; at: string | null }> {
    return lastChange(this.driver, id);
  }

  changeIncident(id: string, change: DeskChange, request: DeskChangeRequest): Promise<DeskChangeOutcome> {
    return changeIncident(this.driver, this.streetId, this.now(), id, change, request);
  }

  async history(id: string): Promise<HistoryEntry[]> {
    const rows = await this.driver.query<Row>(
      'SELECT at, from_status, to_status, by_whom, note, event, related_id FROM incident_history WHERE incident_id = $1 ORDER BY seq',
      [id],
    );
    return rows.map(toHistoryEntry);
  }

  async listIncidents(filter: IncidentFilter, limit: number, cursor: string | null): Promise<Page<Incident>> {
    const params: unknown[] = [this.streetId];
    const where = ['street_id = $1'];
    const add = (sql: (n: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (filter.ids) add((p) => `id = ANY(${p}::text[])`, filter.ids);
    if (filter.externalIds) add((p) => `external_id = ANY(${p}::text[])`, filter.externalIds);
    if (filter.status?.length) add((p) => `status = ANY(${p}::text[])`, filter.status);
    if (filter.category?.length) add((p) => `category = ANY(${p}::text[])`, filter.category);
    if (filter.colour?.length) add((p) => `colour = ANY(${p}::text[])`, filter.colour);
    if (filter.community?.length) add((p) => `community_id = ANY(${p}::text[])`, filter.community);
    if (filter.grid?.length) add((p) => `grid_id = ANY(${p}::text[])`, filter.grid);
    if (filter.source?.length) add((p) => `source = ANY(${p}::text[])`, filter.source);
    if (filter.from) add((p) => `reported_at >= ${p}::timestamptz`, filterTime(filter.from));
    if (filter.to) add((p) => `reported_at < ${p}::timestamptz`, filterTime(filter.to));
    if (filter.simulated !== undefined) add((p) => `simulated = ${p}::bool`, filter.simulated);
    if (cursor) {
      const [at, id] = decodeCursor(cursor);
      params.push(at, id);
      where.push(`(reported_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::text)`);
    }
    params.push(limit + 1);
    const rows = await this.driver.query<Row>(
      `SELECT ${INCIDENT_SELECT} FROM incidents WHERE ${where.join(' AND ')}
       ORDER BY reported_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const now = this.now();
    const items = rows.slice(0, limit).map((r) => toIncident(r, now));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.reportedAt, last.id) : null };
  }

  transitionIncident(id: string, request: TransitionRequest): Promise<TransitionOutcome> {
    return this.driver.transaction(async (tx) => {
      const rows = await tx.query<Row>(`SELECT ${INCIDENT_SELECT} FROM incidents WHERE id = $1 AND street_id = $2 FOR UPDATE`, [id, this.streetId]);
      const row = rows[0];
      if (!row) return { ok: false, reason: 'not-found' } as const;
      const now = this.now();
      const before = toIncident(row, now);
      if (request.ifVersion !== undefined && request.ifVersion !== (before.version ?? 1)) {
        return { ok: false, reason: 'stale', current: before } as const;
      }
      if (!canTransition(before.status, request.to)) {
        return { ok: false, reason: 'refused', from: before.status, to: request.to } as const;
      }
      // The move's time against the record's history (shared moveTimeFault). The first history entry
      // (from NULL) is stamped when the record arrived, not when it was reported: only moves count.
      const last = await tx.query<Row>('SELECT max(at) AS at FROM incident_history WHERE incident_id = $1 AND from_status IS NOT NULL', [id]);
      const lastAt = last[0]?.at ? new Date(last[0].at as string | Date).getTime() : null;
      const reportedAt = Date.parse(before.reportedAt);
      if (request.at) {
        const fault = moveTimeFault(request.at.getTime(), reportedAt, lastAt);
        if (fault) return { ok: false, reason: 'too-early', field: 'at', message: fault } as const;
      }
      const at = new Date(request.at ? request.at.getTime() : defaultMoveTime(now, reportedAt, lastAt)).toISOString();
      const stamp = STATUS_TIMESTAMP[request.to];
      // The status time is the latest entry into that status (a returned incident is dispatched again).
      const stampSql = stamp ? `, ${STAMP_COLUMN[stamp]} = $3::timestamptz` : '';
      const updated = await tx.query<Row>(
        `UPDATE incidents SET status = $2, updated_at = $3::timestamptz, version = version + 1, assignee = COALESCE($4, assignee)${stampSql}
         WHERE id = $1 RETURNING ${INCIDENT_SELECT}`,
        [id, request.to, at, request.assignee ?? null],
      );
      await tx.query(
        'INSERT INTO incident_history (incident_id, at, from_status, to_status, by_whom, note) VALUES ($1, $2::timestamptz, $3, $4, $5, $6)',
        [id, at, before.status, request.to, request.by ?? null, request.note ?? null],
      );
      // Whom it went to and as what (post, grid worker, department), beside the move on the desk's timeline.
      if (request.to === 'dispatched' && request.assignee) {
        await addDeskNote(tx, id, 'dispatch', request.by ?? null, at, { assignee: request.assignee, dispatchKind: request.dispatchKind ?? null });
      }
      if (request.audit) await writeAudit(tx, request.audit);
      return { ok: true, before, after: toIncident(updated[0] as Row, now) } as const;
    });
  }

  mergeIncident(id: string, into: string, request: MergeRequest): Promise<MergeOutcome> {
    return mergeIncident(this.driver, this.streetId, this.now(), id, into, request);
  }

  unmergeIncident(id: string, request: UnmergeRequest): Promise<UnmergeOutcome> {
    return unmergeIncident(this.driver, this.streetId, this.now(), id, request);
  }

  openPoints(): Promise<OpenPoint[]> {
    return openPoints(this.driver, this.streetId);
  }

  async insertFeed<K extends FeedKind>(kind: K, rows: NewFeedRecord<K>[]): Promise<Written<FeedRecord<K>>[]> {
    if (rows.length === 0) return [];
    const { unique, indexOf, keys } = firstByKey(rows, (r) => r.externalId);
    const inserted = await this.driver.query<Row>(INSERT_FEED, columnArrays(FEED_COLUMNS, unique.map((record) => ({ feed: kind, record: record as unknown as NewFeedRecord }))));
    const byKey = new Map<string, Written<FeedRecord<K>>>();
    for (const row of inserted) byKey.set(row.external_id as string, { created: true, record: toFeedRecord<K>(row) });
    const missing = keys.filter((k) => !byKey.has(k));
    if (missing.length > 0) {
      const existing = await this.driver.query<Row>(
        `SELECT ${FEED_SELECT}, external_id FROM feed_records WHERE street_id = $1 AND kind = $2 AND external_id = ANY($3::text[])`,
        [this.streetId, kind, missing],
      );
      for (const row of existing) byKey.set(row.external_id as string, { created: false, record: toFeedRecord<K>(row) });
    }
    const firstAt = new Set<number>();
    return rows.map((_, i) => {
      const slot = indexOf[i] as number;
      const written = byKey.get(keys[slot] as string);
      if (!written) throw new Error(`${kind} ${keys[slot]} was neither inserted nor found`);
      if (firstAt.has(slot)) return { created: false, record: written.record };
      firstAt.add(slot);
      return written;
    });
  }

  async insertFeedCount<K extends FeedKind>(kind: K, rows: NewFeedRecord<K>[]): Promise<number> {
    if (rows.length === 0) return 0;
    const { unique } = firstByKey(rows, (r) => r.externalId);
    const inserted = await this.driver.query<Row>(INSERT_FEED_COUNT, [feedJson(unique.map((record) => ({ feed: kind, record: record as unknown as NewFeedRecord })))]);
    return inserted.length;
  }

  async getFeedRecord<K extends FeedKind>(kind: K, id: string): Promise<FeedRecord<K> | null> {
    const rows = await this.driver.query<Row>(`SELECT ${FEED_SELECT} FROM feed_records WHERE id = $1 AND kind = $2 AND street_id = $3`, [id, kind, this.streetId]);
    return rows[0] ? toFeedRecord<K>(rows[0]) : null;
  }

  resolveAlarm(id: string, resolution: AlarmResolution, audit?: NewAuditEntry): Promise<AlarmResolveOutcome> {
    return this.driver.transaction(async (tx) => {
      const rows = await tx.query<Row>(
        `SELECT ${FEED_SELECT} FROM feed_records WHERE id = $1 AND kind = 'alarms' AND street_id = $2 FOR UPDATE`,
        [id, this.streetId],
      );
      if (!rows[0]) return { ok: false, reason: 'not-found' } as const;
      const before = toFeedRecord<'alarms'>(rows[0]);
      // Resolving twice changes nothing: the first resolution stands.
      if (before.resolvedAt !== undefined) return { ok: true, changed: false, before, after: before } as const;
      const updated = await tx.query<Row>(
        `UPDATE feed_records SET resolved_at = $2::timestamptz,
           payload = payload || jsonb_build_object('resolvedAt', $3::text, 'outcome', $4::text)
         WHERE id = $1 RETURNING ${FEED_SELECT}`,
        [id, resolution.resolvedAt, resolution.resolvedAt, resolution.outcome],
      );
      if (audit) await writeAudit(tx, audit);
      return { ok: true, changed: true, before, after: toFeedRecord<'alarms'>(updated[0] as Row) } as const;
    });
  }

  purgeSimulated(audit?: (counts: PurgeCounts) => NewAuditEntry): Promise<PurgeCounts> {
    return this.driver.transaction(async (tx) => {
      const history = await count(tx,
        `WITH d AS (DELETE FROM incident_history h USING incidents i
           WHERE h.incident_id = i.id AND i.street_id = $1 AND i.simulated RETURNING 1) SELECT count(*)::int AS n FROM d`,
        [this.streetId]);
      const incidents = await count(tx,
        'WITH d AS (DELETE FROM incidents WHERE street_id = $1 AND simulated RETURNING 1) SELECT count(*)::int AS n FROM d',
        [this.streetId]);
      const feedRecords = await count(tx,
        'WITH d AS (DELETE FROM feed_records WHERE street_id = $1 AND simulated RETURNING 1) SELECT count(*)::int AS n FROM d',
        [this.streetId]);
      const counts = { incidents, history, feedRecords };
      if (audit) await writeAudit(tx, audit(counts));
      return counts;
    });
  }

  async scanIncidents(where: { openOrSince: Date }, onBatch: OnBatch<Incident>, batchSize = SCAN_BATCH): Promise<number> {
    let total = 0;
    for (const ids of await this.wantedIds(where.openOrSince, batchSize)) {
      const rows = await this.driver.query<Row>(`SELECT ${INCIDENT_SELECT} FROM incidents WHERE id = ANY($1::text[]) ORDER BY id`, [ids]);
      // A page whose incidents were all purged meanwhile is empty: the purge's rebuild follows.
      if (rows.length === 0) continue;
      const now = this.now();
      const batch = rows.map((r) => toIncident(r, now));
      total += batch.length;
      await onBatch(batch);
    }
    return total;
  }

  async scanIncidentFacts(where: { openOrSince: Date }, onBatch: OnBatch<IncidentFacts>, batchSize = SCAN_BATCH): Promise<number> {
    let total = 0;
    for (const ids of await this.wantedIds(where.openOrSince, batchSize)) {
      // One JSON text per batch: returning rows field by field is what makes a PGlite scan slow.
      const [row] = await this.driver.query<{ j: string | null }>(
        `SELECT json_agg(json_build_array(id, status, colour, category, source, urgency, sla_profile, community_id, grid_id,
           outside_area, simulated, reported_at, accepted_at, closed_at, due_at, updated_at, accept_by) ORDER BY id)::text AS j
         FROM incidents WHERE id = ANY($1::text[])`,
        [ids],
      );
      if (!row?.j) continue;
      const batch = (JSON.parse(row.j) as unknown[][]).map(toIncidentFacts);
      total += batch.length;
      await onBatch(batch);
    }
    return total;
  }

  /**
   * The ids a scan wants, found once (one JSON text) and cut into pages in id order. Finding
   * them again for every page cost more than reading the page, and the pages can then stay
   * small: the WebAssembly heap grows to the largest page it built and keeps that size.
   */
  private async wantedIds(openOrSince: Date, pageSize: number): Promise<string[][]> {
    const [row] = await this.driver.query<{ j: string | null }>(
      `SELECT json_agg(id ORDER BY id)::text AS j FROM (${WANTED_IDS}) wanted`,
      [this.streetId, openOrSince.toISOString()],
    );
    const ids = row?.j ? (JSON.parse(row.j) as string[]) : [];
    const pages: string[][] = [];
    for (let i = 0; i < ids.length; i += pageSize) pages.push(ids.slice(i, i + pageSize));
    return pages;
  }

  async scanFeed<K extends FeedKind>(kind: K, since: Date | null, onBatch: OnBatch<FeedRecord<K>>, batchSize = SCAN_BATCH): Promise<number> {
    let after = '';
    let total = 0;
    for (;;) {
      const rows = await this.driver.query<Row>(
        `SELECT ${FEED_SELECT} FROM feed_records
         WHERE street_id = $1 AND kind = $2 AND id > $3 AND ($4::timestamptz IS NULL OR occurred_at >= $4::timestamptz)
         ORDER BY id LIMIT $5`,
        [this.streetId, kind, after, since ? since.toISOString() : null, batchSize],
      );
      if (rows.length === 0) return total;
      const batch = rows.map((r) => toFeedRecord<K>(r));
      total += batch.length;
      after = (batch[batch.length - 1] as FeedRecord<K>).id;
      await onBatch(batch);
      if (rows.length < batchSize) return total;
    }
  }

  readWeek(start: Date, end: Date, yearStart: Date): Promise<WeekRecords> {
    return readWeekRecords(this.driver, this.streetId, start, end, yearStart);
  }

  countIncidents(where: { simulated?: boolean } = {}): Promise<number> {
    return count(this.driver,
      'SELECT count(*)::int AS n FROM incidents WHERE street_id = $1 AND ($2::bool IS NULL OR simulated = $2::bool)',
      [this.streetId, where.simulated ?? null]);
  }

  countFeed(kind: FeedKind, where: { simulated?: boolean } = {}): Promise<number> {
    return count(this.driver,
      'SELECT count(*)::int AS n FROM feed_records WHERE street_id = $1 AND kind = $2 AND ($3::bool IS NULL OR simulated = $3::bool)',
      [this.streetId, kind, where.simulated ?? null]);
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}

/** A driver over an open transaction: every query runs inside it; a nested transaction is the same one. */
function inTransaction(tx: Queryable, kind: StoreKind): SqlDriver {
  return {
    kind,
    query: <R>(sql: string, params?: unknown[]) => tx.query<R>(sql, params),
    exec: async (sql) => {
      await tx.query(sql);
    },
    transaction: (fn) => fn(tx),
    close: async () => {},
  };
}

async function count(q: Queryable, sql: string, params: unknown[]): Promise<number> {
  const rows = await q.query<{ n: number }>(sql, params);
  return rows[0]?.n ?? 0;
}

