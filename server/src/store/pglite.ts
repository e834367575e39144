// The embedded store's driver: PGlite on disk under DATA_DIR/db. PGlite takes no lock of its
// own (the server locks DATA_DIR) and does not fsync: a commit survives a kill, not a power cut.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Queryable, SqlDriver } from './types.ts';

function queryable(db: Pick<PGlite, 'query'>): Queryable {
  return {
    async query<R>(sql: string, params?: unknown[]) {
      const result = await db.query<R>(sql, params);
      return result.rows;
    },
  };
}

/** dir null keeps the database in memory (tests of the store alone). */
export async function openPgliteDriver(dir: string | null): Promise<SqlDriver> {
  if (dir) mkdirSync(dir, { recursive: true });
  const db = dir ? await PGlite.create(dir) : await PGlite.create();
  const base = queryable(db);
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
      await db.close();
    },
  };
}
