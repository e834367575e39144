// Several server instances behind one address: with REDIS_URL, broadcasts (incidents, alerts)
// fan out to every instance's walls through Redis pub/sub. Deltas stay local: each instance
// keeps its own figures and seq, and a wall resumes against the instance it is connected to.
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { Server } from 'socket.io';

export interface RedisFanOut {
  close(): Promise<void>;
}

export async function attachRedisAdapter(io: Server, url: string): Promise<RedisFanOut> {
  const pub = createClient({ url });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub));
  return {
    async close() {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
