import type { Callback, CallbackContext, CallbackResult } from './callbacks';
import type { Checkpoint } from './checkpoint';
import type { Logger } from './loggers';
import type { EvaluationResult, PPO } from './ppo';
import { describeValue, PpoRangeError, PpoTypeError } from '@ppo/utils';

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
  /**
   * Where the best model goes (Stable-Baselines3's `best_model_save_path`): after every
   * evaluation whose mean return beats all earlier ones, a checkpoint of the trainer is handed
   * to it. In Node, `bestModelSink(runDir, bestModelPath)` of `@ppo/trainer/node` writes it to a
   * folder inside the run directory; `runTraining` does that for its `bestModelPath` option.
   */
  readonly bestModel?: BestModelSink;
}

/** The evaluation that made a model the best so far. */
export interface BestEvaluation {
  /** Env steps trained when it ran. */
  readonly globalStep: number;
  readonly result: EvaluationResult;
}

/** Receives the best model so far (see {@link EvaluationCallbackOptions.bestModel}). */
export interface BestModelSink {
  /** Stores the checkpoint, replacing the previous best; returns where it went. */
  save(checkpoint: Checkpoint, best: BestEvaluation): Promise<string> | string;
}

/**
 * Evaluates the deterministic policy every `every` updates on a separate env with frozen
 * observation normalization, and logs `eval/mean_return`, `eval/std_return`,
 * `eval/min_return`, `eval/max_return`. With `bestModel`, it keeps the model of the best
 * evaluation so far (the highest mean return; a tie keeps the earlier one).
 *
 * @example
 * ```ts
 * // Node: evaluate every 10 updates and keep the best model in runs/cartpole/best_model/.
 * const evaluation = new EvaluationCallback(ppo, { every: 10, bestModel: bestModelSink('runs/cartpole', 'best_model') });
 * await ppo.train({ callbacks: [evaluation] });
 * console.log(evaluation.best?.result.mean, evaluation.bestPath);
 * ```
 */
export class EvaluationCallback implements Callback {
  /** Every evaluation so far, with the global step it ran at. */
  readonly history: { globalStep: number; result: EvaluationResult }[] = [];
  /** The best evaluation so far whose model was saved; null before the first, or without `bestModel`. */
  best: BestEvaluation | null = null;
  /** Where the sink stored the best model; null until it stored one. */
  bestPath: string | null = null;
  private readonly bestModel: BestModelSink | undefined;
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
    if (options.bestModel !== undefined && (options.bestModel === null || typeof options.bestModel.save !== 'function')) {
      throw new PpoTypeError('INVALID_ARGUMENT', `bestModel must be a sink with a save(checkpoint, best) method, got ${describeValue(options.bestModel)}`);
    }
    this.bestModel = options.bestModel;
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
    if (this.bestModel !== undefined && (this.best === null || result.mean > this.best.result.mean)) {
      const best = { globalStep, result };
      this.bestPath = await this.bestModel.save(this.ppo.checkpoint(), best);
      this.best = best;
    }
  }
}
