import { cos, describeValue, PpoTypeError, sin } from '@ppo/utils';
import type { SvgFrame } from '../env';
import { Box, Discrete } from '../spaces';
import { ClassicControlEnv, discreteAction, resetBounds, type ClassicControlOptions } from './common';
import { rotateTranslate, SvgCanvas, type Point } from './svg';

const DT = 0.2;
const LINK_LENGTH_1 = 1.0;
const LINK_LENGTH_2 = 1.0;
const LINK_MASS_1 = 1.0;
const LINK_MASS_2 = 1.0;
const LINK_COM_POS_1 = 0.5;
const LINK_COM_POS_2 = 0.5;
const LINK_MOI = 1.0;
const MAX_VEL_1 = 4 * Math.PI;
const MAX_VEL_2 = 9 * Math.PI;
const AVAIL_TORQUE = [-1.0, 0.0, 1.0] as const;
const G = 9.8;

/** Options of {@link AcrobotEnv}. */
export interface AcrobotOptions extends ClassicControlOptions {
  /**
   * `'book'` (default, Gymnasium's default): Sutton and Barto's equations; `'nips'`: the 1995
   * paper's, which lack a term.
   */
  readonly dynamics?: 'book' | 'nips';
}

/** Wraps `x` into `[m, M]` by whole periods, as Gymnasium's `wrap`. */
function wrap(x: number, m: number, M: number): number {
  const diff = M - m;
  while (x > M) x = x - diff;
  while (x < m) x = x + diff;
  return x;
}

/** Clamps `x` to `[m, M]`, as Gymnasium's `bound`. */
function bound(x: number, m: number, M: number): number {
  return Math.min(Math.max(x, m), M);
}

/**
 * Acrobot-v1, exactly as Gymnasium's `AcrobotEnv`: two links, torque -1, 0 or +1 on the joint
 * between them; one fourth-order Runge-Kutta step over dt = 0.2 of the book dynamics; angles
 * wrapped to [-pi, pi], velocities bounded to 4 pi and 9 pi; terminated when
 * `-cos(theta1) - cos(theta1 + theta2) > 1`; reward -1 per step and 0 on the terminal step;
 * reset draws the four state variables from U(-0.1, 0.1), rounded to float32 as Gymnasium
 * stores them. Made by `make('Acrobot-v1')` it is truncated at 500 steps.
 *
 * State (float64): `[theta1, theta2, theta1_dot, theta2_dot]`; observation (float32):
 * `[cos theta1, sin theta1, cos theta2, sin theta2, theta1_dot, theta2_dot]`.
 */
export class AcrobotEnv extends ClassicControlEnv<number> {
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  /** Which equations of motion: Sutton and Barto's book (default) or the NeurIPS paper. */
  readonly dynamics: 'book' | 'nips';
  protected readonly stateSize = 4;

  private readonly s = new Float64Array(4);
  // Scratch for the Runge-Kutta stages, kept to avoid allocating on every step.
  private readonly k1 = new Float64Array(4);
  private readonly k2 = new Float64Array(4);
  private readonly k3 = new Float64Array(4);
  private readonly k4 = new Float64Array(4);
  private readonly y = new Float64Array(4);

  constructor(options?: AcrobotOptions) {
    super('Acrobot-v1', options, ['dynamics']);
    const dynamics = options?.dynamics ?? 'book';
    if (dynamics !== 'book' && dynamics !== 'nips') {
      throw new PpoTypeError('INVALID_ARGUMENT', `Acrobot-v1: option dynamics must be 'book' or 'nips', got ${describeValue(dynamics)}`);
    }
    this.dynamics = dynamics;
    const high = [1, 1, 1, 1, MAX_VEL_1, MAX_VEL_2];
    this.observationSpace = new Box({ low: high.map((v) => -v), high, dtype: 'float32' });
    this.actionSpace = new Discrete({ n: 3 });
  }

  protected sampleInitialState(options: Readonly<Record<string, unknown>> | undefined): void {
    const [low, high] = resetBounds(this.name, options, -0.1, 0.1);
    const rng = this.rng;
    for (let k = 0; k < 4; k++) this.s[k] = Math.fround(rng.uniform(low, high));
  }

  protected checkAction(action: unknown): number {
    return discreteAction(this.name, action, 3);
  }

