// Opens the store (and the record bus) for the other plugins, closes it last at shutdown.
import type { Plugin } from '../app.ts';
import { RecordBus } from '../engine/bus.ts';
import { openStore } from './index.ts';
import type { Store } from './types.ts';

declare module '../app.ts' {
  interface Services {
    store: Store;
    bus: RecordBus;
  }
}

export const storePlugin: Plugin = async (ctx) => {
  const started = Date.now();
  const store = await openStore({
    streetId: ctx.street.meta.id,
    databaseUrl: ctx.config.databaseUrl,
    dataDir: ctx.config.dataDir,
    analyse: {
      onAnalysed: (done) => ctx.logger.info(done, 'store statistics refreshed (ANALYZE)'),
      onError: (error) => ctx.logger.warn({ err: error }, 'store statistics refresh failed'),
    },
  });
  ctx.onClose(() => store.close());
  ctx.provide('store', store);
  ctx.provide('bus', new RecordBus());
  ctx.logger.info({ store: store.kind, ms: Date.now() - started }, 'store open, migrations applied');
};
