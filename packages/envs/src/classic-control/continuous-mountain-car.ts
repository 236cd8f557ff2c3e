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
 * Gymnasium stores the state as float32 after every step, and so does this env. Made by
 * `make('MountainCarContinuous-v0')` it is truncated at 999 steps.
 *
 * Actions outside [-1, 1] are clipped (as Gymnasium does), not rejected; NaN raises.
 *
 * State (float64 holding float32 values after a step) and observation: `[position, velocity]`.
 */
export class ContinuousMountainCarEnv extends ClassicControlEnv<Float32Array> {
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  readonly goalVelocity: number;
  protected readonly stateSize = 2;

  private position = 0;
  private velocity = 0;

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
  }

  protected checkAction(action: unknown): number {
    return scalarBoxAction(this.name, action);
  }

  protected transition(action: number): number {
    let { position, velocity } = this;
    const force = Math.min(Math.max(action, MIN_ACTION), MAX_ACTION);
    velocity += force * POWER - 0.0025 * Math.cos(3 * position);
    if (velocity > MAX_SPEED) velocity = MAX_SPEED;
    if (velocity < -MAX_SPEED) velocity = -MAX_SPEED;
    position += velocity;
    if (position > MAX_POSITION) position = MAX_POSITION;
    if (position < MIN_POSITION) position = MIN_POSITION;
    if (position === MIN_POSITION && velocity < 0) velocity = 0;
    const terminated = position >= GOAL_POSITION && velocity >= this.goalVelocity;
    let reward = 0;
    if (terminated) reward = 100.0;
    reward -= action ** 2 * 0.1;
    this.position = Math.fround(position);
    this.velocity = Math.fround(velocity);
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
  }

  protected draw(): SvgFrame {
    return drawMountainCar(this.position, GOAL_POSITION);
  }
}
