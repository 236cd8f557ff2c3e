import { PpoError } from '@ppo/utils';
import { describe, expect, it } from 'vitest';
import { checkEnv, EnvCheckError } from '../check-env';
import type { Env, Info } from '../env';
import type { Box, Discrete } from '../spaces';
import { CardPickEnv } from './card-pick';

describe('CardPickEnv', () => {
  it('passes checkEnv, masks included', () => {
    expect(checkEnv(new CardPickEnv()).warnings).toEqual([]);
  });

  it('allows about half the cards, and scores an allowed card by its value', () => {
    const env = new CardPickEnv();
    let { observation, info } = env.reset({ seed: 3 });
    let empty = 0;
    let total = 0;
    for (let t = 0; t < 16; t++) {
      const mask = info.action_mask as Uint8Array;
      expect(mask).toBeInstanceOf(Uint8Array);
      // Every slot holds a card of value 1..9 (shown as value / 9 in float32).
      observation.forEach((v) => expect(Math.abs(Math.round(v * 9) - v * 9) < 1e-5 && Math.round(v * 9) >= 1 && Math.round(v * 9) <= 9).toBe(true));
      empty += mask.filter((m) => m === 0).length;
      total += mask.length;
      // The highest allowed card.
      const best = observation.reduce((b, v, k) => (mask[k] === 1 && (b < 0 || v > observation[b]) ? k : b), -1);
      const r = env.step(best);
      expect(r.reward).toBeCloseTo(observation[best], 6);
      expect(r.terminated).toBe(t === 15);
      ({ observation, info } = r);
    }
    expect(empty / total).toBeGreaterThan(0.3);
    expect(empty / total).toBeLessThan(0.7);
  });

  it('playing a card the mask forbids scores the penalty and ends the game', () => {
    const env = new CardPickEnv({ invalidPenalty: -2 });
    const { info } = env.reset({ seed: 1 });
    const r = env.step((info.action_mask as Uint8Array).indexOf(0));
    expect(r).toMatchObject({ reward: -2, terminated: true, truncated: false });
    expect(() => env.step(0)).toThrow(/reset/);
  });

  it('validates its options', () => {
    expect(() => new CardPickEnv({ slots: 1 })).toThrow(/slots must be an integer >= 2, got 1/);
    expect(() => new CardPickEnv({ rounds: 0.5 })).toThrow(/rounds must be an integer >= 1/);
    expect(() => new CardPickEnv({ invalidPenalty: Number.NaN })).toThrow(/invalidPenalty must be a finite number/);
  });
});

/** CardPick with a tampered info, to check what checkEnv says about masks. */
class BadMaskEnv implements Env<Float32Array, number> {
  private readonly inner = new CardPickEnv();
  readonly observationSpace: Box = this.inner.observationSpace;
  readonly actionSpace: Discrete = this.inner.actionSpace;
  private steps = 0;
  constructor(private readonly tamper: (info: Info, step: number) => Info) {}
  reset(options?: { seed?: number }) {
    this.steps = 0;
    const r = this.inner.reset(options);
    return { ...r, info: this.tamper(r.info, 0) };
  }
  step(action: number) {
    this.steps += 1;
    const r = this.inner.step(action);
    return { ...r, info: this.tamper(r.info, this.steps) };
  }
  close() {}
}

describe('checkEnv on action masks', () => {
  const check = (tamper: (info: Info, step: number) => Info) => () => checkEnv(new BadMaskEnv(tamper));

  it('rejects a mask of the wrong dtype or length, non-0/1 flags and a mask that allows nothing', () => {
    expect(check((i) => ({ action_mask: Float32Array.from(i.action_mask as Uint8Array) }))).toThrow(/must be a Uint8Array or Int8Array of 8 entries, got Float32Array/);
    expect(check((i) => ({ action_mask: (i.action_mask as Uint8Array).subarray(0, 7) }))).toThrow(/must have 8 entries .* got 7/);
    expect(check((i) => ({ action_mask: (i.action_mask as Uint8Array).map((v) => v * 2) }))).toThrow(/must be 0 or 1, got 2/);
    expect(check((i, step) => ({ action_mask: step === 3 ? new Uint8Array(8) : i.action_mask }))).toThrow(/step 2: .*allows no action/);
    expect(check(() => ({ action_mask: new Int8Array(8).fill(1) }))).not.toThrow();
  });

  it('rejects a mask given at reset but not at a step, and the reverse', () => {
    expect(check((i, step) => (step === 2 ? {} : i))).toThrow(/first rollout: step 1: info.action_mask is missing/);
    expect(check((i, step) => (step === 0 ? {} : i))).toThrow(/info.action_mask is given, but the first reset gave none/);
  });

  it('fails with the ENV_CHECK_FAILED code', () => {
    try {
      check(() => ({ action_mask: [1] }))();
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EnvCheckError);
      expect(PpoError.is(error, 'ENV_CHECK_FAILED')).toBe(true);
    }
  });
});
