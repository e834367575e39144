// The audit log: who did what, from where, when. Written by the change it records, inside
// that change's transaction (a move and its entry commit together or not at all); read by
// the admin a page at a time. Nothing in the API edits or deletes it (docs/security.md).
import type { ActorKind, AuditEntry, AuditKind, AuditPage } from '@grid141/shared';
import type { Queryable } from '../store/types.ts';
import { filterTime } from '../store/time-bound.ts';

/** One entry to write; `at` defaults to the database's now(). */
export interface NewAuditEntry {
  actor: string;
  actorKind: ActorKind;
  address?: string | null;
  kind: AuditKind;
  target?: string | null;
  /** What changed: never a password, a key or a token (callers pass names and flags only). */
  detail?: Record<string, unknown>;
  at?: string;
}

/** Appends entries in one statement, on the caller's transaction when `q` is one. */
export async function writeAudit(q: Queryable, entries: NewAuditEntry | NewAuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (list.length === 0) return;
  await q.query(
    `INSERT INTO audit_log (at, actor, actor_kind, address, kind, target, detail)
     SELECT COALESCE(at, now()), actor, actor_kind, address, kind, target, detail::jsonb
     FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
       AS e(at, actor, actor_kind, address, kind, target, detail)`,
    [
      list.map((e) => e.at ?? null),
      list.map((e) => e.actor),
      list.map((e) => e.actorKind),
      list.map((e) => e.address ?? null),
      list.map((e) => e.kind),
      list.map((e) => e.target ?? null),
      list.map((e) => JSON.stringify(e.detail ?? {})),
    ],
  );
}

export interface AuditFilter {
  actor?: string;
  kind?: AuditKind[];
  /** at >= from */
  from?: Date;
  /** at < to */
  to?: Date;
}

export class BadAuditCursorError extends Error {
  override name = 'BadAuditCursorError';
}

/** Newest first; the cursor is the last seq served (opaque to clients). */
export async function listAudit(q: Queryable, filter: AuditFilter, limit: number, cursor: string | null): Promise<AuditPage> {
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (filter.actor) add((p) => `actor = ${p}`, filter.actor);
  if (filter.kind?.length) add((p) => `kind = ANY(${p}::text[])`, filter.kind);
  if (filter.from) add((p) => `at >= ${p}::timestamptz`, filterTime(filter.from));
  if (filter.to) add((p) => `at < ${p}::timestamptz`, filterTime(filter.to));
  if (cursor !== null) {
    const seq = /^[0-9]{1,18}$/.test(cursor) ? cursor : null;
    if (seq === null) throw new BadAuditCursorError('cursor is not one this server gave out');
    add((p) => `seq < ${p}::bigint`, seq);
  }
  params.push(limit + 1);
  const rows = await q.query<Record<string, unknown>>(
    `SELECT seq::text AS seq, at, actor, actor_kind, address, kind, target, detail FROM audit_log
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY audit_log.seq DESC LIMIT $${params.length}`,
    params,
  );
  const items = rows.slice(0, limit).map(toAuditEntry);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? String(last.seq) : null };
}

function toAuditEntry(row: Record<string, unknown>): AuditEntry {
  const at = row.at instanceof Date ? row.at.toISOString() : new Date(row.at as string).toISOString();
  const detail = typeof row.detail === 'string' ? (JSON.parse(row.detail) as Record<string, unknown>) : (row.detail as Record<string, unknown>);
  return {
    seq: Number(row.seq),
    at,
    actor: row.actor as string,
    actorKind: row.actor_kind as ActorKind,
    address: (row.address as string | null) ?? null,
    kind: row.kind as AuditKind,
    target: (row.target as string | null) ?? null,
    detail: detail ?? {},
  };
}
