/**
 * Training callbacks: hooks the trainer calls at fixed points of the loop. Any hook may stop
 * training by returning `false` (or a promise of it) or by calling `context.stop()`.
 */
import { PpoRangeError } from '@ppo/utils';

/** One finished episode, with its raw (unnormalized) return. */
export interface EpisodeRecord {
  /** Which env of the vector env finished. */
  readonly envIndex: number;
  /** Undiscounted return of the episode, before any reward scaling. */
  readonly return: number;
  /** Length in steps. */
  readonly length: number;
  /** Global env step (summed over envs) at which it finished. */
  readonly globalStep: number;
}

/** What every hook sees: the trainer's counters and a way to stop it. */
export interface CallbackContext {
  /** Env steps taken so far, summed over envs. */
  readonly globalStep: number;
  /** Updates (rollout + optimisation) completed so far. */
  readonly update: number;
  /** Total updates the run is configured for. */
  readonly numUpdates: number;
  /** Asks the trainer to stop after the current hook; a final checkpoint is still written. */
  stop(): void;
}

/** A hook's result: `false` stops training; anything else continues. */
export type CallbackResult = void | boolean | Promise<void | boolean>;

/**
 * Hooks into {@link PPO.train}. All are optional. Hooks run in the order the callbacks were
 * given; a hook may be async.
 */
export interface Callback {
  /** Before the first rollout (also after a resume). */
  onStart?(context: CallbackContext): CallbackResult;
  /** After every finished episode. */
  onEpisodeEnd?(context: CallbackContext, episode: EpisodeRecord): CallbackResult;
  /** After a rollout is collected and advantages are computed, before optimisation. */
  onRolloutEnd?(context: CallbackContext): CallbackResult;
  /** After optimisation, with the update's metrics (CleanRL names). */
  onUpdateEnd?(context: CallbackContext, metrics: Readonly<Record<string, number>>): CallbackResult;
  /** After a checkpoint is on disk, with its directory. */
  onCheckpoint?(context: CallbackContext, directory: string): CallbackResult;
  /** Once, when training ends for any reason but an error. */
  onEnd?(context: CallbackContext): CallbackResult;
}

/**
 * Stops training once the mean raw return of the last `window` episodes reaches `threshold`
 * (for example CartPole-v1's 475 over 20 episodes).
 *
 * @example
 * ```ts
 * const solved = new StopOnReward({ threshold: 475, window: 20 });
 * await ppo.train({ callbacks: [solved] });
 * if (solved.solvedAt !== null) console.log(`solved at step ${solved.solvedAt}`);
 * ```
 */
export class StopOnReward implements Callback {
  /** Global step at which the threshold was first reached, or null. */
  solvedAt: number | null = null;
  /** The mean over the window when it was reached, or null. */
  solvedMean: number | null = null;
  private readonly threshold: number;
  private readonly window: number;
  private readonly recent: number[] = [];

  constructor(options: { threshold: number; window?: number }) {
    if (!Number.isFinite(options.threshold)) {
      throw new PpoRangeError('INVALID_ARGUMENT', `threshold must be a finite number, got ${String(options.threshold)}`);
    }
    const window = options.window ?? 20;
    if (!Number.isInteger(window) || window < 1) throw new PpoRangeError('INVALID_ARGUMENT', `window must be a positive integer, got ${String(window)}`);
    this.threshold = options.threshold;
    this.window = window;
  }

  /** Mean of the last `window` returns, or NaN before `window` episodes have finished. */
  get mean(): number {
    if (this.recent.length < this.window) return Number.NaN;
    return this.recent.reduce((a, b) => a + b, 0) / this.recent.length;
  }

  onEpisodeEnd(context: CallbackContext, episode: EpisodeRecord): CallbackResult {
    this.recent.push(episode.return);
    if (this.recent.length > this.window) this.recent.shift();
    const mean = this.mean;
    if (this.solvedAt === null && mean >= this.threshold) {
      this.solvedAt = episode.globalStep;
      this.solvedMean = mean;
      context.stop();
    }
  }
}

/** Calls every hook of every callback in order; true when one asked to stop. */
export async function runHook<K extends keyof Callback>(
  callbacks: readonly Callback[],
  hook: K,
  ...args: Parameters<NonNullable<Callback[K]>>
): Promise<boolean> {
  let stop = false;
  for (const callback of callbacks) {
    const fn = callback[hook] as ((...a: unknown[]) => CallbackResult) | undefined;
    if (fn === undefined) continue;
    const result = await fn.apply(callback, args);
    if (result === false) stop = true;
  }
  return stop;
}
