import { PpoError } from '@ppo/utils';
import { describe, expect, it } from 'vitest';
import { CartPoleEnv } from './classic-control/cartpole';
import { checkEnv, EnvCheckError } from './check-env';
import { make, register } from './registry';
import { ModuleResolutionError, resolveModuleUrl } from './resolve-module';
import { Discrete } from './spaces';
import { SyncVectorEnv, VectorEnvError } from './vector/sync-vector-env';

/** What `fn` threw. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return expect.fail('expected an error');
}

describe('errors of @ppo/envs carry stable codes', () => {
  it('tells an unknown id from an id registered twice by code, not by text', () => {
    const unknown = thrown(() => make('NoSuchTask-v0'));
    expect(PpoError.is(unknown, 'UNKNOWN_ENV')).toBe(true);
    register('ErrorCodesTask-v0', () => new CartPoleEnv());
    const twice = thrown(() => register('ErrorCodesTask-v0', () => new CartPoleEnv()));
    expect(PpoError.is(twice, 'ALREADY_REGISTERED')).toBe(true);
    expect(PpoError.is(twice, 'UNKNOWN_ENV')).toBe(false);
  });

  it('keeps argument errors RangeErrors and TypeErrors, with the INVALID_ARGUMENT code', () => {
    const range = thrown(() => new Discrete({ n: 0 }));
    expect(range).toBeInstanceOf(RangeError);
    expect(PpoError.is(range, 'INVALID_ARGUMENT')).toBe(true);
    const type = thrown(() => new SyncVectorEnv([42 as never]));
    expect(type).toBeInstanceOf(TypeError);
    expect(PpoError.is(type, 'INVALID_ARGUMENT')).toBe(true);
  });

  it('codes state errors, env failures, contract violations and unresolvable modules', () => {
    const env = new CartPoleEnv();
    expect(PpoError.is(thrown(() => env.step(0)), 'INVALID_STATE')).toBe(true);
    const venv = new SyncVectorEnv([
      () => {
        const e = new CartPoleEnv();
        e.step = () => {
          throw new Error('broken');
        };
        return e;
      },
    ]);
    venv.reset({ seed: 1 });
    const failure = thrown(() => venv.step(new Int32Array(1)));
    expect(failure).toBeInstanceOf(VectorEnvError);
    expect(PpoError.is(failure, 'ENV_FAILED')).toBe(true);
    expect(failure instanceof PpoError).toBe(true);
    venv.close();
    const lying = new CartPoleEnv();
    lying.reset = () => ({ observation: new Float32Array(2), info: {} });
    const check = thrown(() => checkEnv(lying));
    expect(check).toBeInstanceOf(EnvCheckError);
    expect(PpoError.is(check, 'ENV_CHECK_FAILED')).toBe(true);
    const resolution = thrown(() => resolveModuleUrl('no-such-package-of-envs'));
    expect(resolution).toBeInstanceOf(ModuleResolutionError);
    expect(PpoError.is(resolution, 'MODULE_NOT_FOUND')).toBe(true);
  });
});
