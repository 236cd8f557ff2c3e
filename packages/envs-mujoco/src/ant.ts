import { hypot, type Rng } from '@ppo/utils';
import type { Info } from '@ppo/envs';
import { ANT_XML } from './models';
import { MujocoEnv, type MujocoEnvOptions } from './mujoco-env';
import { booleanOption, numberOption, rangeOption } from './options';

/** Options of {@link AntEnv}: Gymnasium's `Ant-v5` keyword arguments. */
export interface AntOptions extends MujocoEnvOptions {
  /** Weight of the forward velocity reward. Default 1. */
  readonly forwardRewardWeight?: number;
  /** Weight of the control cost `|a|^2`. Default 0.5. */
  readonly ctrlCostWeight?: number;
  /** Weight of the contact cost `|clip(cfrc_ext)|^2`. Default 5e-4. */
  readonly contactCostWeight?: number;
  /** Reward per step while healthy. Default 1. */
  readonly healthyReward?: number;
  /** End the episode (terminated) when unhealthy. Default true. */
  readonly terminateWhenUnhealthy?: boolean;
  /** Closed range of the torso height `qpos[2]`. Default [0.2, 1]. */
  readonly healthyZRange?: readonly [number, number];
  /** Range the contact forces are clipped to, in the cost and the observation. Default [-1, 1]. */
  readonly contactForceRange?: readonly [number, number];
  /** Half-width of the uniform qpos noise and std of the normal qvel noise at reset. Default 0.1. */
  readonly resetNoiseScale?: number;
  /** Leave the x and y coordinates out of the observation. Default true. */
  readonly excludeCurrentPositionsFromObservation?: boolean;
  /** Append the clipped external contact forces of the 13 bodies (78 numbers). Default true. */
  readonly includeCfrcExtInObservation?: boolean;
}

/**
 * Ant-v5: a four-legged walker in 3D. Observation 105: `qpos[2:]` (13), `qvel` (14) and
 * `clip(cfrc_ext[1:], -1, 1)` (13 bodies x 6). Reward `1 * healthy + dx/dt - 0.5 |a|^2 - 5e-4
 * |clip(cfrc_ext, -1, 1)|^2`, the velocity from the torso's body position (`xpos`) as
 * Gymnasium's `main_body`. Terminated when the state is not finite or the torso height leaves
 * [0.2, 1]. Reset: `qpos0 + U(-0.1, 0.1)`, `qvel ~ 0.1 * N(0, 1)`. 5 frames of 10 ms RK4
 * (dt 0.05 s), then `mj_rnePostConstraint` for the contact forces.
 */
export class AntEnv extends MujocoEnv {
  private readonly forwardRewardWeight: number;
  private readonly ctrlCostWeight: number;
  private readonly contactCostWeight: number;
  private readonly healthyRewardWeight: number;
  private readonly terminateWhenUnhealthy: boolean;
  /** The healthy height range in use (closed interval). */
  readonly healthyZRange: readonly [number, number];
  private readonly contactForceRange: readonly [number, number];
  private readonly resetNoiseScale: number;
  private readonly skip: number;
  private readonly includeContacts: boolean;
  private readonly nbody: number;
  private declare xpos: Float64Array;
  private declare cfrcExt: Float64Array;
  private lastForward = 0;
  private lastCtrl = 0;
  private lastContact = 0;
  private lastHealthy = 0;
  private lastVx = 0;
  private lastVy = 0;

