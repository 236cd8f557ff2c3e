import { Rng } from '@ppo/utils';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, joinParts, splitPayload } from './binary-frame';
import { digest, encodeJson, parseTask, subjects } from './protocol';
import { decodeSlotRollout, encodeSlotRollout, type SlotRollout } from './slot-rollout';
import { decodeWeights, encodeWeights } from './weights-codec';

function slotRollout(actionType: 'int32' | 'float32'): SlotRollout {
  const n = 5;
  const obs = 3;
  const act = actionType === 'int32' ? 1 : 2;
  const f = (length: number, offset: number) => Float32Array.from({ length }, (_, i) => offset + i / 7);
  return {
    run: 'abc',
    version: 3,
    slot: 2,
    numSteps: n,
    observationSize: obs,
    actionSize: act,
    actionType,
    observations: f(n * obs, 0),
    actions: actionType === 'int32' ? Int32Array.from({ length: n }, (_, i) => i % 2) : f(n * act, -1),
    logProbs: f(n, -2),
    values: f(n, 1),
    rewards: f(n, 0.5),
    terminated: Uint8Array.from([0, 0, 1, 0, 0]),
    truncated: Uint8Array.from([0, 0, 0, 1, 1]),
    finalValues: Float32Array.from([0, 0, 0, 0.25, 0]),
    lastObservation: f(obs, 9),
    lastValue: 0.125,
    episodes: [{ step: 2, return: 3, length: 3 }],
    rngState: new Rng(1).getState(),
    normalization: { observation: null, reward: { size: 1, mean: [0.5], var: [2], count: 10 } },
  };
}

describe('binary frames', () => {
  it('round-trips a header and arrays of every kind, whatever their offsets', () => {
    const backing = new Float32Array(10).map((_, i) => i);
    const arrays = [backing.subarray(3, 6), Int32Array.from([-1, 2]), Uint8Array.from([1, 2, 3])];
    const frame = encodeFrame({ a: 1 }, arrays);
    // Read from an unaligned copy, as a message buffer may be.
    const shifted = new Uint8Array(frame.length + 1).subarray(1);
    shifted.set(frame);
    const { header, reader } = decodeFrame(shifted);
    expect(header).toEqual({ a: 1 });
    expect(reader.float32(3, 'a')).toEqual(Float32Array.from([3, 4, 5]));
    expect(reader.int32(2, 'b')).toEqual(Int32Array.from([-1, 2]));
    expect(reader.uint8(3, 'c')).toEqual(Uint8Array.from([1, 2, 3]));
    expect(() => reader.float32(1, 'extra')).toThrow(/extra needs 4 bytes/);
  });

  it('refuses what is not a frame', () => {
    expect(() => decodeFrame(new Uint8Array(4))).toThrow(/at least 8 bytes/);
    expect(() => decodeFrame(new Uint8Array(16))).toThrow(/bad magic/);
  });

  it.each([1, 7, 64, 1000])('splits into parts of at most %i bytes that join back', (maxPart) => {
    const bytes = Uint8Array.from({ length: 333 }, (_, i) => i % 251);
    const parts = splitPayload(bytes, maxPart);
    expect(parts.every((p) => p.length <= maxPart)).toBe(true);
    expect(parts).toHaveLength(Math.ceil(333 / maxPart));
    expect(joinParts(parts)).toEqual(bytes);
  });

  it('names a bad part size', () => {
    expect(() => splitPayload(new Uint8Array(3), 0)).toThrow(/maxPart must be a positive integer, got 0/);
  });
});

describe('slot rollouts and weights', () => {
  it.each(['int32', 'float32'] as const)('round-trip a slot rollout with %s actions exactly', (actionType) => {
    const rollout = slotRollout(actionType);
    const back = decodeSlotRollout(encodeSlotRollout(rollout));
    expect(back).toEqual(rollout);
    expect(back.actions).toBeInstanceOf(actionType === 'int32' ? Int32Array : Float32Array);
  });

  it('refuses a truncated or foreign frame', () => {
    const bytes = encodeSlotRollout(slotRollout('float32'));
    expect(() => decodeSlotRollout(bytes.subarray(0, bytes.length - 8))).toThrow(/needs \d+ bytes/);
    expect(() => decodeSlotRollout(encodeWeights(new Map()))).toThrow(/malformed header/);
  });

  it('round-trips weights in their order', () => {
    const weights = new Map([
      ['pi/kernel', Float32Array.from([1.5, -2, 3e-8])],
      ['v/bias', new Float32Array(0)],
    ]);
    const back = decodeWeights(encodeWeights(weights));
    expect([...back.keys()]).toEqual(['pi/kernel', 'v/bias']);
    expect(back.get('pi/kernel')).toEqual(weights.get('pi/kernel'));
    expect(() => decodeWeights(encodeFrame({ kind: 'weights', entries: [['x', -1]] }, []))).toThrow(/malformed entry/);
  });
});

describe('protocol', () => {
  it('checks tasks', () => {
    const task = { run: 'r', version: 2, slots: [0, 3], rngState: new Rng(2).getState() };
    expect(parseTask(encodeJson(task))).toEqual(task);
    expect(() => parseTask(encodeJson({ ...task, slots: [-1] }))).toThrow(/task: malformed/);
    expect(() => parseTask(new TextEncoder().encode('{'))).toThrow(/task: not JSON/);
  });

  it('names subjects under a prefix and refuses one that is not a single token', () => {
    expect(subjects('run-1').task('w1')).toBe('run-1.task.w1');
    expect(() => subjects('a.b')).toThrow(/prefix must be letters, digits/);
  });

  it('digests text stably and tells texts apart', () => {
    expect(digest('{"a":1}')).toBe(digest('{"a":1}'));
    expect(digest('{"a":1}')).not.toBe(digest('{"a":2}'));
    expect(digest('')).toMatch(/^[0-9a-f]{16}$/);
  });
});
