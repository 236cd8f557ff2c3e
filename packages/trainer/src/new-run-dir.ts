/**
 * Node-only: the checks a new run's directory (`runTraining`'s `out`, `ppo train --out DIR`) passes before anything is written, so that a run
 * never mixes its files with someone else's and a disk that cannot take it is named as such.
 */
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PpoError } from '@ppo/utils';

/** Why a path cannot be written, from a file-system error code. */
function describeCode(code: string | undefined): string {
  if (code === 'EROFS') return 'is on a read-only file system (EROFS)';
  if (code === 'EACCES' || code === 'EPERM') return `is not writable (${code})`;
  return `cannot be written (${code ?? 'unknown error'})`;
}

/**
 * Throws unless `out` can become a new run directory: it must not exist, or be a directory
 * holding nothing but `leftovers` (names, or name prefixes ending in `-`, of what a run's start
 * cut short by a kill leaves behind, such as its lock); and the directory it is (or its nearest
 * existing ancestor, in which it will be created) must be writable. `configFile` is the name of
 * a run's config file, to tell a run apart from other content in the message.
 */
export function checkNewRunDir(out: string, configFile: string, leftovers: readonly string[]): void {
  let stats;
  try {
    stats = statSync(out);
  } catch {
    stats = undefined;
  }
  let writableAt = out;
  if (stats !== undefined) {
    if (!stats.isDirectory()) throw new PpoError('BAD_OUTPUT', `\`out\` '${out}' exists and is not a directory`);
    const isLeftover = (name: string) => leftovers.some((l) => (l.endsWith('-') ? name.startsWith(l) : name === l));
    const entries = readdirSync(out).filter((name) => !isLeftover(name));
    if (entries.includes(configFile)) {
      throw new PpoError('RUN_EXISTS', `\`out\` '${out}' already holds a run (${configFile} exists); continue it with \`resume: true\` or choose another \`out\``);
    }
    if (entries.length > 0) {
      const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? ', ...' : '');
      throw new PpoError('BAD_OUTPUT', `\`out\` '${out}' is a directory that is not empty (${shown}); a run starts in a new or empty directory`);
    }
  } else {
    // The nearest ancestor that exists is where the directory will be created.
    let parent = dirname(resolve(out));
    for (;;) {
      let parentStats;
      try {
        parentStats = statSync(parent);
      } catch {
        parentStats = undefined;
      }
      if (parentStats !== undefined) {
        if (!parentStats.isDirectory()) throw new PpoError('BAD_OUTPUT', `\`out\` '${out}' cannot be created: '${parent}' is not a directory`);
        break;
      }
      const up = dirname(parent);
      if (up === parent) break;
      parent = up;
    }
    writableAt = parent;
  }
  try {
    accessSync(writableAt, constants.W_OK);
  } catch (error) {
    throw new PpoError('BAD_OUTPUT', `\`out\` '${out}' cannot be written: '${writableAt}' ${describeCode((error as NodeJS.ErrnoException).code)}`, { cause: error });
  }
}
