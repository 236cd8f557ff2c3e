import { describe, it } from 'vitest';
import { Rng } from '../rng';
import { around, concat, expectSameBits, randomDoubles, SPECIAL_VALUES } from './bitwise-test-support';
import { exp, expm1 } from './exp';

// Reference: the engine the tests run on (Node 20), whose Math.exp / Math.expm1 are fdlibm's.
const COUNT = 1_000_000;

function inputs(seed: number): Float64Array {
  const rng = new Rng(seed);
  const wide = new Float64Array(COUNT / 2);
  for (let i = 0; i < wide.length; i++) wide[i] = rng.uniform(-760, 760);
  return concat(
    randomDoubles(rng, COUNT, 0, 0x409), // every magnitude up to 2048, both signs
    wide,
    randomDoubles(rng, COUNT / 2, 0, 0x7fe),
    SPECIAL_VALUES,
    around(709.782712893384, 64), // overflow threshold
    around(-745.1332191019411, 64), // underflow threshold
    around(-708.3964185322641, 64), // results become subnormal
    around(0.34657359027997264, 8), // 0.5 ln2
    around(1.0397207708399179, 8), // 1.5 ln2
    around(38.816242111356935, 8), // 56 ln2 (expm1)
    around(3.725290298461914e-9, 8), // 2^-28
    around(5.551115123125783e-17, 8), // 2^-54
    around(1, 8),
    around(-1, 8),
  );
}

describe('exp', () => {
  it('equals Math.exp bit for bit on 2 million inputs and the edge cases', () => {
    expectSameBits('exp', exp, Math.exp, inputs(1));
  });
});

describe('expm1', () => {
  it('equals Math.expm1 bit for bit on 2 million inputs and the edge cases', () => {
    expectSameBits('expm1', expm1, Math.expm1, inputs(2));
  });
});
