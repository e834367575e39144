// End to end: POST -> the matching incident in an `incidents` event, and -> the `delta` whose
// today.total counts it, at 100 incidents/s with 500 walls connected from a second process.
import type { Bench } from './context.ts';
import { liveRun } from './lib/live-run.ts';
import { residentMemory, startServer } from './lib/server.ts';

export const endToEnd: Bench = async (ctx) => {
  const clients = ctx.quick ? 100 : 500;
  const seconds = ctx.quick ? 5 : 20;
  const server = await startServer();
  try {
    const run = await liveRun(server, ctx.street.meta, { clients, ratePerS: 100, seconds, tag: 'e2e' }, () => residentMemory(server.pid)?.rss ?? null);
    ctx.log(`  ${run.connected}/${clients} walls; incidents p50 ${run.incidents.p50.toFixed(1)} p99 ${run.incidents.p99.toFixed(1)} ms; delta p50 ${run.delta.p50.toFixed(1)} p99 ${run.delta.p99.toFixed(1)} ms; missing ${run.incidents.missing}/${run.delta.missing}`);
    const complete = run.connected === clients && run.disconnected === 0 && run.incidents.missing === 0 && run.delta.missing === 0 && run.postFailed === 0;
    const note = complete ? undefined : `${run.connected}/${clients} connected, ${run.disconnected} cut, missing ${run.incidents.missing} incident / ${run.delta.missing} delta receipts, ${run.postFailed} posts failed`;
    const label = `${clients} walls, 100/s`;
    return {
      rows: [
        { bench: 'end to end', figure: `incidents event p50 (${label})`, unit: 'ms', measured: run.incidents.p50, target: null, met: null, baseline: run.postRoundTrip.p50, baselineLabel: 'POST round trip p50', ratio: null, note },
        { bench: 'end to end', figure: `incidents event p99 (${label})`, unit: 'ms', measured: run.incidents.p99, target: '≤ 200 ms', met: complete && run.incidents.p99 <= 200, baseline: run.postRoundTrip.p99, baselineLabel: 'POST round trip p99', ratio: null, note },
        { bench: 'end to end', figure: `delta p50 (${label})`, unit: 'ms', measured: run.delta.p50, target: null, met: null, baseline: run.deltaFromAck.p50, baselineLabel: 'from the POST answer', ratio: null, note },
        { bench: 'end to end', figure: `delta p99 (${label})`, unit: 'ms', measured: run.delta.p99, target: '≤ 700 ms', met: complete && run.delta.p99 <= 700, baseline: run.deltaFromAck.p99, baselineLabel: 'from the POST answer', ratio: null, note },
      ],
      details: { run },
    };
  } finally {
    await server.stop();
  }
};
