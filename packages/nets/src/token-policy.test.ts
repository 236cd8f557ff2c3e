import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ppo/utils';
import { describe, expect, it, vi } from 'vitest';
import { BACKENDS, logSoftmax, meanAndSe, useBackend } from './test-helpers';
import { TokenPolicy } from './token-policy';
import { deserializeWeights, serializeWeights } from './weights';

const V = 7;
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * An independent float64 GRU in plain loops, fed one token at a time: returns the log-softmax of
 * the next-token logits after each prefix of `seq` (entry j scores seq[j + 1]) and the values.
 */
function referenceSteps(policy: TokenPolicy, seq: readonly number[], temperature = 1): { logp: number[][]; values: number[] } {
  const w = Object.fromEntries(Object.entries(policy.variables).map(([k, v]) => [k, Array.from(v.dataSync())]));
  const { embeddingSize: e, hiddenSize: hs, vocabSize: v } = policy;
  const h3 = 3 * hs;
  let h = new Array<number>(hs).fill(0);
  const logp: number[][] = [];
  const values: number[] = [];
  for (const token of seq) {
    const x = w.embedding.slice(token * e, (token + 1) * e);
    const gx = new Array<number>(h3).fill(0);
    const gh = new Array<number>(h3).fill(0);
    for (let c = 0; c < h3; c++) {
      gx[c] = w['gru/input_bias'][c];
      for (let r = 0; r < e; r++) gx[c] += x[r] * w['gru/input_kernel'][r * h3 + c];
      gh[c] = w['gru/recurrent_bias'][c];
      for (let r = 0; r < hs; r++) gh[c] += h[r] * w['gru/recurrent_kernel'][r * h3 + c];
    }
    const next = new Array<number>(hs);
    for (let c = 0; c < hs; c++) {
      const z = sigmoid(gx[c] + gh[c]);
      const rr = sigmoid(gx[hs + c] + gh[hs + c]);
      const n = Math.tanh(gx[2 * hs + c] + rr * gh[2 * hs + c]);
      next[c] = (1 - z) * n + z * h[c];
    }
    h = next;
    const logits = new Array<number>(v);
    for (let a = 0; a < v; a++) {
      logits[a] = w['head/bias'][a];
      for (let r = 0; r < hs; r++) logits[a] += h[r] * w['head/kernel'][r * v + a];
    }
    logp.push(logSoftmax(logits.map((l) => l / temperature)));
    if (policy.hasValueHead) {
      let val = w['value/bias'][0];
      for (let r = 0; r < hs; r++) val += h[r] * w['value/kernel'][r];
      values.push(val);
    }
  }
  return { logp, values };
}

/** A policy whose logits are far from uniform, so tests see real differences between tokens. */
function makePolicy(seed: number, valueHead = false): TokenPolicy {
  const policy = new TokenPolicy({ vocabSize: V, embeddingSize: 5, hiddenSize: 8, valueHead, seed });
  const rng = new Rng(seed + 100);
  tf.tidy(() => {
    const head = policy.variables['head/kernel'];
    const values = new Float32Array(head.size);
    rng.fillNormal(values, 0, 1);
    head.assign(tf.tensor(values, head.shape));
  });
  return policy;
}

function randomSequences(rng: Rng, b: number, l: number): Int32Array {
  return Int32Array.from({ length: b * l }, () => rng.nextInt(V));
}

