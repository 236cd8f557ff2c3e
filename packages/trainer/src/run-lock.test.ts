import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RUN_LAYOUT } from './run-files';
import { lockRunDirectory, RunLockedError, type LockHolder } from './run-lock';

const root = mkdtempSync(join(tmpdir(), 'ppo-run-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let count = 0;
function runDir(): string {
  const dir = join(root, `run-${count++}`);
  mkdirSync(dir);
  return dir;
}

function holderIn(dir: string): LockHolder {
  return JSON.parse(readFileSync(join(dir, RUN_LAYOUT.lock), 'utf8')) as LockHolder;
}

function plantLock(dir: string, holder: Partial<LockHolder>): void {
  const full: LockHolder = { pid: 1, hostname: hostname(), started: '2026-01-01T00:00:00.000Z', command: 'train', token: 'planted', ...holder };
  writeFileSync(join(dir, RUN_LAYOUT.lock), JSON.stringify(full));
}

// A pid that is surely not running: a child that has exited.
const deadPid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;

describe('lockRunDirectory', () => {
  it('records pid, host, start and command; a second lock is refused naming the holder until the first is released', () => {
    const dir = runDir();
    const lock = lockRunDirectory(dir, 'train');
    expect(holderIn(dir)).toMatchObject({ pid: process.pid, hostname: hostname(), command: 'train' });
    let error: unknown = null;
    try {
      lockRunDirectory(dir, 'train --resume');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RunLockedError);
    expect((error as Error).message).toMatch(new RegExp(`is in use by another process: pid ${process.pid} on ${hostname()} \\(ppo train, since \\d{4}-`));
    expect((error as RunLockedError).holder?.pid).toBe(process.pid);
    lock.release();
    expect(existsSync(join(dir, RUN_LAYOUT.lock))).toBe(false);
    lockRunDirectory(dir, 'export').release();
    // Only the lock file is left behind by none of this.
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes over a stale lock: a process on this host that is gone, or a dead run of this process', () => {
    expect(Number(deadPid)).toBeGreaterThan(0);
    for (const planted of [{ pid: Number(deadPid) }, { pid: process.pid, token: 'not-held' }]) {
      const dir = runDir();
      plantLock(dir, planted);
      const lock = lockRunDirectory(dir, 'train --resume');
      expect(holderIn(dir)).toMatchObject({ pid: process.pid, command: 'train --resume' });
      lock.release();
    }
  });

  it('does not take over a lock of a live process, or of another host (whose pids it cannot check)', () => {
    for (const [planted, message] of [
      [{ pid: process.ppid }, new RegExp(`pid ${process.ppid} on ${hostname()}`)],
      [{ pid: Number(deadPid), hostname: 'elsewhere.example' }, /pid \d+ on elsewhere\.example \(ppo train, since 2026-01-01T00:00:00\.000Z\); if that process is gone, delete .*ppo\.lock/],
    ] as const) {
      const dir = runDir();
      plantLock(dir, planted);
      expect(() => lockRunDirectory(dir, 'train')).toThrow(message);
      expect(holderIn(dir).token).toBe('planted');
    }
  });

  it('release leaves a lock that is no longer its own', () => {
    const dir = runDir();
    const lock = lockRunDirectory(dir, 'train');
    plantLock(dir, { pid: process.ppid });
    lock.release();
    expect(holderIn(dir).token).toBe('planted');
  });
});
