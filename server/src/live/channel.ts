// The live channel: namespace /live and its sockets, and nothing else. It checks who connects
// (viewer token or session), greets each wall with what the features registered (server info
// and figures, standing alerts, who is on duty), and publishes typed events. Features never
// add their own `connection` listener or touch the namespace: they publish here.
import type { IncomingMessage } from 'node:http';
import type { Namespace, Socket } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, LiveAuth, ServerToClientEvents, SocketData } from '@grid141/shared';
import type { Principal } from '../auth/auth.ts';
import { cut, DEFAULT_STALL_LIMITS, isStalled, type StallLimits } from './stalled.ts';

export type LiveNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type Args<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>;

export interface LiveChannel {
  /** To every wall of every instance (through the Redis adapter when there is one). */
  publish<E extends keyof ServerToClientEvents>(event: E, ...args: Args<E>): void;
  /** To this instance's walls only (each instance's own figures and timers). */
  publishLocal<E extends keyof ServerToClientEvents>(event: E, ...args: Args<E>): void;
  /**
   * Runs for each wall as it connects, in the order registered (plugin order): what it is told
   * first, and the client events it may send. Returns a function that unregisters.
   */
  onConnect(greet: (wall: LiveSocket) => void): () => void;
  /** Walls connected to this instance. */
  clients(): number;
  /** Cuts walls that stopped reading (checked every `everyMs`); they resume with `since`. */
  watchStalls(limits?: StallLimits, everyMs?: number, onCut?: (socketId: string) => void): void;
  close(): void;
}

export interface LiveChannelDeps {
  nsp: LiveNamespace;
  /** The principal of a handshake's `auth.token` (or its session cookie); null refuses. */
  authenticate(token: unknown, request: IncomingMessage): Promise<Principal | null> | Principal | null;
}

export function createLiveChannel({ nsp, authenticate }: LiveChannelDeps): LiveChannel {
  const greeters: ((wall: LiveSocket) => void)[] = [];
  let sweeper: NodeJS.Timeout | null = null;

  nsp.use((socket, next) => {
    const auth = (socket.handshake.auth ?? {}) as LiveAuth;
    Promise.resolve(authenticate(auth.token, socket.request)).then(
      (principal) => {
        if (!principal) return next(new Error('unauthorized'));
        socket.data.role = principal.role;
        socket.data.username = principal.username ?? null;
        socket.data.since = typeof auth.since === 'number' && Number.isFinite(auth.since) ? auth.since : null;
        next();
      },
      (error: unknown) => next(error instanceof Error ? error : new Error(String(error))),
    );
  });

  nsp.on('connection', (socket) => {
    for (const greet of greeters) greet(socket);
  });

  return {
    publish(event, ...args) {
      (nsp.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args);
    },
    publishLocal(event, ...args) {
      (nsp.local.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args);
    },
    onConnect(greet) {
      greeters.push(greet);
      return () => {
        const at = greeters.indexOf(greet);
        if (at >= 0) greeters.splice(at, 1);
      };
    },
    clients: () => nsp.sockets.size,
    watchStalls(limits = DEFAULT_STALL_LIMITS, everyMs = 2_000, onCut) {
      if (sweeper) clearInterval(sweeper);
      sweeper = setInterval(() => {
        for (const socket of nsp.sockets.values()) {
          if (!isStalled(socket, limits)) continue;
          onCut?.(socket.id);
          cut(socket);
        }
      }, everyMs);
      sweeper.unref();
    },
    close() {
      if (sweeper) clearInterval(sweeper);
      sweeper = null;
      greeters.length = 0;
    },
  };
}
