// SIMULATE=1: the demo feed inside the server, posting through its own public HTTP API once
// it listens (so it exercises exactly what a reporting system does), stopped at shutdown.
import type { AppContext, Plugin } from '../app.ts';
import { Simulator } from './runner.ts';
import { loadSimStreet } from './street.ts';

/** Previous days of incidents the in-process feed backfills (7 fills the SLA week and a quarter of the 30-day chart). */
export const IN_PROCESS_BACKFILL_DAYS = 7;

export function startInProcessSimulator(ctx: AppContext, url: string): Simulator {
  const street = { ...loadSimStreet(ctx.config.streetsDir, ctx.config.streetId), timeZone: ctx.config.timeZone };
  const days = Number(process.env.SIMULATE_BACKFILL_DAYS ?? IN_PROCESS_BACKFILL_DAYS);
  const simulator = new Simulator({
    url,
    key: ctx.credentials.ingestKey,
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
