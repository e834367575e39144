// DATA_DIR belongs to one server at a time: PGlite takes no lock of its own and two
// processes on one directory corrupt it (docs/store.md). The lock file names its holder, and a
// lock whose holder is gone (after a power cut its pid may belong to any process) is taken over.
// The holder also listens on a Unix socket in DATA_DIR, which the kernel closes when it dies: that
// tells a live holder from a dead one across host names and pid namespaces (containers).
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export const LOCK_FILE = 'grid141.lock';

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  /** The holder's base URL once it listens, so CLI tools can talk to it over HTTP. */
  url: string | null;
  /** The holder's command line (Linux /proc), so a pid handed to another program later is not taken for it. */
  cmdline?: string | null;
  /** The kernel's boot id when the lock was taken (Linux): another boot means the holder is gone. */
  bootId?: string | null;
  /**
   * The holder's socket in DATA_DIR (a file name, `grid141-<pid>-<8 hex>.sock`), listening while it
   * runs; null when the file system takes no sockets or the path is too long for one.
   */
  socket?: string | null;
}

export interface HeldLock {
  readonly path: string;
  readonly info: LockInfo;
  /** The stale lock this start took over and why it was stale (for one log line), or null. */
  readonly tookOver: { holder: LockInfo; reason: string } | null;
  /** Records the server's URL in the lock file. */
  setUrl(url: string): void;
  /** Closes this process's socket and removes the lock file if it is still ours; safe to call twice. */
  release(): void;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockInfo,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by another Grid141 server (pid ${holder.pid} on ${holder.host}, ` +
        `started ${holder.startedAt}${holder.url ? `, ${holder.url}` : ''}); stop it or choose another DATA_DIR` +
        (holder.host !== os.hostname() ? `; if ${holder.host || 'that host'} is gone for good, remove ${lockPath(dataDir)}` : ''),
    );
    this.name = 'DataDirLockedError';
  }
}

function lockPath(dataDir: string): string {
  return path.join(dataDir, LOCK_FILE);
}

const SOCKET_NAME = /^grid141-\d+-[0-9a-f]{8}\.sock$/;
// sun_path holds 108 bytes with the final NUL on Linux (104 on macOS); Node cuts a longer path short.
const SOCKET_PATH_MAX = 103;

/** What the holder's socket says: a connection is a live holder on this kernel; a refusal, that it is gone. */
export type SocketAnswer = 'answers' | 'refuses' | 'unknown';

/** Connects to the socket `info` names in `dataDir` (a connect never waits on the holder's event loop). */
export function probeSocket(dataDir: string, info: LockInfo): Promise<SocketAnswer> {
  const file = info.socket ? path.join(dataDir, info.socket) : null;
  if (!file || process.platform === 'win32' || Buffer.byteLength(file) > SOCKET_PATH_MAX) return Promise.resolve('unknown');
  return new Promise((resolve) => {
    const socket = net.connect(file);
    const done = (answer: SocketAnswer) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    // A Unix connect answers at once; one that hangs has someone behind it.
    const timer = setTimeout(() => done('answers'), 5_000);
    socket.once('connect', () => done('answers'));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(error.code === 'ECONNREFUSED' ? 'refuses' : error.code === 'EAGAIN' ? 'answers' : 'unknown'));
  });
}

interface Liveness {
  name: string;
  close(): void;
}

/** Listens on a fresh socket in DATA_DIR for as long as this process holds (or tries for) the lock; null where sockets do not work. */
async function listenLiveness(dataDir: string): Promise<Liveness | null> {
  if (process.platform === 'win32') return null;
  const name = `grid141-${process.pid}-${crypto.randomUUID().slice(0, 8)}.sock`;
  const file = path.join(dataDir, name);
  if (Buffer.byteLength(file) > SOCKET_PATH_MAX) return null;
  const server = net.createServer((connection) => connection.destroy());
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(file, () => resolve());
    });
  } catch {
    // A file system without sockets (some network shares): the pid, host and boot checks remain.
    return null;
  }
  server.on('error', () => {});
  server.unref();
  let closed = false;
  return {
    name,
    close() {
      if (closed) return;
      closed = true;
      server.close();
      fs.rmSync(file, { force: true });
    },
  };
}

function parseLock(text: string): LockInfo | null {
  try {
    const value = JSON.parse(text) as Partial<LockInfo>;
    if (typeof value.pid !== 'number' || !Number.isInteger(value.pid)) return null;
    return {
      pid: value.pid,
      host: typeof value.host === 'string' ? value.host : '',
      startedAt: typeof value.startedAt === 'string' ? value.startedAt : '',
      url: typeof value.url === 'string' ? value.url : null,
      cmdline: typeof value.cmdline === 'string' ? value.cmdline : null,
      bootId: typeof value.bootId === 'string' ? value.bootId : null,
      // Only a name of ours: a stale holder's socket file is removed on takeover.
      socket: typeof value.socket === 'string' && SOCKET_NAME.test(value.socket) ? value.socket : null,
    };
  } catch {
    return null;
  }
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What Linux says about a process: its state letter (Z: a zombie), start time (epoch ms) and command line. */
export interface ProcessFacts {
  state: string;
  startedMs: number;
  cmdline: string;
}

// USER_HZ: the unit of /proc/<pid>/stat's start time; 100 on every Linux architecture Node runs on.
const CLOCK_TICKS_PER_S = 100;

function readProc(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

let bootTimeMs: number | null | undefined;
function bootTime(): number | null {
  if (bootTimeMs === undefined) {
    const m = /^btime (\d+)$/m.exec(readProc('/proc/stat') ?? '');
    bootTimeMs = m ? Number(m[1]) * 1000 : null;
  }
  return bootTimeMs;
}

/** The current boot's id (Linux), null elsewhere. */
export function currentBootId(): string | null {
  return readProc('/proc/sys/kernel/random/boot_id')?.trim() || null;
}

function cmdlineOf(pid: number | 'self'): string | null {
  const raw = readProc(`/proc/${pid}/cmdline`);
  return raw === null ? null : raw.replace(/\0+$/, '').split('\0').join(' ');
}

/**
 * Facts about `pid` from /proc: null when it does not exist, undefined when this system has no
 * /proc to ask (then only `kill(pid, 0)` can tell).
 */
export function processFacts(pid: number): ProcessFacts | null | undefined {
  if (!fs.existsSync('/proc/self/stat')) return undefined;
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === null) return null;
  // "pid (comm) S ppid …": comm may hold spaces and parentheses, so split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const boot = bootTime();
  const ticks = Number(fields[19]);
  return {
    state: fields[0] ?? '?',
    startedMs: boot === null || !Number.isFinite(ticks) ? NaN : boot + (ticks * 1000) / CLOCK_TICKS_PER_S,
    cmdline: cmdlineOf(pid) ?? '',
  };
}

// The kernel's boot time is rounded to a second and drifts with clock adjustments: a holder started
// the lock within this after its process began.
const START_SLACK_MS = 10_000;
// A lock written before locks recorded their command line: the holder's must look like Grid141's.
const LEGACY_GRID141 = /grid141|[/\\]server[/\\]src[/\\](main|import[/\\]cli)\.ts/i;

// Locks this process holds, by their startedAt, to tell them from a previous life's.
const heldHere = new Map<string, number>();

/**
 * Why the holder of `info` is gone, or null when it may still run (docs/deploy.md, "The DATA_DIR
 * lock"). `socket` is what the holder's socket said (probeSocket; 'unknown' when not asked). A
 * socket that answers is a live holder. A socket that refuses, on this very kernel (same boot id),
 * is a holder that is gone, whatever host name it had (a container removed after a kill). Another
 * host otherwise cannot be checked and counts as running. On this host the lock is stale when the
 * machine booted since (boot id), the pid is gone or a zombie, the process with that pid started
 * after the lock was taken (the pid was handed out again), or it runs another command line than the
 * holder recorded (a legacy lock: one that does not look like Grid141's).
 */
export function staleReason(info: LockInfo, socket: SocketAnswer = 'unknown'): string | null {
  if (socket === 'answers') return null;
  const boot = currentBootId();
  const sameKernel = info.bootId != null && boot !== null && info.bootId === boot;
  if (info.host !== os.hostname()) {
    // A Unix socket on a network share refuses here while its holder runs on the other machine.
    return sameKernel && socket === 'refuses'
      ? `its holder ran on this machine under the host name ${info.host} (another container) and is gone: its socket refuses connections`
      : null;
  }
  if (info.bootId && boot && info.bootId !== boot) return 'the machine has restarted since';
  if (sameKernel && socket === 'refuses') return `pid ${info.pid} is gone: its socket refuses connections`;
  // Our own pid in a lock we do not hold is a previous life (e.g. pid 1 in a container).
  if (info.pid === process.pid) return (heldHere.get(info.startedAt) ?? 0) > 0 ? null : 'it names this very process (a previous life)';
  const facts = processFacts(info.pid);
  if (facts === undefined) return isProcessAlive(info.pid) ? null : `pid ${info.pid} is not running`;
  if (facts === null) return `pid ${info.pid} is not running`;
  if (facts.state === 'Z' || facts.state === 'X') return `pid ${info.pid} is a zombie (exited, not yet reaped)`;
  const lockedAt = Date.parse(info.startedAt);
  if (Number.isFinite(facts.startedMs) && Number.isFinite(lockedAt) && facts.startedMs > lockedAt + START_SLACK_MS) {
    return `pid ${info.pid} started after the lock was taken: another program has it now`;
  }
  if (info.cmdline ? facts.cmdline !== info.cmdline : !LEGACY_GRID141.test(facts.cmdline)) {
    return `pid ${info.pid} now runs another program (${facts.cmdline.slice(0, 80) || 'no command line'})`;
  }
  return null;
}

/** The lock's holder, or null when DATA_DIR is free; `alive` false means a stale lock. */
export function readLock(dataDir: string): (LockInfo & { alive: boolean }) | null {
  const text = readText(lockPath(dataDir));
  if (text === null) return null;
  const info = parseLock(text);
  if (!info) return null;
  return { ...info, alive: staleReason(info) === null };
}

function writeAtomically(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, text, { mode: 0o644 });
  fs.renameSync(temp, file);
}

const UNREADABLE_GRACE_MS = 2_000;

function ageMs(file: string): number {
  try {
    return Date.now() - fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

// Only one starter at a time may replace a stale lock; a guard older than this was left by a crash.
const TAKEOVER_GUARD_STALE_MS = 10_000;

/**
 * Takes DATA_DIR for this process. A free directory is taken with an exclusive create, so of two
 * servers started at the same moment exactly one wins. A stale lock (staleReason, after asking the
 * holder's socket) is replaced under a takeover guard file, so two starters never both replace it.
 * The socket this process listens on is open before its lock is written and closes on release.
 * Throws DataDirLockedError naming the holder while it runs.
 */
export async function acquireLock(dataDir: string): Promise<HeldLock> {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = lockPath(dataDir);
  const liveness = await listenLiveness(dataDir);
  const info: LockInfo = {
    pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), url: null,
    cmdline: cmdlineOf('self'), bootId: currentBootId(), socket: liveness?.name ?? null,
  };
  const serialized = () => `${JSON.stringify(info, null, 2)}\n`;

  try {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      try {
        const fd = fs.openSync(file, 'wx', 0o644);
        fs.writeSync(fd, serialized());
        fs.closeSync(fd);
        return held(file, info, serialized, null, liveness);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const text = readText(file);
      if (text === null) continue;
      const holder = parseLock(text);
      // An empty or half-written file may be another starter's, created a moment ago and not yet written.
      if (!holder && ageMs(file) < UNREADABLE_GRACE_MS) {
        await delay(20 + Math.random() * 30);
        continue;
      }
      const reason = holder ? staleReason(holder, await probeSocket(dataDir, holder)) : 'the lock file is unreadable (a crash while writing it)';
      if (holder && reason === null) throw new DataDirLockedError(dataDir, holder);
      if (replaceStale(file, text, serialized())) {
        // The gone holder's socket file (the kernel closed the socket, the file stays).
        if (holder?.socket && holder.socket !== info.socket) fs.rmSync(path.join(dataDir, holder.socket), { force: true });
        return held(file, info, serialized, { holder: holder ?? { pid: 0, host: '', startedAt: '', url: null }, reason: reason as string }, liveness);
      }
      await delay(20 + Math.random() * 30);
    }
    throw new Error(`could not lock DATA_DIR ${dataDir}: the lock file ${file} keeps changing`);
  } catch (error) {
    liveness?.close();
    throw error;
  }
}

// Replace the stale lock with ours, if it is still the same stale text, holding the guard.
function replaceStale(file: string, staleText: string, ours: string): boolean {
  const guard = `${file}.takeover`;
  try {
    fs.closeSync(fs.openSync(guard, 'wx', 0o644));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    try {
      if (Date.now() - fs.statSync(guard).mtimeMs > TAKEOVER_GUARD_STALE_MS) fs.rmSync(guard, { force: true });
    } catch {
      // Gone meanwhile: the next attempt tries again.
    }
    return false;
  }
  try {
    if (readText(file) !== staleText) return false;
    writeAtomically(file, ours);
    return true;
  } finally {
    fs.rmSync(guard, { force: true });
  }
}

function held(file: string, info: LockInfo, serialized: () => string, tookOver: HeldLock['tookOver'], liveness: Liveness | null): HeldLock {
  let released = false;
  heldHere.set(info.startedAt, (heldHere.get(info.startedAt) ?? 0) + 1);
  return {
    path: file,
    info,
    tookOver,
    setUrl(url) {
      if (released) return;
      info.url = url;
      writeAtomically(file, serialized());
    },
    release() {
      if (released) return;
      released = true;
      heldHere.set(info.startedAt, (heldHere.get(info.startedAt) ?? 1) - 1);
      liveness?.close();
      const current = parseLock(readText(file) ?? '');
      if (current?.pid === info.pid && current.startedAt === info.startedAt) fs.rmSync(file, { force: true });
    },
  };
}
