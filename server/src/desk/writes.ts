// The desk's changes to an incident that are not lifecycle moves: 吹哨 escalations, the
// reporter's evaluation, a leader's reclassification, notes. Each is one transaction that locks
// the row, checks the version the desk saw (If-Match), writes, and keeps a timeline entry.
import { canTransition, isOpenStatus, STATUS_TIMESTAMP, TRANSITIONS, type Escalation, type IncidentStatus, type Evaluation, type Incident, type IncidentColour, type Urgency } from '@grid141/shared';
import { INCIDENT_SELECT, toIncident } from '../store/rows.ts';
import type { Queryable, SqlDriver } from '../store/types.ts';

type Row = Record<string, unknown>;

export type DeskChange =
  | { kind: 'escalation'; escalation: Escalation }
  | { kind: 'evaluation'; evaluation: Evaluation }
  | { kind: 'reclassification'; colour?: IncidentColour; urgency?: Urgency; note?: string }
  | { kind: 'note'; note: string };

export type DeskWriteOutcome =
  | { ok: true; before: Incident; after: Incident }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'stale'; current: Incident }
  | { ok: false; reason: 'refused'; detail: string; path: string };

/** A timeline entry of the desk (beside the lifecycle history). */
export interface DeskNote {
  at: string;
  kind: DeskChange['kind'] | 'dispatch';
  by: string | null;
  detail: Record<string, unknown>;
}

/**
 * Applies one desk change. `ifMatch` is the incident's `updatedAt` as the desk saw it (the
 * version until the write service's own counter replaces it); a mismatch is `stale` with the
 * current incident, nothing written. Evaluations only on closed incidents; the rest on open ones
 * (notes on any).
 */
export function applyDeskChange(db: SqlDriver, streetId: string, id: string, change: DeskChange, by: string, at: Date, ifMatch: string | null, now: number): Promise<DeskWriteOutcome> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<Row>(`SELECT ${INCIDENT_SELECT} FROM incidents WHERE id = $1 AND street_id = $2 FOR UPDATE`, [id, streetId]);
    if (!rows[0]) return { ok: false, reason: 'not-found' } as const;
    const before = toIncident(rows[0], now);
    if (ifMatch !== null && ifMatch !== versionOf(before)) return { ok: false, reason: 'stale', current: before } as const;
    const atIso = at.toISOString();
    let set: string;
    let params: unknown[];
    let detail: Record<string, unknown>;
    switch (change.kind) {
      case 'escalation':
        if (!isOpenStatus(before.status)) return refused('department', `a ${before.status} incident cannot be escalated`);
        set = 'escalations = escalations || jsonb_build_array($2::jsonb)';
        params = [JSON.stringify(change.escalation)];
        detail = { ...change.escalation };
        break;
      case 'evaluation':
        if (before.status !== 'closed') return refused('satisfied', `only a closed incident is evaluated (this one is ${before.status})`);
        set = 'evaluation = $2::jsonb';
        params = [JSON.stringify(change.evaluation)];
        detail = { ...change.evaluation };
        break;
      case 'reclassification':
        if (!isOpenStatus(before.status)) return refused('colour', `a ${before.status} incident is not reclassified`);
        set = 'colour = COALESCE($2, colour), urgency = COALESCE($3, urgency)';
        params = [change.colour ?? null, change.urgency ?? null];
        detail = {
          ...(change.colour ? { colour: { from: before.colour, to: change.colour } } : {}),
          ...(change.urgency ? { urgency: { from: before.urgency, to: change.urgency } } : {}),
          ...(change.note ? { note: change.note } : {}),
        };
        break;
      case 'note':
        set = 'escalations = escalations';
        params = [];
        detail = { note: change.note };
        break;
    }
    const n = params.length;
    const updated = await tx.query<Row>(
      `UPDATE incidents SET ${set}, updated_at = GREATEST($${n + 2}::timestamptz, updated_at + interval '1 millisecond') WHERE id = $1 RETURNING ${INCIDENT_SELECT}`,
      [id, ...params, atIso],
    );
    await tx.query('INSERT INTO desk_notes (incident_id, at, kind, by_whom, detail) VALUES ($1, $2::timestamptz, $3, $4, $5::jsonb)', [id, atIso, change.kind, by, JSON.stringify(detail)]);
    return { ok: true, before, after: toIncident(updated[0] as Row, now) } as const;
  });
}

