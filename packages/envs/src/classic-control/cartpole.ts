import { cos, describeValue, PpoTypeError, sin } from '@ppo/utils';
import type { SvgFrame } from '../env';
import { Box, Discrete } from '../spaces';
import { ClassicControlEnv, discreteAction, resetBounds, type ClassicControlOptions } from './common';
import { rotateTranslate, SvgCanvas, type Point } from './svg';

const GRAVITY = 9.8;
const MASS_CART = 1.0;
const MASS_POLE = 0.1;
const TOTAL_MASS = MASS_POLE + MASS_CART;
/** Half the pole's length, as Gymnasium names it `length`. */
const LENGTH = 0.5;
const POLE_MASS_LENGTH = MASS_POLE * LENGTH;
const FORCE_MAG = 10.0;
const TAU = 0.02;
const THETA_THRESHOLD = (12 * 2 * Math.PI) / 360;
const X_THRESHOLD = 2.4;
const FLOAT32_MAX = 3.4028234663852886e38;

/** Options of {@link CartPoleEnv}. */
export interface CartPoleOptions extends ClassicControlOptions {
  /**
   * Gymnasium's `sutton_barto_reward`: reward 0 on every non-terminating step and -1 on the
   * terminating one, instead of +1 on every step. Default false.
   */
  readonly suttonBartoReward?: boolean;
}

/**
 * CartPole-v1 (Barto, Sutton and Anderson 1983), exactly as Gymnasium's `CartPoleEnv`: explicit
 * Euler with tau 0.02 (positions advance with the old velocities); action 0 pushes the cart with
 * -10 N, 1 with +10 N; reward +1 on every step including the terminal one; terminated when
 * |x| > 2.4 or |theta| > 12 degrees; reset draws all four state variables from U(-0.05, 0.05)
 * (reset options `low`/`high` change the range). Option `suttonBartoReward` gives 0 per step and
 * -1 on termination instead. Made by `make('CartPole-v1')` it is truncated
 * at 500 steps; `make('CartPole-v0')` gives the same env truncated at 200 (solved at 195).
 *
 * State (float64, {@link ClassicControlEnv.getState}): `[x, x_dot, theta, theta_dot]`;
 * observation (float32): the same four numbers.
 *
 * @example
 * ```ts
 * const env = new CartPoleEnv();
 * let { observation } = env.reset({ seed: 0 });
 * const { reward, terminated } = env.step(1);
 * ```
 */
export class CartPoleEnv extends ClassicControlEnv<number> {
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  /** Whether the Sutton and Barto reward (0 per step, -1 at the end) is in use. */
  readonly suttonBartoReward: boolean;
  protected readonly stateSize = 4;

  private x = 0;
  private xDot = 0;
  private theta = 0;
  private thetaDot = 0;

  constructor(options?: CartPoleOptions) {
    super('CartPole-v1', options, ['suttonBartoReward']);
    const suttonBarto = options?.suttonBartoReward ?? false;
    if (typeof suttonBarto !== 'boolean') {
      throw new PpoTypeError('INVALID_ARGUMENT', `CartPole-v1: option suttonBartoReward must be a boolean, got ${describeValue(suttonBarto)}`);
    }
    this.suttonBartoReward = suttonBarto;
    const high = [X_THRESHOLD * 2, FLOAT32_MAX, THETA_THRESHOLD * 2, FLOAT32_MAX];
    this.observationSpace = new Box({ low: high.map((v) => -v), high, dtype: 'float32' });
    this.actionSpace = new Discrete({ n: 2 });
  }

  protected sampleInitialState(options: Readonly<Record<string, unknown>> | undefined): void {
    const [low, high] = resetBounds(this.name, options, -0.05, 0.05);
    const rng = this.rng;
    this.x = rng.uniform(low, high);
    this.xDot = rng.uniform(low, high);
    this.theta = rng.uniform(low, high);
    this.thetaDot = rng.uniform(low, high);
  }

  protected checkAction(action: unknown): number {
    return discreteAction(this.name, action, 2);
  }

  protected transition(action: number): number {
    const { x, xDot, theta, thetaDot } = this;
    const force = action === 1 ? FORCE_MAG : -FORCE_MAG;
    const cosTheta = cos(theta);
    const sinTheta = sin(theta);
    // The order of operations follows Gymnasium's so results agree to the last bits.
    const temp = (force + POLE_MASS_LENGTH * thetaDot ** 2 * sinTheta) / TOTAL_MASS;
    const thetaAcc =
      (GRAVITY * sinTheta - cosTheta * temp) / (LENGTH * (4.0 / 3.0 - (MASS_POLE * cosTheta ** 2) / TOTAL_MASS));
    const xAcc = temp - (POLE_MASS_LENGTH * thetaAcc * cosTheta) / TOTAL_MASS;
    this.x = x + TAU * xDot;
    this.xDot = xDot + TAU * xAcc;
    this.theta = theta + TAU * thetaDot;
    this.thetaDot = thetaDot + TAU * thetaAcc;
    this.terminalFlag =
      this.x < -X_THRESHOLD || this.x > X_THRESHOLD || this.theta < -THETA_THRESHOLD || this.theta > THETA_THRESHOLD;
    if (this.suttonBartoReward) return this.terminalFlag ? -1.0 : 0.0;
    return 1.0;
  }

  protected writeObservation(out: Float32Array, offset: number): void {
    out[offset] = this.x;
    out[offset + 1] = this.xDot;
    out[offset + 2] = this.theta;
    out[offset + 3] = this.thetaDot;
  }

  protected readState(out: Float64Array): void {
    out[0] = this.x;
    out[1] = this.xDot;
    out[2] = this.theta;
    out[3] = this.thetaDot;
  }

  protected writeState(state: ArrayLike<number>): void {
    this.x = state[0];
    this.xDot = state[1];
    this.theta = state[2];
    this.thetaDot = state[3];
  }

  /** Gymnasium's 600x400 drawing: track, cart, pole and axle. */
  protected draw(): SvgFrame {
    const width = 600;
    const height = 400;
    const scale = width / (X_THRESHOLD * 2);
    const poleWidth = 10;
    const poleLen = scale * (2 * LENGTH);
    const cartWidth = 50;
    const cartHeight = 30;
    const axleOffset = cartHeight / 4;
    const cartX = this.x * scale + width / 2;
    const cartY = 100;
    const canvas = new SvgCanvas(width, height);
    canvas.polyline(
      [
        [0, cartY],
        [width, cartY],
      ],
      [0, 0, 0],
    );
    const cart: Point[] = [
      [cartX - cartWidth / 2, cartY - cartHeight / 2],
      [cartX - cartWidth / 2, cartY + cartHeight / 2],
      [cartX + cartWidth / 2, cartY + cartHeight / 2],
      [cartX + cartWidth / 2, cartY - cartHeight / 2],
    ];
    canvas.polygon(cart, [0, 0, 0]);
    const l = -poleWidth / 2;
    const r = poleWidth / 2;
    const t = poleLen - poleWidth / 2;
    const b = -poleWidth / 2;
    const pole = ([[l, b], [l, t], [r, t], [r, b]] as Point[]).map((p) =>
      rotateTranslate(p, -this.theta, cartX, cartY + axleOffset),
    );
    canvas.polygon(pole, [202, 152, 101]);
    canvas.circle([cartX, cartY + axleOffset], poleWidth / 2, [129, 132, 203]);
    return canvas.toFrame();
  }
}
