// Size: bytes per second that reach one wall at 100 incidents/s (every packet counted as it
// arrives), next to sending the full summary each time a delta is sent.
import { io, type Socket } from 'socket.io-client';
import { applyDelta, LIVE_NAMESPACE, type ClientToServerEvents, type ServerToClientEvents, type Summary } from '@grid141/shared';
import type { Bench } from './context.ts';
import { makeBodies } from './lib/incidents.ts';
import { postPaced } from './lib/paced.ts';
import { startServer } from './lib/server.ts';
import { clock, sleep, waitFor } from './lib/stats.ts';

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
/** engine.io packet as the client sees it. */
interface EnginePacket { type: string; data?: unknown }

export const size: Bench = async (ctx) => {
  const seconds = ctx.quick ? 5 : 20;
  const server = await startServer();
  const socket: LiveSocket = io(`${server.url}${LIVE_NAMESPACE}`, { auth: { token: server.credentials.viewerToken }, transports: ['websocket'], forceNew: true, reconnection: false });
  try {
    let summary: Summary | null = null;
    let seq = 0;
    let recording = false;
    const bytes: Record<string, number> = {};
    const counts: Record<string, number> = {};
    let fullBytes = 0, changeDeltas = 0, gaps = 0;
    // Which parts of the summary the deltas spend their bytes on.
    const bytesByPath: Record<string, number> = {};
    socket.on('snapshot', (snap) => { summary = snap.summary; seq = snap.seq; });
    socket.on('delta', (delta) => {
      if (delta.changes.length === 0 || !summary) return;
      if (delta.seq !== seq + 1) gaps += 1;
      summary = applyDelta(summary, delta);
      seq = delta.seq;
      if (!recording) return;
      changeDeltas += 1;
      for (const change of delta.changes) {
        const key = (change.path as readonly string[]).slice(0, 3).join('.');
        bytesByPath[key] = (bytesByPath[key] ?? 0) + Buffer.byteLength(JSON.stringify(change));
      }
      // What the wire would carry instead: the whole summary in the same kind of packet.
      fullBytes += 1 + Buffer.byteLength(`2${LIVE_NAMESPACE},${JSON.stringify(['snapshot', { seq: delta.seq, at: delta.at, summary }])}`);
    });
    socket.io.on('open', () => {
      socket.io.engine.on('packet', (packet: EnginePacket) => {
        if (!recording) return;
        const data = typeof packet.data === 'string' ? packet.data : '';
        const event = /^\d+\/live,(?:\d+)?\["([a-z]+)"/.exec(data)?.[1] ?? `engine:${packet.type}`;
        bytes[event] = (bytes[event] ?? 0) + 1 + Buffer.byteLength(data);
        counts[event] = (counts[event] ?? 0) + 1;
      });
    });
    if (!(await waitFor(() => summary !== null, 30_000))) throw new Error('no snapshot within 30 s');
    recording = true;
    const started = clock();
    const run = await postPaced(server.url, server.credentials.ingestKey, makeBodies(ctx.street.meta, 100 * seconds, `size-${Date.now()}`), 100);
    await sleep(1_500);
    recording = false;
    const elapsed = (clock() - started) / 1000;
    const perS = (n: number) => n / elapsed;
    const figuresBytes = (bytes.delta ?? 0);
    const allBytes = Object.values(bytes).reduce((a, b) => a + b, 0);
    const summaryBytes = summary ? Buffer.byteLength(JSON.stringify(summary)) : 0;
    ctx.log(`  figures ${Math.round(perS(figuresBytes))} B/s vs full ${Math.round(perS(fullBytes))} B/s; all traffic ${Math.round(perS(allBytes))} B/s; ${changeDeltas} deltas, summary ${summaryBytes} B, gaps ${gaps}`);
    return {
      rows: [
        { bench: 'size', figure: 'figures traffic (deltas) to one wall, 100/s', unit: 'B/s', measured: perS(figuresBytes), target: '≤ 10 % of full', met: figuresBytes <= 0.1 * fullBytes && gaps === 0, baseline: perS(fullBytes), baselineLabel: 'full summary per delta', ratio: figuresBytes / fullBytes, note: gaps ? `${gaps} delta gaps` : undefined },
        { bench: 'size', figure: 'all live traffic to one wall (incl. incidents events)', unit: 'B/s', measured: perS(allBytes), target: null, met: null, baseline: perS(fullBytes + allBytes - figuresBytes), baselineLabel: 'same with full summaries', ratio: allBytes / (fullBytes + allBytes - figuresBytes) },
      ],
      details: { seconds: elapsed, bytesByEvent: bytes, deltaBytesBySummaryPath: Object.fromEntries(Object.entries(bytesByPath).sort((a, b) => b[1] - a[1])), packetsByEvent: counts, changeDeltas, fullSummaryBytesPerDelta: changeDeltas ? fullBytes / changeDeltas : null, summaryBytes, posted: Object.keys(run.posted).length, postFailed: run.failed, gaps },
    };
  } finally {
    socket.close();
    await server.stop();
  }
};
