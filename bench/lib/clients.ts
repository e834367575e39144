// The walls' process: connects N socket.io clients to /live, records when each one receives
// every incident and every change of today's total, and on request turns that into latencies
// against the post times the parent hands over (same machine, same clock). Talks over IPC.
import { io, type Socket } from 'socket.io-client';
import { LIVE_NAMESPACE, type ClientToServerEvents, type Delta, type ServerToClientEvents } from '@grid141/shared';
import { clock, spread, type Spread } from './stats.ts';
import type { ToClients, FromClients } from './fleet-protocol.ts';

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

interface Wall {
  socket: LiveSocket;
  /** [receivedAt, today.total] for each delta that changed the total. */
  totals: number[];
  snapshotTotal: number | null;
  disconnected: boolean;
}

const walls: Wall[] = [];
/** externalId -> receipt times over all walls. */
const incidentReceipts = new Map<string, number[]>();
let recording = false;

function send(message: FromClients): void {
  process.send?.(message);
}

/** today.total from a delta's changes, wherever on its path the value sits. */
function totalIn(delta: Delta): number | null {
  let found: number | null = null;
  for (const change of delta.changes) {
    const path = change.path as readonly string[];
    const target = ['incidents', 'today', 'total'];
    if (path.length > target.length || !path.every((key, i) => key === target[i])) continue;
    let value: unknown = change.value;
    for (const key of target.slice(path.length)) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    if (typeof value === 'number') found = value;
  }
  return found;
}

function connectOne(url: string, token: string, timeoutMs: number): Promise<Wall | null> {
  const socket: LiveSocket = io(`${url}${LIVE_NAMESPACE}`, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false, timeout: timeoutMs });
  const wall: Wall = { socket, totals: [], snapshotTotal: null, disconnected: false };
  socket.on('snapshot', (snap) => (wall.snapshotTotal = snap.summary.incidents.today.total));
  socket.on('delta', (delta) => {
    if (!recording) return;
    const total = totalIn(delta);
    if (total !== null) wall.totals.push(clock(), total);
  });
  socket.on('incidents', (payload) => {
    if (!recording) return;
    const at = clock();
    for (const item of payload.items) {
      let list = incidentReceipts.get(item.externalId);
      if (!list) incidentReceipts.set(item.externalId, (list = []));
      list.push(at);
    }
  });
  socket.on('disconnect', () => (wall.disconnected = true));
  return new Promise((resolve) => {
    const timer = setTimeout(() => { socket.close(); resolve(null); }, timeoutMs);
    socket.once('connect', () => { clearTimeout(timer); resolve(wall); });
    socket.once('connect_error', () => { clearTimeout(timer); socket.close(); resolve(null); });
  });
}

async function connectAll(url: string, token: string, count: number, parallel: number, deadlineMs: number): Promise<void> {
  const started = clock();
  let failed = 0;
  for (let i = 0; i < count && clock() - started < deadlineMs; i += parallel) {
    const chunk = await Promise.all(Array.from({ length: Math.min(parallel, count - i) }, () => connectOne(url, token, 20_000)));
    for (const wall of chunk) if (wall) walls.push(wall); else failed += 1;
  }
  send({ type: 'connected', connected: walls.length, failed, ms: clock() - started });
}

function latencies(posted: Record<string, number>, ackOrder: number[], ackTimes: number[], base: number) {
  let incidentCount = 0;
  for (const list of incidentReceipts.values()) incidentCount += list.length;
  const inc = new Float64Array(incidentCount);
  let n = 0;
  for (const [externalId, list] of incidentReceipts) {
    const sent = posted[externalId];
    if (sent === undefined) continue;
    for (const at of list) inc[n++] = at - sent;
  }
  const expectedIncidents = Object.keys(posted).length * walls.length;
  const del: number[] = [];
  // The same receipts measured from the server's acknowledgement: fan-out without the ingest queue.
  const fromAck: number[] = [];
  let deltaMissing = 0;
  for (const wall of walls) {
    // The k-th committed incident shows once a delta's total reaches base + k.
    let k = 0;
    for (let j = 0; j < wall.totals.length; j += 2) {
      const at = wall.totals[j] as number;
      const total = wall.totals[j + 1] as number;
      while (k < ackOrder.length && base + k + 1 <= total) {
        fromAck.push(at - (ackTimes[k] as number));
        del.push(at - (ackOrder[k++] as number));
      }
    }
    deltaMissing += ackOrder.length - k;
  }
  const incidents: Spread & { missing: number } = { ...spread(inc.subarray(0, n)), missing: Math.max(0, expectedIncidents - n) };
  const delta: Spread & { missing: number } = { ...spread(del), missing: deltaMissing };
  return { incidents, delta, deltaFromAck: { ...spread(fromAck), missing: deltaMissing } };
}

process.on('message', (message: ToClients) => {
  void (async () => {
    if (message.type === 'connect') await connectAll(message.url, message.token, message.count, message.parallel, message.deadlineMs);
    else if (message.type === 'record') { recording = true; send({ type: 'recording' }); }
    else if (message.type === 'measure') {
      recording = false;
      const { incidents, delta, deltaFromAck } = latencies(message.posted, message.ackOrder, message.ackTimes, message.base);
      const disconnected = walls.filter((w) => w.disconnected).length;
      const snapshotTotals = new Set(walls.map((w) => w.snapshotTotal));
      send({ type: 'measured', incidents, delta, deltaFromAck, disconnected, walls: walls.length, snapshotTotals: [...snapshotTotals].filter((t): t is number => t !== null) });
    } else if (message.type === 'close') {
      for (const wall of walls) wall.socket.close();
      send({ type: 'closed' });
      setTimeout(() => process.exit(0), 100);
    }
  })().catch((error: unknown) => {
    send({ type: 'error', message: error instanceof Error ? error.stack ?? error.message : String(error) });
  });
});
// The parent going away takes this process with it.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
