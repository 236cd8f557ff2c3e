/**
 * PPO configuration: the schema, its defaults, the three presets and validation that names the
 * offending field.
 */

import { envSpec, isRegistered } from '@ppo/envs';
import { BACKEND_REQUESTS, type BackendRequest } from '@ppo/nets';
import { describeValue, PpoRangeError } from '@ppo/utils';

/** Which tfjs backend to run on (see `selectBackend` in @ppo/nets). */
export type Backend = BackendRequest;

/**
 * Every hyperparameter and implementation switch of {@link PPO}. The defaults are CleanRL's
 * `ppo.py` (the `classic` preset). Each CleanRL "implementation detail" is a field here so it can
 * be ablated.
 */
export interface PPOConfig {
  /** Registry id of the environment, for example `CartPole-v1`. */
  env: string;
  /** Options passed to the env factory (`make(id, envOptions)`). */
  envOptions: Record<string, unknown>;
  /**
   * Modules that register envs when imported (for example `@ppo/envs-mujoco/register` or
   * `./my-envs.mjs`). Node only: `runTraining` and the `ppo` command line import them before
   * making any env, and the async vector env's workers import them too; `PPO.create` refuses
   * them (import the modules yourself first). `runTraining` stores them resolved (absolute
   * `file:` URLs) in the run's config, so `resume` and evaluation import the same files from
   * any working directory.
   */
  envModules: string[];
  /** Environment steps to train for, summed over all envs. */
  totalSteps: number;
  /** Master seed (uint32): env seeds, network init and every generator derive from it. */
  seed: number;
  /** Parallel environments (detail 1: vectorized envs). */
  numEnvs: number;
  /** `sync` steps envs in this thread; `async` uses worker threads (Node only). */
  vectorEnv: 'sync' | 'async';
  /** Worker threads for `vectorEnv: 'async'` (0 = one per env, capped by the env package). */
  numWorkers: number;
  /** Rollout length per env per update (T). */
  numSteps: number;
  /** Adam learning rate. */
  learningRate: number;
  /** Detail 4: anneal the learning rate linearly to 0 over training. */
  annealLr: boolean;
  /** Detail 3: Adam epsilon (CleanRL 1e-5, PyTorch's default 1e-8). */
  adamEps: number;
  /** Adam beta1. */
  adamBeta1: number;
  /** Adam beta2. */
  adamBeta2: number;
  /** Discount factor. */
  gamma: number;
  /** GAE lambda. */
  gaeLambda: number;
  /** Detail 5: bootstrap truncated episodes from the value of their final observation. */
  bootstrapTruncated: boolean;
  /** Detail 6: minibatches per epoch. */
  numMinibatches: number;
  /** Optimisation epochs per rollout (K). */
  updateEpochs: number;
  /** Detail 7: normalize advantages per minibatch. */
  normAdv: boolean;
  /** Policy objective: `clip` (PPO-Clip, detail 8) or `kl` (PPO with adaptive KL penalty). */
  loss: 'clip' | 'kl';
  /** Clip range epsilon. */
  clipCoef: number;
  /** Anneal the clip range linearly to 0 with the learning rate (the paper's Atari alpha). */
  annealClip: boolean;
  /** Detail 9: clip the value loss around the old values with `clipCoef`. */
  clipVloss: boolean;
  /** Detail 10: entropy bonus coefficient (c2). */
  entCoef: number;
  /**
   * Value loss coefficient (c1). The value loss is already `0.5 * (V - R)^2` (CleanRL), so the
   * total loss carries `0.5 * vfCoef` times the squared error.
   */
  vfCoef: number;
  /** Detail 11: global gradient-norm clip; `null` disables it. */
  maxGradNorm: number | null;
  /** Stop the epochs of an update early once approx_kl exceeds this; `null` disables it. */
  targetKl: number | null;
  /** PPO-KL: the KL target d_targ for the adaptive beta. */
  klTarget: number;
  /** PPO-KL: the initial penalty coefficient beta (> 0: the adaptive rule only multiplies it). */
  klBetaInit: number;
  /**
   * Detail 2: orthogonal initialisation (gain sqrt(2) hidden, 0.01 policy head, 1 value head,
   * zero biases). `false` uses PyTorch's `nn.Linear` default, U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
   */
  orthogonalInit: boolean;
  /**
   * The feature extractor: `mlp` (`hiddenSizes`, `activation`) or `nature-cnn`, the Nature-CNN
   * of @ppo/nets built from the env's Box observation shape [height, width, channels] (channels
   * last: [84, 84, 4] Atari frames get the Atari network, small ones like [10, 10, C] MinAtar
   * its one-conv variant), or `multi-input` for a Dict or Tuple observation space: one encoder
   * per key (the CNN for image keys, an MLP of `hiddenSizes` for the others), concatenated (SB3's
   * `MultiInputPolicy`). A Dict or Tuple space gets `multi-input` with the default `mlp` too.
   */
  torso: 'mlp' | 'nature-cnn' | 'multi-input';
  /**
   * Multiplies observations before the `nature-cnn` torso: 1/255 for 0-255 Atari frames, 1 for
   * MinAtar's 0/1 channels. Must be 1 with the `mlp` torso (normalize observations instead).
   */
  observationScale: number;
  /** Hidden layer sizes of the actor and critic MLP torsos (ignored by `nature-cnn`). */
  hiddenSizes: number[];
  /** Hidden activation of the MLP torsos (the Nature-CNN is ReLU throughout). */
  activation: 'tanh' | 'relu';
  /**
   * Detail 13: `false` gives separate actor and critic networks; `true` shares the torso (the
   * paper's and CleanRL's Atari setup).
   */
  sharedTorso: boolean;
  /**
   * The policy network: `mlp` (feed-forward, the default), or `lstm` / `gru`, a recurrent
   * policy (one LSTM or GRU of `recurrentHiddenSize` units on the observations, then actor and
   * critic MLPs of `hiddenSizes`), trained on whole env sequences as CleanRL's ppo_atari_lstm.
   * Recurrent policies need the `mlp` torso and `numEnvs` divisible by `numMinibatches`.
   */
  policy: 'mlp' | 'lstm' | 'gru';
  /** Units of the LSTM or GRU of a recurrent `policy`. */
  recurrentHiddenSize: number;
  /** Continuous detail: initial value of the state-independent log-std. */
  logStdInit: number;
  /** Continuous detail: clip actions to the Box bounds for the env (the raw action is stored). */
  clipAction: boolean;
  /** Continuous detail: normalize observations with running statistics. */
  normalizeObservation: boolean;
  /** Continuous detail: clip (normalized) observations to [-x, x]; `null` disables. */
  clipObservation: number | null;
  /** Continuous detail: scale rewards by the running std of the discounted return. */
  normalizeReward: boolean;
  /** Continuous detail: clip (scaled) rewards to [-x, x]; `null` disables. */
  clipReward: number | null;
  /** tfjs backend. */
  backend: Backend;
  /** Write a checkpoint every this many updates (0 = only at the end). */
  checkpointEvery: number;
  /** Evaluate every this many updates (0 = never during training). */
  evalEvery: number;
  /** Episodes per evaluation. */
  evalEpisodes: number;
}

