// The ingest and incidents API (docs/api.md): thin HTTP adapters over the write service, which
// it creates and provides as `writes` for every other entry point. A 2xx is sent only after the
// store's COMMIT has returned.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { FEED_KINDS, roleAtLeast, withMaskedContact, type FeedRecord, type Incident, type RecordKind } from '@grid141/shared';
import type { Plugin } from '../app.ts';
import { actorOf } from '../auth/auth.ts';
import { HttpProblem } from '../http/problem.ts';
import { readIngestBody, sendIngestResults, type ItemResult } from './batch.ts';
import { describeFeedRecord } from './feeds.ts';
import { describeIncident } from './incidents.ts';
import { parseListQuery } from './query.ts';
import { createWriteService, type IngestResult, type WriteService } from './service.ts';
import { incidentEtag, purgeHandler, resolveAlarmHandler, transitionHandler, type ActorOf } from './transitions.ts';

/** Whether the reader is a leader or admin session, who sees reporters' numbers whole (withMaskedContact). */
const leaderAsks = (res: Response): boolean => {
  const principal = res.locals.principal;
  return principal?.via === 'session' && principal.role !== undefined && roleAtLeast(principal.role, 'leader');
};

declare module '../app.ts' {
  interface Services {
    /** The one write path (ingest/service.ts). */
    writes: WriteService;
  }
}

// Express 5 forwards rejected promises to the error handler; this only narrows the types.
const route = (fn: (req: Request, res: Response) => Promise<void>): RequestHandler => (req, res, next) => {
  fn(req, res).catch(next);
};

const requestActor: ActorOf = (req, res) => actorOf(req, res.locals.principal);

function toItemResult<T>(result: IngestResult<T>, describe: (record: T) => Record<string, unknown>): ItemResult {
  if (result.status === 'invalid') return { status: 400, errors: result.errors };
  return { status: result.status === 'created' ? 201 : 200, body: describe(result.record) };
}

export const ingestRoutes: Plugin = (ctx) => {
  const { auth } = ctx;
  const store = ctx.use('store');
  const targets = ctx.use('targets');
  const duplicates = ctx.use('duplicates');
  const writes = createWriteService({
    store, bus: ctx.use('bus'), map: ctx.map, logger: ctx.logger,
    // Each new incident is stamped with the time targets as they stand.
    targetsOf: (profile) => targets.targets(profile),
    possibleDuplicateOf: (row) => duplicates.possibleDuplicateOf(row),
  });
  ctx.provide('writes', writes);
  const router = Router();
  // Lifecycle moves need a signed-in operator (an API key gets 403); the purge an admin.
  const requireOperator = auth.requireRole('operator');
  const requireAdmin = auth.requireRole('admin');

  const ingestRoute = (kind: RecordKind, describe: (record: Incident | FeedRecord) => Record<string, unknown>) =>
    route(async (req, res) => {
      const { single, items } = readIngestBody(req.body);
      const results = await writes.ingest(kind, items, { actor: requestActor(req, res), source: 'api', ...(single ? { path: () => [] } : {}) });
      sendIngestResults(res, single, results.map((r) => toItemResult(r, describe)));
    });

  router.post('/api/v1/incidents', auth.requireIngestKey, ingestRoute('incidents', (r) => describeIncident(r as Incident)));

  router.get('/api/v1/incidents', auth.requireViewer, route(async (req, res) => {
    const { filter, limit, cursor } = parseListQuery(req.query as Record<string, unknown>);
    const page = await store.listIncidents(filter, limit, cursor);
    res.json(leaderAsks(res) ? page : { ...page, items: page.items.map(withMaskedContact) });
  }));

  router.get('/api/v1/incidents/:id', auth.requireViewer, route(async (req, res) => {
    const id = String(req.params.id);
    const incident = await store.getIncident(id);
    if (!incident) throw new HttpProblem(404, 'Not found', `no incident ${id}`);
    res.set('ETag', incidentEtag(incident)).json(leaderAsks(res) ? incident : withMaskedContact(incident));
  }));

  router.post('/api/v1/incidents/:id/transitions', requireOperator, route(transitionHandler(writes, requestActor)));
  router.post('/api/v1/alarms/:id/resolve', auth.requireIngestKey, route(resolveAlarmHandler(writes, requestActor)));
  router.post('/api/v1/admin/purge-simulated', requireAdmin, route(purgeHandler(writes, requestActor)));

  for (const { code: kind } of FEED_KINDS) {
    router.post(`/api/v1/${kind}`, auth.requireIngestKey, ingestRoute(kind, (r) => describeFeedRecord(r as FeedRecord)));
  }

  ctx.app.use(router);
};
