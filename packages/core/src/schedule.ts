import { PpoRangeError, PpoTypeError } from '@ppo/utils';
import { assertFiniteNumber, assertPositiveInteger } from './validate';

/**
 * A hyperparameter as a function of training progress: `progress` is the fraction of training
 * completed, 0 at the start and 1 at the end (note: SB3's schedules take the fraction
 * *remaining*, 1 - progress). Use {@link trainingProgress} to turn a step count into progress.
 */
export type Schedule = (progress: number) => number;

function checkProgress(progress: number): void {
  if (typeof progress !== 'number' || !(progress >= 0 && progress <= 1)) {
    throw new PpoRangeError('INVALID_ARGUMENT', `schedule: progress must be a number in [0, 1], got ${String(progress)}`);
  }
}

/**
 * A schedule that always returns `value` (learning rate, clip range, entropy coefficient...).
 *
 * @example
 * ```ts
 * const clip = constantSchedule(0.2);
 * clip(0.5); // 0.2
 * ```
 */
export function constantSchedule(value: number): Schedule {
  assertFiniteNumber('constantSchedule: value', value);
  return (progress: number) => {
    checkProgress(progress);
    return value;
  };
}

/** Options of {@link linearSchedule}. */
export interface LinearScheduleOptions {
  /** Value at progress 0. */
  readonly start: number;
  /** Value from progress `endFraction` on. */
  readonly end: number;
  /** Progress at which `end` is reached, in (0, 1]; default 1 (SB3's `get_linear_fn` end_fraction). */
  readonly endFraction?: number;
}

/**
 * Linear interpolation from `start` at progress 0 to `end` at progress `endFraction`, constant
 * after. CleanRL's learning-rate annealing (`frac = 1 - (iteration - 1) / num_iterations`,
 * `lr = frac * lr0`) is `linearSchedule({ start: lr0, end: 0 })` evaluated at
 * `trainingProgress(iteration - 1, numIterations)`.
 *
 * @example
 * ```ts
 * const lr = linearSchedule({ start: 3e-4, end: 0 });
 * lr(0); // 3e-4
 * lr(0.25); // 2.25e-4
 * ```
 */
export function linearSchedule(options: LinearScheduleOptions): Schedule {
  if (typeof options !== 'object' || options === null) {
    throw new PpoTypeError('INVALID_ARGUMENT', 'linearSchedule: options must be an object { start, end, endFraction? }');
  }
  const { start, end } = options;
  const endFraction = options.endFraction ?? 1;
  assertFiniteNumber('linearSchedule: start', start);
  assertFiniteNumber('linearSchedule: end', end);
  assertFiniteNumber('linearSchedule: endFraction', endFraction);
  if (endFraction <= 0 || endFraction > 1) {
    throw new PpoRangeError('INVALID_ARGUMENT', `linearSchedule: endFraction must be in (0, 1], got ${endFraction}`);
  }
  return (progress: number) => {
    checkProgress(progress);
    if (progress >= endFraction) return end;
    return start + (end - start) * (progress / endFraction);
  };
}

/**
 * The progress of training after `step` of `totalSteps` steps (or iterations): `step /
 * totalSteps`, clamped to 1.
 *
 * @param step completed steps, an integer >= 0.
 * @param totalSteps the planned total, a positive integer.
 * @example
 * ```ts
 * const lr = linearSchedule({ start: 2.5e-4, end: 0 });
 * optimizer.learningRate = lr(trainingProgress(iteration - 1, numIterations));
 * ```
 */
export function trainingProgress(step: number, totalSteps: number): number {
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) {
    throw new PpoRangeError('INVALID_ARGUMENT', `trainingProgress: step must be an integer >= 0, got ${String(step)}`);
  }
  assertPositiveInteger('trainingProgress: totalSteps', totalSteps);
  return Math.min(step / totalSteps, 1);
}
