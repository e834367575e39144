// The server's composition: lock DATA_DIR, load the street, build Express + Socket.IO,
// run the plugins in order, then the API 404 and the client. Every feature is a plugin.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { Server as SocketServer } from 'socket.io';
import { LIVE_NAMESPACE, type ClientToServerEvents, type InterServerEvents, type ServerToClientEvents, type SocketData } from '@grid141/shared';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { acquireLock, type HeldLock } from './datadir/lock.ts';
import { loadCredentials, type Credentials } from './auth/credentials.ts';
import { createAuth, type Auth } from './auth/auth.ts';
import { apiNotFound, errorHandler, refuseUnstorableText, requireJsonBody, requireUtf8 } from './http/errors.ts';
import { serveClient } from './http/client.ts';
import { securityHeaders } from './http/security.ts';
import { createLiveChannel, type LiveChannel } from './live/channel.ts';
import { loadStreet, type LoadedStreet } from './street/load.ts';
import { createLocator } from './street/locate.ts';
import { createCurrentStreet, type CurrentStreet } from './street/current.ts';
import { readClientBuild, readVersion } from './version.ts';

export type IoServer = SocketServer<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type Locator = ReturnType<typeof createLocator>;
type Hook = () => void | Promise<void>;

/**
 * What plugins share with each other (the store, the figures, the bus...). A feature adds
 * its entry by augmentation: `declare module '../app.ts' { interface Services { store: Store } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Services {}

export interface AppContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly version: string;
  /** The built wall's id (readClientBuild), null when the client is not built. */
  readonly build: string | null;
  readonly startedAt: Date;
  /** The street served now (read it per request: a replaced map takes its place, see `map`). */
  readonly street: LoadedStreet;
  /** The locator over the current street's grids (per request, like `street`). */
  readonly locator: Locator;
  /** The holder of `street` and `locator`: the street plugin replaces the map in it. */
  readonly map: CurrentStreet;
  readonly credentials: Credentials;
  readonly auth: Auth;
  /** Routes added here run after the JSON parser and before the API 404 and the client. */
  readonly app: Express;
  readonly httpServer: http.Server;
  readonly io: IoServer;
  /** Namespace /live: who may connect, what each wall is told on connect, typed publish. */
  readonly live: LiveChannel;
  provide<K extends keyof Services>(name: K, service: Services[K]): void;
  /** A service an earlier plugin provided; throws naming it when none did. */
  use<K extends keyof Services>(name: K): Services[K];
  /** Runs once the server listens, with its base URL (e.g. the in-process demo feed). */
  onListen(hook: (url: string) => void | Promise<void>): void;
  /** Runs first at shutdown, while HTTP still answers (stop producers such as the demo feed). */
  beforeClose(hook: Hook): void;
  /** Runs after HTTP and sockets are closed, in reverse order of registration (timers, then the store). */
  onClose(hook: Hook): void;
}

export type Plugin = (ctx: AppContext) => void | Promise<void>;

export interface RunningServer {
  /** http://host:port followed by BASE_PATH when one is set (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly ctx: AppContext;
  /** Which credentials this start generated (printed once by main). */
  readonly generatedCredentials: (keyof Credentials)[];
  close(): Promise<void>;
}

export interface StartOptions {
  plugins: readonly Plugin[];
  /** The built client (index.html + assets); a missing folder answers 503 on pages. */
  clientDir: string;
}

