import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { RolloutBuffer } from '@ppo/buffers';
import { Adam, ClipPpoObjective, KlPenaltyPpoObjective, type HostPpoBatch, type ObjectiveBatch } from '@ppo/core';
import { ActorCritic, selectBackend, type ActionSpaceSpec } from '@ppo/nets';
import { Rng } from '@ppo/utils';
import { fusedUpdate } from './fused-update';
import { ppoUpdate, type PpoUpdateOptions } from './ppo-update';

const T = 16;
const N = 4;

const SPACES: [string, ActionSpaceSpec, number][] = [
  ['discrete', { type: 'discrete', n: 2 }, 4],
  ['box', { type: 'box', shape: [2], low: [-1, -1], high: [1, 1] }, 3],
];

function makePolicy(actionSpace: ActionSpaceSpec, observationSize: number): ActorCritic {
  return new ActorCritic({ observationSize, actionSpace, hiddenSizes: [16, 16], seed: 11 });
}

/** A rollout acted by `policy` on random observations, with random advantages and returns. */
function rollout(policy: ActorCritic, seed: number): RolloutBuffer {
  const rng = new Rng(seed);
  const d = policy.observationSize;
  const buffer = new RolloutBuffer({ numSteps: T, numEnvs: N, observationSize: d, actionSize: policy.actionSize, actionType: policy.actionType });
  for (let t = 0; t < T; t++) {
    const observations = Float32Array.from({ length: N * d }, () => rng.normal(0, 1));
    const out = policy.act(observations, N, rng);
    buffer.add({ observations, actions: out.actions, logProbs: out.logProbs, values: out.values, rewards: [1, 1, 1, 1], terminated: [0, 0, 0, 0], truncated: [0, 0, 0, 0] });
  }
  buffer.bootstrapNextValues([0, 0, 0, 0]);
  for (let k = 0; k < T * N; k++) {
    buffer.advantages[k] = rng.normal(0, 1);
    buffer.returns[k] = buffer.values[k] + rng.normal(0, 0.5);
  }
  return buffer;
}

function update(policy: ActorCritic, optimizer: Adam, buffer: RolloutBuffer, extra: Partial<PpoUpdateOptions> = {}): Record<string, number> {
  return ppoUpdate({
    policy,
    buffer,
    objective: new ClipPpoObjective({ entCoef: 0.01 }),
    optimizer,
    rng: new Rng(3),
    epochs: 4,
    numMinibatches: 4,
    learningRate: 2.5e-4,
    maxGradNorm: 0.5,
    context: { progress: 0 },
    ...extra,
  });
}

function flatWeights(policy: ActorCritic): Float32Array[] {
  return policy.trainableVariables.map((v) => Float32Array.from(v.dataSync()));
}

function distance(a: Float32Array[], b: Float32Array[]): number {
  let s = 0;
  a.forEach((x, k) => x.forEach((v, i) => (s += (v - b[k][i]) ** 2)));
  return Math.sqrt(s);
}

