// Registers the live hub on the server: namespace /live on ctx.io, Redis fan-out when
// REDIS_URL is set, and shutdown. The figures and the bus come from earlier plugins.
import type { AppContext, Plugin } from '../app.ts';
import type { RecordBus } from '../engine/bus.ts';
import type { Store } from '../store/types.ts';
import { LIVE_NAMESPACE, type Alert } from '@grid141/shared';
import { rebuildActiveAlerts } from './active.ts';
import { createLiveHub, type LiveHub, type LiveHubOptions } from './hub.ts';
import { attachRedisAdapter } from './redis.ts';
import { lookupThrough, type IncidentLookup, type SummarySource } from './source.ts';

export interface LiveInputs {
  source: SummarySource;
  bus: RecordBus;
  lookup?: IncidentLookup;
  /** Where the alerts still active at start are read from; without it the list starts empty. */
  store?: Pick<Store, 'listIncidents' | 'scanFeed'>;
}

export function livePlugin(inputs: (ctx: AppContext) => LiveInputs, options: LiveHubOptions = {}): Plugin {
  return async (ctx) => {
    const { source, bus, lookup, store } = inputs(ctx);
    if (ctx.config.redisUrl) {
      const fanOut = await attachRedisAdapter(ctx.io, ctx.config.redisUrl);
      ctx.onClose(() => fanOut.close());
      ctx.logger.info({}, 'live feed fans out through Redis (figures stay per instance)');
    }
    // Before the hub subscribes to the bus; nothing is posted before the server listens.
    let activeAlerts: Alert[] = [];
    if (store) {
      const started = performance.now();
      activeAlerts = await rebuildActiveAlerts(store, Date.now());
      ctx.logger.info({ alerts: activeAlerts.length, ms: Math.round(performance.now() - started) }, 'active alerts rebuilt from the store');
    }
    const hub: LiveHub = createLiveHub({
      nsp: ctx.io.of(LIVE_NAMESPACE),
      source,
      bus,
      lookup,
      authenticate: (token, request) => ctx.auth.authenticateSocket(token, request),
      info: { version: ctx.version, build: ctx.build, startedAt: ctx.startedAt.toISOString(), streetId: ctx.street.meta.id },
      logger: ctx.logger,
      startedAt: ctx.startedAt.getTime(),
      activeAlerts,
      options,
    });
    ctx.onClose(() => hub.close());
  };
}

/** The registration: the figures engine, the bus, and the store to describe overdue incidents and rebuild active alerts. */
export const liveHub: Plugin = livePlugin((ctx) => {
  const store = ctx.use('store');
  return { source: ctx.use('figures'), bus: ctx.use('bus'), lookup: lookupThrough((id) => store.getIncident(id)), store };
});
