import { describe, expect, it } from 'vitest';
import { Rng, shuffleInPlace, type RngState } from './rng';
import {
  CHI2_CRIT_999,
  chiSquareUniform,
  ksCritical999,
  ksStatistic,
  meanVar,
  normalCdf,
} from './test-stats';

// Expected values produced by `python3 packages/utils/scripts/rng_reference.py`, an
// independent Python implementation (arbitrary-precision integers masked to 32 bits).
// Re-run it and paste its output here if the algorithm ever changes on purpose.
// rawState1234 is also the published xoshiro128** sequence from the state [1, 2, 3, 4].
const RAW_STATE_1234 = [11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849];

interface Reference {
  words: number[];
  uint32: number[];
  float: number[];
  normal: number[];
  /** nextInt(n) for n = 1, 2, 3, 10, 1000, 2^31 + 1, 2^32 in turn. */
  int: number[];
  permutation10: number[];
  forkChildUint32: number[];
  forkParentUint32: number[];
}

const INT_BOUNDS = [1, 2, 3, 10, 1000, 2 ** 31 + 1, 2 ** 32];

const REFERENCE: Record<number, Reference> = {
  0: {
    words: [2462723854, 1020716019, 454327756, 1275600319],
    uint32: [3809008728, 1133695204, 53579671, 2891528803, 139681546, 2203266335],
    float: [0.8868539502021594, 0.012474988946590604, 0.032522145755498943, 0.024408060085556516],
    normal: [0.12177618600477014, 0.49342493394909925, -0.5381877552332646, 1.6753298369058043, -0.8954710778463916],
    int: [0, 0, 1, 3, 546, 104831812, 1587294886],
    permutation10: [3, 6, 1, 5, 0, 4, 2, 9, 7, 8],
    forkChildUint32: [2725470907, 83700200, 3251482512],
    forkParentUint32: [139681546, 2203266335, 104831812],
  },
  1: {
    words: [2527132011, 314344336, 2535364964, 2041432039],
    uint32: [2442144158, 3238099751, 3819917871, 2104621829, 2021136066, 4223536128],
    float: [0.5686059948349658, 0.8893939367683266, 0.4705824180198359, 0.35296769838967534],
    normal: [0.1681321120958473, 0.9542843185011038, -0.43060011100390955, -2.1521865881858235, -2.11372639304049],
    int: [0, 1, 0, 9, 66, 1515984730, 2298887649],
    permutation10: [4, 1, 5, 6, 3, 0, 9, 7, 2, 8],
    forkChildUint32: [71288530, 943124539, 1482332136],
    forkParentUint32: [2021136066, 4223536128, 1515984730],
  },
  42: {
    words: [939911724, 3948730756, 321366731, 3317318717],
    uint32: [2837322924, 544945897, 479756282, 3500138142, 339756180, 113173290],
    float: [0.6606157208001621, 0.1117019639532224, 0.0791056456144914, 0.015209237180418],
    normal: [0.31875784963858494, -0.7706160167419408, 0.15178267621950975, -0.12624145471928355, -0.3257678439811117],
    int: [0, 1, 2, 2, 180, 113173290, 65323186],
    permutation10: [3, 6, 8, 7, 5, 0, 9, 2, 1, 4],
    forkChildUint32: [1303813994, 674485510, 2863316194],
    forkParentUint32: [339756180, 113173290, 65323186],
  },
  123456789: {
    words: [1573771921, 319883699, 2742014374, 1324369493],
    uint32: [4284103975, 1001954530, 2701803082, 2658065534, 3104308804, 4033197306],
    float: [0.9974706860876509, 0.6290625528907708, 0.7227782230008536, 0.4939514837098651],
    normal: [1.797184110266209, -0.04879425475655736, 0.8758914917342306, -0.7785375545120414, -0.8509187452803397],
    int: [0, 0, 1, 4, 804, 2121505443, 3804340767],
    permutation10: [7, 6, 0, 3, 8, 4, 9, 2, 1, 5],
    forkChildUint32: [599428127, 3460592926, 1977863398],
    forkParentUint32: [3104308804, 4033197306, 2121505443],
  },
  4294967295: {
    words: [920564995, 4230986166, 697614773, 1778835764],
    uint32: [835879718, 1921286648, 2356205009, 1885780724, 980451116, 1053911718],
    float: [0.19461841469507213, 0.5485967281391287, 0.2282790634437124, 0.856209721965931],
    normal: [-1.3691942349566795, 0.2178859604105225, -0.4019053010782091, 0.5268735540518286, 0.9320719457592904],
    int: [0, 0, 2, 4, 116, 1053911718, 3677392737],
    permutation10: [5, 4, 0, 7, 3, 6, 9, 1, 2, 8],
    forkChildUint32: [708800449, 2951774395, 3092495943],
    forkParentUint32: [980451116, 1053911718, 3677392737],
  },
};

