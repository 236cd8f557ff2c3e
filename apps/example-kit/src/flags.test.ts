import { describe, expect, it } from 'vitest';
import { integerFlag, MAX_SEED, numberFlag } from './flags';

describe('integerFlag', () => {
  it('accepts decimal integers in range', () => {
    expect(integerFlag('seed', '0', 0, MAX_SEED)).toBe(0);
    expect(integerFlag('seed', String(MAX_SEED), 0, MAX_SEED)).toBe(MAX_SEED);
    expect(integerFlag('iterations', '+12', 1, 100)).toBe(12);
  });

  it.each(['', ' ', '1.5', '1e3', '0x10', 'abc', '-1', '2147483648', '101'])('rejects %j, naming the flag, the value and the range', (text) => {
    const max = text === '101' ? 100 : MAX_SEED;
    expect(() => integerFlag('seed', text, 0, max)).toThrow(`--seed must be an integer in [0, ${max}], got ${JSON.stringify(text)}`);
  });
});

describe('numberFlag', () => {
  it('accepts finite numbers >= min', () => {
    expect(numberFlag('minutes', '2.5', 0)).toBe(2.5);
    expect(numberFlag('target', '2', 0)).toBe(2);
    expect(numberFlag('beta', '0', 0)).toBe(0);
  });

  it.each(['', 'x', 'NaN', 'Infinity', '-0.1'])('rejects %j, naming the flag, the value and the minimum', (text) => {
    expect(() => numberFlag('beta', text, 0)).toThrow(`--beta must be a finite number >= 0, got ${JSON.stringify(text)}`);
  });
});
