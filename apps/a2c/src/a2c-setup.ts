/**
 * The one definition of A2C as components of the PPO trainer, shared by `trainA2C` (the app)
 * and the MinAtar benchmark harness (which resumes runs through `runTraining`): the config of
 * the rollout and update phases, the objective, RMSprop and n-step returns (GAE, lambda 1).
 */
import { RmsProp } from '@ppo/core';
import { gaeEstimator } from '@ppo/gae';
import type { PPOComponents, PPOConfig, PresetName } from '@ppo/trainer';
import { A2CObjective } from './a2c-objective';

/** A2C's hyperparameters. */
export interface A2CSettings {
  readonly numEnvs: number;
  /** Steps per env per rollout (n of the n-step returns). */
  readonly numSteps: number;
  /** RMSprop's learning rate, constant (not annealed). */
  readonly learningRate: number;
  readonly gamma: number;
  /** 1: n-step returns bootstrapped from the critic. */
  readonly gaeLambda: number;
  /** Weight of core's valueLoss (0.5 * MSE), so 1 equals Stable-Baselines3's vf_coef 0.5 on the plain MSE. */
  readonly vfCoef: number;
  readonly entCoef: number;
  /** Global gradient-norm clip. */
  readonly maxGradNorm: number;
  /** RMSprop smoothing constant and epsilon (PyTorch's form, `RmsProp` of @ppo/core). */
  readonly rmspropAlpha: number;
  readonly rmspropEps: number;
}

/**
 * Stable-Baselines3's A2C defaults (`stable_baselines3/a2c/a2c.py`: RMSprop lr 7e-4 constant,
 * alpha 0.99, eps 1e-5; 5 steps; lambda 1; vf_coef 0.5; max_grad_norm 0.5; no advantage
 * normalisation) with RL Zoo's CartPole-v1 entry (`hyperparams/a2c.yml`: 8 envs, ent_coef 0).
 */
export const CLASSIC_A2C: Readonly<A2CSettings> = Object.freeze({
  numEnvs: 8, numSteps: 5, learningRate: 7e-4, gamma: 0.99, gaeLambda: 1, vfCoef: 1, entCoef: 0, maxGradNorm: 0.5, rmspropAlpha: 0.99, rmspropEps: 1e-5,
});

/**
 * RL Zoo's Atari entry for A2C (`hyperparams/a2c.yml`, `atari`: 16 envs, ent_coef 0.01,
 * vf_coef 0.25 on the plain MSE, i.e. 0.5 on core's 0.5 * MSE; the rest as SB3's defaults:
 * 5 steps, RMSprop lr 7e-4 constant, alpha 0.99, eps 1e-5, gamma 0.99, grad norm 0.5).
 */
export const MINATAR_A2C: Readonly<A2CSettings> = Object.freeze({ ...CLASSIC_A2C, numEnvs: 16, vfCoef: 0.5, entCoef: 0.01 });

/** Whether `envId` names a MinAtar game (`MinAtar/<Game>-v0` or `-v1`). */
export const isMinAtar = (envId: string): boolean => envId.startsWith('MinAtar/');

/** The settings an env gets by default: {@link MINATAR_A2C} for the MinAtar games, else {@link CLASSIC_A2C}. */
export function defaultA2CSettings(envId: string): Readonly<A2CSettings> {
  return isMinAtar(envId) ? MINATAR_A2C : CLASSIC_A2C;
}

/** What {@link a2cSetup} builds a run from. */
export interface A2CRun {
  readonly envId: string;
  readonly seed: number;
  /** Env steps; raised to one rollout if smaller. */
  readonly totalSteps: number;
  /** Changes to the env's default settings ({@link defaultA2CSettings}). */
  readonly settings?: Partial<A2CSettings>;
}

/** The arguments of `PPO.create` or `runTraining` that make the trainer run A2C. */
export interface A2CSetup {
  /** `minatar` for the MinAtar games (its network: the MinAtar paper's conv net on a shared torso), else undefined (the env's default). */
  readonly preset: PresetName | undefined;
  readonly config: Partial<PPOConfig>;
  readonly components: PPOComponents;
  /** The settings in force. */
  readonly settings: Readonly<A2CSettings>;
}

/**
 * A2C on the trainer: one update of one epoch over one minibatch per rollout at a constant
 * learning rate, {@link A2CObjective}, `RmsProp`, GAE with `gaeLambda` (1: n-step returns).
 * The MinAtar games keep the `minatar` preset's network, so A2C and PPO differ only in the
 * algorithm; the preset's PPO fields (clip range, c1, c2) are replaced by the objective.
 */
export function a2cSetup(run: A2CRun): A2CSetup {
  const settings: Readonly<A2CSettings> = { ...defaultA2CSettings(run.envId), ...run.settings };
  const { numEnvs, numSteps, gamma, learningRate, maxGradNorm, vfCoef, entCoef, gaeLambda, rmspropAlpha, rmspropEps } = settings;
  return {
    preset: isMinAtar(run.envId) ? 'minatar' : undefined,
    config: {
      env: run.envId, seed: run.seed, numEnvs, numSteps, gamma, learningRate, maxGradNorm,
      totalSteps: Math.max(run.totalSteps, numEnvs * numSteps),
      annealLr: false, updateEpochs: 1, numMinibatches: 1,
    },
    components: {
      objective: new A2CObjective({ vfCoef, entCoef }),
      optimizer: (variables) => new RmsProp(variables, { alpha: rmspropAlpha, epsilon: rmspropEps }),
      advantageEstimator: gaeEstimator({ gamma, lambda: gaeLambda }),
    },
    settings,
  };
}
