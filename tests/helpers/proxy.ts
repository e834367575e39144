// A small reverse proxy for tests, standing in for nginx or Apache in front of Grid141
// (docs/deploy.md): it forwards plain HTTP under a path prefix, and either passes WebSocket
// upgrades through or answers them 400, as Apache without mod_proxy_wstunnel does.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TestProxy {
  /** http://127.0.0.1:port (the origin the browser sees). */
  readonly origin: string;
  /** How many upgrade requests it refused (0 when it passes them). */
  readonly refusedUpgrades: () => number;
  close(): Promise<void>;
}

export interface ProxyOptions {
  /** The server's origin, e.g. http://127.0.0.1:41234. */
  target: string;
  /** Pass WebSocket upgrades through (true) or answer them 400 (false). */
  websocket: boolean;
  /** Only paths under this prefix are forwarded (unchanged); others are 404. Default '/'. */
  prefix?: string;
}

export async function startProxy(options: ProxyOptions): Promise<TestProxy> {
  const target = new URL(options.target);
  const prefix = options.prefix ?? '/';
  const under = (url: string | undefined) => (url ?? '/').startsWith(prefix);
  let refused = 0;
  const sockets = new Set<net.Socket>();

  const server = http.createServer((req, res) => {
    if (!under(req.url)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not proxied\n');
      return;
    }
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('bad gateway\n');
    });
    req.pipe(upstream);
  });

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  server.on('upgrade', (req, socket: net.Socket, head: Buffer) => {
    if (!options.websocket || !under(req.url)) {
      refused += 1;
      socket.end('HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 23\r\nConnection: close\r\n\r\nWebSocket not proxied\r\n');
      return;
    }
    const upstream = net.connect(Number(target.port), target.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    refusedUpgrades: () => refused,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
