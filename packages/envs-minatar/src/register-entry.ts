/**
 * `@ppo/envs-minatar/register`: importing this module registers the MinAtar ids
 * (`MinAtar/<Game>-v0` and `-v1`), for places that can only import a module, such as the
 * trainer's env modules or the `modules` of `AsyncVectorEnv.create` from `@ppo/envs/node`:
 *
 * ```ts
 * const venv = await AsyncVectorEnv.create({
 *   envId: 'MinAtar/Breakout-v0', numEnvs: 8, numWorkers: 2,
 *   modules: ['@ppo/envs-minatar/register'],
 * });
 * ```
 */
import { registerMinAtarEnvs } from './register';

registerMinAtarEnvs();