export async function startServer(config: Config, logger: Logger, options: StartOptions): Promise<RunningServer> {
  const lock = await acquireLock(config.dataDir);
  if (lock.tookOver) {
    const { holder, reason } = lock.tookOver;
    logger.warn({ holder }, `took over the stale DATA_DIR lock of pid ${holder.pid} on ${holder.host || '?'} (started ${holder.startedAt || '?'}): ${reason}`);
  }
  try {
    return await assemble(config, logger, options, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function assemble(config: Config, logger: Logger, options: StartOptions, lock: HeldLock): Promise<RunningServer> {
  // A street that fails to load stops the start: never serve a half-loaded street.
  const map = createCurrentStreet(await loadStreet(config.streetsDir, config.streetId), { serviceAreaM: config.serviceAreaKm * 1000 });
  const { credentials, generated } = loadCredentials(config.dataDir, config);

  // The root answers every request with the security headers; everything else lives in `app`,
  // which is the root itself or, with BASE_PATH, mounted under it (routes keep their /api/... paths).
  const root = express();
  root.disable('x-powered-by');
  // TRUST_PROXY (default loopback): whose X-Forwarded-* set req.ip, req.secure (the cookie's Secure) and req.protocol.
  root.set('trust proxy', config.trustProxy);
  const headers = securityHeaders({ basemapTiles: config.wall.basemap?.tiles ?? null, frameAncestors: config.frameAncestors, photoHosts: config.photoHosts });
  root.use(headers);
  const app = config.basePath ? express() : root;
  if (app !== root) {
    app.disable('x-powered-by');
    root.use(config.basePath, app);
    root.use((_req, res) => void res.status(404).type('text/plain').send(`Grid141 is served under ${config.basePath}/\n`));
  }
  app.use('/api', refuseUnstorableText, requireJsonBody, express.json({ limit: '1mb', type: ['application/json', 'application/*+json'], verify: requireUtf8 }));

  const httpServer = http.createServer(root);
  const io: IoServer = new SocketServer(httpServer, { path: `${config.basePath}/socket.io`, serveClient: false });
  // Polling answers come from engine.io, before Express: the same headers, through engine.io's
  // own middleware chain (the way Socket.IO documents for helmet).
  io.engine.use(headers);

  const auth = createAuth(credentials);
  // The default namespace carries nothing, but it is no open door either; /live checks its own.
  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    auth.authenticateSocket(token, socket.request).then(
      (principal) => (principal ? next() : next(new Error('unauthorized: send the viewer token as auth.token'))),
      (error: unknown) => next(error instanceof Error ? error : new Error(String(error))),
    );
  });

  const live = createLiveChannel({ nsp: io.of(LIVE_NAMESPACE), authenticate: (token, request, recheck) => auth.authenticateSocket(token, request, recheck), whyRefused: (request) => auth.sessionEndReason(request) });

  const services = new Map<keyof Services, unknown>();
  const listenHooks: ((url: string) => void | Promise<void>)[] = [];
  const beforeCloseHooks: Hook[] = [];
  const closeHooks: Hook[] = [];
  const ctx: AppContext = {
    config,
    logger,
    version: readVersion(),
    build: readClientBuild(options.clientDir),
    startedAt: new Date(),
    get street() {
      return map.street;
    },
    get locator() {
      return map.locator;
    },
    map,
    credentials,
    auth,
    app,
    httpServer,
    io,
    live,
    provide(name, service) {
      if (services.has(name)) throw new Error(`service ${String(name)} is provided twice`);
      services.set(name, service);
    },
    use(name) {
      if (!services.has(name)) throw new Error(`service ${String(name)} is not provided (check the plugin order)`);
      return services.get(name) as Services[typeof name];
    },
    onListen: (hook) => void listenHooks.push(hook),
    beforeClose: (hook) => void beforeCloseHooks.push(hook),
    onClose: (hook) => void closeHooks.push(hook),
  };

  let listening = false;
  const close = once(async () => {
    await runHooks(logger, [...beforeCloseHooks].reverse());
    if (listening) await closeHttp(httpServer, io, logger);
    live.close();
    await runHooks(logger, [...closeHooks].reverse());
    lock.release();
  });

  try {
    for (const plugin of options.plugins) await plugin(ctx);
    app.use('/api', apiNotFound);
    serveClient(app, options.clientDir, { ...config.wall, basePath: config.basePath, photoHosts: config.photoHosts });
    // What nothing answered (a missing asset, a POST to a page path): a plain 404 of our own, so
    // Express's built-in one (which replaces the CSP with its own `default-src 'none'`) never answers.
    if (app === root) app.use((_req, res) => void res.status(404).type('text/plain').send('Not found\n'));
    app.use(errorHandler(logger));

    await listen(httpServer, config.port, config.host);
    listening = true;
  } catch (error) {
    await close().catch((closeError: unknown) => logger.error({ err: closeError }, 'cleanup after a failed start'));
    throw error;
  }
  const port = (httpServer.address() as AddressInfo).port;
  // With BASE_PATH the server's own address includes it (the banner, the demo feed, the lock file).
  const url = `http://${urlHost(config.host)}:${port}${config.basePath}`;
  lock.setUrl(url);
  for (const hook of listenHooks) await hook(url);
  logger.info({ url, streetId: map.street.meta.id, store: config.databaseUrl ? 'postgres' : 'embedded' }, 'listening');
  return { url, port, ctx, generatedCredentials: generated, close };
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The message logged when shutdown had to cut connections that were still open (tests look for it). */
export const FORCED_CLOSE_MESSAGE = 'connections still open 5 s after shutdown began were closed';

// Wait for requests in flight, but not forever for idle keep-alive or stuck clients.
async function closeHttp(server: http.Server, io: IoServer, logger: Logger): Promise<void> {
  const closed = new Promise<void>((resolve) => io.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => {
    logger.warn(FORCED_CLOSE_MESSAGE);
    server.closeAllConnections();
  }, 5_000);
  timer.unref();
  await closed;
  clearTimeout(timer);
}

async function runHooks(logger: Logger, hooks: Hook[]): Promise<void> {
  for (const hook of hooks) {
    try {
      await hook();
    } catch (error) {
      logger.error({ err: error }, 'shutdown hook failed');
    }
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  return () => (running ??= fn());
}

/** The address a browser on this machine can open. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
