/**
 * Tiny training runs for the trainer's run-directory tests (not exported): a config that
 * trains in a fraction of a second on the cpu backend, and what two runs must share to count
 * as the same result.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PPOConfig } from './config';
import { RUN_LAYOUT } from './run-files';
import type { RunTrainingOptions } from './runner';

/** CartPole, 2 envs x 8 steps, 3 updates, a checkpoint every update, an 8-unit network, cpu. */
export const TINY_RUN: Partial<PPOConfig> = Object.freeze({
  env: 'CartPole-v1',
  seed: 7,
  numEnvs: 2,
  numSteps: 8,
  totalSteps: 48,
  numMinibatches: 1,
  updateEpochs: 1,
  hiddenSizes: [8],
  checkpointEvery: 1,
  backend: 'cpu',
});

/** runTraining options that print nothing and leave the process's signal handlers alone. */
export const QUIET: Pick<RunTrainingOptions, 'console' | 'handleSignals' | 'onNotice'> = Object.freeze({
  console: false,
  handleSignals: false,
  onNotice: () => undefined,
});

/** The one time-dependent metric (wall-clock speed); everything else must match exactly. */
const TIME_METRIC = 'charts/SPS';

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** A checkpoint's JSON without what legitimately differs between processes. */
function comparableMeta(path: string): string {
  const meta = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  // The variables' names carry the process's layer counters; the log sizes count the digits of
  // the wall-clock speed.
  const unnamed = (entries: unknown) => (entries as { name: string }[]).map(({ name: _name, ...rest }) => rest);
  return JSON.stringify({ ...meta, weights: unnamed(meta.weights), adamM: unnamed(meta.adamM), adamV: unnamed(meta.adamV), logSizes: null });
}

/**
 * What an uninterrupted run and a killed-and-resumed one must share: final/'s weights and
 * optimizer state byte for byte (as SHA-256) and the rest of its checkpoint, metrics.jsonl and
 * progress.csv without the wall-clock speed, and the export if any (byte for byte).
 */
export function runResult(runDir: string): Record<string, string> {
  const final = join(runDir, RUN_LAYOUT.final);
  const manifest = JSON.parse(readFileSync(join(final, 'manifest.json'), 'utf8')) as { files: Record<string, unknown>; actionLog: unknown };
  const result: Record<string, string> = {
    'final/data.bin': sha256(join(final, 'data.bin')),
    'final/checkpoint.json': comparableMeta(join(final, 'checkpoint.json')),
    'final/manifest.json': JSON.stringify({ data: manifest.files['data.bin'], actionLog: manifest.actionLog }),
    'final/files': readdirSync(final).sort().join(),
  };
  result.metrics = readFileSync(join(runDir, RUN_LAYOUT.metrics), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const { [TIME_METRIC]: _time, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return JSON.stringify(rest);
    })
    .join('\n');
  const rows = readFileSync(join(runDir, RUN_LAYOUT.progress), 'utf8').split('\n');
  const timeColumn = rows[0].split(',').indexOf(TIME_METRIC);
  result.progress = rows.map((row) => row.split(',').filter((_, k) => k !== timeColumn).join(',')).join('\n');
  const exported = join(runDir, 'export');
  if (existsSync(exported)) for (const file of readdirSync(exported).sort()) result[`export/${file}`] = sha256(join(exported, file));
  return result;
}
