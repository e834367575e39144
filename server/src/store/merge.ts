// Merging a duplicate report into its original, and undoing it: one transaction each, both
// incidents locked, a history entry on each (the original's keeps its status and names the
// duplicate), so either timeline tells the story. Rules in docs/api.md (duplicates).
import { canTransition, MERGE_UNDO_MS, TERMINAL_STATUSES, type Incident, type IncidentStatus } from '@grid141/shared';
import { writeAudit, type NewAuditEntry } from '../audit/log.ts';
import { INCIDENT_SELECT, toIncident } from './rows.ts';
import type { Queryable, SqlDriver } from './types.ts';

type Row = Record<string, unknown>;

export interface MergeRequest {
  by?: string | null;
  note?: string | null;
  at?: Date;
  /** The duplicate's version the caller last saw (If-Match); a stale one is refused. */
  ifVersion?: number;
  /** Written in the same transaction. */
  audit?: NewAuditEntry;
}

export interface IncidentMove {
  before: Incident;
  after: Incident;
}

export type MergeOutcome =
  | { ok: true; duplicate: IncidentMove; original: IncidentMove }
  | { ok: false; reason: 'not-found'; id: string }
  /** `field`: the request's field the refusal is about (`into` when the original cannot take it). */
  | { ok: false; reason: 'refused'; detail: string; field?: 'into' }
  | { ok: false; reason: 'stale'; current: Incident };

export interface UnmergeRequest extends MergeRequest {
  /** How long after the merge it may be undone; default MERGE_UNDO_MS (a day). */
  withinMs?: number;
}

export type UnmergeOutcome =
  | { ok: true; duplicate: IncidentMove; original: IncidentMove | null }
  | { ok: false; reason: 'not-found'; id: string }
  | { ok: false; reason: 'refused'; detail: string }
  | { ok: false; reason: 'stale'; current: Incident };

const TERMINAL_LIST = TERMINAL_STATUSES.map((s) => `'${s}'`).join(', ');

async function history(tx: Queryable, row: {
  id: string; at: string; from: IncidentStatus; to: IncidentStatus; by: string | null; note: string | null; event: string; related: string;
}): Promise<void> {
  await tx.query(
    `INSERT INTO incident_history (incident_id, at, from_status, to_status, by_whom, note, event, related_id)
     VALUES ($1, $2::timestamptz, $3, $4, $5, $6, $7, $8)`,
    [row.id, row.at, row.from, row.to, row.by, row.note, row.event, row.related],
  );
}

/** Merges `id` into `into`: the duplicate moves to `merged` (lifecycle permitting) with mergedInto. */
export function mergeIncident(driver: SqlDriver, streetId: string, now: number, id: string, into: string, request: MergeRequest): Promise<MergeOutcome> {
  return driver.transaction(async (tx) => {
    // Both rows locked in id order, so two merges of the same pair cannot deadlock.
    const rows = await tx.query<Row>(
      `SELECT ${INCIDENT_SELECT} FROM incidents WHERE id = ANY($1::text[]) AND street_id = $2 ORDER BY id FOR UPDATE`,
      [[id, into], streetId],
    );
    const found = new Map(rows.map((r) => [r.id as string, toIncident(r, now)]));
    const before = found.get(id);
    const original = found.get(into);
    if (!before) return { ok: false, reason: 'not-found', id } as const;
    if (!original) return { ok: false, reason: 'not-found', id: into } as const;
    if (request.ifVersion !== undefined && request.ifVersion !== (before.version ?? 1)) return { ok: false, reason: 'stale', current: before } as const;
    if (id === into) return { ok: false, reason: 'refused', detail: 'an incident cannot be merged into itself' } as const;
    if (original.status === 'merged') {
      return { ok: false, reason: 'refused', field: 'into', detail: `原事件已并入另一事件，请并入那一件 (${into} is itself merged into ${original.mergedInto ?? 'another incident'}; merge into that one)` } as const;
    }
    // A duplicate joins a matter still open (tester's finding 10): merged into a closed or rejected
    // one, a fresh report of a problem that came back would be closed unseen (and Open311 would
    // tell its reporter `closed`).
    if (TERMINAL_STATUSES.includes(original.status)) {
      const label = original.status === 'closed' ? '已办结' : '不予受理';
      return { ok: false, reason: 'refused', field: 'into', detail: `原事件${label}，不能并入；请按新事件受理 (${into} is ${original.status}: a report cannot be merged into a finished incident; handle it as a new one)` } as const;
    }
    if (!canTransition(before.status, 'merged')) {
      return { ok: false, reason: 'refused', detail: `an incident cannot move from ${before.status} to merged` } as const;
    }
    const at = (request.at ?? new Date(now)).toISOString();
    const updated = await tx.query<Row>(
      `UPDATE incidents SET status = 'merged', merged_into = $2, closed_at = $3::timestamptz, updated_at = $3::timestamptz, version = version + 1
       WHERE id = $1 RETURNING ${INCIDENT_SELECT}`,
      [id, into, at],
    );
    // The original's timeline grows (its ETag changes); its status and updated_at do not.
    const originalAfter = await tx.query<Row>(`UPDATE incidents SET version = version + 1 WHERE id = $1 RETURNING ${INCIDENT_SELECT}`, [into]);
    const by = request.by ?? null;
    const note = request.note ?? `合并至 ${into}`;
    await history(tx, { id, at, from: before.status, to: 'merged', by, note, event: 'merged', related: into });
    await history(tx, { id: into, at, from: original.status, to: original.status, by, note: request.note ?? `并入重复上报 ${id}`, event: 'merged_in', related: id });
    if (request.audit) await writeAudit(tx, request.audit);
    return { ok: true, duplicate: { before, after: toIncident(updated[0] as Row, now) }, original: { before: original, after: toIncident(originalAfter[0] as Row, now) } } as const;
  });
}