function draw(n: number, f: () => number): Float64Array {
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = f();
  return out;
}

describe('Rng against the independent Python reference', () => {
  it('reproduces the published xoshiro128** outputs from the raw state [1, 2, 3, 4]', () => {
    const rng = Rng.fromState({ algorithm: 'xoshiro128**', words: [1, 2, 3, 4], spareNormal: null });
    expect(draw(8, () => rng.nextUint32()).map(Number)).toEqual(Float64Array.from(RAW_STATE_1234));
  });

  describe.each(Object.keys(REFERENCE).map(Number))('seed %i', (seed) => {
    const ref = REFERENCE[seed];

    it('seeds the same four words through SplitMix32', () => {
      expect(new Rng(seed).getState().words).toEqual(ref.words);
    });

    it('gives the same nextUint32 sequence', () => {
      const rng = new Rng(seed);
      expect(ref.uint32.map(() => rng.nextUint32())).toEqual(ref.uint32);
    });

    it('gives the same 53-bit floats exactly', () => {
      const rng = new Rng(seed);
      expect(ref.float.map(() => rng.nextFloat())).toEqual(ref.float);
    });

    it('gives the same polar normals (to 1e-12: Math.log may differ from libm by an ulp)', () => {
      const rng = new Rng(seed);
      for (const expected of ref.normal) expect(rng.nextNormal()).toBeCloseTo(expected, 12);
    });

    it('gives the same nextInt draws, including rejection for n = 2^31 + 1', () => {
      const rng = new Rng(seed);
      expect(INT_BOUNDS.map((n) => rng.nextInt(n))).toEqual(ref.int);
    });

    it('gives the same Fisher-Yates permutation', () => {
      expect(Array.from(new Rng(seed).permutation(10))).toEqual(ref.permutation10);
    });

    it('forks the same child and advances the parent by four outputs', () => {
      const parent = new Rng(seed);
      const child = parent.fork();
      expect([child.nextUint32(), child.nextUint32(), child.nextUint32()]).toEqual(ref.forkChildUint32);
      expect([parent.nextUint32(), parent.nextUint32(), parent.nextUint32()]).toEqual(ref.forkParentUint32);
    });
  });
});

