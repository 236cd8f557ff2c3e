import { describe, expect, it } from 'vitest';
import { SyncVectorEnv } from './sync-vector-env';
import { RandomWalkEnv } from './test-envs';
import { AutoresetMode, type VectorEnv } from './vector-env';
import { VectorWrapper } from './vector-wrapper';
import { VectorClipReward, VectorNormalizeObservation } from './vector-wrappers';

const walk = (n = 2): SyncVectorEnv => new SyncVectorEnv(Array.from({ length: n }, () => () => new RandomWalkEnv()));

describe('autoresetMode', () => {
  it("uses Gymnasium 1.x's names", () => {
    expect(AutoresetMode).toEqual({ NEXT_STEP: 'NextStep', SAME_STEP: 'SameStep', DISABLED: 'Disabled' });
  });

  it('SyncVectorEnv states SameStep and behaves so: the step that ends an episode returns the next first observation', () => {
    const venv = walk(1);
    expect(venv.autoresetMode).toBe(AutoresetMode.SAME_STEP);
    venv.reset({ seed: 4 });
    const reference = new RandomWalkEnv();
    reference.reset({ seed: 4 });
    // Moving right every step ends the episode within 4 steps (|position| reaches 3).
    for (let t = 0; t < 12; t++) {
      const r = venv.step(Int32Array.of(2));
      const want = reference.step(2);
      if (want.terminated || want.truncated) {
        // SameStep: the final observation beside the new episode's first, in the same call.
        expect(Array.from(r.finalObservations)).toEqual(Array.from(want.observation));
        expect(Array.from(r.observations)).toEqual(Array.from(reference.reset().observation));
        return;
      }
      expect(Array.from(r.observations)).toEqual(Array.from(want.observation));
    }
    throw new Error('the episode did not end within 12 steps');
  });

  it('wrappers pass the mode of the env they wrap through, SameStep for an env that states none', () => {
    expect(new VectorNormalizeObservation(new VectorClipReward(walk(), { min: -1, max: 1 })).autoresetMode).toBe('SameStep');
    const plain: VectorEnv = walk();
    const legacy = new Proxy(plain, { get: (target, key) => (key === 'autoresetMode' ? undefined : Reflect.get(target, key) as unknown) });
    expect(new VectorWrapper(legacy).autoresetMode).toBe('SameStep');
    const nextStep = new Proxy(plain, { get: (target, key) => (key === 'autoresetMode' ? AutoresetMode.NEXT_STEP : Reflect.get(target, key) as unknown) });
    expect(new VectorWrapper(nextStep).autoresetMode).toBe('NextStep');
  });
});
