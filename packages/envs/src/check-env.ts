import { describeValue, PpoRangeError, PpoTypeError, Rng, PpoError } from '@ppo/utils';
import type { Env, RenderFrame, ResetResult, StepResult } from './env';
import { Box, spaceFromJSON, spacesEqual, type Space } from './spaces';
import { ACTION_MASK_KEY, actionMaskNvec, readActionMask } from './vector/action-masks';

/** Options of {@link checkEnv}. */
export interface CheckEnvOptions {
  /** Seed of the resets and of the random actions. Default 0. */
  readonly seed?: number;
  /** Steps taken per rollout (episodes that end are reset). Default 100. */
  readonly steps?: number;
  /** Also call `render()` when the env has it. Default true. */
  readonly render?: boolean;
}

/** What {@link checkEnv} found that is allowed but worth knowing. */
export interface CheckEnvReport {
  readonly warnings: string[];
}

/** Raised by {@link checkEnv}: the env breaks the contract; the message says where and how. */
export class EnvCheckError extends PpoError {
  constructor(message: string) {
    super('ENV_CHECK_FAILED', message);
    this.name = 'EnvCheckError';
  }
}

function fail(env: string, message: string): never {
  throw new EnvCheckError(`checkEnv(${env}): ${message}`);
}

function isSpace(x: unknown): x is Space<unknown> {
  const s = x as Partial<Space<unknown>> | null;
  return (
    s !== null &&
    typeof s === 'object' &&
    Array.isArray(s.shape) &&
    typeof s.flatDim === 'number' &&
    typeof s.sample === 'function' &&
    typeof s.contains === 'function' &&
    typeof s.flatten === 'function' &&
    typeof s.unflatten === 'function' &&
    typeof s.toJSON === 'function'
  );
}

function sameNumbers(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) return false;
  return true;
}

function checkSpace(env: string, which: string, space: unknown, rng: Rng): void {
  if (!isSpace(space)) fail(env, `${which} must be a Space (shape, flatDim, sample, contains, flatten, unflatten, toJSON), got ${describeValue(space)}`);
  if (!Number.isInteger(space.flatDim) || space.flatDim < 1) fail(env, `${which}.flatDim must be a positive integer, got ${space.flatDim}`);
  const spec = space.toJSON();
  let rebuilt: Space<unknown>;
  try {
    rebuilt = spaceFromJSON(JSON.parse(JSON.stringify(spec)) as typeof spec);
  } catch (error) {
    fail(env, `${which}.toJSON() does not describe a valid space: ${(error as Error).message}`);
  }
  if (!spacesEqual(rebuilt, space)) fail(env, `${which}.toJSON() does not survive a JSON round trip: ${JSON.stringify(spec)}`);
  if (space instanceof Box && space.dtype !== 'float32' && space.dtype !== 'float64') {
    fail(env, `${which} has dtype ${describeValue(space.dtype)}, expected 'float32' or 'float64'`);
  }
  for (let k = 0; k < 5; k++) {
    const x = space.sample(rng);
    if (!space.contains(x)) fail(env, `${which}.sample() returned ${describeValue(x)}, which ${which}.contains() rejects`);
    const flat = space.flatten(x);
    if (!(flat instanceof Float32Array) || flat.length !== space.flatDim) {
      fail(env, `${which}.flatten() must return a Float32Array of length flatDim=${space.flatDim}, got ${describeValue(flat)}`);
    }
    const back = space.unflatten(flat);
    if (!sameNumbers(space.flatten(back), flat)) fail(env, `${which}.unflatten(flatten(x)) does not give x back for x=${describeValue(x)}`);
  }
}

function checkInfo(env: string, where: string, info: unknown): void {
  if (info === null || typeof info !== 'object' || Array.isArray(info)) {
    fail(env, `${where}: info must be a plain object, got ${describeValue(info)}`);
  }
}

