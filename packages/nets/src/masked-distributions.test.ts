import { PpoError, Rng } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ActorCritic } from './actor-critic';
import { Categorical, MultiCategorical } from './distributions';
import { BACKENDS, logSumExp, useBackend, values } from './test-helpers';

/**
 * Float64 references for masked categoricals, as MaskablePPO defines them: probabilities
 * renormalised over the allowed actions, log p(a) = l_a - log(sum over allowed of exp(l)),
 * entropy -sum over allowed of p log p (forbidden actions contribute exactly 0).
 */
function maskedLogProbs(logits: readonly number[], mask: readonly number[]): number[] {
  const lse = logSumExp(logits.filter((_, k) => mask[k] === 1));
  return logits.map((l, k) => (mask[k] === 1 ? l - lse : -Infinity));
}
function maskedEntropy(logits: readonly number[], mask: readonly number[]): number {
  return -maskedLogProbs(logits, mask).reduce((s, lp, k) => (mask[k] === 1 ? s + Math.exp(lp) * lp : s), 0);
}

/** Random logits (scale up to 8, so some rows are peaked) and masks allowing 1..n actions per component. */
function cases(rng: Rng, rows: number, nvec: readonly number[]) {
  const width = nvec.reduce((a, b) => a + b, 0);
  const logits: number[][] = [];
  const masks: number[][] = [];
  for (let r = 0; r < rows; r++) {
    const scale = [0.1, 1, 8][r % 3];
    logits.push(Array.from({ length: width }, () => rng.normal(0, scale)));
    const mask: number[] = [];
    for (const n of nvec) {
      const part = Array.from({ length: n }, () => (rng.nextFloat() < 0.5 ? 1 : 0));
      if (!part.includes(1)) part[rng.nextInt(n)] = 1;
      mask.push(...part);
    }
    masks.push(mask);
  }
  return { logits, masks };
}

/** Tolerance of float32 results against float64 references: absolute plus relative. */
function expectClose(actual: number[], expected: number[], tol = 2e-5): void {
  actual.forEach((a, i) => expect(Math.abs(a - expected[i])).toBeLessThanOrEqual(tol * (1 + Math.abs(expected[i]))));
}

