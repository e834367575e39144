// The desk's SQL over the incidents table: the queue (what needs action first), its filters and
// its two-character search, the same statements on the embedded store and on PostgreSQL.
import { foldSearchText, nextTarget, QUEUE_COUNT_CAP, QUEUE_LIST_PARAMS, searchGrams, TERMINAL_STATUSES, URGENCY_RANK, type QueueItem, type QueuePage, type QueueQuery, type Urgency } from '@grid141/shared';
import { INCIDENT_SELECT, textArrayLiteral, toIncident } from '../store/rows.ts';
import type { Queryable } from '../store/types.ts';
import { filterTime } from '../store/time-bound.ts';

type Row = Record<string, unknown>;

/** The partial-index predicate of migration 3, written exactly as there so the planner matches it. */
export const OPEN = `status NOT IN (${TERMINAL_STATUSES.map((s) => `'${s}'`).join(', ')})`;
export const URGENCY_RANK_SQL = `(CASE urgency WHEN 'critical' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END)`;
/** When the next target falls due (the rule of nextTarget in shared/src/desk.ts). */
export const NEXT_DUE_SQL = `(CASE WHEN accepted_at IS NULL AND accept_by IS NOT NULL THEN accept_by
  WHEN on_site_at IS NULL AND handled_at IS NULL AND arrive_by IS NOT NULL THEN arrive_by
  WHEN handled_at IS NULL AND handle_by IS NOT NULL THEN handle_by
  ELSE due_at END)`;
export const NEXT_STAGE_SQL = `(CASE WHEN accepted_at IS NULL AND accept_by IS NOT NULL THEN 'accept'
  WHEN on_site_at IS NULL AND handled_at IS NULL AND arrive_by IS NOT NULL THEN 'arrive'
  WHEN handled_at IS NULL AND handle_by IS NOT NULL THEN 'handle'
  ELSE 'close' END)`;
const FOLDED_TEXT = `translate(description || E'\\n' || coalesce(address, ''), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`;

/**
 * WHERE clauses and their parameters for the filters and the search ($1 is the street).
 * listsAfterRead writes a list of several values so that no index takes it (for the ordered
 * scans on PostgreSQL before 17, see orderedListsAfterRead); the parameters are the same.
 */
export function queueWhere(streetId: string, q: QueueQuery, listsAfterRead = false): { where: string[]; params: unknown[] } {
  const params: unknown[] = [streetId];
  const where = ['street_id = $1', OPEN];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  const lists = [
    ['community', 'community_id'], ['grid', 'grid_id'], ['category', 'category'], ['colour', 'colour'],
    ['status', 'status'], ['source', 'source'], ['urgency', 'urgency'], ['assignee', 'assignee'],
  ] as const;
  for (const [name, column] of lists) {
    const values = q[name];
    // One value as plain equality, checked on the entry of incidents_queue_filters in any scan.
    if (values?.length === 1) add((p) => `${column} = ${p}::text`, values[0]);
    else if (values?.length) add((p) => (listsAfterRead ? `(${column} = ANY(${p}::text[])) IS TRUE` : `${column} = ANY(${p}::text[])`), values);
  }
  if (q.from) add((p) => `reported_at >= ${p}::timestamptz`, filterTime(q.from));
  if (q.to) add((p) => `reported_at < ${p}::timestamptz`, filterTime(q.to));
  if (q.q) {
    const folded = foldSearchText(q.q);
    const grams = searchGrams(q.q);
    // The grams find candidates through the GIN index; strpos keeps only the real matches.
    if (grams.length > 0) add((p) => `search_grams @> ${p}::text[]`, textArrayLiteral(grams));
    add((p) => `strpos(${FOLDED_TEXT}, ${p}) > 0`, folded);
  }
  return { where, params };
}

/**
 * Up to this many matches of a filtered queue are taken whole and sorted (rows of the
 * filtered set first); beyond it the matches are dense enough for the six ordered range scans.
 * A search reads its candidates from the heap either way, so it takes more whole.
 */
const versions = new WeakMap<Queryable, Promise<number>>();

/**
 * Whether the ordered scans take lists of several values after reading the row. PostgreSQL
 * before 17 cannot keep an index's order with "= ANY" on a later column: given one, its planner
 * reads every match of a range and sorts them (the planner guesses a handful of rows there; a
 * dense list on a million rows made 18,000). Checked on the row instead, a dense list (the only
 * kind these scans see) finds its page early. From 17 on (PGlite is 17+) the index takes it in
 * order. The version is asked once per connection pool or database.
 */
async function orderedListsAfterRead(db: Queryable): Promise<boolean> {
  let version = versions.get(db);
  if (!version) {
    version = db.query<{ v: number }>(`SELECT current_setting('server_version_num')::int AS v`).then((rows) => rows[0]?.v ?? 0);
    versions.set(db, version);
  }
  return (await version) < 170_000;
}

