// Registers the live hub and the alert policy on the live channel (ctx.live), Redis fan-out
// when REDIS_URL is set, and shutdown. The figures and the bus come from earlier plugins.
import type { AppContext, Plugin } from '../app.ts';
import type { RecordBus } from '../engine/bus.ts';
import type { Store } from '../store/types.ts';
import type { Alert } from '@grid141/shared';
import { rebuildActiveAlerts } from './active.ts';
import { createAlertPolicy } from './alert-policy.ts';
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
      channel: ctx.live,
      source,
      bus,
      info: () => ({ version: ctx.version, build: ctx.build, startedAt: ctx.startedAt.toISOString(), streetId: ctx.street.meta.id, map: ctx.street.version }),
      options,
    });
    // After the hub: a wall gets its snapshot before the alerts that still stand.
    const alerts = createAlertPolicy({
      channel: ctx.live,
      bus,
      source,
      lookup,
      startedAt: ctx.startedAt.getTime(),
      activeAlerts,
      logger: ctx.logger,
      options,
    });
    // A replaced map: every wall of this instance loads it again (grids, communities, the records
    // placed on them); each instance replaces its own map (street/plugin.ts), so it tells its own walls.
    const onMap = (version: string) => ctx.live.publishLocal('map', { version, at: new Date().toISOString() });
    bus.on('mapReplaced', onMap);
    ctx.onClose(() => void bus.off('mapReplaced', onMap));
    ctx.live.watchStalls(options.stall, options.stallCheckMs, (socketId) =>
      ctx.logger.warn({ socketId }, 'live client stopped reading; disconnected (it resumes with since)'));
    ctx.onClose(() => alerts.close());
    ctx.onClose(() => hub.close());
  };
}

/** The registration: the figures engine, the bus, and the store to describe overdue incidents and rebuild active alerts. */
export const liveHub: Plugin = livePlugin((ctx) => {
  const store = ctx.use('store');
  return { source: ctx.use('figures'), bus: ctx.use('bus'), lookup: lookupThrough((id) => store.getIncident(id)), store };
});
