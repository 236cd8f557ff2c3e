import type { Rng } from '@ppo/utils';
import type { Info } from '@ppo/envs';
import { INVERTED_PENDULUM_XML } from './models';
import { MujocoEnv, type MujocoEnvOptions } from './mujoco-env';
import { numberOption } from './options';

/** Options of {@link InvertedPendulumEnv}: Gymnasium's `InvertedPendulum-v5` keyword arguments. */
export interface InvertedPendulumOptions extends MujocoEnvOptions {
  /** Half-width of the uniform noise on qpos and qvel at reset. Default 0.01. */
  readonly resetNoiseScale?: number;
}

/**
 * InvertedPendulum-v5: balance a pole on a cart. Observation 4: `[qpos, qvel]` (cart position,
 * pole angle, their velocities). Reward 1 per step that does not terminate, 0 on the terminal
 * step; terminated when `|angle| > 0.2` or the state is not finite. Reset: qpos and qvel
 * `+ U(-0.01, 0.01)`. Action: force in [-3, 3]. 2 frames of 20 ms RK4 (dt 0.04 s).
 */
export class InvertedPendulumEnv extends MujocoEnv {
  private readonly resetNoiseScale: number;
  private lastReward = 0;

  constructor(options: InvertedPendulumOptions = {}) {
    const opts = (options ?? {}) as Readonly<Record<string, unknown>>;
    super(
      {
        name: 'InvertedPendulum-v5',
        view: { projection: 'side', pixelsPerMeter: 150, center: [0, 0.2] },
        xml: INVERTED_PENDULUM_XML,
        defaultFrameSkip: 2,
        observationSize: (nq, nv) => nq + nv,
        optionKeys: ['resetNoiseScale'],
      },
      options,
    );
    this.resetNoiseScale = numberOption(this.name, opts, 'resetNoiseScale', 0.01, 0);
  }

  protected resetModel(rng: Rng): void {
    const s = this.resetNoiseScale;
    for (let k = 0; k < this.nq; k++) this.qpos[k] = this.initQpos[k] + rng.uniform(-s, s);
    for (let k = 0; k < this.nv; k++) this.qvel[k] = rng.uniform(-s, s);
  }

  protected transition(action: Float32Array): number {
    this.simulate(action);
    let finite = true;
    for (let k = 0; k < this.nq; k++) finite &&= Number.isFinite(this.qpos[k]);
    for (let k = 0; k < this.nv; k++) finite &&= Number.isFinite(this.qvel[k]);
    // Gymnasium tests the float64 observation; ours is the same state.
    this.terminalFlag = !finite || Math.abs(this.qpos[1]) > 0.2;
    this.lastReward = this.terminalFlag ? 0 : 1;
    return this.lastReward;
  }

  protected writeObservation(out: Float32Array, offset: number): void {
    let o = offset;
    for (let k = 0; k < this.nq; k++) out[o++] = this.qpos[k];
    for (let k = 0; k < this.nv; k++) out[o++] = this.qvel[k];
  }

  protected stepInfo(): Info {
    return { reward_survive: this.lastReward };
  }
}
