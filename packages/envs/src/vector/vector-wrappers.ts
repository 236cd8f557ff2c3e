import { describeValue, PpoRangeError, PpoTypeError, RunningMeanStd } from '@ppo/utils';
import type { Info } from '../env';
import type { Box, Space } from '../spaces';
import {
  boundsArray,
  checkOrdered,
  clipRows,
  EpisodeTracker,
  intersectBox,
  normalizedSpace,
  observationNormalizeOptions,
  requireBox,
  structuredNormalization,
  ReturnScaler,
  type NormalizeObservationOptions,
  type NormalizeRewardOptions,
  type RunningStatsState,
} from '../wrappers/common';
import type { VectorEnv, VectorResetOptions, VectorResetResult, VectorStepResult } from './vector-env';
import { VectorWrapper } from './vector-wrapper';

type MutableStepResult = { -readonly [K in keyof VectorStepResult]: VectorStepResult[K] };

/**
 * Fills a wrapper's reused result object: its own arrays where it has them, the inner result's
 * elsewhere (so a wrapper allocates nothing per step).
 */
function assign(out: MutableStepResult, inner: VectorStepResult, own: Partial<VectorStepResult>): VectorStepResult {
  out.observations = own.observations ?? inner.observations;
  out.rewards = own.rewards ?? inner.rewards;
  out.terminated = inner.terminated;
  out.truncated = inner.truncated;
  out.finalObservations = own.finalObservations ?? inner.finalObservations;
  out.infos = own.infos ?? inner.infos;
  out.actionMasks = inner.actionMasks;
  return out;
}

function emptyResult(): MutableStepResult {
  return {
    observations: new Float32Array(0),
    rewards: new Float32Array(0),
    terminated: new Uint8Array(0),
    truncated: new Uint8Array(0),
    finalObservations: new Float32Array(0),
    infos: [],
  };
}

/** Options of {@link VectorRecordEpisodeStatistics}. */
export interface RecordEpisodeStatisticsOptions {
  /** How many recent episodes `returnQueue` / `lengthQueue` keep. Default 100. */
  readonly bufferLength?: number;
}

/**
 * Records each episode's raw return, length and duration: where an episode ends,
 * `infos[i].episode = { r, l, t }` (a new info object; the inner one is not modified). Put it
 * innermost, before any reward normalization, so the returns are the env's own.
 *
 * @example
 * ```ts
 * const venv = new VectorRecordEpisodeStatistics(new SyncVectorEnv(factories));
 * const { infos } = venv.step(actions);
 * for (const info of infos) if (info.episode) console.log(info.episode);
 * ```
 */
export class VectorRecordEpisodeStatistics extends VectorWrapper {
  private readonly out = emptyResult();
  private readonly tracker: EpisodeTracker;
  private readonly infos: Info[];

  constructor(env: VectorEnv, options: RecordEpisodeStatisticsOptions = {}) {
    super(env);
    this.tracker = new EpisodeTracker('VectorRecordEpisodeStatistics', env.numEnvs, options.bufferLength);
    this.infos = new Array<Info>(env.numEnvs);
  }

  /** The returns of the most recent finished episodes, oldest first. */
  get returnQueue(): readonly number[] {
    return this.tracker.returnQueue;
  }
  /** The lengths of the most recent finished episodes, oldest first. */
  get lengthQueue(): readonly number[] {
    return this.tracker.lengthQueue;
  }

  override reset(options?: VectorResetOptions): VectorResetResult {
    const r = this.env.reset(options);
    for (let i = 0; i < this.numEnvs; i++) this.tracker.start(i);
    return r;
  }

  override step(actions: Float32Array | Int32Array): VectorStepResult {
    const r = this.env.step(actions);
    const { rewards, terminated, truncated, infos } = r;
    let any = false;
    for (let i = 0; i < this.numEnvs; i++) {
      this.tracker.add(i, rewards[i]);
      if (terminated[i] === 1 || truncated[i] === 1) {
        this.infos[i] = { ...infos[i], episode: this.tracker.finish(i) };
        any = true;
      } else {
        this.infos[i] = infos[i];
      }
    }
    return any ? assign(this.out, r, { infos: this.infos }) : r;
  }
}

/**
 * Clips box actions to the action space's bounds before they reach the envs, so a Gaussian
 * policy's samples are always valid. The action space it shows is the inner one.
 */
export class VectorClipAction extends VectorWrapper {
  private readonly out = emptyResult();
  private readonly box: Box;
  private readonly clipped: Float32Array;

  constructor(env: VectorEnv) {
    super(env);
    this.box = requireBox('VectorClipAction', 'action', env.singleActionSpace);
    this.clipped = new Float32Array(env.numEnvs * env.actionSize);
  }

  override step(actions: Float32Array | Int32Array): VectorStepResult {
    if (!(actions instanceof Float32Array) || actions.length !== this.clipped.length) {
      throw new PpoTypeError('INVALID_ARGUMENT', `VectorClipAction.step: actions must be a Float32Array of length ${this.clipped.length}, got ${describeValue(actions)}`);
    }
    clipRows(actions, this.clipped, this.box.low, this.box.high, this.numEnvs);
    return this.env.step(this.clipped);
  }
}

