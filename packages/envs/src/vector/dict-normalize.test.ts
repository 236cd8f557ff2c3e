import { Rng } from '@ppo/utils';
import { describe, expect, it } from 'vitest';
import type { Env } from '../env';
import { Box, Dict, Discrete, Tuple } from '../spaces';
import { SyncVectorEnv } from './sync-vector-env';
import { VectorNormalizeObservation } from './vector-wrappers';

type Obs = { frame: Float32Array; mode: number; pos: Float32Array };

/** Random Dict observations: a 2x2x1 image, a Discrete(3) mode and a 2-vector (flat order frame, mode, pos). */
class DictEnv implements Env<Obs, number> {
  readonly observationSpace = new Dict({
    spaces: { pos: new Box({ low: -10, high: 10, shape: [2] }), frame: new Box({ low: 0, high: 255, shape: [2, 2, 1] }), mode: new Discrete({ n: 3 }) },
  });
  readonly actionSpace = new Discrete({ n: 2 });
  private rng = new Rng(0);
  reset(options: { seed?: number } = {}) {
    if (options.seed !== undefined) this.rng = new Rng(options.seed);
    return { observation: this.draw(), info: {} };
  }
  step() {
    return { observation: this.draw(), reward: 0, terminated: false, truncated: false, info: {} };
  }
  close() {}
  private draw(): Obs {
    return {
      frame: Float32Array.from({ length: 4 }, () => this.rng.nextInt(256)),
      mode: this.rng.nextInt(3),
      pos: Float32Array.from([this.rng.uniform(3, 9), this.rng.uniform(-8, -2)]),
    };
  }
}

describe('VectorNormalizeObservation on Dict observations', () => {
  it('normalizes the vector key against float64 running statistics and passes the image and the discrete key through', () => {
    const base = new SyncVectorEnv([() => new DictEnv(), () => new DictEnv()]);
    const venv = new VectorNormalizeObservation(base);
    const seen: number[][] = [];
    let raw = Float32Array.from(base.reset({ seed: 1 }).observations);
    const first = venv.reset({ seed: 1 });
    const check = (out: Float32Array) => {
      for (let i = 0; i < 2; i++) seen.push(Array.from(raw.subarray(i * 9 + 7, i * 9 + 9)));
      for (let i = 0; i < 2; i++) {
        // Flat layout per env: frame (4), mode one-hot (3), pos (2).
        expect(Array.from(out.subarray(i * 9, i * 9 + 7))).toEqual(Array.from(raw.subarray(i * 9, i * 9 + 7)));
        for (let c = 0; c < 2; c++) {
          const column = seen.map((row) => row[c]);
          const mean = column.reduce((a, b) => a + b, 0) / column.length;
          const variance = column.reduce((a, b) => a + (b - mean) ** 2, 0) / column.length;
          // RunningMeanStd starts from a pseudo-count of 1e-4 at mean 0 and variance 1.
          const n = column.length;
          const w = n / (n + 1e-4);
          const m = mean * w;
          const v = (1e-4 * 1 + n * variance + ((mean * mean * 1e-4 * n) / (n + 1e-4))) / (n + 1e-4);
          const expected = (raw[i * 9 + 7 + c] - m) / Math.sqrt(v + 1e-8);
          expect(Math.abs(out[i * 9 + 7 + c] - expected)).toBeLessThan(1e-4 * (1 + Math.abs(expected)));
        }
      }
    };
    check(first.observations);
    // The base env's copy steps in lockstep with the wrapped one (same seeds, same draws).
    const twin = new SyncVectorEnv([() => new DictEnv(), () => new DictEnv()]);
    twin.reset({ seed: 1 });
    for (let t = 0; t < 20; t++) {
      const out = venv.step(new Int32Array(2));
      raw = Float32Array.from(twin.step(new Int32Array(2)).observations);
      check(out.observations);
    }
    // Its space: the vector key unbounded, the others as they were.
    expect(venv.singleObservationSpace.toJSON()).toEqual({
      type: 'dict',
      spaces: {
        frame: new Box({ low: 0, high: 255, shape: [2, 2, 1] }).toJSON(),
        mode: { type: 'discrete', n: 3, start: 0 },
        pos: new Box({ low: -Infinity, high: Infinity, shape: [2] }).toJSON(),
      },
    });
  });

  it('accepts Tuple spaces and still refuses a Discrete observation space', () => {
    const tupleEnv = {
      observationSpace: new Tuple({ spaces: [new Box({ low: 0, high: 1, shape: [1, 1, 1] }), new Box({ low: -1, high: 1, shape: [1] })] }),
      actionSpace: new Discrete({ n: 2 }),
      reset: () => ({ observation: [new Float32Array([0.5]), new Float32Array([0.25])], info: {} }),
      step: () => ({ observation: [new Float32Array([0.5]), new Float32Array([0.25])], reward: 0, terminated: false, truncated: false, info: {} }),
      close: () => undefined,
    };
    const venv = new VectorNormalizeObservation(new SyncVectorEnv([() => tupleEnv]));
    const out = venv.reset().observations;
    expect(out[0]).toBe(0.5);
    expect(out[1]).not.toBe(0.25);
    const discrete = { ...tupleEnv, observationSpace: new Discrete({ n: 3 }), reset: () => ({ observation: 0, info: {} }) };
    expect(() => new VectorNormalizeObservation(new SyncVectorEnv([() => discrete]))).toThrow(/needs a Box observation \(or Dict \/ Tuple\) space/);
  });
});
