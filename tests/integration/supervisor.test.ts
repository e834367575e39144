// Issue 14 §3: the server under a supervisor that restarts it as systemd's Restart=on-failure
// (RestartSec) and Docker's --restart unless-stopped do. A SIGKILL in the middle of a stream of
// batches: the supervisor starts it again on the same DATA_DIR and port, the stale lock does not
// stop it, and every record that got a 2xx is served. A graceful stop (exit 0) stays stopped.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, seededDataDir, spawnServer, type ServerProcess, type TestCredentials } from '../helpers/server.ts';

const pois = JSON.parse(readFileSync(path.join(REPO_ROOT, 'data', 'streets', 'shiyoulu', 'pois.geojson'), 'utf8')) as {
  features: { geometry: { coordinates: [number, number] } }[];
};

/** Restart=on-failure with RestartSec: any exit but 0 (a signal included) starts it again. */
class Supervisor {
  current: ServerProcess;
  restarts = 0;
  private stopping = false;
  constructor(private readonly launch: () => ServerProcess, private readonly restartSecMs: number) {
    this.current = launch();
    this.watch();
  }
  private watch(): void {
    const proc = this.current;
    void proc.exited.then((exit) => {
      if (this.stopping || exit.code === 0) return;
      setTimeout(() => {
        if (this.stopping) return;
        this.restarts += 1;
        this.current = this.launch();
        this.watch();
      }, this.restartSecMs);
    });
  }
  /** `systemctl stop`: SIGTERM, and no restart after it. */
  async stop() {
    this.stopping = true;
    this.current.child.kill('SIGTERM');
    return this.current.exited;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function healthy(url: string, deadlineMs: number): Promise<boolean> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    const res = await fetch(`${url}/api/health`).catch(() => null);
    if (res?.ok) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

let supervisor: Supervisor | null = null;
afterAll(async () => {
  await supervisor?.stop();
});

describe('kill -9 under a supervisor (systemd Restart=on-failure, docker --restart)', () => {
  it('comes back on the same address by itself and serves every acknowledged record', { timeout: 420_000 }, async () => {
    const dataDir = await seededDataDir();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const secret = () => randomBytes(24).toString('base64url');
    const credentials: TestCredentials = { ingestKey: `k${secret()}`, viewerToken: secret(), adminPassword: secret() };
    supervisor = new Supervisor(() => spawnServer({ dataDir, credentials, env: { PORT: String(port) } }), 1_000);
    expect(await healthy(url, 150_000), supervisor.current.stderr()).toBe(true);
    const firstPid = supervisor.current.child.pid;

    const run = randomUUID().slice(0, 8);
    const acked = new Map<string, string>();
    let killed = false;
    const post = async (b: number) => {
      const items = Array.from({ length: 50 }, (_, i) => {
        const [lng, lat] = pois.features[(b * 50 + i) % pois.features.length]?.geometry.coordinates as [number, number];
        return { externalId: `sup-${run}-${b}-${i}`, source: 'iot', category: 'safety_hazard', description: `batch ${b}`, location: { lng, lat } };
      });
      const res = await fetch(`${url}/api/v1/incidents`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': credentials.ingestKey }, body: JSON.stringify({ items }),
      }).catch(() => null);
      if (!res?.ok) return;
      const body = (await res.json()) as { results: { id: string }[] };
      body.results.forEach((r, i) => acked.set(items[i]?.externalId as string, r.id));
    };
    // Two streams; the server is killed once ten batches are acknowledged, with batches in flight.
    let next = 0;
    const stream = async () => {
      while (!killed && next < 40) {
        await post(next++);
        if (!killed && acked.size >= 500) {
          killed = true;
          process.kill(firstPid as number, 'SIGKILL');
        }
      }
    };
    await Promise.all([stream(), stream()]);
    expect(killed).toBe(true);

    // The supervisor notices, waits RestartSec, and starts it again; nobody else does anything.
    const deadline = Date.now() + 150_000;
    while (supervisor.restarts === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(supervisor.restarts).toBe(1);
    expect(await healthy(url, 150_000), supervisor.current.stderr()).toBe(true);
    expect(supervisor.current.child.pid).not.toBe(firstPid);
    expect(`${supervisor.current.stdout()}${supervisor.current.stderr()}`).toContain('took over the stale DATA_DIR lock');

    const stored = new Map<string, string>();
    let cursor: string | null = null;
    do {
      const res = await fetch(`${url}/api/v1/incidents?source=iot&limit=500${cursor ? `&cursor=${cursor}` : ''}`, {
        headers: { authorization: `Bearer ${credentials.viewerToken}` },
      });
      const page = (await res.json()) as { items: { id: string; externalId: string }[]; nextCursor: string | null };
      for (const item of page.items) stored.set(item.externalId, item.id);
      cursor = page.nextCursor;
    } while (cursor);
    expect(acked.size).toBeGreaterThanOrEqual(500);
    for (const [externalId, id] of acked) expect(stored.get(externalId), externalId).toBe(id);

    // A graceful stop exits 0 and is not restarted.
    expect(await supervisor.stop()).toEqual({ code: 0, signal: null });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(supervisor.restarts).toBe(1);
    supervisor = null;
  });
});
