// SIMULATE=1: the demo feed inside the server, posting its records through its own public HTTP
// API once it listens (so it exercises exactly what a reporting system does), stopped at
// shutdown. Its lifecycle moves and the alarms' resolution go through the write service as the
// server itself (actor `simulator`): a reporting system's key may not move incidents.
import type { AppContext, Plugin } from '../app.ts';
import { systemActor } from '../auth/actor.ts';
import type { MoveOutcome, WriteService } from '../ingest/service.ts';
import type { Answer, DirectMoves } from './poster.ts';
import { Simulator } from './runner.ts';
import { loadSimStreet } from './street.ts';

/** Previous days of incidents the in-process feed backfills (7 fills the SLA week and a quarter of the 30-day chart). */
export const IN_PROCESS_BACKFILL_DAYS = 7;

/** The write service answering as the HTTP routes would (status and body), for the feed's poster. */
export function directMoves(writes: WriteService): DirectMoves {
  const actor = systemActor('simulator');
  const moveAnswer = (outcome: MoveOutcome): Answer => {
    if (outcome.ok) return { status: 200, body: outcome.after };
    const status = { invalid: 400, forbidden: 403, 'not-found': 404, refused: 409, 'too-early': 409, stale: 412 }[outcome.reason];
    return { status, body: { title: outcome.reason, detail: 'errors' in outcome ? JSON.stringify(outcome.errors) : 'message' in outcome ? outcome.message : '' } };
  };
  return {
    transition: async (id, body) => moveAnswer(await writes.transition(id, body, { actor, source: 'simulator' })),
    resolveAlarm: async (id, body) => {
      const outcome = await writes.resolveAlarm(id, body, { actor, source: 'simulator' });
      if (outcome.ok) return { status: 200, body: outcome.record };
      return { status: outcome.reason === 'not-found' ? 404 : outcome.reason === 'too-early' ? 409 : 400, body: { title: outcome.reason } };
    },
    purge: async () => ({ status: 200, body: await writes.purgeSimulated({ actor, source: 'simulator' }) }),
  };
}

export function startInProcessSimulator(ctx: AppContext, url: string): Simulator {
  const street = { ...loadSimStreet(ctx.config.streetsDir, ctx.config.streetId), timeZone: ctx.config.timeZone };
  const days = Number(process.env.SIMULATE_BACKFILL_DAYS ?? IN_PROCESS_BACKFILL_DAYS);
  const simulator = new Simulator({
    url,
    key: ctx.credentials.ingestKey,
    direct: directMoves(ctx.use('writes')),
    logger: ctx.logger.child({ module: 'simulate' }),
    street,
    seed: process.env.SIMULATE_SEED ?? 'demo',
    speed: ctx.config.simulateSpeed,
    backfillToday: true,
    backfillDays: Number.isFinite(days) && days >= 0 ? Math.floor(days) : IN_PROCESS_BACKFILL_DAYS,
    backfillHistory: true,
  });
  void simulator.start();
  return simulator;
}

export const simulatePlugin: Plugin = (ctx) => {
  if (!ctx.config.simulate) return;
  let simulator: Simulator | null = null;
  // Not awaited: the backfill takes a while and must not hold up the start.
  ctx.onListen((url) => {
    simulator = startInProcessSimulator(ctx, url);
  });
  ctx.beforeClose(async () => {
    await simulator?.stop();
  });
};
