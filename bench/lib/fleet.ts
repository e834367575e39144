// The bench's side of the walls' process: fork bench/lib/clients.ts, connect N walls, record,
// and ask it for latencies. Every wait is bounded.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromClients, ToClients } from './fleet-protocol.ts';

const CLIENTS = fileURLToPath(new URL('./clients.ts', import.meta.url));

export interface Fleet {
  readonly pid: number;
  connect(url: string, token: string, count: number, deadlineMs: number): Promise<Extract<FromClients, { type: 'connected' }>>;
  record(): Promise<void>;
  measure(posted: Record<string, number>, ackOrder: number[], ackTimes: number[], base: number): Promise<Extract<FromClients, { type: 'measured' }>>;
  close(): Promise<void>;
}

export async function startFleet(): Promise<Fleet> {
  const child: ChildProcess = fork(CLIENTS, [], { execArgv: ['--import', 'tsx', '--max-old-space-size=2048'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const inbox: FromClients[] = [];
  const waiters: (() => void)[] = [];
  let exited = false;
  child.on('message', (m: FromClients) => { inbox.push(m); for (const w of waiters.splice(0)) w(); });
  child.on('exit', () => { exited = true; for (const w of waiters.splice(0)) w(); });

  async function next<T extends FromClients['type']>(type: T, timeoutMs: number): Promise<Extract<FromClients, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = inbox.findIndex((m) => m.type === type || m.type === 'error');
      if (i >= 0) {
        const [m] = inbox.splice(i, 1);
        if (m?.type === 'error') throw new Error(`clients process: ${m.message}`);
        return m as Extract<FromClients, { type: T }>;
      }
      if (exited) throw new Error(`clients process exited while waiting for ${type}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`clients process: no ${type} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => { const t = setTimeout(resolve, left); waiters.push(() => { clearTimeout(t); resolve(); }); });
    }
  }
  const send = (m: ToClients) => child.send(m);
  await next('ready', 60_000);
  return {
    pid: child.pid ?? -1,
    async connect(url, token, count, deadlineMs) {
      send({ type: 'connect', url, token, count, parallel: 50, deadlineMs });
      return next('connected', deadlineMs + 30_000);
    },
    async record() { send({ type: 'record' }); await next('recording', 30_000); },
    async measure(posted, ackOrder, ackTimes, base) { send({ type: 'measure', posted, ackOrder, ackTimes, base }); return next('measured', 120_000); },
    async close() {
      if (exited) return;
      send({ type: 'close' });
      await next('closed', 30_000).catch(() => {});
      const gone = new Promise<void>((resolve) => (exited ? resolve() : child.once('exit', () => resolve())));
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
