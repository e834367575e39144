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
  /**
   * Asks again who each open socket of this instance is (its handshake's `auth.token`, or the
   * session cookie it connected with) and disconnects those no longer accepted: a viewer token the
   * admin rotated, a session signed out, expired, or of a user disabled or given a new password.
   * Their reconnection is refused, so the wall shows its access screen and a desk goes to /login
   * (issue 16). Runs every RECHECK_MS by itself, and at once after such a change (`recheckSoon`).
   * Resolves to the number of sockets cut.
   */
  recheck(): Promise<number>;
  /** recheck() without waiting (a change that may end open sockets: rotation, sign-out, user patch). */
  recheckSoon(): void;
  close(): void;
}

export interface LiveChannelDeps {
  nsp: LiveNamespace;
  /**
   * The principal of a handshake's `auth.token` (or its session cookie); null refuses. `recheck`
   * is true when an open socket is asked again (a session is then not marked as used).
   */
  authenticate(token: unknown, request: IncomingMessage, recheck?: boolean): Promise<Principal | null> | Principal | null;
  /** Why a refused handshake's session ended ('expired', 'revoked'), sent as the refusal's `data.reason`. */
  whyRefused?(request: IncomingMessage): Promise<string | null>;
  /** How often open sockets are asked again (ms); default RECHECK_MS. */
  recheckMs?: number;
}

/** Open sockets are asked again who they are this often (as often as instances re-read a rotated viewer token). */
export const RECHECK_MS = 30_000;

export function createLiveChannel({ nsp, authenticate, whyRefused, recheckMs = RECHECK_MS }: LiveChannelDeps): LiveChannel {
  const greeters: ((wall: LiveSocket) => void)[] = [];
  let sweeper: NodeJS.Timeout | null = null;

  async function recheck(): Promise<number> {
    let ended = 0;
    await Promise.all([...nsp.sockets.values()].map(async (socket) => {
      const auth = (socket.handshake.auth ?? {}) as LiveAuth;
      // A failing store says nothing about the socket: it stays (the next round asks again).
      const principal = await Promise.resolve(authenticate(auth.token, socket.request, true)).catch(() => undefined);
      if (principal !== null || !socket.connected) return;
      ended += 1;
      socket.disconnect(true);
    }));
    return ended;
  }
  let rechecking: Promise<number> | null = null;
  let again = false;
  // One round at a time; a change during a round makes one more round after it.
  const recheckSoon = (): void => {
    if (rechecking) {
      again = true;
      return;
    }
    rechecking = recheck().catch(() => 0).finally(() => {
      rechecking = null;
      if (again) {
        again = false;
        recheckSoon();
      }
    });
  };
  const rechecker = setInterval(recheckSoon, recheckMs);
  rechecker.unref();

  nsp.use((socket, next) => {
    const auth = (socket.handshake.auth ?? {}) as LiveAuth;
    Promise.resolve(authenticate(auth.token, socket.request)).then(
      (principal) => {
        if (!principal) {
          // The client reads `data.reason` as an API 401's Problem.reason (the desk's /login line).
          void (whyRefused?.(socket.request) ?? Promise.resolve(null)).catch(() => null).then((reason) =>
            next(Object.assign(new Error('unauthorized'), { data: reason ? { reason } : {} })));
          return;
        }
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
    recheck,
    recheckSoon,
    close() {
      clearInterval(rechecker);
      if (sweeper) clearInterval(sweeper);
      sweeper = null;
      greeters.length = 0;
    },
  };
}
