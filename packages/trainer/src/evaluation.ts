import type { Callback, CallbackContext, CallbackResult } from './callbacks';
import type { Logger } from './loggers';
import type { EvaluationResult, PPO } from './ppo';
import { PpoRangeError } from '@ppo/utils';

/** The metrics an {@link EvaluationCallback} logs, in order. */
export const EVAL_METRIC_NAMES = Object.freeze(['eval/mean_return', 'eval/std_return', 'eval/min_return', 'eval/max_return'] as const);

/** Options of {@link EvaluationCallback}. */
export interface EvaluationCallbackOptions {
  /** Evaluate every this many updates. */
  readonly every: number;
  /** Episodes per evaluation. Default: the trainer's `config.evalEpisodes`. */
  readonly episodes?: number;
  /** Where `eval/mean_return` and friends go. */
  readonly loggers?: readonly Logger[];
}

/**
 * Evaluates the deterministic policy every `every` updates on a separate env with frozen
 * observation normalization, and logs `eval/mean_return`, `eval/std_return`,
 * `eval/min_return`, `eval/max_return`.
 */
export class EvaluationCallback implements Callback {
  /** Every evaluation so far, with the global step it ran at. */
  readonly history: { globalStep: number; result: EvaluationResult }[] = [];
  private readonly ppo: PPO;
  private readonly every: number;
  private readonly episodes: number | undefined;
  private readonly loggers: readonly Logger[];

  constructor(ppo: PPO, options: EvaluationCallbackOptions) {
    if (!Number.isInteger(options.every) || options.every < 1) {
      throw new PpoRangeError('INVALID_ARGUMENT', `every must be a positive integer, got ${String(options.every)}`);
    }
    this.ppo = ppo;
    this.every = options.every;
    this.episodes = options.episodes;
    this.loggers = options.loggers ?? [];
  }

  onUpdateEnd(context: CallbackContext): CallbackResult {
    if (context.update % this.every !== 0) return;
    return this.run(context.globalStep);
  }

  private async run(globalStep: number): Promise<void> {
    const result = await this.ppo.evaluate({ episodes: this.episodes });
    this.history.push({ globalStep, result });
    const metrics = {
      'eval/mean_return': result.mean,
      'eval/std_return': result.std,
      'eval/min_return': result.min,
      'eval/max_return': result.max,
    };
    for (const logger of this.loggers) logger.log(globalStep, metrics);
  }
}
