import { describeValue, PpoTypeError } from '@ppo/utils';
import type { Env, RenderFrame, ResetOptions, ResetResult, StepResult } from '../env';
import type { Space } from '../spaces';

/**
 * An {@link Env} around another (Gymnasium's `Wrapper`): every member delegates to `env` until a
 * subclass overrides it. `Obs`/`Act` are what the wrapper shows, `InnerObs`/`InnerAct` what the
 * wrapped env uses.
 */
export class Wrapper<Obs = Float32Array, Act = number | Float32Array, InnerObs = Obs, InnerAct = Act>
  implements Env<Obs, Act>
{
  /** The wrapped env. */
  readonly env: Env<InnerObs, InnerAct>;
  /** Present when the wrapped env renders: its frame. */
  readonly render?: () => RenderFrame;

  constructor(env: Env<InnerObs, InnerAct>) {
    if (env === null || typeof env !== 'object' || typeof env.step !== 'function' || typeof env.reset !== 'function') {
      throw new PpoTypeError('INVALID_ARGUMENT', `${new.target.name}: env must be an Env, got ${describeValue(env)}`);
    }
    this.env = env;
    if (typeof env.render === 'function') this.render = () => env.render!();
  }

  /** The wrapped env's id. */
  get id(): string | undefined {
    return this.env.id;
  }
  get observationSpace(): Space<Obs> {
    return this.env.observationSpace as unknown as Space<Obs>;
  }
  get actionSpace(): Space<Act> {
    return this.env.actionSpace as unknown as Space<Act>;
  }
  /** The innermost env, below every wrapper. */
  get unwrapped(): Env<unknown, unknown> {
    // Follows `env` through any wrapper, including ones not derived from this class (TimeLimit).
    let env = this.env as Env<unknown, unknown> & { env?: unknown };
    while (typeof env.env === 'object' && env.env !== null && typeof (env.env as Env<unknown, unknown>).step === 'function') {
      env = env.env as Env<unknown, unknown> & { env?: unknown };
    }
    return env;
  }
  reset(options?: ResetOptions): ResetResult<Obs> {
    return this.env.reset(options) as unknown as ResetResult<Obs>;
  }
  step(action: Act): StepResult<Obs> {
    return this.env.step(action as unknown as InnerAct) as unknown as StepResult<Obs>;
  }
  close(): void {
    this.env.close();
  }
}
