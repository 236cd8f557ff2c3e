/**
 * The messages between the `ppo` process and the child process that runs its training (see
 * supervise-training.ts and train-child.ts).
 */
import type { RunResult, RunTrainingOptions } from './runner';

/** What the child is asked to run: the JSON-safe part of {@link RunTrainingOptions}. */
export type ChildTrainingOptions = Pick<
  RunTrainingOptions,
  'out' | 'resume' | 'config' | 'console' | 'tensorboard' | 'envModules' | 'trustRunModules' | 'envTimeoutMs' | 'envStartTimeoutMs' | 'workers'
>;

/** Parent to child. */
export type ToChild =
  | { readonly type: 'start'; readonly options: ChildTrainingOptions }
  | { readonly type: 'stop'; readonly signal: 'SIGINT' | 'SIGTERM' };

/** An error as it crosses the process boundary; `field` is set for a config error, `modules` for a consent error. */
export interface ChildError {
  readonly name: string;
  readonly message: string;
  /** The error's `code` when it was a `PpoError`. */
  readonly code?: string;
  readonly field?: string;
  readonly modules?: readonly string[];
}

/** Child to parent, once: how the run ended. */
export type FromChild = { readonly type: 'result'; readonly result: RunResult } | { readonly type: 'error'; readonly error: ChildError };
