import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ppo/utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClipPpoObjective, KlPenaltyPpoObjective, type ObjectiveBatch } from './objective';
import { makeBatch, makeValues, refClipped, refKlPenalty, refNormalize, refValueLoss } from './test-references';
import { BACKENDS, expectClose, refMean, runNoLeak, tolerance, useBackend } from './test-utils';

const N = 48;

function makeData(seed: number) {
  const { old, lp, adv } = makeBatch(seed, N, 0.2, 0.2);
  const values = makeValues(seed + 1000, N, 0.2);
  const rng = new Rng(seed + 2000);
  const entropy = Float32Array.from({ length: N }, () => rng.uniform(0.1, 1.5));
  return { old, lp, adv, v: values.v, oldV: values.old, ret: values.ret, entropy };
}

type Data = ReturnType<typeof makeData>;

function batchOf(d: Data): ObjectiveBatch {
  return {
    logProbs: tf.tensor1d(d.lp),
    entropy: tf.tensor1d(d.entropy),
    values: tf.tensor1d(d.v),
    oldLogProbs: tf.tensor1d(d.old),
    oldValues: tf.tensor1d(d.oldV),
    advantages: tf.tensor1d(d.adv),
    returns: tf.tensor1d(d.ret),
  };
}

const METRICS = ['policyLoss', 'valueLoss', 'entropy', 'oldApproxKl', 'approxKl', 'clipFraction'];

describe.each(BACKENDS)('objectives on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each([
    { progress: 0, normalize: true, clipValueLoss: true },
    { progress: 0.5, normalize: false, clipValueLoss: false },
  ])('ClipPpoObjective matches the float64 reference with a scheduled clip range (progress $progress)', ({ progress, normalize, clipValueLoss }) => {
    const d = makeData(3);
    const batch = batchOf(d);
    const objective = new ClipPpoObjective({ clipRange: (p) => 0.3 - 0.2 * p, clipValueLoss, normalizeAdvantages: normalize, vfCoef: 0.5, entCoef: 0.01 });
    const clip = 0.3 - 0.2 * progress;
    expect(objective.hyperparameters({ progress })).toEqual({ clipRange: clip });
    const out = runNoLeak(() => objective.compute(batch, { progress }));
    expect(Object.keys(out).sort()).toEqual(['loss', ...METRICS].sort());
    const adv = normalize ? refNormalize(d.adv) : d.adv;
    const policy = refClipped(d.lp, d.old, adv, clip, clip);
    const value = refValueLoss(d.v, d.ret, d.oldV, clipValueLoss ? clip : undefined);
    const entropy = refMean(d.entropy);
    const tol = tolerance('value');
    expectClose(out.policyLoss, policy.loss, tol, 'policyLoss');
    expectClose(out.clipFraction, policy.clipFraction, tol, 'clipFraction');
    expectClose(out.valueLoss, value, tol, 'valueLoss');
    expectClose(out.loss, policy.loss + 0.5 * value - 0.01 * entropy, tol, 'loss');
    tf.dispose(Object.values(batch));
  });

  it('KlPenaltyPpoObjective matches the reference, adapts beta after an update and round-trips its state', () => {
    const d = makeData(5);
    const batch = batchOf(d);
    const objective = new KlPenaltyPpoObjective({ klTarget: 0.01, initialBeta: 0.7, clipRange: 0.2, vfCoef: 0.5, entCoef: 0.01 });
    const out = runNoLeak(() => objective.compute(batch, { progress: 0 }));
    expect(Object.keys(out).sort()).toEqual(['loss', ...METRICS].sort());
    const adv = refNormalize(d.adv);
    const penalty = refKlPenalty(d.lp, d.old, adv, 0.7, 'k3');
    const value = refValueLoss(d.v, d.ret, d.oldV, 0.2);
    const tol = tolerance('value');
    expectClose(out.policyLoss, penalty.policyLoss, tol, 'policyLoss');
    expectClose(out.approxKl, penalty.kl, tol, 'approxKl');
    expectClose(out.clipFraction, refClipped(d.lp, d.old, adv, 0.2, 0.2).clipFraction, tol, 'clipFraction');
    expectClose(out.loss, penalty.loss + 0.5 * value - 0.01 * refMean(d.entropy), tol, 'loss');

    // The whole-rollout k3 KL here is well above 1.5 * 0.01, so beta doubles.
    const before = tf.memory().numTensors;
    const after = objective.afterUpdate(() => ({ logProbs: batch.logProbs, oldLogProbs: batch.oldLogProbs }));
    expect(tf.memory().numTensors).toBe(before);
    expect(after.klAfterUpdate).toBeCloseTo(penalty.kl, 5);
    expect(after.klBeta).toBe(1.4);
    expect(objective.getState()).toEqual({ beta: 1.4 });
    const restored = new KlPenaltyPpoObjective({ klTarget: 0.01 });
    restored.setState(objective.getState());
    expect(restored.beta).toBe(1.4);
    expect(() => restored.setState({ beta: -1 })).toThrow(/state\.beta/);

    // A NaN KL is reported and leaves beta alone.
    const nan = tf.fill([N], Number.NaN);
    expect(objective.afterUpdate(() => ({ logProbs: nan as tf.Tensor1D, oldLogProbs: batch.oldLogProbs }))).toEqual({ klAfterUpdate: Number.NaN });
    expect(objective.beta).toBe(1.4);
    nan.dispose();
    tf.dispose(Object.values(batch));
  });

  it('rejects bad options with the argument named', () => {
    expect(() => new ClipPpoObjective({ clipRange: 0 })).toThrow(/ClipPpoObjective: clipRange/);
    expect(() => new ClipPpoObjective({ vfCoef: -1 })).toThrow(/ClipPpoObjective: vfCoef/);
    expect(() => new KlPenaltyPpoObjective({ initialBeta: 0 })).toThrow(/initialBeta/);
    const scheduled = new ClipPpoObjective({ clipRange: () => Number.NaN });
    expect(() => scheduled.hyperparameters({ progress: 0 })).toThrow(/ClipPpoObjective: clipRange/);
  });
});
