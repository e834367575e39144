// What the weekly report reads for one ISO week (shared WeekRecords): the incidents the week
// touched, the board records of the week, and the standing counts at its end. Each part is one
// statement returning one JSON text (field-by-field rows are what make PGlite scans slow).
import { NOTABLE_INCIDENTS, TERMINAL_STATUSES, type FeedKind, type FeedRecord, type WeekIncident, type WeekRecords } from '@grid141/shared';
import { toFeedRecord } from './rows.ts';
import type { Queryable } from './types.ts';

const TERMINAL_LIST = TERMINAL_STATUSES.map((s) => `'${s}'`).join(', ');
/** Enough of a description for a notable-events line. */
const DESCRIPTION_CHARS = 80;

/** A row of the incidents query (json_build_array in its column order); times are epoch ms. */
function toWeekIncident(a: unknown[]): WeekIncident {
  return {
    id: a[0] as string, status: a[1] as WeekIncident['status'], colour: a[2] as WeekIncident['colour'],
    category: a[3] as WeekIncident['category'], source: a[4] as WeekIncident['source'], urgency: a[5] as WeekIncident['urgency'],
    slaProfile: a[6] as string, communityId: a[7] as string | null, gridId: a[8] as string | null, simulated: a[9] as boolean,
    reportedAt: a[10] as number, acceptedAt: a[11] as number | null, closedAt: a[12] as number | null, dueAt: a[13] as number,
    acceptBy: (a[14] as number | null | undefined) ?? null,
  };
}

/** The week's incidents reported in it are read in this many pieces (see readWeekRecords). */
export const READ_SLICES = 7;

/** One turn of the event loop (timers and I/O run), between the pieces of a long read. */
export const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Epoch milliseconds of a timestamptz column, as a JSON number (no date text to format and parse). */
const ms = (column: string) => `(extract(epoch from ${column}) * 1000)::bigint`;

async function jsonRows(db: Queryable, sql: string, params: unknown[]): Promise<unknown[][]> {
  const [row] = await db.query<{ j: string | null }>(sql, params);
  return row?.j ? (JSON.parse(row.j) as unknown[][]) : [];
}

async function feedRows<K extends FeedKind>(db: Queryable, streetId: string, kind: K, from: Date | null, to: Date): Promise<FeedRecord<K>[]> {
  const rows = await jsonRows(db,
    `SELECT json_agg(json_build_array(id, street_id, kind, payload, received_at, grid_id, community_id))::text AS j
     FROM feed_records WHERE street_id = $1 AND kind = $2
       AND ($3::timestamptz IS NULL OR occurred_at >= $3::timestamptz) AND occurred_at < $4::timestamptz`,
    [streetId, kind, from ? from.toISOString() : null, to.toISOString()]);
  return rows.map((a) => toFeedRecord<K>({
    id: a[0], street_id: a[1], kind: a[2], payload: a[3], received_at: a[4], grid_id: a[5], community_id: a[6],
  }));
}

/**
 * The records of [start, end) and the counts standing at `end`:
 * - incidents reported, accepted or closed in the week (their current row; status times say when);
 * - open at the end: reported before it and not terminal then (closed_at for closures, the
 *   history's first move to rejected or merged for those), overdue when due before the end;
 * - drills from yearStart (1 January of the year the week ends in) to the end;
 * - hazards open: Σ(found − rectified) of every inspection before the end; alarms not resolved by then;
 * - the week's drills, inspections, alarms, meals and volunteer activities; every market entity
 *   registered before the end.
 */
