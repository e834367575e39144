// DATA_DIR belongs to one server at a time: PGlite takes no lock of its own and two
// processes on one directory corrupt it (stack-notes.md). The lock file names its holder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const LOCK_FILE = 'grid141.lock';

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  /** The holder's base URL once it listens, so CLI tools can talk to it over HTTP. */
  url: string | null;
}

export interface HeldLock {
  readonly path: string;
  readonly info: LockInfo;
  /** Records the server's URL in the lock file. */
  setUrl(url: string): void;
  /** Removes the lock file if it is still ours; safe to call twice. */
  release(): void;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockInfo,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by another Grid141 server (pid ${holder.pid} on ${holder.host}, ` +
        `started ${holder.startedAt}${holder.url ? `, ${holder.url}` : ''}); stop it or choose another DATA_DIR`,
    );
    this.name = 'DataDirLockedError';
  }
}

function lockPath(dataDir: string): string {
  return path.join(dataDir, LOCK_FILE);
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

// Locks this process holds, by their startedAt, to tell them from a previous life's.
const heldHere = new Map<string, number>();

/** A holder on another host cannot be checked, so it is taken as alive. */
function holderIsAlive(info: LockInfo): boolean {
  if (info.host !== os.hostname()) return true;
  // Our own pid in a lock we do not hold is a previous life (e.g. pid 1 in a container).
  if (info.pid === process.pid) return (heldHere.get(info.startedAt) ?? 0) > 0;
  return isProcessAlive(info.pid);
}

/** The lock's holder, or null when DATA_DIR is free; `alive` false means a stale lock. */
export function readLock(dataDir: string): (LockInfo & { alive: boolean }) | null {
  const text = readText(lockPath(dataDir));
  if (text === null) return null;
  const info = parseLock(text);
  if (!info) return null;
  return { ...info, alive: holderIsAlive(info) };
}

function writeAtomically(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, text, { mode: 0o644 });
  fs.renameSync(temp, file);
}

export function acquireLock(dataDir: string): HeldLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = lockPath(dataDir);
  const info: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), url: null };
  const serialized = () => `${JSON.stringify(info, null, 2)}\n`;

  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      const fd = fs.openSync(file, 'wx', 0o644);
      fs.writeSync(fd, serialized());
      fs.closeSync(fd);
      return held(file, info, serialized);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const text = readText(file);
    if (text === null) continue;
    const holder = parseLock(text);
    if (holder && holderIsAlive(holder)) throw new DataDirLockedError(dataDir, holder);
    takeOverStale(file, text);
  }
  throw new Error(`could not lock DATA_DIR ${dataDir}: the lock file ${file} keeps changing`);
}

// Move the stale file aside first: if another starter replaced it meanwhile, put theirs back.
function takeOverStale(file: string, staleText: string): void {
  const aside = `${file}.stale-${process.pid}`;
  try {
    fs.renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = readText(aside);
  if (moved !== staleText) {
    try {
      fs.linkSync(aside, file);
    } catch {
      // Someone else already holds a fresh lock; the next attempt reads it.
    }
  }
  fs.rmSync(aside, { force: true });
}

function held(file: string, info: LockInfo, serialized: () => string): HeldLock {
  let released = false;
  heldHere.set(info.startedAt, (heldHere.get(info.startedAt) ?? 0) + 1);
  return {
    path: file,
    info,
    setUrl(url) {
      if (released) return;
      info.url = url;
      writeAtomically(file, serialized());
    },
    release() {
      if (released) return;
      released = true;
      heldHere.set(info.startedAt, (heldHere.get(info.startedAt) ?? 1) - 1);
      const current = parseLock(readText(file) ?? '');
      if (current?.pid === info.pid && current.startedAt === info.startedAt) fs.rmSync(file, { force: true });
    },
  };
}
