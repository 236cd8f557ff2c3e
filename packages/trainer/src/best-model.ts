/**
 * Node-only: the best model of a run's evaluations, as a checkpoint folder inside the run
 * directory (Stable-Baselines3's `best_model_save_path`, confined to the run).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { describeValue, PpoError, PpoTypeError } from '@ppo/utils';
import type { Checkpoint } from './checkpoint';
import { digest, writeCheckpoint, type Digest } from './checkpoint-files';
import { assertInside, UnsafePathError } from './confined-path';
import { readRegularFile } from './file-ops';
import type { BestModelSink } from './evaluation';
import { RUN_LAYOUT } from './run-files';

/** The folder of the best model when no other is named. */
export const DEFAULT_BEST_MODEL_PATH = 'best_model';

/** The names a run writes itself, which a best model must not take over. */
const RESERVED = new Set(Object.values(RUN_LAYOUT).map((name) => name.split('/')[0]));

/**
 * Checks a best-model path: relative, inside the run directory (no `..`), and not one of the
 * names the run itself writes. Returns it normalized.
 */
export function checkBestModelPath(bestModelPath: unknown): string {
  if (typeof bestModelPath !== 'string' || bestModelPath.trim() === '') {
    throw new PpoTypeError('INVALID_ARGUMENT', `bestModelPath must be a non-empty path inside the run directory, got ${describeValue(bestModelPath)}`);
  }
  const path = normalize(bestModelPath).replace(/[\\/]+$/, '');
  if (isAbsolute(bestModelPath) || path === '.' || path === '..' || path.startsWith(`..${sep}`) || path.split(/[\\/]/).includes('..')) {
    throw new UnsafePathError(bestModelPath, 'is not inside the run directory: bestModelPath must be a relative path without ..');
  }
  if (RESERVED.has(path.split(/[\\/]/)[0])) {
    throw new PpoTypeError('INVALID_ARGUMENT', `bestModelPath '${bestModelPath}' would take over a name the run writes itself (${[...RESERVED].join(', ')})`);
  }
  return path;
}

/**
 * The digest of the run's action log up to where the checkpoint counts it, so the best model's
 * manifest checks out as the run's own checkpoints do (empty when the trainer keeps no log).
 */
function actionLogDigest(runDir: string, checkpoint: Checkpoint): Digest {
  const bytes = checkpoint.meta.actionLogBytes;
  if (bytes === 0) return digest(new Uint8Array(0));
  const path = join(runDir, RUN_LAYOUT.actions);
  const log = existsSync(path) ? readRegularFile(path) : Buffer.alloc(0);
  if (log.byteLength < bytes) {
    throw new PpoError('INVALID_STATE', `bestModelSink: the checkpoint counts ${bytes} bytes of action log, ${path} holds ${log.byteLength}`);
  }
  return digest(log.subarray(0, bytes));
}

/**
 * A {@link BestModelSink} writing the best model to `runDir/bestModelPath` as a checksummed
 * checkpoint folder (read it with `readCheckpoint`, rebuild with `PPO.restore(checkpoint, null)`),
 * replacing the previous best atomically. The path must stay inside the run directory, also
 * through symbolic links.
 *
 * @example
 * ```ts
 * new EvaluationCallback(ppo, { every: 10, bestModel: bestModelSink('runs/cartpole') }); // runs/cartpole/best_model/
 * ```
 */
export function bestModelSink(runDir: string, bestModelPath: string = DEFAULT_BEST_MODEL_PATH): BestModelSink {
  const path = checkBestModelPath(bestModelPath);
  return {
    save(checkpoint: Checkpoint): string {
      if (!existsSync(runDir)) throw new PpoTypeError('INVALID_ARGUMENT', `bestModelSink: the run directory ${runDir} does not exist`);
      const target = assertInside(runDir, path);
      const parent = join(target, '..');
      if (!existsSync(parent)) mkdirSync(parent, { recursive: true });
      // The folders made on the way may not have been links, but check the whole path again.
      assertInside(runDir, path);
      writeCheckpoint(target, checkpoint, actionLogDigest(runDir, checkpoint));
      return target;
    },
  };
}
