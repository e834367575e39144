// Fan-out ceiling: the most walls (500, 1,000, 2,000, 4,000) for which p99 of the delta stays
// under 1 s at 20 incidents/s; walls in a second process, a fresh set per step, one server.
import type { Bench } from './context.ts';
import { liveRun, type LiveRun } from './lib/live-run.ts';
import { residentMemory, startServer } from './lib/server.ts';

const LIMIT_MS = 1_000;

export const fanOut: Bench = async (ctx) => {
  const steps = ctx.quick ? [100, 200] : [500, 1_000, 2_000, 4_000];
  const seconds = ctx.quick ? 5 : 15;
  const server = await startServer();
  const runs: (LiveRun & { ok: boolean })[] = [];
  let ceiling = 0;
  try {
    for (const clients of steps) {
      const run = await liveRun(server, ctx.street.meta, { clients, ratePerS: 20, seconds, tag: `fan-${clients}` }, () => residentMemory(server.pid)?.rss ?? null);
      const receipts = run.delta.count + run.delta.missing;
      const ok = run.connected === clients && run.delta.p99 < LIMIT_MS && run.delta.missing <= 0.01 * receipts;
      runs.push({ ...run, ok });
      ctx.log(`  ${clients} walls (${run.connected} connected in ${run.connectSeconds.toFixed(1)} s): delta p50 ${run.delta.p50.toFixed(0)} p99 ${run.delta.p99.toFixed(0)} ms (from answer p99 ${run.deltaFromAck.p99.toFixed(0)}), POST p99 ${run.postRoundTrip.p99.toFixed(0)} ms, missing ${run.delta.missing}, cut ${run.disconnected} -> ${ok ? 'ok' : 'over'}`);
      if (!ok) break;
      ceiling = clients;
    }
  } finally {
    await server.stop();
  }
  const over = runs.find((r) => !r.ok);
  const target = ctx.quick ? 200 : 2_000;
  const rows = [
    { bench: 'fan-out', figure: 'ceiling: walls with delta p99 < 1 s at 20/s', unit: 'walls', measured: ceiling, target: `≥ ${target.toLocaleString('en')}`, met: ceiling >= target, baseline: 100, baselineLabel: 'Grafana Live default', ratio: ceiling / 100, ratioLabel: '×', note: over ? `next step ${over.clients}: p99 ${over.delta.p99.toFixed(0)} ms, ${over.connected} connected, ${over.delta.missing} missing` : undefined },
    ...runs.map((r) => ({ bench: 'fan-out', figure: `delta p99 with ${r.clients.toLocaleString('en')} walls`, unit: 'ms', measured: r.delta.p99, target: '< 1,000 ms', met: r.ok, baseline: r.deltaFromAck.p99, baselineLabel: 'from the POST answer', ratio: null })),
  ];
  return { rows, details: { ceiling, runs } };
};
