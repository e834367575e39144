// Runs the REAL server (node --import tsx server/src/main.ts) as a child process on a
// free port in a fresh DATA_DIR, with credentials the test knows. Children never outlive the run.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLock } from '../../server/src/datadir/lock.ts';
import { EMBEDDED_DIR, openStore } from '../../server/src/store/index.ts';
import { MIGRATIONS } from '../../server/src/store/migrations.ts';
import { SERVER_VARIABLES } from './env.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = path.join(REPO_ROOT, 'server', 'src', 'main.ts');

export interface TestCredentials {
  ingestKey: string;
  viewerToken: string;
  adminPassword: string;
}

export interface ServerOptions {
  /** Extra or overriding environment; '' unsets a variable the harness would set. */
  env?: Record<string, string>;
  /** Reuse a DATA_DIR (e.g. to restart on it); default a fresh temp folder. */
  dataDir?: string;
  /** Reuse credentials (e.g. a restart that open pages must reconnect to); default fresh ones. */
  credentials?: TestCredentials;
  /** How long to wait for /api/health; default 90 s (PGlite opens slowly on a busy machine). */
  startTimeoutMs?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly dataDir: string;
  readonly credentials: TestCredentials;
  readonly exited: Promise<ExitInfo>;
  stdout(): string;
  stderr(): string;
}

export interface TestServer extends ServerProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Signals the server (SIGTERM by default) and waits for it to exit (SIGKILL after 20 s). */
  stop(signal?: NodeJS.Signals): Promise<ExitInfo>;
  /** SIGKILL, as a crash would; waits for the exit. */
  kill(): Promise<ExitInfo>;
  /** fetch against the server with the viewer token. */
  get(pathname: string, init?: RequestInit): Promise<Response>;
}

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

export function makeTempDir(prefix = 'grid141-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

// Every test server's secrets begin with "-" (issue 14): a test that hands one to a command as
// `--name VALUE`, which reads it as an option, fails on every run instead of once in 64.
function secret(): string {
  return `-${crypto.randomBytes(24).toString('base64url')}`;
}

/**
 * A freshly created and migrated embedded store, made once per test run and copied into each
 * new DATA_DIR: creating a PGlite cluster (initdb in WebAssembly) costs 5–20 s on this
 * machine, copying a closed one a few milliseconds. The server still opens and migrates it.
 */
let templateReady: Promise<string> | null = null;

function storeTemplate(): Promise<string> {
  templateReady ??= (async () => {
    const key = crypto.createHash('sha256').update(JSON.stringify(MIGRATIONS)).update(pgliteVersion()).digest('hex').slice(0, 12);
    const target = path.join(os.tmpdir(), `grid141-store-template-${key}`);
    if (fs.existsSync(path.join(target, 'ready'))) return target;
    const building = fs.mkdtempSync(path.join(os.tmpdir(), 'grid141-store-template-building-'));
    const store = await openStore({ streetId: 'template', databaseUrl: null, dataDir: building });
    await store.close();
    fs.writeFileSync(path.join(building, 'ready'), '');
    try {
      fs.renameSync(building, target);
    } catch {
      // Another test process made it first: theirs is as good as ours.
      fs.rmSync(building, { recursive: true, force: true });
    }
    return target;
  })();
  return templateReady;
}

function pgliteVersion(): string {
  const manifest = path.join(REPO_ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json');
  return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** A fresh DATA_DIR whose embedded store is a copy of the template (for servers on the embedded store). */
export async function seededDataDir(): Promise<string> {
  const template = await storeTemplate();
  const dir = makeTempDir();
  fs.cpSync(path.join(template, EMBEDDED_DIR), path.join(dir, EMBEDDED_DIR), { recursive: true });
  return dir;
}

/** Starts the server process without waiting for it (for tests that expect it to fail). */
export function spawnServer(options: ServerOptions = {}): ServerProcess {
  const dataDir = options.dataDir ?? makeTempDir();
  const credentials: TestCredentials = options.credentials ?? { ingestKey: secret(), viewerToken: secret(), adminPassword: secret() };
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !(SERVER_VARIABLES as readonly string[]).includes(key)) env[key] = value;
  }
  Object.assign(env, {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SIMULATE: '0',
    // No scheduled weekly report in a test server (a test that wants one sets REPORTS=1).
    REPORTS: '0',
    LOG_LEVEL: 'warn',
    INGEST_API_KEY: credentials.ingestKey,
    VIEWER_TOKEN: credentials.viewerToken,
    ADMIN_PASSWORD: credentials.adminPassword,
  });
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === '') delete env[key];
    else env[key] = value;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<ExitInfo>((resolve) => {
    child.on('exit', (code, signal) => {
      children.delete(child);
      // Let the pipes drain so the last lines are captured.
      setImmediate(() => resolve({ code, signal }));
    });
  });
  return { child, dataDir, credentials, exited, stdout: () => out, stderr: () => err };
}

/** Runs a server that is expected to stop by itself; kills it after `timeoutMs`. */
export async function runServerUntilExit(options: ServerOptions & { timeoutMs?: number } = {}) {
  const proc = spawnServer(options);
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  const exit = await proc.exited;
  clearTimeout(timer);
  return { ...exit, stdout: proc.stdout(), stderr: proc.stderr(), dataDir: proc.dataDir };
}

function describe(proc: ServerProcess): string {
  return `--- server stderr ---\n${proc.stderr()}\n--- server stdout ---\n${proc.stdout()}`;
}

async function waitForUrl(proc: ServerProcess, deadline: number): Promise<string> {
  let exited = false;
  void proc.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the server exited before it was ready\n${describe(proc)}`);
    const lock = readLock(proc.dataDir);
    if (lock && lock.pid === proc.child.pid && lock.url) {
      const health = await fetch(`${lock.url}/api/health`).catch(() => null);
      if (health?.ok) return lock.url;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  proc.child.kill('SIGKILL');
  throw new Error(`the server did not answer /api/health in time\n${describe(proc)}`);
}

export async function startTestServer(options: ServerOptions = {}): Promise<TestServer> {
  const embedded = !options.env?.DATABASE_URL;
  const dataDir = options.dataDir ?? (embedded ? await seededDataDir() : undefined);
  const proc = spawnServer({ ...options, ...(dataDir ? { dataDir } : {}) });
  const url = await waitForUrl(proc, Date.now() + (options.startTimeoutMs ?? 90_000));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitInfo> => {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill(signal);
    const timer = setTimeout(() => proc.child.kill('SIGKILL'), 20_000);
    const exit = await proc.exited;
    clearTimeout(timer);
    return exit;
  };
  return {
    ...proc,
    url,
    port: Number(new URL(url).port),
    pid: proc.child.pid ?? -1,
    stop,
    kill: () => stop('SIGKILL'),
    get: (pathname, init) => {
      const headers = new Headers(init?.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${proc.credentials.viewerToken}`);
      return fetch(`${url}${pathname}`, { ...init, headers });
    },
  };
}

/** Stops every server this file started that is still running (use in afterAll/afterEach). */
export async function stopAllServers(): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
