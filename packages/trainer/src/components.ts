/**
 * What the trainer is assembled from: the components a user may pass (`PPOComponents`), the
 * defaults the config builds in their place, and the check that no config field is set that the
 * chosen components or entry point would ignore.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ppo/utils';
import { PpoRangeError, PpoTypeError } from '@ppo/utils';
import { Adam, ClipPpoObjective, KlPenaltyPpoObjective, type Objective, type Optimizer } from '@ppo/core';
import { Box, Dict, Tuple, type Space, type VectorEnv } from '@ppo/envs';
import { gaeEstimator, type AdvantageEstimator } from '@ppo/gae';
import { ActorCritic, RecurrentActorCritic, type ActionSpaceSpec, type ActorCriticOptions, type ObservationPart, type Policy } from '@ppo/nets';
import { ConfigError, DEFAULT_CONFIG, PRESETS, recommendedPreset, type PPOConfig, type PresetName } from './config';

/** What a custom policy is built from: the env's spaces and a seed derived from `config.seed`. */
export interface PolicySpec {
  /** Flat observation size D. */
  readonly observationSize: number;
  /** The observation space's shape (for example [84, 84, 4] for frames). */
  readonly observationShape: readonly number[];
  /** The action space (the JSON form of the env's space). */
  readonly actionSpace: ActionSpaceSpec;
  /** Seed for the policy's initialisation, an integer in [0, 2^32). */
  readonly seed: number;
}

/**
 * Components that replace what the config would build. Each is optional; leave one out and the
 * config's choice is used. The config fields a given component replaces may not be set in the
 * same call (a `ConfigError` names them), so nothing is silently ignored. Pass the same
 * components to {@link PPO.restore}: their state comes back from the checkpoint.
 */
export interface PPOComponents {
  /** Builds the policy (default: an `ActorCritic` from the network fields of the config). */
  readonly policy?: (spec: PolicySpec) => Policy;
  /** What each minibatch minimises (default: PPO-Clip or PPO-KL from `config.loss`). */
  readonly objective?: Objective;
  /** Builds the optimizer over the policy's variables (default: `Adam` with the config's betas and epsilon). */
  readonly optimizer?: (variables: readonly tf.Variable[]) => Optimizer;
  /** Turns a rollout into advantages and returns (default: GAE with `gamma` and `gaeLambda`). */
  readonly advantageEstimator?: AdvantageEstimator;
}

/** The options of `new ActorCritic(...)` that choose and shape its torso. */
export type TorsoOptions = Pick<ActorCriticOptions, 'torso' | 'observationShape' | 'inputScale' | 'observationParts'> & { readonly torso: PPOConfig['torso'] };

function actionSpecOf(env: VectorEnv): ActionSpaceSpec {
  const spec = env.singleActionSpace.toJSON();
  switch (spec.type) {
    case 'discrete':
      return { type: 'discrete', n: spec.n, start: spec.start };
    case 'box':
      return { type: 'box', shape: spec.shape, low: spec.low, high: spec.high };
    case 'multi-discrete':
      return { type: 'multi-discrete', nvec: spec.nvec };
    case 'multi-binary':
      return { type: 'multi-binary', n: spec.n };
    default:
      throw new PpoTypeError('INVALID_ARGUMENT', `action space of type '${spec.type}' is not supported (expected box, discrete, multi-discrete or multi-binary)`);
  }
}

function observationShapeOf(env: VectorEnv): readonly number[] {
  const spec = env.singleObservationSpace.toJSON() as { type: string; shape?: readonly number[] };
  return spec.shape ?? [env.observationSize];
}

/**
 * The parts of a Dict or Tuple observation row, in flat order (a Dict's sorted keys, a Tuple's
 * indices): Box sub-spaces of rank 3 are images, anything else (nested spaces included) a
 * vector of its flat size. Null for any other space.
 */
export function observationPartsOf(space: Space<unknown>): ObservationPart[] | null {
  let entries: [string, Space<unknown>][];
  if (space instanceof Dict) {
    const spaces = space.spaces as Readonly<Record<string, Space<unknown>>>;
    entries = space.keys.map((key) => [key, spaces[key]]);
  } else if (space instanceof Tuple) {
    entries = (space.spaces as readonly Space<unknown>[]).map((sub, i) => [String(i), sub]);
  } else {
    return null;
  }
  return entries.map(([name, sub]) => {
    if (sub instanceof Box && sub.shape.length === 3) {
      const [height, width, channels] = sub.shape;
      return { name, size: sub.flatDim, image: [height, width, channels] as const };
    }
    return { name, size: sub.flatDim };
  });
}

