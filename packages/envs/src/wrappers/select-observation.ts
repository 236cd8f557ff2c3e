import { describeValue, PpoRangeError, PpoTypeError } from '@ppo/utils';
import type { Env, ResetOptions, ResetResult, StepResult } from '../env';
import { Box, type Space } from '../spaces';
import { requireBox } from './common';
import { Wrapper } from './wrapper';

/** Options of {@link SelectObservation}. */
export interface SelectObservationOptions {
  /**
   * Positions (in the flat, row-major observation) to keep, in the order they appear in the new
   * observation: distinct integers in [0, flat size).
   */
  readonly indices: readonly number[];
}

/**
 * An observation filter: keeps only the given entries of a flat Box observation, dropping the
 * rest; the observation space becomes the Box of the kept entries' bounds (shape
 * [indices.length]). This is how RL Zoo's partially observed tasks hide velocities:
 * `CartPoleNoVel-v1` keeps cart position and pole angle of CartPole, `PendulumNoVel-v1` keeps
 * cos and sin of the angle of Pendulum.
 *
 * @example
 * ```ts
 * const env = new SelectObservation(make('CartPole-v1'), { indices: [0, 2] });
 * env.reset({ seed: 0 }).observation; // Float32Array [x, theta]
 * ```
 */
export class SelectObservation<Act = number | Float32Array> extends Wrapper<Float32Array, Act> {
  /** The kept positions, in output order. */
  readonly indices: readonly number[];
  private readonly space: Box;

  constructor(env: Env<Float32Array, Act>, options: SelectObservationOptions) {
    super(env);
    const box = requireBox('SelectObservation', 'observation', env.observationSpace);
    if (options === null || typeof options !== 'object' || !Array.isArray(options.indices) || options.indices.length === 0) {
      throw new PpoTypeError('INVALID_ARGUMENT', `SelectObservation: options.indices must be a non-empty array of positions, got ${describeValue(options?.indices)}`);
    }
    const indices: readonly unknown[] = options.indices;
    const seen = new Set<number>();
    indices.forEach((index, k) => {
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= box.flatDim) {
        throw new PpoRangeError('INVALID_ARGUMENT', `SelectObservation: indices[${k}] must be an integer in [0, ${box.flatDim}), got ${describeValue(index)}`);
      }
      if (seen.has(index)) throw new PpoRangeError('INVALID_ARGUMENT', `SelectObservation: indices[${k}] = ${index} appears twice`);
      seen.add(index);
    });
    this.indices = Object.freeze([...seen]);
    this.space = new Box({
      low: this.indices.map((i) => box.low[i]),
      high: this.indices.map((i) => box.high[i]),
      dtype: box.dtype,
    });
  }

  override get observationSpace(): Space<Float32Array> {
    return this.space;
  }

  override reset(options?: ResetOptions): ResetResult<Float32Array> {
    const r = this.env.reset(options);
    return { observation: this.select(r.observation), info: r.info };
  }

  override step(action: Act): StepResult<Float32Array> {
    const r = this.env.step(action);
    return { ...r, observation: this.select(r.observation) };
  }

  private select(x: Float32Array): Float32Array {
    const out = new Float32Array(this.indices.length);
    this.indices.forEach((index, k) => {
      out[k] = x[index];
    });
    return out;
  }
}
