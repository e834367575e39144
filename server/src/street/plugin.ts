// A running server takes a new map of its street without a restart (docs/import.md, "A running
// server"). `reload()` reads the street's folder again; when the map there is another version than
// the one served, it is put in place (ctx.map: the write path places the next record on the new
// grids), every stored record is placed again on it (Store.relocate, one transaction), the change
// is audited (`map.reloaded`) and announced on the record bus (`mapReplaced`: the figures are
// rebuilt from the store, the walls are told to load the new map). It is asked by:
// - the upload route (`POST /uploads/imports?kind=grids`), in this process;
// - `POST /api/v1/admin/map/reload` (the CLI, run against the files of a server it found through
//   DATA_DIR's lock; the ingest key or a signed-in admin);
// - with PostgreSQL, a `NOTIFY grid141_map, '<streetId>'` on the database (the CLI sends it after a
//   grid import), so every server instance on that database reloads.
// At start, a map that changed while no server ran is taken up the same way: the store notes the
// map version its records are placed on (Store.placedMap, migration 12).
import pg from 'pg';
import type { Plugin } from '../app.ts';
import type { Actor } from '../auth/actor.ts';
import { actorOf } from '../auth/auth.ts';
import { HttpProblem } from '../http/problem.ts';
import { relocateAll } from '../import/grids.ts';
import { loadStreet, StreetDataError } from './load.ts';

/** The PostgreSQL channel a grid import notifies (payload: the street's id). */
export const MAP_CHANNEL = 'grid141_map';

export interface MapReload {
  /** False when the folder holds the map already served (nothing was done). */
  changed: boolean;
  /** The map served now, and the one before (equal when nothing changed). */
  version: string;
  previous: string;
  /** Records placed again (null when nothing changed). */
  relocated: { incidents: number; feedRecords: number } | null;
  grids: number;
  communities: number;
}

export interface MapService {
  /**
   * Reads the street's folder and, when its map changed, puts it in place, places every stored
   * record again and announces it. Calls run one after another. Throws StreetDataError (the map
   * on disk fails the street checks; the map served stays) or a store error.
   */
  reload(actor: Pick<Actor, 'name' | 'kind'> & { address?: string | null }, reason: string): Promise<MapReload>;
}

declare module '../app.ts' {
  interface Services {
    /** Replaces the served map with the one on disk (street/plugin.ts). */
    map: MapService;
  }
}

export const streetMapPlugin: Plugin = async (ctx) => {
  const store = ctx.use('store');
  const bus = ctx.use('bus');
  const { config, logger } = ctx;

  // At start: the stored records sit on the map they were last placed on. A map replaced while no
  // server ran (files edited, or a CLI import that could not reach its server) is taken up here,
  // before the figures are built from the store; a store that never noted one notes this map.
  const placed = await store.placedMap();
  if (placed === null) {
    await store.notePlacedMap(ctx.street.version);
  } else if (placed !== ctx.street.version) {
    const started = Date.now();
    const relocated = await relocateAll(store, ctx.street, ctx.locator);
    await store.writeMany((w) => w.audit([{
      actor: 'server', actorKind: 'system', address: null, kind: 'map.reloaded', target: ctx.street.meta.id,
      detail: { from: placed, to: ctx.street.version, reason: 'start', grids: ctx.street.grids.features.length, communities: ctx.street.communities.features.length, ...relocated },
    }]));
    logger.info({ from: placed, to: ctx.street.version, ms: Date.now() - started, ...relocated }, 'the street map changed while the server was stopped: every stored record placed again');
  }

  let queue: Promise<unknown> = Promise.resolve();
  const reload: MapService['reload'] = (actor, reason) => {
    const run = queue.then(async (): Promise<MapReload> => {
      const previous = ctx.street;
      const next = await loadStreet(config.streetsDir, config.streetId);
      const sizes = { grids: next.grids.features.length, communities: next.communities.features.length };
      if (next.version === previous.version) return { changed: false, version: next.version, previous: previous.version, relocated: null, ...sizes };
      // The new map first: records posted from here on are placed on it, and the relocation's
      // transaction then places the ones stored before.
      ctx.map.replace(next);
      const relocated = await relocateAll(store, next, ctx.locator);
      await store.writeMany((w) => w.audit([{
        actor: actor.name, actorKind: actor.kind, address: actor.address ?? null, kind: 'map.reloaded', target: next.meta.id,
        detail: { from: previous.version, to: next.version, reason, ...sizes, ...relocated },
      }]));
      logger.info({ from: previous.version, to: next.version, reason, ...sizes, ...relocated }, 'street map replaced while running');
      try {
        bus.emit('mapReplaced', next.version, { actor: actor.name, actorKind: actor.kind, source: reason });
      } catch (error) {
        logger.error({ err: error }, 'a record bus listener failed');
      }
      return { changed: true, version: next.version, previous: previous.version, relocated, ...sizes };
    });
    queue = run.catch(() => undefined);
    return run;
  };
  ctx.provide('map', { reload });

  // The CLI's call after it wrote the street's files (the ingest key, like /admin/imported).
  ctx.app.post('/api/v1/admin/map/reload', ctx.auth.requireServerKey, async (req, res) => {
    const actor = actorOf(req, res.locals.principal);
    try {
      res.json(await reload(actor, 'api'));
    } catch (error) {
      if (error instanceof StreetDataError) throw new HttpProblem(409, 'Map not loaded', `the street's files fail the checks; the map served stays: ${error.message}`);
      throw error;
    }
  });

  // With PostgreSQL: a grid import run anywhere on the database notifies every server on it.
  if (config.databaseUrl) {
    let client: pg.Client | null = null;
    let closed = false;
    let retry: NodeJS.Timeout | null = null;
    const again = (error: unknown) => {
      if (closed || retry) return;
      logger.warn({ err: error }, `LISTEN ${MAP_CHANNEL} failed or was lost; retrying in 5 s (POST /api/v1/admin/map/reload works meanwhile)`);
      retry = setTimeout(() => {
        retry = null;
        void listen();
      }, 5_000);
      retry.unref();
    };
    const listen = async () => {
      const c = new pg.Client({ connectionString: config.databaseUrl as string });
      c.on('error', (error) => {
        if (client === c) client = null;
        void c.end().catch(() => undefined);
        again(error);
      });
      c.on('notification', (message) => {
        if (message.channel !== MAP_CHANNEL || message.payload !== ctx.street.meta.id) return;
        reload({ name: 'postgres-notify', kind: 'system' }, 'notify').then(
          (done) => {
            if (!done.changed) logger.info({ version: done.version }, 'map notification: the map served is current');
          },
          (error: unknown) => logger.error({ err: error }, 'map notification: the new map could not be loaded; the map served stays'),
        );
      });
      try {
        await c.connect();
        await c.query(`LISTEN ${MAP_CHANNEL}`);
        if (closed) await c.end();
        else client = c;
      } catch (error) {
        void c.end().catch(() => undefined);
        again(error);
      }
    };
    ctx.onListen(() => listen());
    ctx.onClose(async () => {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    });
  }
};

/** Sends the notification every server on the database listens for (the CLI, after a grid import). */
export async function notifyMapChanged(databaseUrl: string, streetId: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_notify($1, $2)', [MAP_CHANNEL, streetId]);
  } finally {
    await client.end();
  }
}
