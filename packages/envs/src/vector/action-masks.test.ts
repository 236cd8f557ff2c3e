import { PpoError } from '@ppo/utils';
import { afterEach, describe, expect, it } from 'vitest';
import type { Env, Info } from '../env';
import { make } from '../registry';
import { Box, Discrete, MultiDiscrete } from '../spaces';
import { actionMaskSize, ActionMaskStacker, readActionMask } from './action-masks';
import { AsyncVectorEnv } from './async-vector-env';
import { SyncVectorEnv } from './sync-vector-env';
import { VectorClipObservation, VectorNormalizeObservation, VectorRecordEpisodeStatistics } from './vector-wrappers';

/** An env whose mask at step t of an episode allows only action (t mod n); episodes last `length` steps. */
class CountingMaskEnv implements Env<Float32Array, number> {
  readonly observationSpace = new Box({ low: 0, high: 100, shape: [1] });
  readonly actionSpace: Discrete;
  private t = 0;
  constructor(private readonly n: number, private readonly length: number, private readonly info: (t: number) => Info = (t) => ({ action_mask: CountingMaskEnv.maskAt(n, t) })) {
    this.actionSpace = new Discrete({ n });
  }
  static maskAt(n: number, t: number): Uint8Array {
    const mask = new Uint8Array(n);
    mask[t % n] = 1;
    return mask;
  }
  reset() {
    this.t = 0;
    return { observation: new Float32Array([0]), info: this.info(0) };
  }
  step() {
    this.t += 1;
    return { observation: new Float32Array([this.t]), reward: 1, terminated: this.t >= this.length, truncated: false, info: this.info(this.t) };
  }
  close() {}
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (error) {
    return PpoError.is(error) ? error.code : 'not a PpoError';
  }
  return undefined;
}

