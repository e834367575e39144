// Launches the real server as a child process through the test harness (fresh DATA_DIR,
// SIMULATE=0, loopback), and resets the scratch PostgreSQL database for the bench.
import fs from 'node:fs';
import pg from 'pg';
import { startTestServer, type TestServer } from '../../tests/helpers/server.ts';

export type { TestServer };

export const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const PG_BENCH_DB = process.env.BENCH_PG_DB ?? 'grid141_bench';
export const PG_BENCH_URL = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${PG_BENCH_DB}`);

export async function startServer(env: Record<string, string> = {}, dataDir?: string, startTimeoutMs = 180_000): Promise<TestServer> {
  return startTestServer({ env: { SIMULATE: '0', HOST: '127.0.0.1', ...env }, ...(dataDir ? { dataDir } : {}), startTimeoutMs });
}

/** Drops and creates the scratch database; false when PostgreSQL cannot be reached. */
export async function resetBenchDatabase(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch {
    return false;
  }
  try {
    await client.query(`DROP DATABASE IF EXISTS ${PG_BENCH_DB} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${PG_BENCH_DB}`);
    return true;
  } finally {
    await client.end();
  }
}

export async function dropBenchDatabase(): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${PG_BENCH_DB} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Resident and peak resident memory of a process in bytes (Linux /proc). */
export function residentMemory(pid: number): { rss: number; peak: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return null;
  }
}
