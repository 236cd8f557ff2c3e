import { describeValue, PpoRangeError, PpoTypeError, RunningMeanStd } from '@ppo/utils';
import type { Env, ResetOptions, ResetResult, StepResult } from '../env';
import { Box, type Space, type SpaceSpec } from '../spaces';
import {
  boundsArray,
  checkOrdered,
  clipRows,
  EpisodeTracker,
  intersectBox,
  normalizedSpace,
  observationNormalizeOptions,
  requireBox,
  ReturnScaler,
  type NormalizeObservationOptions,
  type NormalizeRewardOptions,
  type RunningStatsState,
} from './common';
import { Wrapper } from './wrapper';

/**
 * Records each episode's raw return, length and duration: on the step that ends an episode,
 * `info.episode = { r, l, t }` (in a new info object). Recent episodes are kept in
 * `returnQueue` / `lengthQueue`.
 *
 * @example
 * ```ts
 * const env = new RecordEpisodeStatistics(make('CartPole-v1'));
 * ```
 */
export class RecordEpisodeStatistics<Obs = Float32Array, Act = number | Float32Array> extends Wrapper<Obs, Act> {
  private readonly tracker: EpisodeTracker;

  constructor(env: Env<Obs, Act>, options: { readonly bufferLength?: number } = {}) {
    super(env);
    this.tracker = new EpisodeTracker('RecordEpisodeStatistics', 1, options?.bufferLength);
  }

  /** The returns of the most recent finished episodes, oldest first. */
  get returnQueue(): readonly number[] {
    return this.tracker.returnQueue;
  }
  /** The lengths of the most recent finished episodes, oldest first. */
  get lengthQueue(): readonly number[] {
    return this.tracker.lengthQueue;
  }

  override reset(options?: ResetOptions): ResetResult<Obs> {
    const r = this.env.reset(options);
    this.tracker.start(0);
    return r;
  }

  override step(action: Act): StepResult<Obs> {
    const r = this.env.step(action);
    this.tracker.add(0, r.reward);
    if (!r.terminated && !r.truncated) return r;
    return { ...r, info: { ...r.info, episode: this.tracker.finish(0) } };
  }
}

/**
 * Normalizes Box observations with a running mean and variance over every observation seen:
 * `(x - mean) / sqrt(var + epsilon)` (Gymnasium's NormalizeObservation); the observation space
 * becomes unbounded (`[-clip, clip]` with `clip`). Set `frozen` to stop updating (evaluation);
 * `getState`/`setState` save and restore the statistics.
 */
export class NormalizeObservation<Act = number | Float32Array> extends Wrapper<Float32Array, Act> {
  /** The running statistics (`@ppo/gae`'s RunningMeanStd). */
  readonly rms: RunningMeanStd;
  /** When true the statistics are used but no longer updated. */
  frozen = false;
  private readonly normalizeOptions: { epsilon: number; clip?: number };
  private readonly space: Box;

  constructor(env: Env<Float32Array, Act>, options: NormalizeObservationOptions = {}) {
    super(env);
    const box = requireBox('NormalizeObservation', 'observation', env.observationSpace);
    this.normalizeOptions = observationNormalizeOptions('NormalizeObservation', options);
    this.rms = new RunningMeanStd(box.flatDim);
    this.space = normalizedSpace(box, this.normalizeOptions.clip);
  }

  /** Unbounded (or `[-clip, clip]`), as normalized values may fall anywhere. */
  override get observationSpace(): Space<Float32Array> {
    return this.space;
  }

  /** The statistics as JSON. */
  getState(): RunningStatsState {
    return this.rms.getState();
  }
  /** Restores statistics saved by {@link NormalizeObservation.getState}. */
  setState(state: RunningStatsState): void {
    this.rms.setState(state);
  }

  override reset(options?: ResetOptions): ResetResult<Float32Array> {
    const r = this.env.reset(options);
    return { observation: this.normalize(r.observation), info: r.info };
  }

  override step(action: Act): StepResult<Float32Array> {
    const r = this.env.step(action);
    return { ...r, observation: this.normalize(r.observation) };
  }

  private normalize(x: Float32Array): Float32Array {
    if (!this.frozen) this.rms.update(x, 1);
    return this.rms.normalize(x, new Float32Array(x.length), this.normalizeOptions);
  }
}

