import { hypot, type Rng } from '@ppo/utils';
import type { Info } from '@ppo/envs';
import { SWIMMER_XML } from './models';
import { MujocoEnv, type MujocoEnvOptions } from './mujoco-env';
import { booleanOption, numberOption } from './options';

/** Options of {@link SwimmerEnv}: Gymnasium's `Swimmer-v5` keyword arguments. */
export interface SwimmerOptions extends MujocoEnvOptions {
  /** Weight of the forward velocity reward. Default 1. */
  readonly forwardRewardWeight?: number;
  /** Weight of the control cost `|a|^2`. Default 1e-4. */
  readonly ctrlCostWeight?: number;
  /** Half-width of the uniform noise on qpos and qvel at reset. Default 0.1. */
  readonly resetNoiseScale?: number;
  /** Leave the x and y coordinates out of the observation. Default true. */
  readonly excludeCurrentPositionsFromObservation?: boolean;
}

/**
 * Swimmer-v5: a three-link swimmer in a viscous fluid. Observation 8: `qpos[2:]` (3) and `qvel`
 * (5). Reward `dx/dt - 1e-4 |a|^2`. Never terminates. Reset: qpos and qvel `+ U(-0.1, 0.1)`.
 * 4 frames of 10 ms RK4 (dt 0.04 s).
 */
export class SwimmerEnv extends MujocoEnv {
  private readonly forwardRewardWeight: number;
  private readonly ctrlCostWeight: number;
  private readonly resetNoiseScale: number;
  private readonly skip: number;
  private lastForward = 0;
  private lastCtrl = 0;
  private lastVx = 0;
  private lastVy = 0;

  constructor(options: SwimmerOptions = {}) {
    const opts = (options ?? {}) as Readonly<Record<string, unknown>>;
    const skip = booleanOption('Swimmer-v5', opts, 'excludeCurrentPositionsFromObservation', true) ? 2 : 0;
    super(
      {
        name: 'Swimmer-v5',
        view: { projection: 'top', pixelsPerMeter: 100, center: [0, 0], track: 'torso' },
        xml: SWIMMER_XML,
        defaultFrameSkip: 4,
        observationSize: (nq, nv) => nq + nv - skip,
        optionKeys: ['forwardRewardWeight', 'ctrlCostWeight', 'resetNoiseScale', 'excludeCurrentPositionsFromObservation'],
      },
      options,
    );
    this.skip = skip;
    this.forwardRewardWeight = numberOption(this.name, opts, 'forwardRewardWeight', 1);
    this.ctrlCostWeight = numberOption(this.name, opts, 'ctrlCostWeight', 1e-4, 0);
    this.resetNoiseScale = numberOption(this.name, opts, 'resetNoiseScale', 0.1, 0);
  }

  protected resetModel(rng: Rng): void {
    const s = this.resetNoiseScale;
    for (let k = 0; k < this.nq; k++) this.qpos[k] = this.initQpos[k] + rng.uniform(-s, s);
    for (let k = 0; k < this.nv; k++) this.qvel[k] = rng.uniform(-s, s);
  }

  protected transition(action: Float32Array): number {
    const x = this.qpos[0];
    const y = this.qpos[1];
    this.simulate(action);
    this.lastVx = (this.qpos[0] - x) / this.dt;
    this.lastVy = (this.qpos[1] - y) / this.dt;
    this.lastForward = this.forwardRewardWeight * this.lastVx;
    this.lastCtrl = this.ctrlCostWeight * MujocoEnv.squaredNorm(action);
    return this.lastForward - this.lastCtrl;
  }

  protected writeObservation(out: Float32Array, offset: number): void {
    let o = offset;
    for (let k = this.skip; k < this.nq; k++) out[o++] = this.qpos[k];
    for (let k = 0; k < this.nv; k++) out[o++] = this.qvel[k];
  }

  protected stepInfo(): Info {
    const x = this.qpos[0];
    const y = this.qpos[1];
    return {
      reward_forward: this.lastForward,
      reward_ctrl: -this.lastCtrl,
      x_position: x,
      y_position: y,
      distance_from_origin: hypot(x, y),
      x_velocity: this.lastVx,
      y_velocity: this.lastVy,
    };
  }

  protected override resetInfo(): Info {
    const x = this.qpos[0];
    const y = this.qpos[1];
    return { x_position: x, y_position: y, distance_from_origin: hypot(x, y) };
  }
}
