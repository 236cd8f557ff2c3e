import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ppo/utils';
import { describe, expect, it } from 'vitest';
import { BACKENDS, logSoftmax, useBackend, values } from './test-helpers';
import { tokenLogProbsFromLogits } from './token-log-probs';
import { TokenPolicy } from './token-policy';

/** Float64 reference: for each row and position j >= 1, log-softmax of the logits at j - 1 / T, picked at token j. */
function reference(logits: Float32Array, tokens: Int32Array, b: number, l: number, v: number, temperature: number) {
  const logProbs = new Float64Array(b * l);
  const entropy = new Float64Array(b * l);
  for (let i = 0; i < b; i++) {
    for (let j = 1; j < l; j++) {
      const row = Array.from(logits.subarray((i * l + j - 1) * v, (i * l + j) * v), (x) => x / temperature);
      const lp = logSoftmax(row);
      logProbs[i * l + j] = lp[tokens[i * l + j]];
      entropy[i * l + j] = -lp.reduce((s, x) => s + Math.exp(x) * x, 0);
    }
  }
  return { logProbs, entropy };
}

function expectNear(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let k = 0; k < expected.length; k++) expect(Math.abs(actual[k] - expected[k]), `index ${k}`).toBeLessThanOrEqual(tol * (1 + Math.abs(expected[k])));
}

describe.each(BACKENDS)('tokenLogProbsFromLogits on %s', (backend) => {
  useBackend(backend);

  it.each([
    [1, 2, 2, 1],
    [3, 5, 7, 1],
    [2, 4, 12, 0.7],
    [4, 3, 5, 2],
  ])('matches a float64 log-softmax picked at the next token (B %i, L %i, V %i, T %s)', (b, l, v, temperature) => {
    const rng = new Rng(b * 1000 + l * 100 + v);
    const logits = Float32Array.from({ length: b * l * v }, () => rng.normal(0, 2));
    const tokens = Int32Array.from({ length: b * l }, () => rng.nextInt(v));
    const want = reference(logits, tokens, b, l, v, temperature);
    const tl = tf.tensor3d(logits, [b, l, v]);
    const tt = tf.tensor2d(tokens, [b, l], 'int32');
    const out = tokenLogProbsFromLogits(tl, tt, { temperature });
    expectNear(values(out.logProbs), want.logProbs, 1e-5);
    expectNear(values(out.entropy), want.entropy, 1e-5);
    // The gradient of the sum of log-probs: one-hot minus softmax at each scoring position.
    const grad = tf.grad((x: tf.Tensor) => tf.sum(tokenLogProbsFromLogits(x as tf.Tensor3D, tt, { temperature }).logProbs))(tl);
    const g = values(grad);
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < l; j++) {
        const row = Array.from(logits.subarray((i * l + j) * v, (i * l + j + 1) * v), (x) => x / temperature);
        const p = logSoftmax(row).map(Math.exp);
        for (let a = 0; a < v; a++) {
          const want = j === l - 1 ? 0 : ((a === tokens[i * l + j + 1] ? 1 : 0) - p[a]) / temperature;
          expect(Math.abs(g[(i * l + j) * v + a] - want)).toBeLessThan(1e-5);
        }
      }
    }
    tf.dispose([tl, tt, out.logProbs, out.entropy, grad]);
  });

  it('zeroes masked positions and gives what TokenPolicy.tokenLogProbs gives on its own logits', () => {
    const policy = new TokenPolicy({ vocabSize: 6, hiddenSize: 8, embeddingSize: 4, seed: 2 });
    const tokens = tf.tensor2d([[1, 2, 3, 4], [5, 0, 1, 1]], [2, 4], 'int32');
    const mask = tf.tensor2d([[0, 1, 1, 0], [0, 1, 0, 0]]);
    const [a, b] = tf.tidy(() => {
      const mine = tokenLogProbsFromLogits(policy.forward(tokens).logits, tokens, { mask, temperature: 0.7 });
      const its = policy.tokenLogProbs(tokens, { mask, temperature: 0.7 });
      return [tf.stack([mine.logProbs, mine.entropy]), tf.stack([its.logProbs, its.entropy])];
    });
    expect(values(a)).toEqual(values(b));
    const m = values(mask);
    values(a).forEach((x, k) => expect(m[k % 8] === 0 ? x === 0 : x !== 0).toBe(true));
    tf.dispose([tokens, mask, a, b]);
    policy.dispose();
  });

  it('names a bad argument', () => {
    const logits = tf.zeros<tf.Rank.R3>([2, 3, 4]);
    const tokens = tf.zeros<tf.Rank.R2>([2, 3], 'int32');
    const short = tf.zeros<tf.Rank.R2>([2, 2], 'int32');
    const floats = tf.zeros<tf.Rank.R2>([2, 3]);
    const outside = tf.tensor2d([[0, 1, 4], [0, 0, 0]], [2, 3], 'int32');
    expect(() => tokenLogProbsFromLogits(tokens as unknown as tf.Tensor3D, tokens)).toThrow(/logits must be a float32 tensor \[B, L, V\], got int32 \[2, 3\]/);
    expect(() => tokenLogProbsFromLogits(logits, floats)).toThrow(/tokens must be an int32 tensor \[B, L\], got float32 \[2, 3\]/);
    expect(() => tokenLogProbsFromLogits(logits, short)).toThrow(/tokens must have shape \[2, 3\] \(the first two dimensions of logits\), got \[2, 2\]/);
    expect(() => tokenLogProbsFromLogits(logits, outside)).toThrow(/tokens must be ids in \[0, 4\), got 4 at flat index 2/);
    expect(() => tokenLogProbsFromLogits(logits, tokens, { temperature: 0 })).toThrow(/temperature must be a finite number > 0, got 0/);
    expect(() => tokenLogProbsFromLogits(logits, tokens, { mask: short })).toThrow(/mask must be a tensor of shape \[2, 3\], got int32 \[2, 2\]/);
    const one = tf.zeros<tf.Rank.R3>([2, 1, 4]);
    const oneTok = tf.zeros<tf.Rank.R2>([2, 1], 'int32');
    expect(() => tokenLogProbsFromLogits(one, oneTok)).toThrow(/L >= 2 positions/);
    tf.dispose([logits, tokens, short, floats, outside, one, oneTok]);
  });
});
