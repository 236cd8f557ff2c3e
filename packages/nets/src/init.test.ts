import { Rng } from '@ppo/utils';
import { describe, expect, it } from 'vitest';
import { orthogonal, PPO_GAINS } from './init';

/** The Gram matrix of the smaller side: W^T W for tall matrices, W W^T for wide ones. */
function gram(w: Float32Array, rows: number, cols: number): Float64Array {
  const tall = rows >= cols;
  const k = tall ? cols : rows;
  const g = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let s = 0;
      const len = tall ? rows : cols;
      for (let i = 0; i < len; i++) s += tall ? w[i * cols + a] * w[i * cols + b] : w[a * cols + i] * w[b * cols + i];
      g[a * k + b] = s;
    }
  }
  return g;
}

describe('orthogonal', () => {
  const shapes: [number, number][] = [[64, 64], [4, 64], [64, 4], [64, 2], [17, 64], [64, 1], [1, 1], [200, 50]];
  const gains = [PPO_GAINS.hidden, PPO_GAINS.policy, PPO_GAINS.value];
  it.each(shapes)('a %i x %i kernel has W^T W (or W W^T) = gain^2 I', (rows, cols) => {
    for (const gain of gains) {
      const w = orthogonal(rows, cols, gain, new Rng(rows * 1000 + cols));
      expect(w.length).toBe(rows * cols);
      const g = gram(w, rows, cols);
      const k = Math.min(rows, cols);
      let maxErr = 0;
      for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) maxErr = Math.max(maxErr, Math.abs(g[a * k + b] - (a === b ? gain * gain : 0)));
      // float32 storage: relative error of a few ulps per entry, summed over up to 200 terms.
      expect(maxErr).toBeLessThan(1e-5 * gain * gain);
    }
  });

  it('is reproducible under a seed and differs between seeds', () => {
    expect(orthogonal(8, 5, 1, new Rng(1))).toEqual(orthogonal(8, 5, 1, new Rng(1)));
    expect(orthogonal(8, 5, 1, new Rng(1))).not.toEqual(orthogonal(8, 5, 1, new Rng(2)));
  });

  it('is unbiased in sign: the mean entry over many draws is near 0 (sign correction of R)', () => {
    // Without the sign fix, Householder QR makes the first column's diagonal entry negative-biased.
    const rng = new Rng(5);
    let sum = 0;
    const draws = 2000;
    for (let i = 0; i < draws; i++) sum += orthogonal(3, 3, 1, rng)[0];
    // Entry variance is 1/3 for a 3x3 Haar matrix.
    expect(Math.abs(sum / draws)).toBeLessThan(5 * Math.sqrt(1 / 3 / draws));
  });

  it('validates its arguments', () => {
    expect(() => orthogonal(0, 3, 1, new Rng(1))).toThrow(/rows must be a positive integer, got 0/);
    expect(() => orthogonal(3, 2.5, 1, new Rng(1))).toThrow(/cols must be a positive integer/);
    expect(() => orthogonal(3, 3, Number.NaN, new Rng(1))).toThrow(/gain must be a finite number/);
  });
});
