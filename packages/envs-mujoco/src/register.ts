import { isRegistered, register, type EnvFactory } from '@ppo/envs';
import { AntEnv } from './ant';
import { HalfCheetahEnv } from './half-cheetah';
import { HopperEnv } from './hopper';
import { HumanoidEnv } from './humanoid';
import { InvertedDoublePendulumEnv } from './inverted-double-pendulum';
import { InvertedPendulumEnv } from './inverted-pendulum';
import { ReacherEnv } from './reacher';
import { SwimmerEnv } from './swimmer';
import { Walker2dEnv } from './walker2d';

/** Registration of one MuJoCo task: Gymnasium's id, time limit and reward threshold. */
export interface MujocoEnvRegistration {
  readonly id: string;
  readonly maxEpisodeSteps: number;
  readonly rewardThreshold?: number;
}

/** The ids {@link registerMujocoEnvs} registers, with Gymnasium's time limits and thresholds. */
export const MUJOCO_ENV_IDS: readonly MujocoEnvRegistration[] = Object.freeze([
  { id: 'HalfCheetah-v5', maxEpisodeSteps: 1000, rewardThreshold: 4800 },
  { id: 'Hopper-v5', maxEpisodeSteps: 1000, rewardThreshold: 3800 },
  { id: 'Walker2d-v5', maxEpisodeSteps: 1000 },
  { id: 'Swimmer-v5', maxEpisodeSteps: 1000, rewardThreshold: 360 },
  { id: 'InvertedPendulum-v5', maxEpisodeSteps: 1000, rewardThreshold: 950 },
  { id: 'InvertedDoublePendulum-v5', maxEpisodeSteps: 1000, rewardThreshold: 9100 },
  { id: 'Reacher-v5', maxEpisodeSteps: 50, rewardThreshold: -3.75 },
  { id: 'Ant-v5', maxEpisodeSteps: 1000, rewardThreshold: 6000 },
  { id: 'Humanoid-v5', maxEpisodeSteps: 1000 },
]);

const FACTORIES: Readonly<Record<string, EnvFactory>> = {
  'HalfCheetah-v5': (o) => new HalfCheetahEnv(o),
  'Hopper-v5': (o) => new HopperEnv(o),
  'Walker2d-v5': (o) => new Walker2dEnv(o),
  'Swimmer-v5': (o) => new SwimmerEnv(o),
  'InvertedPendulum-v5': (o) => new InvertedPendulumEnv(o),
  'InvertedDoublePendulum-v5': (o) => new InvertedDoublePendulumEnv(o),
  'Reacher-v5': (o) => new ReacherEnv(o),
  'Ant-v5': (o) => new AntEnv(o),
  'Humanoid-v5': (o) => new HumanoidEnv(o),
};

/**
 * Registers the MuJoCo tasks into `@ppo/envs`'s registry so that `make('HalfCheetah-v5')` works,
 * each recommending the trainer's `mujoco` preset (the paper's Table 3). Idempotent: ids already registered are left as they are. Registering does not need the
 * WASM module; `make` does, so `await initMujoco()` must have completed before it.
 *
 * @returns the ids this call registered.
 */
export function registerMujocoEnvs(): string[] {
  const added: string[] = [];
  for (const { id, maxEpisodeSteps, rewardThreshold } of MUJOCO_ENV_IDS) {
    if (isRegistered(id)) continue;
    register(id, FACTORIES[id], { maxEpisodeSteps, rewardThreshold, recommendedPreset: 'mujoco' });
    added.push(id);
  }
  return added;
}
