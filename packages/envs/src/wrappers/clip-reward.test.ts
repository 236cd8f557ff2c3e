import { Rng } from '@ppo/utils';
import { describe, expect, it } from 'vitest';
import { make } from '../registry';
import { ClipReward } from './clip-reward';

describe('ClipReward', () => {
  it("clips every reward as numpy's clip with open bounds (Gymnasium's ClipReward), leaving the rest of the step alone", () => {
    // Pendulum's rewards spread over [-16.3, 0]: bounds inside that range clip some steps, not all.
    for (const [min, max] of [[-4, -1], [-4, undefined], [undefined, -1], [-2.5, -2.5]] as const) {
      const raw = make<Float32Array, Float32Array>('Pendulum-v1');
      const env = new ClipReward(make<Float32Array, Float32Array>('Pendulum-v1'), { min, max });
      raw.reset({ seed: 9 });
      env.reset({ seed: 9 });
      const rng = new Rng(2);
      let clipped = 0;
      for (let t = 0; t < 200; t++) {
        const action = new Float32Array([4 * rng.nextFloat() - 2]);
        const a = raw.step(action);
        const b = env.step(action);
        // The reference: numpy.clip(r, min, max) with None as no bound.
        let want = a.reward;
        if (min !== undefined && want < min) want = min;
        if (max !== undefined && want > max) want = max;
        expect(b.reward).toBe(want);
        if (want !== a.reward) clipped++;
        expect(Array.from(b.observation)).toEqual(Array.from(a.observation));
        expect([b.terminated, b.truncated]).toEqual([a.terminated, a.truncated]);
      }
      expect(clipped).toBeGreaterThan(0);
    }
  });

  it('states its bounds and rejects no bound, a NaN or min above max', () => {
    const env = new ClipReward(make('CartPole-v1'), { max: 0.5 });
    expect([env.min, env.max]).toEqual([-Infinity, 0.5]);
    env.reset({ seed: 0 });
    expect(env.step(0).reward).toBe(0.5);
    expect(() => new ClipReward(make('CartPole-v1'), {})).toThrow(/ClipReward: options must give min, max or both/);
    expect(() => new ClipReward(make('CartPole-v1'), { min: Number.NaN })).toThrow(/min must be a number or absent, got NaN/);
    expect(() => new ClipReward(make('CartPole-v1'), { min: 1, max: 0 })).toThrow(/min=1 must not be above max=0/);
  });
});