/** Names of the presets in {@link PRESETS}. */
export type PresetName = 'classic' | 'mujoco' | 'atari' | 'minatar';

/** The defaults: CleanRL `ppo.py` on classic control. */
export const DEFAULT_CONFIG: Readonly<PPOConfig> = Object.freeze({
  env: 'CartPole-v1',
  envOptions: {},
  envModules: [],
  totalSteps: 500_000,
  seed: 1,
  numEnvs: 4,
  vectorEnv: 'sync',
  numWorkers: 0,
  numSteps: 128,
  learningRate: 2.5e-4,
  annealLr: true,
  adamEps: 1e-5,
  adamBeta1: 0.9,
  adamBeta2: 0.999,
  gamma: 0.99,
  gaeLambda: 0.95,
  bootstrapTruncated: true,
  numMinibatches: 4,
  updateEpochs: 4,
  normAdv: true,
  loss: 'clip',
  clipCoef: 0.2,
  annealClip: false,
  clipVloss: true,
  entCoef: 0.01,
  vfCoef: 0.5,
  maxGradNorm: 0.5,
  targetKl: null,
  klTarget: 0.01,
  klBetaInit: 1,
  orthogonalInit: true,
  torso: 'mlp',
  observationScale: 1,
  hiddenSizes: [64, 64],
  activation: 'tanh',
  sharedTorso: false,
  policy: 'mlp',
  recurrentHiddenSize: 64,
  logStdInit: 0,
  clipAction: false,
  normalizeObservation: false,
  clipObservation: null,
  normalizeReward: false,
  clipReward: null,
  backend: 'auto',
  checkpointEvery: 10,
  evalEvery: 0,
  evalEpisodes: 10,
} satisfies PPOConfig);