/**
 * Scales rewards by the running standard deviation of the discounted return, as Gymnasium's
 * NormalizeReward: `G <- G * gamma * (1 - terminated) + r`, the running variance of `G` over
 * every step, and `r / sqrt(var + epsilon)` out (no mean subtraction). `G` is kept across a
 * truncation and across `reset()`, as in Gymnasium; option `resetOnTruncation` gives the older
 * gym/SB3 recursion instead (see {@link NormalizeRewardOptions}). Set `frozen` to stop updating
 * the statistics; `getState`/`setState` save and restore them.
 *
 * @example
 * ```ts
 * const env = new NormalizeReward(make('Pendulum-v1'), { gamma: 0.99 });
 * ```
 */
export class NormalizeReward<Obs = Float32Array, Act = number | Float32Array> extends Wrapper<Obs, Act> {
  private readonly scaler: ReturnScaler;
  private readonly raw = new Float32Array(1);
  private readonly scaled = new Float32Array(1);

  constructor(env: Env<Obs, Act>, options: NormalizeRewardOptions = {}) {
    super(env);
    this.scaler = new ReturnScaler('NormalizeReward', 1, options);
  }

  /** The running statistics of the discounted return. */
  get rms(): RunningMeanStd {
    return this.scaler.rms;
  }
  /** When true the statistics are used but no longer updated. */
  get frozen(): boolean {
    return this.scaler.frozen;
  }
  set frozen(value: boolean) {
    this.scaler.frozen = value;
  }
  /** The statistics as JSON. */
  getState(): RunningStatsState {
    return this.scaler.rms.getState();
  }
  /** Restores statistics saved by {@link NormalizeReward.getState}. */
  setState(state: RunningStatsState): void {
    this.scaler.rms.setState(state);
  }

  override reset(options?: ResetOptions): ResetResult<Obs> {
    const r = this.env.reset(options);
    this.scaler.reset();
    return r;
  }

  override step(action: Act): StepResult<Obs> {
    const r = this.env.step(action);
    this.raw[0] = r.reward;
    this.scaler.scale(this.raw, () => r.terminated, () => r.truncated, this.scaled);
    return { ...r, reward: this.scaled[0] };
  }
}

/**
 * Clips Box actions to the env's bounds before stepping; the action space it shows is
 * unbounded (Gymnasium's ClipAction), so any real vector is a valid action.
 */
export class ClipAction<Obs = Float32Array> extends Wrapper<Obs, Float32Array> {
  private readonly box: Box;
  private readonly space: Box;

  constructor(env: Env<Obs, Float32Array>) {
    super(env);
    this.box = requireBox('ClipAction', 'action', env.actionSpace);
    this.space = new Box({ low: -Infinity, high: Infinity, shape: this.box.shape, dtype: this.box.dtype });
  }

  override get actionSpace(): Space<Float32Array> {
    return this.space;
  }

  override step(action: Float32Array): StepResult<Obs> {
    if (!(action instanceof Float32Array) || action.length !== this.box.flatDim) {
      throw new PpoTypeError('INVALID_ARGUMENT', `ClipAction.step: action must be a Float32Array of length ${this.box.flatDim}, got ${describeValue(action)}`);
    }
    const clipped = new Float32Array(action.length);
    clipRows(action, clipped, this.box.low, this.box.high, 1);
    return this.env.step(clipped);
  }
}

/** Clips Box observations to `[low, high]`; the observation space becomes the intersection. */
export class ClipObservation<Act = number | Float32Array> extends Wrapper<Float32Array, Act> {
  private readonly low: Float32Array;
  private readonly high: Float32Array;
  private readonly space: Box;

  constructor(env: Env<Float32Array, Act>, options: { readonly low: number | ArrayLike<number>; readonly high: number | ArrayLike<number> }) {
    super(env);
    const box = requireBox('ClipObservation', 'observation', env.observationSpace);
    if (options === null || typeof options !== 'object') throw new PpoTypeError('INVALID_ARGUMENT', `ClipObservation: options must be { low, high }, got ${describeValue(options)}`);
    this.low = boundsArray('ClipObservation', 'low', options.low, box.flatDim);
    this.high = boundsArray('ClipObservation', 'high', options.high, box.flatDim);
    checkOrdered('ClipObservation', this.low, this.high);
    this.space = intersectBox(box, this.low, this.high);
  }

  override get observationSpace(): Space<Float32Array> {
    return this.space;
  }

  override reset(options?: ResetOptions): ResetResult<Float32Array> {
    const r = this.env.reset(options);
    return { observation: this.clip(r.observation), info: r.info };
  }

