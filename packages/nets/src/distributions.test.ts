import { Rng } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Bernoulli, Categorical, DiagGaussian, gaussHermite, MultiCategorical, TanhGaussian } from './distributions';
import { BACKENDS, logSoftmax, meanAndSe, normalLogPdf, useBackend, values } from './test-helpers';

const N = 20000; // Monte-Carlo sample size; tolerances below are 5 standard errors.

/** N copies of one row as a [N, n] tensor. */
function tiled(row: readonly number[], n = N): tf.Tensor2D {
  return tf.tile(tf.tensor2d([...row], [1, row.length]), [n, 1]);
}

function randomRows(rng: Rng, rows: number, cols: number, scale: number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal(0, scale)));
}

describe('gaussHermite', () => {
  it.each([1, 5, 24])('integrates polynomials against exp(-x^2) exactly (n = %i)', (n) => {
    const { nodes, weights } = gaussHermite(n);
    const moment = (k: number): number => nodes.reduce((s, x, i) => s + weights[i] * x ** k, 0);
    expect(moment(0)).toBeCloseTo(Math.sqrt(Math.PI), 12);
    if (n >= 2) expect(moment(2)).toBeCloseTo(Math.sqrt(Math.PI) / 2, 12);
    if (n >= 3) expect(moment(4)).toBeCloseTo((3 * Math.sqrt(Math.PI)) / 4, 12);
    if (n >= 2) expect(Math.abs(moment(3))).toBeLessThan(1e-12);
  });
  it('rejects a bad node count', () => {
    expect(() => gaussHermite(0)).toThrow(/n must be an integer/);
  });
});

