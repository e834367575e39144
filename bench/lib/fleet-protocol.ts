// Messages between the bench and the walls' process (bench/lib/clients.ts).
import type { Spread } from './stats.ts';

export type ToClients =
  | { type: 'connect'; url: string; token: string; count: number; parallel: number; deadlineMs: number }
  | { type: 'record' }
  /** posted: externalId -> post time; ackOrder: post times in the order the server acknowledged them. */
  | { type: 'measure'; posted: Record<string, number>; ackOrder: number[]; ackTimes: number[]; base: number }
  | { type: 'close' };

export type Latency = Spread & { missing: number };

export type FromClients =
  | { type: 'ready' }
  | { type: 'connected'; connected: number; failed: number; ms: number }
  | { type: 'recording' }
  | { type: 'measured'; incidents: Latency; delta: Latency; deltaFromAck: Latency; disconnected: number; walls: number; snapshotTotals: number[] }
  | { type: 'closed' }
  | { type: 'error'; message: string };
