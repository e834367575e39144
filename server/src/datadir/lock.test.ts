import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, LOCK_FILE, acquireLock, currentBootId, processFacts, readLock, staleReason, type LockInfo } from './lock.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grid141-lock-'));
  dirs.push(dir);
  return dir;
}
const children: ChildProcess[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** A live process that is not Grid141 (as the Redis server was in the report), and its pid. */
function unrelatedProcess(): number {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  children.push(child);
  return child.pid as number;
}

/** The lock a real holder with this pid writes: its command line, now, this boot. */
function holderLock(pid: number, over: Partial<LockInfo> = {}): LockInfo {
  return {
    pid, host: os.hostname(), startedAt: new Date().toISOString(), url: null,
    cmdline: processFacts(pid)?.cmdline ?? null, bootId: currentBootId(), ...over,
  };
}

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

function writeLock(dir: string, pid: number, host = os.hostname()): void {
  fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid, host, startedAt: '2026-01-01T00:00:00.000Z', url: 'http://127.0.0.1:1' }));
}

describe('DATA_DIR lock', () => {
  it('is taken, names its holder and URL, and is released', async () => {
    const dir = tempDir();
    const lock = await acquireLock(dir);
    lock.setUrl('http://127.0.0.1:8080');
    expect(readLock(dir)).toMatchObject({ pid: process.pid, url: 'http://127.0.0.1:8080', alive: true });
    lock.release();
    expect(readLock(dir)).toBeNull();
  });

  it('creates a DATA_DIR that does not exist yet', async () => {
    const dir = path.join(tempDir(), 'a', 'b');
    (await acquireLock(dir)).release();
    expect(fs.existsSync(dir)).toBe(true);
  });

  it('refuses a live holder, naming its pid', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify(holderLock(process.ppid)));
    await expect(acquireLock(dir)).rejects.toThrow(DataDirLockedError);
    await expect(acquireLock(dir)).rejects.toThrow(`pid ${process.ppid}`);
  });

  it('takes over a lock whose holder is gone', async () => {
    const dir = tempDir();
    writeLock(dir, deadPid());
    expect(readLock(dir)?.alive).toBe(false);
    const lock = await acquireLock(dir);
    expect(readLock(dir)).toMatchObject({ pid: process.pid, alive: true });
    lock.release();
  });

  it('takes over an unreadable lock file (a crash while writing it)', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, LOCK_FILE), '{"pid": 12');
    // Older than the grace a starter has between creating the file and writing it.
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(dir, LOCK_FILE), past, past);
    const lock = await acquireLock(dir);
    expect(lock.tookOver?.reason).toMatch(/unreadable/);
    lock.release();
  });

  it('does not remove a lock that another process holds now', async () => {
    const dir = tempDir();
    const lock = await acquireLock(dir);
    writeLock(dir, process.ppid);
    lock.release();
    expect(readLock(dir)?.pid).toBe(process.ppid);
  });

  it('records the holder\'s command line and boot, and reads back as alive', async () => {
    const dir = tempDir();
    const lock = await acquireLock(dir);
    expect(lock.tookOver).toBeNull();
    const info = readLock(dir);
    expect(info?.alive).toBe(true);
    if (fs.existsSync('/proc/self/cmdline')) expect(info?.cmdline).toBe(processFacts(process.pid)?.cmdline);
    lock.release();
  });

  it.runIf(fs.existsSync('/proc/self/stat'))('takes over a lock naming a live process that is not Grid141 (a pid reused after a reboot)', async () => {
    const dir = tempDir();
    const pid = unrelatedProcess();
    // As issue 14 reproduced it: an older lock file naming this host and the other program's pid.
    writeLock(dir, pid);
    expect(readLock(dir)?.alive).toBe(false);
    const lock = await acquireLock(dir);
    expect(lock.tookOver?.holder.pid).toBe(pid);
    expect(readLock(dir)).toMatchObject({ pid: process.pid, alive: true });
    lock.release();
    // A lock naming it with its own command line, but taken before that process started: the pid was handed out again.
    const reused = holderLock(pid, { startedAt: new Date(Date.now() - 3_600_000).toISOString() });
    expect(staleReason(reused)).toMatch(/started after the lock was taken/);
    // The same lock taken after it started (it could be the holder) is respected.
    expect(staleReason(holderLock(pid))).toBeNull();
    // A legacy lock (no command line recorded) is respected only for a process that looks like Grid141.
    expect(staleReason({ ...holderLock(pid), cmdline: null })).toMatch(/another program/);
  });

  it.runIf(fs.existsSync('/proc/self/stat'))('takes over a lock whose holder is a zombie its parent has not reaped', async () => {
    // The shell starts a short child, then becomes `sleep`, which never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0.05 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(parent);
    const pid = Number(await new Promise<string>((resolve) => parent.stdout?.once('data', (d: Buffer) => resolve(d.toString()))));
    const deadline = Date.now() + 10_000;
    while (processFacts(pid)?.state !== 'Z' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(processFacts(pid)?.state).toBe('Z');
    expect(staleReason(holderLock(pid, { cmdline: '' }))).toMatch(/zombie/);
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify(holderLock(pid)));
    const lock = await acquireLock(dir);
    expect(lock.tookOver?.reason).toMatch(/zombie/);
    lock.release();
  });

  it('refuses a lock from another host, whatever its pid', async () => {
    const dir = tempDir();
    writeLock(dir, deadPid(), 'another-host.example');
    await expect(acquireLock(dir)).rejects.toThrow(/in use by another Grid141 server .* on another-host\.example/);
  });

  it('takes over a lock from before the machine restarted, even if its pid runs now', async () => {
    const dir = tempDir();
    const boot = currentBootId();
    if (boot === null) return;
    fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify(holderLock(process.ppid, { bootId: 'an-earlier-boot' })));
    const lock = await acquireLock(dir);
    expect(lock.tookOver?.reason).toMatch(/restarted/);
    lock.release();
  });

  /** A process of its own that takes the lock on `dir` and keeps it until killed. */
  async function holderProcess(dir: string): Promise<ChildProcess> {
    const script = `
      import { acquireLock } from ${JSON.stringify(new URL('./lock.ts', import.meta.url).pathname)};
      await acquireLock(${JSON.stringify(dir)});
      process.stdout.write('held');
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout?.once('data', () => resolve());
      child.once('exit', () => reject(new Error(`the holder exited: ${err}`)));
    });
    return child;
  }
  const rewriteLock = (dir: string, over: Partial<LockInfo>) => {
    const file = path.join(dir, LOCK_FILE);
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), ...over }));
  };
  const sockets = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.sock'));
  const killed = (child: ChildProcess) => new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

  // docker rm -f then docker run, or a unit that makes a new container at each start: the next
  // server has another host name (the container's id) on the same machine and volume.
  it.runIf(currentBootId() !== null)('a lock from another container on this machine: refused while its holder runs, taken over once it is killed', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const holder = await holderProcess(dir);
    rewriteLock(dir, { host: '3f2a9c1d7e55' });
    await expect(acquireLock(dir)).rejects.toThrow(/in use by another Grid141 server \(pid \d+ on 3f2a9c1d7e55.*remove .*grid141\.lock/);
    // The refused start leaves no socket of its own behind.
    expect(sockets(dir)).toHaveLength(1);
    await killed(holder);
    const lock = await acquireLock(dir);
    expect(lock.tookOver?.reason).toMatch(/host name 3f2a9c1d7e55 \(another container\) and is gone/);
    // The dead holder's socket file is gone; only ours is there until release.
    expect(sockets(dir)).toEqual([lock.info.socket]);
    lock.release();
    expect(sockets(dir)).toEqual([]);
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  it.runIf(currentBootId() !== null)('a holder whose socket answers is refused even when its pid looks gone from here (another pid namespace)', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    await holderProcess(dir);
    // A container with a fixed host name: the holder's pid means nothing in this pid namespace.
    rewriteLock(dir, { pid: deadPid() });
    await expect(acquireLock(dir)).rejects.toThrow(DataDirLockedError);
  });

  it.runIf(currentBootId() !== null)('a lock from another host stays refused though its socket refuses here (a network share)', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    await killed(await holderProcess(dir));
    rewriteLock(dir, { host: 'another-host.example', bootId: 'another-machine-boot' });
    await expect(acquireLock(dir)).rejects.toThrow(/on another-host\.example/);
  });

  // A free DATA_DIR taken by two servers at once is tests/integration/config.test.ts; here the harder case.
  it('of four processes taking over one stale lock at the same moment, exactly one wins', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    writeLock(dir, deadPid());
    const at = Date.now() + 3_000;
    const script = `
      import { acquireLock } from ${JSON.stringify(new URL('./lock.ts', import.meta.url).pathname)};
      while (Date.now() < ${at}) {}
      let won = false;
      try { await acquireLock(${JSON.stringify(dir)}); won = true; } catch (e) { if (e.name !== 'DataDirLockedError') throw e; }
      process.stdout.write(won ? 'won' : 'refused');
      // The winner keeps the lock while the others look.
      setTimeout(() => process.exit(0), won ? 2500 : 0);`;
    const runs = await Promise.all(Array.from({ length: 4 }, () => new Promise<string>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('exit', () => resolve(out || err));
    })));
    expect(runs.filter((r) => r === 'won'), runs.join('\n')).toHaveLength(1);
    expect(runs.filter((r) => r === 'refused')).toHaveLength(3);
  });
});
