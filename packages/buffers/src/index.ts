/**
 * @packageDocumentation
 * Rollout storage, minibatch samplers, token-sequence batches and the project's seeded
 * random generator. No runtime dependencies; typed arrays in and out.
 */
export { Rng, shuffleInPlace, type RandomSource, type RngState } from './rng';
export {
  RolloutBuffer,
  type ActionArray,
  type ActionType,
  type Minibatch,
  type MinibatchMode,
  type MinibatchOptions,
  type RolloutBufferOptions,
  type RolloutStep,
} from './rollout-buffer';
export { TokenBatch, type SampledCompletions, type TokenBatchOptions, type TokenRow, type TokenSequence } from './token-batch';
export { completionColumns, joinPromptsAndCompletions, type PromptCompletionShape } from './token-layout';
