// One live measurement: N walls in a second process, incidents posted at a steady rate to a
// running server, latencies from each POST to each wall's receipt of the incident and of the
// delta whose today.total counts it.
import type { StreetMeta, Summary } from '@grid141/shared';
import { startFleet } from './fleet.ts';
import type { Latency } from './fleet-protocol.ts';
import { makeBodies } from './incidents.ts';
import { postPaced } from './paced.ts';
import type { TestServer } from './server.ts';
import { sleep, spread, type Spread } from './stats.ts';

export interface LiveRun {
  clients: number;
  connected: number;
  connectFailed: number;
  connectSeconds: number;
  ratePerS: number;
  posted: number;
  postFailed: number;
  postLate: number;
  postRoundTrip: Spread;
  incidents: Latency;
  delta: Latency;
  /** Delta receipt measured from the POST's answer (commit): the fan-out alone. */
  deltaFromAck: Latency;
  disconnected: number;
  serverRssMb: number | null;
}

export async function liveRun(server: TestServer, meta: Pick<StreetMeta, 'bbox'>, options: { clients: number; ratePerS: number; seconds: number; tag: string }, rss: () => number | null): Promise<LiveRun> {
  const fleet = await startFleet();
  try {
    const conn = await fleet.connect(server.url, server.credentials.viewerToken, options.clients, 240_000);
    // Let the snapshots land and the handshakes settle before timing.
    await sleep(2_000);
    const summary = (await (await server.get('/api/v1/summary')).json()) as Summary;
    const base = summary.incidents.today.total;
    await fleet.record();
    const bodies = makeBodies(meta, Math.round(options.ratePerS * options.seconds), `${options.tag}-${Date.now()}`);
    const run = await postPaced(server.url, server.credentials.ingestKey, bodies, options.ratePerS);
    // The last delta comes within one coalescing window; give a loaded machine a few more.
    await sleep(3_000);
    const measured = await fleet.measure(run.posted, run.ackOrder, run.ackTimes, base);
    return {
      clients: options.clients, connected: conn.connected, connectFailed: conn.failed, connectSeconds: conn.ms / 1000,
      ratePerS: options.ratePerS, posted: bodies.length, postFailed: run.failed, postLate: run.late, postRoundTrip: spread(run.roundTrips),
      incidents: measured.incidents, delta: measured.delta, deltaFromAck: measured.deltaFromAck, disconnected: measured.disconnected, serverRssMb: ((v) => (v === null ? null : v / 2 ** 20))(rss()),
    };
  } finally {
    await fleet.close();
  }
}
