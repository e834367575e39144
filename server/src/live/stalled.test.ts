// A real Socket.IO server and clients: a client that stops reading piles up a backlog the
// sweep can see, and cutting it frees the server at once; a reading client is unaffected.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Server, type Socket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { backlog, cut, isStalled } from './stalled.ts';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((fn) => fn()));

async function serve() {
  const server = http.createServer();
  const io = new Server(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    io.close();
    server.closeAllConnections();
  });
  return { io, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function client(url: string, serverIo: Server): Promise<{ socket: ClientSocket; peer: Socket }> {
  const peer = new Promise<Socket>((resolve) => serverIo.once('connection', resolve));
  const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  cleanups.push(() => socket.close());
  return { socket, peer: await peer };
}

describe('stalled clients', () => {
  it('shows a backlog for a client that stopped reading, and cut() drops it without waiting', async () => {
    const { io, url } = await serve();
    const stalled = await client(url, io);
    const reader = await client(url, io);
    let received = 0;
    reader.socket.on('blob' as never, () => void (received += 1));
    // Stop reading at the TCP level, as a frozen screen PC would.
    const raw = (stalled.socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } }).ws._socket;
    raw.pause();

    const blob = 'x'.repeat(256 * 1024);
    const limits = { maxPackets: 16, maxBytes: 2 * 1024 * 1024 };
    let rounds = 0;
    while (!isStalled(stalled.peer, limits) && rounds < 400) {
      io.emit('blob' as never, blob as never);
      rounds += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(isStalled(stalled.peer, limits)).toBe(true);
    // The reading client keeps up meanwhile.
    await expect.poll(() => received, { timeout: 5_000 }).toBe(rounds);
    expect(isStalled(reader.peer, limits)).toBe(false);
    expect(backlog(reader.peer).packets).toBeLessThanOrEqual(limits.maxPackets);

    const gone = new Promise<string>((resolve) => stalled.peer.once('disconnect', resolve));
    const t0 = Date.now();
    cut(stalled.peer);
    await gone;
    // At once, not after the ping timeout (45 s): 10 s is a hang guard for a loaded machine.
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(io.sockets.sockets.has(stalled.peer.id)).toBe(false);
    expect(reader.peer.connected).toBe(true);
  });
});
