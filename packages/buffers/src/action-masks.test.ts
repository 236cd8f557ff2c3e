import { Rng } from '@ppo/utils';
import { describe, expect, it } from 'vitest';
import { RolloutBuffer } from './rollout-buffer';

const T = 3;
const N = 2;
const M = 4;

/** Mask of step t, env i: a distinct pattern per transition (flag c is bit c of t * N + i + 1). */
function maskOf(t: number, i: number): number[] {
  const k = t * N + i + 1;
  return Array.from({ length: M }, (_, c) => (k >> c) & 1);
}

function filled(): RolloutBuffer<'int32'> {
  const buffer = new RolloutBuffer({ numSteps: T, numEnvs: N, observationSize: 1, actionSize: 1, actionType: 'int32', actionMaskSize: M });
  for (let t = 0; t < T; t++) {
    buffer.add({
      observations: [t * N, t * N + 1],
      actions: [0, 1],
      logProbs: [0, 0],
      values: [0, 0],
      rewards: [0, 0],
      terminated: [0, 0],
      truncated: [0, 0],
      actionMasks: [...maskOf(t, 0), ...maskOf(t, 1)],
    });
  }
  buffer.advantages.fill(0);
  buffer.returns.fill(0);
  return buffer;
}

describe('RolloutBuffer action masks', () => {
  it('stores masks time-major and leaves them out when actionMaskSize is 0', () => {
    const buffer = filled();
    expect(buffer.actionMaskSize).toBe(M);
    expect(Array.from(buffer.actionMasks ?? [])).toEqual(Array.from({ length: T * N }, (_, k) => maskOf(Math.floor(k / N), k % N)).flat());
    const plain = new RolloutBuffer({ numSteps: 1, numEnvs: 1, observationSize: 1, actionSize: 1, actionType: 'int32' });
    expect(plain.actionMaskSize).toBe(0);
    expect(plain.actionMasks).toBeNull();
  });

  it.each(['shuffle', 'sequential'] as const)('gathers each row its own mask in %s minibatches', (mode) => {
    const buffer = filled();
    let rows = 0;
    for (const mb of buffer.minibatches({ numMinibatches: 2, rng: new Rng(3), mode })) {
      for (let r = 0; r < mb.size; r++) {
        const k = mb.indices[r];
        // The observation stored at k is k itself, so rows are checked against their own transition.
        expect(mb.observations[r]).toBe(k);
        expect(Array.from(mb.actionMasks?.subarray(r * M, (r + 1) * M) ?? [])).toEqual(maskOf(Math.floor(k / N), k % N));
        rows += 1;
      }
    }
    expect(rows).toBe(T * N);
  });

  it('minibatches of a buffer without masks carry null', () => {
    const buffer = new RolloutBuffer({ numSteps: 1, numEnvs: 1, observationSize: 1, actionSize: 1, actionType: 'int32' });
    buffer.add({ observations: [0], actions: [0], logProbs: [0], values: [0], rewards: [0], terminated: [0], truncated: [0] });
    buffer.advantages.fill(0);
    buffer.returns.fill(0);
    for (const mb of buffer.minibatches({ numMinibatches: 1, rng: new Rng(0) })) expect(mb.actionMasks).toBeNull();
  });

  it('requires masks of the right length and 0/1 values when it stores them, and refuses them otherwise', () => {
    const step = { observations: [0, 0], actions: [0, 0], logProbs: [0, 0], values: [0, 0], rewards: [0, 0], terminated: [0, 0], truncated: [0, 0] };
    const buffer = new RolloutBuffer({ numSteps: 1, numEnvs: N, observationSize: 1, actionSize: 1, actionType: 'int32', actionMaskSize: M });
    expect(() => buffer.add(step)).toThrow(/actionMasks are required \(the buffer has actionMaskSize 4\)/);
    expect(() => buffer.add({ ...step, actionMasks: new Uint8Array(M) })).toThrow(/actionMasks must have length numEnvs \* actionMaskSize = 8, got length 4/);
    expect(() => buffer.add({ ...step, actionMasks: new Uint8Array(2 * M).fill(2) })).toThrow(/actionMasks/);
    expect(buffer.size).toBe(0);
    const plain = new RolloutBuffer({ numSteps: 1, numEnvs: N, observationSize: 1, actionSize: 1, actionType: 'int32' });
    expect(() => plain.add({ ...step, actionMasks: new Uint8Array(2 * M) })).toThrow(/the buffer stores none/);
    expect(() => new RolloutBuffer({ numSteps: 1, numEnvs: 1, observationSize: 1, actionSize: 1, actionType: 'int32', actionMaskSize: 1.5 })).toThrow(/actionMaskSize/);
  });
});
