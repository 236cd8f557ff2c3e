import { describe, expect, it } from 'vitest';
import { checkEnv, EnvCheckError } from './check-env';
import type { Env } from './env';
import { listEnvs, make } from './registry';
import { Box, Discrete } from './spaces';


/** A small valid env whose behaviour a test can break one piece at a time. */
function toy(overrides: Partial<Env<unknown, unknown>> & { noise?: () => number } = {}): Env<unknown, unknown> {
  let x = 0;
  let seedValue = 0;
  const env: Env<unknown, unknown> = {
    id: 'Toy-v0',
    observationSpace: new Box({ low: -100, high: 100, shape: [2] }),
    actionSpace: new Discrete({ n: 3 }),
    reset: (options) => {
      if (options?.seed !== undefined) seedValue = options.seed;
      x = (seedValue % 7) / 10;
      return { observation: new Float32Array([x, overrides.noise?.() ?? 0]), info: {} };
    },
    step: (a) => {
      x += (a as number) - 1;
      return { observation: new Float32Array([x, 0]), reward: -Math.abs(x), terminated: Math.abs(x) > 2, truncated: false, info: {} };
    },
    close: () => {},
  };
  return { ...env, ...overrides };
}

describe('checkEnv', () => {
  it.each(listEnvs().filter((s) => !s.id.startsWith('Test')).map((s) => s.id))('passes %s', (id) => {
    const report = checkEnv(make(id), { steps: 60 });
    // Pendulum's torque box is [-2, 2]: Gymnasium's checker warns about it too.
    if (id === 'Pendulum-v1') expect(report.warnings.join('\n')).toMatch(/not normalized to \[-1, 1\]/);
    expect(report.warnings.filter((w) => !/rescaling/.test(w))).toEqual([]);
  });

  it('passes a hand-written env and warns where it is lax', () => {
    const report = checkEnv(toy());
    expect(report.warnings.join('\n')).toMatch(/step\(\) after the episode ended did not raise/);
  });

  it.each([
    ['a non-boolean flag', { step: () => ({ observation: new Float32Array(2), reward: 0, terminated: 0, truncated: false, info: {} }) }, /step 0: terminated must be a boolean, got 0/],
    ['a NaN reward', { step: () => ({ observation: new Float32Array(2), reward: Number.NaN, terminated: false, truncated: false, info: {} }) }, /step 0: reward must be a finite number, got NaN/],
    ['an infinite reward', { step: () => ({ observation: new Float32Array(2), reward: -Infinity, terminated: false, truncated: false, info: {} }) }, /step 0: reward must be a finite number, got -Infinity/],
    ['an infinite observation in a bounded Box', { reset: () => ({ observation: new Float32Array([0, Infinity]), info: {} }) }, /reset\(\{ seed: 0 \}\): observation\[1\] must be finite \(the space bounds it to \[-100, 100\]\), got Infinity/],
    ['an observation outside the space', { step: () => ({ observation: new Float32Array([1000, 0]), reward: 0, terminated: false, truncated: false, info: {} }) }, /observation Float32Array\(2\) \[1000, 0\] is not inside observationSpace/],
    ['a Float64Array observation', { reset: () => ({ observation: new Float64Array(2), info: {} }) }, /a Box observation must be a Float32Array/],
    ['a missing info', { reset: () => ({ observation: new Float32Array(2) }) as never }, /reset\(\) must return \{ observation, info \}/],
    ['an array info', { reset: () => ({ observation: new Float32Array(2), info: [] as never }) }, /info must be a plain object/],
    ['a missing step key', { step: () => ({ observation: new Float32Array(2), reward: 0, terminated: false, info: {} }) as never }, /step\(\) must return \{ observation, reward, terminated, truncated, info \}/],
    ['a non-space', { actionSpace: { n: 2 } as never }, /actionSpace must be a Space/],
    ['a bad render frame', { render: () => ({ kind: 'rgb', width: 2, height: 2, data: new Uint8Array(3) }) }, /rgb frame must hold a Uint8Array of width\*height\*3 = 12 bytes/],
  ] as [string, Partial<Env<unknown, unknown>>, RegExp][])('rejects %s with a clear message', (_label, override, message) => {
    let error: unknown;
    try {
      checkEnv(toy(override));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvCheckError);
    expect((error as Error).message).toMatch(/^checkEnv\(Toy-v0\): /);
    expect((error as Error).message).toMatch(message);
  });

  it('allows ±Infinity in the entries the observation space leaves unbounded', () => {
    const observationSpace = new Box({ low: [-100, -Infinity], high: [100, Infinity] });
    expect(() => checkEnv(toy({ observationSpace, noise: () => -Infinity }))).not.toThrow();
    const step = (): ReturnType<Env<unknown, unknown>['step']> => ({ observation: new Float32Array([Infinity, 0]), reward: 0, terminated: false, truncated: false, info: {} });
    expect(() => checkEnv(toy({ observationSpace, step }))).toThrow(/step 0: observation\[0\] must be finite \(the space bounds it to \[-100, 100\]\), got Infinity/);
  });

  it('rejects an env whose trajectory does not follow its seed', () => {
    let calls = 0;
    expect(() => checkEnv(toy({ noise: () => calls++ }))).toThrow(/the same seed \(0\) and actions gave different observations at index 0/);
  });
});
