// The duty desk on the server: time targets (before ingest, which stamps each incident with
// them), then the desk's API, the lateness timer, shift handovers and emergency mode.
import path from 'node:path';
import {
  emergencyStartSchema, handoverCreateSchema, handoverSignSchema,
  type Alert, type AuditKind, type Incident,
} from '@grid141/shared';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Plugin } from '../app.ts';
import { HttpProblem, zodProblem } from '../http/problem.ts';
import { openEmergency } from './emergency.ts';
import { openHandovers } from './handover.ts';
import { deskRoutes } from './routes.ts';
import { recordBreaches } from './sql.ts';
import { openTargets, readTargetsFile, type TargetsService } from './targets.ts';
import { writeDeskAudit } from './writes.ts';
import { actorOf } from '../auth/auth.ts';

declare module '../app.ts' {
  interface Services {
    targets: TargetsService;
  }
}

/** How often the server looks for incidents whose next target just fell due. */
export const BREACH_CHECK_MS = 5_000;

const route = (fn: (req: Request, res: Response) => Promise<void>): RequestHandler => (req, res, next) => {
  fn(req, res).catch(next);
};

/** Seeds and loads the time-target profiles; registered after the store, before ingest. */
export const deskTargetsPlugin: Plugin = async (ctx) => {
  const store = ctx.use('store');
  const file = path.join(ctx.config.streetsDir, ctx.config.streetId, 'targets.json');
  const seed = await readTargetsFile(file);
  const targets = await openTargets(store.sql, store.streetId, seed);
  // Another instance on the same PostgreSQL may have edited them: read them again every minute.
  const reload = setInterval(() => {
    targets.reload().catch((error: unknown) => ctx.logger.warn({ err: error }, 'time targets reload failed'));
  }, 60_000);
  reload.unref();
  ctx.onClose(() => clearInterval(reload));
  ctx.provide('targets', targets);
};