export async function readWeekRecords(db: Queryable, streetId: string, start: Date, end: Date, yearStart: Date): Promise<WeekRecords> {
  const from = start.toISOString();
  const to = end.toISOString();
  const incidentRows = (sql: string, params: unknown[]) => jsonRows(db,
    `SELECT json_agg(json_build_array(id, status, colour, category, source, urgency, sla_profile, community_id, grid_id,
       simulated, ${ms('reported_at')}, ${ms('accepted_at')}, ${ms('closed_at')}, ${ms('due_at')}, ${ms('accept_by')}))::text AS j
     FROM incidents WHERE street_id = $1 AND ${sql}`, [streetId, ...params]);
  // In pieces with a turn of the event loop after each: PGlite runs in the server's thread and its
  // answers settle without one, so one statement over the whole week held the walls' deltas for
  // a second. The pieces are disjoint: reported in each seventh of the week; reported before it
  // and closed in it; reported before it and accepted, not closed, in it.
  const incidents: WeekIncident[] = [];
  const slice = (end.getTime() - start.getTime()) / READ_SLICES;
  for (let i = 0; i < READ_SLICES; i += 1) {
    const a = new Date(start.getTime() + Math.round(i * slice)).toISOString();
    const b = i === READ_SLICES - 1 ? to : new Date(start.getTime() + Math.round((i + 1) * slice)).toISOString();
    for (const row of await incidentRows('reported_at >= $2::timestamptz AND reported_at < $3::timestamptz', [a, b])) incidents.push(toWeekIncident(row));
    await turn();
  }
  for (const row of await incidentRows(
    'reported_at < $2::timestamptz AND closed_at >= $2::timestamptz AND closed_at < $3::timestamptz', [from, to])) incidents.push(toWeekIncident(row));
  await turn();
  for (const row of await incidentRows(
    `reported_at < $2::timestamptz AND accepted_at >= $2::timestamptz AND accepted_at < $3::timestamptz
     AND (closed_at IS NULL OR closed_at < $2::timestamptz OR closed_at >= $3::timestamptz)`, [from, to])) incidents.push(toWeekIncident(row));
  await turn();
  // The texts of the notable incidents only, chosen in the order of notableIncidents (shared/src/report/report.ts).
  const texts = await jsonRows(db,
    `SELECT json_agg(json_build_array(id, coalesce(title, left(description, ${DESCRIPTION_CHARS}))))::text AS j FROM (
       SELECT id, title, description FROM incidents
       WHERE street_id = $1 AND reported_at >= $2::timestamptz AND reported_at < $3::timestamptz AND (urgency = 'critical' OR colour = 'red')
       ORDER BY (CASE WHEN urgency = 'critical' THEN 0 ELSE 1 END) + (CASE WHEN colour = 'red' THEN 0 ELSE 2 END), reported_at, id
       LIMIT ${NOTABLE_INCIDENTS}) notable`,
    [streetId, from, to]);
  const incidentTexts = Object.fromEntries(texts.map((a) => [a[0] as string, a[1] as string]));
  await turn();

  const [open] = await db.query<{ open: number; overdue: number }>(
    `SELECT count(*)::int AS open, count(*) FILTER (WHERE due_at < $2::timestamptz)::int AS overdue FROM (
       SELECT due_at FROM incidents WHERE street_id = $1 AND status NOT IN (${TERMINAL_LIST}) AND reported_at < $2::timestamptz
       UNION ALL
       SELECT due_at FROM incidents WHERE street_id = $1 AND status = 'closed' AND closed_at >= $2::timestamptz AND reported_at < $2::timestamptz
       UNION ALL
       SELECT i.due_at FROM incidents i WHERE i.street_id = $1 AND i.status IN ('rejected', 'merged')
         AND i.reported_at < $2::timestamptz AND i.updated_at >= $2::timestamptz
         AND NOT EXISTS (SELECT 1 FROM incident_history h WHERE h.incident_id = i.id
                         AND h.to_status IN (${TERMINAL_LIST}) AND h.at < $2::timestamptz)
     ) standing`,
    [streetId, to]);
  await turn();
  const [standing] = await db.query<{ hazards: number; alarms: number; drills: number }>(
    `SELECT
       (SELECT coalesce(sum((payload->>'hazardsFound')::int - (payload->>'hazardsRectified')::int), 0)::int FROM feed_records
         WHERE street_id = $1 AND kind = 'hazard-inspections' AND occurred_at < $2::timestamptz) AS hazards,
       (SELECT count(*)::int FROM feed_records WHERE street_id = $1 AND kind = 'alarms' AND occurred_at < $2::timestamptz
         AND (resolved_at IS NULL OR resolved_at >= $2::timestamptz)) AS alarms,
       (SELECT count(*)::int FROM feed_records WHERE street_id = $1 AND kind = 'fire-drills'
         AND occurred_at >= $3::timestamptz AND occurred_at < $2::timestamptz) AS drills`,
    [streetId, to, yearStart.toISOString()]);

  await turn();
  // One after the other, a turn between: a week's meals are some 8,000 rows.
  const drills = await feedRows(db, streetId, 'fire-drills', start, end);
  const inspections = await feedRows(db, streetId, 'hazard-inspections', start, end);
  const alarms = await feedRows(db, streetId, 'alarms', start, end);
  await turn();
  const meals = await feedRows(db, streetId, 'canteen-meals', start, end);
  await turn();
  const volunteers = await feedRows(db, streetId, 'volunteer-activities', start, end);
  const entities = await feedRows(db, streetId, 'market-entities', null, end);
  await turn();
  return {
    incidents,
    incidentTexts,
    atEnd: { open: open?.open ?? 0, overdue: open?.overdue ?? 0, hazardsOpen: standing?.hazards ?? 0, alarmsUnresolved: standing?.alarms ?? 0, drillsYear: standing?.drills ?? 0 },
    drills, inspections, alarms, meals, entities, volunteers,
  };
}
