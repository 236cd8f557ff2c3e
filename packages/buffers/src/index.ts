/**
 * @packageDocumentation
 * Rollout storage, minibatch samplers, token-sequence batches and the project's seeded
 * random generator. No runtime dependencies; typed arrays in and out.
 */
export { Rng, type RandomSource, type RngState } from './rng';