/**
 * Undoes the merge of `id`: back to the status it had before, mergedInto cleared, within
 * `withinMs` of the merge. Refused when it is not merged, was merged without an original (an
 * old-style move), or the time is up.
 */
export function unmergeIncident(driver: SqlDriver, streetId: string, now: number, id: string, request: UnmergeRequest): Promise<UnmergeOutcome> {
  return driver.transaction(async (tx) => {
    const rows = await tx.query<Row>(`SELECT ${INCIDENT_SELECT} FROM incidents WHERE id = $1 AND street_id = $2 FOR UPDATE`, [id, streetId]);
    if (!rows[0]) return { ok: false, reason: 'not-found', id } as const;
    const before = toIncident(rows[0], now);
    if (request.ifVersion !== undefined && request.ifVersion !== (before.version ?? 1)) return { ok: false, reason: 'stale', current: before } as const;
    if (before.status !== 'merged' || !before.mergedInto) {
      return { ok: false, reason: 'refused', detail: `${id} is not merged into another incident` } as const;
    }
    const merge = (await tx.query<{ at: Date | string; from_status: IncidentStatus }>(
      `SELECT at, from_status FROM incident_history WHERE incident_id = $1 AND to_status = 'merged' ORDER BY seq DESC LIMIT 1`,
      [id],
    ))[0];
    if (!merge) return { ok: false, reason: 'refused', detail: `${id} has no merge in its history` } as const;
    const mergedAt = new Date(merge.at).getTime();
    const at = (request.at ?? new Date(now)).toISOString();
    if (Date.parse(at) - mergedAt > (request.withinMs ?? MERGE_UNDO_MS)) {
      return { ok: false, reason: 'refused', detail: `the merge of ${id} is more than a day old and can no longer be undone` } as const;
    }
    const into: string = before.mergedInto;
    const updated = await tx.query<Row>(
      `UPDATE incidents SET status = $2, merged_into = NULL, closed_at = NULL, updated_at = $3::timestamptz, version = version + 1
       WHERE id = $1 RETURNING ${INCIDENT_SELECT}`,
      [id, merge.from_status, at],
    );
    const by = request.by ?? null;
    await history(tx, { id, at, from: 'merged', to: merge.from_status, by, note: request.note ?? `撤销合并（原并入 ${into}）`, event: 'unmerged', related: into });
    const originalRow = (await tx.query<Row>(`SELECT ${INCIDENT_SELECT} FROM incidents WHERE id = $1 AND street_id = $2 FOR UPDATE`, [into, streetId]))[0];
    let original: IncidentMove | null = null;
    if (originalRow) {
      const was = toIncident(originalRow, now);
      await history(tx, { id: into, at, from: was.status, to: was.status, by, note: request.note ?? `撤销并入 ${id}`, event: 'merge_undone', related: id });
      const bumped = await tx.query<Row>(`UPDATE incidents SET version = version + 1 WHERE id = $1 RETURNING ${INCIDENT_SELECT}`, [into]);
      original = { before: was, after: toIncident(bumped[0] as Row, now) };
    }
    if (request.audit) await writeAudit(tx, request.audit);
    return { ok: true, duplicate: { before, after: toIncident(updated[0] as Row, now) }, original } as const;
  });
}

/** What the duplicate index keeps of an open incident. */
export interface OpenPoint {
  id: string;
  category: Incident['category'];
  lng: number;
  lat: number;
  reportedAtMs: number;
  possibleDuplicateOf: string | null;
}

/** Every open incident's point, category and time (the partial index on open statuses finds them). */
export async function openPoints(driver: SqlDriver, streetId: string): Promise<OpenPoint[]> {
  const rows = await driver.query<Row>(
    `SELECT id, category, lng, lat, reported_at, possible_duplicate_of FROM incidents
     WHERE street_id = $1 AND status NOT IN (${TERMINAL_LIST})`,
    [streetId],
  );
  return rows.map((r) => ({
    id: r.id as string, category: r.category as Incident['category'], lng: r.lng as number, lat: r.lat as number,
    reportedAtMs: new Date(r.reported_at as string).getTime(), possibleDuplicateOf: (r.possible_duplicate_of as string | null) ?? null,
  }));
}