function checkObservation(env: string, where: string, space: Space<unknown>, observation: unknown): void {
  if (space instanceof Box) {
    if (!(observation instanceof Float32Array)) fail(env, `${where}: a Box observation must be a Float32Array, got ${describeValue(observation)}`);
    for (let k = 0; k < observation.length && k < space.flatDim; k++) {
      // An entry with finite bounds must be a finite number; unbounded entries may hold ±Infinity.
      const bounded = Number.isFinite(space.low[k]) && Number.isFinite(space.high[k]);
      if (bounded && !Number.isFinite(observation[k])) {
        fail(env, `${where}: observation[${k}] must be finite (the space bounds it to [${space.low[k]}, ${space.high[k]}]), got ${observation[k]}`);
      }
    }
  }
  if (!space.contains(observation)) {
    fail(env, `${where}: observation ${describeValue(observation)} is not inside observationSpace ${JSON.stringify(space.toJSON())}`);
  }
}

function checkReset(env: string, where: string, space: Space<unknown>, result: unknown): ResetResult<unknown> {
  if (result === null || typeof result !== 'object' || !('observation' in result) || !('info' in result)) {
    fail(env, `${where}: reset() must return { observation, info }, got ${describeValue(result)}`);
  }
  const r = result as ResetResult<unknown>;
  checkObservation(env, where, space, r.observation);
  checkInfo(env, where, r.info);
  return r;
}

function checkStep(env: string, where: string, space: Space<unknown>, result: unknown): StepResult<unknown> {
  const keys = ['observation', 'reward', 'terminated', 'truncated', 'info'];
  if (result === null || typeof result !== 'object' || keys.some((k) => !(k in result))) {
    fail(env, `${where}: step() must return { observation, reward, terminated, truncated, info }, got ${describeValue(result)}`);
  }
  const r = result as StepResult<unknown>;
  checkObservation(env, where, space, r.observation);
  if (typeof r.reward !== 'number' || !Number.isFinite(r.reward)) fail(env, `${where}: reward must be a finite number, got ${describeValue(r.reward)}`);
  if (typeof r.terminated !== 'boolean') fail(env, `${where}: terminated must be a boolean, got ${describeValue(r.terminated)}`);
  if (typeof r.truncated !== 'boolean') fail(env, `${where}: truncated must be a boolean, got ${describeValue(r.truncated)}`);
  checkInfo(env, where, r.info);
  return r;
}

function flat(space: Space<unknown>, x: unknown): Float32Array {
  return space.flatten(x);
}

interface Rollout {
  readonly observations: Float32Array[];
  readonly rewards: number[];
  readonly flags: string[];
}

/**
 * Checks `info.action_mask` where present (Uint8Array or Int8Array, one 0/1 flag per action of
 * a Discrete or MultiDiscrete space, at least one action allowed per sub-space) and that an env
 * gives it at every reset and step or never. Returns the mask.
 */
function checkMask(env: string, where: string, actionSpace: Space<unknown>, info: Record<string, unknown>, expected: boolean): Uint8Array | Int8Array | undefined {
  const given = info[ACTION_MASK_KEY] !== undefined;
  if (given !== expected) {
    fail(env, `${where}: info.${ACTION_MASK_KEY} is ${given ? 'given' : 'missing'}, but the first reset ${expected ? 'gave' : 'gave none'}; give it at every reset and step or never`);
  }
  if (!given) return undefined;
  const nvec = actionMaskNvec(actionSpace);
  if (nvec === null) fail(env, `${where}: info.${ACTION_MASK_KEY} is given, but only Discrete and MultiDiscrete action spaces can be masked (got ${actionSpace.toJSON().type})`);
  try {
    return readActionMask(where, info, nvec);
  } catch (error) {
    return fail(env, (error as Error).message);
  }
}

/** A uniformly random action that `mask` allows (sub-spaces' masks concatenated). */
function sampleMasked(actionSpace: Space<unknown>, mask: Uint8Array | Int8Array, rng: Rng): unknown {
  const spec = actionSpace.toJSON();
  const nvec = actionMaskNvec(actionSpace) as readonly number[];
  const picks: number[] = [];
  let offset = 0;
  for (const n of nvec) {
    const allowed: number[] = [];
    for (let k = 0; k < n; k++) if (mask[offset + k] === 1) allowed.push(k);
    picks.push(allowed[rng.nextInt(allowed.length)]);
    offset += n;
  }
  return spec.type === 'discrete' ? picks[0] + spec.start : Int32Array.from(picks);
}

