// The ingest and incidents API (contract.md, HTTP API): writes with X-Api-Key, reads with the
// viewer token. A 2xx is sent only after the store's COMMIT has returned.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { FEED_KINDS, type FeedRecord, type Incident } from '@grid141/shared';
import type { Plugin } from '../app.ts';
import { HttpProblem } from '../http/problem.ts';
import { ingestItems, readIngestBody, sendIngestResults } from './batch.ts';
import { describeFeedRecord, feedChecker } from './feeds.ts';
import { groupCommit } from './group-commit.ts';
import { describeIncident, incidentChecker } from './incidents.ts';
import { parseListQuery } from './query.ts';
import { purgeHandler, resolveAlarmHandler, transitionHandler } from './transitions.ts';

// Express 5 forwards rejected promises to the error handler; this only narrows the types.
const route = (fn: (req: Request, res: Response) => Promise<void>): RequestHandler => (req, res, next) => {
  fn(req, res).catch(next);
};

export const ingestRoutes: Plugin = (ctx) => {
  const { auth, street, locator } = ctx;
  const store = ctx.use('store');
  const bus = ctx.use('bus');
  const router = Router();
  // The record is committed by now: a failing listener is logged, never turned into an error answer.
  const announce = (emit: () => void) => {
    try {
      emit();
    } catch (error) {
      ctx.logger.error({ err: error }, 'a record bus listener failed');
    }
  };
  // Lifecycle moves and the purge: the ingest key for now; a role check slots in here.
  const requireOperator = auth.requireIngestKey;
  const requireAdmin = auth.requireIngestKey;

  const targets = ctx.use('targets');
  const checkIncident = incidentChecker(street.meta.id, locator, Date.now, (profile) => targets.targets(profile));
  const insertIncidents = groupCommit((rows: Parameters<typeof store.insertIncidents>[0]) => store.insertIncidents(rows));
  router.post('/api/v1/incidents', auth.requireIngestKey, route(async (req, res) => {
    const { single, items } = readIngestBody(req.body);
    const created: Incident[] = [];
    const results = await ingestItems(items, single, checkIncident, async (rows) => {
      const written = await insertIncidents(rows);
      for (const w of written) if (w.created) created.push(w.record);
      return written;
    }, describeIncident);
    if (created.length > 0) announce(() => bus.emit('incidents', created.map((after) => ({ before: null, after }))));
    sendIngestResults(res, single, results);
  }));

  router.get('/api/v1/incidents', auth.requireViewer, route(async (req, res) => {
    const { filter, limit, cursor } = parseListQuery(req.query as Record<string, unknown>);
    res.json(await store.listIncidents(filter, limit, cursor));
  }));

  router.get('/api/v1/incidents/:id', auth.requireViewer, route(async (req, res) => {
    const id = String(req.params.id);
    const incident = await store.getIncident(id);
    if (!incident) throw new HttpProblem(404, 'Not found', `no incident ${id}`);
    res.json(incident);
  }));

  router.post('/api/v1/incidents/:id/transitions', requireOperator, route(transitionHandler(store, bus, announce)));
  router.post('/api/v1/alarms/:id/resolve', auth.requireIngestKey, route(resolveAlarmHandler(store, bus, announce)));
  router.post('/api/v1/admin/purge-simulated', requireAdmin, route(purgeHandler(store, bus, announce)));

  for (const { code: kind } of FEED_KINDS) {
    const check = feedChecker(kind, street, locator);
    const insertFeed = groupCommit((rows: Parameters<typeof store.insertFeed>[1]) => store.insertFeed(kind, rows));
    router.post(`/api/v1/${kind}`, auth.requireIngestKey, route(async (req, res) => {
      const { single, items } = readIngestBody(req.body);
      const created: FeedRecord[] = [];
      const results = await ingestItems(items, single, check, async (rows) => {
        const written = await insertFeed(rows);
        for (const w of written) if (w.created) created.push(w.record as FeedRecord);
        return written;
      }, (r) => describeFeedRecord(r as FeedRecord));
      if (created.length > 0) announce(() => bus.emit('feed', kind, created));
      sendIngestResults(res, single, results);
    }));
  }

  ctx.app.use(router);
};
