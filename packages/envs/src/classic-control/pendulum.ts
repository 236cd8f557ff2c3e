import { cos, sin } from '@ppo/utils';
import type { SvgFrame } from '../env';
import { Box } from '../spaces';

import { ClassicControlEnv, finiteOption, numberOption, scalarBoxAction, type ClassicControlOptions } from './common';
import { rotateTranslate, SvgCanvas, type Point } from './svg';

const MAX_SPEED = 8;
const MAX_TORQUE = 2.0;
const DT = 0.05;
const MASS = 1.0;
const LENGTH = 1.0;

/** Options of {@link PendulumEnv}. */
export interface PendulumOptions extends ClassicControlOptions {
  /** Gravity in m/s^2. Default 10 (Gymnasium's). */
  readonly g?: number;
}

/** `x` mapped into [-pi, pi) with Python's floored modulo, as Gymnasium's `angle_normalize`. */
export function angleNormalize(x: number): number {
  const period = 2 * Math.PI;
  let r = (x + Math.PI) % period;
  // JS `%` truncates (C fmod); Python's takes the divisor's sign.
  if (r !== 0 && r < 0) r += period;
  return r - Math.PI;
}

/**
 * Pendulum-v1, exactly as Gymnasium's `PendulumEnv`: torque clipped to [-2, 2];
 * cost `angle_normalize(th)^2 + 0.1 th_dot^2 + 0.001 u^2` on the pre-step state, reward = -cost;
 * `th_dot' = clip(th_dot + (3g/(2l) sin th + 3/(m l^2) u) dt, -8, 8)`, `th' = th + th_dot' dt`
 * (theta is not wrapped); never terminates; reset `th ~ U(-pi, pi)`, `th_dot ~ U(-1, 1)`
 * (reset options `x_init`/`y_init` change the two half-widths). Made by `make('Pendulum-v1')`
 * it is truncated at 200 steps.
 *
 * Actions outside [-2, 2], ±Infinity included, are clipped (as Gymnasium does), not rejected;
 * NaN raises.
 * Arithmetic is float64 throughout (NumPy 1 semantics; NumPy 2 evaluates the torque terms of
 * a float32 action in float32, a difference near 1e-8 relative in those terms).
 *
 * State (float64): `[theta, theta_dot]`; observation (float32): `[cos th, sin th, th_dot]`.
 */
export class PendulumEnv extends ClassicControlEnv<Float32Array> {
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  /** Gravity in m/s^2. */
  readonly g: number;
  protected readonly stateSize = 2;

  private theta = 0;
  private thetaDot = 0;
  /** The last clipped torque, drawn as an arrow. */
  private lastU: number | undefined = undefined;

  constructor(options?: PendulumOptions) {
    super('Pendulum-v1', options, ['g']);
    this.g = finiteOption(this.name, 'g', options?.g, 10.0);
    this.observationSpace = new Box({ low: [-1, -1, -MAX_SPEED], high: [1, 1, MAX_SPEED], dtype: 'float32' });
    this.actionSpace = new Box({ low: -MAX_TORQUE, high: MAX_TORQUE, shape: [1], dtype: 'float32' });
  }

  protected sampleInitialState(options: Readonly<Record<string, unknown>> | undefined): void {
    const x = numberOption(this.name, options, 'x_init', Math.PI);
    const y = numberOption(this.name, options, 'y_init', 1.0);
    const rng = this.rng;
    // Symmetric limits, as Gymnasium enforces: low = -high.
    this.theta = rng.uniform(-Math.abs(x), Math.abs(x));
    this.thetaDot = rng.uniform(-Math.abs(y), Math.abs(y));
    this.lastU = undefined;
  }

  protected checkAction(action: unknown): number {
    return scalarBoxAction(this.name, action);
  }

  protected transition(action: number): number {
    const th = this.theta;
    const thdot = this.thetaDot;
    const g = this.g;
    const m = MASS;
    const l = LENGTH;
    const dt = DT;
    const u = Math.min(Math.max(action, -MAX_TORQUE), MAX_TORQUE);
    this.lastU = u;
    const costs = angleNormalize(th) ** 2 + 0.1 * thdot ** 2 + 0.001 * u ** 2;
    let newThdot = thdot + (((3 * g) / (2 * l)) * sin(th) + (3.0 / (m * l ** 2)) * u) * dt;
    newThdot = Math.min(Math.max(newThdot, -MAX_SPEED), MAX_SPEED);
    this.theta = th + newThdot * dt;
    this.thetaDot = newThdot;
    this.terminalFlag = false;
    return -costs;
  }

  protected writeObservation(out: Float32Array, offset: number): void {
    out[offset] = cos(this.theta);
    out[offset + 1] = sin(this.theta);
    out[offset + 2] = this.thetaDot;
  }

  protected readState(out: Float64Array): void {
    out[0] = this.theta;
    out[1] = this.thetaDot;
  }

  protected writeState(state: ArrayLike<number>): void {
    this.theta = state[0];
    this.thetaDot = state[1];
    this.lastU = undefined;
  }

  /** Gymnasium's 500x500 drawing: the rod from the axle, its end, and the torque as an arc. */
  protected draw(): SvgFrame {
    const dim = 500;
    const scale = dim / (2.2 * 2);
    const offset = dim / 2;
    const rodLength = 1 * scale;
    const rodWidth = 0.2 * scale;
    const angle = this.theta + Math.PI / 2;
    const canvas = new SvgCanvas(dim, dim);
    const rod: Point[] = [
      [0, -rodWidth / 2],
      [0, rodWidth / 2],
      [rodLength, rodWidth / 2],
      [rodLength, -rodWidth / 2],
    ];
    canvas.polygon(
      rod.map((p) => rotateTranslate(p, angle, offset, offset)),
      [204, 77, 77],
    );
    canvas.circle([offset, offset], rodWidth / 2, [204, 77, 77]);
    canvas.circle(rotateTranslate([rodLength, 0], angle, offset, offset), rodWidth / 2, [204, 77, 77]);
    if (this.lastU !== undefined && this.lastU !== 0) {
      // Gymnasium blits a circular-arrow image scaled by |u|; an arc of that radius stands in.
      const radius = (scale * Math.abs(this.lastU)) / 4;
      const arc: Point[] = [];
      const sign = this.lastU > 0 ? 1 : -1;
      for (let k = 0; k <= 24; k++) {
        const a = sign * ((k / 24) * 1.5 * Math.PI);
        arc.push([offset + radius * cos(a), offset + radius * sin(a)]);
      }
      canvas.polyline(arc, [0, 0, 0], 3);
    }
    canvas.circle([offset, offset], 0.05 * scale, [0, 0, 0]);
    return canvas.toFrame();
  }
}
