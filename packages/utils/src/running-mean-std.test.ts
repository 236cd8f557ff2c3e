import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RunningMeanStd, type RunningMeanStdState } from './running-mean-std';
import { expectClose } from './test-utils';

/** Whole-batch per-feature mean and population variance, two-pass in float64. */
function wholeBatchMoments(data: ArrayLike<number>, size: number): { mean: number[]; var: number[] } {
  const rows = data.length / size;
  const mean: number[] = [];
  const variance: number[] = [];
  for (let j = 0; j < size; j++) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += data[r * size + j];
    const m = s / rows;
    let q = 0;
    for (let r = 0; r < rows; r++) q += (data[r * size + j] - m) ** 2;
    mean.push(m);
    variance.push(q / rows);
  }
  return { mean, var: variance };
}

/** Random data of `rows x size` cut at random row boundaries into consecutive batches. */
const chunkedData = fc
  .record({ size: fc.integer({ min: 1, max: 5 }), rows: fc.integer({ min: 1, max: 60 }) })
  .chain(({ size, rows }) =>
    fc.record({
      size: fc.constant(size),
      data: fc.float64Array({ minLength: rows * size, maxLength: rows * size, min: -1e3, max: 1e3, noNaN: true }),
      offset: fc.double({ min: -1e4, max: 1e4, noNaN: true }),
      cuts: fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, rows - 1) }), { maxLength: 6 }),
    }),
  )
  .map(({ size, data, offset, cuts }) => {
    const rows = data.length / size;
    const shifted = data.map((x) => x + offset);
    const bounds = [0, ...cuts.filter((c) => c < rows).sort((a, b) => a - b), rows];
    const batches = bounds.slice(1).map((end, i) => shifted.subarray(bounds[i] * size, end * size));
    return { size, data: shifted, batches };
  });

/** Float64 tolerance for moments of values up to ~1e4 in size. */
function momentTolerance(expected: number[], scale: number): number[] {
  return expected.map((e) => 1e-9 * (Math.abs(e) + scale));
}

