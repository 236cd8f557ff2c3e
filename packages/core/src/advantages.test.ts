import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ppo/utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeAdvantages } from './advantages';
import { refNormalize } from './test-references';
import { BACKENDS, expectClose, runNoLeak, tolerance, useBackend } from './test-utils';

describe.each(BACKENDS)('normalizeAdvantages on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('matches (A - mean) / (unbiased std + eps), with and without a mask', () => {
    const rng = new Rng(3);
    const adv = Float32Array.from({ length: 37 }, () => rng.normal(5, 3));
    const mask = Array.from({ length: 37 }, (_, i) => (i % 4 === 1 ? 0 : 1));
    const [tAdv, tMask] = [tf.tensor1d(adv), tf.tensor1d(mask)];
    const plain = runNoLeak(() => normalizeAdvantages(tAdv));
    expectClose(plain.result, refNormalize(adv), tolerance('value'), 'plain');
    const masked = runNoLeak(() => normalizeAdvantages(tAdv, { mask: tMask, epsilon: 1e-3 }));
    expectClose(masked.result, refNormalize(adv, 1e-3, mask), tolerance('value'), 'masked');
    tf.dispose([tAdv, tMask]);
  });

  it('stays finite for a single element and for a constant batch', () => {
    const one = tf.tensor1d([3]);
    const same = tf.tensor1d([2, 2, 2]);
    expect(runNoLeak(() => normalizeAdvantages(one)).result).toEqual([0]);
    expect(runNoLeak(() => normalizeAdvantages(same)).result.every((v) => v === 0)).toBe(true);
    tf.dispose([one, same]);
  });

  it('validates epsilon and the mask', () => {
    const a = tf.tensor1d([1, 2, 3]);
    const m = tf.tensor1d([1, 0]);
    expect(() => normalizeAdvantages(a, { epsilon: 0 })).toThrow(/normalizeAdvantages: epsilon must be > 0, got 0/);
    expect(() => normalizeAdvantages(a, { mask: m })).toThrow(/normalizeAdvantages: mask must have the shape/);
    tf.dispose([a, m]);
  });
});