export interface QueueWhole {
  filters: number;
  search: number;
}
export const QUEUE_WHOLE: QueueWhole = { filters: QUEUE_COUNT_CAP, search: 2_500 };

/**
 * One page of the queue: overdue first, then critical, urgent, normal, each by the time left to
 * its next target.
 *
 * Unfiltered: six index range scans (late or not, by urgency) over the partial queue index
 * (incidents_queue_filters), each cut at offset+limit, merged in that order.
 * Filtered: the matches are first counted up to `whole.filters` (`whole.search` with a
 * search; QUEUE_WHOLE unless a test lowers them) in one statement that also sorts them and returns the page's ids; when there are no
 * more, that is the answer (the filter columns are keys of the queue index, so a selective
 * filter is checked on index entries, and a search takes its candidates from the GIN index).
 * Dense matches go the six-scan way, which then finds its rows early in each range.
 */
export async function queuePage(db: Queryable, streetId: string, q: QueueQuery, now: number, whole: QueueWhole = QUEUE_WHOLE): Promise<QueuePage> {
  const { where, params } = queueWhere(streetId, q);
  const nowAt = new Date(now).toISOString();
  const ranks = q.urgency?.length ? [0, 1, 2].filter((r) => q.urgency?.some((u) => URGENCY_RANK[u as Urgency] === r)) : [0, 1, 2];
  // What the probe of a filtered queue already counted past the cap (lower bounds).
  let known: { n: number; late: number } | null = null;
  if (where.length > 2) {
    const max = q.q ? whole.search : whole.filters;
    const at = params.length;
    const late = `next_due < $${at + 1}::timestamptz`;
    const order = `${late} DESC, rnk, next_due, id`;
    const [probe] = await db.query<{ n: number; late: number; page: string[] | null }>(
      `WITH m AS MATERIALIZED (SELECT id, ${URGENCY_RANK_SQL} AS rnk, ${NEXT_DUE_SQL} AS next_due FROM incidents
         WHERE ${where.join(' AND ')} LIMIT $${at + 2}::int)
       SELECT (SELECT count(*)::int FROM m) AS n, (SELECT count(*)::int FROM m WHERE ${late}) AS late,
         CASE WHEN (SELECT count(*) FROM m) <= $${at + 2}::int - 1 THEN
           (SELECT array_agg(id ORDER BY ${order}) FROM (SELECT * FROM m ORDER BY ${order} LIMIT $${at + 3}::int OFFSET $${at + 4}::int) p) END AS page`,
      [...params, nowAt, max + 1, q.limit, q.offset],
    );
    const n = probe?.n ?? 0;
    if (n <= max) {
      const ids = probe?.page ?? [];
      const rows = ids.length > 0 ? await db.query<Row>(`SELECT ${INCIDENT_SELECT} FROM incidents WHERE id = ANY($1::text[])`, [ids]) : [];
      const byId = new Map(rows.map((r) => [r.id as string, r]));
      return answer(ids.map((id) => byId.get(id)).filter((r): r is Row => r !== undefined), n, probe?.late ?? 0, now, nowAt);
    }
    known = { n, late: probe?.late ?? 0 };
  }
  // The ordered scans' filters: the same parameters, several-value lists maybe after the read.
  const several = QUEUE_LIST_PARAMS.some((name) => (q[name]?.length ?? 0) > 1);
  const ordered = several && (await orderedListsAfterRead(db)) ? queueWhere(streetId, q, true).where : where;
  params.push(nowAt);
  const pNow = `$${params.length}::timestamptz`;
  params.push(q.offset + q.limit);
  const pCut = `$${params.length}`;
  const parts: string[] = [];
  for (const late of [true, false]) {
    for (const rank of ranks) {
      parts.push(`(SELECT ${INCIDENT_SELECT}, ${late ? 0 : 1} AS grp, ${rank} AS rnk, ${NEXT_DUE_SQL} AS next_due
        FROM incidents WHERE ${ordered.join(' AND ')} AND ${URGENCY_RANK_SQL} = ${rank}
          AND ${NEXT_DUE_SQL} ${late ? '<' : '>='} ${pNow}
        ORDER BY ${NEXT_DUE_SQL}, id LIMIT ${pCut})`);
    }
  }
  params.push(q.limit, q.offset);
  const sql = `SELECT * FROM (${parts.join(' UNION ALL ')}) u ORDER BY grp, rnk, next_due, id LIMIT $${params.length - 1} OFFSET $${params.length}`;
  const countParams = params.slice(0, params.length - 4);
  const filter = where.join(' AND ');
  const cap = QUEUE_COUNT_CAP + 1;
  let counting: Promise<{ n: number; late: number }[]>;
  if (!known) {
    // Unfiltered: one scan in next-due order counts both, through incidents_next_due (its rows
    // stay in the buffer pool; a table scan, the planner's pick for a plain count, read ~860
    // pages through its small ring from PGlite's file system each time: 90 ms). The late rows
    // come first, so among the first `cap` the late ones are all of them or all there are.
    counting = db.query<{ n: number; late: number }>(
      `SELECT count(*)::int AS n, (count(*) FILTER (WHERE next_due < $${countParams.length + 1}::timestamptz))::int AS late
       FROM (SELECT ${NEXT_DUE_SQL} AS next_due FROM incidents WHERE ${filter} ORDER BY ${NEXT_DUE_SQL} LIMIT ${cap}) a`,
      [...countParams, nowAt],
    );
  } else {
    // What the probe counted past the cap already is not counted again.
    const counts = [
      known.n > QUEUE_COUNT_CAP ? `${cap} AS n` : `(SELECT count(*)::int FROM (SELECT 1 FROM incidents WHERE ${filter} LIMIT ${cap}) a) AS n`,
      known.late > QUEUE_COUNT_CAP ? `${cap} AS late`
        : `(SELECT count(*)::int FROM (SELECT 1 FROM incidents WHERE ${filter} AND ${NEXT_DUE_SQL} < $${countParams.length + 1}::timestamptz LIMIT ${cap}) b) AS late`,
    ];
    if (known.late <= QUEUE_COUNT_CAP) countParams.push(nowAt);
    counting = known.n > QUEUE_COUNT_CAP && known.late > QUEUE_COUNT_CAP ? Promise.resolve([{ n: cap, late: cap }])
      : db.query<{ n: number; late: number }>(`SELECT ${counts.join(', ')}`, countParams);
  }
  const [rows, [count]] = await Promise.all([db.query<Row>(sql, params), counting]);
  return answer(rows, count?.n ?? 0, count?.late ?? 0, now, nowAt);
}