describe('action masks', () => {
  it('sizes masks as n for Discrete and sum(nvec) for MultiDiscrete, none for Box', () => {
    expect(actionMaskSize(new Discrete({ n: 5 }))).toBe(5);
    expect(actionMaskSize(new MultiDiscrete({ nvec: [3, 2, 4] }))).toBe(9);
    expect(actionMaskSize(new Box({ low: -1, high: 1, shape: [2] }))).toBeNull();
  });

  it('reads Uint8Array and Int8Array masks and rejects other types, lengths, values and empty rows', () => {
    expect(readActionMask('t', {}, [3])).toBeUndefined();
    expect(readActionMask('t', { action_mask: new Int8Array([0, 1, 0]) }, [3])).toEqual(new Int8Array([0, 1, 0]));
    expect(() => readActionMask('t', { action_mask: [0, 1, 0] }, [3])).toThrow(/t: info.action_mask must be a Uint8Array or Int8Array of 3 entries/);
    expect(() => readActionMask('t', { action_mask: new Float32Array([0, 1, 0]) }, [3])).toThrow(TypeError);
    expect(() => readActionMask('t', { action_mask: new Uint8Array(4).fill(1) }, [3])).toThrow(/must have 3 entries \(one per action\), got 4/);
    expect(() => readActionMask('t', { action_mask: new Uint8Array([0, 2, 0]) }, [3])).toThrow(/action_mask\[1\] must be 0 or 1, got 2/);
    expect(codeOf(() => readActionMask('t', { action_mask: new Uint8Array(3) }, [3]))).toBe('NO_VALID_ACTION');
    // MultiDiscrete: every sub-space must allow an action.
    expect(codeOf(() => readActionMask('t', { action_mask: new Uint8Array([1, 0, 0, 0]) }, [2, 2]))).toBe('NO_VALID_ACTION');
    expect(() => readActionMask('t', { action_mask: new Uint8Array([1, 0, 0, 0]) }, [2, 2])).toThrow(/in sub-space 1/);
  });

  it('stacks nothing when no env gives a mask, and refuses a mix', () => {
    const stacker = new ActionMaskStacker('V', new Discrete({ n: 2 }), 2);
    expect(stacker.stack([{}, {}])).toBeUndefined();
    expect(() => stacker.stack([{ action_mask: new Uint8Array([1, 0]) }, {}])).toThrow(/V: env 1 gives no info.action_mask while others do/);
    const boxStacker = new ActionMaskStacker('V', new Box({ low: -1, high: 1, shape: [1] }), 1);
    expect(() => boxStacker.stack([{ action_mask: new Uint8Array([1]) }])).toThrow(/only Discrete and MultiDiscrete/);
  });

  it('SyncVectorEnv stacks masks at reset and step; after an autoreset the row is the new episode mask', () => {
    const venv = new SyncVectorEnv([() => new CountingMaskEnv(4, 2), () => new CountingMaskEnv(4, 3)]);
    const r = venv.reset({ seed: 0 });
    expect(r.actionMasks).toEqual(new Uint8Array([1, 0, 0, 0, 1, 0, 0, 0]));
    const s1 = venv.step(new Int32Array([0, 0]));
    expect(s1.actionMasks).toEqual(new Uint8Array([0, 1, 0, 0, 0, 1, 0, 0]));
    // Env 0 ends at step 2 and is reset: its row is the mask of the new episode's first observation.
    const s2 = venv.step(new Int32Array([1, 1]));
    expect(s2.terminated).toEqual(new Uint8Array([1, 0]));
    expect(s2.actionMasks).toEqual(new Uint8Array([1, 0, 0, 0, 0, 0, 1, 0]));
    // The finished episode's last mask stays in its final info.
    expect(s2.infos[0].finalInfo).toEqual({ action_mask: CountingMaskEnv.maskAt(4, 2) });
    venv.close();
  });

  it('the trainer wrappers pass masks through unchanged', () => {
    const base = new SyncVectorEnv([() => new CountingMaskEnv(3, 5), () => new CountingMaskEnv(3, 5)]);
    const venv = new VectorClipObservation(new VectorNormalizeObservation(new VectorRecordEpisodeStatistics(base)), { low: -5, high: 5 });
    expect(venv.reset().actionMasks).toEqual(new Uint8Array([1, 0, 0, 1, 0, 0]));
    expect(venv.step(new Int32Array([0, 0])).actionMasks).toEqual(new Uint8Array([0, 1, 0, 0, 1, 0]));
    base.close();
  });

  it('a step whose mask allows nothing raises NO_VALID_ACTION and the vector env needs a reset', () => {
    const venv = new SyncVectorEnv([() => new CountingMaskEnv(2, 5, (t) => ({ action_mask: t === 1 ? new Uint8Array(2) : new Uint8Array([1, 1]) }))]);
    venv.reset();
    expect(codeOf(() => venv.step(new Int32Array([0])))).toBe('NO_VALID_ACTION');
    expect(() => venv.step(new Int32Array([0]))).toThrow(/call reset\(\)/);
    venv.close();
  });

  describe('AsyncVectorEnv', () => {
    let venv: AsyncVectorEnv | undefined;
    afterEach(async () => {
      await venv?.close();
    });

    it('stacks the workers\' masks exactly as SyncVectorEnv does', async () => {
      venv = await AsyncVectorEnv.create({ envId: 'CardPick-v0', numEnvs: 3, numWorkers: 2 });
      const sync = SyncVectorEnv.fromId('CardPick-v0', 3);
      const first = venv.reset({ seed: 5 }).actionMasks as Uint8Array;
      expect(first).toEqual(sync.reset({ seed: 5 }).actionMasks);
      let masks = Uint8Array.from(first);
      for (let t = 0; t < 40; t++) {
        // Play the first allowed slot of every env, so episodes run their full length.
        const actions = Int32Array.from({ length: 3 }, (_, i) => masks.subarray(i * 8, i * 8 + 8).indexOf(1));
        const a = venv.step(actions);
        const b = sync.step(actions);
        expect(a.actionMasks).toEqual(b.actionMasks);
        expect(a.rewards).toEqual(b.rewards);
        masks = Uint8Array.from(a.actionMasks as Uint8Array);
      }
      expect(Math.min(...masks)).toBe(0); // about half the slots are empty
      sync.close();
    });
  });

  it('CardPick-v0 is registered', () => {
    expect(make('CardPick-v0').actionSpace.toJSON()).toEqual({ type: 'discrete', n: 8, start: 0 });
  });
});