describe.each(BACKENDS)('distributions on %s', (backend) => {
  useBackend(backend);

  describe('Categorical', () => {
    it('log-prob and entropy match the closed form', () => {
      const rng = new Rng(1);
      for (const n of [1, 2, 5, 17]) {
        const rows = randomRows(rng, 6, n, 3);
        const actions = rows.map(() => rng.nextInt(n));
        tf.tidy(() => {
          const d = new Categorical(tf.tensor2d(rows));
          const lp = values(d.logProb(tf.tensor1d(actions, 'int32')));
          const ent = values(d.entropy());
          rows.forEach((row, i) => {
            const ref = logSoftmax(row);
            expect(lp[i]).toBeCloseTo(ref[actions[i]], 5);
            expect(ent[i]).toBeCloseTo(-ref.reduce((s, l) => s + Math.exp(l) * l, 0), 5);
          });
          // [B, 1] float actions are accepted too.
          expect(values(d.logProb(tf.tensor2d(actions, [6, 1])))).toEqual(lp);
        });
      }
    });

    it('samples with the right frequencies, reproducibly under a seed', () => {
      const row = [0.5, -1, 2, 0];
      const p = logSoftmax(row).map(Math.exp);
      tf.tidy(() => {
        const d = new Categorical(tiled(row));
        const a = d.sample(new Rng(7));
        expect(a.dtype).toBe('int32');
        const counts = new Array<number>(4).fill(0);
        for (const x of a.dataSync()) counts[x] += 1;
        counts.forEach((c, k) => expect(Math.abs(c / N - p[k])).toBeLessThan(5 * Math.sqrt((p[k] * (1 - p[k])) / N)));
        expect(values(d.sample(new Rng(7)))).toEqual(values(a));
        expect(values(d.mode())).toEqual(new Array<number>(N).fill(2));
      });
    });

    it('never samples masked actions and renormalises over the allowed ones', () => {
      const rng = new Rng(3);
      const rows = randomRows(rng, 64, 6, 2);
      const mask = rows.map((r, i) => r.map((_, k) => (k === i % 6 || rng.nextFloat() < 0.5 ? 1 : 0)));
      tf.tidy(() => {
        const d = new Categorical(tf.tensor2d(rows), { mask: tf.tensor2d(mask) });
        for (let rep = 0; rep < 50; rep++) {
          d.sample(rng).dataSync().forEach((a, i) => expect(mask[i][a]).toBe(1));
        }
        values(d.mode()).forEach((a, i) => expect(mask[i][a]).toBe(1));
        const ent = values(d.entropy());
        const lpAll = d.logProbs.arraySync();
        rows.forEach((row, i) => {
          const allowed = row.map((v, k) => (mask[i][k] ? v : -Infinity));
          const ref = logSoftmax(allowed);
          expect(ent[i]).toBeCloseTo(-ref.reduce((s, l) => s + (Number.isFinite(l) ? Math.exp(l) * l : 0), 0), 5);
          lpAll[i].forEach((l, k) => (mask[i][k] ? expect(l).toBeCloseTo(ref[k], 5) : expect(l).toBeLessThan(-1e8)));
        });
        // A bool mask gives the same distribution.
        const boolMask = tf.tensor2d(mask.flat().map((m) => m === 1), [64, 6], 'bool');
        expect(values(new Categorical(tf.tensor2d(rows), { mask: boolMask }).entropy())).toEqual(ent);
      });
    });

    it('KL matches a Monte-Carlo estimate', () => {
      const p = [1, 0, -1, 0.5];
      const q = [0, 0.3, 0.2, -0.5];
      tf.tidy(() => {
        const dp = new Categorical(tiled(p));
        const dq = new Categorical(tiled(q));
        const x = dp.sample(new Rng(11));
        const { mean, se } = meanAndSe(tf.sub(dp.logProb(x), dq.logProb(x)).dataSync());
        const kl = values(dp.kl(dq))[0];
        expect(Math.abs(kl - mean)).toBeLessThan(5 * se);
        expect(values(dp.kl(dp))[0]).toBeCloseTo(0, 6);
      });
    });

    it('validates its inputs', () => {
      tf.tidy(() => {
        expect(() => new Categorical(tf.zeros([3]) as unknown as tf.Tensor2D)).toThrow(/logits must be a rank-2 tensor/);
        const d = new Categorical(tf.zeros([3, 2]));
        expect(() => d.logProb(tf.zeros([4], 'int32'))).toThrow(/actions must have shape \[3\]/);
        expect(() => new Categorical(tf.zeros([3, 2]), { mask: tf.ones([3, 3]) })).toThrow(/mask must have shape \[3, 2\]/);
        expect(() => d.kl(new Bernoulli(tf.zeros([3, 1])))).toThrow(/other must be a Categorical/);
        // oneHot of an index outside [0, n) is all zeros: it would score log-probability 0.
        expect(() => d.logProb(tf.tensor1d([0, 2, 1], 'int32'))).toThrow(/Categorical.logProb: actions\[1\] = 2, expected an integer in \[0, 1\]/);
        expect(() => d.logProb(tf.tensor1d([0, 1, -1], 'int32'))).toThrow(/actions\[2\] = -1, expected an integer in \[0, 1\]/);
        expect(() => d.logProb(tf.tensor1d([0, 0.5, 1]))).toThrow(/actions\[1\] = 0.5, expected an integer/);
        expect(values(d.logProb(tf.tensor2d([[0], [1], [1]])))).toHaveLength(3);
        expect(() => new Categorical(tf.zeros([3, 2]), { mask: tf.tensor2d([[1, 0], [0, 0], [0, 1]]) })).toThrow(/mask row 1 allows no action/);
        expect(() => new Categorical(tf.zeros([1, 2]), { mask: tf.tensor2d([[false, false]], [1, 2], 'bool') })).toThrow(/mask row 0 allows no action/);
      });
    });
  });

  describe('MultiCategorical', () => {
    it('sums the components and samples each with the right frequencies', () => {
      const nvec = [3, 2];
      const row = [0.2, -0.4, 1, 0.7, -0.7];
      const p0 = logSoftmax(row.slice(0, 3));
      const p1 = logSoftmax(row.slice(3));
      tf.tidy(() => {
        const d = new MultiCategorical(tiled(row), nvec);
        const a = d.sample(new Rng(5));
        expect(a.shape).toEqual([N, 2]);
        const rowsA = a.arraySync();
        const freq = rowsA.filter(([x, y]) => x === 2 && y === 0).length / N;
        const pRef = Math.exp(p0[2] + p1[0]);
        expect(Math.abs(freq - pRef)).toBeLessThan(5 * Math.sqrt((pRef * (1 - pRef)) / N));
        const lp = values(d.logProb(tf.tensor2d([[1, 1]], [1, 2], 'int32').tile([N, 1])));
        expect(lp[0]).toBeCloseTo(p0[1] + p1[1], 5);
        const ent = values(d.entropy())[0];
        const h = (l: number[]): number => -l.reduce((s, v) => s + Math.exp(v) * v, 0);
        expect(ent).toBeCloseTo(h(p0) + h(p1), 5);
        const q = new MultiCategorical(tiled([0, 0, 0, 1, -1]), nvec);
        const { mean, se } = meanAndSe(tf.sub(d.logProb(a), q.logProb(a)).dataSync());
        expect(Math.abs(values(d.kl(q))[0] - mean)).toBeLessThan(5 * se);
        expect(values(d.mode()).slice(0, 2)).toEqual([2, 0]);
      });
    });

    it('masks per component', () => {
      tf.tidy(() => {
        const mask = tiled([0, 1, 0, 1, 0], 500);
        const d = new MultiCategorical(tf.zeros([500, 5]), [3, 2], { mask });
        const a = d.sample(new Rng(2)).arraySync();
        expect(a.every(([x, y]) => x === 1 && y === 0)).toBe(true);
      });
    });

    it('validates nvec, actions and masks, naming the offending row', () => {
      tf.tidy(() => {
        expect(() => new MultiCategorical(tf.zeros([2, 4]), [3, 2])).toThrow(/logits must have 5 columns/);
        expect(() => new MultiCategorical(tf.zeros([2, 4]), [])).toThrow(/nvec must be a non-empty array/);
        const d = new MultiCategorical(tf.zeros([2, 5]), [3, 2]);
        expect(() => d.logProb(tf.tensor2d([[2, 1], [1, 2]], [2, 2], 'int32'))).toThrow(/MultiCategorical.logProb: actions\[1, 1\] = 2, expected an integer in \[0, 1\]/);
        expect(() => new MultiCategorical(tf.zeros([2, 5]), [3, 2], { mask: tf.tensor2d([[1, 0, 0, 1, 1], [0, 1, 0, 0, 0]]) })).toThrow(/mask row 1 allows no action in component 1/);
      });
    });
  });

  describe('Bernoulli', () => {
    it('log-prob, entropy, samples and KL match closed forms', () => {
      const row = [-2, 0, 0.5, 3];
      const p = row.map((l) => 1 / (1 + Math.exp(-l)));
      tf.tidy(() => {
        const d = new Bernoulli(tiled(row));
        const a = d.sample(new Rng(9));
        expect(a.dtype).toBe('int32');
        const cols = a.arraySync();
        p.forEach((pk, k) => {
          const freq = cols.reduce((s, r) => s + r[k], 0) / N;
          expect(Math.abs(freq - pk)).toBeLessThan(5 * Math.sqrt((pk * (1 - pk)) / N) + 1e-9);
        });
        const lp = values(d.logProb(a));
        cols.slice(0, 20).forEach((r, i) => {
          const ref = r.reduce((s, x, k) => s + Math.log(x ? p[k] : 1 - p[k]), 0);
          expect(lp[i]).toBeCloseTo(ref, 5);
        });
        const h = p.reduce((s, pk) => s - pk * Math.log(pk) - (1 - pk) * Math.log(1 - pk), 0);
        expect(values(d.entropy())[0]).toBeCloseTo(h, 5);
        const q = new Bernoulli(tiled([1, -1, 0, 0]));
        const { mean, se } = meanAndSe(tf.sub(lp, q.logProb(a)).dataSync());
        expect(Math.abs(values(d.kl(q))[0] - mean)).toBeLessThan(5 * se);
        expect(values(d.mode()).slice(0, 4)).toEqual([0, 0, 1, 1]);
      });
    });
  });

  describe('DiagGaussian', () => {
    const mean = [0.5, -1, 2];
    const logStd = [-0.5, 0, 0.7];

    it('log-prob and entropy match the closed form, with free or per-row log-std', () => {
      const rng = new Rng(4);
      const x = randomRows(rng, 5, 3, 2);
      tf.tidy(() => {
        const free = new DiagGaussian(tiled(mean, 5), tf.tensor1d(logStd));
        const perRow = new DiagGaussian(tiled(mean, 5), tiled(logStd, 5));
        const lp = values(free.logProb(tf.tensor2d(x)));
        x.forEach((xi, i) => {
          const ref = xi.reduce((s, v, k) => s + normalLogPdf(v, mean[k], Math.exp(logStd[k])), 0);
          expect(lp[i]).toBeCloseTo(ref, 4);
        });
        const values2 = values(perRow.logProb(tf.tensor2d(x)));
        values2.forEach((v, i) => expect(v).toBeCloseTo(lp[i], 5));
        const h = logStd.reduce((s, l) => s + l + 0.5 * Math.log(2 * Math.PI * Math.E), 0);
        for (const d of [free, perRow]) {
          const ent = d.entropy();
          expect(ent.shape).toEqual([5]);
          values(ent).forEach((v) => expect(v).toBeCloseTo(h, 5));
        }
      });
    });

    it('sample mean and variance match, reproducibly', () => {
      tf.tidy(() => {
        const d = new DiagGaussian(tiled(mean), tf.tensor1d(logStd));
        const s = d.sample(new Rng(21));
        const { mean: m, variance } = tf.moments(s, 0);
        const mv = values(m);
        const vv = values(variance);
        mean.forEach((mu, k) => {
          const sd = Math.exp(logStd[k]);
          expect(Math.abs(mv[k] - mu)).toBeLessThan((5 * sd) / Math.sqrt(N));
          // The sample variance has standard error about sd^2 sqrt(2 / N).
          expect(Math.abs(vv[k] - sd * sd)).toBeLessThan(5 * sd * sd * Math.sqrt(2 / N));
        });
        expect(values(d.sample(new Rng(21)))).toEqual(values(s));
        expect(values(d.mode()).slice(0, 3)).toEqual(mean);
      });
    });

    it('KL matches the closed form and a Monte-Carlo estimate', () => {
      const mean2 = [0, -0.5, 1.5];
      const logStd2 = [0, 0.3, 0.2];
      tf.tidy(() => {
        const p = new DiagGaussian(tiled(mean), tf.tensor1d(logStd));
        const q = new DiagGaussian(tiled(mean2), tiled(logStd2));
        const kl = values(p.kl(q))[0];
        const ref = mean.reduce((s, m1, k) => {
          const s1 = Math.exp(logStd[k]);
          const s2 = Math.exp(logStd2[k]);
          return s + Math.log(s2 / s1) + (s1 * s1 + (m1 - mean2[k]) ** 2) / (2 * s2 * s2) - 0.5;
        }, 0);
        expect(kl).toBeCloseTo(ref, 4);
        const x = p.sample(new Rng(8));
        const { mean: mc, se } = meanAndSe(tf.sub(p.logProb(x), q.logProb(x)).dataSync());
        expect(Math.abs(kl - mc)).toBeLessThan(5 * se);
      });
    });

    it('validates the log-std shape', () => {
      tf.tidy(() => {
        expect(() => new DiagGaussian(tf.zeros([4, 3]), tf.zeros([2]))).toThrow(/logStd must be float32 of shape \[3\]/);
      });
    });
  });

  describe('TanhGaussian', () => {
    const mean = [0.3, -1.2];
    const logStd = [-0.3, 0.2];
    const low = [-2, 0];
    const high = [2, 1];

    it('log-prob includes the log-det correction and agrees with the pre-squash form', () => {
      const rng = new Rng(6);
      tf.tidy(() => {
        const d = new TanhGaussian(tiled(mean, 8), tf.tensor1d(logStd), { low, high });
        const u = tf.tensor2d(randomRows(rng, 8, 2, 1));
        const a = d.squash(u);
        const lpA = values(d.logProb(a));
        const lpU = values(d.logProbFromPreSquash(u));
        const uu = u.arraySync();
        uu.forEach((ui, i) => {
          const ref = ui.reduce((s, v, k) => {
            const half = (high[k] - low[k]) / 2;
            return s + normalLogPdf(v, mean[k], Math.exp(logStd[k])) - Math.log(1 - Math.tanh(v) ** 2) - Math.log(half);
          }, 0);
          expect(lpU[i]).toBeCloseTo(ref, 4);
          expect(lpA[i]).toBeCloseTo(ref, 3);
        });
      });
    });

    it('stays finite far into the tails', () => {
      tf.tidy(() => {
        const d = new TanhGaussian(tf.tensor2d([[0, 0]]), tf.tensor1d([0, 0]));
        const lp = values(d.logProbFromPreSquash(tf.tensor2d([[30, -45]])));
        // log(1 - tanh(u)^2) ~ 2 log 2 - 2|u| for large |u|.
        const ref = normalLogPdf(30, 0, 1) + normalLogPdf(-45, 0, 1) - (2 * Math.LN2 - 60) - (2 * Math.LN2 - 90);
        expect(lp[0]).toBeCloseTo(ref, 2);
        expect(Number.isFinite(values(d.logProb(tf.tensor2d([[1, -1]])))[0])).toBe(true);
      });
    });

    it('samples stay in the bounds, entropy matches a Monte-Carlo estimate, KL is the base KL', () => {
      tf.tidy(() => {
        const d = new TanhGaussian(tiled(mean), tf.tensor1d(logStd), { low, high });
        const a = d.sample(new Rng(12));
        const rows = a.arraySync();
        expect(rows.every(([x, y]) => x >= -2 && x <= 2 && y >= 0 && y <= 1)).toBe(true);
        const ent = values(d.entropy())[0];
        const u = d.base.sample(new Rng(13));
        const { mean: mc, se } = meanAndSe(tf.neg(d.logProbFromPreSquash(u)).dataSync());
        expect(Math.abs(ent - mc)).toBeLessThan(5 * se + 1e-3);
        const q = new TanhGaussian(tiled([0, 0]), tf.tensor1d([0, 0]), { low, high });
        expect(values(d.kl(q))[0]).toBeCloseTo(values(d.base.kl(q.base))[0], 6);
        const other = new TanhGaussian(tiled([0, 0]), tf.tensor1d([0, 0]));
        expect(() => d.kl(other)).toThrow(/kl: other has bounds \[-1, 1\] at component 0, expected \[-2, 2\]/);
      });
    });

    it('rejects infinite bounds', () => {
      tf.tidy(() => {
        expect(() => new TanhGaussian(tf.zeros([1, 1]), tf.zeros([1]), { low: [-Infinity], high: [1] })).toThrow(/bounds must be finite/);
      });
    });
  });
});

describe('sampling is the same on every backend for one seed', () => {
  it('Categorical and DiagGaussian', async () => {
    const results: Record<string, { cat: number[]; gauss: number[] }> = {};
    for (const backend of BACKENDS) {
      await (await import('./backend')).selectBackend(backend);
      results[backend] = tf.tidy(() => {
        const logits = tf.tensor2d(randomRows(new Rng(1), 32, 5, 1));
        const cat = values(new Categorical(logits).sample(new Rng(99)));
        const gauss = values(new DiagGaussian(tf.zeros([32, 3]), tf.fill([3], -0.5)).sample(new Rng(99)));
        return { cat, gauss };
      });
    }
    expect(results.wasm.cat).toEqual(results.cpu.cat);
    results.wasm.gauss.forEach((v, i) => expect(v).toBeCloseTo(results.cpu.gauss[i], 6));
  });
});