  override step(action: Act): StepResult<Float32Array> {
    const r = this.env.step(action);
    return { ...r, observation: this.clip(r.observation) };
  }

  private clip(x: Float32Array): Float32Array {
    const out = new Float32Array(this.low.length);
    clipRows(x, out, this.low, this.high, 1);
    return out;
  }
}

/**
 * Applies `fn` to every observation (Gymnasium's TransformObservation). Pass the space of the
 * transformed observations when it differs from the env's.
 *
 * @example
 * ```ts
 * const scaled = new TransformObservation(env, (x) => x.map((v) => v / 255));
 * ```
 */
export class TransformObservation<Obs, Act = number | Float32Array, InnerObs = Float32Array> extends Wrapper<Obs, Act, InnerObs, Act> {
  private readonly fn: (observation: InnerObs) => Obs;
  private readonly space: Space<Obs>;

  constructor(env: Env<InnerObs, Act>, fn: (observation: InnerObs) => Obs, observationSpace?: Space<Obs>) {
    super(env);
    if (typeof fn !== 'function') throw new PpoTypeError('INVALID_ARGUMENT', `TransformObservation: fn must be a function, got ${describeValue(fn)}`);
    this.fn = fn;
    this.space = observationSpace ?? (env.observationSpace as unknown as Space<Obs>);
  }

  override get observationSpace(): Space<Obs> {
    return this.space;
  }

  override reset(options?: ResetOptions): ResetResult<Obs> {
    const r = this.env.reset(options);
    return { observation: this.fn(r.observation), info: r.info };
  }

  override step(action: Act): StepResult<Obs> {
    const r = this.env.step(action);
    return { ...r, observation: this.fn(r.observation) };
  }
}

/** Applies `fn` to every reward (Gymnasium's TransformReward). */
export class TransformReward<Obs = Float32Array, Act = number | Float32Array> extends Wrapper<Obs, Act> {
  private readonly fn: (reward: number) => number;

  constructor(env: Env<Obs, Act>, fn: (reward: number) => number) {
    super(env);
    if (typeof fn !== 'function') throw new PpoTypeError('INVALID_ARGUMENT', `TransformReward: fn must be a function, got ${describeValue(fn)}`);
    this.fn = fn;
  }

  override step(action: Act): StepResult<Obs> {
    const r = this.env.step(action);
    return { ...r, reward: this.fn(r.reward) };
  }
}

/** Bounds of the flattened form of a space, as Gymnasium's `flatten_space`. */
function flatBounds(spec: SpaceSpec, low: number[], high: number[]): void {
  switch (spec.type) {
    case 'box':
      for (let k = 0; k < spec.low.length; k++) {
        low.push(spec.low[k] ?? -Infinity);
        high.push(spec.high[k] ?? Infinity);
      }
      return;
    case 'discrete':
    case 'multi-binary':
      for (let k = 0; k < spec.n; k++) {
        low.push(0);
        high.push(1);
      }
      return;
    case 'multi-discrete':
      for (const n of spec.nvec) {
        for (let k = 0; k < n; k++) {
          low.push(0);
          high.push(1);
        }
      }
      return;
    case 'dict':
      // Dict flattens its keys in sorted order.
      for (const key of Object.keys(spec.spaces).sort()) flatBounds(spec.spaces[key], low, high);
      return;
    case 'tuple':
      for (const s of spec.spaces) flatBounds(s, low, high);
  }
}

/**
 * Flattens observations of any space to a `Float32Array` (`space.flatten`: one-hot for discrete
 * parts, concatenation for Dict and Tuple); the observation space becomes the matching Box.
 */
export class FlattenObservation<Act = number | Float32Array, InnerObs = unknown> extends Wrapper<Float32Array, Act, InnerObs, Act> {
  private readonly space: Box;

  constructor(env: Env<InnerObs, Act>) {
    super(env);
    const low: number[] = [];
    const high: number[] = [];
    flatBounds(env.observationSpace.toJSON(), low, high);
    this.space = new Box({ low, high, shape: [env.observationSpace.flatDim] });
  }

  override get observationSpace(): Space<Float32Array> {
    return this.space;
  }

  override reset(options?: ResetOptions): ResetResult<Float32Array> {
    const r = this.env.reset(options);
    return { observation: this.env.observationSpace.flatten(r.observation), info: r.info };
  }

