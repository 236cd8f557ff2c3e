/**
 * Node-only: every operation of the run-directory layer that changes a file or a folder goes
 * through here, so that each one can be counted.
 *
 * Test-only: with the environment variable `PPO_TEST_CRASH_AT=k` (a positive integer) the
 * process kills itself with SIGKILL just before its k-th such operation. Crash-point tests use
 * it to check that a run killed at any point resumes to the same result. It is read once, here
 * and nowhere else; leave it unset in normal use.
 */
import { closeSync, constants, fstatSync, fsyncSync, ftruncateSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { UnsafePathError } from './confined-path';
import { PpoError } from '@ppo/utils';

/** Name of the test-only environment variable (see the file's description). */
export const CRASH_AT_VARIABLE = 'PPO_TEST_CRASH_AT';

function parseCrashAt(text: string | undefined): number {
  if (text === undefined || text === '') return 0;
  if (!/^[1-9]\d*$/.test(text)) throw new PpoError('INVALID_ARGUMENT', `${CRASH_AT_VARIABLE} expects a positive integer (test-only), got '${text}'`);
  return Number(text);
}

const crashAt = parseCrashAt(process.env[CRASH_AT_VARIABLE]);
let performed = 0;
let observer: ((index: number, operation: string, path: string) => void) | null = null;

/**
 * Test-only: calls `watch` just before each counted operation (its 1-based index in this
 * process, its kind and path), or stops calling when given null. Crash-point tests snapshot the
 * disk there; not exported from the package.
 */
export function watchFileOperations(watch: ((index: number, operation: string, path: string) => void) | null): void {
  observer = watch;
}

function before(operation: string, path: string): void {
  performed += 1;
  observer?.(performed, operation, path);
  if (performed === crashAt) process.kill(process.pid, 'SIGKILL');
}

// O_NOFOLLOW where the platform has it: a file a run writes to is never a link to elsewhere.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** `openSync` that names a link it refused (O_NOFOLLOW fails with ELOOP). */
function open(path: string, flags: number): number {
  try {
    return openSync(path, flags, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new UnsafePathError(path, 'is a symbolic link, and files of a run directory are never followed out of it');
    throw error;
  }
}

/** Creates a folder and its missing parents. */
export function makeFolder(path: string): void {
  before('mkdir', path);
  mkdirSync(path, { recursive: true });
}

/** Removes a file or a folder tree if present (a symbolic link itself, never its target). */
export function remove(path: string): void {
  before('remove', path);
  rmSync(path, { recursive: true, force: true });
}

/** Renames `from` to `to` (replacing a file `to`). */
export function rename(from: string, to: string): void {
  before('rename', to);
  renameSync(from, to);
}

/** Creates a hard link `to` of `from`; fails if `to` exists. */
export function link(from: string, to: string): void {
  before('link', to);
  linkSync(from, to);
}

/**
 * Writes a new file and flushes it to disk. With `exclusive` it must not exist yet (not even as
 * a link); otherwise an existing file is replaced, but never followed if it is a link.
 */
export function createFile(path: string, contents: string | Uint8Array, options: { exclusive?: boolean } = {}): void {
  before('create', path);
  const flags = constants.O_WRONLY | constants.O_CREAT | NOFOLLOW | (options.exclusive === true ? constants.O_EXCL : constants.O_TRUNC);
  const fd = open(path, flags);
  try {
    before('write', path);
    const bytes = typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents;
    for (let written = 0; written < bytes.byteLength; ) written += writeSync(fd, bytes, written, bytes.byteLength - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Appends to a file (created if missing; never followed if it is a link). */
export function append(path: string, contents: string | Uint8Array): void {
  before('append', path);
  const fd = open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | NOFOLLOW);
  try {
    const bytes = typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents;
    for (let written = 0; written < bytes.byteLength; ) written += writeSync(fd, bytes, written, bytes.byteLength - written);
  } finally {
    closeSync(fd);
  }
}

/** Cuts an existing file (never followed if it is a link) to `size` bytes and flushes it. */
export function truncate(path: string, size: number): void {
  before('truncate', path);
  const fd = open(path, constants.O_WRONLY | NOFOLLOW);
  try {
    ftruncateSync(fd, size);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Flushes a file's contents to disk (not counted: it changes nothing another process sees). */
export function flush(path: string): void {
  // Opened for writing: some platforms refuse to flush a read-only handle.
  const fd = open(path, constants.O_WRONLY | NOFOLLOW);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Reads a whole file, refusing a link; `limit` bounds the size read. */
export function readRegularFile(path: string, limit = Number.MAX_SAFE_INTEGER): Buffer {
  const fd = open(path, constants.O_RDONLY | NOFOLLOW);
  try {
    const size = fstatSync(fd).size;
    if (size > limit) throw new PpoError('BAD_FILE', `${path} has ${size} bytes, more than the ${limit} expected`);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}