/** Options of {@link VectorClipObservation} and `ClipObservation`. */
export interface ClipObservationOptions {
  /** Lower bound: one number or one per entry. */
  readonly low: number | ArrayLike<number>;
  /** Upper bound: one number or one per entry. */
  readonly high: number | ArrayLike<number>;
}

/**
 * Clips observations and final observations to `[low, high]`; the observation space becomes the
 * inner Box intersected with those bounds.
 */
export class VectorClipObservation extends VectorWrapper {
  private readonly out = emptyResult();
  private readonly low: Float32Array;
  private readonly high: Float32Array;
  private readonly space: Box;
  private readonly observations: Float32Array;
  private readonly finalObservations: Float32Array;

  constructor(env: VectorEnv, options: ClipObservationOptions) {
    super(env);
    const box = requireBox('VectorClipObservation', 'observation', env.singleObservationSpace);
    if (options === null || typeof options !== 'object') throw new PpoTypeError('INVALID_ARGUMENT', `VectorClipObservation: options must be { low, high }, got ${describeValue(options)}`);
    this.low = boundsArray('VectorClipObservation', 'low', options.low, box.flatDim);
    this.high = boundsArray('VectorClipObservation', 'high', options.high, box.flatDim);
    checkOrdered('VectorClipObservation', this.low, this.high);
    this.space = intersectBox(box, this.low, this.high);
    this.observations = new Float32Array(env.numEnvs * env.observationSize);
    this.finalObservations = new Float32Array(env.numEnvs * env.observationSize);
  }

  override get singleObservationSpace(): Space<unknown> {
    return this.space;
  }

  override reset(options?: VectorResetOptions): VectorResetResult {
    const r = this.env.reset(options);
    clipRows(r.observations, this.observations, this.low, this.high, this.numEnvs);
    return { observations: this.observations, infos: r.infos, actionMasks: r.actionMasks };
  }

  override step(actions: Float32Array | Int32Array): VectorStepResult {
    const r = this.env.step(actions);
    clipRows(r.observations, this.observations, this.low, this.high, this.numEnvs);
    clipRows(r.finalObservations, this.finalObservations, this.low, this.high, this.numEnvs);
    return assign(this.out, r, { observations: this.observations, finalObservations: this.finalObservations });
  }
}

/**
 * Normalizes observations to zero mean and unit variance with a running estimate over every
 * observation seen (`(x - mean) / sqrt(var + epsilon)`, Gymnasium's NormalizeObservation).
 * A Dict or Tuple observation is normalized per key: the entries of its non-image Box
 * sub-spaces are, images (Box of rank 3) and discrete sub-spaces are passed through raw (the
 * statistics still cover every entry, so their state has the flat size).
 * Final observations are normalized with the same statistics as the step's observations, so
 * bootstrapping sees the inputs the policy sees. The observation space becomes unbounded
 * (`[-clip, clip]` with `clip`). Set `frozen` to stop updating (evaluation);
 * `getState`/`setState` save and restore the statistics.
 */
export class VectorNormalizeObservation extends VectorWrapper {
  private readonly out = emptyResult();
  /** The running statistics (`@ppo/gae`'s RunningMeanStd). */
  readonly rms: RunningMeanStd;
  /** When true the statistics are used but no longer updated. */
  frozen = false;
  private readonly normalizeOptions: { epsilon: number; clip?: number };
  private readonly space: Space<unknown>;
  /** For a Dict or Tuple space: 1 for the flat entries that are normalized, 0 for those passed through. */
  private readonly entries: Uint8Array | null;
  private readonly observations: Float32Array;
  private readonly finalObservations: Float32Array;

  constructor(env: VectorEnv, options: NormalizeObservationOptions = {}) {
    super(env);
    this.normalizeOptions = observationNormalizeOptions('VectorNormalizeObservation', options);
    const structured = structuredNormalization(env.singleObservationSpace, this.normalizeOptions.clip);
    if (structured === null) {
      const box = requireBox('VectorNormalizeObservation', 'observation (or Dict / Tuple)', env.singleObservationSpace);
      this.space = normalizedSpace(box, this.normalizeOptions.clip);
      this.entries = null;
    } else {
      ({ space: this.space, entries: this.entries } = structured);
    }
    this.rms = new RunningMeanStd(env.observationSize);
    this.observations = new Float32Array(env.numEnvs * env.observationSize);
    this.finalObservations = new Float32Array(env.numEnvs * env.observationSize);
  }

  /** Unbounded (or `[-clip, clip]`), as normalized values may fall anywhere. */
  override get singleObservationSpace(): Space<unknown> {
    return this.space;
  }

  /** The statistics as JSON. */
  getState(): RunningStatsState {
    return this.rms.getState();
  }
  /** Restores statistics saved by {@link VectorNormalizeObservation.getState}. */
  setState(state: RunningStatsState): void {
    if (state?.size !== this.observationSize) {
      throw new PpoRangeError('INVALID_ARGUMENT', `VectorNormalizeObservation.setState: state.size must be ${this.observationSize}, got ${describeValue(state?.size)}`);
    }
    this.rms.setState(state);
  }

