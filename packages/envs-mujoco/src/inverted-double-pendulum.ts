import { cos, sin, type Rng } from '@ppo/utils';
import type { Info } from '@ppo/envs';
import { INVERTED_DOUBLE_PENDULUM_XML } from './models';
import { MujocoEnv, type MujocoEnvOptions } from './mujoco-env';
import { numberOption } from './options';

/** Options of {@link InvertedDoublePendulumEnv}: Gymnasium's `InvertedDoublePendulum-v5` keyword arguments. */
export interface InvertedDoublePendulumOptions extends MujocoEnvOptions {
  /** Reward per step that does not terminate. Default 10. */
  readonly healthyReward?: number;
  /** Half-width of the uniform qpos noise and std of the normal qvel noise at reset. Default 0.1. */
  readonly resetNoiseScale?: number;
}

function clip10(v: number): number {
  return v > 10 ? 10 : v < -10 ? -10 : v;
}

/**
 * InvertedDoublePendulum-v5: balance two stacked poles on a cart. Observation 9: cart position,
 * `sin` and `cos` of both hinge angles, `clip(qvel, ±10)` (3) and the cart's clipped constraint
 * force `clip(qfrc_constraint[0], ±10)`. With `(x, y)` the tip site position after the step:
 * reward `10 * (y > 1) - (0.01 x^2 + (y - 2)^2) - (1e-3 w1^2 + 5e-3 w2^2)` (w = hinge velocities);
 * terminated when `y <= 1`. Reset: `qpos0 + U(-0.1, 0.1)`, `qvel ~ 0.1 * N(0, 1)`. 5 frames of
 * 10 ms RK4 (dt 0.05 s).
 */
export class InvertedDoublePendulumEnv extends MujocoEnv {
  private readonly healthyReward: number;
  private readonly resetNoiseScale: number;
  private declare siteXpos: Float64Array;
  private declare qfrcConstraint: Float64Array;
  private lastSurvive = 0;
  private lastDistance = 0;
  private lastVelocity = 0;

  constructor(options: InvertedDoublePendulumOptions = {}) {
    const opts = (options ?? {}) as Readonly<Record<string, unknown>>;
    super(
      {
        name: 'InvertedDoublePendulum-v5',
        view: { projection: 'side', pixelsPerMeter: 130, center: [0, 0.45] },
        xml: INVERTED_DOUBLE_PENDULUM_XML,
        defaultFrameSkip: 5,
        observationSize: () => 9,
        optionKeys: ['healthyReward', 'resetNoiseScale'],
      },
      options,
    );
    this.healthyReward = numberOption(this.name, opts, 'healthyReward', 10);
    this.resetNoiseScale = numberOption(this.name, opts, 'resetNoiseScale', 0.1, 0);
  }

  protected override bindViews(): void {
    super.bindViews();
    this.siteXpos = this.data.site_xpos as Float64Array;
    this.qfrcConstraint = this.data.qfrc_constraint as Float64Array;
  }

  /** The tip site's world position `[x, y(depth), z]`; Gymnasium names the height `y`. */
  get tipPosition(): readonly [number, number, number] {
    this.refreshViews();
    return [this.siteXpos[0], this.siteXpos[1], this.siteXpos[2]];
  }

  protected resetModel(rng: Rng): void {
    const s = this.resetNoiseScale;
    for (let k = 0; k < this.nq; k++) this.qpos[k] = this.initQpos[k] + rng.uniform(-s, s);
    for (let k = 0; k < this.nv; k++) this.qvel[k] = s * rng.nextNormal();
  }

  protected transition(action: Float32Array): number {
    this.simulate(action);
    const x = this.siteXpos[0];
    const y = this.siteXpos[2];
    const w1 = this.qvel[1];
    const w2 = this.qvel[2];
    this.terminalFlag = y <= 1;
    this.lastDistance = 0.01 * x * x + (y - 2) * (y - 2);
    this.lastVelocity = 1e-3 * w1 * w1 + 5e-3 * w2 * w2;
    this.lastSurvive = this.terminalFlag ? 0 : this.healthyReward;
    return this.lastSurvive - this.lastDistance - this.lastVelocity;
  }

  protected writeObservation(out: Float32Array, offset: number): void {
    const q = this.qpos;
    out[offset] = q[0];
    out[offset + 1] = sin(q[1]);
    out[offset + 2] = sin(q[2]);
    out[offset + 3] = cos(q[1]);
    out[offset + 4] = cos(q[2]);
    out[offset + 5] = clip10(this.qvel[0]);
    out[offset + 6] = clip10(this.qvel[1]);
    out[offset + 7] = clip10(this.qvel[2]);
    out[offset + 8] = clip10(this.qfrcConstraint[0]);
  }

  protected stepInfo(): Info {
    return {
      reward_survive: this.lastSurvive,
      distance_penalty: -this.lastDistance,
      velocity_penalty: -this.lastVelocity,
    };
  }
}
