import { describe, expect, it } from 'vitest';
import { PpoError } from './errors';
import { assertAllFinite, checkPositiveInt, describeValue, findNonFinite } from './validate';

describe('describeValue', () => {
  it('formats every kind of value briefly', () => {
    expect(describeValue(3.5)).toBe('3.5');
    expect(describeValue(NaN)).toBe('NaN');
    expect(describeValue('a')).toBe('"a"');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(2n)).toBe('2n');
    expect(describeValue(() => 1)).toBe('a function');
    expect(describeValue(new Float32Array([1, 2]))).toBe('Float32Array(2) [1, 2]');
    expect(describeValue(new Int32Array(10))).toBe('Int32Array(10) [0, 0, 0, 0, 0, 0, 0, 0, ...]');
    expect(describeValue([1, 2])).toBe('[1,2]');
    expect(describeValue(new Array(100).fill(1))).toBe('Array(100)');
    expect(describeValue({ a: 1 })).toBe('{"a":1}');
    expect(describeValue(new Map())).toBe('Map');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(describeValue(cycle)).toBe('an object');
  });
});

describe('findNonFinite and assertAllFinite', () => {
  it('finds the first NaN or infinity, or -1', () => {
    expect(findNonFinite(new Float32Array([1, 2, 3]))).toBe(-1);
    expect(findNonFinite(new Float32Array(0))).toBe(-1);
    expect(findNonFinite(new Float32Array([1, NaN, Infinity]))).toBe(1);
    expect(findNonFinite(new Float64Array([0, 0, -Infinity]))).toBe(2);
    expect(findNonFinite([1, 'x' as unknown as number])).toBe(1);
  });

  it('throws a NON_FINITE RangeError naming the entry and its value', () => {
    expect(() => assertAllFinite('rewards', new Float32Array([0, -Infinity]))).toThrow(/^rewards\[1\] must be finite, got -Infinity$/);
    try {
      assertAllFinite('x', [NaN]);
    } catch (error) {
      expect(error).toBeInstanceOf(RangeError);
      expect(PpoError.is(error, 'NON_FINITE')).toBe(true);
    }
    expect.assertions(3);
  });
});

describe('checkPositiveInt', () => {
  it('returns a positive integer and names anything else', () => {
    expect(checkPositiveInt('n', 3)).toBe(3);
    for (const bad of [0, -1, 1.5, NaN, '2', undefined]) {
      expect(() => checkPositiveInt('n', bad)).toThrow(RangeError);
    }
    expect(() => checkPositiveInt('numEnvs', 0)).toThrow('numEnvs must be a positive integer, got 0');
  });
});
