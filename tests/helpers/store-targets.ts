// The stores a store-level suite runs against: the embedded one (PGlite in a temp dir)
// always, PostgreSQL in a throwaway schema when TEST_DATABASE_URL is set.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store } from '../../server/src/store/index.ts';
import { testDatabaseUrl } from './env.ts';
import { throwawaySchema } from './pg.ts';

/** One store to run a suite against: `name` is 'embedded (PGlite)' or 'PostgreSQL'; open once, clean up after close. */
export interface StoreTarget {
  name: string;
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

/**
 * Targets for `describe.each(storeTargets(…))('…: $name', …)`. `label` ([a-z0-9_]+) names the
 * temp dir (`grid141-<label>-…`) and the schema (`grid141_<label>_…`); `now` (ms since the
 * epoch) is handed to openStore as the store's clock. The embedded target's temp dir is removed
 * by cleanup, the PostgreSQL target's schema dropped (CASCADE).
 */
export function storeTargets(label: string, options: { streetId: string; now?: () => number }): StoreTarget[] {
  const clock = options.now ? { now: options.now } : {};
  let dir = '';
  const targets: StoreTarget[] = [{
    name: 'embedded (PGlite)',
    async open() {
      dir = mkdtempSync(path.join(os.tmpdir(), `grid141-${label}-`));
      return openStore({ streetId: options.streetId, databaseUrl: null, dataDir: dir, ...clock });
    },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  }];
  if (testDatabaseUrl()) {
    const place = throwawaySchema(label);
    targets.push({
      name: 'PostgreSQL',
      open: () => openStore({ streetId: options.streetId, databaseUrl: place.url, dataDir: null, schema: place.schema, ...clock }),
      cleanup: place.drop,
    });
  }
  return targets;
}