describe('RunningMeanStd', () => {
  it('starts at mean 0, variance 1 and count epsilon', () => {
    const rms = new RunningMeanStd(3);
    expect(Array.from(rms.mean)).toEqual([0, 0, 0]);
    expect(Array.from(rms.var)).toEqual([1, 1, 1]);
    expect(rms.count).toBe(1e-4);
    expect(new RunningMeanStd(2, { epsilon: 0 }).count).toBe(0);
  });

  it('merged batches equal the whole-batch mean and variance (epsilon 0)', () => {
    fc.assert(
      fc.property(chunkedData, ({ size, data, batches }) => {
        const rms = new RunningMeanStd(size, { epsilon: 0 });
        for (const b of batches) rms.update(b, b.length / size);
        const whole = wholeBatchMoments(data, size);
        expect(rms.count).toBe(data.length / size);
        expectClose(rms.mean, whole.mean, momentTolerance(whole.mean, 1e4), 'mean');
        expectClose(rms.var, whole.var, momentTolerance(whole.var, 1e6), 'var');
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('with the default epsilon, equals the data pooled with a pseudo-sample (mean 0, var 1, weight epsilon)', () => {
    fc.assert(
      fc.property(chunkedData, ({ size, data, batches }) => {
        const eps = 1e-4;
        const rms = new RunningMeanStd(size);
        for (const b of batches) rms.update(b);
        const n = data.length / size;
        const whole = wholeBatchMoments(data, size);
        const total = n + eps;
        const mean = whole.mean.map((m) => (n * m) / total);
        // Pooled second moment about the pooled mean: both groups' variances plus the spread
        // of their means (0 and m).
        const variance = whole.var.map((v, j) => (eps * 1 + n * v + ((eps * n) / total) * whole.mean[j] ** 2) / total);
        expect(rms.count).toBeCloseTo(total, 12);
        expectClose(rms.mean, mean, momentTolerance(mean, 1e4), 'mean');
        expectClose(rms.var, variance, momentTolerance(variance, 1e6), 'var');
      }),
      { seed: 12, numRuns: 200 },
    );
  });

  it('keeps the variance accurate under a large offset', () => {
    const rms = new RunningMeanStd(1, { epsilon: 0 });
    const batch = new Float64Array(1000);
    for (let i = 0; i < 50; i++) {
      for (let k = 0; k < batch.length; k++) batch[k] = 1e8 + ((k * 7919 + i * 104729) % 1000) / 100;
      rms.update(batch);
    }
    const all = new Float64Array(50_000);
    for (let i = 0; i < 50; i++) {
      for (let k = 0; k < 1000; k++) all[i * 1000 + k] = 1e8 + ((k * 7919 + i * 104729) % 1000) / 100;
    }
    const whole = wholeBatchMoments(all, 1);
    // Variance ~8.3 against a mean of 1e8: a naive sum of squares would lose every digit.
    expectClose(rms.var, whole.var, [1e-6 * whole.var[0]], 'var');
    expectClose(rms.mean, whole.mean, [1e-6], 'mean');
  });

  it('merge and updateFromMoments equal updating with the other samples', () => {
    fc.assert(
      fc.property(chunkedData, chunkedData, ({ size, data }, other) => {
        fc.pre(other.size === size);
        const a = new RunningMeanStd(size, { epsilon: 0 });
        a.update(data);
        const b = new RunningMeanStd(size, { epsilon: 0 });
        b.update(other.data);
        const bState = b.getState();
        const direct = new RunningMeanStd(size, { epsilon: 0 });
        direct.update(data);
        direct.update(other.data);
        const merged = RunningMeanStd.fromState(a.getState());
        merged.merge(b);
        const viaMoments = RunningMeanStd.fromState(a.getState());
        viaMoments.updateFromMoments(b.mean, b.var, b.count);
        for (const rms of [merged, viaMoments]) {
          expect(rms.count).toBe(direct.count);
          expectClose(rms.mean, direct.mean, momentTolerance(Array.from(direct.mean), 1e4), 'mean');
          expectClose(rms.var, direct.var, momentTolerance(Array.from(direct.var), 1e6), 'var');
        }
        // The other instance is left as it was.
        expect(b.getState()).toEqual(bState);
      }),
      { seed: 13, numRuns: 200 },
    );
  });

  it('round-trips its state through JSON exactly and continues identically', () => {
    fc.assert(
      fc.property(chunkedData, ({ size, batches }) => {
        const original = new RunningMeanStd(size);
        const [first, ...rest] = batches;
        original.update(first);
        const state = original.getState();
        const restored = RunningMeanStd.fromState(JSON.parse(JSON.stringify(state)) as RunningMeanStdState);
        expect(restored.getState()).toEqual(state);
        for (const b of rest) {
          original.update(b);
          restored.update(b);
        }
        // Same float64 arithmetic from the same state: identical, not merely close.
        expect(restored.getState()).toEqual(original.getState());
      }),
      { seed: 14, numRuns: 100 },
    );
  });

  it('setState replaces the statistics and rejects a bad state without changing anything', () => {
    const rms = new RunningMeanStd(2);
    rms.setState({ size: 2, mean: [1, 2], var: [3, 4], count: 5 });
    expect(rms.getState()).toEqual({ size: 2, mean: [1, 2], var: [3, 4], count: 5 });
    const before = rms.getState();
    const bad: Array<[unknown, RegExp]> = [
      [{ size: 3, mean: [0, 0, 0], var: [1, 1, 1], count: 1 }, /state\.size must be 2, got 3/],
      [{ size: 2, mean: [0], var: [1, 1], count: 1 }, /state\.mean must have length 2/],
      [{ size: 2, mean: [0, 0], var: [1, -1], count: 1 }, /state\.var\[1\] must be a finite number >= 0, got -1/],
      [{ size: 2, mean: [0, null], var: [1, 1], count: 1 }, /state\.mean\[1\] must be a finite number, got null/],
      [{ size: 2, mean: [0, 0], var: [1, 1], count: -1 }, /state\.count must be >= 0, got -1/],
      [{ size: 2, mean: 'x', var: [1, 1], count: 1 }, /state\.mean must be an array of numbers/],
      [null, /state must be an object/],
    ];
    for (const [state, message] of bad) {
      expect(() => rms.setState(state as RunningMeanStdState)).toThrow(message);
      expect(rms.getState()).toEqual(before);
    }
    expect(() => RunningMeanStd.fromState({ size: 0, mean: [], var: [], count: 0 })).toThrow(
      /state\.size must be an integer >= 1, got 0/,
    );
  });

  it('normalizes, clips, scales without centring, and works in place', () => {
    const rms = new RunningMeanStd(2);
    rms.setState({ size: 2, mean: [1, -2], var: [4, 0.25], count: 10 });
    const x = new Float32Array([3, -2, 1, 8, -100, -2.5]);
    const z = rms.normalize(x);
    expect(z).toBeInstanceOf(Float32Array);
    const expected = [
      (3 - 1) / Math.sqrt(4 + 1e-8),
      0,
      0,
      10 / Math.sqrt(0.25 + 1e-8),
      -101 / Math.sqrt(4 + 1e-8),
      -0.5 / Math.sqrt(0.25 + 1e-8),
    ];
    expectClose(z, expected, expected.map((e) => 2 ** -23 * Math.abs(e)), 'normalize');

    const clipped = rms.normalize(x, new Float64Array(6), { clip: 5 });
    expectClose(clipped, expected.map((e) => Math.max(-5, Math.min(5, e))), 1e-12, 'clipped');

    const scaled = rms.normalize(x, undefined, { center: false, epsilon: 0 });
    expectClose(scaled, [1.5, -4, 0.5, 16, -50, -5], 0, 'scaled');

    const inPlace = x.slice();
    expect(rms.normalize(inPlace, inPlace)).toBe(inPlace);
    expectClose(inPlace, z, 0, 'in place');
  });

  it('rejects bad arguments, naming them', () => {
    expect(() => new RunningMeanStd(0)).toThrow(/size must be an integer >= 1, got 0/);
    expect(() => new RunningMeanStd(2, { epsilon: -1 })).toThrow(/options\.epsilon must be >= 0, got -1/);
    const rms = new RunningMeanStd(3);
    expect(() => rms.update(new Float32Array(4))).toThrow(/batch\.length must be a multiple of size \(3\), got length 4/);
    expect(() => rms.update(new Float32Array(6), 3)).toThrow(/batch must have length 9 \(batchCount \* size\), got length 6/);
    expect(() => rms.update(new Float32Array([0, Number.NaN, 0]), 1)).toThrow(/batch\[1\] must be finite, got NaN/);
    expect(() => rms.update([1, 2, 3] as unknown as Float32Array)).toThrow(TypeError);
    expect(() => rms.update(new Float32Array(3), 1.5)).toThrow(/batchCount must be an integer >= 0, got 1.5/);
    expect(() => rms.normalize(new Float32Array(4))).toThrow(/x\.length must be a multiple of size \(3\)/);
    expect(() => rms.normalize(new Float32Array(3), new Float32Array(6))).toThrow(/out must have length 3/);
    expect(() => rms.normalize(new Float32Array(3), undefined, { clip: 0 })).toThrow(/options\.clip must be > 0/);
    expect(() => rms.normalize(new Float32Array([Infinity, 0, 0]))).toThrow(/x\[0\] must be finite, got Infinity/);
    const shared = new Float32Array(6);
    expect(() => rms.normalize(shared.subarray(0, 3), shared.subarray(1, 4))).toThrow(/out and x must not share memory/);
    expect(() => rms.updateFromMoments([0, 0], [1, 1, 1], 1)).toThrow(/mean must have length 3/);
    expect(() => rms.merge(new RunningMeanStd(2))).toThrow(/other\.size must be 3, got 2/);
    const empty = new RunningMeanStd(1, { epsilon: 0 });
    empty.setState({ size: 1, mean: [0], var: [0], count: 0 });
    expect(() => empty.normalize(new Float32Array(1), undefined, { epsilon: 0 })).toThrow(/options\.epsilon must be > 0/);
  });

  it('ignores empty batches', () => {
    const rms = new RunningMeanStd(2);
    const before = rms.getState();
    rms.update(new Float32Array(0), 0);
    rms.updateFromMoments([5, 5], [1, 1], 0);
    expect(rms.getState()).toEqual(before);
  });
});