/**
 * The presets (REFERENCE.md section 2): each is a partial config applied over
 * {@link DEFAULT_CONFIG}.
 *
 * - `classic`: CleanRL `ppo.py` (4 envs x 128 steps, lr 2.5e-4 annealed, 4 x 4, ent 0.01).
 * - `mujoco`: the paper's Table 3 (1 env x 2048, lr 3e-4, 10 epochs of minibatch 64, no
 *   entropy) with CleanRL's continuous wrappers (clip action, normalize + clip observations,
 *   scale + clip rewards) and its annealing and gradient clipping.
 * - `atari`: the paper's Table 5 (8 actors x 128, lr 2.5e-4 and clip 0.1 both annealed, 3
 *   epochs of minibatch 32 x 8 = 4 minibatches, c1 1, c2 0.01, 10M steps) on the Nature-CNN
 *   with one shared torso and frames scaled by 1/255, as in the paper and CleanRL's
 *   `ppo_atari.py`. The env must give [84, 84, 4] uint8-valued frames (or set
 *   `observationScale: 1` for MinAtar's [10, 10, C]). `vfCoef: 1` multiplies a value loss
 *   that already holds the 0.5 factor, so the squared error's weight is 0.5, CleanRL's
 *   `vf_coef 0.5` on `0.5 * (V - R)^2` giving 0.25; the paper's c1 = 1 is on the plain
 *   squared error.
 * - `minatar`: the `atari` settings on MinAtar's [10, 10, C] 0/1 grids (`MinAtar/<Game>-v0`
 *   from `@ppo/envs-minatar`) with three changes: lr 5e-4 and clip 0.1, both constant, and
 *   entropy coefficient 0.02. With the paper's lr 2.5e-4 and both annealed to 0, Breakout seed 1
 *   stalled at a score of 5.6 and Asterix reached 14.8 at 5M steps; held constant, 20.6 and
 *   27.4. With entropy 0.01 Seaquest's policy settled by 0.5M steps (entropy 0.85 of ln 6 = 1.79)
 *   and never learned to surface (5.1); with 0.02 it did, from about 4.3M steps on (34.3), and 0.03
 *   cost Breakout more (14.4, against 17.5 with 0.02). The pilots are in
 *   `benchmarks/results/minatar/preset-pilots.json`. The MinAtar paper's network (one 3x3
 *   conv of 16 filters, stride 1, then dense 128, ReLU; the `nature-cnn` torso picks it for
 *   inputs this small) on one shared torso, no input scaling, and 5M steps (MinAtar has no
 *   frame skip, so steps are the paper's frames). Rewards are not clipped (the default):
 *   clipping would flatten Seaquest's surfacing bonus of up to 10.
 */
export const PRESETS: Readonly<Record<PresetName, Readonly<Partial<PPOConfig>>>> = Object.freeze({
  classic: Object.freeze({}),
  mujoco: Object.freeze({
    env: 'Pendulum-v1',
    totalSteps: 1_000_000,
    numEnvs: 1,
    numSteps: 2048,
    learningRate: 3e-4,
    numMinibatches: 32,
    updateEpochs: 10,
    entCoef: 0,
    clipAction: true,
    normalizeObservation: true,
    clipObservation: 10,
    normalizeReward: true,
    clipReward: 10,
  }),
  atari: Object.freeze({
    totalSteps: 10_000_000,
    numEnvs: 8,
    numSteps: 128,
    learningRate: 2.5e-4,
    numMinibatches: 4,
    updateEpochs: 3,
    clipCoef: 0.1,
    annealClip: true,
    vfCoef: 1,
    entCoef: 0.01,
    torso: 'nature-cnn',
    observationScale: 1 / 255,
    sharedTorso: true,
  }),
  minatar: Object.freeze({
    env: 'MinAtar/Breakout-v0',
    totalSteps: 5_000_000,
    numEnvs: 8,
    numSteps: 128,
    learningRate: 5e-4,
    annealLr: false,
    numMinibatches: 4,
    updateEpochs: 3,
    clipCoef: 0.1,
    annealClip: false,
    vfCoef: 1,
    entCoef: 0.02,
    torso: 'nature-cnn',
    observationScale: 1,
    sharedTorso: true,
  }),
});

