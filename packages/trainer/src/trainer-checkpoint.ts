/**
 * A trainer's state in and out of the checkpoint format: weights and Adam's moments in the
 * float32 blob, everything else in the JSON half, and the state of any custom component with a
 * `getState`/`setState` pair under `components`, by role.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ppo/utils';
import { PpoRangeError } from '@ppo/utils';
import { Adam, KlPenaltyPpoObjective, type StateValue } from '@ppo/core';
import { CHECKPOINT_VERSION, packArrays, unpackArrays, type Checkpoint } from './checkpoint';
import { decodeState, encodeState } from './component-state';
import type { TrainerComponents } from './components';
import type { PPOConfig } from './config';
import type { WrappedVectorEnv } from './environment';
import type { RecurrentMemory } from './recurrent-memory';

/** What a checkpoint is taken from and restored into. */
export interface TrainerParts {
  readonly config: PPOConfig;
  readonly components: Omit<TrainerComponents, 'torsoOptions'>;
  readonly rngs: { readonly action: Rng; readonly minibatch: Rng; readonly evaluation: Rng };
  readonly wrapped: WrappedVectorEnv;
  /** A recurrent policy's per-env state, saved under `components.recurrentMemory` (null: none). */
  readonly memory?: RecurrentMemory | null;
}

/** The counters and recent returns a checkpoint carries. */
export interface TrainerProgress {
  readonly globalStep: number;
  readonly update: number;
  readonly episodes: number;
  readonly recentReturns: readonly number[];
}

type StatefulComponent = { getState?(): StateValue; setState?(state: StateValue): void };

/**
 * Custom components with state, by role; Adam's moments and PPO-KL's beta have fields of their
 * own. A recurrent policy's memory rides along under the role `recurrentMemory`.
 */
function statefulComponents({ optimizer, objective, advantageEstimator }: TrainerParts['components'], memory: RecurrentMemory | null = null): [string, StatefulComponent][] {
  const custom: [string, StatefulComponent][] = [];
  if (memory !== null) custom.push(['recurrentMemory', memory]);
  if (!(optimizer instanceof Adam)) custom.push(['optimizer', optimizer]);
  if (!(objective instanceof KlPenaltyPpoObjective)) custom.push(['objective', objective]);
  custom.push(['advantageEstimator', advantageEstimator as StatefulComponent]);
  return custom.filter(([, component]) => typeof component.getState === 'function');
}

/** A checkpoint of `parts` at `progress` (call between updates). */
export function captureCheckpoint(parts: TrainerParts, progress: TrainerProgress, logSizes: Readonly<Record<string, number>>): Checkpoint {
  const { config, components, rngs, wrapped } = parts;
  const { policy, optimizer, objective } = components;
  const variables = policy.trainableVariables;
  const adam = optimizer instanceof Adam ? optimizer.getState() : { step: optimizer.step, m: [], v: [] };
  const group = (prefix: string, arrays: Float32Array[]) =>
    arrays.map((data, k) => ({ name: `${prefix}${variables[k].name}`, shape: [...variables[k].shape], data }));
  const { entries, data } = packArrays([
    group('', variables.map((x) => Float32Array.from(x.dataSync() as Float32Array))),
    group('m/', adam.m),
    group('v/', adam.v),
  ]);
  const { observationNormalizer, rewardNormalizer } = wrapped;
  const custom = statefulComponents(components, parts.memory);
  return {
    meta: {
      format: 'ppo-checkpoint',
      version: CHECKPOINT_VERSION,
      config: structuredClone(config),
      counters: { globalStep: progress.globalStep, update: progress.update, episodes: progress.episodes },
      rngs: { action: rngs.action.getState(), minibatch: rngs.minibatch.getState(), evaluation: rngs.evaluation.getState() },
      normalization: {
        observation: observationNormalizer === null ? null : observationNormalizer.getState(),
        reward: rewardNormalizer === null ? null : rewardNormalizer.getState(),
      },
      klBeta: objective instanceof KlPenaltyPpoObjective ? objective.beta : null,
      recentReturns: [...progress.recentReturns],
      optimizer: { step: adam.step },
      actionRows: progress.globalStep / config.numEnvs,
      actionLogBytes: progress.globalStep * wrapped.env.actionSize * 4,
      weights: entries[0],
      adamM: entries[1],
      adamV: entries[2],
      logSizes: { ...logSizes },
      ...(custom.length === 0
        ? {}
        : { components: Object.fromEntries(custom.map(([role, c]) => [role, encodeState((c.getState as () => StateValue)(), `${role} state`)])) }),
    },
    data,
  };
}

