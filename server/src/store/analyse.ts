// The embedded store's ANALYZE: PGlite runs PostgreSQL as one process without autovacuum, so
// nothing else ever gathers the planner's statistics. Without them a list of the open incidents
// of a store of a million reads every heap page holding one (9,400 pages) instead of ~70.
import type { Queryable } from './types.ts';

/** The tables whose statistics the store's queries depend on (migrations.ts). */
export const ANALYSED_TABLES = ['incidents', 'incident_history', 'feed_records'] as const;

/** Below this a table is read whole in a few pages anyway: a fresh store pays nothing. */
export const MIN_ROWS = 1_000;
/** A never-analysed table this large (1 MB) is worth it even if the write counters were lost. */
export const MIN_PAGES = 128;
/** Autovacuum's own rule (autovacuum_analyze_scale_factor): again after a tenth of the table changed. */
export const CHANGED_SHARE = 0.1;

export interface TableStats {
  table: string;
  /** pg_class.reltuples: the rows at the last ANALYZE, -1 when never analysed. */
  reltuples: number;
  /** pg_class.relpages at the last ANALYZE. */
  relpages: number;
  /** The table's size now, in pages. */
  pages: number;
  /** pg_stat_user_tables.n_mod_since_analyze: rows inserted, updated or deleted since. */
  modified: number;
}

export type StaleReason = 'never analysed' | 'changed';

/**
 * Whether a table's statistics are stale. The write counters live in memory and are lost when
 * the process is killed, so growth in pages since the last ANALYZE counts as changed rows too.
 */
export function staleReason(t: TableStats): StaleReason | null {
  if (t.reltuples < 0 || t.relpages === 0) {
    if (t.pages < MIN_PAGES && t.modified < MIN_ROWS) return null;
    return t.reltuples < 0 ? 'never analysed' : 'changed';
  }
  const grown = (Math.max(0, t.pages - t.relpages) / t.relpages) * t.reltuples;
  return Math.max(t.modified, grown) >= Math.max(MIN_ROWS, CHANGED_SHARE * t.reltuples) ? 'changed' : null;
}

export interface Analysed {
  table: string;
  reason: StaleReason;
  /** How long ANALYZE held the (single-threaded) database: every other query waited this long. */
  ms: number;
}

export interface AnalyserOptions {
  /** The first check after open (the start's figures rebuild goes first); default 10 s. */
  firstCheckMs?: number;
  /** Then every; default 60 s. A check without work is two small catalogue queries. */
  everyMs?: number;
  onAnalysed?: (done: Analysed) => void;
  onError?: (error: unknown) => void;
}

export interface Analyser {
  /** Checks every table now and analyses the stale ones, one statement each. */
  check(): Promise<Analysed[]>;
  /** Clears the timer and waits for a check in flight. */
  stop(): Promise<void>;
}

const STATS = `
  SELECT c.relname AS table, c.reltuples::float8 AS reltuples, c.relpages AS relpages,
    (pg_relation_size(c.oid) / current_setting('block_size')::int)::int AS pages,
    COALESCE(s.n_mod_since_analyze, 0)::float8 AS modified
  FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
  WHERE c.oid = ANY(SELECT to_regclass(t) FROM unnest($1::text[]) t)
  ORDER BY array_position($1::text[], c.relname::text)`;

/**
 * db must run each query alone (PGlite's query waits for any transaction in flight), so an
 * ANALYZE never lands inside a batch; it does hold every other query while it runs.
 */
export function startAnalyser(db: Queryable, options: AnalyserOptions = {}): Analyser {
  let running: Promise<Analysed[]> | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;

  async function run(): Promise<Analysed[]> {
    // Backends publish their write counters when idle; PGlite's never is, so ask for it.
    await db.query('SELECT pg_stat_force_next_flush()');
    const tables = await db.query<TableStats>(STATS, [ANALYSED_TABLES]);
    const done: Analysed[] = [];
    for (const t of tables) {
      const reason = staleReason(t);
      if (!reason || stopped) continue;
      const started = performance.now();
      // One table per statement: queued ingest gets its turn between them.
      await db.query(`ANALYZE ${t.table}`);
      const analysed = { table: t.table, reason, ms: Math.round(performance.now() - started) };
      done.push(analysed);
      options.onAnalysed?.(analysed);
    }
    return done;
  }

  function check(): Promise<Analysed[]> {
    running ??= run().finally(() => {
      running = null;
    });
    return running;
  }

  function schedule(ms: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      check().then(
        () => schedule(options.everyMs ?? 60_000),
        (error: unknown) => {
          options.onError?.(error);
          schedule(options.everyMs ?? 60_000);
        },
      );
    }, ms);
  }
  schedule(options.firstCheckMs ?? 10_000);

  return {
    check,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running?.catch(() => {});
    },
  };
}
