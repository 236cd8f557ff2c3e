import { Rng } from '@ppo/utils';
import { describe, expect, it } from 'vitest';
import type { Env, ResetResult, StepResult } from '../env';
import { make } from '../registry';
import { Box } from '../spaces';
import { RescaleAction } from './rescale-action';

/** An env with the given Box action space that records every action it is stepped with. */
class ActionRecorder implements Env<Float32Array, Float32Array> {
  readonly observationSpace = new Box({ low: -1, high: 1, shape: [1] });
  readonly actionSpace: Box;
  readonly received: Float32Array[] = [];
  constructor(low: number[], high: number[]) {
    this.actionSpace = new Box({ low, high });
  }
  reset(): ResetResult<Float32Array> {
    return { observation: new Float32Array(1), info: {} };
  }
  step(action: Float32Array): StepResult<Float32Array> {
    this.received.push(action);
    return { observation: new Float32Array(1), reward: 0, terminated: false, truncated: false, info: {} };
  }
  close(): void {}
}

/**
 * Gymnasium's formulation (gymnasium/wrappers/utils.py rescale_box), written independently:
 * where both new bounds are finite, gradient = (max - min) / (high - low) and
 * intercept = min - gradient * low; where only one is, gradient 1 and the intercept moves that
 * bound onto the env's. The wrapper steps the env with its backward map (a - intercept) / gradient.
 */
function gymnasiumBackward(action: number, low: number, high: number, min: number, max: number): number {
  let gradient = 1;
  let intercept = 0;
  if (Number.isFinite(min) && Number.isFinite(max)) gradient = (max - min) / (high - low);
  if (Number.isFinite(max)) intercept = max - high;
  if (Number.isFinite(min)) intercept = gradient * -low + min;
  return (action - intercept) / gradient;
}

describe('RescaleAction', () => {
  it("matches Gymnasium's affine map over bounds, scalar and per-entry targets, inside and outside [min, max]", () => {
    const rng = new Rng(3);
    const cases: [number[], number[], number | number[], number | number[]][] = [
      [[-2], [2], -1, 1],
      [[0, -5, 10], [1, 5, 30], -1, 1],
      [[-0.4, -1, -3], [0.4, 1, 7], [0, -2, -0.5], [1, 2, 0.75]],
      [[-Infinity, -1, 0], [Infinity, 1, Infinity], [-Infinity, 0, 2], [Infinity, 4, Infinity]],
      [[-Infinity, -3], [5, 3], [-Infinity, -1], [1, 1]],
    ];
    for (const [low, high, min, max] of cases) {
      const inner = new ActionRecorder(low, high);
      const env = new RescaleAction(inner, { min, max });
      const n = low.length;
      const lo = typeof min === 'number' ? new Array<number>(n).fill(min) : min;
      const hi = typeof max === 'number' ? new Array<number>(n).fill(max) : max;
      expect(Array.from((env.actionSpace as Box).low)).toEqual(lo.map(Math.fround));
      expect(Array.from((env.actionSpace as Box).high)).toEqual(hi.map(Math.fround));
      for (let t = 0; t < 50; t++) {
        // Actions across [min, max] and a little beyond (mapped, not clipped); unbounded entries from a normal.
        const action = Float32Array.from(lo, (l, k) => (Number.isFinite(l) && Number.isFinite(hi[k]) ? l + (hi[k] - l) * (1.4 * rng.nextFloat() - 0.2) : 10 * rng.normal(0, 1)));
        env.step(action);
        const got = inner.received.at(-1) as Float32Array;
        for (let k = 0; k < n; k++) {
          const want = gymnasiumBackward(action[k], low[k], high[k], lo[k], hi[k]);
          // float32 storage of the result: a relative tolerance of a few float32 ulps.
          expect(Math.abs(got[k] - want)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want)));
        }
      }
    }
  });

  it('maps min onto the env low and max onto its high (the example of Gymnasium’s docs)', () => {
    const raw = make<Float32Array, Float32Array>('Pendulum-v1');
    const wrapped = new RescaleAction(make<Float32Array, Float32Array>('Pendulum-v1'), { min: -0.5, max: 0.25 });
    raw.reset({ seed: 42 });
    wrapped.reset({ seed: 42 });
    for (const [rawTorque, wrappedAction] of [[2, 0.25], [-2, -0.5], [2, 0.25]]) {
      const a = raw.step(new Float32Array([rawTorque]));
      const b = wrapped.step(new Float32Array([wrappedAction]));
      expect(Array.from(b.observation)).toEqual(Array.from(a.observation));
      expect(b.reward).toBe(a.reward);
    }
  });

  it('hands the env a fresh array each step and rejects bad bounds and actions, naming them', () => {
    const inner = new ActionRecorder([-1], [1]);
    const env = new RescaleAction(inner, { min: 0, max: 1 });
    const action = new Float32Array([0.5]);
    env.step(action);
    env.step(action);
    expect(inner.received[0]).not.toBe(inner.received[1]);
    expect(inner.received[0][0]).toBe(0);
    expect(() => new RescaleAction(inner, { min: 1, max: 1 })).toThrow(/min\[0\]=1 must be below max\[0\]=1/);
    expect(() => new RescaleAction(inner, { min: 0, max: [1, 2] })).toThrow(/max must be a number or an array of 1 numbers/);
    expect(() => new RescaleAction(new ActionRecorder([-Infinity], [1]), { min: -1, max: 1 })).toThrow(/min\[0\]=-1 and the env's low\[0\]=-Infinity/);
    expect(() => new RescaleAction(new ActionRecorder([-1], [Infinity]), { min: -1, max: 5 })).toThrow(/max\[0\]=5 and the env's high\[0\]=Infinity/);
    expect(() => new RescaleAction(make('CartPole-v1') as never, { min: -1, max: 1 })).toThrow(/RescaleAction: needs a Box action space/);
    expect(() => env.step(new Float32Array(2))).toThrow(/RescaleAction.step: action must be a Float32Array of length 1/);
    expect(() => new RescaleAction(inner, null as never)).toThrow(/options must be \{ min, max \}/);
  });
});