describe('Rng distributions (tolerances: 5 standard errors, or the 0.1% critical value)', () => {
  const N = 200_000;

  it('nextFloat is uniform on [0, 1): mean, variance and Kolmogorov-Smirnov', () => {
    const rng = new Rng(7);
    const xs = draw(N, () => rng.nextFloat());
    // One expect on the extremes: an expect per draw costs seconds.
    expect(xs.reduce((a, b) => Math.min(a, b))).toBeGreaterThanOrEqual(0);
    expect(xs.reduce((a, b) => Math.max(a, b))).toBeLessThan(1);
    const { mean, variance } = meanVar(xs);
    // Var of U(0,1) is 1/12; Var(x) = 1/12 so se(mean) = sqrt(1/(12N)); se(var) = sqrt((1/80 - 1/144)/N).
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / N));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(5 * Math.sqrt((1 / 80 - 1 / 144) / N));
    expect(ksStatistic(xs, (x) => x)).toBeLessThan(ksCritical999(N));
  });

  it('nextFloat uses more than 32 bits (the low bits vary)', () => {
    const rng = new Rng(8);
    let fractional = 0;
    for (let k = 0; k < 1000; k++) {
      if (!Number.isInteger(rng.nextFloat() * 2 ** 32)) fractional++;
    }
    // With 53 bits, (x * 2^32) has a non-zero fraction unless 21 low bits are all zero.
    expect(fractional).toBeGreaterThan(990);
  });

  it('nextNormal is standard normal: mean, variance, skewness, kurtosis and Kolmogorov-Smirnov', () => {
    const rng = new Rng(11);
    const xs = draw(N, () => rng.nextNormal());
    const { mean, variance } = meanVar(xs);
    let m3 = 0;
    let m4 = 0;
    for (const x of xs) {
      m3 += (x - mean) ** 3;
      m4 += (x - mean) ** 4;
    }
    const skew = m3 / N / variance ** 1.5;
    const kurtosis = m4 / N / variance ** 2;
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
    expect(Math.abs(skew)).toBeLessThan(5 * Math.sqrt(6 / N));
    expect(Math.abs(kurtosis - 3)).toBeLessThan(5 * Math.sqrt(24 / N));
    expect(ksStatistic(xs, normalCdf)).toBeLessThan(ksCritical999(N));
  });

  it('normal(mean, std) and uniform(low, high) scale and shift', () => {
    const rng = new Rng(12);
    const ns = meanVar(draw(N, () => rng.normal(3, 2)));
    expect(Math.abs(ns.mean - 3)).toBeLessThan(5 * (2 / Math.sqrt(N)));
    expect(Math.abs(ns.variance - 4)).toBeLessThan(5 * 4 * Math.sqrt(2 / N));
    const us = draw(N, () => rng.uniform(-2, 6));
    expect(us.reduce((a, b) => Math.min(a, b))).toBeGreaterThanOrEqual(-2);
    expect(us.reduce((a, b) => Math.max(a, b))).toBeLessThan(6);
    const um = meanVar(us);
    expect(Math.abs(um.mean - 2)).toBeLessThan(5 * Math.sqrt(64 / 12 / N));
    expect(Math.abs(um.variance - 64 / 12)).toBeLessThan(5 * 64 * Math.sqrt((1 / 80 - 1 / 144) / N));
  });

  it('fillUniform and fillNormal match the scalar draws of the same stream', () => {
    const a = new Rng(13);
    const b = new Rng(13);
    const filled = a.fillUniform(new Float64Array(50), -1, 3);
    expect(Array.from(filled)).toEqual(Array.from({ length: 50 }, () => b.uniform(-1, 3)));
    const normals = a.fillNormal(new Float64Array(51), 1, 0.5);
    expect(Array.from(normals)).toEqual(Array.from({ length: 51 }, () => b.normal(1, 0.5)));
    const f32 = new Rng(14).fillNormal(new Float32Array(N));
    const stats = meanVar(f32);
    expect(Math.abs(stats.mean)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(stats.variance - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
  });

  it('nextInt(10) passes a chi-square test (9 degrees of freedom)', () => {
    const rng = new Rng(21);
    const counts = new Float64Array(10);
    for (let k = 0; k < N; k++) counts[rng.nextInt(10)]++;
    expect(chiSquareUniform(counts)).toBeLessThan(CHI2_CRIT_999[9]);
  });

  it('nextInt(100) passes a chi-square test (99 degrees of freedom)', () => {
    const rng = new Rng(22);
    const counts = new Float64Array(100);
    for (let k = 0; k < N; k++) counts[rng.nextInt(100)]++;
    expect(chiSquareUniform(counts)).toBeLessThan(CHI2_CRIT_999[99]);
  });

  it('nextInt has no modulo bias for n = 3 * 2^30 (plain modulo would give thirds of 1/2, 1/4, 1/4)', () => {
    const rng = new Rng(23);
    const n = 3 * 2 ** 30;
    const counts = new Float64Array(3);
    let largest = 0;
    for (let k = 0; k < 60_000; k++) {
      const x = rng.nextInt(n);
      largest = Math.max(largest, x);
      counts[Math.floor(x / 2 ** 30)]++;
    }
    expect(largest).toBeLessThan(n);
    expect(chiSquareUniform(counts)).toBeLessThan(CHI2_CRIT_999[2]);
  });

  it('nextInt covers the full range for n = 2^32 and returns 0 for n = 1', () => {
    const rng = new Rng(24);
    let high = 0;
    for (let k = 0; k < 1000; k++) {
      const x = rng.nextInt(2 ** 32);
      expect(Number.isInteger(x) && x >= 0 && x < 2 ** 32).toBe(true);
      if (x >= 2 ** 31) high++;
    }
    expect(high).toBeGreaterThan(400);
    expect(high).toBeLessThan(600);
    expect(rng.nextInt(1)).toBe(0);
  });
});

