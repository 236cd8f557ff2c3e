/**
 * Node-only: `ppo export`, a run's policy as @ppo/nets weights plus the description a page
 * needs to rebuild it.
 */
import { join, relative } from 'node:path';
import { saveWeights, selectBackend } from '@ppo/nets/node';
import type { RunningMeanStdState } from '@ppo/gae';
import { withLaterConfigFields } from './checkpoint';
import { importEnvModules } from './env-modules';
import { POLICY_FILE, type ExportedPolicy } from './policy-export';
import { PPO } from './ppo';
import { bestAvailableCheckpointDir, readCheckpoint, writeFileAtomic } from './run-files';

/** What {@link exportRun} wrote. */
export interface ExportResult {
  /** The export folder. */
  readonly out: string;
  /** The checkpoint folder exported. */
  readonly checkpoint: string;
  /** The policy description written to `policy.json`. */
  readonly policy: ExportedPolicy;
}

/**
 * Exports a run's policy (final/, or the latest checkpoint of a run stopped early) to `out`
 * (default `<runDir>/export`, created; an earlier export there is replaced): the network's
 * weights in @ppo/nets' format (`weights.json` and its binary file, as `saveWeights` writes
 * them, under `ActorCritic`'s variable names) and `policy.json` ({@link ExportedPolicy}: the
 * network options, the action space, the observation normalization statistics and clipping).
 * A page loads it with `applyWeights` from `@ppo/nets`, without the trainer's checkpoint
 * format. The run's `envModules` are imported first, as the env fixes the network's spaces.
 *
 * @example
 * ```ts
 * await exportRun('runs/cartpole'); // runs/cartpole/export/{policy.json, weights.json, weights-*.bin}
 * ```
 */
export async function exportRun(runDir: string, options: { out?: string } = {}): Promise<ExportResult> {
  const out = options.out ?? join(runDir, 'export');
  const checkpointDir = bestAvailableCheckpointDir(runDir);
  const checkpoint = withLaterConfigFields(readCheckpoint(checkpointDir));
  const { config, counters, normalization } = checkpoint.meta;
  await importEnvModules(config.envModules);
  await selectBackend(config.backend);
  const ppo = await PPO.restore(checkpoint, null);
  try {
    const network = ppo.actorCritic;
    const torso = ppo.torsoOptions as NonNullable<typeof ppo.torsoOptions>;
    const policy: ExportedPolicy = {
      format: 'ppo-policy',
      version: 1,
      env: config.env,
      envOptions: config.envOptions,
      actorCritic: {
        observationSize: network.observationSize,
        actionSpace: network.actionSpace,
        ...torso,
        hiddenSizes: config.hiddenSizes,
        activation: config.activation,
        shared: network.shared,
      },
      observation: {
        normalization: normalization.observation as RunningMeanStdState | null,
        clip: config.clipObservation,
      },
      clipAction: config.clipAction,
      source: { checkpoint: relative(runDir, checkpointDir), globalStep: counters.globalStep, update: counters.update },
    };
    await saveWeights(out, network);
    writeFileAtomic(join(out, POLICY_FILE), `${JSON.stringify(policy, null, 2)}\n`);
    return { out, checkpoint: checkpointDir, policy };
  } finally {
    await ppo.close();
  }
}
