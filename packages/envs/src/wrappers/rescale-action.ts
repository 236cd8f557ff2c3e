import { describeValue, PpoRangeError, PpoTypeError } from '@ppo/utils';
import type { Env, StepResult } from '../env';
import { Box, type Space } from '../spaces';
import { boundsArray, requireBox } from './common';
import { Wrapper } from './wrapper';

/** Options of {@link RescaleAction}: the bounds of the actions the wrapper accepts. */
export interface RescaleActionOptions {
  /** Lowest action, one number for every entry or one per entry. */
  readonly min: number | ArrayLike<number>;
  /** Highest action, one number for every entry or one per entry; above `min` everywhere. */
  readonly max: number | ArrayLike<number>;
}

/**
 * Rescales a Box action space affinely to `[min, max]` (Gymnasium 1.x's RescaleAction): the
 * wrapper accepts actions in `[min, max]` and steps the env with
 * `low + (action - min) * (high - low) / (max - min)`, so `min` maps to the env's `low` and
 * `max` to its `high`. An unbounded entry of the env's space must keep its infinite bound; it is
 * shifted by the difference of the finite ones (not scaled). Actions outside `[min, max]` are
 * mapped by the same affine function, not clipped (put {@link ClipAction} outside for that).
 *
 * @example
 * ```ts
 * // Pendulum's torque in [-2, 2], driven by a policy that outputs [-1, 1]:
 * const env = new RescaleAction(make<Float32Array, Float32Array>('Pendulum-v1'), { min: -1, max: 1 });
 * env.step(new Float32Array([1])); // the pendulum receives a torque of 2
 * ```
 */
export class RescaleAction<Obs = Float32Array> extends Wrapper<Obs, Float32Array> {
  private readonly space: Box;
  /** Per entry, env action = offset + scale * action, in float64. */
  private readonly scale: Float64Array;
  private readonly offset: Float64Array;

  constructor(env: Env<Obs, Float32Array>, options: RescaleActionOptions) {
    super(env);
    const box = requireBox('RescaleAction', 'action', env.actionSpace);
    if (options === null || typeof options !== 'object') {
      throw new PpoTypeError('INVALID_ARGUMENT', `RescaleAction: options must be { min, max }, got ${describeValue(options)}`);
    }
    const n = box.flatDim;
    const min = boundsArray('RescaleAction', 'min', options.min, n);
    const max = boundsArray('RescaleAction', 'max', options.max, n);
    this.scale = new Float64Array(n);
    this.offset = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const [low, high, lo, hi] = [box.low[k], box.high[k], min[k], max[k]];
      if (!(lo < hi)) {
        throw new PpoRangeError('INVALID_ARGUMENT', `RescaleAction: min[${k}]=${lo} must be below max[${k}]=${hi} (the rescaling has no inverse where they meet)`);
      }
      // An unbounded entry stays unbounded on the same side.
      if (!(Number.isFinite(lo) && Number.isFinite(low)) && lo !== low) {
        throw new PpoRangeError('INVALID_ARGUMENT', `RescaleAction: min[${k}]=${lo} and the env's low[${k}]=${low} must both be finite or both be the same infinity`);
      }
      if (!(Number.isFinite(hi) && Number.isFinite(high)) && hi !== high) {
        throw new PpoRangeError('INVALID_ARGUMENT', `RescaleAction: max[${k}]=${hi} and the env's high[${k}]=${high} must both be finite or both be the same infinity`);
      }
      if (Number.isFinite(lo) && Number.isFinite(hi)) {
        this.scale[k] = (high - low) / (hi - lo);
        this.offset[k] = low - lo * this.scale[k];
      } else {
        // Half or fully unbounded: a shift that keeps the finite bound in place.
        this.scale[k] = 1;
        this.offset[k] = Number.isFinite(lo) ? low - lo : Number.isFinite(hi) ? high - hi : 0;
      }
    }
    this.space = new Box({ low: min, high: max, shape: box.shape, dtype: box.dtype });
  }

  override get actionSpace(): Space<Float32Array> {
    return this.space;
  }

  override step(action: Float32Array): StepResult<Obs> {
    if (!(action instanceof Float32Array) || action.length !== this.scale.length) {
      throw new PpoTypeError('INVALID_ARGUMENT', `RescaleAction.step: action must be a Float32Array of length ${this.scale.length}, got ${describeValue(action)}`);
    }
    // A fresh array per step: the env may keep the action it is given.
    const out = new Float32Array(action.length);
    for (let k = 0; k < out.length; k++) out[k] = this.offset[k] + this.scale[k] * action[k];
    return this.env.step(out);
  }
}
