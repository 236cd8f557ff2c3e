import { cos, hypot, sin, type Rng } from '@ppo/utils';
import type { Info } from '@ppo/envs';
import { REACHER_XML } from './models';
import { MujocoEnv, type MujocoEnvOptions } from './mujoco-env';
import { numberOption } from './options';

/** Options of {@link ReacherEnv}: Gymnasium's `Reacher-v5` keyword arguments. */
export interface ReacherOptions extends MujocoEnvOptions {
  /** Weight of the distance penalty. Default 1. */
  readonly rewardDistWeight?: number;
  /** Weight of the control penalty `|a|^2`. Default 1. */
  readonly rewardControlWeight?: number;
}

/**
 * Reacher-v5: move a two-link arm's fingertip to a random target. Observation 10: `cos` and
 * `sin` of the two arm angles, the target position `qpos[2:4]`, the arm velocities `qvel[0:2]`,
 * and the fingertip-minus-target vector (x, y). Reward `-|fingertip - target| - |a|^2`, from the
 * body positions MuJoCo holds after the step (as Gymnasium reads them). Never terminates
 * (50-step limit from the registry). Reset: arm `qpos0 + U(-0.1, 0.1)`, target uniform in the
 * disc of radius 0.2 (rejection sampling in the square), arm `qvel + U(-0.005, 0.005)`, target
 * still. 2 frames of 10 ms RK4 (dt 0.02 s).
 */
export class ReacherEnv extends MujocoEnv {
  private readonly rewardDistWeight: number;
  private readonly rewardControlWeight: number;
  private readonly fingertipBody: number;
  private readonly targetBody: number;
  private declare xpos: Float64Array;
  private lastDist = 0;
  private lastCtrl = 0;

  constructor(options: ReacherOptions = {}) {
    const opts = (options ?? {}) as Readonly<Record<string, unknown>>;
    super(
      {
        name: 'Reacher-v5',
        view: { projection: 'top', pixelsPerMeter: 400, center: [0, 0] },
        xml: REACHER_XML,
        defaultFrameSkip: 2,
        observationSize: () => 10,
        optionKeys: ['rewardDistWeight', 'rewardControlWeight'],
      },
      options,
    );
    this.rewardDistWeight = numberOption(this.name, opts, 'rewardDistWeight', 1);
    this.rewardControlWeight = numberOption(this.name, opts, 'rewardControlWeight', 1);
    const body = this.mujoco.mjtObj.mjOBJ_BODY.value;
    this.fingertipBody = this.mujoco.mj_name2id(this.model, body, 'fingertip');
    this.targetBody = this.mujoco.mj_name2id(this.model, body, 'target');
  }

  protected override bindViews(): void {
    super.bindViews();
    this.xpos = this.data.xpos as Float64Array;
  }

  /** The goal `[x, y]` of the current episode. */
  get goal(): readonly [number, number] {
    this.refreshViews();
    return [this.qpos[2], this.qpos[3]];
  }

  private delta(axis: number): number {
    return this.xpos[3 * this.fingertipBody + axis] - this.xpos[3 * this.targetBody + axis];
  }

  protected resetModel(rng: Rng): void {
    for (let k = 0; k < this.nq; k++) this.qpos[k] = this.initQpos[k] + rng.uniform(-0.1, 0.1);
    let gx: number;
    let gy: number;
    do {
      gx = rng.uniform(-0.2, 0.2);
      gy = rng.uniform(-0.2, 0.2);
    } while (!(hypot(gx, gy) < 0.2));
    this.qpos[this.nq - 2] = gx;
    this.qpos[this.nq - 1] = gy;
    for (let k = 0; k < this.nv; k++) this.qvel[k] = rng.uniform(-0.005, 0.005);
    this.qvel[this.nv - 2] = 0;
    this.qvel[this.nv - 1] = 0;
  }

  protected transition(action: Float32Array): number {
    this.simulate(action);
    const dx = this.delta(0);
    const dy = this.delta(1);
    const dz = this.delta(2);
    this.lastDist = Math.sqrt(dx * dx + dy * dy + dz * dz) * this.rewardDistWeight;
    this.lastCtrl = MujocoEnv.squaredNorm(action) * this.rewardControlWeight;
    return -this.lastDist - this.lastCtrl;
  }

  protected writeObservation(out: Float32Array, offset: number): void {
    const q = this.qpos;
    out[offset] = cos(q[0]);
    out[offset + 1] = cos(q[1]);
    out[offset + 2] = sin(q[0]);
    out[offset + 3] = sin(q[1]);
    out[offset + 4] = q[2];
    out[offset + 5] = q[3];
    out[offset + 6] = this.qvel[0];
    out[offset + 7] = this.qvel[1];
    out[offset + 8] = this.delta(0);
    out[offset + 9] = this.delta(1);
  }

  protected stepInfo(): Info {
    return { reward_dist: -this.lastDist, reward_ctrl: -this.lastCtrl };
  }
}
