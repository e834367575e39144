// The demo feed against the real server: the CLI at a high speed posts through the public API,
// a replay doubles nothing, and --purge takes every simulated record (and its figures) away.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Summary } from '@grid141/shared';
import { REPO_ROOT, makeTempDir, startTestServer, stopAllServers, type TestServer } from '../helpers/server.ts';

const CLI = path.join(REPO_ROOT, 'server', 'src', 'simulate', 'cli.ts');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  counts: Record<string, number>;
  stats: Record<string, number>;
}

/** `account: false` runs it as the README's first example does: a key, no password, no server DATA_DIR. */
function runCli(server: TestServer, args: string[], timeoutMs = 60_000, { account = true } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    // --key=VALUE: the key of this suite begins with "-", which `--key VALUE` would read as an option.
    const password = account ? [`--password=${server.credentials.adminPassword}`] : [];
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', DATA_DIR: account ? server.dataDir : makeTempDir('grid141-sim-') };
    delete env.ADMIN_PASSWORD;
    delete env.INGEST_API_KEY;
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, `--url=${server.url}`, `--key=${server.credentials.ingestKey}`, ...password, ...args], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const m = /posted (\{.*?\}); (\{.*?\})\n/.exec(stdout);
      const parse = (text: string | undefined) => (text ? (JSON.parse(text) as Record<string, number>) : {});
      resolve({ code, stdout, stderr, counts: parse(m?.[1]), stats: parse(m?.[2]) });
    });
  });
}

async function countIncidents(server: TestServer): Promise<number> {
  let n = 0;
  let cursor: string | null = null;
  do {
    const res = await server.get(`/api/v1/incidents?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: { simulated: boolean }[]; nextCursor: string | null };
    for (const item of page.items) expect(item.simulated).toBe(true);
    n += page.items.length;
    cursor = page.nextCursor;
  } while (cursor);
  return n;
}

async function summary(server: TestServer): Promise<Summary> {
  const res = await server.get('/api/v1/summary');
  expect(res.status).toBe(200);
  return (await res.json()) as Summary;
}

// Figures follow commits through the bus; give them a moment.
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    value = await read();
  }
  return value;
}

describe('demo feed (npm run simulate) against the real server', () => {
  let server: TestServer;
  // Lunch time at 30 simulated minutes a real second: six seconds cover 11:00–14:00.
  const args = ['--speed', '1800', '--start', '11:00', '--seed', 'itest', '--duration', '6'];

  beforeAll(async () => {
    // A key that begins with "-" on purpose (about one in 64 random base64url keys does, issue 14).
    const key = (n: number) => randomBytes(n).toString('base64url');
    server = await startTestServer({ credentials: { ingestKey: `-${key(24)}`, viewerToken: key(24), adminPassword: key(12) } });
    expect(server.credentials.ingestKey.startsWith('-')).toBe(true);
  });
  afterAll(async () => {
    await stopAllServers();
  });

  it('posts incidents and lunch-time meals, and a replay of the same run doubles nothing', async () => {
    const first = await runCli(server, args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.counts.incidents ?? 0).toBeGreaterThan(3);
    expect(first.counts['canteen-meals'] ?? 0).toBeGreaterThan(300);
    expect(first.counts.transitions ?? 0).toBeGreaterThan(0);
    const stored = await countIncidents(server);
    // One batch may be committed as the run stops, before its answer is read.
    expect(stored).toBeGreaterThanOrEqual(first.counts.incidents ?? 0);

    // Same seed and start over a shorter span: the same externalIds, answered as replays.
    const second = await runCli(server, [...args.slice(0, -1), '3']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stats.replayed ?? 0).toBeGreaterThan(0);
    expect(second.stats.posted).toBe(0);
    expect(await countIncidents(server)).toBe(stored);
  });

  it('--purge removes every simulated record', async () => {
    expect(await countIncidents(server)).toBeGreaterThan(0);
    const purge = await runCli(server, ['--purge']);
    expect(purge.code, purge.stderr).toBe(0);
    expect(await countIncidents(server)).toBe(0);
  });

  it('moves the summary figures, and --purge takes them back to zero', async () => {
    const run = await runCli(server, args);
    expect(run.code, run.stderr).toBe(0);
    const moved = await eventually(() => summary(server), (s) => s.livelihood.meals.today >= (run.counts['canteen-meals'] ?? 0));
    expect(moved.incidents.today.total).toBeGreaterThanOrEqual(run.counts.incidents ?? 0);
    expect(moved.incidents.today.total).toBeGreaterThan(0);
    expect(moved.livelihood.meals.today).toBeGreaterThanOrEqual(run.counts['canteen-meals'] ?? 0);
    expect(moved.simulated).toBe(true);
    // The demo feed gives every volunteer activity its team category, so the categories hold all the
    // week's hours (how many activities end in this window depends on the day's seed).
    const byCategory = Object.values(moved.party.hoursByCategoryWeekToDate).reduce((a, b) => a + b, 0);
    expect(byCategory).toBeCloseTo(moved.party.volunteerHoursWeekToDate, 3);

    const purge = await runCli(server, ['--purge']);
    expect(purge.code, purge.stderr).toBe(0);
    const after = await eventually(
      () => summary(server),
      (s) => s.incidents.today.total === 0 && s.livelihood.meals.today === 0 && s.party.volunteerHoursWeekToDate === 0,
    );
    expect(after.incidents.today.total).toBe(0);
    expect(after.incidents.today.open).toBe(0);
    expect(after.livelihood.meals.today).toBe(0);
    expect(after.party.volunteerHoursWeekToDate).toBe(0);
    expect(after.party.hoursByCategoryWeekToDate).toEqual({});
  });

  it('with a key and no password (tester item 8) posts records only, says so in one line, and --purge stops before anything', async () => {
    const run = await runCli(server, ['--speed=1800', '--start=11:00', '--seed=nopass', '--duration=4'], 60_000, { account: false });
    expect(run.code, run.stderr).toBe(0);
    expect(run.counts.incidents ?? 0).toBeGreaterThan(0);
    expect(run.counts.transitions ?? 0).toBe(0);
    expect(run.stats.transitions).toBe(0);
    const warnings = run.stderr.split('\n').filter((line) => line.startsWith('simulate:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^simulate: posting records only, incidents will not move .*no password for admin: pass --password=PASS \(and --user=NAME\)/);
    expect(run.stderr).not.toMatch(/refused|403/);

    const before = await countIncidents(server);
    const purge = await runCli(server, ['--purge'], 60_000, { account: false });
    expect(purge.code).toBe(1);
    expect(purge.stderr.trim()).toMatch(/^simulate: --purge needs a signed-in user; no password for admin: pass --password=PASS/);
    expect(purge.stderr.trim().split('\n')).toHaveLength(1);
    expect(await countIncidents(server)).toBe(before);
    // Leave the server as the next tests expect it.
    expect((await runCli(server, ['--purge'])).code).toBe(0);
  });

  it('refuses a wrong key with a message and a failing exit code', async () => {
    const run = await runCli(server, ['--key', 'not-the-key-0123456789', '--duration', '3', '--speed', '1800', '--start', '11:00']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/refused the ingest key/);
  });
});

describe('npm run simulate arguments (issue 14)', () => {
  it('--key VALUE with a value beginning with "-" stops with the hint to write --key=VALUE, not a stack', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, '--url=http://127.0.0.1:9', '--key', '-abc123'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("simulate: Option '--key' argument is ambiguous");
    expect(r.stderr).toContain("use '--key=-XYZ'");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
