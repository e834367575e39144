import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, LOCK_FILE, acquireLock, readLock } from './lock.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grid141-lock-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

function writeLock(dir: string, pid: number, host = os.hostname()): void {
  fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid, host, startedAt: '2026-01-01T00:00:00.000Z', url: 'http://127.0.0.1:1' }));
}

describe('DATA_DIR lock', () => {
  it('is taken, names its holder and URL, and is released', () => {
    const dir = tempDir();
    const lock = acquireLock(dir);
    lock.setUrl('http://127.0.0.1:8080');
    expect(readLock(dir)).toMatchObject({ pid: process.pid, url: 'http://127.0.0.1:8080', alive: true });
    lock.release();
    expect(readLock(dir)).toBeNull();
  });

  it('creates a DATA_DIR that does not exist yet', () => {
    const dir = path.join(tempDir(), 'a', 'b');
    acquireLock(dir).release();
    expect(fs.existsSync(dir)).toBe(true);
  });

  it('refuses a live holder, naming its pid', () => {
    const dir = tempDir();
    writeLock(dir, process.ppid);
    expect(() => acquireLock(dir)).toThrow(DataDirLockedError);
    expect(() => acquireLock(dir)).toThrow(`pid ${process.ppid}`);
  });

  it('takes over a lock whose holder is gone', () => {
    const dir = tempDir();
    writeLock(dir, deadPid());
    expect(readLock(dir)?.alive).toBe(false);
    const lock = acquireLock(dir);
    expect(readLock(dir)).toMatchObject({ pid: process.pid, alive: true });
    lock.release();
  });

  it('takes over an unreadable lock file (a crash while writing it)', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, LOCK_FILE), '{"pid": 12');
    acquireLock(dir).release();
  });

  it('does not remove a lock that another process holds now', () => {
    const dir = tempDir();
    const lock = acquireLock(dir);
    writeLock(dir, process.ppid);
    lock.release();
    expect(readLock(dir)?.pid).toBe(process.ppid);
  });
});
