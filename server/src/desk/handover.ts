// Shift handover (交接班): a sheet for the incoming shift of what came in, what was closed, what
// is still open (late first, with the time left), the alarms still unresolved and the outgoing
// shift's notes; both duty leaders sign it. Made at each roster shift boundary and on demand.
import { randomUUID } from 'node:crypto';
import { queueQuerySchema, type HandoverSheet } from '@grid141/shared';
import { ALARMING_TYPES } from '../live/alerts.ts';
import type { Store } from '../store/types.ts';
import { queuePage } from './sql.ts';

type Row = Record<string, unknown>;
/** Open incidents listed on the sheet (the rest are counted): two A4 pages at most. */
export const HANDOVER_OPEN_MAX = 60;

export interface HandoverInput {
  from: Date;
  to: Date;
  by: string;
  notes: string;
  outgoingLeader: string | null;
  incomingLeader: string | null;
}

export interface HandoverService {
  create(input: HandoverInput): Promise<HandoverSheet>;
  list(limit: number): Promise<HandoverSheet[]>;
  get(id: string): Promise<HandoverSheet | null>;
  /**
   * Adds a leader's signature; null when the sheet is unknown, 'signed' when that side already
   * signed, 'same-person' when `by` signed the other side (the two signatures are two people).
   */
  sign(id: string, role: 'outgoing' | 'incoming', by: string, at: Date): Promise<HandoverSheet | null | 'signed' | 'same-person'>;
  /** When the last sheet ended (the next one starts there); null before the first. */
  lastEnd(): Promise<Date | null>;
}

const toSheet = (r: Row): HandoverSheet => ({ ...(r.sheet as HandoverSheet), id: r.id as string, signatures: (r.signatures as HandoverSheet['signatures']) ?? [] });

export function openHandovers(store: Store): HandoverService {
  const db = store.sql;
  const streetId = store.streetId;
  return {
    async create(input) {
      const now = input.to.getTime();
      const [counts, page, alarms] = await Promise.all([
        db.query<{ came: number; closed: number }>(
          `SELECT (SELECT count(*)::int FROM incidents WHERE street_id = $1 AND reported_at >= $2::timestamptz AND reported_at < $3::timestamptz) AS came,
                  (SELECT count(*)::int FROM incidents WHERE street_id = $1 AND closed_at >= $2::timestamptz AND closed_at < $3::timestamptz AND status = 'closed') AS closed`,
          [streetId, input.from.toISOString(), input.to.toISOString()],
        ),
        queuePage(db, streetId, queueQuerySchema.parse({ limit: HANDOVER_OPEN_MAX }), now),
        db.query<Row>(
          `SELECT id, payload->>'type' AS type, occurred_at, community_id, grid_id FROM feed_records
           WHERE street_id = $1 AND kind = 'alarms' AND resolved_at IS NULL AND payload->>'type' = ANY($2::text[])
           ORDER BY occurred_at DESC LIMIT 100`,
          [streetId, [...ALARMING_TYPES]],
        ),
      ]);
      const sheet: HandoverSheet = {
        id: randomUUID(),
        from: input.from.toISOString(),
        to: input.to.toISOString(),
        createdAt: new Date().toISOString(),
        createdBy: input.by,
        outgoingLeader: input.outgoingLeader,
        incomingLeader: input.incomingLeader,
        cameIn: counts[0]?.came ?? 0,
        closed: counts[0]?.closed ?? 0,
        open: page.items.map(({ incident: i, next, late }) => ({
          id: i.id, category: i.category, urgency: i.urgency, colour: i.colour, status: i.status,
          description: i.description.slice(0, 200), address: i.address, reportedAt: i.reportedAt, next, late,
        })),
        openTotal: page.total,
        overdueTotal: page.overdue,
        alarms: alarms.map((a) => ({ id: a.id as string, type: a.type as string, occurredAt: new Date(a.occurred_at as string).toISOString(), communityId: (a.community_id as string | null) ?? null, gridId: (a.grid_id as string | null) ?? null })),
        notes: input.notes,
        signatures: [],
      };
      await db.query(
        'INSERT INTO handovers (id, street_id, shift_from, shift_to, created_at, created_by, sheet) VALUES ($1, $2, $3::timestamptz, $4::timestamptz, $5::timestamptz, $6, $7::jsonb)',
        [sheet.id, streetId, sheet.from, sheet.to, sheet.createdAt, sheet.createdBy, JSON.stringify(sheet)],
      );
      return sheet;
    },
    async list(limit) {
      const rows = await db.query<Row>('SELECT id, sheet, signatures FROM handovers WHERE street_id = $1 ORDER BY created_at DESC LIMIT $2', [streetId, limit]);
      return rows.map(toSheet);
    },
    async get(id) {
      const rows = await db.query<Row>('SELECT id, sheet, signatures FROM handovers WHERE street_id = $1 AND id = $2', [streetId, id]);
      return rows[0] ? toSheet(rows[0]) : null;
    },
    async sign(id, role, by, at) {
      return db.transaction(async (tx) => {
        const rows = await tx.query<Row>('SELECT id, sheet, signatures FROM handovers WHERE street_id = $1 AND id = $2 FOR UPDATE', [streetId, id]);
        if (!rows[0]) return null;
        const sheet = toSheet(rows[0]);
        if (sheet.signatures.some((s) => s.role === role)) return 'signed' as const;
        if (sheet.signatures.some((s) => s.role !== role && s.by === by)) return 'same-person' as const;
        const signatures = [...sheet.signatures, { role, by, at: at.toISOString() }];
        await tx.query('UPDATE handovers SET signatures = $2::jsonb WHERE id = $1', [id, JSON.stringify(signatures)]);
        return { ...sheet, signatures };
      });
    },
    async lastEnd() {
      const rows = await db.query<{ t: unknown }>('SELECT max(shift_to) AS t FROM handovers WHERE street_id = $1', [streetId]);
      return rows[0]?.t ? new Date(rows[0].t as string) : null;
    },
  };
}

