/**
 * @packageDocumentation
 * The Node-only part of `@ppo/envs`: {@link AsyncVectorEnv}, vector envs stepped in
 * worker threads over shared memory, and {@link resolveModuleUrl}, which turns the module
 * specifiers that register envs into absolute URLs that any worker or process can import.
 */
export { ModuleResolutionError, resolveModuleUrl } from './resolve-module';
export { AsyncVectorEnv, VectorEnvTimeoutError, type AsyncVectorEnvOptions } from './vector/async-vector-env';
