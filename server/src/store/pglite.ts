// The embedded store's driver: PGlite on disk under DATA_DIR/db. PGlite takes no lock of its
// own (the server locks DATA_DIR) and does not fsync: a commit survives a kill, not a power cut.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { startAnalyser, type AnalyserOptions } from './analyse.ts';
import type { Queryable, SqlDriver } from './types.ts';

function queryable(db: Pick<PGlite, 'query'>): Queryable {
  return {
    async query<R>(sql: string, params?: unknown[]) {
      const result = await db.query<R>(sql, params);
      return result.rows;
    },
  };
}

/**
 * initdb's shared_buffers (128 MB) is allocated and zeroed inside the WebAssembly heap at open,
 * so all of it is resident from the first second, and a WebAssembly heap never shrinks. 96 MB
 * still holds what a list of every open incident reads in a store of a million (9,400 scattered
 * heap pages, 74 MB): below that such a list reads them from the file system again each time.
 * wal_buffers keeps the 4 MB that 128 MB implied, so a batch's WAL is written as before.
 */
const START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=96MB', '-c', 'wal_buffers=4MB'];

/**
 * dir null keeps the database in memory (tests of the store alone). analyse keeps the planner's
 * statistics fresh in the background (analyse.ts), as autovacuum does on PostgreSQL.
 */
export async function openPgliteDriver(dir: string | null, analyse?: AnalyserOptions): Promise<SqlDriver> {
  if (dir) mkdirSync(dir, { recursive: true });
  const db = dir ? await PGlite.create(dir, { startParams: START_PARAMS }) : await PGlite.create({ startParams: START_PARAMS });
  const base = queryable(db);
  const analyser = analyse ? startAnalyser(base, analyse) : null;
  return {
    kind: 'embedded',
    query: base.query,
    async exec(sql) {
      await db.exec(sql);
    },
    transaction(fn) {
      return db.transaction((tx) => fn(queryable(tx)));
    },
    async close() {
      await analyser?.stop();
      await db.close();
    },
  };
}