/** The torso options the config asks for, checked against the env's observation space. */
function torsoOptionsOf(config: PPOConfig, env: VectorEnv): TorsoOptions {
  const parts = observationPartsOf(env.singleObservationSpace);
  if (parts !== null && config.torso !== 'nature-cnn') {
    return { torso: 'multi-input', observationParts: parts, ...(parts.some((p) => p.image !== undefined) ? { inputScale: config.observationScale } : {}) };
  }
  if (config.torso === 'multi-input') {
    throw new ConfigError('torso', `'multi-input' needs a Dict or Tuple observation space, the env has a ${env.singleObservationSpace.toJSON().type} space`);
  }
  if (config.torso === 'mlp') return { torso: 'mlp' };
  const spec = env.singleObservationSpace.toJSON() as { type: string; shape?: readonly number[] };
  if (spec.type !== 'box' || spec.shape?.length !== 3) {
    const what = spec.type === 'box' ? `shape [${(spec.shape ?? []).join(', ')}]` : `a ${spec.type} space`;
    throw new ConfigError('torso', `'nature-cnn' needs a Box observation space of shape [height, width, channels], the env has ${what}`);
  }
  const [height, width, channels] = spec.shape;
  return { torso: 'nature-cnn', observationShape: [height, width, channels], inputScale: config.observationScale };
}

/**
 * PyTorch's `nn.Linear` / `nn.Conv2d` default initialisation, U(-1/sqrt(fanIn), 1/sqrt(fanIn))
 * for kernels [fanIn, out] or filters [k, k, cIn, out] (fanIn = k * k * cIn) and the biases
 * that follow them; the state-independent log-std (1-D, not a bias of a kernel) keeps its value.
 */
function reinitializeUniform(variables: readonly tf.Variable[], rng: Rng): void {
  let fanIn = 1;
  tf.tidy(() => {
    for (const v of variables) {
      if (v.shape.length >= 2) fanIn = v.shape.slice(0, -1).reduce((a, b) => a * b, 1);
      else if (/log_std/.test(v.name)) continue;
      const bound = 1 / Math.sqrt(fanIn);
      const values = rng.fillUniform(new Float32Array(v.size), -bound, bound);
      v.assign(tf.tensor(values, v.shape, 'float32'));
    }
  });
}

/**
 * Config fields that `PPO` itself does not act on, with what to do instead. Set to anything but
 * their default in {@link PPO.create}, they are errors rather than silently ignored.
 */
const RUNNER_SETTINGS: Partial<Record<keyof PPOConfig, string>> = {
  backend: 'PPO runs on the active tfjs backend: call selectBackend() from @ppo/nets before PPO.create, or use runTraining from @ppo/trainer/node',
  envModules: 'import the modules that register your envs before PPO.create, or use runTraining from @ppo/trainer/node',
  evalEvery: 'pass an EvaluationCallback to train(), or use runTraining from @ppo/trainer/node',
};

/** Config fields each component replaces. */
const REPLACED_BY: Readonly<Record<keyof PPOComponents, readonly (keyof PPOConfig)[]>> = {
  policy: ['hiddenSizes', 'activation', 'torso', 'observationScale', 'sharedTorso', 'logStdInit', 'orthogonalInit', 'policy', 'recurrentHiddenSize'],
  objective: ['loss', 'clipCoef', 'annealClip', 'clipVloss', 'entCoef', 'vfCoef', 'normAdv', 'klTarget', 'klBetaInit'],
  optimizer: ['adamEps', 'adamBeta1', 'adamBeta2'],
  advantageEstimator: ['gaeLambda'],
};

/** Rejects fields the caller set that this entry point would not use. */
export function rejectUnusedFields(options: {
  readonly config?: Partial<PPOConfig>;
  readonly preset?: PresetName;
  readonly makeVectorEnv?: unknown;
  readonly components?: PPOComponents;
}): void {
  const given = options.config ?? {};
  const preset = presetOf(options);
  const changed = (field: keyof PPOConfig): boolean => changedField(given, preset, field);
  for (const [field, instead] of Object.entries(RUNNER_SETTINGS) as [keyof PPOConfig, string][]) {
    if (changed(field)) throw new ConfigError(field, `PPO.create does not use it (${instead})`);
  }
  if (options.makeVectorEnv === undefined) {
    for (const field of ['vectorEnv', 'numWorkers'] as const) {
      if (changed(field)) throw new ConfigError(field, 'PPO.create builds a sync vector env unless makeVectorEnv is given (runTraining from @ppo/trainer/node builds the async one)');
    }
  }
  rejectReplacedFields(options);
}

/** Rejects config fields the caller set that a given component replaces (so they would be ignored). */
export function rejectReplacedFields(options: { readonly config?: Partial<PPOConfig>; readonly preset?: PresetName; readonly components?: PPOComponents }): void {
  const given = options.config ?? {};
  const preset = presetOf(options);
  for (const [component, fields] of Object.entries(REPLACED_BY) as [keyof PPOComponents, readonly (keyof PPOConfig)[]][]) {
    if (options.components?.[component] === undefined) continue;
    for (const field of fields) {
      if (changedField(given, preset, field)) throw new ConfigError(field, `is not used with a custom ${component} component (configure the component instead)`);
    }
  }
}