function rollout(name: string, env: Env<unknown, unknown>, seed: number, steps: number, label: string): Rollout {
  const obsSpace = env.observationSpace;
  const actionRng = new Rng(seed);
  const observations: Float32Array[] = [];
  const rewards: number[] = [];
  const flags: string[] = [];
  const first = checkReset(name, `${label}: reset({ seed: ${seed} })`, obsSpace, env.reset({ seed }));
  const masked = (first.info as Record<string, unknown>)[ACTION_MASK_KEY] !== undefined;
  let mask = checkMask(name, `${label}: reset({ seed: ${seed} })`, env.actionSpace, first.info, masked);
  observations.push(flat(obsSpace, first.observation));
  for (let t = 0; t < steps; t++) {
    // A masked env is stepped with allowed actions, as a masked policy would.
    const action = mask === undefined ? env.actionSpace.sample(actionRng) : sampleMasked(env.actionSpace, mask, actionRng);
    const r = checkStep(name, `${label}: step ${t}`, obsSpace, env.step(action));
    mask = checkMask(name, `${label}: step ${t}`, env.actionSpace, r.info, masked);
    observations.push(flat(obsSpace, r.observation));
    rewards.push(r.reward);
    flags.push(`${r.terminated}/${r.truncated}`);
    if (r.terminated || r.truncated) {
      const again = checkReset(name, `${label}: reset after step ${t}`, obsSpace, env.reset());
      mask = checkMask(name, `${label}: reset after step ${t}`, env.actionSpace, again.info, masked);
      observations.push(flat(obsSpace, again.observation));
    }
  }
  return { observations, rewards, flags };
}

function checkFrame(name: string, frame: unknown): void {
  const f = frame as Partial<RenderFrame> | null;
  if (f === null || typeof f !== 'object') fail(name, `render() must return a frame, got ${describeValue(frame)}`);
  if (!Number.isInteger(f.width) || !Number.isInteger(f.height) || (f.width ?? 0) < 1 || (f.height ?? 0) < 1) {
    fail(name, `render(): width and height must be positive integers, got ${describeValue(f.width)} x ${describeValue(f.height)}`);
  }
  if (f.kind === 'svg') {
    if (typeof f.svg !== 'string' || !f.svg.startsWith('<svg')) fail(name, 'render(): an svg frame must hold an <svg> document string');
  } else if (f.kind === 'rgb') {
    const expected = (f.width ?? 0) * (f.height ?? 0) * 3;
    if (!(f.data instanceof Uint8Array) || f.data.length !== expected) {
      fail(name, `render(): an rgb frame must hold a Uint8Array of width*height*3 = ${expected} bytes, got ${describeValue(f.data)}`);
    }
  } else {
    fail(name, `render(): frame kind must be 'svg' or 'rgb', got ${describeValue(f.kind)}`);
  }
}

/**
 * Validates an env against the {@link Env} contract and throws an {@link EnvCheckError} naming
 * the first problem. Checks: both spaces are Spaces whose samples they contain, that flatten to
 * `flatDim` floats and back, and whose JSON description round-trips; Box dtypes; `reset` and
 * `step` result shapes, observations inside the observation space (Float32Array for a Box,
 * finite in every entry the space bounds), finite rewards, boolean `terminated`/`truncated`, plain-object infos; an
 * `info.action_mask`, when the env gives one, at every reset and step (a `Uint8Array` or
 * `Int8Array` of 0/1 flags, n for `Discrete(n)`, `sum(nvec)` for `MultiDiscrete`, allowing at
 * least one action; the rollouts then take allowed actions); that the same seed and
 * actions give the same trajectory; and, when present, the `render` frame. Resets and steps the
 * env (leave it to be reset afterwards). Warnings cover what is legal but unusual: a seed that
 * does not change the first observation, stepping past an episode's end without an error, a
 * continuous action space that is unbounded or not [-1, 1].
 *
 * @example
 * ```ts
 * const { warnings } = checkEnv(make('CartPole-v1'));
 * ```
 */
