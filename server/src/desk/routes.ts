// The duty desk's API (docs/api.md#duty-desk): the queue, an incident with its timeline and the
// moves the caller may make, the desk's actions with If-Match, and the time targets.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import {
  deskMoveSchema, escalateInputSchema, evaluateInputSchema, maskContact, movesFor, MOVE_ROLES, noteInputSchema,
  QUEUE_LIST_PARAMS, queueQuerySchema, reclassifyInputSchema, SATISFACTION, targetEditSchema,
  TRANSITIONS, type DeskRole, type Incident,
} from '@grid141/shared';
import type { AppContext } from '../app.ts';
import { actorOf, roleAtLeast, type Principal } from '../auth/auth.ts';
import type { WriteService } from '../ingest/service.ts';
import { parseIfMatch, sendMoveRefusal } from '../ingest/transitions.ts';
import { HttpProblem, zodProblem } from '../http/problem.ts';
import { breachesOf, queuePage } from './sql.ts';
import type { TargetsService } from './targets.ts';
import { addDispatchNote, applyDeskChange, deskNotes, versionOf, writeDeskAudit, type DeskChange, type DeskWriteOutcome } from './writes.ts';

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
  if (roleAtLeast(role, 'leader') || !incident.reporter?.contact) return incident;
  return { ...incident, reporter: { ...incident.reporter, contact: maskContact(incident.reporter.contact) } };
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
  /** The one write path: lifecycle moves go through its transition(). */
  writes: WriteService;
  announce(change: { before: Incident; after: Incident }): void;
}

export function deskRoutes(ctx: AppContext, deps: DeskRouteDeps): Router {
  const store = ctx.use('store');
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
    });
  }));

  router.post('/api/v1/duty/incidents/:id/transitions', operator, route(async (req, res) => {
    const parsed = deskMoveSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw zodProblem(parsed.error);
    const principal = principalOf(res);
    const id = String(req.params.id);
    const { to, note, assignee, dispatchKind } = parsed.data;
    // Who may make which move, and what it must carry, are the write service's rules (as on the plain route).
    const outcome = await deps.writes.transition(id, { to, ...(note ? { note } : {}), ...(assignee ? { assignee } : {}) }, { actor: actorOf(req, principal), source: 'desk', ifMatch: ifMatchOf(req) });
    if (!outcome.ok) return sendMoveRefusal(res, id, outcome, (incident) => forRole(incident, principal.role));
    // Whom it went to and as what (post, grid worker, department), beside the move on the timeline.
    if (to === 'dispatched' && assignee) await addDispatchNote(store.sql, id, nameOf(principal), outcome.after.updatedAt, { assignee, dispatchKind: dispatchKind ?? null });
    res.setHeader('ETag', etag(outcome.after));
    res.json(forRole(outcome.after, principal.role));
  }));

  /** 412 with the incident as it stands and who changed it last, so the desk can say "changed by 张三 at 10:42". */
  async function sendStale(res: Response, current: Incident, role: DeskRole): Promise<void> {
    const last = await store.lastChange(current.id);
    res.status(412).setHeader('ETag', etag(current));
    res.type('application/problem+json').send(JSON.stringify({
      type: 'about:blank', title: 'Changed meanwhile', status: 412,
      detail: `the incident was changed${last.by ? ` by ${last.by}` : ''} at ${last.at ?? current.updatedAt}; nothing was written`,
      current: forRole(current, role), version: versionOf(current), changedBy: last.by, changedAt: last.at ?? current.updatedAt,
    }));
  }

  const deskChange = (minRole: 'operator' | 'leader', read: (body: unknown, at: Date) => DeskChange) =>
    route(async (req, res) => {
      const principal = principalOf(res);
      if (!roleAtLeast(principal.role, minRole)) throw new HttpProblem(403, 'Forbidden', `this needs the ${minRole} role`);
      const id = String(req.params.id);
      const at = new Date();
      const change = read(req.body ?? {}, at);
      const outcome: DeskWriteOutcome = await applyDeskChange(store.sql, streetId, id, change, actorOf(req, principal), at, ifMatchOf(req), Date.now());
      if (!outcome.ok && outcome.reason === 'not-found') throw new HttpProblem(404, 'Not found', `no incident ${id}`);
      if (!outcome.ok && outcome.reason === 'stale') return await sendStale(res, outcome.current, principal.role);
      if (!outcome.ok && outcome.reason === 'refused') throw new HttpProblem(409, 'Not allowed now', outcome.detail, [{ path: outcome.path, message: outcome.detail }]);
      if (!outcome.ok) throw new Error('unreachable');
      deps.announce({ before: outcome.before, after: outcome.after });
      res.setHeader('ETag', etag(outcome.after));
      res.json(forRole(outcome.after, principal.role));
    });

  router.post('/api/v1/duty/incidents/:id/escalations', operator, deskChange('operator', (body, at) => {
    const parsed = escalateInputSchema.safeParse(body);
    if (!parsed.success) throw zodProblem(parsed.error);
    const e = parsed.data;
    return { kind: 'escalation', escalation: { at: at.toISOString(), to: [e.department], ...(e.note ? { note: e.note } : {}), ...(e.answeredBy ? { answeredBy: e.answeredBy } : {}), ...(e.answeredAt ? { answeredAt: new Date(e.answeredAt).toISOString() } : {}) } };
  }));
  router.post('/api/v1/duty/incidents/:id/evaluation', operator, deskChange('operator', (body, at) => {
    const parsed = evaluateInputSchema.safeParse(body);
    if (!parsed.success) throw zodProblem(parsed.error);
    const score = SATISFACTION.find((s) => s.code === parsed.data.satisfied)?.score ?? 3;
    return { kind: 'evaluation', evaluation: { at: at.toISOString(), score, satisfied: parsed.data.satisfied, ...(parsed.data.comment ? { comment: parsed.data.comment } : {}) } };
  }));
  router.post('/api/v1/duty/incidents/:id/classification', operator, deskChange('leader', (body) => {
    const parsed = reclassifyInputSchema.safeParse(body);
    if (!parsed.success) throw zodProblem(parsed.error);
    return { kind: 'reclassification', ...parsed.data };
  }));
  router.post('/api/v1/duty/incidents/:id/notes', operator, deskChange('operator', (body) => {
    const parsed = noteInputSchema.safeParse(body);
    if (!parsed.success) throw zodProblem(parsed.error);
    return { kind: 'note', note: parsed.data.note };
  }));

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
