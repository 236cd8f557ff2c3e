import { hypot, type Rng } from '@ppo/utils';
import type { Info } from '@ppo/envs';
import { HUMANOID_XML } from './models';
import { MujocoEnv, type MujocoEnvOptions } from './mujoco-env';
import { booleanOption, numberOption, rangeOption } from './options';

/** Options of {@link HumanoidEnv}: Gymnasium's `Humanoid-v5` keyword arguments. */
export interface HumanoidOptions extends MujocoEnvOptions {
  /** Weight of the centre-of-mass forward velocity reward. Default 1.25. */
  readonly forwardRewardWeight?: number;
  /** Weight of the control cost `|ctrl|^2`. Default 0.1. */
  readonly ctrlCostWeight?: number;
  /** Weight of the contact cost `|cfrc_ext|^2`. Default 5e-7. */
  readonly contactCostWeight?: number;
  /** Range the weighted contact cost is clipped to. Default [-Infinity, 10]. */
  readonly contactCostRange?: readonly [number, number];
  /** Reward per step while healthy. Default 5. */
  readonly healthyReward?: number;
  /** End the episode (terminated) when unhealthy. Default true. */
  readonly terminateWhenUnhealthy?: boolean;
  /** Open range of the torso height `qpos[2]`. Default (1, 2). */
  readonly healthyZRange?: readonly [number, number];
  /** Half-width of the uniform noise on qpos and qvel at reset. Default 1e-2. */
  readonly resetNoiseScale?: number;
  /** Leave the x and y coordinates out of the observation. Default true. */
  readonly excludeCurrentPositionsFromObservation?: boolean;
  /** Append `cinert[1:]` (13 bodies x 10). Default true. */
  readonly includeCinertInObservation?: boolean;
  /** Append `cvel[1:]` (13 bodies x 6). Default true. */
  readonly includeCvelInObservation?: boolean;
  /** Append `qfrc_actuator[6:]` (17). Default true. */
  readonly includeQfrcActuatorInObservation?: boolean;
  /** Append `cfrc_ext[1:]` (13 bodies x 6). Default true. */
  readonly includeCfrcExtInObservation?: boolean;
}

const OPTION_KEYS = [
  'forwardRewardWeight',
  'ctrlCostWeight',
  'contactCostWeight',
  'contactCostRange',
  'healthyReward',
  'terminateWhenUnhealthy',
  'healthyZRange',
  'resetNoiseScale',
  'excludeCurrentPositionsFromObservation',
  'includeCinertInObservation',
  'includeCvelInObservation',
  'includeQfrcActuatorInObservation',
  'includeCfrcExtInObservation',
] as const;

/** Bodies besides the world. */
const BODIES = 13;

/**
 * Humanoid-v5: a 3D biped. Observation 348: `qpos[2:]` (22), `qvel` (23), `cinert[1:]` (130),
 * `cvel[1:]` (78), `qfrc_actuator[6:]` (17), `cfrc_ext[1:]` (78). Reward `5 * healthy + 1.25 *
 * dx_com/dt - 0.1 |ctrl|^2 - min(5e-7 |cfrc_ext|^2, 10)`, with the centre of mass from the
 * bodies' `xipos` and masses. Terminated when the torso height leaves (1, 2). Reset: qpos and
 * qvel `+ U(-0.01, 0.01)`. 5 frames of 3 ms RK4 (dt 0.015 s), then `mj_rnePostConstraint`.
 */
export class HumanoidEnv extends MujocoEnv {
  private readonly forwardRewardWeight: number;
  private readonly ctrlCostWeight: number;
  private readonly contactCostWeight: number;
  private readonly contactCostRange: readonly [number, number];
  private readonly healthyRewardWeight: number;
  private readonly terminateWhenUnhealthy: boolean;
  /** The healthy height range in use (open interval). */
  readonly healthyZRange: readonly [number, number];
  private readonly resetNoiseScale: number;
  private readonly skip: number;
  private readonly parts: { cinert: boolean; cvel: boolean; qfrc: boolean; cfrc: boolean };
  private readonly bodyMass: Float64Array;
  private readonly totalMass: number;
  private declare xipos: Float64Array;
  private declare cinert: Float64Array;
  private declare cvel: Float64Array;
  private declare qfrcActuator: Float64Array;
  private declare cfrcExt: Float64Array;
  private declare ctrlView: Float64Array;
  private lastForward = 0;
  private lastCtrl = 0;
  private lastContact = 0;
  private lastHealthy = 0;
  private lastVx = 0;
  private lastVy = 0;

