// A wall that stops reading would make the server hold every message for it without bound.
// Broadcasts never wait for it (emit only queues), so every few seconds a socket whose queue
// passed a bound is cut; it reconnects with `since` and resumes from the delta buffer.
import type { Socket } from 'socket.io';

export interface StallLimits {
  /** Packets engine.io holds because the transport is still busy writing earlier ones. */
  maxPackets: number;
  /** Bytes the WebSocket has handed to the OS socket but the peer has not taken. */
  maxBytes: number;
}

export const DEFAULT_STALL_LIMITS: StallLimits = { maxPackets: 256, maxBytes: 4 * 1024 * 1024 };

/** What a socket still owes its client: packets queued in engine.io and bytes queued in the WebSocket. */
export function backlog(socket: Socket): { packets: number; bytes: number } {
  const conn = socket.conn as unknown as { writeBuffer: unknown[]; transport: { socket?: { bufferedAmount?: number } } };
  return { packets: conn.writeBuffer.length, bytes: conn.transport.socket?.bufferedAmount ?? 0 };
}

export function isStalled(socket: Socket, limits: StallLimits): boolean {
  const { packets, bytes } = backlog(socket);
  return packets > limits.maxPackets || bytes > limits.maxBytes;
}

/** Closes the connection without waiting for its queue to drain (which a stalled peer never lets happen). */
export function cut(socket: Socket): void {
  socket.conn.close(true);
}