/** Whether `name` is one of the {@link PRESETS} (an own key: not `__proto__` or `toString`). */
export function isPresetName(name: unknown): name is PresetName {
  return typeof name === 'string' && Object.hasOwn(PRESETS, name);
}

/**
 * The preset the registration of `envId` recommends (`EnvSpec.recommendedPreset`, for example
 * `mujoco` for the MuJoCo tasks and `minatar` for the MinAtar games), or undefined when the id
 * is not registered, recommends none, or names a preset this trainer does not have.
 */
export function recommendedPreset(envId: unknown): PresetName | undefined {
  if (typeof envId !== 'string' || !isRegistered(envId)) return undefined;
  const name = envSpec(envId).recommendedPreset;
  return isPresetName(name) ? name : undefined;
}

/**
 * The largest rollout batch (`numEnvs * numSteps`) a config may ask for: the rollout buffers
 * hold several floats per step and observation, so larger batches exhaust memory.
 */
export const MAX_BATCH_SIZE = 2 ** 22;

/** Thrown by {@link validateConfig}; `field` names the offending field. */
export class ConfigError extends PpoRangeError {
  /** The config field at fault. */
  readonly field: string;
  constructor(field: string, message: string) {
    super('INVALID_CONFIG', `config.${field}: ${message}`);
    this.name = 'ConfigError';
    this.field = field;
  }
}

type Kind =
  | { kind: 'int'; min: number; max?: number }
  | { kind: 'number'; min?: number; max?: number; minExclusive?: boolean; nullable?: boolean }
  | { kind: 'bool' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'string' }
  | { kind: 'intList'; min: number; max: number; maxLength: number }
  | { kind: 'stringList' }
  | { kind: 'object' };

/** The type and range of every field; drives validation and the CLI parser. */
export const CONFIG_SCHEMA: Readonly<Record<keyof PPOConfig, Kind>> = {
  env: { kind: 'string' },
  envOptions: { kind: 'object' },
  envModules: { kind: 'stringList' },
  totalSteps: { kind: 'int', min: 1, max: Number.MAX_SAFE_INTEGER },
  seed: { kind: 'int', min: 0, max: 4294967295 },
  numEnvs: { kind: 'int', min: 1, max: 4096 },
  vectorEnv: { kind: 'enum', values: ['sync', 'async'] },
  numWorkers: { kind: 'int', min: 0, max: 1024 },
  numSteps: { kind: 'int', min: 1, max: MAX_BATCH_SIZE },
  learningRate: { kind: 'number', min: 0, minExclusive: true },
  annealLr: { kind: 'bool' },
  adamEps: { kind: 'number', min: 0, minExclusive: true },
  adamBeta1: { kind: 'number', min: 0, max: 0.999999 },
  adamBeta2: { kind: 'number', min: 0, max: 0.999999999 },
  gamma: { kind: 'number', min: 0, max: 1 },
  gaeLambda: { kind: 'number', min: 0, max: 1 },
  bootstrapTruncated: { kind: 'bool' },
  numMinibatches: { kind: 'int', min: 1, max: MAX_BATCH_SIZE },
  updateEpochs: { kind: 'int', min: 1, max: 10_000 },
  normAdv: { kind: 'bool' },
  loss: { kind: 'enum', values: ['clip', 'kl'] },
  // The PPO loss takes a clip range in (0, 1].
  clipCoef: { kind: 'number', min: 0, minExclusive: true, max: 1 },
  annealClip: { kind: 'bool' },
  clipVloss: { kind: 'bool' },
  entCoef: { kind: 'number', min: 0 },
  vfCoef: { kind: 'number', min: 0 },
  maxGradNorm: { kind: 'number', min: 0, minExclusive: true, nullable: true },
  targetKl: { kind: 'number', min: 0, minExclusive: true, nullable: true },
  klTarget: { kind: 'number', min: 0, minExclusive: true },
  klBetaInit: { kind: 'number', min: 0, minExclusive: true },
  orthogonalInit: { kind: 'bool' },
  torso: { kind: 'enum', values: ['mlp', 'nature-cnn', 'multi-input'] },
  observationScale: { kind: 'number', min: 0, minExclusive: true },
  // Wider or deeper nets than this take minutes to initialise (orthogonal init) or exhaust memory.
  hiddenSizes: { kind: 'intList', min: 1, max: 4096, maxLength: 16 },
  activation: { kind: 'enum', values: ['tanh', 'relu'] },
  sharedTorso: { kind: 'bool' },
  policy: { kind: 'enum', values: ['mlp', 'lstm', 'gru'] },
  recurrentHiddenSize: { kind: 'int', min: 1, max: 4096 },
  logStdInit: { kind: 'number' },
  clipAction: { kind: 'bool' },
  normalizeObservation: { kind: 'bool' },
  clipObservation: { kind: 'number', min: 0, minExclusive: true, nullable: true },
  normalizeReward: { kind: 'bool' },
  clipReward: { kind: 'number', min: 0, minExclusive: true, nullable: true },
  backend: { kind: 'enum', values: BACKEND_REQUESTS },
  checkpointEvery: { kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER },
  evalEvery: { kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER },
  evalEpisodes: { kind: 'int', min: 1, max: 1_000_000 },
};

