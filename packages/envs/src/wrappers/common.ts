import { describeValue, PpoRangeError, PpoTypeError, RunningMeanStd, type RunningMeanStdState } from '@ppo/utils';
import { Box, Dict, Tuple, type Space } from '../spaces';

/** The JSON state of a running mean/variance, as `RunningMeanStd.getState()` returns it. */
export type RunningStatsState = RunningMeanStdState;

/** The space as a Box, or a TypeError naming the wrapper and what it needs the space for. */
export function requireBox(owner: string, what: string, space: Space<unknown>): Box {
  if (!(space instanceof Box)) {
    throw new PpoTypeError('INVALID_ARGUMENT', `${owner}: needs a Box ${what} space, got ${JSON.stringify(space.toJSON())}`);
  }
  return space;
}

/** Per-entry bounds from a number or an array of `size` numbers. */
export function boundsArray(owner: string, name: string, value: unknown, size: number): Float32Array {
  const out = new Float32Array(size);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw new PpoRangeError('INVALID_ARGUMENT', `${owner}: ${name} must not be NaN`);
    return out.fill(value);
  }
  const arr = value as ArrayLike<number> | null;
  if (arr === null || typeof arr !== 'object' || arr.length !== size) {
    throw new PpoTypeError('INVALID_ARGUMENT', `${owner}: ${name} must be a number or an array of ${size} numbers, got ${describeValue(value)}`);
  }
  for (let k = 0; k < size; k++) {
    const v = arr[k];
    if (typeof v !== 'number' || Number.isNaN(v)) throw new PpoRangeError('INVALID_ARGUMENT', `${owner}: ${name}[${k}] must be a number, got ${describeValue(v)}`);
    out[k] = v;
  }
  return out;
}

/** Checks `low <= high` entry by entry. */
export function checkOrdered(owner: string, low: Float32Array, high: Float32Array): void {
  for (let k = 0; k < low.length; k++) {
    if (!(low[k] <= high[k])) throw new PpoRangeError('INVALID_ARGUMENT', `${owner}: low[${k}]=${low[k]} must be <= high[${k}]=${high[k]}`);
  }
}

/** Clips `n` rows of `low.length` entries from `src` into `dst` (which may be `src`). */
export function clipRows(src: ArrayLike<number>, dst: Float32Array, low: Float32Array, high: Float32Array, n: number): void {
  const d = low.length;
  for (let r = 0; r < n; r++) {
    const base = r * d;
    for (let k = 0; k < d; k++) {
      const v = src[base + k];
      dst[base + k] = v < low[k] ? low[k] : v > high[k] ? high[k] : v;
    }
  }
}

/** A Box with the bounds of `box` intersected with `[low, high]`. */
export function intersectBox(box: Box, low: Float32Array, high: Float32Array): Box {
  const lo = new Float32Array(box.flatDim);
  const hi = new Float32Array(box.flatDim);
  for (let k = 0; k < box.flatDim; k++) {
    lo[k] = Math.min(Math.max(box.low[k], low[k]), high[k]);
    hi[k] = Math.max(Math.min(box.high[k], high[k]), low[k]);
  }
  return new Box({ low: lo, high: hi, shape: box.shape, dtype: box.dtype });
}