  /** The time derivative of the state under torque `a` (Gymnasium's `_dsdt`), into `out`. */
  private dsdt(s: Float64Array, a: number, out: Float64Array): void {
    const m1 = LINK_MASS_1;
    const m2 = LINK_MASS_2;
    const l1 = LINK_LENGTH_1;
    const lc1 = LINK_COM_POS_1;
    const lc2 = LINK_COM_POS_2;
    const I1 = LINK_MOI;
    const I2 = LINK_MOI;
    const theta1 = s[0];
    const theta2 = s[1];
    const dtheta1 = s[2];
    const dtheta2 = s[3];
    const d1 = m1 * lc1 ** 2 + m2 * (l1 ** 2 + lc2 ** 2 + 2 * l1 * lc2 * cos(theta2)) + I1 + I2;
    const d2 = m2 * (lc2 ** 2 + l1 * lc2 * cos(theta2)) + I2;
    const phi2 = m2 * lc2 * G * cos(theta1 + theta2 - Math.PI / 2.0);
    const phi1 =
      -m2 * l1 * lc2 * dtheta2 ** 2 * sin(theta2) -
      2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sin(theta2) +
      (m1 * lc1 + m2 * l1) * G * cos(theta1 - Math.PI / 2) +
      phi2;
    const ddtheta2 =
      this.dynamics === 'nips'
        ? (a + (d2 / d1) * phi1 - phi2) / (m2 * lc2 ** 2 + I2 - d2 ** 2 / d1)
        : (a + (d2 / d1) * phi1 - m2 * l1 * lc2 * dtheta1 ** 2 * sin(theta2) - phi2) /
          (m2 * lc2 ** 2 + I2 - d2 ** 2 / d1);
    const ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
    out[0] = dtheta1;
    out[1] = dtheta2;
    out[2] = ddtheta1;
    out[3] = ddtheta2;
  }

  protected transition(action: number): number {
    const torque = AVAIL_TORQUE[action];
    const { s, k1, k2, k3, k4, y } = this;
    // One classical Runge-Kutta step over [0, dt], as Gymnasium's rk4 with t = [0, dt]. The
    // torque rides along as a fifth state variable with zero derivative, so it is constant.
    const dt = DT - 0;
    const dt2 = dt / 2.0;
    this.dsdt(s, torque, k1);
    for (let i = 0; i < 4; i++) y[i] = s[i] + dt2 * k1[i];
    this.dsdt(y, torque, k2);
    for (let i = 0; i < 4; i++) y[i] = s[i] + dt2 * k2[i];
    this.dsdt(y, torque, k3);
    for (let i = 0; i < 4; i++) y[i] = s[i] + dt * k3[i];
    this.dsdt(y, torque, k4);
    const h = dt / 6.0;
    for (let i = 0; i < 4; i++) y[i] = s[i] + h * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    s[0] = wrap(y[0], -Math.PI, Math.PI);
    s[1] = wrap(y[1], -Math.PI, Math.PI);
    s[2] = bound(y[2], -MAX_VEL_1, MAX_VEL_1);
    s[3] = bound(y[3], -MAX_VEL_2, MAX_VEL_2);
    this.terminalFlag = -cos(s[0]) - cos(s[1] + s[0]) > 1.0;
    return this.terminalFlag ? 0.0 : -1.0;
  }

  protected writeObservation(out: Float32Array, offset: number): void {
    const s = this.s;
    out[offset] = cos(s[0]);
    out[offset + 1] = sin(s[0]);
    out[offset + 2] = cos(s[1]);
    out[offset + 3] = sin(s[1]);
    out[offset + 4] = s[2];
    out[offset + 5] = s[3];
  }

  protected readState(out: Float64Array): void {
    out.set(this.s);
  }

  protected writeState(state: ArrayLike<number>): void {
    for (let k = 0; k < 4; k++) this.s[k] = state[k];
  }

  /** Gymnasium's 500x500 drawing: target line, two links and their joints. */
  protected draw(): SvgFrame {
    const dim = 500;
    const s = this.s;
    const boundLen = LINK_LENGTH_1 + LINK_LENGTH_2 + 0.2;
    const scale = dim / (boundLen * 2);
    const offset = dim / 2;
    const canvas = new SvgCanvas(dim, dim);
    canvas.polyline(
      [
        [-2.2 * scale + offset, 1 * scale + offset],
        [2.2 * scale + offset, 1 * scale + offset],
      ],
      [0, 0, 0],
    );
    // Link ends in drawing coordinates: x to the right, y up, the pivot at the centre.
    const p1: Point = [LINK_LENGTH_1 * sin(s[0]) * scale, -LINK_LENGTH_1 * cos(s[0]) * scale];
    const joints: Point[] = [[0, 0], p1];
    const angles = [s[0] - Math.PI / 2, s[0] + s[1] - Math.PI / 2];
    const lengths = [LINK_LENGTH_1 * scale, LINK_LENGTH_2 * scale];
    for (let k = 0; k < 2; k++) {
      const [jx, jy] = joints[k];
      const half = 0.1 * scale;
      const rect: Point[] = [
        [0, -half],
        [0, half],
        [lengths[k], half],
        [lengths[k], -half],
      ];
      canvas.polygon(
        rect.map((p) => rotateTranslate(p, angles[k], jx + offset, jy + offset)),
        [0, 204, 204],
      );
      canvas.circle([jx + offset, jy + offset], half, [204, 204, 0]);
    }
    return canvas.toFrame();
  }
}