function checkField(field: string, kind: Kind, value: unknown): void {
  const bad = (expected: string): never => {
    throw new ConfigError(field, `expected ${expected}, got ${describeValue(value)}`);
  };
  switch (kind.kind) {
    case 'string':
      if (typeof value !== 'string' || value.length === 0) bad('a non-empty string');
      return;
    case 'bool':
      if (typeof value !== 'boolean') bad('a boolean');
      return;
    case 'object':
      if (value === null || typeof value !== 'object' || Array.isArray(value)) bad('an object');
      return;
    case 'enum':
      if (typeof value !== 'string' || !kind.values.includes(value)) bad(`one of ${kind.values.map((v) => `'${v}'`).join(', ')}`);
      return;
    case 'intList':
      if (
        !Array.isArray(value) ||
        value.length === 0 ||
        value.length > kind.maxLength ||
        !value.every((v) => Number.isSafeInteger(v) && (v as number) >= kind.min && (v as number) <= kind.max)
      ) {
        bad(`an array of 1 to ${kind.maxLength} integers in [${kind.min}, ${kind.max}]`);
      }
      return;
    case 'stringList':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.length > 0)) bad('an array of non-empty strings');
      return;
    case 'int': {
      const range = kind.max === undefined ? `>= ${kind.min}` : `in [${kind.min}, ${kind.max}]`;
      // Safe integers only: past 2^53 - 1 a double no longer holds the integer that was meant.
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < kind.min || (kind.max !== undefined && value > kind.max)) {
        bad(`an integer ${range}`);
      }
      return;
    }
    case 'number': {
      if (value === null && kind.nullable === true) return;
      const parts: string[] = [];
      if (kind.min !== undefined) parts.push(kind.minExclusive === true ? `> ${kind.min}` : `>= ${kind.min}`);
      if (kind.max !== undefined) parts.push(`<= ${kind.max}`);
      const expected = `a finite number${parts.length > 0 ? ` ${parts.join(' and ')}` : ''}${kind.nullable === true ? ' or null' : ''}`;
      if (typeof value !== 'number' || !Number.isFinite(value)) bad(expected);
      const x = value as number;
      if (kind.min !== undefined && (kind.minExclusive === true ? x <= kind.min : x < kind.min)) bad(expected);
      if (kind.max !== undefined && x > kind.max) bad(expected);
      return;
    }
  }
}

/**
 * Fields added after configs were first saved (in checkpoints and config files): a config
 * without one gets the default, which is how such a run behaved.
 */
const ADDED_FIELDS: readonly (keyof PPOConfig)[] = ['policy', 'recurrentHiddenSize'];

