// HTTP adapters of the changes after ingest: a lifecycle move (ETag / If-Match / 412), an
// alarm's resolution and the purge of simulated records. The write service does the work;
// these only read the request, name the actor and turn the outcome into an answer.
import type { Request, Response } from 'express';
import { PROBLEM_CONTENT_TYPE, type Incident } from '@grid141/shared';
import { HttpProblem, problemBody } from '../http/problem.ts';
import type { Actor } from '../auth/actor.ts';
import type { ChangeOutcome, MoveOutcome, WriteService, WriteSource } from './service.ts';

/** The strong ETag of an incident: its version, quoted. */
export function incidentEtag(incident: Pick<Incident, 'version'>): string {
  return `"${incident.version ?? 1}"`;
}

/**
 * The version an `If-Match` header asks for: undefined when absent or `*` (no check), else the
 * number in `"<n>"`; a weak `W/"<n>"` never matches (If-Match compares strongly). Anything else can match no version: 0.
 * RFC 9110 §13.1.1; a list of several tags is refused unless it holds the current one, which
 * one number cannot say, so only the first is used.
 */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const first = header.split(',')[0]?.trim() ?? '';
  if (first === '*' || first === '') return undefined;
  // If-Match compares strongly (RFC 9110 §13.1.1): a weak tag never matches, so it is stale (0).
  const match = /^"([0-9]{1,9})"$/.exec(first);
  return match ? Number(match[1]) : 0;
}

function param(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
}

/**
 * The HTTP answer of a refused move, the same on every route that moves incidents (the plain
 * API and the duty desk): 400 naming the field (the body, or the `note`/`assignee` a move
 * needs), 403 (naming `to` when the role may not make this move), 404, 409 naming `to` and the
 * moves allowed from the current status (or `at`, too early), 412 with the incident as it stands
 * (`incident` and `current`, shown through `view`), its `version`, `changedBy`, `changedAt` and
 * its ETag. Throws HttpProblem for all but 412, which it sends.
 */
export function sendMoveRefusal(res: Response, id: string, outcome: Exclude<MoveOutcome, { ok: true }>, view: (incident: Incident) => Incident = (i) => i): void {
  switch (outcome.reason) {
    case 'invalid': {
      const errors = outcome.errors;
      const detail = errors.length === 1 ? `${errors[0]?.path}: ${errors[0]?.message}` : `${errors.length} fields are invalid`;
      throw new HttpProblem(400, 'Invalid request', detail, errors);
    }
    case 'forbidden':
      throw new HttpProblem(403, 'Forbidden', outcome.detail, outcome.errors);
    case 'not-found':
      throw new HttpProblem(404, 'Not found', `no incident ${id}`);
    case 'refused': {
      const allowed = outcome.allowed.join(', ') || 'none';
      throw new HttpProblem(409, 'Move not allowed', `an incident cannot move from ${outcome.from} to ${outcome.to}; allowed: ${allowed}`, [
        { path: 'to', message: `not allowed from ${outcome.from}; allowed: ${allowed}` },
      ]);
    }
    case 'too-early':
      throw new HttpProblem(409, 'Move time not possible', `${outcome.field}: ${outcome.message}`, [{ path: outcome.field, message: outcome.message }]);
    case 'stale':
      sendStale(res, outcome, view);
  }
}

/** 412: nothing was written; the incident as it stands (`incident`, `current`), its `version`, who changed it last and when, and its ETag. */
function sendStale(res: Response, outcome: { current: Incident; changedBy: string | null; changedAt: string }, view: (incident: Incident) => Incident): void {
  const current = view(outcome.current);
  const version = current.version ?? 1;
  const body = {
    ...problemBody(412, 'Incident changed', `the incident was changed${outcome.changedBy ? ` by ${outcome.changedBy}` : ''} at ${outcome.changedAt} and is at version ${version}; nothing was written, reload it and decide again`),
    incident: current,
    current,
    version: String(version),
    changedBy: outcome.changedBy,
    changedAt: outcome.changedAt,
  };
  res.status(412).set('ETag', incidentEtag(current)).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

/**
 * The HTTP answer of a refused desk change that is not a move (escalate, evaluate, reclassify,
 * note): 400 naming the field, 403, 404, 409 naming the field when the incident's status does not
 * allow it now, 412 as for moves. Throws HttpProblem for all but 412, which it sends.
 */
export function sendChangeRefusal(res: Response, id: string, outcome: Exclude<ChangeOutcome, { ok: true }>, view: (incident: Incident) => Incident = (i) => i): void {
  switch (outcome.reason) {
    case 'invalid':
    case 'forbidden':
    case 'not-found':
      return sendMoveRefusal(res, id, outcome, view);
    case 'not-now':
      throw new HttpProblem(409, 'Not allowed now', outcome.detail, [{ path: outcome.path, message: outcome.detail }]);
    case 'stale':
      sendStale(res, outcome, view);
  }
}

export type ActorOf = (req: Request, res: Response) => Actor;

export function transitionHandler(writes: WriteService, actorOf: ActorOf, source: WriteSource = 'api') {
  return async (req: Request, res: Response) => {
    const id = param(req, 'id');
    const ifMatch = parseIfMatch(req.headers['if-match']);
    const outcome = await writes.transition(id, req.body, { actor: actorOf(req, res), source, ...(ifMatch !== undefined ? { ifMatch } : {}) });
    if (!outcome.ok) return sendMoveRefusal(res, id, outcome);
    res.status(200).set('ETag', incidentEtag(outcome.after)).json(outcome.after);
  };
}

export function resolveAlarmHandler(writes: WriteService, actorOf: ActorOf) {
  return async (req: Request, res: Response) => {
    const id = param(req, 'id');
    const outcome = await writes.resolveAlarm(id, req.body, { actor: actorOf(req, res), source: 'api' });
    if (outcome.ok) {
      res.status(200).json(outcome.record);
      return;
    }
    if (outcome.reason === 'not-found') throw new HttpProblem(404, 'Not found', `no alarm ${id}`);
    if (outcome.reason === 'too-early') {
      throw new HttpProblem(409, 'Resolution time not possible', `resolvedAt is before the alarm occurred (${outcome.occurredAt})`, [
        { path: 'resolvedAt', message: `before occurredAt ${outcome.occurredAt}` },
      ]);
    }
    const errors = outcome.errors;
    throw new HttpProblem(400, 'Invalid request', errors.length === 1 ? `${errors[0]?.path}: ${errors[0]?.message}` : `${errors.length} fields are invalid`, errors);
  };
}

export function purgeHandler(writes: WriteService, actorOf: ActorOf) {
  return async (req: Request, res: Response) => {
    res.status(200).json(await writes.purgeSimulated({ actor: actorOf(req, res), source: 'api' }));
  };
}
