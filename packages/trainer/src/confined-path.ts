/**
 * Node-only: paths inside a folder that is untrusted input (a run directory): no symbolic link
 * in it leads out of it. (Names read from its files are checked against the names the run
 * writes, where they are read.)
 */
import { lstatSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { PpoError } from '@ppo/utils';

/** A path that would leave the folder it must stay in; names the path and the reason. */
export class UnsafePathError extends PpoError {
  override readonly name = 'UnsafePathError';
  /** The offending path or name. */
  readonly path: string;
  constructor(path: string, problem: string) {
    super('UNSAFE_PATH', `${path} ${problem}`);
    this.name = 'UnsafePathError';
    this.path = path;
  }
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
