import { cos } from '@ppo/utils';
import type { SvgFrame } from '../env';
import { Box } from '../spaces';

import { ClassicControlEnv, finiteOption, resetBounds, scalarBoxAction, type ClassicControlOptions } from './common';
import { drawMountainCar } from './svg';

const MIN_ACTION = -1.0;
const MAX_ACTION = 1.0;
const MIN_POSITION = -1.2;
const MAX_POSITION = 0.6;
const MAX_SPEED = 0.07;
const GOAL_POSITION = 0.45;
const POWER = 0.0015;
const POWER_F32 = Math.fround(POWER);
const exact = (x: number): number => x;

/** Options of {@link ContinuousMountainCarEnv}. */
export interface ContinuousMountainCarOptions extends ClassicControlOptions {
  /** The velocity the car must have at the goal to terminate. Default 0 (Gymnasium's). */
  readonly goalVelocity?: number;
}

/**
 * MountainCarContinuous-v0, exactly as Gymnasium's `Continuous_MountainCarEnv`: the force is the
 * action clipped to [-1, 1]; `v += force * 0.0015 - 0.0025 cos(3p)`, clipped to 0.07 in
 * magnitude; `p += v`, clipped to [-1.2, 0.6], velocity zeroed at the left wall when moving left;
 * terminated at `p >= 0.45` with `v >= goalVelocity`; reward +100 on reaching the goal minus
 * `0.1 a^2` every step with the RAW (unclipped) action; reset `p ~ U(-0.6, -0.4)`, `v = 0`.
 * Made by `make('MountainCarContinuous-v0')` it is truncated at 999 steps.
 *
 * Bit for bit Gymnasium 1.x under NumPy 2: Gymnasium's state is a float64 array after reset
 * and a float32 array after every step, so from the second step on the velocity and position
 * updates (and the comparisons with the bounds and the goal) are float32 arithmetic, as
 * NumPy 2's promotion rules (NEP 50) make them; this env rounds each of those operations to
 * float32 likewise. (Under NumPy 1 the same code runs in float64 and rounds once per step; the
 * two differ by up to about 1e-7 on some steps.) The action is read as a float32, the action
 * space's dtype.
 *
 * Actions outside [-1, 1], ±Infinity included, are clipped (as Gymnasium does), not rejected;
 * the reward then uses the raw action, so an infinite action gives a reward of -Infinity, as
 * in Gymnasium. NaN raises.
 *
 * State (float64, holding float32 values after a step) and observation: `[position, velocity]`.
 * `setState` with two float32 values continues as after a step; other values start as after
 * reset (float64 arithmetic for one step).
 */
export class ContinuousMountainCarEnv extends ClassicControlEnv<Float32Array> {
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  readonly goalVelocity: number;
  protected readonly stateSize = 2;

  private position = 0;
  private velocity = 0;
  /** Whether Gymnasium's state would be a float32 array (after a step) rather than float64 (after reset). */
  private float32State = false;

  constructor(options?: ContinuousMountainCarOptions) {
    super('MountainCarContinuous-v0', options, ['goalVelocity']);
    this.goalVelocity = finiteOption(this.name, 'goalVelocity', options?.goalVelocity, 0);
    this.observationSpace = new Box({
      low: [MIN_POSITION, -MAX_SPEED],
      high: [MAX_POSITION, MAX_SPEED],
      dtype: 'float32',
    });
    this.actionSpace = new Box({ low: MIN_ACTION, high: MAX_ACTION, shape: [1], dtype: 'float32' });
  }

  protected sampleInitialState(options: Readonly<Record<string, unknown>> | undefined): void {
    const [low, high] = resetBounds(this.name, options, -0.6, -0.4);
    this.position = this.rng.uniform(low, high);
    this.velocity = 0;
    this.float32State = false;
  }

  protected checkAction(action: unknown): number {
    return scalarBoxAction(this.name, action);
  }

  protected transition(action: number): number {
    // Gymnasium's step under NumPy 2 (NEP 50): the state is a float64 array after reset and a
    // float32 array after every step, and the action a float32 array. Arithmetic between a
    // float32 and a Python float (a constant, math.cos, a clip value) runs in float32 with the
    // Python float rounded to float32 first; comparisons likewise. Once a variable is clipped it
    // holds a Python float, so the comparisons after that use the exact constant.
    const a = Math.fround(action);
    const f32 = this.float32State;
    const r = f32 ? Math.fround : exact;
    let { position, velocity } = this;
    const gravity = 0.0025 * cos(r(3 * position));
    // The force is the float32 action, or a Python float when the action was clipped.
    const dv =
      a < MIN_ACTION || a > MAX_ACTION
        ? Math.sign(a) * POWER - gravity
        : Math.fround(Math.fround(a * POWER_F32) - Math.fround(gravity));
    velocity = r(velocity + r(dv));
    let velocityExact = false;
    if (velocity > r(MAX_SPEED)) {
      velocity = MAX_SPEED;
      velocityExact = true;
    }
    if (velocity < r(-MAX_SPEED)) {
      velocity = -MAX_SPEED;
      velocityExact = true;
    }
    position = r(position + r(velocity));
    let positionExact = false;
    if (position > r(MAX_POSITION)) {
      position = MAX_POSITION;
      positionExact = true;
    }
    if (position < r(MIN_POSITION)) {
      position = MIN_POSITION;
      positionExact = true;
    }
    const rp = positionExact ? exact : r;
    if (position === rp(MIN_POSITION) && velocity < 0) {
      velocity = 0;
      velocityExact = true;
    }
    const rv = velocityExact ? exact : r;
    const terminated = position >= rp(GOAL_POSITION) && velocity >= rv(this.goalVelocity);
    let reward = 0;
    if (terminated) reward = 100.0;
    reward -= a ** 2 * 0.1;
    this.position = Math.fround(position);
    this.velocity = Math.fround(velocity);
    this.float32State = true;
    this.terminalFlag = terminated;
    return reward;
  }

  protected writeObservation(out: Float32Array, offset: number): void {
    out[offset] = this.position;
    out[offset + 1] = this.velocity;
  }

  protected readState(out: Float64Array): void {
    out[0] = this.position;
    out[1] = this.velocity;
  }

  protected writeState(state: ArrayLike<number>): void {
    this.position = state[0];
    this.velocity = state[1];
    // float32 values continue a stepped episode (getState after a step gives them back);
    // anything else is a fresh float64 state, as after reset.
    this.float32State = Math.fround(state[0]) === state[0] && Math.fround(state[1]) === state[1];
  }

  protected draw(): SvgFrame {
    return drawMountainCar(this.position, GOAL_POSITION);
  }
}
