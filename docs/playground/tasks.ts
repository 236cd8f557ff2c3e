/**
 * The tasks the Playground offers, shared by the page (its task list) and the worker (which
 * starts MuJoCo only for a MuJoCo task).
 */
import type { PlaygroundSettings } from './protocol.js';

/** A task of the page: an env id and the preset it trains with by default. */
export interface Task {
  readonly env: string;
  readonly label: string;
  readonly preset: PlaygroundSettings['preset'];
}

const MINATAR_GAMES = ['Asterix', 'Breakout', 'Freeway', 'Seaquest', 'SpaceInvaders'] as const;

/**
 * The MuJoCo tasks of `@ppo/envs-mujoco` (their registrations recommend the `mujoco` preset).
 * Listed here rather than read from the package, so the page and the worker know them before
 * MuJoCo is loaded.
 */
const MUJOCO_TASKS = [
  'InvertedPendulum-v5',
  'InvertedDoublePendulum-v5',
  'Reacher-v5',
  'Swimmer-v5',
  'Hopper-v5',
  'HalfCheetah-v5',
  'Walker2d-v5',
  'Ant-v5',
  'Humanoid-v5',
] as const;

/** Whether `env` is a MuJoCo task, which needs MuJoCo's WebAssembly module started first. */
export function needsMujoco(env: string): boolean {
  return (MUJOCO_TASKS as readonly string[]).includes(env);
}

/** The tasks offered; the first is the default. */
export const TASKS: readonly Task[] = [
  { env: 'CartPole-v1', label: 'CartPole-v1', preset: 'classic' },
  { env: 'Acrobot-v1', label: 'Acrobot-v1', preset: 'classic' },
  { env: 'MountainCar-v0', label: 'MountainCar-v0', preset: 'classic' },
  { env: 'Pendulum-v1', label: 'Pendulum-v1 (continuous)', preset: 'mujoco' },
  ...MUJOCO_TASKS.map((env) => ({ env, label: `MuJoCo ${env}`, preset: 'mujoco' as const })),
  ...MINATAR_GAMES.map((game) => ({ env: `MinAtar/${game}-v1`, label: `MinAtar ${game}`, preset: 'minatar' as const })),
];
