/**
 * `@ppo/envs-mujoco/register`: importing this module starts the MuJoCo WebAssembly module and
 * registers the tasks (top-level await), for places that can only import a module, such as
 * the `modules` of `AsyncVectorEnv.create` from `@ppo/envs/node` (which looks the package up
 * from the current working directory):
 *
 * ```ts
 * const venv = await AsyncVectorEnv.create({
 *   envId: 'HalfCheetah-v5', numEnvs: 8, numWorkers: 2,
 *   modules: ['@ppo/envs-mujoco/register'],
 * });
 * ```
 *
 * ES module only (top-level await has no CommonJS form).
 */
import { registerMujocoEnvs } from './register';
import { initMujoco } from './runtime';

await initMujoco();
registerMujocoEnvs();
