import { describeValue, PpoTypeError } from '@ppo/utils';
import type { Space } from '../spaces';
import { AutoresetMode, type VectorEnv, type VectorResetOptions, type VectorResetResult, type VectorStepResult } from './vector-env';

/**
 * A {@link VectorEnv} around another: every member delegates to `env` until a subclass
 * overrides it. Wrappers keep the reuse contract: their result arrays are allocated once.
 */
export class VectorWrapper implements VectorEnv {
  /** The wrapped vector env. */
  readonly env: VectorEnv;

  constructor(env: VectorEnv) {
    if (env === null || typeof env !== 'object' || typeof env.step !== 'function' || typeof env.reset !== 'function') {
      throw new PpoTypeError('INVALID_ARGUMENT', `${new.target.name}: env must be a VectorEnv, got ${describeValue(env)}`);
    }
    this.env = env;
  }

  get numEnvs(): number {
    return this.env.numEnvs;
  }
  /** The wrapped env's autoreset mode (`SameStep` when it states none). */
  get autoresetMode(): AutoresetMode {
    return this.env.autoresetMode ?? AutoresetMode.SAME_STEP;
  }
  get singleObservationSpace(): Space<unknown> {
    return this.env.singleObservationSpace;
  }
  get singleActionSpace(): Space<unknown> {
    return this.env.singleActionSpace;
  }
  get observationSize(): number {
    return this.env.observationSize;
  }
  get actionSize(): number {
    return this.env.actionSize;
  }
  reset(options?: VectorResetOptions): VectorResetResult {
    return this.env.reset(options);
  }
  step(actions: Float32Array | Int32Array): VectorStepResult {
    return this.env.step(actions);
  }
  close(): void | Promise<void> {
    return this.env.close();
  }
}
