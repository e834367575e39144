// The duty desk's changes to an incident that are not lifecycle moves: 吹哨 escalations, the
// reporter's evaluation, a leader's reclassification, notes. Each is one transaction that locks
// the row, checks the version the caller saw (If-Match), writes, keeps a timeline entry
// (desk_notes) and the audit entry. The write service (server/src/ingest/service.ts,
// escalate/evaluate/reclassify/addNote) validates, checks the role and announces; this only writes.
import { isOpenStatus, type Escalation, type Evaluation, type Incident, type IncidentColour, type Urgency } from '@grid141/shared';
import { writeAudit, type NewAuditEntry } from '../audit/log.ts';
import { INCIDENT_SELECT, toIncident } from './rows.ts';
import type { Queryable, SqlDriver } from './types.ts';

type Row = Record<string, unknown>;

export type DeskChange =
  | { kind: 'escalation'; escalation: Escalation }
  | { kind: 'evaluation'; evaluation: Evaluation }
  | { kind: 'reclassification'; colour?: IncidentColour; urgency?: Urgency; note?: string }
  | { kind: 'note'; note: string };

export interface DeskChangeRequest {
  /** Who made it (the timeline's `by`). */
  by: string;
  at: Date;
  /** Refuse (reason 'stale') unless the incident is at this version. */
  ifVersion?: number;
  /** The audit entry, given the timeline entry's detail (what changed, from what); written in the same transaction. */
  audit?: (detail: Record<string, unknown>) => NewAuditEntry;
}

export type DeskChangeOutcome =
  | { ok: true; before: Incident; after: Incident }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'stale'; current: Incident }
  /** Not in this status: evaluations only on closed incidents, escalations and reclassifications only on open ones; `path` names the field. */
  | { ok: false; reason: 'not-now'; detail: string; path: string };

/**
 * Applies one desk change: version +1, updated_at moved on (at least 1 ms), a desk_notes entry
 * and the audit entry, in one transaction; nothing written when refused. Notes go on any incident.
 */
export function changeIncident(db: SqlDriver, streetId: string, now: number, id: string, change: DeskChange, request: DeskChangeRequest): Promise<DeskChangeOutcome> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<Row>(`SELECT ${INCIDENT_SELECT} FROM incidents WHERE id = $1 AND street_id = $2 FOR UPDATE`, [id, streetId]);
    if (!rows[0]) return { ok: false, reason: 'not-found' } as const;
    const before = toIncident(rows[0], now);
    if (request.ifVersion !== undefined && request.ifVersion !== (before.version ?? 1)) return { ok: false, reason: 'stale', current: before } as const;
    const atIso = request.at.toISOString();
    let set: string;
    let params: unknown[];
    let detail: Record<string, unknown>;
    switch (change.kind) {
      case 'escalation':
        if (!isOpenStatus(before.status)) return notNow('department', `a ${before.status} incident cannot be escalated`);
        // An answer to a call about the incident cannot come before the incident was reported (docs/api.md, "Times").
        if (change.escalation.answeredAt !== undefined && Date.parse(change.escalation.answeredAt) < Date.parse(before.reportedAt)) {
          return notNow('answeredAt', 'answeredAt is before the incident was reported');
        }
        set = 'escalations = escalations || jsonb_build_array($2::jsonb)';
        params = [JSON.stringify(change.escalation)];
        detail = { ...change.escalation };
        break;
      case 'evaluation':
        if (before.status !== 'closed') return notNow('satisfied', `only a closed incident is evaluated (this one is ${before.status})`);
        set = 'evaluation = $2::jsonb';
        params = [JSON.stringify(change.evaluation)];
        detail = { ...change.evaluation };
        break;
      case 'reclassification':
        if (!isOpenStatus(before.status)) return notNow('colour', `a ${before.status} incident is not reclassified`);
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
      `UPDATE incidents SET ${set}, version = version + 1, updated_at = GREATEST($${n + 2}::timestamptz, updated_at + interval '1 millisecond') WHERE id = $1 RETURNING ${INCIDENT_SELECT}`,
      [id, ...params, atIso],
    );
    await addDeskNote(tx, id, change.kind, request.by, atIso, detail);
    if (request.audit) await writeAudit(tx, request.audit(detail));
    return { ok: true, before, after: toIncident(updated[0] as Row, now) } as const;
  });
}

function notNow(path: string, detail: string): DeskChangeOutcome {
  return { ok: false, reason: 'not-now', detail, path };
}

/** One entry of the desk's timeline (beside the lifecycle history); `at` ISO 8601. */
export async function addDeskNote(db: Queryable, id: string, kind: DeskChange['kind'] | 'dispatch', by: string | null, at: string, detail: Record<string, unknown>): Promise<void> {
  await db.query('INSERT INTO desk_notes (incident_id, at, kind, by_whom, detail) VALUES ($1, $2::timestamptz, $3, $4, $5::jsonb)', [id, at, kind, by, JSON.stringify(detail)]);
}

/** The latest move or desk entry of an incident: who (null when unrecorded) and when (null without any). */
export async function lastChange(db: Queryable, id: string): Promise<{ by: string | null; at: string | null }> {
  const rows = await db.query<{ by_whom: string | null; at: unknown }>(
    `SELECT by_whom, at FROM (
       (SELECT by_whom, at FROM incident_history WHERE incident_id = $1 ORDER BY seq DESC LIMIT 1)
       UNION ALL (SELECT by_whom, at FROM desk_notes WHERE incident_id = $1 ORDER BY seq DESC LIMIT 1)) c
     ORDER BY at DESC LIMIT 1`,
    [id],
  );
  const row = rows[0];
  return { by: row?.by_whom ?? null, at: row ? new Date(row.at as string).toISOString() : null };
}