describe.each(['cpu', 'wasm'] as const)('the fused update on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend(backend);
  });

  it.each(SPACES)('%s: one full update agrees with the general path (tfjs autodiff)', (_name, space, d) => {
    const fast = makePolicy(space, d);
    const general = makePolicy(space, d);
    const start = flatWeights(fast);
    const buffer = rollout(fast, 5);
    const fastAdam = new Adam(fast.trainableVariables);
    const generalAdam = new Adam(general.trainableVariables);
    const before = tf.memory().numTensors;
    const a = update(fast, fastAdam, buffer);
    // The fused path leaves no tensors behind (its commit replaces each variable's value).
    expect(tf.memory().numTensors).toBe(before);
    const b = update(general, generalAdam, buffer, { fused: false });
    expect(Object.keys(a)).toEqual(Object.keys(b));
    for (const name of Object.keys(b)) {
      expect(Math.abs(a[name] - b[name]), name).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(b[name])));
    }
    // 16 Adam steps: the two runs differ by float32 rounding, far less than the update moved.
    const moved = distance(flatWeights(general), start);
    expect(moved).toBeGreaterThan(1e-3);
    expect(distance(flatWeights(fast), flatWeights(general))).toBeLessThan(1e-3 * moved);
    expect(fastAdam.step).toBe(16);
    for (const x of [fastAdam, generalAdam, fast, general]) x.dispose();
  });

  it.each(SPACES)('%s: the next rollout is acted by the updated weights (first minibatch ratio 1, act = evaluate)', (_name, space, d) => {
    const policy = makePolicy(space, d);
    const adam = new Adam(policy.trainableVariables);
    update(policy, adam, rollout(policy, 6));
    update(policy, adam, rollout(policy, 7));
    // Acted from a stale weight cache, the old log-probs would come from the previous policy.
    const next = rollout(policy, 8);
    const first = update(policy, adam, next, { epochs: 1, numMinibatches: 1 });
    expect(first.approxKl).toBeLessThan(1e-9);
    expect(first.clipFraction).toBe(0);
    // The buffer's log-probs and values (from act, before that step) against evaluate on the same weights.
    const rng = new Rng(9);
    const observations = Float32Array.from({ length: N * d }, () => rng.normal(0, 1));
    const acted = policy.act(observations, N, rng);
    const values = policy.predictValues(observations, N);
    const scored = tf.tidy(() => {
      const actions = acted.actions instanceof Int32Array ? tf.tensor1d(acted.actions, 'int32') : tf.tensor2d(acted.actions, [N, policy.actionSize]);
      const r = policy.evaluate(tf.tensor2d(observations, [N, d]), actions);
      return { logProbs: r.logProbs.dataSync().slice(), values: r.values.dataSync().slice() };
    });
    for (let i = 0; i < N; i++) {
      expect(Math.abs(acted.logProbs[i] - scored.logProbs[i]), `log-prob ${i}`).toBeLessThan(1e-5);
      expect(Math.abs(acted.values[i] - scored.values[i]), `value ${i}`).toBeLessThan(1e-5);
      expect(Math.abs(values[i] - scored.values[i]), `predicted value ${i}`).toBeLessThan(1e-5);
    }
    adam.dispose();
    policy.dispose();
  });

  it('resumes exactly: weights and Adam moments restored into new objects continue bitwise', () => {
    const [, space, d] = SPACES[0];
    const straight = makePolicy(space, d);
    const buffers = [rollout(straight, 1), rollout(straight, 2)];
    const adam = new Adam(straight.trainableVariables);
    update(straight, adam, buffers[0]);
    const saved = { weights: straight.getWeights(), adam: adam.getState() };
    update(straight, adam, buffers[1]);

    const resumed = makePolicy(space, d);
    resumed.setWeights(saved.weights);
    const resumedAdam = new Adam(resumed.trainableVariables);
    resumedAdam.setState(saved.adam);
    update(resumed, resumedAdam, buffers[1]);
    expect(flatWeights(resumed)).toEqual(flatWeights(straight));
    expect(resumedAdam.getState()).toEqual(adam.getState());
    for (const x of [adam, resumedAdam, straight, resumed]) x.dispose();
  });
});

describe('which components take the fused path', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('only the standard ones; fused: false and any other component take the general path', () => {
    const [, space, d] = SPACES[0];
    const policy = makePolicy(space, d);
    const adam = new Adam(policy.trainableVariables);
    class Custom extends ClipPpoObjective {
      override compute(batch: ObjectiveBatch, context: { progress: number }) {
        return super.compute(batch, context);
      }
    }
    expect(fusedUpdate(policy, new ClipPpoObjective(), adam)).not.toBeNull();
    expect(fusedUpdate(policy, new Custom(), adam)).toBeNull();
    // A subclass that overrides compute and the host computation together keeps the fused path.
    class CustomBoth extends ClipPpoObjective {
      override compute(batch: ObjectiveBatch, context: { progress: number }) {
        return super.compute(batch, context);
      }
      override computeOnHost(batch: HostPpoBatch, context: { progress: number }) {
        return super.computeOnHost(batch, context);
      }
    }
    expect(fusedUpdate(policy, new CustomBoth(), adam)).not.toBeNull();
    expect(fusedUpdate(policy, new KlPenaltyPpoObjective(), adam)).toBeNull();
    const reversed = new Adam([...policy.trainableVariables].reverse());
    expect(fusedUpdate(policy, new ClipPpoObjective(), reversed)).toBeNull();
    const squashed = new ActorCritic({ observationSize: 2, actionSpace: { type: 'box', shape: [1], low: [-1], high: [1] }, continuous: 'tanh-gaussian', seed: 1 });
    expect(fusedUpdate(squashed, new ClipPpoObjective(), new Adam(squashed.trainableVariables))).toBeNull();

    // A subclass's own compute runs (the general path), and fused: false forces it for the standard objective.
    const buffer = rollout(policy, 4);
    const custom = new Custom();
    const seen = vi.spyOn(custom, 'compute');
    update(policy, adam, buffer, { objective: custom });
    expect(seen).toHaveBeenCalledTimes(16);
    // Spied on the class: a spy on the instance would replace its compute, which the fused path refuses.
    const standard = new ClipPpoObjective();
    const computed = vi.spyOn(ClipPpoObjective.prototype, 'compute');
    update(policy, adam, buffer, { objective: standard });
    expect(computed).not.toHaveBeenCalled();
    update(policy, adam, buffer, { objective: standard, fused: false });
    expect(computed).toHaveBeenCalledTimes(16);
    computed.mockRestore();
    for (const x of [adam, reversed, policy, squashed]) x.dispose();
  });
});
