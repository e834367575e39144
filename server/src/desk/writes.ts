// The desk's reads of its timeline and its own audit entries. Its changes to incidents (moves,
// escalations, evaluations, reclassifications, notes) are the write service's
// (server/src/ingest/service.ts, written by server/src/store/desk-changes.ts).
import type { AuditKind, Incident } from '@grid141/shared';
import { writeAudit } from '../audit/log.ts';
import type { Actor } from '../auth/actor.ts';
import type { DeskChange } from '../store/desk-changes.ts';
import type { Queryable } from '../store/types.ts';

type Row = Record<string, unknown>;

/** A timeline entry of the desk (beside the lifecycle history). */
export interface DeskNote {
  at: string;
  kind: DeskChange['kind'] | 'dispatch';
  by: string | null;
  detail: Record<string, unknown>;
}

/** The version a desk sends back in If-Match (the incident's counter; ETag "<version>"). */
export function versionOf(incident: Incident): string {
  return String(incident.version ?? 1);
}

export async function deskNotes(db: Queryable, id: string): Promise<DeskNote[]> {
  const rows = await db.query<Row>('SELECT at, kind, by_whom, detail FROM desk_notes WHERE incident_id = $1 ORDER BY seq', [id]);
  return rows.map((r) => ({ at: new Date(r.at as string).toISOString(), kind: r.kind as DeskNote['kind'], by: (r.by_whom as string | null) ?? null, detail: r.detail as Record<string, unknown> }));
}

/** An audit entry for the desk's own changes (targets, emergency mode, handover signatures). */
export function writeDeskAudit(db: Queryable, actor: Actor, kind: AuditKind, target: string, detail: Record<string, unknown>): Promise<void> {
  return writeAudit(db, { actor: actor.name, actorKind: actor.kind, address: actor.address ?? null, kind, target, detail });
}
