// Emergency mode (战时模式): one incident every wall centres on, from a leader's start to a
// leader's end, both recorded. Kept in the database (a restart or a late wall opens in it) and
// pushed on /live as `emergency` on connect, at start and end, and when its incident changes.
import { randomUUID } from 'node:crypto';
import { withMaskedContact, type EmergencyPayload, type Incident } from '@grid141/shared';
import type { Store } from '../store/types.ts';
import { deskNotes } from './writes.ts';

type Row = Record<string, unknown>;

export interface EmergencyRecord {
  id: string;
  incidentId: string;
  startedAt: string;
  startedBy: string;
  endedAt: string | null;
  endedBy: string | null;
}

const toRecord = (r: Row): EmergencyRecord => ({
  id: r.id as string,
  incidentId: r.incident_id as string,
  startedAt: new Date(r.started_at as string).toISOString(),
  startedBy: r.started_by as string,
  endedAt: r.ended_at ? new Date(r.ended_at as string).toISOString() : null,
  endedBy: (r.ended_by as string | null) ?? null,
});

export interface EmergencyService {
  current(): EmergencyRecord | null;
  /** null when one is already on (the partial unique index decides, across instances too). */
  start(incidentId: string, by: string, at: Date): Promise<EmergencyRecord | null>;
  /** null when none is on. */
  end(by: string, at: Date): Promise<EmergencyRecord | null>;
  history(limit: number): Promise<EmergencyRecord[]>;
  /** What walls are sent now. */
  payload(): Promise<EmergencyPayload>;
}

export async function openEmergency(store: Store): Promise<EmergencyService> {
  const db = store.sql;
  const streetId = store.streetId;
  const load = async () => {
    const rows = await db.query<Row>('SELECT * FROM emergencies WHERE street_id = $1 AND ended_at IS NULL', [streetId]);
    return rows[0] ? toRecord(rows[0]) : null;
  };
  let active = await load();

  return {
    current: () => active,
    async start(incidentId, by, at) {
      const rows = await db.query<Row>(
        `INSERT INTO emergencies (id, street_id, incident_id, started_at, started_by) VALUES ($1, $2, $3, $4::timestamptz, $5)
         ON CONFLICT (street_id) WHERE ended_at IS NULL DO NOTHING RETURNING *`,
        [randomUUID(), streetId, incidentId, at.toISOString(), by],
      );
      if (!rows[0]) {
        active = await load();
        return null;
      }
      active = toRecord(rows[0]);
      return active;
    },
    async end(by, at) {
      const rows = await db.query<Row>(
        'UPDATE emergencies SET ended_at = $2::timestamptz, ended_by = $3 WHERE street_id = $1 AND ended_at IS NULL RETURNING *',
        [streetId, at.toISOString(), by],
      );
      active = null;
      return rows[0] ? toRecord(rows[0]) : null;
    },
    async history(limit) {
      const rows = await db.query<Row>('SELECT * FROM emergencies WHERE street_id = $1 ORDER BY started_at DESC LIMIT $2', [streetId, limit]);
      return rows.map(toRecord);
    },
    async payload() {
      if (!active) return { active: null };
      const incident = await store.getIncident(active.incidentId);
      if (!incident) return { active: null };
      const notes = await deskNotes(db, incident.id);
      const timeline = [
        ...incident.history.map((h) => ({ at: h.at, what: h.to as string, by: h.by, note: h.note })),
        ...notes.map((n) => ({ at: n.at, what: n.kind as string, by: n.by, note: typeof n.detail.note === 'string' ? n.detail.note : null })),
      ].sort((a, b) => a.at.localeCompare(b.at));
      const dispatched = new Set<string>();
      for (const n of notes) if (n.kind === 'dispatch' && typeof n.detail.assignee === 'string') dispatched.add(n.detail.assignee);
      if (incident.assignee) dispatched.add(incident.assignee);
      for (const e of incident.escalations) for (const to of e.to) dispatched.add(to);
      const { history: _h, ...plain } = incident;
      // Every wall shows it: the reporter's number masked, as in the live incidents event.
      return {
        active: { id: active.id, startedAt: active.startedAt, startedBy: active.startedBy, incident: withMaskedContact(plain as Incident), timeline, dispatched: [...dispatched] },
      };
    },
  };
}
