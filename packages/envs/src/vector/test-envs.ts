import { describeValue, Rng, sin } from '@ppo/utils';
// Small envs for the vector-env tests, registered under Test* ids. AsyncVectorEnv tests pass this
// module in `modules` so that the workers register them too.
import type { Env, Info, ResetOptions, ResetResult, StepResult } from '../env';
import { isRegistered, register } from '../registry';
import { Box, Discrete } from '../spaces';

/** A call that never returns and never yields: only terminating the thread ends it. */
function spinForever(): never {
  for (;;) {
    // spin
  }
}

/** Options of {@link RandomWalkEnv}. */
export interface RandomWalkOptions {
  /** Throw from `step` on this step of an episode of the env reset with `failSeed`. */
  readonly failAtStep?: number;
  readonly failSeed?: number;
  /** End the thread (`process.exit`) on this step of an episode of the env reset with `failSeed`. */
  readonly exitAtStep?: number;
  /** Spin for a minute on this step of an episode of the env reset with `failSeed`. */
  readonly hangAtStep?: number;
  /** Spin forever in the constructor: an env that never finishes being made. */
  readonly hangOnMake?: boolean;
  /** Spin forever in `reset` with seed `failSeed`. */
  readonly hangOnResetSeed?: boolean;
  /** Busy-work per step, in inner iterations. */
  readonly work?: number;
}

/**
 * A seeded random walk: observation [position, step / 10, noise], 3 discrete actions moving
 * the position by -1, 0, +1; reward = the move times a random factor; terminates when
 * |position| >= 3 and truncates itself at 12 steps; every fourth step reports an info.
 */
export class RandomWalkEnv implements Env<Float32Array, number> {
  readonly id = 'TestRandomWalk-v0';
  readonly observationSpace = new Box({ low: -20, high: 20, shape: [3] });
  readonly actionSpace = new Discrete({ n: 3 });
  private rng = new Rng(0);
  private position = 0;
  private t = 0;
  private seed: number | undefined;
  private readonly options: RandomWalkOptions;

  constructor(options: RandomWalkOptions = {}) {
    this.options = options;
    if (options.hangOnMake === true) spinForever();
  }

  private observe(): Float32Array {
    return new Float32Array([this.position, this.t / 10, this.rng.nextFloat()]);
  }

  reset(options: ResetOptions = {}): ResetResult<Float32Array> {
    if (options.seed !== undefined) {
      if (this.options.hangOnResetSeed === true && options.seed === this.options.failSeed) spinForever();
      this.seed = options.seed;
      this.rng = new Rng(options.seed);
    }
    this.position = this.rng.nextInt(3) - 1;
    this.t = 0;
    return { observation: this.observe(), info: { start: this.position } };
  }

  step(action: number): StepResult<Float32Array> {
    if (!this.actionSpace.contains(action)) throw new RangeError(`TestRandomWalk-v0: invalid action ${describeValue(action)}`);
    this.t++;
    if (this.options.failAtStep === this.t && this.options.failSeed === this.seed) {
      throw new Error(`deliberate failure at step ${this.t}`);
    }
    if (this.options.failSeed === this.seed) {
      if (this.options.exitAtStep === this.t) process.exit(3);
      if (this.options.hangAtStep === this.t) {
        // Spin far longer than any test's time limit (an env that never answers), yet end in
        // case nothing terminates the thread.
        const until = Date.now() + 600_000;
        while (Date.now() < until) {
          // spin
        }
      }
    }
    let sink = 0;
    for (let k = 0; k < (this.options.work ?? 0); k++) sink += sin(k + this.t);
    this.position += action - 1;
    const reward = (action - 1) * this.rng.nextFloat() + (sink > 1e300 ? 1 : 0);
    const terminated = Math.abs(this.position) >= 3;
    const truncated = !terminated && this.t >= 12;
    const info: Info = this.t % 4 === 0 ? { t: this.t, tag: `step-${this.t}` } : {};
    return { observation: this.observe(), reward, terminated, truncated, info };
  }

  close(): void {}
}

/** A Pendulum-like env with a Box action and a Box observation, no stepInto. */
export class DriftEnv implements Env<Float32Array, Float32Array> {
  readonly observationSpace = new Box({ low: -Infinity, high: Infinity, shape: [2] });
  readonly actionSpace = new Box({ low: [-1, -2], high: [1, 2] });
  private rng = new Rng(0);
  private x = new Float64Array(2);
  private t = 0;

  reset(options: ResetOptions = {}): ResetResult<Float32Array> {
    if (options.seed !== undefined) this.rng = new Rng(options.seed);
    this.x[0] = this.rng.normal(0, 1);
    this.x[1] = this.rng.normal(0, 1);
    this.t = 0;
    return { observation: Float32Array.from(this.x), info: {} };
  }

  step(action: Float32Array): StepResult<Float32Array> {
    if (!this.actionSpace.contains(action)) throw new RangeError(`Drift: action outside the space: ${String(action)}`);
    this.t++;
    this.x[0] += action[0] + 0.1 * this.rng.nextNormal();
    this.x[1] += action[1] + 0.1 * this.rng.nextNormal();
    const reward = -(this.x[0] ** 2 + this.x[1] ** 2);
    return { observation: Float32Array.from(this.x), reward, terminated: Math.abs(this.x[0]) > 4, truncated: this.t >= 9, info: {} };
  }

  close(): void {}
}

/** An env whose members are getters over private fields: they work only on the env itself. */
export class PrivateFieldsEnv implements Env<Float32Array, number> {
  readonly #observationSpace = new Box({ low: -1, high: 1, shape: [1] });
  readonly #actionSpace = new Discrete({ n: 2 });
  #t = 0;

  get id(): string {
    return 'TestPrivate-v0';
  }

  get observationSpace(): Box {
    return this.#observationSpace;
  }

  get actionSpace(): Discrete {
    return this.#actionSpace;
  }

  reset(): ResetResult<Float32Array> {
    this.#t = 0;
    return { observation: Float32Array.of(0), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    this.#t++;
    return { observation: Float32Array.of(action - 0.5), reward: this.#t, terminated: false, truncated: this.#t >= 3, info: {} };
  }

  close(): void {}
}

if (!isRegistered('TestPrivate-v0')) {
  register('TestPrivate-v0', () => new PrivateFieldsEnv());
}
if (!isRegistered('TestRandomWalk-v0')) {
  register('TestRandomWalk-v0', (o) => new RandomWalkEnv(o));
}
if (!isRegistered('TestDrift-v0')) {
  register('TestDrift-v0', () => new DriftEnv());
}
