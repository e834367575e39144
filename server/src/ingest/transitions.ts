// Changes after ingest: lifecycle moves of an incident, an alarm's resolution, and the purge
// of simulated records. Each is one store transaction, announced on the bus after COMMIT.
import type { Request, Response } from 'express';
import { z } from 'zod';
import { ALARM_OUTCOMES, codeEnum, pastTimeSchema, transitionInputSchema } from '@grid141/shared';
import { HttpProblem, zodProblem } from '../http/problem.ts';
import type { RecordBus } from '../engine/bus.ts';
import type { Store } from '../store/types.ts';

function param(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
}

/** Who moved it, as the history records it. */
function actor(res: Response): string {
  const p = res.locals.principal;
  return p?.username ?? p?.via ?? 'unknown';
}

export type Announce = (emit: () => void) => void;

export function transitionHandler(store: Store, bus: RecordBus, announce: Announce) {
  return async (req: Request, res: Response) => {
    const parsed = transitionInputSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw zodProblem(parsed.error);
    const id = param(req, 'id');
    const outcome = await store.transitionIncident(id, {
      to: parsed.data.to,
      note: parsed.data.note ?? null,
      assignee: parsed.data.assignee ?? null,
      by: actor(res),
      ...(parsed.data.at ? { at: new Date(parsed.data.at) } : {}),
    });
    if (!outcome.ok && outcome.reason === 'not-found') throw new HttpProblem(404, 'Not found', `no incident ${id}`);
    if (!outcome.ok && outcome.reason === 'too-early') {
      throw new HttpProblem(409, 'Move time not possible', `${outcome.field}: ${outcome.message}`, [{ path: outcome.field, message: outcome.message }]);
    }
    if (!outcome.ok) {
      throw new HttpProblem(409, 'Move not allowed', `an incident cannot move from ${outcome.from} to ${outcome.to}`, [
        { path: 'to', message: `not allowed from ${outcome.from}` },
      ]);
    }
    announce(() => bus.emit('incidents', [{ before: outcome.before, after: outcome.after }]));
    res.status(200).json(outcome.after);
  };
}

const resolveSchema = (clock: () => number) =>
  z.object({
    outcome: codeEnum(ALARM_OUTCOMES),
    resolvedAt: pastTimeSchema(clock, 'resolvedAt').optional(),
  });

export function resolveAlarmHandler(store: Store, bus: RecordBus, announce: Announce, clock: () => number = Date.now) {
  const schema = resolveSchema(clock);
  return async (req: Request, res: Response) => {
    const parsed = schema.safeParse(req.body ?? {});
    if (!parsed.success) throw zodProblem(parsed.error);
    const id = param(req, 'id');
    // An alarm's occurredAt never changes, so reading it before the resolving transaction is safe.
    const alarm = await store.getFeedRecord('alarms', id);
    if (!alarm) throw new HttpProblem(404, 'Not found', `no alarm ${id}`);
    const occurredAt = Date.parse(alarm.occurredAt);
    if (parsed.data.resolvedAt !== undefined && Date.parse(parsed.data.resolvedAt) < occurredAt) {
      throw new HttpProblem(409, 'Resolution time not possible', `resolvedAt is before the alarm occurred (${alarm.occurredAt})`, [
        { path: 'resolvedAt', message: `before occurredAt ${alarm.occurredAt}` },
      ]);
    }
    const resolvedAt = new Date(parsed.data.resolvedAt ?? Math.max(clock(), occurredAt)).toISOString();
    const outcome = await store.resolveAlarm(id, { outcome: parsed.data.outcome, resolvedAt });
    if (!outcome.ok) throw new HttpProblem(404, 'Not found', `no alarm ${id}`);
    if (outcome.changed) announce(() => bus.emit('feedUpdated', 'alarms', outcome.before, outcome.after));
    res.status(200).json(outcome.after);
  };
}

export function purgeHandler(store: Store, bus: RecordBus, announce: Announce) {
  return async (_req: Request, res: Response) => {
    const counts = await store.purgeSimulated();
    announce(() => bus.emit('purged'));
    res.status(200).json(counts);
  };
}