  constructor(options: AntOptions = {}) {
    const opts = (options ?? {}) as Readonly<Record<string, unknown>>;
    const skip = booleanOption('Ant-v5', opts, 'excludeCurrentPositionsFromObservation', true) ? 2 : 0;
    const contacts = booleanOption('Ant-v5', opts, 'includeCfrcExtInObservation', true);
    super(
      {
        name: 'Ant-v5',
        view: { projection: 'side', pixelsPerMeter: 110, center: [0, 0.6], track: 'torso' },
        xml: ANT_XML,
        defaultFrameSkip: 5,
        // 13 bodies besides the world, 6 force/torque numbers each.
        observationSize: (nq, nv) => nq + nv - skip + (contacts ? 13 * 6 : 0),
        optionKeys: [
          'forwardRewardWeight',
          'ctrlCostWeight',
          'contactCostWeight',
          'healthyReward',
          'terminateWhenUnhealthy',
          'healthyZRange',
          'contactForceRange',
          'resetNoiseScale',
          'excludeCurrentPositionsFromObservation',
          'includeCfrcExtInObservation',
        ],
        needsContactForces: true,
      },
      options,
    );
    const name = this.name;
    this.skip = skip;
    this.includeContacts = contacts;
    this.nbody = this.model.nbody;
    this.forwardRewardWeight = numberOption(name, opts, 'forwardRewardWeight', 1);
    this.ctrlCostWeight = numberOption(name, opts, 'ctrlCostWeight', 0.5, 0);
    this.contactCostWeight = numberOption(name, opts, 'contactCostWeight', 5e-4, 0);
    this.healthyRewardWeight = numberOption(name, opts, 'healthyReward', 1);
    this.terminateWhenUnhealthy = booleanOption(name, opts, 'terminateWhenUnhealthy', true);
    this.healthyZRange = rangeOption(name, opts, 'healthyZRange', [0.2, 1]);
    this.contactForceRange = rangeOption(name, opts, 'contactForceRange', [-1, 1]);
    this.resetNoiseScale = numberOption(name, opts, 'resetNoiseScale', 0.1, 0);
  }

  protected override bindViews(): void {
    super.bindViews();
    this.xpos = this.data.xpos as Float64Array;
    this.cfrcExt = this.data.cfrc_ext as Float64Array;
  }

  private clipForce(v: number): number {
    const [lo, hi] = this.contactForceRange;
    return v < lo ? lo : v > hi ? hi : v;
  }

  /** Gymnasium's `is_healthy`: a finite state and the torso height in the closed range. */
  get isHealthy(): boolean {
    this.refreshViews();
    for (let k = 0; k < this.nq; k++) if (!Number.isFinite(this.qpos[k])) return false;
    for (let k = 0; k < this.nv; k++) if (!Number.isFinite(this.qvel[k])) return false;
    const z = this.qpos[2];
    return this.healthyZRange[0] <= z && z <= this.healthyZRange[1];
  }

  protected resetModel(rng: Rng): void {
    const s = this.resetNoiseScale;
    for (let k = 0; k < this.nq; k++) this.qpos[k] = this.initQpos[k] + rng.uniform(-s, s);
    for (let k = 0; k < this.nv; k++) this.qvel[k] = s * rng.nextNormal();
  }

  protected transition(action: Float32Array): number {
    // Body 1 is the torso (Gymnasium's main_body).
    const x = this.xpos[3];
    const y = this.xpos[4];
    this.simulate(action);
    this.lastVx = (this.xpos[3] - x) / this.dt;
    this.lastVy = (this.xpos[4] - y) / this.dt;
    this.lastForward = this.forwardRewardWeight * this.lastVx;
    this.lastCtrl = this.ctrlCostWeight * MujocoEnv.squaredNorm(action);
    let contact = 0;
    const n = 6 * this.nbody;
    for (let k = 0; k < n; k++) {
      const f = this.clipForce(this.cfrcExt[k]);
      contact += f * f;
    }
    this.lastContact = this.contactCostWeight * contact;
    const healthy = this.isHealthy;
    this.lastHealthy = healthy ? this.healthyRewardWeight : 0;
    this.terminalFlag = !healthy && this.terminateWhenUnhealthy;
    return this.lastForward + this.lastHealthy - this.lastCtrl - this.lastContact;
  }

  protected writeObservation(out: Float32Array, offset: number): void {
    let o = offset;
    for (let k = this.skip; k < this.nq; k++) out[o++] = this.qpos[k];
    for (let k = 0; k < this.nv; k++) out[o++] = this.qvel[k];
    if (this.includeContacts) {
      const n = 6 * this.nbody;
      for (let k = 6; k < n; k++) out[o++] = this.clipForce(this.cfrcExt[k]);
    }
  }

  private positionInfo(): Info {
    const x = this.qpos[0];
    const y = this.qpos[1];
    return { x_position: x, y_position: y, distance_from_origin: hypot(x, y) };
  }

  protected stepInfo(): Info {
    return {
      reward_forward: this.lastForward,
      reward_ctrl: -this.lastCtrl,
      reward_contact: -this.lastContact,
      reward_survive: this.lastHealthy,
      ...this.positionInfo(),
      x_velocity: this.lastVx,
      y_velocity: this.lastVy,
    };
  }

  protected override resetInfo(): Info {
    return this.positionInfo();
  }
}
