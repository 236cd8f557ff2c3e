import { describeValue, PpoRangeError } from '@ppo/utils';
import type { Env } from '../env';
import { TransformReward } from './wrappers';

/** Options of {@link ClipReward}: at least one bound. */
export interface ClipRewardOptions {
  /** Rewards below it become it; no lower bound when absent. */
  readonly min?: number;
  /** Rewards above it become it; no upper bound when absent. */
  readonly max?: number;
}

function bound(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new PpoRangeError('INVALID_ARGUMENT', `ClipReward: ${name} must be a number or absent, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Clips every reward of one env to `[min, max]` (Gymnasium 1.x's ClipReward); either bound may
 * be left out, not both. {@link VectorClipReward} does the same for a vector env.
 *
 * @example
 * ```ts
 * const env = new ClipReward(make('CartPole-v1'), { max: 0.5 }); // every reward is 0.5
 * ```
 */
export class ClipReward<Obs = Float32Array, Act = number | Float32Array> extends TransformReward<Obs, Act> {
  /** The lower bound, or -Infinity. */
  readonly min: number;
  /** The upper bound, or Infinity. */
  readonly max: number;

  constructor(env: Env<Obs, Act>, options: ClipRewardOptions) {
    const min = bound('min', options?.min);
    const max = bound('max', options?.max);
    if (min === undefined && max === undefined) {
      throw new PpoRangeError('INVALID_ARGUMENT', `ClipReward: options must give min, max or both, got ${describeValue(options)}`);
    }
    const lo = min ?? -Infinity;
    const hi = max ?? Infinity;
    if (!(lo <= hi)) throw new PpoRangeError('INVALID_ARGUMENT', `ClipReward: min=${lo} must not be above max=${hi}`);
    super(env, (r) => (r < lo ? lo : r > hi ? hi : r));
    this.min = lo;
    this.max = hi;
  }
}