function withAddedFieldDefaults(config: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  if (ADDED_FIELDS.every((field) => Object.hasOwn(config, field))) return config;
  const filled: Record<string, unknown> = { ...config };
  for (const field of ADDED_FIELDS) if (!Object.hasOwn(filled, field)) filled[field] = DEFAULT_CONFIG[field];
  return filled;
}

/**
 * Checks every field's type and range, the cross-field constraints, and rejects unknown
 * fields. Throws a {@link ConfigError} naming the first bad field.
 */
export function validateConfig(given: Readonly<Record<string, unknown>>): PPOConfig {
  const config = withAddedFieldDefaults(given);
  // Own properties only: `__proto__`, `constructor` or `toString` are not fields.
  for (const key of Object.keys(config)) {
    if (!Object.hasOwn(CONFIG_SCHEMA, key)) throw new ConfigError(key, `unknown field (known fields: ${Object.keys(CONFIG_SCHEMA).join(', ')})`);
  }
  for (const [field, kind] of Object.entries(CONFIG_SCHEMA) as [keyof PPOConfig, Kind][]) {
    if (!Object.hasOwn(config, field)) throw new ConfigError(field, 'is missing');
    checkField(field, kind, config[field]);
  }
  const c = config as unknown as PPOConfig;
  const batch = c.numEnvs * c.numSteps;
  if (batch % c.numMinibatches !== 0) {
    throw new ConfigError(
      'numMinibatches',
      `expected a divisor of the batch size numEnvs*numSteps = ${batch}, got ${c.numMinibatches}`,
    );
  }
  if (c.numWorkers > c.numEnvs) {
    throw new ConfigError('numWorkers', `expected at most numEnvs = ${c.numEnvs} worker threads, got ${c.numWorkers}`);
  }
  if (c.policy !== 'mlp' && c.numEnvs % c.numMinibatches !== 0) {
    throw new ConfigError('numMinibatches', `expected a divisor of numEnvs = ${c.numEnvs} with a recurrent policy (minibatches are whole env sequences), got ${c.numMinibatches}`);
  }
  if (c.policy !== 'mlp' && c.torso !== 'mlp') {
    throw new ConfigError('torso', `expected 'mlp' with a recurrent policy '${c.policy}' (its LSTM or GRU reads flat observations), got '${c.torso}'`);
  }
  if (c.torso === 'mlp' && c.observationScale !== 1) {
    throw new ConfigError('observationScale', `expected 1 with torso 'mlp' (it scales the input of nature-cnn and the image keys of multi-input only), got ${c.observationScale}`);
  }
  if (batch > MAX_BATCH_SIZE) {
    throw new ConfigError('numSteps', `expected a batch size numEnvs*numSteps of at most ${MAX_BATCH_SIZE}, got ${c.numEnvs}*${c.numSteps} = ${batch}`);
  }
  if (c.totalSteps < batch) {
    throw new ConfigError('totalSteps', `expected at least one batch (numEnvs*numSteps = ${batch}), got ${c.totalSteps}`);
  }
  return c;
}

/**
 * Builds a validated config: {@link DEFAULT_CONFIG}, then the preset, then `overrides`. Without
 * a `preset`, the one the env's registration recommends ({@link recommendedPreset} of
 * `overrides.env`) applies, else `classic`: register the env first (import its package's
 * `./register` entry) for its preset to count.
 *
 * @example
 * ```ts
 * const config = resolveConfig({ preset: 'mujoco', overrides: { env: 'Pendulum-v1', seed: 3 } });
 * ```
 */
export function resolveConfig(options: { preset?: PresetName; overrides?: Partial<PPOConfig> } = {}): PPOConfig {
  const preset = options.preset ?? recommendedPreset(options.overrides?.env) ?? 'classic';
  if (!isPresetName(preset)) {
    throw new PpoRangeError('INVALID_CONFIG', `preset must be one of ${Object.keys(PRESETS).join(', ')}, got ${describeValue(preset)}`);
  }
  const merged: Record<string, unknown> = {
    ...structuredClone(DEFAULT_CONFIG),
    ...structuredClone(PRESETS[preset]),
    ...structuredClone(options.overrides ?? {}),
  };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  return validateConfig(merged);
}
