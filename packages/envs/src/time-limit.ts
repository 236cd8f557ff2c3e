import { describeValue, PpoRangeError, PpoTypeError, PpoError } from '@ppo/utils';
import type { Env, Info, RenderFrame, ResetOptions, ResetResult, StepResult } from './env';
import type { Space } from './spaces';
import { hasStepInto, type StepIntoEnv, type StepIntoTarget } from './vector/step-into';

/** Options of {@link TimeLimit}. */
export interface TimeLimitOptions {
  /** Steps after which an episode is truncated; a positive integer. */
  readonly maxEpisodeSteps: number;
  /** The id reported as {@link Env.id}; defaults to the wrapped env's. */
  readonly id?: string;
}

/**
 * Truncates episodes after `maxEpisodeSteps` steps, as Gymnasium's `TimeLimit`: the step that
 * reaches the limit returns `truncated: true` (and keeps `terminated` as the env reported it, so
 * both may be true). `reset` restarts the count. Stepping after the episode ended without
 * `reset` raises. `make` applies it for every registered id with a step limit.
 *
 * @example
 * ```ts
 * const env = new TimeLimit(new PendulumEnv(), { maxEpisodeSteps: 200 });
 * ```
 */
export class TimeLimit<Obs = Float32Array, Act = number | Float32Array> implements Env<Obs, Act>, StepIntoEnv<Act> {
  readonly id: string | undefined;
  readonly observationSpace: Space<Obs>;
  readonly actionSpace: Space<Act>;
  readonly maxEpisodeSteps: number;
  /** The wrapped env. */
  readonly env: Env<Obs, Act>;
  /** Present when the wrapped env renders: its frame. */
  readonly render?: () => RenderFrame;
  /** The wrapped env's `stepInto`, when it has one (looked up once). */
  private readonly innerStepInto: StepIntoEnv<Act> | undefined;
  private steps = 0;
  private ended = false;

  constructor(env: Env<Obs, Act>, options: TimeLimitOptions) {
    if (env === null || typeof env !== 'object' || typeof env.step !== 'function' || typeof env.reset !== 'function') {
      throw new PpoTypeError('INVALID_ARGUMENT', `TimeLimit: env must be an Env (with reset and step), got ${describeValue(env)}`);
    }
    const max = (options as Partial<TimeLimitOptions> | undefined)?.maxEpisodeSteps;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
      throw new PpoRangeError('INVALID_ARGUMENT', `TimeLimit: maxEpisodeSteps must be a positive integer, got ${String(max)}`);
    }
    this.env = env;
    this.maxEpisodeSteps = max;
    this.id = options.id ?? env.id;
    this.observationSpace = env.observationSpace;
    this.actionSpace = env.actionSpace;
    this.innerStepInto = hasStepInto<Act>(env) ? env : undefined;
    if (typeof env.render === 'function') this.render = () => (env.render as () => RenderFrame).call(env);
  }

  /** Steps taken in the current episode. */
  get elapsedSteps(): number {
    return this.steps;
  }

  /** The innermost env (following the `env` property of wrappers). */
  get unwrapped(): Env<Obs, Act> {
    let inner: Env<Obs, Act> = this.env;
    while ('env' in inner && typeof (inner as { env?: unknown }).env === 'object' && (inner as { env?: unknown }).env !== null) {
      inner = (inner as unknown as { env: Env<Obs, Act> }).env;
    }
    return inner;
  }

  reset(options?: ResetOptions): ResetResult<Obs> {
    const result = this.env.reset(options);
    this.steps = 0;
    this.ended = false;
    return result;
  }

  private begin(): void {
    if (this.ended) {
      throw new PpoError(
        'INVALID_STATE',
        `${this.id ?? 'TimeLimit'}.step: the episode has ended (after ${this.steps} steps); call reset() before stepping again`,
      );
    }
  }

  step(action: Act): StepResult<Obs> {
    this.begin();
    const result = this.env.step(action);
    this.steps++;
    const truncated = result.truncated || this.steps >= this.maxEpisodeSteps;
    if (result.terminated || truncated) this.ended = true;
    return truncated === result.truncated ? result : { ...result, truncated };
  }

  /**
   * The allocation-free path for vector envs: uses the wrapped env's `stepInto` when it has one,
   * otherwise `step` and the observation space's `flatten`.
   */
  stepInto(action: Act, target: StepIntoTarget, index: number): Info | undefined {
    this.begin();
    let info: Info | undefined;
    if (this.innerStepInto !== undefined) {
      info = this.innerStepInto.stepInto(action, target, index);
    } else {
      const result = this.env.step(action);
      target.observations.set(this.observationSpace.flatten(result.observation), index * this.observationSpace.flatDim);
      target.rewards[index] = result.reward;
      target.terminated[index] = result.terminated ? 1 : 0;
      target.truncated[index] = result.truncated ? 1 : 0;
      info = result.info;
    }
    this.steps++;
    if (this.steps >= this.maxEpisodeSteps) target.truncated[index] = 1;
    if (target.terminated[index] === 1 || target.truncated[index] === 1) this.ended = true;
    return info;
  }

  close(): void {
    this.env.close();
  }
}
