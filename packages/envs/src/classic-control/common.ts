import { describeValue, PpoRangeError, PpoTypeError, Rng } from '@ppo/utils';
import type { Info, ResetOptions, ResetResult, StatefulEnv, StepResult, SvgFrame } from '../env';
import { EpisodeGuard } from '../episode-guard';
import type { Box, Space } from '../spaces';
import type { StepIntoEnv, StepIntoTarget } from '../vector/step-into';

const TWO_POW_32 = 4294967296;

/**
 * Turns a reset seed (any non-negative safe integer, as Gymnasium accepts) into the 32-bit seed
 * of an {@link Rng}; seeds below 2^32 map to themselves.
 */
export function seedToUint32(owner: string, seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${owner}: seed must be a non-negative integer, got ${describeValue(seed)}`);
  }
  if (seed < TWO_POW_32) return seed;
  const high = Math.floor(seed / TWO_POW_32);
  return ((seed % TWO_POW_32) ^ Math.imul(high, 0x9e3779b1)) >>> 0;
}

/** Reads a numeric reset option (Gymnasium's `verify_number_and_cast`). */
export function numberOption(owner: string, options: Readonly<Record<string, unknown>> | undefined, key: string, fallback: number): number {
  if (options === undefined || !(key in options)) return fallback;
  const value = options[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new PpoTypeError('INVALID_ARGUMENT', `${owner}.reset: options.${key} must be a finite number, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Gymnasium's `maybe_parse_reset_bounds`: the `low`/`high` reset options with their defaults,
 * checked to be numbers with `low <= high`.
 */
export function resetBounds(
  owner: string,
  options: Readonly<Record<string, unknown>> | undefined,
  defaultLow: number,
  defaultHigh: number,
): [number, number] {
  const low = numberOption(owner, options, 'low', defaultLow);
  const high = numberOption(owner, options, 'high', defaultHigh);
  if (low > high) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${owner}.reset: options.low (${low}) must be <= options.high (${high})`);
  }
  return [low, high];
}

/** Checks a constructor option that must be a finite number; returns the default when absent. */
export function finiteOption(owner: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new PpoTypeError('INVALID_ARGUMENT', `${owner}: option ${name} must be a finite number, got ${describeValue(value)}`);
  }
  return value;
}

/** Checks a discrete action: an integer in `[0, n)`. */
export function discreteAction(owner: string, action: unknown, n: number): number {
  if (typeof action !== 'number' || !Number.isInteger(action) || action < 0 || action >= n) {
    throw new PpoRangeError('INVALID_ARGUMENT', 
      `${owner}.step: action must be an integer in [0, ${n}) (Discrete(${n})), got ${describeValue(action)}`,
    );
  }
  return action;
}

/**
 * Checks a one-dimensional continuous action: an array of one number that is not NaN. Its
 * value is returned unclipped (the env clips, as Gymnasium's does, ±Infinity included).
 */
export function scalarBoxAction(owner: string, action: unknown): number {
  const arr = action as ArrayLike<unknown> | null;
  const isArray = ArrayBuffer.isView(action) || Array.isArray(action);
  if (!isArray || arr === null || arr.length !== 1) {
    throw new PpoTypeError('INVALID_ARGUMENT', `${owner}.step: action must be a Float32Array of length 1, got ${describeValue(action)}`);
  }
  const v = arr[0];
  if (typeof v !== 'number' || Number.isNaN(v)) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${owner}.step: action must hold a number (not NaN), got ${describeValue(action)}`);
  }
  return v;
}

/** Options every classic-control env accepts. */
export interface ClassicControlOptions {
  /**
   * Seed of the env's generator until `reset({ seed })` reseeds it. Without one, the first
   * reset draws a seed from `Math.random()` (Gymnasium seeds from OS entropy likewise).
   */
  readonly seed?: number;
}

/**
 * What the classic-control tasks share: a seeded generator, the reset/step/terminal protocol
 * of an {@link EpisodeGuard} (step before reset and step after the end raise), snapshots of the float64 state, and the
 * allocation-free `stepInto` path used by vector envs.
 *
 * Subclasses hold their state in plain number fields and implement the transition.
 */