/** Checks an optional positive finite number option. */
export function positiveOption(owner: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${owner}: ${name} must be a positive finite number, got ${describeValue(value)}`);
  }
  return value;
}

/** Options of the observation normalizers. */
export interface NormalizeObservationOptions {
  /** Added to the variance before the square root. Default 1e-8. */
  readonly epsilon?: number;
  /** When set, normalized observations are clipped to `[-clip, clip]` (SB3's `clip_obs`). Default: no clipping. */
  readonly clip?: number;
}

/** The checked options of `RunningMeanStd.normalize` for an observation normalizer. */
export function observationNormalizeOptions(owner: string, options: NormalizeObservationOptions): { epsilon: number; clip?: number } {
  if (options === null || typeof options !== 'object') {
    throw new PpoTypeError('INVALID_ARGUMENT', `${owner}: options must be an object { epsilon?, clip? }, got ${describeValue(options)}`);
  }
  const epsilon = positiveOption(owner, 'epsilon', options.epsilon, 1e-8);
  return options.clip === undefined ? { epsilon } : { epsilon, clip: positiveOption(owner, 'clip', options.clip, 0) };
}

/** The observation space of a normalizer: unbounded, or `[-clip, clip]`, in the shape of `box`. */
export function normalizedSpace(box: Box, clip: number | undefined): Box {
  const bound = clip ?? Infinity;
  return new Box({ low: -bound, high: bound, shape: box.shape, dtype: box.dtype });
}

/** Whether `space` is an image: a Box of rank 3 ([height, width, channels]). */
function isImage(space: Space<unknown>): boolean {
  return space instanceof Box && space.shape.length === 3;
}

/**
 * The observation normalizer of a Dict or Tuple space, as SB3's `VecNormalize` treats one: a flag
 * per flat entry, 1 where the entry belongs to a non-image Box sub-space (normalized), 0
 * elsewhere (images, and discrete sub-spaces, which stay raw); and the space the normalized
 * observations lie in (those Box sub-spaces unbounded, or `[-clip, clip]`). Null for any
 * other space.
 */
export function structuredNormalization(space: Space<unknown>, clip: number | undefined): { entries: Uint8Array; space: Space<unknown> } | null {
  if (!(space instanceof Dict) && !(space instanceof Tuple)) return null;
  const entries = new Uint8Array(space.flatDim);
  let offset = 0;
  const visit = (sub: Space<unknown>): Space<unknown> => {
    if (sub instanceof Dict) {
      const inner = sub.spaces as Readonly<Record<string, Space<unknown>>>;
      const spaces: Record<string, Space<unknown>> = {};
      for (const key of sub.keys) spaces[key] = visit(inner[key]);
      return new Dict({ spaces });
    }
    if (sub instanceof Tuple) return new Tuple({ spaces: (sub.spaces as readonly Space<unknown>[]).map(visit) });
    const normalized = sub instanceof Box && !isImage(sub);
    if (normalized) entries.fill(1, offset, offset + sub.flatDim);
    offset += sub.flatDim;
    return normalized ? normalizedSpace(sub, clip) : sub;
  };
  return { entries, space: visit(space) };
}

/** Options shared by the reward normalizers. */
export interface NormalizeRewardOptions {
  /** Discount of the running return whose variance scales the rewards. Default 0.99. */
  readonly gamma?: number;
  /** Added to the variance before the square root. Default 1e-8. */
  readonly epsilon?: number;
  /** When set, normalized rewards are clipped to `[-clip, clip]` (as SB3's `clip_reward`). Default: no clipping. */
  readonly clip?: number;
  /**
   * Use the older recursion of gym (before 0.26), OpenAI Baselines' and SB3's `VecNormalize`:
   * `G <- gamma * G + r`, with `G` set to 0 after a terminated OR truncated step and on
   * `reset()`. Default false: Gymnasium's `G <- G * gamma * (1 - terminated) + r`, which keeps
   * `G` across a truncation (and across `reset()`). Turn it on to reproduce results of those
   * libraries (the PPO paper's code normalized MuJoCo rewards with Baselines' recursion), or to
   * keep each episode's discounted return separate when time limits cut episodes short. The
   * two give different scales, so statistics saved under one do not carry over to the other.
   */
  readonly resetOnTruncation?: boolean;
}

/**
 * The reward scaling shared by {@link NormalizeReward} and {@link VectorNormalizeReward}: a
 * discounted return `G_i` per env (Gymnasium's recursion, or the older one with
 * `resetOnTruncation`), the running variance of `G` over all steps, and `r / sqrt(var + epsilon)` out.
 */
export class ReturnScaler {
  readonly gamma: number;
  readonly epsilon: number;
  readonly clip: number | undefined;
  readonly resetOnTruncation: boolean;
  readonly rms: RunningMeanStd;
  /** When true the statistics are used but no longer updated (the returns still are, as in Gymnasium). */
  frozen = false;
  private readonly returns: Float64Array;
  private readonly normalizeOptions: { center: false; epsilon: number; clip?: number };

  constructor(owner: string, numEnvs: number, options: NormalizeRewardOptions) {
    if (options === null || typeof options !== 'object') {
      throw new PpoTypeError('INVALID_ARGUMENT', `${owner}: options must be an object { gamma?, epsilon?, clip?, resetOnTruncation? }, got ${describeValue(options)}`);
    }
    const gamma = options.gamma ?? 0.99;
    if (typeof gamma !== 'number' || !(gamma >= 0 && gamma <= 1)) {
      throw new PpoRangeError('INVALID_ARGUMENT', `${owner}: gamma must be in [0, 1], got ${describeValue(gamma)}`);
    }
    const resetOnTruncation = options.resetOnTruncation ?? false;
    if (typeof resetOnTruncation !== 'boolean') {
      throw new PpoTypeError('INVALID_ARGUMENT', `${owner}: resetOnTruncation must be a boolean, got ${describeValue(resetOnTruncation)}`);
    }
    this.gamma = gamma;
    this.resetOnTruncation = resetOnTruncation;
    this.epsilon = positiveOption(owner, 'epsilon', options.epsilon, 1e-8);
    this.clip = options.clip === undefined ? undefined : positiveOption(owner, 'clip', options.clip, 0);
    this.rms = new RunningMeanStd(1);
    this.normalizeOptions = { center: false, epsilon: this.epsilon, ...(this.clip === undefined ? {} : { clip: this.clip }) };
    this.returns = new Float64Array(numEnvs);
  }

  /**
   * Advances the returns by one step of every env, updates the statistics and scales `rewards`
   * into `out`. `terminated(i)`/`truncated(i)` are env `i`'s flags of this step.
   */
  scale(rewards: Float32Array, terminated: (i: number) => boolean, truncated: (i: number) => boolean, out: Float32Array): void {
    const n = this.returns.length;
    const g = this.returns;
    if (this.resetOnTruncation) {
      for (let i = 0; i < n; i++) g[i] = g[i] * this.gamma + rewards[i];
    } else {
      for (let i = 0; i < n; i++) g[i] = (terminated(i) ? 0 : g[i] * this.gamma) + rewards[i];
    }
    if (!this.frozen) this.rms.update(g, n);
    this.rms.normalize(rewards, out, this.normalizeOptions);
    if (this.resetOnTruncation) {
      for (let i = 0; i < n; i++) if (terminated(i) || truncated(i)) g[i] = 0;
    }
  }

  /** For a `reset()` of every env: forgets the returns under `resetOnTruncation`; Gymnasium's recursion keeps them. */
  reset(): void {
    if (this.resetOnTruncation) this.returns.fill(0);
  }
}

/** A finished episode's statistics, as `info.episode`. */
export interface EpisodeStatistics {
  /** The undiscounted return. */
  readonly r: number;
  /** The length in steps. */
  readonly l: number;
  /** The wall-clock duration in seconds. */
  readonly t: number;
}

/** Running sums per env and the most recent finished episodes, shared by the two RecordEpisodeStatistics. */
export class EpisodeTracker {
  /** The returns of the most recent finished episodes, oldest first (at most `bufferLength`). */
  readonly returnQueue: number[] = [];
  /** Their lengths. */
  readonly lengthQueue: number[] = [];
  readonly bufferLength: number;
  private readonly returns: Float64Array;
  private readonly lengths: Int32Array;
  private readonly starts: Float64Array;

  constructor(owner: string, numEnvs: number, bufferLength: unknown) {
    const b = bufferLength ?? 100;
    if (typeof b !== 'number' || !Number.isInteger(b) || b < 1) {
      throw new PpoRangeError('INVALID_ARGUMENT', `${owner}: bufferLength must be a positive integer, got ${describeValue(b)}`);
    }
    this.bufferLength = b;
    this.returns = new Float64Array(numEnvs);
    this.lengths = new Int32Array(numEnvs);
    this.starts = new Float64Array(numEnvs);
  }

  /** Starts a new episode for env `i`. */
  start(i: number): void {
    this.returns[i] = 0;
    this.lengths[i] = 0;
    this.starts[i] = performance.now();
  }

  /** Adds one step of env `i`. */
  add(i: number, reward: number): void {
    this.returns[i] += reward;
    this.lengths[i] += 1;
  }

  /** Ends env `i`'s episode and starts the next one; returns the finished episode's statistics. */
  finish(i: number): EpisodeStatistics {
    const now = performance.now();
    const stats = { r: this.returns[i], l: this.lengths[i], t: (now - this.starts[i]) / 1000 };
    this.returnQueue.push(stats.r);
    this.lengthQueue.push(stats.l);
    if (this.returnQueue.length > this.bufferLength) {
      this.returnQueue.shift();
      this.lengthQueue.shift();
    }
    this.returns[i] = 0;
    this.lengths[i] = 0;
    this.starts[i] = now;
    return stats;
  }
}