function refused(path: string, detail: string): DeskWriteOutcome {
  return { ok: false, reason: 'refused', detail, path };
}

/** The version a desk sends back in If-Match (until the write service's counter is in). */
export function versionOf(incident: Incident): string {
  const v = (incident as Incident & { version?: number }).version;
  return v !== undefined ? String(v) : incident.updatedAt;
}

export async function deskNotes(db: Queryable, id: string): Promise<DeskNote[]> {
  const rows = await db.query<Row>('SELECT at, kind, by_whom, detail FROM desk_notes WHERE incident_id = $1 ORDER BY seq', [id]);
  return rows.map((r) => ({ at: new Date(r.at as string).toISOString(), kind: r.kind as DeskNote['kind'], by: (r.by_whom as string | null) ?? null, detail: r.detail as Record<string, unknown> }));
}

const STAMP_COLUMN = { acceptedAt: 'accepted_at', dispatchedAt: 'dispatched_at', onSiteAt: 'on_site_at', handledAt: 'handled_at', closedAt: 'closed_at' } as const;

export type MoveOutcome =
  | { ok: true; before: Incident; after: Incident }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'stale'; current: Incident }
  | { ok: false; reason: 'refused'; from: IncidentStatus; allowed: IncidentStatus[] };

/**
 * A lifecycle move in one transaction: lock the row, check the version the desk saw, check the
 * lifecycle, stamp the status time, append history (and whom it was dispatched to). Two desks
 * acting on the same version: the second waits for the lock, then finds the version moved (412).
 */
export function moveIncident(
  db: SqlDriver, streetId: string, id: string,
  move: { to: IncidentStatus; note: string | null; assignee: string | null; dispatchKind?: string | null },
  by: string, at: Date, ifMatch: string | null, now: number,
): Promise<MoveOutcome> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<Row>(`SELECT ${INCIDENT_SELECT} FROM incidents WHERE id = $1 AND street_id = $2 FOR UPDATE`, [id, streetId]);
    if (!rows[0]) return { ok: false, reason: 'not-found' } as const;
    const before = toIncident(rows[0], now);
    if (ifMatch !== null && ifMatch !== versionOf(before)) return { ok: false, reason: 'stale', current: before } as const;
    if (!canTransition(before.status, move.to)) return { ok: false, reason: 'refused', from: before.status, allowed: [...TRANSITIONS[before.status]] } as const;
    // Strictly later than the last change, so the version (updatedAt) always moves.
    const atIso = new Date(Math.max(at.getTime(), Date.parse(before.updatedAt) + 1)).toISOString();
    const stamp = STATUS_TIMESTAMP[move.to];
    const stampSql = stamp ? `, ${STAMP_COLUMN[stamp]} = $3::timestamptz` : '';
    const updated = await tx.query<Row>(
      `UPDATE incidents SET status = $2, updated_at = $3::timestamptz, assignee = COALESCE($4, assignee)${stampSql} WHERE id = $1 RETURNING ${INCIDENT_SELECT}`,
      [id, move.to, atIso, move.assignee],
    );
    await tx.query('INSERT INTO incident_history (incident_id, at, from_status, to_status, by_whom, note) VALUES ($1, $2::timestamptz, $3, $4, $5, $6)', [id, atIso, before.status, move.to, by, move.note]);
    if (move.to === 'dispatched' && move.assignee) {
      await tx.query("INSERT INTO desk_notes (incident_id, at, kind, by_whom, detail) VALUES ($1, $2::timestamptz, 'dispatch', $3, $4::jsonb)", [id, atIso, by, JSON.stringify({ assignee: move.assignee, dispatchKind: move.dispatchKind ?? null })]);
    }
    return { ok: true, before, after: toIncident(updated[0] as Row, now) } as const;
  });
}
