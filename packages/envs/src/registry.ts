import { checkPositiveInt, describeValue, PpoError, PpoTypeError } from '@ppo/utils';
import type { Env } from './env';
import { AcrobotEnv } from './classic-control/acrobot';
import { CartPoleEnv } from './classic-control/cartpole';
import { CardPickEnv } from './masked/card-pick';
import { ContinuousMountainCarEnv } from './classic-control/continuous-mountain-car';
import { MountainCarEnv } from './classic-control/mountain-car';
import { PendulumEnv } from './classic-control/pendulum';
import { sharedRegistry } from './registry-store';
import { TimeLimit } from './time-limit';
import { SelectObservation } from './wrappers/select-observation';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry holds envs of every value type
type AnyEnv = Env<any, any>;

/** Builds an env from the env-specific options given to {@link make}. */
export type EnvFactory = (options: Readonly<Record<string, unknown>>) => AnyEnv;

/** Registration details of an id, as Gymnasium's `EnvSpec`. */
export interface EnvSpec {
  /** The id, Gymnasium style: `Name-vN`. */
  readonly id: string;
  /** Episodes are truncated after this many steps by {@link make}; undefined for no limit. */
  readonly maxEpisodeSteps: number | undefined;
  /** The mean return over 100 episodes at which the task counts as solved; undefined when none. */
  readonly rewardThreshold: number | undefined;
  /**
   * The name of the training preset the env is meant for (for example `'mujoco'` or
   * `'minatar'`), which a trainer uses when its user names none; undefined when none.
   */
  readonly recommendedPreset: string | undefined;
}

/** Options of {@link register}. */
export interface RegisterOptions {
  readonly maxEpisodeSteps?: number;
  readonly rewardThreshold?: number;
  /** The training preset the env is meant for: lowercase letters, digits and dashes (see {@link EnvSpec}). */
  readonly recommendedPreset?: string;
  /** Replace an existing registration of the same id instead of raising. Default false. */
  readonly override?: boolean;
}

/**
 * Options of {@link make}: `maxEpisodeSteps` overrides the registered limit (`null` turns the
 * limit off); every other key goes to the env's factory (for example `{ g: 9.81 }` for
 * Pendulum-v1, `{ seed }` for the classic-control tasks). Keep them plain JSON so they can
 * cross to worker threads.
 */
export interface MakeOptions {
  readonly maxEpisodeSteps?: number | null;
  readonly [key: string]: unknown;
}

interface Registration {
  readonly spec: EnvSpec;
  readonly factory: EnvFactory;
}

const ID_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.:/-]*$/;
const PRESET_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/**
 * The id registry, as Gymnasium's: registering is an explicit call, and the built-in tasks are
 * listed below. Every copy of the package in the process (ESM and CommonJS builds) shares it.
 */
const registry = sharedRegistry<Registration>(globalThis);

/**
 * Registers an env id so that {@link make} can build it.
 *
 * @param id - Gymnasium-style id (`Name-vN`); registering an existing id raises unless
 *   `override` is set.
 * @param factory - builds the env from the env-specific options passed to `make`.
 * @param options - `maxEpisodeSteps` (a positive integer: `make` wraps the env in
 *   {@link TimeLimit}), `rewardThreshold` and `recommendedPreset`.
 *
 * @example
 * ```ts
 * register('MyTask-v0', (opts) => new MyTaskEnv(opts), { maxEpisodeSteps: 100 });
 * const env = make('MyTask-v0');
 * ```
 */
export function register(id: string, factory: EnvFactory, options: RegisterOptions = {}): void {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw new PpoTypeError('INVALID_ARGUMENT', `register: id must be a non-empty string of letters, digits and _.:/-, got ${describeValue(id)}`);
  }
  if (typeof factory !== 'function') {
    throw new PpoTypeError('INVALID_ARGUMENT', `register: factory for '${id}' must be a function, got ${describeValue(factory)}`);
  }
  if (options === null || typeof options !== 'object') {
    throw new PpoTypeError('INVALID_ARGUMENT', `register: options for '${id}' must be an object, got ${describeValue(options)}`);
  }
  const maxEpisodeSteps =
    options.maxEpisodeSteps === undefined ? undefined : checkPositiveInt(`register: maxEpisodeSteps of '${id}'`, options.maxEpisodeSteps);
  const { rewardThreshold } = options;
  if (rewardThreshold !== undefined && (typeof rewardThreshold !== 'number' || !Number.isFinite(rewardThreshold))) {
    throw new PpoTypeError('INVALID_ARGUMENT', `register: rewardThreshold of '${id}' must be a finite number, got ${describeValue(rewardThreshold)}`);
  }
  const { recommendedPreset } = options;
  if (recommendedPreset !== undefined && (typeof recommendedPreset !== 'string' || !PRESET_PATTERN.test(recommendedPreset))) {
    throw new PpoTypeError('INVALID_ARGUMENT', `register: recommendedPreset of '${id}' must be a preset name of lowercase letters, digits and dashes, got ${describeValue(recommendedPreset)}`);
  }
  if (registry.has(id) && options.override !== true) {
    throw new PpoError('ALREADY_REGISTERED', `register: '${id}' is already registered (pass { override: true } to replace it)`);
  }
  registry.set(id, { spec: Object.freeze({ id, maxEpisodeSteps, rewardThreshold, recommendedPreset }), factory });
}