function answer(rows: Row[], n: number, late: number, now: number, nowAt: string): QueuePage {
  const items: QueueItem[] = rows.map((row) => {
    const incident = toIncident(row, now);
    const next = nextTarget({ ...incident, acceptBy: incident.acceptBy ?? null, arriveBy: incident.arriveBy ?? null, handleBy: incident.handleBy ?? null });
    return { incident, next, late: Date.parse(next.dueAt) < now };
  });
  return {
    at: nowAt,
    items,
    total: Math.min(n, QUEUE_COUNT_CAP),
    totalCapped: n > QUEUE_COUNT_CAP,
    overdue: Math.min(late, QUEUE_COUNT_CAP),
  };
}

export interface FoundBreach {
  incidentId: string;
  stage: string;
  dueAt: string;
}

/**
 * Records, once per incident and stage, every open incident whose next target fell due before
 * `now` (and, when `since` is given, not before it: the timer looks only at what became due
 * since its last look; actions are checked one by one). Returns only the new records.
 */
export async function recordBreaches(db: Queryable, streetId: string, now: number, since: number | null, ids?: string[]): Promise<FoundBreach[]> {
  const params: unknown[] = [streetId, new Date(now).toISOString()];
  let extra = '';
  if (since !== null) {
    params.push(new Date(since).toISOString());
    extra += ` AND ${NEXT_DUE_SQL} >= $${params.length}::timestamptz`;
  }
  if (ids) {
    params.push(ids);
    extra += ` AND id = ANY($${params.length}::text[])`;
  }
  const rows = await db.query<{ incident_id: string; stage: string; due_at: unknown }>(
    `INSERT INTO incident_breaches (incident_id, stage, due_at, found_at)
     SELECT id, ${NEXT_STAGE_SQL}, ${NEXT_DUE_SQL}, $2::timestamptz FROM incidents
     WHERE street_id = $1 AND ${OPEN} AND ${NEXT_DUE_SQL} < $2::timestamptz${extra}
     ON CONFLICT (incident_id, stage) DO NOTHING
     RETURNING incident_id, stage, due_at`,
    params,
  );
  return rows.map((r) => ({ incidentId: r.incident_id, stage: r.stage, dueAt: new Date(r.due_at as string).toISOString() }));
}

/** The stages an incident has been found late on, with when. */
export async function breachesOf(db: Queryable, id: string): Promise<{ stage: string; dueAt: string; foundAt: string }[]> {
  const rows = await db.query<Row>('SELECT stage, due_at, found_at FROM incident_breaches WHERE incident_id = $1 ORDER BY due_at', [id]);
  return rows.map((r) => ({ stage: r.stage as string, dueAt: new Date(r.due_at as string).toISOString(), foundAt: new Date(r.found_at as string).toISOString() }));
}