export function checkEnv(env: Env<unknown, unknown>, options: CheckEnvOptions = {}): CheckEnvReport {
  if (env === null || typeof env !== 'object') throw new PpoTypeError('INVALID_ARGUMENT', `checkEnv: env must be an Env object, got ${describeValue(env)}`);
  const name = env.id ?? env.constructor.name;
  const seed = options.seed ?? 0;
  const steps = options.steps ?? 100;
  if (!Number.isInteger(seed) || seed < 0) throw new PpoRangeError('INVALID_ARGUMENT', `checkEnv: seed must be a non-negative integer, got ${describeValue(seed)}`);
  if (!Number.isInteger(steps) || steps < 1) throw new PpoRangeError('INVALID_ARGUMENT', `checkEnv: steps must be a positive integer, got ${describeValue(steps)}`);
  const warnings: string[] = [];
  for (const method of ['reset', 'step', 'close'] as const) {
    if (typeof env[method] !== 'function') fail(name, `env.${method} must be a function`);
  }
  const spaceRng = new Rng(seed + 1);
  checkSpace(name, 'observationSpace', env.observationSpace, spaceRng);
  checkSpace(name, 'actionSpace', env.actionSpace, spaceRng);
  const actionSpace = env.actionSpace;
  if (actionSpace instanceof Box) {
    for (let k = 0; k < actionSpace.flatDim; k++) {
      if (!Number.isFinite(actionSpace.low[k]) || !Number.isFinite(actionSpace.high[k])) {
        warnings.push(`actionSpace entry ${k} is unbounded; policies need bounds to clip or squash actions`);
        break;
      }
      if (actionSpace.low[k] !== -1 || actionSpace.high[k] !== 1) {
        warnings.push(
          `actionSpace is not normalized to [-1, 1] (entry ${k}: [${actionSpace.low[k]}, ${actionSpace.high[k]}]); consider rescaling actions`,
        );
        break;
      }
    }
  }

  // Determinism: the same seed and actions must reproduce the trajectory exactly.
  const a = rollout(name, env, seed, steps, 'first rollout');
  const b = rollout(name, env, seed, steps, 'second rollout');
  if (a.observations.length !== b.observations.length) {
    fail(name, `the same seed (${seed}) and actions gave episodes of different lengths`);
  }
  for (let t = 0; t < a.observations.length; t++) {
    if (!sameNumbers(a.observations[t], b.observations[t])) {
      fail(name, `the same seed (${seed}) and actions gave different observations at index ${t}: ${describeValue(a.observations[t])} vs ${describeValue(b.observations[t])}`);
    }
  }
  for (let t = 0; t < a.rewards.length; t++) {
    if (!Object.is(a.rewards[t], b.rewards[t]) || a.flags[t] !== b.flags[t]) {
      fail(name, `the same seed (${seed}) and actions gave different rewards or flags at step ${t}`);
    }
  }
  const other = checkReset(name, `reset({ seed: ${seed + 1} })`, env.observationSpace, env.reset({ seed: seed + 1 }));
  if (sameNumbers(flat(env.observationSpace, other.observation), a.observations[0])) {
    warnings.push(`reset with seeds ${seed} and ${seed + 1} gave the same first observation; is the seed used?`);
  }
  // Stepping an ended episode should raise (warned, not required: Gymnasium leaves it undefined).
  env.reset({ seed });
  const actionRng = new Rng(seed);
  for (let t = 0; t < steps; t++) {
    const r = env.step(env.actionSpace.sample(actionRng));
    if (r.terminated || r.truncated) {
      let threw = false;
      try {
        env.step(env.actionSpace.sample(actionRng));
      } catch {
        threw = true;
      }
      if (!threw) warnings.push('step() after the episode ended did not raise; stepping an ended episode should require reset()');
      break;
    }
  }

  if (options.render !== false && typeof env.render === 'function') {
    env.reset({ seed });
    checkFrame(name, env.render());
  }
  return { warnings };
}
