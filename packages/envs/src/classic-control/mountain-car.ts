import { cos } from '@ppo/utils';
import type { SvgFrame } from '../env';
import { Box, Discrete } from '../spaces';

import { ClassicControlEnv, discreteAction, finiteOption, resetBounds, type ClassicControlOptions } from './common';
import { drawMountainCar } from './svg';

const MIN_POSITION = -1.2;
const MAX_POSITION = 0.6;
const MAX_SPEED = 0.07;
const GOAL_POSITION = 0.5;
const FORCE = 0.001;
const GRAVITY = 0.0025;

/** Options of {@link MountainCarEnv}. */
export interface MountainCarOptions extends ClassicControlOptions {
  /** The velocity the car must have at the goal to terminate. Default 0 (Gymnasium's). */
  readonly goalVelocity?: number;
}

/**
 * MountainCar-v0 (Moore 1990), exactly as Gymnasium's `MountainCarEnv`: actions 0, 1, 2 push
 * left, not at all, right; `v += (a - 1) * 0.001 - cos(3p) * 0.0025`, clipped to 0.07 in
 * magnitude; `p += v`, clipped to [-1.2, 0.6], and the velocity is zeroed when the car hits the
 * left wall moving left; terminated at `p >= 0.5` with `v >= goalVelocity`; reward -1 per step;
 * reset `p ~ U(-0.6, -0.4)` (options `low`/`high`), `v = 0`. Made by `make('MountainCar-v0')`
 * it is truncated at 200 steps.
 *
 * State (float64) and observation (float32): `[position, velocity]`.
 */
export class MountainCarEnv extends ClassicControlEnv<number> {
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  readonly goalVelocity: number;
  protected readonly stateSize = 2;

  private position = 0;
  private velocity = 0;

  constructor(options?: MountainCarOptions) {
    super('MountainCar-v0', options, ['goalVelocity']);
    this.goalVelocity = finiteOption(this.name, 'goalVelocity', options?.goalVelocity, 0);
    this.observationSpace = new Box({
      low: [MIN_POSITION, -MAX_SPEED],
      high: [MAX_POSITION, MAX_SPEED],
      dtype: 'float32',
    });
    this.actionSpace = new Discrete({ n: 3 });
  }

  protected sampleInitialState(options: Readonly<Record<string, unknown>> | undefined): void {
    const [low, high] = resetBounds(this.name, options, -0.6, -0.4);
    this.position = this.rng.uniform(low, high);
    this.velocity = 0;
  }

  protected checkAction(action: unknown): number {
    return discreteAction(this.name, action, 3);
  }

  protected transition(action: number): number {
    let { position, velocity } = this;
    velocity += (action - 1) * FORCE + cos(3 * position) * -GRAVITY;
    velocity = Math.min(Math.max(velocity, -MAX_SPEED), MAX_SPEED);
    position += velocity;
    position = Math.min(Math.max(position, MIN_POSITION), MAX_POSITION);
    if (position === MIN_POSITION && velocity < 0) velocity = 0;
    this.position = position;
    this.velocity = velocity;
    this.terminalFlag = position >= GOAL_POSITION && velocity >= this.goalVelocity;
    return -1.0;
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
