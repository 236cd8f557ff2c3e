// Independent float64 reference implementations (plain loops) and seeded data for the tests.
import { Rng } from '@ppo/utils';
import { refMean } from './test-utils';

export function refClipped(lp: ArrayLike<number>, old: ArrayLike<number>, adv: ArrayLike<number>, low: number, high: number, mask?: ArrayLike<number>) {
  const objective: number[] = [];
  const outside: number[] = [];
  const k3: number[] = [];
  const k1: number[] = [];
  for (let i = 0; i < lp.length; i++) {
    const logR = lp[i] - old[i];
    const r = Math.exp(logR);
    const clippedR = Math.min(Math.max(r, 1 - low), 1 + high);
    objective.push(Math.min(r * adv[i], clippedR * adv[i]));
    outside.push(r < 1 - low || r > 1 + high ? 1 : 0);
    k3.push(r - 1 - logR);
    k1.push(-logR);
  }
  return {
    loss: -refMean(objective, mask),
    clipFraction: refMean(outside, mask),
    approxKl: refMean(k3, mask),
    oldApproxKl: refMean(k1, mask),
  };
}

export function refKlPenalty(lp: ArrayLike<number>, old: ArrayLike<number>, adv: ArrayLike<number>, beta: number, estimator: 'k1' | 'k2' | 'k3', mask?: ArrayLike<number>) {
  const surrogate: number[] = [];
  const kl: number[] = [];
  for (let i = 0; i < lp.length; i++) {
    const logR = lp[i] - old[i];
    const r = Math.exp(logR);
    surrogate.push(r * adv[i]);
    kl.push(estimator === 'k1' ? -logR : estimator === 'k2' ? 0.5 * logR * logR : r - 1 - logR);
  }
  const policyLoss = -refMean(surrogate, mask);
  return { policyLoss, kl: refMean(kl, mask), loss: policyLoss + beta * refMean(kl, mask) };
}

/** Random PPO minibatch; log ratios kept at least `margin` away from log(1 - low), log(1 + high). */
export function makeBatch(seed: number, n: number, low: number, high: number, margin = 0.03) {
  const rng = new Rng(seed);
  const old = new Float32Array(n);
  const lp = new Float32Array(n);
  const adv = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    old[i] = rng.normal(-1.5, 0.7);
    let logR: number;
    do logR = rng.normal(0, 0.3);
    while (Math.abs(logR - Math.log(1 - low)) < margin || Math.abs(logR - Math.log(1 + high)) < margin);
    lp[i] = old[i] + logR;
    let a: number;
    do a = rng.normal(0, 1);
    while (Math.abs(a) < 0.05);
    adv[i] = a;
  }
  return { old, lp, adv };
}

export function refValueLoss(v: ArrayLike<number>, ret: ArrayLike<number>, old?: ArrayLike<number>, clip?: number, mask?: ArrayLike<number>): number {
  const perElement: number[] = [];
  for (let i = 0; i < v.length; i++) {
    const unclipped = (v[i] - ret[i]) ** 2;
    if (clip === undefined || old === undefined) {
      perElement.push(unclipped);
    } else {
      const delta = Math.min(Math.max(v[i] - old[i], -clip), clip);
      perElement.push(Math.max(unclipped, (old[i] + delta - ret[i]) ** 2));
    }
  }
  return 0.5 * refMean(perElement, mask);
}

/** Values whose change from oldValues is away from +-clip, and whose two errors differ. */
export function makeValues(seed: number, n: number, clip: number) {
  const rng = new Rng(seed);
  const old = new Float32Array(n);
  const v = new Float32Array(n);
  const ret = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    old[i] = rng.normal(0, 2);
    ret[i] = old[i] + rng.normal(0, 1);
    let d: number;
    do d = rng.normal(0, 0.4);
    while (Math.abs(Math.abs(d) - clip) < 0.03 || Math.abs(d) < 0.03);
    v[i] = old[i] + d;
    // Keep (V - R)^2 and the clipped error apart by more than the float32 difference step.
    const clippedV = old[i] + Math.min(Math.max(d, -clip), clip);
    if (Math.abs(Math.abs(v[i] - ret[i]) - Math.abs(clippedV - ret[i])) < 0.03) ret[i] += 0.1;
  }
  return { old, v, ret };
}

/** (A - mean) / (unbiased std + epsilon) over the kept entries; masked entries use the same shift. */
export function refNormalize(adv: ArrayLike<number>, epsilon = 1e-8, mask?: ArrayLike<number>): number[] {
  const mean = refMean(adv, mask);
  let ss = 0;
  let n = 0;
  for (let i = 0; i < adv.length; i++) {
    if (mask !== undefined && mask[i] === 0) continue;
    ss += (adv[i] - mean) ** 2;
    n += 1;
  }
  const std = Math.sqrt(ss / Math.max(n - 1, 1));
  return Array.from(adv, (a) => (a - mean) / (std + epsilon));
}
