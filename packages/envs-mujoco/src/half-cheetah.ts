import type { Rng } from '@ppo/utils';
import type { Info } from '@ppo/envs';
import { HALF_CHEETAH_XML } from './models';
import { MujocoEnv, type MujocoEnvOptions } from './mujoco-env';
import { booleanOption, numberOption } from './options';

/** Options of {@link HalfCheetahEnv}: Gymnasium's `HalfCheetah-v5` keyword arguments. */
export interface HalfCheetahOptions extends MujocoEnvOptions {
  /** Weight of the forward velocity reward. Default 1. */
  readonly forwardRewardWeight?: number;
  /** Weight of the control cost `|a|^2`. Default 0.1. */
  readonly ctrlCostWeight?: number;
  /** Half-width of the uniform qpos noise and std of the normal qvel noise at reset. Default 0.1. */
  readonly resetNoiseScale?: number;
  /** Leave the x coordinate out of the observation. Default true. */
  readonly excludeCurrentPositionsFromObservation?: boolean;
}

/**
 * HalfCheetah-v5: a planar two-legged runner. Observation (17 with the defaults):
 * `qpos[1:]` (8) and `qvel` (9). Reward: `forwardRewardWeight * dx/dt - ctrlCostWeight * |a|^2`.
 * Never terminates (1000-step time limit from the registry). Reset: `qpos0 + U(-0.1, 0.1)`,
 * `qvel ~ 0.1 * N(0, 1)`. 5 frames of 10 ms (dt 0.05 s), semi-implicit Euler.
 */
export class HalfCheetahEnv extends MujocoEnv {
  private readonly forwardRewardWeight: number;
  private readonly ctrlCostWeight: number;
  private readonly resetNoiseScale: number;
  private readonly skip: number;
  private lastForward = 0;
  private lastCtrl = 0;
  private lastVelocity = 0;

  constructor(options: HalfCheetahOptions = {}) {
    const opts = (options ?? {}) as Readonly<Record<string, unknown>>;
    const skip = booleanOption('HalfCheetah-v5', opts, 'excludeCurrentPositionsFromObservation', true) ? 1 : 0;
    super(
      {
        name: 'HalfCheetah-v5',
        view: { projection: 'side', pixelsPerMeter: 160, center: [0, 0.55], track: 'torso' },
        xml: HALF_CHEETAH_XML,
        defaultFrameSkip: 5,
        observationSize: (nq, nv) => nq + nv - skip,
        optionKeys: ['forwardRewardWeight', 'ctrlCostWeight', 'resetNoiseScale', 'excludeCurrentPositionsFromObservation'],
      },
      options,
    );
    this.skip = skip;
    this.forwardRewardWeight = numberOption(this.name, opts, 'forwardRewardWeight', 1);
    this.ctrlCostWeight = numberOption(this.name, opts, 'ctrlCostWeight', 0.1, 0);
    this.resetNoiseScale = numberOption(this.name, opts, 'resetNoiseScale', 0.1, 0);
  }

  protected resetModel(rng: Rng): void {
    const s = this.resetNoiseScale;
    for (let k = 0; k < this.nq; k++) this.qpos[k] = this.initQpos[k] + rng.uniform(-s, s);
    for (let k = 0; k < this.nv; k++) this.qvel[k] = s * rng.nextNormal();
  }

  protected transition(action: Float32Array): number {
    const before = this.qpos[0];
    this.simulate(action);
    this.lastVelocity = (this.qpos[0] - before) / this.dt;
    this.lastForward = this.forwardRewardWeight * this.lastVelocity;
    this.lastCtrl = this.ctrlCostWeight * MujocoEnv.squaredNorm(action);
    return this.lastForward - this.lastCtrl;
  }

  protected writeObservation(out: Float32Array, offset: number): void {
    let o = offset;
    for (let k = this.skip; k < this.nq; k++) out[o++] = this.qpos[k];
    for (let k = 0; k < this.nv; k++) out[o++] = this.qvel[k];
  }

  protected stepInfo(): Info {
    return {
      x_position: this.qpos[0],
      x_velocity: this.lastVelocity,
      reward_forward: this.lastForward,
      reward_ctrl: -this.lastCtrl,
    };
  }

  protected override resetInfo(): Info {
    return { x_position: this.qpos[0] };
  }
}
