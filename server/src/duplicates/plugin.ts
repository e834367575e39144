// Duplicate reports (docs/api.md, duplicates): keeps the spatial index of open incidents (built
// from the store at start, then kept by the record bus), offers the ingest side the check that
// marks `possibleDuplicateOf`, and serves the merge and its undo.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { PROBLEM_CONTENT_TYPE, isOpenStatus, type CategoryCode, type DuplicateRule, type Incident } from '@grid141/shared';
import type { Plugin } from '../app.ts';
import { actorOf } from '../auth/auth.ts';
import { HttpProblem, problemBody } from '../http/problem.ts';
import type { MergeResult } from '../ingest/service.ts';
import { incidentEtag, parseIfMatch } from '../ingest/transitions.ts';
import { DuplicateIndex } from './spatial.ts';

export interface DuplicatesService {
  /** The open incident a new one possibly duplicates (same category, close in place and time), or null. */
  possibleDuplicateOf(incident: { id: string; category: CategoryCode; location: { lng: number; lat: number }; reportedAt: string }): string | null;
  /** The radius (m) and window (min) in force for a category (DUPLICATE_RULES over the built-in table). */
  ruleFor(category: CategoryCode): DuplicateRule;
  readonly index: DuplicateIndex;
}

declare module '../app.ts' {
  interface Services {
    duplicates: DuplicatesService;
  }
}

const route = (fn: (req: Request, res: Response) => Promise<void>): RequestHandler => (req, res, next) => {
  fn(req, res).catch(next);
};

const pointOf = (i: Incident) => ({
  id: i.id, category: i.category, lng: i.location.lng, lat: i.location.lat, reportedAtMs: Date.parse(i.reportedAt), possibleDuplicateOf: i.possibleDuplicateOf ?? null,
});

export const duplicatesPlugin: Plugin = async (ctx) => {
  const store = ctx.use('store');
  const bus = ctx.use('bus');
  const index = new DuplicateIndex(ctx.street.meta.centre.lat, ctx.config.duplicates.byCategory, ctx.config.duplicates.fallback);
  const load = async () => {
    index.clear();
    for (const p of await store.openPoints()) index.add(p);
  };
  const started = Date.now();
  await load();
  ctx.logger.info({ open: index.size, ms: Date.now() - started }, 'duplicate index built');

  bus.on('incidents', (changes) => {
    for (const { after } of changes) {
      if (isOpenStatus(after.status)) index.add(pointOf(after));
      else index.remove(after.id);
    }
  });
  bus.on('purged', () => {
    load().catch((error: unknown) => ctx.logger.error({ err: error }, 'duplicate index rebuild failed'));
  });

  ctx.provide('duplicates', {
    index,
    ruleFor: (category) => index.ruleFor(category),
    possibleDuplicateOf: (incident) =>
      index.find({ id: incident.id, category: incident.category, lng: incident.location.lng, lat: incident.location.lat, reportedAtMs: Date.parse(incident.reportedAt) })?.id ?? null,
  });

};


function sendRefusal(res: Response, id: string, outcome: Exclude<MergeResult, { ok: true }>): void {
  switch (outcome.reason) {
    case 'invalid': {
      const errors = outcome.errors;
      throw new HttpProblem(400, 'Invalid request', errors.length === 1 ? `${errors[0]?.path}: ${errors[0]?.message}` : `${errors.length} fields are invalid`, errors);
    }
    case 'forbidden':
      throw new HttpProblem(403, 'Forbidden', outcome.detail);
    case 'not-found':
      throw new HttpProblem(404, 'Not found', `no incident ${outcome.id}`, outcome.id === id ? undefined : [{ path: 'into', message: 'no such incident' }]);
    case 'refused':
      throw new HttpProblem(409, 'Merge not allowed', outcome.detail, outcome.field ? [{ path: outcome.field, message: outcome.detail }] : undefined);
    case 'stale': {
      const body = { ...problemBody(412, 'Incident changed', `the incident is at version ${outcome.current.version ?? 1}; reload it and decide again`), incident: outcome.current };
      res.status(412).set('ETag', incidentEtag(outcome.current)).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
    }
  }
}

/**
 * POST /api/v1/incidents/:id/merge `{into, note?}` (signed-in operators and up, an API key 403; If-Match on the
 * duplicate) and POST /api/v1/incidents/:id/unmerge `{note?}` (leaders, within a day), through the
 * write service. After ingestRoutes, which provides it.
 */
export const mergeRoutes: Plugin = (ctx) => {
  const writes = ctx.use('writes');
  const router = Router();
  const handle = (op: 'merge' | 'unmerge') => route(async (req, res) => {
    const id = typeof req.params.id === 'string' ? req.params.id : '';
    const ifMatch = parseIfMatch(req.headers['if-match']);
    const options = { actor: actorOf(req, res.locals.principal), source: 'api' as const, ...(ifMatch !== undefined ? { ifMatch } : {}) };
    const outcome = await writes[op](id, req.body, options);
    if (!outcome.ok) return sendRefusal(res, id, outcome);
    res.status(200).set('ETag', incidentEtag(outcome.duplicate.after)).json(outcome.duplicate.after);
  });
  router.post('/api/v1/incidents/:id/merge', ctx.auth.requireRole('operator'), handle('merge'));
  router.post('/api/v1/incidents/:id/unmerge', ctx.auth.requireRole('leader'), handle('unmerge'));
  ctx.app.use(router);
};
