/**
 * Node-only: paths inside a folder that is untrusted input (a run directory, a checkpoint, an
 * export). Names read from its files never leave it, and neither do symbolic links in it.
 */
import { lstatSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, sep, win32 } from 'node:path';

/** A path that would leave the folder it must stay in; names the path and the reason. */
export class UnsafePathError extends Error {
  override readonly name = 'UnsafePathError';
  /** The offending path or name. */
  readonly path: string;
  constructor(path: string, problem: string) {
    super(`${path} ${problem}`);
    this.path = path;
  }
}

/**
 * Checks a name read from a file (`what` says where, for the error): a non-empty relative path
 * of plain segments, none of them `.`, `..` or empty, no drive, no NUL.
 */
export function checkPlainName(name: unknown, what: string): string {
  const plain =
    typeof name === 'string' &&
    name !== '' &&
    !name.includes('\0') &&
    !win32.isAbsolute(name) &&
    !name.startsWith('/') &&
    !/^[A-Za-z]:/.test(name) &&
    name.split(/[\\/]/).every((segment) => segment !== '' && segment !== '.' && segment !== '..');
  if (!plain) throw new UnsafePathError(`${what} ${JSON.stringify(name) ?? String(name)}`, 'is not a plain relative path (no absolute path, no empty, . or .. segment)');
  return name;
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * Checks that every existing step from `root` down to `root/name` stays inside `root`: a
 * symbolic link on the way must resolve inside `root` (a link that leaves it is refused). The
 * parts of the path that do not exist yet are not checked.
 */
export function assertInside(root: string, name: string): string {
  const path = join(root, name);
  const realRoot = realpathSync(root);
  let current = root;
  for (const segment of name.split(/[\\/]/)) {
    current = join(current, segment);
    let isLink: boolean;
    try {
      isLink = lstatSync(current).isSymbolicLink();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return path;
      throw error;
    }
    if (isLink) {
      let target: string;
      try {
        target = realpathSync(current);
      } catch {
        throw new UnsafePathError(current, 'is a symbolic link that points nowhere');
      }
      if (!inside(realRoot, target)) throw new UnsafePathError(current, `is a symbolic link to ${target}, outside ${root}`);
    }
  }
  return path;
}

/**
 * `root/name` for a name read from a file: {@link checkPlainName}, then {@link assertInside}.
 * A missing `root` is fine (nothing to follow yet).
 */
export function confinedPath(root: string, name: unknown, what: string): string {
  const plain = checkPlainName(name, what);
  try {
    lstatSync(root);
  } catch {
    return join(root, plain);
  }
  return assertInside(root, plain);
}
