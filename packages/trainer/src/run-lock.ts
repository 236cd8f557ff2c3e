/**
 * Node-only: one process at a time owns a run directory. The lock is a file, `ppo.lock`, made
 * whole in one step (written under another name, then hard-linked into place) and holding the
 * owner's pid, host name, start time and command. A lock whose process is gone (same host, pid
 * not alive) is stale and taken over.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createFile, link, readRegularFile, remove, rename } from './file-ops';
import { RUN_LAYOUT, runPath } from './run-files';
import { PpoError } from '@ppo/utils';

/** What a lock file records about its owner. */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  /** When the lock was taken (ISO 8601). */
  readonly started: string;
  /** What the owner is doing, such as `train` or `export`. */
  readonly command: string;
  /** Tells two locks of one process apart. */
  readonly token: string;
}

/** The run directory is locked by another process (or another run of this one); names the holder. */
export class RunLockedError extends PpoError {
  override readonly name = 'RunLockedError';
  /** The lock's owner as its file records it, or null when the file is unreadable. */
  readonly holder: LockHolder | null;
  constructor(runDir: string, lockPath: string, holder: LockHolder | null) {
    super(
      'RUN_LOCKED',
      holder === null
        ? `${runDir} is locked by another process (${lockPath} exists but is unreadable; if no ppo process uses the run, delete it)`
        : `${runDir} is in use by another process: pid ${holder.pid} on ${holder.hostname} (ppo ${holder.command}, since ${holder.started}); ` +
            `if that process is gone, delete ${lockPath}`,
    );
    this.name = 'RunLockedError';
    this.holder = holder;
  }
}

/** A lock held by this process; release it when done. */
export interface RunLock {
  readonly path: string;
  /** Removes the lock file if it is still this lock's. */
  release(): void;
}

// Tokens of the locks this process holds: a lock file with this process's pid but a token not
// in here was left by a run of this process that died without releasing it.
const held = new Set<string>();

function readHolder(path: string): LockHolder | null {
  try {
    const value = JSON.parse(readRegularFile(path, 4096).toString('utf8')) as LockHolder;
    return Number.isInteger(value.pid) && typeof value.hostname === 'string' && typeof value.token === 'string' ? value : null;
  } catch {
    return null;
  }
}

/** Whether a process with this pid exists on this machine. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isStale(holder: LockHolder): boolean {
  if (holder.hostname !== hostname()) return false;
  if (holder.pid === process.pid) return !held.has(holder.token);
  return !processAlive(holder.pid);
}

const LOCK_TEMP = /^ppo\.lock\.(tmp|stale)-\d+$/;

/**
 * Takes the lock of `runDir` (which must exist) for `command`, taking over a stale one.
 *
 * @throws {@link RunLockedError} naming the holder when a live process holds it.
 */
export function lockRunDirectory(runDir: string, command: string): RunLock {
  const path = runPath(runDir, RUN_LAYOUT.lock);
  const holder: LockHolder = { pid: process.pid, hostname: hostname(), started: new Date().toISOString(), command, token: randomBytes(8).toString('hex') };
  const temp = `${path}.tmp-${process.pid}`;
  createFile(temp, `${JSON.stringify(holder)}\n`);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        link(temp, path);
        break;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // ENOENT: a process that took the lock meanwhile removed our half-made one as a leftover.
        if (code === 'ENOENT') throw new RunLockedError(runDir, path, readHolder(path));
        if (code !== 'EEXIST') throw error;
      }
      const current = readHolder(path);
      if (current === null || !isStale(current) || attempt > 0) throw new RunLockedError(runDir, path, current);
      // Move the stale lock aside and check that it is the one judged stale: another process
      // may have taken it over in between, and its fresh lock must stay.
      const aside = `${path}.stale-${process.pid}`;
      rename(path, aside);
      const moved = readHolder(aside);
      if (moved?.token !== current.token) {
        if (!existsSync(path)) link(aside, path);
        remove(aside);
        throw new RunLockedError(runDir, path, moved);
      }
      remove(aside);
    }
  } finally {
    remove(temp);
  }
  held.add(holder.token);
  // Leftovers of processes killed while taking a lock.
  for (const name of readdirSync(runDir)) if (LOCK_TEMP.test(name)) remove(join(runDir, name));
  return {
    path,
    release: () => {
      if (!held.delete(holder.token)) return;
      if (readHolder(path)?.token === holder.token) remove(path);
    },
  };
}
