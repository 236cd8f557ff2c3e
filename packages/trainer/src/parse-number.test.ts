import { describe, expect, it } from 'vitest';
import { parseDecimal, parseDecimalInteger } from './parse-number';

describe('parseDecimal', () => {
  it.each([
    ['12', 12],
    ['-0.5', -0.5],
    ['+3e-4', 3e-4],
    ['.25', 0.25],
    ['5.', 5],
    ['1E3', 1000],
    ['1e23', 1e23],
  ])('reads %s as %d', (text, value) => {
    expect(parseDecimal(text)).toBe(value);
  });

  it.each(['0x10', '0b1', '0o7', 'Infinity', '-Infinity', 'NaN', '', ' 1', '1 ', '1_000', '1e', 'e5', '.', '--1', '1e400', '1,5'])(
    'refuses %j',
    (text) => {
      expect(parseDecimal(text)).toBeUndefined();
    },
  );
});

describe('parseDecimalInteger', () => {
  it.each([
    ['0', 0],
    ['-0', 0],
    ['2048', 2048],
    ['-7', -7],
    ['1e6', 1_000_000],
    ['1.5e3', 1500],
    ['100e-2', 1],
    ['0.5e1', 5],
    ['007', 7],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
    ['-9007199254740991', -Number.MAX_SAFE_INTEGER],
    ['0e99999', 0],
  ])('reads %s as %d', (text, value) => {
    expect(parseDecimalInteger(text)).toBe(value);
  });

  it.each([
    // beyond 2^53 - 1: a double would silently hold another integer
    '9007199254740992',
    '100000000000000000000000',
    '1e23',
    '1e16',
    // not whole
    '1.5',
    '1e-1',
    '15e-1',
    // not decimal
    '0x10',
    '0b1',
    'Infinity',
    '',
    '1 ',
  ])('refuses %j', (text) => {
    expect(parseDecimalInteger(text)).toBeUndefined();
  });

  it('agrees with BigInt on every safe integer written with an exponent near the limit', () => {
    for (let k = 0; k <= 16; k++) {
      const text = `9e${k}`;
      const exact = 9n * 10n ** BigInt(k);
      const expected = exact <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(exact) : undefined;
      expect(parseDecimalInteger(text), text).toBe(expected);
    }
  });
});