describe.each(BACKENDS)('masked categoricals against float64 references (%s)', (backend) => {
  useBackend(backend);
  const rows = 60;

  it.each([2, 5, 17])('Categorical over %i actions: log-probs of allowed actions and entropy', (n) => {
    const { logits, masks } = cases(new Rng(n), rows, [n]);
    const rng = new Rng(100 + n);
    const actions = masks.map((m) => {
      const allowed = m.flatMap((v, k) => (v === 1 ? [k] : []));
      return allowed[rng.nextInt(allowed.length)];
    });
    const [lp, ent] = tf.tidy(() => {
      const d = new Categorical(tf.tensor2d(logits), { mask: tf.tensor2d(masks, undefined, 'bool') });
      return [values(d.logProb(tf.tensor1d(actions, 'int32'))), values(d.entropy())];
    });
    expectClose(lp, actions.map((a, r) => maskedLogProbs(logits[r], masks[r])[a]));
    expectClose(ent, logits.map((l, r) => maskedEntropy(l, masks[r])));
    // A row that allows one action is deterministic: log-prob 0, entropy 0.
    masks.forEach((m, r) => {
      if (m.filter((v) => v === 1).length === 1) expect(Math.abs(ent[r])).toBeLessThan(1e-6);
    });
  });

  it('MultiCategorical over nvec [3, 4, 2]: sums of the components', () => {
    const nvec = [3, 4, 2];
    const { logits, masks } = cases(new Rng(7), rows, nvec);
    const rng = new Rng(8);
    const actions: number[][] = [];
    const refLp: number[] = [];
    const refEnt: number[] = [];
    for (let r = 0; r < rows; r++) {
      let offset = 0;
      let lp = 0;
      let ent = 0;
      const row: number[] = [];
      for (const n of nvec) {
        const l = logits[r].slice(offset, offset + n);
        const m = masks[r].slice(offset, offset + n);
        const allowed = m.flatMap((v, k) => (v === 1 ? [k] : []));
        const a = allowed[rng.nextInt(allowed.length)];
        row.push(a);
        lp += maskedLogProbs(l, m)[a];
        ent += maskedEntropy(l, m);
        offset += n;
      }
      actions.push(row);
      refLp.push(lp);
      refEnt.push(ent);
    }
    const [lp, ent] = tf.tidy(() => {
      const d = new MultiCategorical(tf.tensor2d(logits), nvec, { mask: tf.tensor2d(masks, undefined, 'int32') });
      return [values(d.logProb(tf.tensor2d(actions, undefined, 'int32'))), values(d.entropy())];
    });
    expectClose(lp, refLp);
    expectClose(ent, refEnt);
  });

  it('gradients through masked log-probs and entropy are finite and zero for forbidden logits', () => {
    const { logits, masks } = cases(new Rng(11), 12, [6]);
    const actions = masks.map((m) => m.indexOf(1));
    const grad = tf.tidy(() => {
      const g = tf.grad((l: tf.Tensor) => {
        const d = new Categorical(l as tf.Tensor2D, { mask: tf.tensor2d(masks, undefined, 'bool') });
        return tf.add(tf.sum(d.logProb(tf.tensor1d(actions, 'int32'))), tf.sum(d.entropy()));
      });
      return values(g(tf.tensor2d(logits)));
    });
    grad.forEach((v, i) => {
      expect(Number.isFinite(v)).toBe(true);
      if (masks[Math.floor(i / 6)][i % 6] === 0) expect(v).toBe(0);
    });
    // Float64 finite differences of the same objective on the allowed logits.
    const objective = (l: number[][]): number =>
      l.reduce((s, row, r) => s + maskedLogProbs(row, masks[r])[actions[r]] + maskedEntropy(row, masks[r]), 0);
    const h = 1e-6;
    for (let i = 0; i < grad.length; i++) {
      const [r, c] = [Math.floor(i / 6), i % 6];
      if (masks[r][c] === 0) continue;
      const plus = logits.map((row) => [...row]);
      const minus = logits.map((row) => [...row]);
      plus[r][c] += h;
      minus[r][c] -= h;
      expect(Math.abs(grad[i] - (objective(plus) - objective(minus)) / (2 * h))).toBeLessThan(1e-3);
    }
  });

  it('ActorCritic.act and evaluate agree with the reference on the network logits, and never choose a forbidden action', () => {
    const n = 5;
    const policy = new ActorCritic({ observationSize: 3, actionSpace: { type: 'discrete', n }, seed: 2 });
    try {
      const count = 40;
      const rng = new Rng(3);
      const observations = Float32Array.from({ length: count * 3 }, () => rng.normal(0, 1));
      const { masks } = cases(new Rng(4), count, [n]);
      const actionMask = Uint8Array.from(masks.flat());
      const acted = policy.act(observations, count, new Rng(5), { actionMask });
      acted.actions.forEach((a, r) => expect(masks[r][a]).toBe(1));
      const [logits, lp, ent] = tf.tidy(() => {
        const obs = tf.tensor2d(observations, [count, 3]);
        const unmasked = policy.forward(obs).distribution as Categorical;
        const out = policy.evaluate(obs, tf.tensor1d(acted.actions, 'int32'), { actionMask: tf.tensor2d(actionMask, [count, n], 'bool') });
        return [values(unmasked.logits), values(out.logProbs), values(out.entropy)];
      });
      const rows = Array.from({ length: count }, (_, r) => logits.slice(r * n, (r + 1) * n));
      const refLp = Array.from(acted.actions, (a, r) => maskedLogProbs(rows[r], masks[r])[a]);
      expectClose(lp, refLp);
      expectClose(Array.from(acted.logProbs), refLp);
      expectClose(ent, rows.map((l, r) => maskedEntropy(l, masks[r])));
    } finally {
      policy.dispose();
    }
  });

  it('a mask row that allows no action is a NO_VALID_ACTION error', () => {
    const policy = new ActorCritic({ observationSize: 2, actionSpace: { type: 'multi-discrete', nvec: [2, 3] }, seed: 1 });
    try {
      let caught: unknown;
      try {
        policy.act(new Float32Array(4), 2, new Rng(0), { actionMask: Uint8Array.from([1, 0, 1, 1, 1, /* row 1 */ 0, 1, 0, 0, 0]) });
      } catch (error) {
        caught = error;
      }
      expect(PpoError.is(caught, 'NO_VALID_ACTION')).toBe(true);
      expect((caught as Error).message).toMatch(/actionMask row 1 allows no action in component 1/);
    } finally {
      policy.dispose();
    }
  });
});