  override reset(options?: VectorResetOptions): VectorResetResult {
    const r = this.env.reset(options);
    this.normalize(r.observations, this.observations, true);
    return { observations: this.observations, infos: r.infos, actionMasks: r.actionMasks };
  }

  override step(actions: Float32Array | Int32Array): VectorStepResult {
    const r = this.env.step(actions);
    this.normalize(r.observations, this.observations, true);
    this.normalize(r.finalObservations, this.finalObservations, false);
    return assign(this.out, r, { observations: this.observations, finalObservations: this.finalObservations });
  }

  private normalize(x: Float32Array, out: Float32Array, update: boolean): void {
    if (update && !this.frozen) this.rms.update(x, this.numEnvs);
    this.rms.normalize(x, out, this.normalizeOptions);
    const { entries } = this;
    if (entries === null) return;
    const d = entries.length;
    for (let i = 0; i < this.numEnvs; i++) {
      for (let k = 0; k < d; k++) if (entries[k] === 0) out[i * d + k] = x[i * d + k];
    }
  }
}

/**
 * Scales rewards by the running standard deviation of the discounted return, as Gymnasium
 * 1.x's vector NormalizeReward: `G_i <- G_i * gamma * (1 - terminated_i) + r_i`, the running
 * variance of `G` over every step of every env, and `r / sqrt(var + epsilon)` out (no mean
 * subtraction). `G_i` is kept across a truncation and across `reset()`. Option
 * `resetOnTruncation` gives the older recursion of gym and SB3's VecNormalize instead:
 * `G_i <- gamma * G_i + r_i`, set to 0 after env `i`'s episode ends (terminated or truncated)
 * and on `reset()` (see {@link NormalizeRewardOptions}). Set `frozen` to stop updating the
 * statistics; `getState`/`setState` save and restore them.
 *
 * @example
 * ```ts
 * const venv = new VectorNormalizeReward(new SyncVectorEnv(factories), { gamma: 0.99 });
 * ```
 */
export class VectorNormalizeReward extends VectorWrapper {
  private readonly out = emptyResult();
  private readonly scaler: ReturnScaler;
  private readonly rewards: Float32Array;

  constructor(env: VectorEnv, options: NormalizeRewardOptions = {}) {
    super(env);
    this.scaler = new ReturnScaler('VectorNormalizeReward', env.numEnvs, options);
    this.rewards = new Float32Array(env.numEnvs);
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
  /** Restores statistics saved by {@link VectorNormalizeReward.getState}. */
  setState(state: RunningStatsState): void {
    if (state?.size !== 1) throw new PpoRangeError('INVALID_ARGUMENT', `VectorNormalizeReward.setState: state.size must be 1, got ${describeValue(state?.size)}`);
    this.scaler.rms.setState(state);
  }

  override reset(options?: VectorResetOptions): VectorResetResult {
    const r = this.env.reset(options);
    this.scaler.reset();
    return r;
  }

  override step(actions: Float32Array | Int32Array): VectorStepResult {
    const r = this.env.step(actions);
    const { terminated, truncated } = r;
    this.scaler.scale(r.rewards, (i) => terminated[i] === 1, (i) => truncated[i] === 1, this.rewards);
    return assign(this.out, r, { rewards: this.rewards });
  }
}

/**
 * Applies `fn(reward, envIndex)` to every reward (Gymnasium's TransformReward, per entry).
 *
 * @example
 * ```ts
 * const scaled = new VectorTransformReward(venv, (r) => 0.1 * r);
 * ```
 */
export class VectorTransformReward extends VectorWrapper {
  private readonly out = emptyResult();
  private readonly fn: (reward: number, index: number) => number;
  private readonly rewards: Float32Array;

  constructor(env: VectorEnv, fn: (reward: number, index: number) => number) {
    super(env);
    if (typeof fn !== 'function') throw new PpoTypeError('INVALID_ARGUMENT', `${new.target.name}: fn must be a function, got ${describeValue(fn)}`);
    this.fn = fn;
    this.rewards = new Float32Array(env.numEnvs);
  }

  override step(actions: Float32Array | Int32Array): VectorStepResult {
    const r = this.env.step(actions);
    for (let i = 0; i < this.numEnvs; i++) this.rewards[i] = this.fn(r.rewards[i], i);
    return assign(this.out, r, { rewards: this.rewards });
  }
}

/** Clips every reward to `[min, max]`. */
export class VectorClipReward extends VectorTransformReward {
  constructor(env: VectorEnv, options: { readonly min: number; readonly max: number }) {
    const { min, max } = options ?? ({} as { min: number; max: number });
    if (typeof min !== 'number' || typeof max !== 'number' || !(min <= max)) {
      throw new PpoRangeError('INVALID_ARGUMENT', `VectorClipReward: options must be { min, max } with min <= max, got ${describeValue(options)}`);
    }
    super(env, (r) => (r < min ? min : r > max ? max : r));
  }
}
