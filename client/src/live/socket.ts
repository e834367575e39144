// The /live connection: feeds the wall store, resumes with `since` after any break, reloads the
// page when the server runs a new version or serves another map of the street. connectLive()
// owns its socket and timer; call the returned function to dispose of both.
import { io, type Socket } from 'socket.io-client';
import { LIVE_NAMESPACE, type ClientToServerEvents, type ServerToClientEvents } from '@grid141/shared';
import { pageParams } from '../composables/pageParams.ts';
import type { WallStore } from '../stores/wall.ts';
import { reportUnauthorized, socketPath } from './api.ts';
import { watchMapVersion } from './mapVersion.ts';

/** After socket.io gives up (server cut, refused handshake): one try every this long, for ever. */
export const RETRY_MS = 10_000;

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface LiveOptions {
  /** Base URL of the server; same origin by default. */
  url?: string;
  token?: string | null;
  reload?: () => void;
}

export function connectLive(store: WallStore, options: LiveOptions = {}): () => void {
  const token = options.token ?? pageParams.token;
  const reload = options.reload ?? (() => window.location.reload());

  const socket: LiveSocket = io(`${options.url ?? ''}${LIVE_NAMESPACE}`, {
    path: socketPath(),
    // A function, so every reconnection sends the last seq we hold and gets only what we missed.
    auth: (send) => send({ ...(token ? { token } : {}), ...(store.seq > 0 ? { since: store.seq } : {}) }),
    // WebSocket first; behind a proxy that refuses the upgrade, long-polling over plain HTTP
    // (and an upgrade later when the proxy allows it). docs/deploy.md.
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 5000,
  });

  store.setConnection('connecting');

  // Any event counts as a sign of life, heartbeats included.
  socket.onAny(() => store.touch());
  socket.io.on('open', () => {
    const engine = socket.io.engine;
    store.setTransport(engine.transport.name === 'websocket' ? 'websocket' : 'polling');
    engine.on('upgrade', (transport: { name: string }) => store.setTransport(transport.name === 'websocket' ? 'websocket' : 'polling'));
    // engine.io pings (every pingInterval) prove the link even when no figure changed.
    engine.on('ping', () => store.touch());
  });

  let connectedBefore = false;
  socket.on('connect', () => {
    // Accepted again after a refusal (token corrected or rolled back on the server): start afresh,
    // as a new build does, so the street data, map and figures all load with the accepted token.
    if (store.access !== 'ok') {
      reload();
      return;
    }
    store.setConnection('live');
    store.touch();
    // Incidents that changed while we were away are not in the deltas: list them again.
    if (connectedBefore) void store.loadIncidents();
    connectedBefore = true;
  });
  // socket.io gives up by itself after a server-side cut or a refused handshake; a wall never does.
  let retry: number | null = null;
  const retryLater = () => {
    if (retry !== null) return;
    retry = window.setTimeout(() => {
      retry = null;
      if (!socket.connected) socket.connect();
    }, RETRY_MS);
  };
  socket.on('disconnect', (reason) => {
    store.setConnection('down');
    if (reason === 'io server disconnect') socket.connect();
  });
  socket.on('connect_error', (error) => {
    store.setConnection('down');
    // The server's middleware refused the handshake (no or wrong token): say so, keep retrying slowly.
    if (!socket.active && /^unauthori[sz]ed/i.test(error.message)) reportUnauthorized('socket');
    if (!socket.active) retryLater();
  });

  socket.on('snapshot', (payload) => store.applySnapshot(payload));
  socket.on('delta', (delta) => {
    if (!store.applyDeltaPayload(delta)) socket.emit('resume', { since: store.seq });
  });
  socket.on('incidents', (payload) => store.upsertIncidents(payload.items));
  socket.on('alert', (alert) => store.pushAlert(alert));
  socket.on('alertsEnded', (payload) => store.endAlerts(payload.items));
  socket.on('duty', (duty) => store.setDuty(duty));
  socket.on('emergency', (payload) => store.setEmergency(payload));
  // The street's map this page loaded: another one (a grid import) means a reload, as a new build does.
  const noteMap = watchMapVersion(reload);
  socket.on('server', (info) => {
    if (store.noteServerVersion(`${info.version}+${info.build ?? 'none'}`)) reload();
    else noteMap(info.map);
  });
  socket.on('map', (payload) => noteMap(payload.version));

  const clock = window.setInterval(() => store.tick(), 1000);

  return () => {
    window.clearInterval(clock);
    if (retry !== null) window.clearTimeout(retry);
    socket.offAny();
    socket.removeAllListeners();
    socket.io.removeAllListeners();
    socket.disconnect();
  };
}