/** Whether `id` is registered. */
export function isRegistered(id: string): boolean {
  return registry.has(id);
}

/** The spec of a registered id; raises for an unknown id. */
export function envSpec(id: string): EnvSpec {
  const registration = registry.get(id);
  if (registration === undefined) throw unknownId('envSpec', id);
  return registration.spec;
}

/** The specs of every registered id, sorted by id. */
export function listEnvs(): EnvSpec[] {
  return [...registry.values()].map((r) => r.spec).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function unknownId(owner: string, id: unknown): Error {
  const known = [...registry.keys()].sort().join(', ');
  return new PpoError('UNKNOWN_ENV', `${owner}: no env registered as ${describeValue(id)}; registered ids: ${known}`);
}

/**
 * Builds a registered env, wrapped in {@link TimeLimit} when its spec (or
 * `options.maxEpisodeSteps`) sets a step limit. The returned env's `id` is the registry id.
 *
 * @example
 * ```ts
 * const env = make('CartPole-v1');            // TimeLimit(500) around CartPoleEnv
 * const pendulum = make('Pendulum-v1', { g: 9.81 });
 * const endless = make('Pendulum-v1', { maxEpisodeSteps: null });
 * ```
 */
export function make<Obs = Float32Array, Act = number | Float32Array>(id: string, options: MakeOptions = {}): Env<Obs, Act> {
  const registration = registry.get(id);
  if (registration === undefined) throw unknownId('make', id);
  if (options === null || typeof options !== 'object') {
    throw new PpoTypeError('INVALID_ARGUMENT', `make('${id}'): options must be an object, got ${describeValue(options)}`);
  }
  const { maxEpisodeSteps: override, ...envOptions } = options;
  let limit = registration.spec.maxEpisodeSteps;
  if (override === null) limit = undefined;
  else if (override !== undefined) limit = checkPositiveInt(`make('${id}'): maxEpisodeSteps`, override);
  const env = registration.factory(envOptions) as Env<Obs, Act>;
  if (env === null || typeof env !== 'object' || typeof env.step !== 'function' || typeof env.reset !== 'function') {
    throw new PpoTypeError('INVALID_ARGUMENT', `make('${id}'): the factory returned ${describeValue(env)}, not an Env`);
  }
  if (limit !== undefined) return new TimeLimit(env, { maxEpisodeSteps: limit, id });
  if (env.id !== id && Object.isExtensible(env)) {
    // The factory's env is fresh and ours: record the registry id on it.
    Object.defineProperty(env, 'id', { value: id, configurable: true, enumerable: true, writable: false });
  }
  return env;
}

/** Registers a built-in task unless another copy of this module (or the user) already did. */
function registerBuiltIn(id: string, factory: EnvFactory, options: RegisterOptions): void {
  if (!registry.has(id)) register(id, factory, options);
}

// CartPole-v0 is the same task with Gymnasium's older, shorter limit.
registerBuiltIn('CartPole-v0', (o) => new CartPoleEnv(o), { maxEpisodeSteps: 200, rewardThreshold: 195 });
registerBuiltIn('CartPole-v1', (o) => new CartPoleEnv(o), { maxEpisodeSteps: 500, rewardThreshold: 475 });
registerBuiltIn('Acrobot-v1', (o) => new AcrobotEnv(o), { maxEpisodeSteps: 500, rewardThreshold: -100 });
registerBuiltIn('MountainCar-v0', (o) => new MountainCarEnv(o), { maxEpisodeSteps: 200, rewardThreshold: -110 });
registerBuiltIn('MountainCarContinuous-v0', (o) => new ContinuousMountainCarEnv(o), {
  maxEpisodeSteps: 999,
  rewardThreshold: 90,
});
registerBuiltIn('Pendulum-v1', (o) => new PendulumEnv(o), { maxEpisodeSteps: 200 });
registerBuiltIn('CardPick-v0', (o) => new CardPickEnv(o), {});
// RL Zoo's partially observed variants: velocities removed, so solving them takes memory.
// CartPole observes [x, x_dot, theta, theta_dot]; Pendulum [cos theta, sin theta, theta_dot].
registerBuiltIn('CartPoleNoVel-v1', (o) => new SelectObservation(new CartPoleEnv(o), { indices: [0, 2] }), { maxEpisodeSteps: 500, rewardThreshold: 475 });
registerBuiltIn('PendulumNoVel-v1', (o) => new SelectObservation(new PendulumEnv(o), { indices: [0, 1] }), { maxEpisodeSteps: 200 });