  override step(action: Act): StepResult<Float32Array> {
    const r = this.env.step(action);
    return { ...r, observation: this.env.observationSpace.flatten(r.observation) };
  }
}

/** Options of {@link FrameStackObservation}. */
export interface FrameStackObservationOptions {
  /** How many consecutive observations to stack, an integer >= 1. */
  readonly stackSize: number;
  /**
   * What fills the stack at reset: copies of the first observation (`'reset'`, Gymnasium's
   * default) or zeros (`'zero'`). Default `'reset'`.
   */
  readonly padding?: 'reset' | 'zero';
}

/** @deprecated The Gymnasium 0.x name of {@link FrameStackObservationOptions}. */
export type FrameStackOptions = FrameStackObservationOptions;

/**
 * Stacks the last `stackSize` Box observations, oldest first: observations of shape `S`
 * become `[stackSize, ...S]`, flat and row-major (Gymnasium 1.x's FrameStackObservation).
 *
 * @example
 * ```ts
 * const stacked = new FrameStackObservation(make('CartPole-v1'), { stackSize: 4 }); // observations [4, 4]
 * ```
 */
export class FrameStackObservation<Act = number | Float32Array> extends Wrapper<Float32Array, Act> {
  readonly stackSize: number;
  private readonly padding: 'reset' | 'zero';
  private readonly frameSize: number;
  private readonly frames: Float32Array;
  private readonly space: Box;

  constructor(env: Env<Float32Array, Act>, options: FrameStackObservationOptions) {
    super(env);
    const box = requireBox('FrameStackObservation', 'observation', env.observationSpace);
    const k = options?.stackSize;
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) {
      throw new PpoRangeError('INVALID_ARGUMENT', `FrameStackObservation: stackSize must be a positive integer, got ${describeValue(k)}`);
    }
    const padding = options.padding ?? 'reset';
    if (padding !== 'reset' && padding !== 'zero') {
      throw new PpoTypeError('INVALID_ARGUMENT', `FrameStackObservation: padding must be 'reset' or 'zero', got ${describeValue(padding)}`);
    }
    this.stackSize = k;
    this.padding = padding;
    this.frameSize = box.flatDim;
    this.frames = new Float32Array(k * box.flatDim);
    const low = new Float32Array(k * box.flatDim);
    const high = new Float32Array(k * box.flatDim);
    for (let j = 0; j < k; j++) {
      low.set(box.low, j * box.flatDim);
      high.set(box.high, j * box.flatDim);
    }
    // Zero padding must stay inside the space.
    if (padding === 'zero') {
      for (let q = 0; q < low.length; q++) {
        low[q] = Math.min(low[q], 0);
        high[q] = Math.max(high[q], 0);
      }
    }
    this.space = new Box({ low, high, shape: [k, ...box.shape], dtype: box.dtype });
  }

  override get observationSpace(): Space<Float32Array> {
    return this.space;
  }

  override reset(options?: ResetOptions): ResetResult<Float32Array> {
    const r = this.env.reset(options);
    this.checkFrame(r.observation);
    const d = this.frameSize;
    for (let j = 0; j < this.stackSize - 1; j++) {
      if (this.padding === 'zero') this.frames.fill(0, j * d, (j + 1) * d);
      else this.frames.set(r.observation, j * d);
    }
    this.frames.set(r.observation, (this.stackSize - 1) * d);
    return { observation: this.frames.slice(), info: r.info };
  }

  override step(action: Act): StepResult<Float32Array> {
    const r = this.env.step(action);
    this.checkFrame(r.observation);
    this.frames.copyWithin(0, this.frameSize);
    this.frames.set(r.observation, (this.stackSize - 1) * this.frameSize);
    return { ...r, observation: this.frames.slice() };
  }

  private checkFrame(x: Float32Array): void {
    if (!(x instanceof Float32Array) || x.length !== this.frameSize) {
      throw new PpoTypeError('INVALID_ARGUMENT', `FrameStackObservation: the env's observation must be a Float32Array of length ${this.frameSize}, got ${describeValue(x)}`);
    }
  }
}

/**
 * @deprecated Gymnasium 1.x renamed it {@link FrameStackObservation}; this alias is the same
 * class and stays for code written against the old name.
 */
export const FrameStack = FrameStackObservation;
/** @deprecated See {@link FrameStackObservation}. */
export type FrameStack<Act = number | Float32Array> = FrameStackObservation<Act>;
