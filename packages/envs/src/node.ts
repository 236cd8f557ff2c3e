/**
 * @packageDocumentation
 * The Node-only part of `@ppo/envs`: {@link AsyncVectorEnv}, vector envs stepped in
 * worker threads over shared memory.
 */
export { AsyncVectorEnv, type AsyncVectorEnvOptions } from './vector/async-vector-env';