/** The preset `resolveConfig` applies: the given one, else the one the env's registration recommends, else `classic`. */
function presetOf(options: { readonly config?: Partial<PPOConfig>; readonly preset?: PresetName }): Readonly<Partial<PPOConfig>> {
  return PRESETS[options.preset ?? recommendedPreset(options.config?.env) ?? 'classic'] ?? {};
}

/** Whether `given` sets `field` to something other than the preset's value (or the default's). */
function changedField(given: Partial<PPOConfig>, preset: Readonly<Partial<PPOConfig>>, field: keyof PPOConfig): boolean {
  return Object.hasOwn(given, field) && given[field] !== undefined && JSON.stringify(given[field]) !== JSON.stringify(preset[field] ?? DEFAULT_CONFIG[field]);
}

/** The objective the config asks for. */
function configuredObjective(config: PPOConfig): Objective {
  const clipCoef = config.clipCoef;
  const options = {
    clipRange: config.annealClip ? (progress: number) => (1 - progress) * clipCoef : clipCoef,
    clipValueLoss: config.clipVloss,
    normalizeAdvantages: config.normAdv,
    vfCoef: config.vfCoef,
    entCoef: config.entCoef,
  };
  return config.loss === 'clip'
    ? new ClipPpoObjective(options)
    : new KlPenaltyPpoObjective({ ...options, klTarget: config.klTarget, initialBeta: config.klBetaInit });
}

/** A built-in policy and, for the feed-forward one, the torso options an export rebuilds it from. */
type PolicyBuilder = (config: PPOConfig, env: VectorEnv, actionSpace: ActionSpaceSpec, seed: number) => { policy: Policy; torsoOptions: TorsoOptions | null };

function recurrentBuilder(cell: 'lstm' | 'gru'): PolicyBuilder {
  return (config, env, actionSpace, seed) => ({
    policy: new RecurrentActorCritic({
      observationSize: env.observationSize,
      actionSpace,
      cell,
      hiddenSize: config.recurrentHiddenSize,
      hiddenSizes: config.hiddenSizes,
      activation: config.activation,
      shared: config.sharedTorso,
      logStdInit: config.logStdInit,
      seed,
    }),
    torsoOptions: null,
  });
}

/** The policy each `config.policy` value builds. */
const POLICY_BUILDERS: Readonly<Record<PPOConfig['policy'], PolicyBuilder>> = {
  mlp: (config, env, actionSpace, seed) => {
    const torsoOptions = torsoOptionsOf(config, env);
    const policy = new ActorCritic({
      observationSize: env.observationSize,
      actionSpace,
      ...torsoOptions,
      hiddenSizes: config.hiddenSizes,
      activation: config.activation,
      shared: config.sharedTorso,
      logStdInit: config.logStdInit,
      seed,
    });
    return { policy, torsoOptions };
  },
  lstm: recurrentBuilder('lstm'),
  gru: recurrentBuilder('gru'),
};

/** The trainer's components, the given ones or the config's defaults. */
export interface TrainerComponents {
  readonly policy: Policy;
  /** The built-in feed-forward policy's torso options, or null for a recurrent or custom policy. */
  readonly torsoOptions: TorsoOptions | null;
  readonly optimizer: Optimizer;
  readonly objective: Objective;
  readonly advantageEstimator: AdvantageEstimator;
}

/**
 * Builds the components for `env`: `components` where given, else what `config` asks for. The
 * policy's seed is the next word of `master`, and a uniform re-initialisation forks it after.
 */
export function buildComponents(config: PPOConfig, env: VectorEnv, master: Rng, components: PPOComponents): TrainerComponents {
  const seed = master.nextUint32();
  const actionSpace = actionSpecOf(env);
  let policy: Policy;
  let torsoOptions: TorsoOptions | null = null;
  if (components.policy !== undefined) {
    policy = components.policy({ observationSize: env.observationSize, observationShape: observationShapeOf(env), actionSpace, seed });
    if (policy.observationSize !== env.observationSize || policy.actionSize !== env.actionSize) {
      throw new PpoRangeError('INVALID_ARGUMENT', 
        `components.policy built a policy of ${policy.observationSize} observations and ${policy.actionSize} actions, the env has ${env.observationSize} and ${env.actionSize}`,
      );
    }
  } else {
    const built = POLICY_BUILDERS[config.policy](config, env, actionSpace, seed);
    policy = built.policy;
    torsoOptions = built.torsoOptions;
    if (!config.orthogonalInit) reinitializeUniform(policy.trainableVariables, master.fork());
  }
  const variables = policy.trainableVariables;
  return {
    policy,
    torsoOptions,
    optimizer: components.optimizer?.(variables) ?? new Adam(variables, { beta1: config.adamBeta1, beta2: config.adamBeta2, epsilon: config.adamEps }),
    objective: components.objective ?? configuredObjective(config),
    advantageEstimator: components.advantageEstimator ?? gaeEstimator({ gamma: config.gamma, lambda: config.gaeLambda }),
  };
}
