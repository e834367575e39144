// What the duty desk's timeline needs of the store besides the lifecycle history: who changed an
// incident last and when (a move or a desk entry in desk_notes), for the 412 of a stale change.
import type { Queryable } from './types.ts';

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
