// The /live connection: feeds the wall store, resumes with `since` after any break, reloads the
// page when the server runs a new version. connectLive() owns its socket and timer; call the
// returned function to dispose of both.
import { io, type Socket } from 'socket.io-client';
import { LIVE_NAMESPACE, type ClientToServerEvents, type ServerToClientEvents } from '@grid141/shared';
import { pageParams } from '../composables/pageParams.ts';
import type { WallStore } from '../stores/wall.ts';

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
    // A function, so every reconnection sends the last seq we hold and gets only what we missed.
    auth: (send) => send({ ...(token ? { token } : {}), ...(store.seq > 0 ? { since: store.seq } : {}) }),
    transports: ['websocket'],
    reconnectionDelay: 1000,
    reconnectionDelayMax: 5000,
  });

  store.setConnection('connecting');

  // Any event counts as a sign of life, heartbeats included.
  socket.onAny(() => store.touch());
  // engine.io pings (every pingInterval) prove the link even when no figure changed.
  socket.io.on('open', () => socket.io.engine.on('ping', () => store.touch()));

  let connectedBefore = false;
  socket.on('connect', () => {
    store.setConnection('live');
    store.touch();
    // Incidents that changed while we were away are not in the deltas: list them again.
    if (connectedBefore) void store.loadIncidents();
    connectedBefore = true;
  });
  socket.on('disconnect', () => store.setConnection('down'));
  socket.on('connect_error', () => store.setConnection('down'));

  socket.on('snapshot', (payload) => store.applySnapshot(payload));
  socket.on('delta', (delta) => {
    if (!store.applyDeltaPayload(delta)) socket.emit('resume', { since: store.seq });
  });
  socket.on('incidents', (payload) => store.upsertIncidents(payload.items));
  socket.on('alert', (alert) => store.pushAlert(alert));
  socket.on('server', (info) => {
    if (store.noteServerVersion(info.version)) reload();
  });

  const clock = window.setInterval(() => store.tick(), 1000);

  return () => {
    window.clearInterval(clock);
    socket.offAny();
    socket.removeAllListeners();
    socket.io.removeAllListeners();
    socket.disconnect();
  };
}
