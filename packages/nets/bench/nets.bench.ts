// Throughput of act and of one PPO-style minibatch update (forward, backward, Adam), per
// backend, for the two standard 64-64 MLP shapes. Run with `pnpm bench`; not a test.
import { Rng } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import { bench, describe } from 'vitest';
import { ActorCritic, type ActionSpaceSpec } from '../src/actor-critic';
import { selectBackend } from '../src/backend';

const CASES: { label: string; observationSize: number; actionSpace: ActionSpaceSpec }[] = [
  { label: '4 obs / 2 discrete', observationSize: 4, actionSpace: { type: 'discrete', n: 2 } },
  {
    label: '17 obs / 6 continuous',
    observationSize: 17,
    actionSpace: { type: 'box', shape: [6], low: new Array<number>(6).fill(-1), high: new Array<number>(6).fill(1) },
  },
];
const BACKENDS = ['cpu', 'wasm'] as const;
const OPTIONS = { time: 1500, warmupTime: 300 };

function randomArray(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal(0, 1));
}

for (const backend of BACKENDS) {
  for (const c of CASES) {
    describe(`${backend}: ${c.label}`, () => {
      for (const batch of [1, 8, 64]) {
        let policy: ActorCritic | null = null;
        const rng = new Rng(1);
        const obs = randomArray(rng, batch * c.observationSize);
        bench(
          `act batch ${batch}`,
          () => {
            (policy as ActorCritic).act(obs, batch, rng);
          },
          {
            ...OPTIONS,
            setup: async () => {
              await selectBackend(backend);
              policy ??= new ActorCritic({ observationSize: c.observationSize, actionSpace: c.actionSpace, seed: 1 });
            },
            teardown: () => {
              policy?.dispose();
              policy = null;
            },
          },
        );
      }
      for (const minibatch of [64, 512]) {
        let state: { policy: ActorCritic; optimizer: tf.AdamOptimizer; tensors: tf.Tensor[] } | null = null;
        bench(
          `update minibatch ${minibatch}`,
          () => {
            const { policy, optimizer, tensors } = state as NonNullable<typeof state>;
            const [obs, actions, oldLogProbs, advantages, returns] = tensors;
            tf.tidy(() => {
              optimizer.minimize(
                () => {
                  const { logProbs, entropy, values } = policy.evaluate(obs as tf.Tensor2D, actions);
                  const ratio = tf.exp(tf.sub(logProbs, oldLogProbs));
                  const surrogate = tf.minimum(tf.mul(ratio, advantages), tf.mul(tf.clipByValue(ratio, 0.8, 1.2), advantages));
                  const valueLoss = tf.mean(tf.square(tf.sub(values, returns)));
                  return tf.sum(tf.add(tf.neg(tf.mean(surrogate)), tf.sub(tf.mul(0.5, valueLoss), tf.mul(0.01, tf.mean(entropy)))));
                },
                false,
                policy.trainableVariables,
              );
            });
          },
          {
            ...OPTIONS,
            setup: async () => {
              await selectBackend(backend);
              if (state !== null) return;
              const rng = new Rng(2);
              const policy = new ActorCritic({ observationSize: c.observationSize, actionSpace: c.actionSpace, seed: 1 });
              const obsData = randomArray(rng, minibatch * c.observationSize);
              const acted = policy.act(obsData, minibatch, rng);
              const actions =
                policy.actionType === 'int32'
                  ? tf.tensor1d(acted.actions as Int32Array, 'int32')
                  : tf.tensor2d(acted.actions, [minibatch, policy.actionSize]);
              state = {
                policy,
                optimizer: tf.train.adam(3e-4, 0.9, 0.999, 1e-5),
                tensors: [
                  tf.tensor2d(obsData, [minibatch, c.observationSize]),
                  actions,
                  tf.tensor1d(acted.logProbs),
                  tf.tensor1d(randomArray(rng, minibatch)),
                  tf.tensor1d(randomArray(rng, minibatch)),
                ],
              };
            },
            teardown: () => {
              if (state === null) return;
              tf.dispose(state.tensors);
              state.optimizer.dispose();
              state.policy.dispose();
              state = null;
            },
          },
        );
      }
    });
  }
}