describe('Rng edges of the half-open ranges', () => {
  // A generator whose nextFloat replays a script, to hit the rounding cases deterministically.
  class Scripted extends Rng {
    constructor(private readonly script: number[]) {
      super(1);
    }
    override nextFloat(): number {
      const next = this.script.shift();
      if (next === undefined) throw new Error('script exhausted');
      return next;
    }
  }

  it('uniform(1, 2) never returns 2 even when 1 + u rounds up', () => {
    const rng = new Scripted([1 - 2 ** -53, 0.25]);
    expect(1 + (1 - 2 ** -53)).toBe(2); // the rounding the redraw guards against
    expect(rng.uniform(1, 2)).toBe(1.25);
  });

  it('fillUniform into a Float32Array never stores high', () => {
    const rng = new Scripted([1 - 2 ** -30, 0.5, 0.75]);
    expect(Math.fround(1 - 2 ** -30)).toBe(1);
    expect(Array.from(rng.fillUniform(new Float32Array(2)))).toEqual([0.5, 0.75]);
  });

  it('fillUniform into a Float32Array redraws values that round below low', () => {
    const low = 0.7;
    expect(Math.fround(low)).toBeLessThan(low); // so draws just above 0.7 round below it
    const rng = new Scripted([1e-12, 0.5]);
    const out = rng.fillUniform(new Float32Array(1), low, 0.8);
    expect(out[0]).toBe(Math.fround(0.75));
    expect(new Rng(5).fillUniform(new Float32Array(1000), low, 0.8).every((x) => x >= low && x < 0.8)).toBe(true);
  });

  it('low === high gives low', () => {
    const rng = new Rng(3);
    expect(rng.uniform(2.5, 2.5)).toBe(2.5);
    expect(Array.from(rng.fillUniform(new Float32Array(3), 2.5, 2.5))).toEqual([2.5, 2.5, 2.5]);
  });
});

describe('permutations and shuffles', () => {
  it('permutation(n) contains each of 0..n-1 exactly once, for many n', () => {
    const rng = new Rng(31);
    for (const n of [0, 1, 2, 5, 64, 1000]) {
      const p = rng.permutation(n);
      expect(p).toBeInstanceOf(Int32Array);
      expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, k) => k));
    }
  });

  it('every permutation of 4 elements is equally likely (chi-square, 23 degrees of freedom)', () => {
    const rng = new Rng(32);
    const counts = new Map<string, number>();
    const out = new Int32Array(4);
    const draws = 48_000;
    for (let k = 0; k < draws; k++) {
      const key = rng.permutation(4, out).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    expect(chiSquareUniform(Array.from(counts.values()))).toBeLessThan(CHI2_CRIT_999[23]);
  });

  it('permutation writes into the given array and returns it', () => {
    const out = new Int32Array(6);
    expect(new Rng(1).permutation(6, out)).toBe(out);
  });

  it('shuffle keeps the multiset of a plain array and matches shuffleInPlace on the same stream', () => {
    const a = new Rng(33).shuffle(['a', 'b', 'c', 'd', 'e', 'f']);
    const b = shuffleInPlace(['a', 'b', 'c', 'd', 'e', 'f'], new Rng(33));
    expect(a).toEqual(b);
    expect([...a].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });
});

describe('state save and restore', () => {
  it('continues exactly through JSON, including a pending spare normal', () => {
    const rng = new Rng(41);
    for (let k = 0; k < 17; k++) rng.nextUint32();
    rng.nextNormal(); // leaves the second variate of the pair pending
    const saved = JSON.parse(JSON.stringify(rng.getState())) as RngState;
    expect(saved.spareNormal).not.toBeNull();
    const restored = Rng.fromState(saved);
    const mixed = (g: Rng): number[] => [g.nextNormal(), g.nextNormal(), g.nextFloat(), g.nextInt(97), g.nextUint32()];
    for (let round = 0; round < 50; round++) expect(mixed(restored)).toEqual(mixed(rng));
  });

  it('setState rewinds a generator in place', () => {
    const rng = new Rng(42);
    const state = rng.getState();
    const first = draw(10, () => rng.nextFloat());
    rng.setState(state);
    expect(draw(10, () => rng.nextFloat())).toEqual(first);
    expect(state.spareNormal).toBeNull();
  });

  it('getState returns a copy that later draws do not change', () => {
    const rng = new Rng(43);
    const state = rng.getState();
    const words = [...state.words];
    rng.nextUint32();
    expect(state.words).toEqual(words);
  });

  it('rejects malformed states with errors naming the field', () => {
    const rng = new Rng(1);
    const good = rng.getState();
    expect(() => rng.setState({ ...good, algorithm: 'mt19937' } as unknown as RngState)).toThrow(TypeError);
    expect(() => rng.setState(null as unknown as RngState)).toThrow(/state must be an RngState/);
    expect(() => rng.setState({ ...good, words: [1, 2, 3] } as unknown as RngState)).toThrow(/state.words/);
    expect(() => rng.setState({ ...good, words: [1, 2, 3, 2 ** 32] })).toThrow(/state.words/);
    expect(() => rng.setState({ ...good, words: [1, 2, 3, -1] })).toThrow(/state.words/);
    expect(() => rng.setState({ ...good, words: [1, 2, 3, 0.5] })).toThrow(/state.words/);
    expect(() => rng.setState({ ...good, words: [0, 0, 0, 0] })).toThrow(RangeError);
    expect(() => rng.setState({ ...good, spareNormal: Number.NaN })).toThrow(/spareNormal/);
    expect(() => rng.setState({ ...good, spareNormal: undefined } as unknown as RngState)).toThrow(/spareNormal/);
    // A failed restore leaves the generator untouched.
    expect(rng.getState()).toEqual(good);
  });
});