export const deskPlugin: Plugin = async (ctx) => {
  const store = ctx.use('store');
  const bus = ctx.use('bus');
  const targets = ctx.use('targets');
  const duty = ctx.use('duty');
  const streetId = store.streetId;
  const startedAt = Date.now();

  ctx.app.use(deskRoutes(ctx, { targets, writes: ctx.use('writes') }));
  const audit = (req: Request, res: Response, kind: AuditKind, target: string, detail: Record<string, unknown>) =>
    writeDeskAudit(store.sql, actorOf(req, res.locals.principal), kind, target, detail);

  // --- lateness: once per incident and target, decided here -------------------------------
  const breachAlert = (incident: Incident, stage: Alert['stage'], now: number): Alert => ({
    id: `overdue:${incident.id}:${stage}`, kind: 'overdue', stage, at: new Date(now).toISOString(), incidentId: incident.id,
    code: incident.category, communityId: incident.communityId, gridId: incident.gridId, location: incident.location, simulated: incident.simulated,
  });
  const alertBreaches = async (found: { incidentId: string; stage: string; dueAt: string }[], now: number) => {
    // Late before this server started: recorded, not flashed (as the wall's other alerts). The
    // close target is the incident's dueAt, which the alert policy already flashes as `overdue`.
    for (const b of found.filter((f) => f.stage !== 'close' && Date.parse(f.dueAt) >= startedAt - BREACH_CHECK_MS).slice(0, 20)) {
      const incident = await store.getIncident(b.incidentId);
      if (incident) ctx.live.publish('alert', breachAlert(incident, b.stage as Alert['stage'], now));
    }
  };
  let lastLook: number | null = null;
  let looking = false;
  const look = async () => {
    if (looking) return;
    looking = true;
    const now = Date.now();
    try {
      const found = await recordBreaches(store.sql, streetId, now, lastLook === null ? null : lastLook - BREACH_CHECK_MS);
      lastLook = now;
      await alertBreaches(found, now);
    } catch (error) {
      ctx.logger.warn({ err: error }, 'desk lateness check failed');
    } finally {
      looking = false;
    }
  };
  // A move can make the next target one already past (accepted late: arrive is due too).
  bus.on('incidents', (changes) => {
    const ids = changes.filter((c) => c.before !== null).map((c) => c.after.id);
    if (ids.length === 0) return;
    const now = Date.now();
    recordBreaches(store.sql, streetId, now, null, ids).then((found) => alertBreaches(found, now)).catch((error: unknown) => ctx.logger.warn({ err: error }, 'desk lateness check failed'));
  });
  const breachTimer = setInterval(() => void look(), BREACH_CHECK_MS);
  breachTimer.unref();
  ctx.onListen(() => void look());
  ctx.onClose(() => clearInterval(breachTimer));

  // --- emergency mode ---------------------------------------------------------------------
  const emergency = await openEmergency(store);
  const pushEmergency = async () => ctx.live.publish('emergency', await emergency.payload());
  ctx.live.onConnect((socket) => {
    emergency.payload().then((p) => socket.emit('emergency', p), (error: unknown) => ctx.logger.warn({ err: error }, 'emergency state unavailable'));
  });
  bus.on('incidents', (changes) => {
    const active = emergency.current();
    if (active && changes.some((c) => c.after.id === active.incidentId)) void pushEmergency().catch(() => {});
  });

  const leader = ctx.auth.requireRole('leader');
  const operator = ctx.auth.requireRole('operator');
  const who = (res: Response) => res.locals.principal?.username ?? res.locals.principal?.via ?? 'unknown';
  const router = Router();
  router.get('/api/v1/duty/emergency', operator, route(async (_req, res) => {
    res.json({ ...(await emergency.payload()), history: await emergency.history(20) });
  }));
  router.post('/api/v1/duty/emergency', leader, route(async (req, res) => {
    const parsed = emergencyStartSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw zodProblem(parsed.error);
    const incident = await store.getIncident(parsed.data.incidentId);
    if (!incident) throw new HttpProblem(404, 'Not found', `no incident ${parsed.data.incidentId}`, [{ path: 'incidentId', message: 'unknown incident' }]);
    const started = await emergency.start(incident.id, who(res), new Date());
    if (!started) throw new HttpProblem(409, 'Already on', 'emergency mode is already on for another incident; end it first', [{ path: 'incidentId', message: 'emergency mode is on' }]);
    await audit(req, res, 'emergency.started', incident.id, { ...started });
    await pushEmergency();
    res.status(201).json(started);
  }));
  router.delete('/api/v1/duty/emergency', leader, route(async (req, res) => {
    const ended = await emergency.end(who(res), new Date());
    if (!ended) throw new HttpProblem(409, 'Not on', 'emergency mode is not on');
    await audit(req, res, 'emergency.ended', ended.incidentId, { ...ended });
    await pushEmergency();
    res.json(ended);
  }));

  // --- shift handover ---------------------------------------------------------------------
  const handovers = openHandovers(store);
  const makeSheet = async (by: string, notes: string, at: number) => {
    const span = duty.shiftAt(at - 1);
    const last = await handovers.lastEnd();
    const from = last && last.getTime() < at ? last : new Date(span ? span.start : at - 12 * 3_600_000);
    // The incoming shift is the next one, also for a sheet made mid-shift (not the one running at
    // `at`); when the roster names the same leader for it, that side is left to whoever signs it.
    const incoming = duty.shiftAt(span ? span.end + 1 : at + 1);
    const outgoingLeader = span?.leader ?? null;
    const incomingLeader = incoming?.leader && incoming.leader !== outgoingLeader ? incoming.leader : null;
    return handovers.create({ from, to: new Date(at), by, notes, outgoingLeader, incomingLeader });
  };
  router.get('/api/v1/duty/handovers', operator, route(async (_req, res) => {
    res.json({ items: await handovers.list(50) });
  }));
  router.post('/api/v1/duty/handovers', operator, route(async (req, res) => {
    const parsed = handoverCreateSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw zodProblem(parsed.error);
    const sheet = await makeSheet(who(res), parsed.data.notes, Date.now());
    await audit(req, res, 'handover.made', sheet.id, { from: sheet.from, to: sheet.to });
    res.status(201).json(sheet);
  }));
  router.get('/api/v1/duty/handovers/:id', operator, route(async (req, res) => {
    const sheet = await handovers.get(String(req.params.id));
    if (!sheet) throw new HttpProblem(404, 'Not found', `no handover ${String(req.params.id)}`);
    res.json(sheet);
  }));
  router.post('/api/v1/duty/handovers/:id/signatures', leader, route(async (req, res) => {
    const parsed = handoverSignSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw zodProblem(parsed.error);
    const signed = await handovers.sign(String(req.params.id), parsed.data.role, who(res), new Date());
    if (signed === null) throw new HttpProblem(404, 'Not found', `no handover ${String(req.params.id)}`);
    if (signed === 'signed') throw new HttpProblem(409, 'Already signed', `the ${parsed.data.role} leader has signed this sheet`, [{ path: 'role', message: 'already signed' }]);
    if (signed === 'same-person') throw new HttpProblem(409, 'Signed by you already', `${who(res)} signed the other side of this sheet; the ${parsed.data.role} leader must be someone else`, [{ path: 'role', message: 'the other side was signed by the same person' }]);
    await audit(req, res, 'handover.signed', signed.id, { role: parsed.data.role });
    res.json(signed);
  }));
  ctx.app.use(router);

  // A sheet at every shift boundary of the roster, made by the server for the incoming shift.
  let boundaryTimer: NodeJS.Timeout | null = null;
  const scheduleBoundary = () => {
    const span = duty.shiftAt(Date.now());
    if (!span) return;
    boundaryTimer = setTimeout(() => {
      makeSheet('system', '', span.end).catch((error: unknown) => ctx.logger.warn({ err: error }, 'shift handover sheet failed'));
      scheduleBoundary();
    }, Math.max(1_000, span.end - Date.now()));
    boundaryTimer.unref();
  };
  scheduleBoundary();
  ctx.onClose(() => {
    if (boundaryTimer) clearTimeout(boundaryTimer);
  });
};
