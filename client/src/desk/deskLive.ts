// The desk's /live connection (the session cookie signs it in): changed incidents, alerts and
// emergency mode, handed to the page's callbacks. One socket per page; the returned function closes it.
// A refused handshake (the session ended on the server, which also cuts the open socket) is
// reported like a 401, so an idle desk goes to /login too.
import { io, type Socket } from 'socket.io-client';
import { LIVE_NAMESPACE, type Alert, type ClientToServerEvents, type EmergencyPayload, type Incident, type ServerToClientEvents } from '@grid141/shared';
import { pageParams } from '../composables/pageParams.ts';
import { reportUnauthorized, socketPath } from '../live/api.ts';

export interface DeskLiveHandlers {
  incidents?(items: Incident[]): void;
  alert?(alert: Alert): void;
  emergency?(payload: EmergencyPayload): void;
  connection?(state: 'live' | 'down'): void;
}

export function connectDeskLive(handlers: DeskLiveHandlers): () => void {
  const token = pageParams.token;
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(LIVE_NAMESPACE, {
    path: socketPath(),
    auth: token ? { token } : {},
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 5000,
  });
  socket.on('connect', () => handlers.connection?.('live'));
  socket.on('disconnect', (reason) => {
    handlers.connection?.('down');
    // The server cut it (a stalled reader, or a session it no longer accepts): ask again at once.
    if (reason === 'io server disconnect') socket.connect();
  });
  socket.on('connect_error', (error) => {
    handlers.connection?.('down');
    // The handshake refused (the session signed out, expired, or its user disabled): the session
    // guard sends the page to /login with the reason, as a refused API call does (issue 16).
    if (!socket.active && /^unauthori[sz]ed/i.test(error.message)) {
      // The server says why when it knows ('expired', 'revoked'), as an API 401's problem does.
      const reason = (error as Error & { data?: { reason?: unknown } }).data?.reason;
      reportUnauthorized('socket', typeof reason === 'string' ? reason : null);
    }
  });
  socket.on('incidents', (p) => handlers.incidents?.(p.items));
  socket.on('alert', (a) => handlers.alert?.(a));
  socket.on('emergency', (p) => handlers.emergency?.(p));
  return () => {
    socket.removeAllListeners();
    socket.disconnect();
  };
}