describe('fork', () => {
  it('gives a child stream uncorrelated with the parent and with a sibling', () => {
    const parent = new Rng(51);
    const child = parent.fork();
    const sibling = parent.fork();
    const n = 100_000;
    const p = draw(n, () => parent.nextFloat());
    const c = draw(n, () => child.nextFloat());
    const s = draw(n, () => sibling.nextFloat());
    const corr = (x: Float64Array, y: Float64Array): number => {
      const mx = meanVar(x);
      const my = meanVar(y);
      let cov = 0;
      for (let k = 0; k < x.length; k++) cov += (x[k] - mx.mean) * (y[k] - my.mean);
      return cov / (x.length - 1) / Math.sqrt(mx.variance * my.variance);
    };
    // Under independence the sample correlation has standard error 1/sqrt(n).
    expect(Math.abs(corr(p, c))).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(corr(c, s))).toBeLessThan(5 / Math.sqrt(n));
    // Nor is the child a shifted copy of the parent's stream.
    expect(Math.abs(corr(p.subarray(1), c.subarray(0, n - 1)))).toBeLessThan(5 / Math.sqrt(n));
  });

  it('is deterministic and does not share state with the parent', () => {
    const a = new Rng(52).fork();
    const b = new Rng(52).fork();
    expect(a.getState()).toEqual(b.getState());
    const parent = new Rng(53);
    const child = parent.fork();
    const before = child.getState();
    parent.nextUint32();
    expect(child.getState()).toEqual(before);
  });
});

describe('argument errors', () => {
  it('rejects seeds outside [0, 2^32) or not integers', () => {
    for (const seed of [-1, 2 ** 32, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new Rng(seed)).toThrow(RangeError);
    }
    expect(() => new Rng(-1)).toThrow(/seed must be an integer in \[0, 2\^32\), got -1/);
    expect(() => new Rng(2 ** 32 - 1)).not.toThrow();
  });

  it('rejects bad bounds', () => {
    const rng = new Rng(1);
    for (const n of [0, -3, 2.5, 2 ** 32 + 1, Number.NaN]) expect(() => rng.nextInt(n)).toThrow(RangeError);
    expect(() => rng.nextInt(0)).toThrow(/n must be an integer in \[1, 2\^32\], got 0/);
    expect(() => rng.uniform(2, 1)).toThrow(/low=2, high=1/);
    expect(() => rng.uniform(0, Number.NaN)).toThrow(RangeError);
    expect(() => rng.uniform(-Number.MAX_VALUE, Number.MAX_VALUE)).toThrow(/finite width/);
    expect(() => rng.fillUniform(new Float32Array(2), 1, 0)).toThrow(RangeError);
    expect(() => rng.fillUniform(new Float32Array(2), 1 + 1e-12, 1 + 2e-12)).toThrow(/no float32 value/);
    expect(() => rng.normal(0, -1)).toThrow(/std >= 0/);
    expect(() => rng.normal(Number.NaN, 1)).toThrow(RangeError);
    expect(() => rng.fillNormal(new Float64Array(2), 0, Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => rng.permutation(-1)).toThrow(/non-negative integer/);
    expect(() => rng.permutation(3, new Int32Array(4))).toThrow(/out must have length n=3, got length 4/);
  });
});