export abstract class ClassicControlEnv<Act>
  implements StatefulEnv<Float32Array, Act>, StepIntoEnv<Act>
{
  /** Gymnasium's id of the task, used in error messages. */
  readonly name: string;
  abstract readonly observationSpace: Box;
  abstract readonly actionSpace: Space<Act>;
  /** The length of the state vector of {@link ClassicControlEnv.getState}. */
  protected abstract readonly stateSize: number;

  private generator: Rng | undefined;
  private readonly episode: EpisodeGuard;
  /** Set by {@link ClassicControlEnv.transition}: whether the new state is terminal. */
  protected terminalFlag = false;

  /**
   * @param name - Gymnasium's id of the task.
   * @param options - the constructor options; keys outside `allowedKeys` (and `seed`) raise, as
   *   Gymnasium rejects unexpected keyword arguments.
   */
  constructor(name: string, options: ClassicControlOptions | undefined, allowedKeys: readonly string[] = []) {
    this.name = name;
    this.episode = new EpisodeGuard(name);
    if (options !== undefined && (options === null || typeof options !== 'object')) {
      throw new PpoTypeError('INVALID_ARGUMENT', `${name}: options must be an object, got ${describeValue(options)}`);
    }
    for (const key of Object.keys(options ?? {})) {
      if (key !== 'seed' && !allowedKeys.includes(key)) {
        const accepted = ['seed', ...allowedKeys].join(', ');
        throw new PpoTypeError('INVALID_ARGUMENT', `${name}: unknown option '${key}' (accepted: ${accepted})`);
      }
    }
    if (options?.seed !== undefined) this.generator = new Rng(seedToUint32(`${name} options`, options.seed));
  }

  /** The env's generator (Gymnasium's `np_random`); `reset({ seed })` replaces it. */
  get rng(): Rng {
    this.generator ??= new Rng(Math.floor(Math.random() * TWO_POW_32));
    return this.generator;
  }

  /** Samples the initial state from {@link ClassicControlEnv.rng}. */
  protected abstract sampleInitialState(options: Readonly<Record<string, unknown>> | undefined): void;
  /** Checks an action and returns the value the transition uses. */
  protected abstract checkAction(action: unknown): number;
  /** Advances the state by one step under the checked action; returns the reward and sets `terminalFlag`. */
  protected abstract transition(action: number): number;
  /** Writes the float32 observation of the current state at `out[offset..]`. */
  protected abstract writeObservation(out: Float32Array, offset: number): void;
  /** Reads the state into `out`. */
  protected abstract readState(out: Float64Array): void;
  /** Sets the state from a checked vector. */
  protected abstract writeState(state: ArrayLike<number>): void;
  /** Draws the current state. */
  protected abstract draw(): SvgFrame;

  reset(options: ResetOptions = {}): ResetResult<Float32Array> {
    if (options === null || typeof options !== 'object') {
      throw new PpoTypeError('INVALID_ARGUMENT', `${this.name}.reset: options must be an object { seed?, options? }, got ${describeValue(options)}`);
    }
    if (options.seed !== undefined) this.generator = new Rng(seedToUint32(`${this.name}.reset`, options.seed));
    const resetOptions = options.options;
    if (resetOptions !== undefined && (resetOptions === null || typeof resetOptions !== 'object')) {
      throw new PpoTypeError('INVALID_ARGUMENT', `${this.name}.reset: options.options must be an object, got ${describeValue(resetOptions)}`);
    }
    this.sampleInitialState(resetOptions);
    this.episode.start();
    this.terminalFlag = false;
    return { observation: this.observation(), info: {} };
  }

  private beginStep(action: unknown): number {
    this.episode.checkStep();
    return this.checkAction(action);
  }

  step(action: Act): StepResult<Float32Array> {
    const value = this.beginStep(action);
    const reward = this.transition(value);
    const terminated = this.terminalFlag;
    this.episode.endStep(terminated, false);
    return { observation: this.observation(), reward, terminated, truncated: false, info: {} };
  }

  /** The allocation-free form of {@link ClassicControlEnv.step} used by vector envs. */
  stepInto(action: Act, target: StepIntoTarget, index: number): Info | undefined {
    const value = this.beginStep(action);
    const reward = this.transition(value);
    const terminated = this.terminalFlag;
    this.episode.endStep(terminated, false);
    this.writeObservation(target.observations, index * this.observationSpace.flatDim);
    target.rewards[index] = reward;
    target.terminated[index] = terminated ? 1 : 0;
    target.truncated[index] = 0;
    return undefined;
  }

  /** The float32 observation of the current state. */
  protected observation(): Float32Array {
    const out = new Float32Array(this.observationSpace.flatDim);
    this.writeObservation(out, 0);
    return out;
  }

  getState(): Float64Array {
    this.episode.checkStarted('getState', 'reset() or setState()');
    const out = new Float64Array(this.stateSize);
    this.readState(out);
    return out;
  }

  setState(state: ArrayLike<number>): void {
    if (state === null || typeof state !== 'object' || typeof state.length !== 'number') {
      throw new PpoTypeError('INVALID_ARGUMENT', `${this.name}.setState: state must be an array of ${this.stateSize} numbers, got ${describeValue(state)}`);
    }
    if (state.length !== this.stateSize) {
      throw new PpoRangeError('INVALID_ARGUMENT', `${this.name}.setState: state must have ${this.stateSize} entries, got ${state.length}`);
    }
    for (let k = 0; k < state.length; k++) {
      if (typeof state[k] !== 'number' || !Number.isFinite(state[k])) {
        throw new PpoRangeError('INVALID_ARGUMENT', `${this.name}.setState: state[${k}] must be a finite number, got ${describeValue(state[k])}`);
      }
    }
    this.writeState(state);
    this.episode.start('setState');
    this.terminalFlag = false;
  }

  /** An SVG picture of the current state (Gymnasium's drawing, as vector shapes). */
  render(): SvgFrame {
    this.episode.checkStarted('render');
    return this.draw();
  }

  /**
   * Nothing to free; kept for the {@link Env} contract. The env stays usable, as Gymnasium's
   * classic-control envs do (their `close` only shuts the render window).
   */
  close(): void {}
}
