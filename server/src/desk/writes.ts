// The desk's changes to an incident that are not lifecycle moves: 吹哨 escalations, the
// reporter's evaluation, a leader's reclassification, notes. Each is one transaction that locks
// the row, checks the version the desk saw (If-Match), writes, and keeps a timeline entry.
import { isOpenStatus, type Escalation, type Evaluation, type Incident, type IncidentColour, type Urgency } from '@grid141/shared';
import { INCIDENT_SELECT, toIncident } from '../store/rows.ts';
import type { Queryable, SqlDriver } from '../store/types.ts';
import type { Actor } from '../auth/actor.ts';
import { writeAudit } from '../audit/log.ts';
import type { AuditKind } from '@grid141/shared';

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

const AUDIT_OF: Record<DeskChange['kind'], AuditKind> = {
  escalation: 'incident.escalated', evaluation: 'incident.evaluated', reclassification: 'incident.reclassified', note: 'incident.noted',
};

/**
 * Applies one desk change. `ifMatch` is the incident's version as the desk saw it; a mismatch is
 * `stale` with the current incident, nothing written. Version +1, a timeline entry and an audit
 * entry in the same transaction. Evaluations only on closed incidents; the rest on open ones
 * (notes on any).
 */
export function applyDeskChange(db: SqlDriver, streetId: string, id: string, change: DeskChange, actor: Actor, at: Date, ifMatch: number | null, now: number): Promise<DeskWriteOutcome> {
  const by = actor.name;
  return db.transaction(async (tx) => {
    const rows = await tx.query<Row>(`SELECT ${INCIDENT_SELECT} FROM incidents WHERE id = $1 AND street_id = $2 FOR UPDATE`, [id, streetId]);
    if (!rows[0]) return { ok: false, reason: 'not-found' } as const;
    const before = toIncident(rows[0], now);
    if (ifMatch !== null && ifMatch !== (before.version ?? 1)) return { ok: false, reason: 'stale', current: before } as const;
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
      `UPDATE incidents SET ${set}, version = version + 1, updated_at = GREATEST($${n + 2}::timestamptz, updated_at + interval '1 millisecond') WHERE id = $1 RETURNING ${INCIDENT_SELECT}`,
      [id, ...params, atIso],
    );
    await tx.query('INSERT INTO desk_notes (incident_id, at, kind, by_whom, detail) VALUES ($1, $2::timestamptz, $3, $4, $5::jsonb)', [id, atIso, change.kind, by, JSON.stringify(detail)]);
    await writeAudit(tx, { actor: by, actorKind: actor.kind, address: actor.address ?? null, kind: AUDIT_OF[change.kind], target: id, detail });
    return { ok: true, before, after: toIncident(updated[0] as Row, now) } as const;
  });
}

function refused(path: string, detail: string): DeskWriteOutcome {
  return { ok: false, reason: 'refused', detail, path };
}

/** The version a desk sends back in If-Match (the incident's counter; ETag "<version>"). */
export function versionOf(incident: Incident): string {
  return String(incident.version ?? 1);
}

export async function deskNotes(db: Queryable, id: string): Promise<DeskNote[]> {
  const rows = await db.query<Row>('SELECT at, kind, by_whom, detail FROM desk_notes WHERE incident_id = $1 ORDER BY seq', [id]);
  return rows.map((r) => ({ at: new Date(r.at as string).toISOString(), kind: r.kind as DeskNote['kind'], by: (r.by_whom as string | null) ?? null, detail: r.detail as Record<string, unknown> }));
}


/** Records whom a dispatch went to and as what (post, grid worker, department) beside the move. */
export async function addDispatchNote(db: Queryable, id: string, by: string, at: string, detail: { assignee: string; dispatchKind: string | null }): Promise<void> {
  await db.query("INSERT INTO desk_notes (incident_id, at, kind, by_whom, detail) VALUES ($1, $2::timestamptz, 'dispatch', $3, $4::jsonb)", [id, at, by, JSON.stringify(detail)]);
}

/** An audit entry for the desk's own changes (targets, emergency mode, handover signatures). */
export function writeDeskAudit(db: Queryable, actor: Actor, kind: AuditKind, target: string, detail: Record<string, unknown>): Promise<void> {
  return writeAudit(db, { actor: actor.name, actorKind: actor.kind, address: actor.address ?? null, kind, target, detail });
}
