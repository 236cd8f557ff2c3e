import { describe, expect, it } from 'vitest';
import { decodeState, encodeState } from './component-state';

describe('component state codec', () => {
  it('round-trips typed arrays bit for bit through JSON text', () => {
    const state = {
      step: 3,
      name: 'x',
      flag: true,
      none: null,
      m: [Float32Array.from([1.5, -0, 1e-45, 3.4028234663852886e38]), Float32Array.from([])],
      d: new Float64Array([Math.PI, -Number.MIN_VALUE]),
      i: new Int32Array([-2147483648, 7]),
      u: new Uint32Array([4294967295]),
      b: new Uint8Array([0, 255]),
      nested: { deep: [new Float32Array([0.1])] },
    };
    const back = decodeState(JSON.parse(JSON.stringify(encodeState(state)))) as typeof state;
    expect(back).toEqual(state);
    expect(back.m[0]).toBeInstanceOf(Float32Array);
    expect(Object.is(back.m[0][1], -0)).toBe(true);
    expect(back.d).toBeInstanceOf(Float64Array);
    // A view into a larger buffer encodes only its own bytes.
    const view = new Float32Array([9, 8, 7, 6]).subarray(1, 3);
    expect(decodeState(encodeState(view))).toEqual(Float32Array.from([8, 7]));
  });

  it('names the path of what it cannot encode or decode', () => {
    expect(() => encodeState({ a: [1, Number.NaN] })).toThrow(/state\.a\[1\] is NaN/);
    expect(() => encodeState({ a: new Int16Array(1) as never })).toThrow(/state\.a is a Int16Array/);
    expect(() => encodeState({ a: new Map() as never })).toThrow(/state\.a is object/);
    expect(() => decodeState({ a: { $typed: 'int64', base64: '' } })).toThrow(/state\.a is not a valid typed array/);
    expect(() => decodeState({ a: { $typed: 'float32', base64: 'AAA' } })).toThrow(/state\.a (holds|\.base64)/);
    expect(() => decodeState({ a: { $typed: 'float32', base64: '%%%' } })).toThrow(/state\.a\.base64 is not valid base64/);
  });
});
