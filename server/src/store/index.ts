// openStore(config): PostgreSQL when DATABASE_URL is set, else the embedded store under
// DATA_DIR/db; migrations run before the store is handed out.
import path from 'node:path';
import type { AnalyserOptions } from './analyse.ts';
import { migrate } from './migrations.ts';
import { openPgliteDriver } from './pglite.ts';
import { openPostgresDriver } from './postgres.ts';
import { SqlStore } from './sql.ts';
import type { SqlDriver, Store } from './types.ts';

export type * from './types.ts';
export { SqlStore, encodeCursor, decodeCursor, BadCursorError } from './sql.ts';
export { MIGRATIONS, migrate } from './migrations.ts';
export { ANALYSED_TABLES, type Analysed, type AnalyserOptions } from './analyse.ts';

export interface OpenStoreOptions {
  streetId: string;
  /** postgres://…; null for the embedded store. */
  databaseUrl: string | null;
  /** The embedded store lives in dataDir/db; null keeps it in memory. */
  dataDir: string | null;
  /** PostgreSQL only: work inside this schema (created when missing). */
  schema?: string;
  /** Embedded only: refresh the planner's statistics in the background (PostgreSQL has autovacuum). */
  analyse?: AnalyserOptions;
  now?: () => number;
}

export const EMBEDDED_DIR = 'db';

export async function openDriver(options: OpenStoreOptions): Promise<SqlDriver> {
  if (options.databaseUrl) {
    return openPostgresDriver({ connectionString: options.databaseUrl, ...(options.schema ? { schema: options.schema } : {}) });
  }
  return openPgliteDriver(options.dataDir ? path.join(options.dataDir, EMBEDDED_DIR) : null, options.analyse);
}

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const driver = await openDriver(options);
  try {
    await migrate(driver);
  } catch (error) {
    await driver.close().catch(() => {});
    throw error;
  }
  return new SqlStore(driver, { streetId: options.streetId, ...(options.now ? { now: options.now } : {}) });
}