describe.each(BACKENDS)('TokenPolicy on %s', (backend) => {
  useBackend(backend);

  it.each([
    [1, false],
    [0.6, true],
  ])('per-token log-probs (temperature %s, value head %s) match a float64 step-by-step GRU', (temperature, valueHead) => {
    const policy = makePolicy(3, valueHead);
    const b = 3;
    const l = 6;
    const seqs = randomSequences(new Rng(4), b, l);
    const { logProbs, values } = policy.scoreSequences(seqs, b, l, { temperature });
    for (let i = 0; i < b; i++) {
      const seq = Array.from(seqs.subarray(i * l, (i + 1) * l));
      const ref = referenceSteps(policy, seq, temperature);
      expect(logProbs[i * l]).toBe(0);
      let sum = 0;
      let refSum = 0;
      for (let j = 1; j < l; j++) {
        expect(Math.abs(logProbs[i * l + j] - ref.logp[j - 1][seq[j]])).toBeLessThan(2e-5);
        sum += logProbs[i * l + j];
        refSum += ref.logp[j - 1][seq[j]];
        if (valueHead && values !== null) expect(Math.abs(values[i * l + j] - ref.values[j - 1])).toBeLessThan(2e-5);
      }
      // The sequence log-likelihood given its first token.
      expect(Math.abs(sum - refSum)).toBeLessThan(1e-4);
    }
    expect(values === null).toBe(!valueHead);
    policy.dispose();
  });

  it('is causal (right padding never changes earlier scores) and applies the mask', () => {
    const policy = makePolicy(5);
    const a = new Int32Array([1, 2, 3, 4, 0, 0]);
    const c = new Int32Array([1, 2, 3, 4, 6, 5]);
    const la = policy.scoreSequences(a, 1, 6).logProbs;
    const lc = policy.scoreSequences(c, 1, 6).logProbs;
    for (let j = 0; j < 4; j++) expect(Math.abs(la[j] - lc[j])).toBeLessThan(1e-6);
    const mask = [0, 0, 1, 1, 0, 0];
    const masked = tf.tidy(() => {
      const out = policy.tokenLogProbs(tf.tensor2d(a, [1, 6], 'int32'), { mask: tf.tensor2d(mask, [1, 6]) });
      return Array.from(out.logProbs.dataSync());
    });
    masked.forEach((x, j) => expect(Math.abs(x - la[j] * mask[j])).toBeLessThan(1e-6));
    policy.dispose();
  });

  it('generates reproducibly, and its log-probs and values are those of the generated sequences', () => {
    const policy = makePolicy(7, true);
    const count = 5;
    const p = 3;
    const t = 6;
    const prompts = randomSequences(new Rng(8), count, p);
    const run = (seed: number) => policy.generate({ prompts, count, promptLength: p, maxNewTokens: t, rng: new Rng(seed), temperature: 0.8, eosTokenId: 6 });
    const first = run(11);
    const again = run(11);
    const other = run(12);
    expect(Array.from(again.completions)).toEqual(Array.from(first.completions));
    expect(Array.from(again.logProbs)).toEqual(Array.from(first.logProbs));
    expect(Array.from(other.completions)).not.toEqual(Array.from(first.completions));
    const full = new Int32Array(count * (p + t));
    for (let i = 0; i < count; i++) {
      full.set(prompts.subarray(i * p, (i + 1) * p), i * (p + t));
      full.set(first.completions.subarray(i * t, (i + 1) * t), i * (p + t) + p);
    }
    const scored = policy.scoreSequences(full, count, p + t, { temperature: 0.8 });
    for (let i = 0; i < count; i++) {
      const len = first.completionLengths[i];
      expect(len).toBeGreaterThanOrEqual(1);
      for (let j = 0; j < t; j++) {
        const k = i * t + j;
        if (j < len) {
          expect(Math.abs(first.logProbs[k] - scored.logProbs[i * (p + t) + p + j])).toBeLessThan(2e-5);
          expect(Math.abs((first.values?.[k] ?? NaN) - (scored.values?.[i * (p + t) + p + j] ?? NaN))).toBeLessThan(2e-5);
          // Only the last token of a finished completion may be EOS.
          if (j < len - 1) expect(first.completions[k]).not.toBe(6);
        } else {
          expect(first.completions[k]).toBe(6);
          expect(first.logProbs[k]).toBe(0);
        }
      }
      if (len < t) expect(first.completions[i * t + len - 1]).toBe(6);
    }
    policy.dispose();
  });

  it('samples the first token with the frequencies of the softmax, and greedy takes the argmax', () => {
    const policy = makePolicy(9);
    const n = 3000;
    const prompts = new Int32Array(n).fill(2);
    const sampled = policy.generate({ prompts, count: n, promptLength: 1, maxNewTokens: 1, rng: new Rng(1) });
    const probs = referenceSteps(policy, [2]).logp[0].map(Math.exp);
    for (let a = 0; a < V; a++) {
      const hits = Array.from(sampled.completions, (x) => (x === a ? 1 : 0));
      const { mean } = meanAndSe(hits);
      // Binomial standard error of the expected frequency; 5 of them is a 1-in-10^6 miss.
      const se = Math.sqrt((probs[a] * (1 - probs[a])) / n);
      expect(Math.abs(mean - probs[a])).toBeLessThan(5 * se + 1e-9);
    }
    const greedy = policy.generate({ prompts: new Int32Array([2]), count: 1, promptLength: 1, maxNewTokens: 1, greedy: true });
    expect(greedy.completions[0]).toBe(probs.indexOf(Math.max(...probs)));
    policy.dispose();
  });

  it('round-trips its weights through serializeWeights into a policy built with another seed', () => {
    const a = makePolicy(1, true);
    const b = makePolicy(2, true);
    const seqs = randomSequences(new Rng(3), 2, 5);
    expect(Array.from(b.scoreSequences(seqs, 2, 5).logProbs)).not.toEqual(Array.from(a.scoreSequences(seqs, 2, 5).logProbs));
    deserializeWeights(serializeWeights(a), b);
    expect(Array.from(b.scoreSequences(seqs, 2, 5).logProbs)).toEqual(Array.from(a.scoreSequences(seqs, 2, 5).logProbs));
    expect(Object.keys(b.variables)).toEqual(Object.keys(a.variables));
    a.dispose();
    b.dispose();
  });

  it('trains by gradient descent on the log-likelihood without leaking tensors', () => {
    const policy = makePolicy(4);
    const seqs = tf.tensor2d(randomSequences(new Rng(5), 4, 5), [4, 5], 'int32');
    const optimizer = tf.train.adam(0.05);
    const nll = (): tf.Scalar => tf.neg(tf.mean<tf.Scalar>(policy.tokenLogProbs(seqs).logProbs));
    const before = tf.tidy(() => nll().dataSync()[0]);
    for (let i = 0; i < 5; i++) optimizer.minimize(nll, false, policy.trainableVariables);
    const after = tf.tidy(() => nll().dataSync()[0]);
    expect(after).toBeLessThan(before);
    optimizer.dispose();
    seqs.dispose();
    policy.dispose();
  });

  it('reads the ids of a token tensor once, not at every optimizer step; scoreSequences downloads once', () => {
    const policy = makePolicy(4, true);
    const wide = new TokenPolicy({ vocabSize: 12, embeddingSize: 3, hiddenSize: 4, seed: 1 });
    const seqs = tf.tensor2d(randomSequences(new Rng(5), 4, 5), [4, 5], 'int32');
    const optimizer = tf.train.sgd(0.01);
    const reads = vi.spyOn(tf.engine(), 'readSync');
    try {
      for (let i = 0; i < 3; i++) optimizer.minimize(() => tf.neg(tf.mean<tf.Scalar>(policy.tokenLogProbs(seqs).logProbs)), false, policy.trainableVariables);
      expect(reads).toHaveBeenCalledTimes(1);
      reads.mockClear();
      policy.scoreSequences(randomSequences(new Rng(6), 2, 5), 2, 5);
      expect(reads).toHaveBeenCalledTimes(1);
      // An id checked against a larger vocabulary is checked again against a smaller one.
      const big = tf.tensor2d([[1, 9]], [1, 2], 'int32');
      tf.dispose(tf.tidy(() => wide.tokenLogProbs(big).logProbs));
      expect(() => tf.tidy(() => policy.tokenLogProbs(big).logProbs)).toThrow(/TokenPolicy.tokenLogProbs: tokens must be ids in \[0, 7\), got 9 at flat index 1/);
      big.dispose();
    } finally {
      reads.mockRestore();
      optimizer.dispose();
      seqs.dispose();
      policy.dispose();
      wide.dispose();
    }
  });

  it('validates its arguments, naming them', () => {
    expect(() => new TokenPolicy({ vocabSize: 1 })).toThrow(/vocabSize must be at least 2, got 1/);
    expect(() => new TokenPolicy({ vocabSize: 4, hiddenSize: 0 })).toThrow(/hiddenSize must be a positive integer, got 0/);
    const policy = makePolicy(1);
    const rng = new Rng(1);
    expect(() => policy.generate({ prompts: new Int32Array(3), count: 2, promptLength: 2, maxNewTokens: 2, rng })).toThrow(/prompts must be an Int32Array of count \* promptLength = 4 ids, got length 3/);
    expect(() => policy.generate({ prompts: new Int32Array([9]), count: 1, promptLength: 1, maxNewTokens: 2, rng })).toThrow(/prompts must hold ids in \[0, 7\), got 9 at index 0/);
    expect(() => policy.generate({ prompts: new Int32Array([1]), count: 1, promptLength: 1, maxNewTokens: 2, rng, temperature: 0 })).toThrow(/temperature must be a finite number > 0, got 0/);
    expect(() => policy.generate({ prompts: new Int32Array([1]), count: 1, promptLength: 1, maxNewTokens: 2, rng, eosTokenId: 7 })).toThrow(/eosTokenId must be an id in \[0, 7\), got 7/);
    expect(() => policy.generate({ prompts: new Int32Array([1]), count: 1, promptLength: 1, maxNewTokens: 2 })).toThrow(/rng must be a RandomSource when sampling \(greedy false\), got undefined/);
    expect(() => policy.scoreSequences(new Int32Array([1, 8]), 1, 2)).toThrow(/tokens must be ids in \[0, 7\), got 8 at flat index 1/);
    expect(() => tf.tidy(() => policy.tokenLogProbs(tf.tensor2d([[1, -1]], [1, 2], 'int32')).logProbs)).toThrow(/TokenPolicy.tokenLogProbs: tokens must be ids in \[0, 7\), got -1 at flat index 1/);
    expect(() => tf.tidy(() => policy.tokenLogProbs(tf.tensor2d([[1, 2]], [1, 2], 'float32')).logProbs)).toThrow(/tokens must have dtype int32, got float32/);
    expect(() =>
      tf.tidy(() => policy.tokenLogProbs(tf.tensor2d([[1, 2]], [1, 2], 'int32'), { mask: tf.ones([1, 3]) }).logProbs),
    ).toThrow(/mask must be a tensor of shape \[1, 2\], got \[1, 3\]/);
    policy.dispose();
    expect(() => policy.scoreSequences(new Int32Array([1, 2]), 1, 2)).toThrow(/disposed/);
  });
});
