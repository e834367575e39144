// The duty desk's API (docs/api.md#duty-desk): the queue, an incident with its timeline and the
// moves the caller may make, the desk's actions with If-Match, and the time targets.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import {
  deskMoveSchema, movesFor, withMaskedContact, QUEUE_LIST_PARAMS, queueQuerySchema, targetEditSchema, type DeskRole, type Incident,
} from '@grid141/shared';
import type { AppContext } from '../app.ts';
import { actorOf, roleAtLeast, type Principal } from '../auth/auth.ts';
import type { ChangeOutcome, MoveOptions, WriteService } from '../ingest/service.ts';
import { parseIfMatch, sendChangeRefusal, sendMoveRefusal } from '../ingest/transitions.ts';
import { HttpProblem, zodProblem } from '../http/problem.ts';
import { breachesOf, queuePage } from './sql.ts';
import type { TargetsService } from './targets.ts';
import { deskNotes, versionOf, writeDeskAudit } from './writes.ts';

const route = (fn: (req: Request, res: Response) => Promise<void>): RequestHandler => (req, res, next) => {
  fn(req, res).catch(next);
};

function listOf(raw: unknown): string[] | undefined {
  if (raw === undefined) return undefined;
  return (Array.isArray(raw) ? raw : [raw]).flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter((v) => v.length > 0);
}

/** The query string as the queue schema wants it (lists may repeat or be comma-separated). */
export function readQueueQuery(query: Record<string, unknown>) {
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    if (key === 'token') continue;
    input[key] = (QUEUE_LIST_PARAMS as readonly string[]).includes(key) ? listOf(value) : Array.isArray(value) ? value[0] : value;
  }
  const parsed = queueQuerySchema.strict().safeParse(input);
  if (!parsed.success) throw zodProblem(parsed.error);
  return parsed.data;
}

function principalOf(res: Response): Principal {
  const p = res.locals.principal;
  if (!p) throw new HttpProblem(401, 'Unauthorized', 'sign in first');
  return p;
}
const nameOf = (p: Principal) => p.username ?? p.via;

/** What the desk shows of an incident to this role: operators see the reporter's number masked. */
export function forRole(incident: Incident, role: DeskRole): Incident {
  return roleAtLeast(role, 'leader') ? incident : withMaskedContact(incident);
}

/** The If-Match header's version as the API reads it (parseIfMatch); null when absent or `*`, 0 (never current) when not a strong version tag. */
export function ifMatchOf(req: Request): number | null {
  return parseIfMatch(req.headers['if-match']) ?? null;
}

export function etag(incident: Incident): string {
  return `"${versionOf(incident)}"`;
}

export interface DeskRouteDeps {
  targets: TargetsService;
  /** The one write path: lifecycle moves (transition) and the desk's other changes (escalate, evaluate, reclassify, addNote). */
  writes: WriteService;
}

export function deskRoutes(ctx: AppContext, deps: DeskRouteDeps): Router {
  const store = ctx.use('store');
  const duplicates = ctx.use('duplicates');
  const streetId = ctx.street.meta.id;
  const router = Router();
  const operator = ctx.auth.requireRole('operator');
  const leader = ctx.auth.requireRole('leader');


  router.get('/api/v1/duty/queue', operator, route(async (req, res) => {
    const query = readQueueQuery(req.query as Record<string, unknown>);
    const role = principalOf(res).role;
    const page = await queuePage(store.sql, streetId, query, Date.now());
    res.json({ ...page, items: page.items.map((item) => ({ ...item, incident: forRole(item.incident, role) })) });
  }));

  router.get('/api/v1/duty/incidents/:id', operator, route(async (req, res) => {
    const id = String(req.params.id);
    const role = principalOf(res).role;
    const incident = await store.getIncident(id);
    if (!incident) throw new HttpProblem(404, 'Not found', `no incident ${id}`);
    const [notes, breaches] = await Promise.all([deskNotes(store.sql, id), breachesOf(store.sql, id)]);
    res.setHeader('ETag', etag(incident));
    res.json({
      incident: forRole(incident, role),
      version: versionOf(incident),
      history: incident.history,
      notes,
      breaches,
      moves: movesFor(incident.status, role),
      canReclassify: roleAtLeast(role, 'leader'),
      // Undoing a merge is a leader's (mergeRoutes refuses anyone else); the desk offers it only then.
      canUnmerge: roleAtLeast(role, 'leader'),
      // What "possible duplicate" means for its category on this server (DUPLICATE_RULES).
      duplicateRule: duplicates.ruleFor(incident.category),
    });
  }));

  router.post('/api/v1/duty/incidents/:id/transitions', operator, route(async (req, res) => {
    const parsed = deskMoveSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw zodProblem(parsed.error);
    const principal = principalOf(res);
    const id = String(req.params.id);
    const { to, note, assignee, dispatchKind } = parsed.data;
    // Who may make which move, and what it must carry, are the write service's rules (as on the plain route).
    const move = { to, ...(note ? { note } : {}), ...(assignee ? { assignee } : {}), ...(dispatchKind ? { dispatchKind } : {}) };
    const outcome = await deps.writes.transition(id, move, { actor: actorOf(req, principal), source: 'desk', ifMatch: ifMatchOf(req) });
    if (!outcome.ok) return sendMoveRefusal(res, id, outcome, (incident) => forRole(incident, principal.role));
    res.setHeader('ETag', etag(outcome.after));
    res.json(forRole(outcome.after, principal.role));
  }));

  // The desk's changes that are not moves: the write service validates, checks the role, writes and announces.
  type Change = (id: string, input: unknown, options: MoveOptions) => Promise<ChangeOutcome>;
  const deskChange = (change: Change) =>
    route(async (req, res) => {
      const principal = principalOf(res);
      const id = String(req.params.id);
      const outcome = await change(id, req.body ?? {}, { actor: actorOf(req, principal), source: 'desk', ifMatch: ifMatchOf(req) });
      if (!outcome.ok) return sendChangeRefusal(res, id, outcome, (incident) => forRole(incident, principal.role));
      res.setHeader('ETag', etag(outcome.after));
      res.json(forRole(outcome.after, principal.role));
    });
  const writes = deps.writes;
  router.post('/api/v1/duty/incidents/:id/escalations', operator, deskChange(writes.escalate));
  router.post('/api/v1/duty/incidents/:id/evaluation', operator, deskChange(writes.evaluate));
  router.post('/api/v1/duty/incidents/:id/classification', operator, deskChange(writes.reclassify));
  router.post('/api/v1/duty/incidents/:id/notes', operator, deskChange(writes.addNote));

  router.get('/api/v1/duty/targets', operator, (_req, res) => {
    res.json({ profiles: deps.targets.list() });
  });
  router.put('/api/v1/duty/targets/:profile', leader, route(async (req, res) => {
    const parsed = targetEditSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw zodProblem(parsed.error);
    const principal = principalOf(res);
    const profile = String(req.params.profile);
    const edited = await deps.targets.edit(profile, parsed.data, nameOf(principal), new Date());
    if (!edited) throw new HttpProblem(404, 'Not found', `no time-target profile ${profile}`, [{ path: 'profile', message: 'unknown profile' }]);
    await writeDeskAudit(store.sql, actorOf(req, principal), 'targets.changed', profile, { before: edited.before, after: edited.after });
    res.json(edited.after);
  }));

  return router;
}
