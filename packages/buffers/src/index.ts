/**
 * @packageDocumentation
 * Rollout storage, minibatch samplers, token-sequence batches and the project's seeded
 * random generator (now from `@ppo/utils`, its only dependency); typed arrays in and out.
 */
/**
 * The seeded generator; moved to `@ppo/utils`, re-exported here so existing imports keep working.
 *
 * @deprecated Import from `@ppo/utils`.
 */
export { Rng, shuffleInPlace, type RandomSource, type RngState } from '@ppo/utils';
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

/** The errors this package throws: each has a stable `code`; `PpoError.is(error, code?)` tells them apart across builds (shared by every package through `@ppo/utils`). */
export { PpoError, PpoRangeError, PpoTypeError, type ErrorCode } from '@ppo/utils';