/** Component roles whose state only training reads; a policy-only restore skips them. */
const TRAINING_ONLY_ROLES: ReadonlySet<string> = new Set(['optimizer', 'objective', 'advantageEstimator']);

/**
 * Restores every part from `checkpoint` and returns its progress. Component states are checked
 * first: a checkpoint of a run with other custom components is refused, naming the role.
 * `policyOnly` restores what acting needs and skips the optimizer's, objective's and advantage
 * estimator's state, built-in or custom.
 */
export function restoreCheckpoint(parts: TrainerParts, checkpoint: Checkpoint, { policyOnly = false } = {}): TrainerProgress {
  const { meta, data } = checkpoint;
  const { components, rngs, wrapped } = parts;
  const { policy, optimizer, objective } = components;
  const restored = ([role]: readonly [string, unknown]) => !(policyOnly && TRAINING_ONLY_ROLES.has(role));
  const saved = Object.fromEntries(Object.entries(meta.components ?? {}).filter(restored));
  const custom = statefulComponents(components, parts.memory).filter(restored);
  for (const role of Object.keys(saved)) {
    if (!custom.some(([r]) => r === role)) {
      throw new PpoRangeError('BAD_CHECKPOINT', `checkpoint holds the state of a custom ${role} component: pass the components the run was created with to PPO.restore`);
    }
  }
  for (const [role, component] of custom) {
    if (!Object.hasOwn(saved, role)) throw new PpoRangeError('BAD_CHECKPOINT', `checkpoint holds no state for the custom ${role} component: it was written by a run with another ${role}`);
    component.setState?.(decodeState(saved[role], `checkpoint components.${role}`));
  }
  const variables = policy.trainableVariables;
  const weights = unpackArrays(meta.weights, data, 'weight');
  if (weights.length !== variables.length) {
    throw new PpoRangeError('BAD_CHECKPOINT', `checkpoint holds ${weights.length} weight arrays, the network has ${variables.length}`);
  }
  tf.tidy(() => {
    weights.forEach((w, k) => {
      if (w.length !== variables[k].size) {
        throw new PpoRangeError('BAD_CHECKPOINT', `checkpoint weight '${meta.weights[k].name}' has ${w.length} values, variable '${variables[k].name}' needs ${variables[k].size}`);
      }
      variables[k].assign(tf.tensor(w, variables[k].shape, 'float32'));
    });
  });
  if (!policyOnly && optimizer instanceof Adam) {
    optimizer.setState({ step: meta.optimizer.step, m: unpackArrays(meta.adamM, data, 'adam m'), v: unpackArrays(meta.adamV, data, 'adam v') });
  }
  if (!policyOnly && objective instanceof KlPenaltyPpoObjective && meta.klBeta !== null) objective.setState({ beta: meta.klBeta });
  rngs.action.setState(meta.rngs.action);
  rngs.minibatch.setState(meta.rngs.minibatch);
  rngs.evaluation.setState(meta.rngs.evaluation);
  const { observationNormalizer, rewardNormalizer } = wrapped;
  if (observationNormalizer !== null && meta.normalization.observation !== null) {
    observationNormalizer.setState(meta.normalization.observation as never);
  }
  if (rewardNormalizer !== null && meta.normalization.reward !== null) rewardNormalizer.setState(meta.normalization.reward as never);
  return { ...meta.counters, recentReturns: meta.recentReturns };
}