  constructor(options: HumanoidOptions = {}) {
    const opts = (options ?? {}) as Readonly<Record<string, unknown>>;
    const n = 'Humanoid-v5';
    const skip = booleanOption(n, opts, 'excludeCurrentPositionsFromObservation', true) ? 2 : 0;
    const parts = {
      cinert: booleanOption(n, opts, 'includeCinertInObservation', true),
      cvel: booleanOption(n, opts, 'includeCvelInObservation', true),
      qfrc: booleanOption(n, opts, 'includeQfrcActuatorInObservation', true),
      cfrc: booleanOption(n, opts, 'includeCfrcExtInObservation', true),
    };
    super(
      {
        name: n,
        view: { projection: 'side', pixelsPerMeter: 110, center: [0, 1], track: 'torso' },
        xml: HUMANOID_XML,
        defaultFrameSkip: 5,
        observationSize: (nq, nv) =>
          nq + nv - skip + (parts.cinert ? 10 * BODIES : 0) + (parts.cvel ? 6 * BODIES : 0) + (parts.qfrc ? nv - 6 : 0) + (parts.cfrc ? 6 * BODIES : 0),
        optionKeys: OPTION_KEYS,
        needsContactForces: true,
      },
      options,
    );
    this.skip = skip;
    this.parts = parts;
    this.forwardRewardWeight = numberOption(n, opts, 'forwardRewardWeight', 1.25);
    this.ctrlCostWeight = numberOption(n, opts, 'ctrlCostWeight', 0.1, 0);
    this.contactCostWeight = numberOption(n, opts, 'contactCostWeight', 5e-7, 0);
    this.contactCostRange = rangeOption(n, opts, 'contactCostRange', [-Infinity, 10]);
    this.healthyRewardWeight = numberOption(n, opts, 'healthyReward', 5);
    this.terminateWhenUnhealthy = booleanOption(n, opts, 'terminateWhenUnhealthy', true);
    this.healthyZRange = rangeOption(n, opts, 'healthyZRange', [1, 2]);
    this.resetNoiseScale = numberOption(n, opts, 'resetNoiseScale', 1e-2, 0);
    this.bodyMass = Float64Array.from(this.model.body_mass as Float64Array);
    this.totalMass = this.bodyMass.reduce((a, b) => a + b, 0);
  }

  protected override bindViews(): void {
    super.bindViews();
    this.xipos = this.data.xipos as Float64Array;
    this.cinert = this.data.cinert as Float64Array;
    this.cvel = this.data.cvel as Float64Array;
    this.qfrcActuator = this.data.qfrc_actuator as Float64Array;
    this.cfrcExt = this.data.cfrc_ext as Float64Array;
    this.ctrlView = this.data.ctrl as Float64Array;
  }

  /** Gymnasium's `mass_center` along one axis (0 = x, 1 = y): mass-weighted mean of `xipos`. */
  private massCenter(axis: number): number {
    let s = 0;
    for (let b = 0; b < this.bodyMass.length; b++) s += this.bodyMass[b] * this.xipos[3 * b + axis];
    return s / this.totalMass;
  }

  /** Gymnasium's `is_healthy`: the torso height in the open range. */
  get isHealthy(): boolean {
    this.refreshViews();
    const z = this.qpos[2];
    return this.healthyZRange[0] < z && z < this.healthyZRange[1];
  }

  protected resetModel(rng: Rng): void {
    const s = this.resetNoiseScale;
    for (let k = 0; k < this.nq; k++) this.qpos[k] = this.initQpos[k] + rng.uniform(-s, s);
    for (let k = 0; k < this.nv; k++) this.qvel[k] = rng.uniform(-s, s);
  }

  protected transition(action: Float32Array): number {
    const x = this.massCenter(0);
    const y = this.massCenter(1);
    this.simulate(action);
    this.lastVx = (this.massCenter(0) - x) / this.dt;
    this.lastVy = (this.massCenter(1) - y) / this.dt;
    this.lastForward = this.forwardRewardWeight * this.lastVx;
    // Gymnasium squares data.ctrl: the action as stored, before MuJoCo's clamping.
    let ctrl = 0;
    for (let k = 0; k < this.nu; k++) ctrl += this.ctrlView[k] * this.ctrlView[k];
    this.lastCtrl = this.ctrlCostWeight * ctrl;
    let contact = 0;
    for (let k = 0; k < this.cfrcExt.length; k++) contact += this.cfrcExt[k] * this.cfrcExt[k];
    const [lo, hi] = this.contactCostRange;
    const cost = this.contactCostWeight * contact;
    this.lastContact = cost < lo ? lo : cost > hi ? hi : cost;
    const healthy = this.isHealthy;
    this.lastHealthy = healthy ? this.healthyRewardWeight : 0;
    this.terminalFlag = !healthy && this.terminateWhenUnhealthy;
    return this.lastForward + this.lastHealthy - this.lastCtrl - this.lastContact;
  }

  protected writeObservation(out: Float32Array, offset: number): void {
    let o = offset;
    for (let k = this.skip; k < this.nq; k++) out[o++] = this.qpos[k];
    for (let k = 0; k < this.nv; k++) out[o++] = this.qvel[k];
    if (this.parts.cinert) for (let k = 10; k < 10 * (BODIES + 1); k++) out[o++] = this.cinert[k];
    if (this.parts.cvel) for (let k = 6; k < 6 * (BODIES + 1); k++) out[o++] = this.cvel[k];
    if (this.parts.qfrc) for (let k = 6; k < this.nv; k++) out[o++] = this.qfrcActuator[k];
    if (this.parts.cfrc) for (let k = 6; k < 6 * (BODIES + 1); k++) out[o++] = this.cfrcExt[k];
  }

  private positionInfo(): Info {
    const x = this.qpos[0];
    const y = this.qpos[1];
    return { x_position: x, y_position: y, distance_from_origin: hypot(x, y) };
  }

  protected stepInfo(): Info {
    return {
      reward_survive: this.lastHealthy,
      reward_forward: this.lastForward,
      reward_ctrl: -this.lastCtrl,
      reward_contact: -this.lastContact,
      ...this.positionInfo(),
      x_velocity: this.lastVx,
      y_velocity: this.lastVy,
    };
  }

  protected override resetInfo(): Info {
    return this.positionInfo();
  }
}
