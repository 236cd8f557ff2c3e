// Tests of the suite's statistics: node --test src/
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { leastSquaresSlope, median } from './stats.mjs';

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });
});

describe('leastSquaresSlope', () => {
  it('recovers the slope of points on a line, and of symmetric noise around it', () => {
    const x = [0, 1, 2, 3, 4, 5];
    assert.ok(Math.abs(leastSquaresSlope(x, x.map((v) => 100 + 0.75 * v)) - 0.75) < 1e-12);
    // Noise of +e, -e, +e, ... on x = 0..3 around y = 2x: the closed form gives 2 - 0.4 e.
    const e = 0.5;
    assert.ok(Math.abs(leastSquaresSlope([0, 1, 2, 3], [e, 2 - e, 4 + e, 6 - e]) - (2 - 0.4 * e)) < 1e-12);
  });

  it('is NaN without two distinct x', () => {
    assert.ok(Number.isNaN(leastSquaresSlope([1, 1], [2, 3])));
    assert.ok(Number.isNaN(leastSquaresSlope([], [])));
  });
});
