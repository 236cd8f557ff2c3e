import type { Rng } from '@ppo/utils';
import type { Info } from '@ppo/envs';
import { MujocoEnv, type MujocoEnvOptions } from './mujoco-env';
import { booleanOption, numberOption, rangeOption } from './options';

/** Options of {@link HopperEnv} and {@link Walker2dEnv}: Gymnasium's v5 keyword arguments. */
export interface PlanarWalkerOptions extends MujocoEnvOptions {
  /** Weight of the forward velocity reward. Default 1. */
  readonly forwardRewardWeight?: number;
  /** Weight of the control cost `|a|^2`. Default 1e-3. */
  readonly ctrlCostWeight?: number;
  /** Reward per step while healthy. Default 1. */
  readonly healthyReward?: number;
  /** End the episode (terminated) when unhealthy. Default true. */
  readonly terminateWhenUnhealthy?: boolean;
  /** Open range every entry of `[qpos[2:], qvel]` must stay in (Hopper only). Default [-100, 100]. */
  readonly healthyStateRange?: readonly [number, number];
  /** Open range of the torso height `qpos[1]`. Hopper [0.7, inf), Walker2d (0.8, 2). */
  readonly healthyZRange?: readonly [number, number];
  /** Open range of the torso angle `qpos[2]`. Hopper (-0.2, 0.2), Walker2d (-1, 1). */
  readonly healthyAngleRange?: readonly [number, number];
  /** Half-width of the uniform noise on qpos and qvel at reset. Default 5e-3. */
  readonly resetNoiseScale?: number;
  /** Leave the x coordinate out of the observation. Default true. */
  readonly excludeCurrentPositionsFromObservation?: boolean;
}

const OPTION_KEYS = [
  'forwardRewardWeight',
  'ctrlCostWeight',
  'healthyReward',
  'terminateWhenUnhealthy',
  'healthyStateRange',
  'healthyZRange',
  'healthyAngleRange',
  'resetNoiseScale',
  'excludeCurrentPositionsFromObservation',
] as const;

interface WalkerDefaults {
  readonly name: string;
  readonly xml: string;
  readonly checkStateRange: boolean;
  readonly healthyZRange: readonly [number, number];
  readonly healthyAngleRange: readonly [number, number];
}

/**
 * Hopper-v5 and Walker2d-v5 share their reward and observation: `qpos[1:]` and
 * `clip(qvel, -10, 10)`; reward `healthyReward * healthy + forwardRewardWeight * dx/dt -
 * ctrlCostWeight * |a|^2` (v5 pays the healthy reward only while healthy); terminated when
 * unhealthy. 4 frames of 2 ms RK4 (dt 0.008 s).
 */
abstract class PlanarWalkerEnv extends MujocoEnv {
  private readonly forwardRewardWeight: number;
  private readonly ctrlCostWeight: number;
  private readonly healthyRewardWeight: number;
  private readonly terminateWhenUnhealthy: boolean;
  private readonly checkStateRange: boolean;
  /** The healthy ranges in use (open intervals). */
  readonly healthyStateRange: readonly [number, number];
  readonly healthyZRange: readonly [number, number];
  readonly healthyAngleRange: readonly [number, number];
  private readonly resetNoiseScale: number;
  private readonly skip: number;
  private lastForward = 0;
  private lastCtrl = 0;
  private lastHealthy = 0;
  private lastVelocity = 0;

  constructor(defaults: WalkerDefaults, options: PlanarWalkerOptions) {
    const opts = (options ?? {}) as Readonly<Record<string, unknown>>;
    const skip = booleanOption(defaults.name, opts, 'excludeCurrentPositionsFromObservation', true) ? 1 : 0;
    super(
      {
        name: defaults.name,
        view: { projection: 'side', pixelsPerMeter: 110, center: [0, 1.05], track: 'torso' },
        xml: defaults.xml,
        defaultFrameSkip: 4,
        observationSize: (nq, nv) => nq + nv - skip,
        optionKeys: OPTION_KEYS,
      },
      options,
    );
    const name = this.name;
    this.skip = skip;
    this.forwardRewardWeight = numberOption(name, opts, 'forwardRewardWeight', 1);
    this.ctrlCostWeight = numberOption(name, opts, 'ctrlCostWeight', 1e-3, 0);
    this.healthyRewardWeight = numberOption(name, opts, 'healthyReward', 1);
    this.terminateWhenUnhealthy = booleanOption(name, opts, 'terminateWhenUnhealthy', true);
    this.checkStateRange = defaults.checkStateRange;
    this.healthyStateRange = rangeOption(name, opts, 'healthyStateRange', [-100, 100]);
    this.healthyZRange = rangeOption(name, opts, 'healthyZRange', defaults.healthyZRange);
    this.healthyAngleRange = rangeOption(name, opts, 'healthyAngleRange', defaults.healthyAngleRange);
    this.resetNoiseScale = numberOption(name, opts, 'resetNoiseScale', 5e-3, 0);
  }

  /** Gymnasium's `is_healthy` for the current state. */
  get isHealthy(): boolean {
    this.refreshViews();
    const z = this.qpos[1];
    const angle = this.qpos[2];
    if (!(this.healthyZRange[0] < z && z < this.healthyZRange[1])) return false;
    if (!(this.healthyAngleRange[0] < angle && angle < this.healthyAngleRange[1])) return false;
    if (this.checkStateRange) {
      const [lo, hi] = this.healthyStateRange;
      for (let k = 2; k < this.nq; k++) if (!(lo < this.qpos[k] && this.qpos[k] < hi)) return false;
      for (let k = 0; k < this.nv; k++) if (!(lo < this.qvel[k] && this.qvel[k] < hi)) return false;
    }
    return true;
  }

  protected resetModel(rng: Rng): void {
    const s = this.resetNoiseScale;
    for (let k = 0; k < this.nq; k++) this.qpos[k] = this.initQpos[k] + rng.uniform(-s, s);
    for (let k = 0; k < this.nv; k++) this.qvel[k] = rng.uniform(-s, s);
  }

  protected transition(action: Float32Array): number {
    const before = this.qpos[0];
    this.simulate(action);
    this.lastVelocity = (this.qpos[0] - before) / this.dt;
    this.lastForward = this.forwardRewardWeight * this.lastVelocity;
    this.lastCtrl = this.ctrlCostWeight * MujocoEnv.squaredNorm(action);
    const healthy = this.isHealthy;
    this.lastHealthy = healthy ? this.healthyRewardWeight : 0;
    this.terminalFlag = !healthy && this.terminateWhenUnhealthy;
    return this.lastForward + this.lastHealthy - this.lastCtrl;
  }

  protected writeObservation(out: Float32Array, offset: number): void {
    let o = offset;
    for (let k = this.skip; k < this.nq; k++) out[o++] = this.qpos[k];
    for (let k = 0; k < this.nv; k++) {
      const v = this.qvel[k];
      out[o++] = v > 10 ? 10 : v < -10 ? -10 : v;
    }
  }

  protected stepInfo(): Info {
    return {
      reward_forward: this.lastForward,
      reward_ctrl: -this.lastCtrl,
      reward_survive: this.lastHealthy,
      x_position: this.qpos[0],
      z_distance_from_origin: this.qpos[1] - this.initQpos[1],
      x_velocity: this.lastVelocity,
    };
  }

  protected override resetInfo(): Info {
    return { x_position: this.qpos[0], z_distance_from_origin: this.qpos[1] - this.initQpos[1] };
  }
}

export { PlanarWalkerEnv };
