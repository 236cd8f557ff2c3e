import { describe, it } from 'vitest';
import { Rng } from '../rng';
import { around, concat, expectSameBits, randomDoubles, SPECIAL_VALUES } from './bitwise-test-support';
import { log, log10, log1p } from './log';

// Reference: the engine the tests run on (Node 20), whose Math.log / log1p / log10 are fdlibm's.
function inputs(seed: number): Float64Array {
  const rng = new Rng(seed);
  const nearOne = new Float64Array(200_000);
  for (let i = 0; i < nearOne.length; i++) nearOne[i] = 1 + rng.uniform(-1e-3, 1e-3) * rng.nextFloat() ** 8;
  return concat(
    randomDoubles(rng, 1_700_000, 0, 0x7fe, 'positive'), // every positive magnitude, subnormals included
    randomDoubles(rng, 100_000, 0, 0x7fe, 'negative'),
    randomDoubles(rng, 200_000, 0x3fe, 0x3ff, 'positive'), // [0.5, 2)
    nearOne,
    SPECIAL_VALUES,
    around(1, 64),
    around(Math.SQRT2, 8),
    around(Math.SQRT1_2, 8),
    around(10, 8),
    [1e22, 1e-5, 100, 1000, 1e300, 2 ** -1074, 2 ** 1023],
  );
}

function log1pInputs(seed: number): Float64Array {
  const rng = new Rng(seed);
  return concat(
    randomDoubles(rng, 1_000_000, 0, 0x7fe, 'positive'),
    randomDoubles(rng, 1_000_000, 0, 0x3fe, 'negative'), // (-1, 0)
    randomDoubles(rng, 100_000, 0x3ff, 0x7fe, 'negative'), // <= -1: NaN or -Infinity
    SPECIAL_VALUES,
    around(-1, 16),
    around(Math.SQRT2 - 1, 8),
    around(Math.SQRT1_2 - 1, 8),
    around(2 ** -29, 8),
    around(2 ** -54, 8),
    around(2 ** 53, 8),
  );
}

describe('log', () => {
  it('equals Math.log bit for bit on 2 million inputs and the edge cases', () => {
    expectSameBits('log', log, Math.log, inputs(3));
  });
});

describe('log10', () => {
  it('equals Math.log10 bit for bit on 2 million inputs and the edge cases', () => {
    expectSameBits('log10', log10, Math.log10, inputs(4));
  });
});

describe('log1p', () => {
  it('equals Math.log1p bit for bit on 2 million inputs and the edge cases', () => {
    expectSameBits('log1p', log1p, Math.log1p, log1pInputs(5));
  });
});
