import { describe, it } from 'vitest';
import { Rng } from '../rng';
import { around, concat, expectSameBits, randomDoubles, SPECIAL_VALUES } from './bitwise-test-support';
import { tanh } from './tanh';

// Reference: the engine the tests run on (Node 20), whose Math.tanh is fdlibm's.
describe('tanh', () => {
  it('equals Math.tanh bit for bit on 2 million inputs and the edge cases', () => {
    const rng = new Rng(6);
    const moderate = new Float64Array(500_000);
    for (let i = 0; i < moderate.length; i++) moderate[i] = rng.uniform(-25, 25);
    const xs = concat(
      randomDoubles(rng, 1_300_000, 0, 0x404), // |x| < 64, both signs
      moderate,
      randomDoubles(rng, 200_000, 0, 0x7fe),
      SPECIAL_VALUES,
      around(22, 64),
      around(-22, 64),
      around(2 ** -28, 8),
      around(-(2 ** -28), 8),
      around(1, 8),
      around(-1, 8),
    );
    expectSameBits('tanh', tanh, Math.tanh, xs);
  });
});
