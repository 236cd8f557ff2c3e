import { describeValue, PpoTypeError, PpoError } from '@ppo/utils';

// Episode phases.
const NEEDS_RESET = 0;
const RUNNING = 1;
const TERMINATED = 2;
const TRUNCATED = 3;
const CLOSED = 4;

/**
 * The episode protocol of an env, with the errors the project's envs raise when it is broken:
 * `step` before the first `reset` (or `setState`), and `step` after a step that terminated or
 * truncated the episode without a new `reset`, raise; after `close` every check raises. Every
 * error names the env and the method.
 *
 * It holds one small integer and allocates nothing on the happy path, so `step` and `stepInto`
 * can call it on every step.
 *
 * @example
 * ```ts
 * class Counter implements Env<Float32Array, number> {
 *   private readonly episode = new EpisodeGuard('Counter-v0');
 *   private n = 0;
 *   // observationSpace, actionSpace ...
 *   reset() {
 *     this.episode.start();
 *     this.n = 0;
 *     return { observation: new Float32Array([0]), info: {} };
 *   }
 *   step(action: number) {
 *     this.episode.checkStep(); // "Counter-v0.step: call reset() before step()"
 *     this.n += action;
 *     const terminated = this.n >= 10;
 *     this.episode.endStep(terminated, false);
 *     return { observation: new Float32Array([this.n]), reward: 1, terminated, truncated: false, info: {} };
 *   }
 *   close() {
 *     this.episode.close();
 *   }
 * }
 * ```
 */
export class EpisodeGuard {
  /** The env's name (its Gymnasium id), the first word of every error. */
  readonly owner: string;
  private phase = NEEDS_RESET;

  /** @param owner - the env's name, a non-empty string. */
  constructor(owner: string) {
    if (typeof owner !== 'string' || owner === '') {
      throw new PpoTypeError('INVALID_ARGUMENT', `EpisodeGuard: owner must be a non-empty string, got ${describeValue(owner)}`);
    }
    this.owner = owner;
  }

  /** Whether {@link EpisodeGuard.close} has been called. */
  get closed(): boolean {
    return this.phase === CLOSED;
  }

  /** Raises `<owner>.<method>: the env is closed` after {@link EpisodeGuard.close}. */
  checkOpen(method: string): void {
    if (this.phase === CLOSED) throw new PpoError('INVALID_STATE', `${this.owner}.${method}: the env is closed`);
  }

  /**
   * Raises unless an episode has begun since construction (it may have ended since):
   * `<owner>.<method>: call <remedy> first`. For methods that read the state, such as
   * `getState` (remedy `'reset() or setState()'`) or `render`.
   */
  checkStarted(method: string, remedy = 'reset()'): void {
    this.checkOpen(method);
    if (this.phase === NEEDS_RESET) throw new PpoError('INVALID_STATE', `${this.owner}.${method}: call ${remedy} first`);
  }

  /** Raises unless an episode is running; call it before each step. */
  checkStep(): void {
    // The check stays one comparison; building the message is left to the rare failure.
    if (this.phase !== RUNNING) this.raiseStep();
  }

  /**
   * Begins an episode: call it from `reset` and from `setState` (which puts the env
   * mid-episode). Raises on a closed env, naming `method`.
   */
  start(method = 'reset'): void {
    this.checkOpen(method);
    this.phase = RUNNING;
  }

  /** Records the flags of the step just taken: a terminated or truncated step ends the episode. */
  endStep(terminated: boolean, truncated: boolean): void {
    if (terminated) this.phase = TERMINATED;
    else if (truncated) this.phase = TRUNCATED;
  }

  /** Ends the env for good: every check raises afterwards. Closing twice is harmless. */
  close(): void {
    this.phase = CLOSED;
  }

  private raiseStep(): never {
    this.checkOpen('step');
    if (this.phase === NEEDS_RESET) throw new PpoError('INVALID_STATE', `${this.owner}.step: call reset() before step()`);
    const how = this.phase === TERMINATED ? 'terminated' : 'truncated';
    throw new PpoError('INVALID_STATE', `${this.owner}.step: the episode has ended (${how}); call reset() before stepping again`);
  }
}
