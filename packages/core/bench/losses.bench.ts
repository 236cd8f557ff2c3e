// Loss forward + backward throughput on the cpu and wasm backends (not a test: no assertions).
// Run with `pnpm bench`; sizes are CleanRL's continuous-control minibatch (64) and a small GRPO
// batch (16 completions x 256 tokens).
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ppo/utils';
import { selectBackend } from '@ppo/nets';
import { bench, describe } from 'vitest';
import { grpoLoss, ppoLoss } from '../src/index';

function randomTensor(rng: Rng, shape: number[], mean: number, std: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => rng.normal(mean, std)), shape);
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(backend, () => {
    const rng = new Rng(1);
    let ppo: Record<string, tf.Tensor> = {};
    let grpo: Record<string, tf.Tensor> = {};
    // tinybench runs `setup` before each task's warm-up and measured run.
    const setup = async (): Promise<void> => {
      await selectBackend(backend);
      tf.dispose([...Object.values(ppo), ...Object.values(grpo)]);
      const n = [64];
      ppo = {
        logProbs: randomTensor(rng, n, -1, 0.5),
        oldLogProbs: randomTensor(rng, n, -1, 0.5),
        advantages: randomTensor(rng, n, 0, 1),
        values: randomTensor(rng, n, 0, 1),
        oldValues: randomTensor(rng, n, 0, 1),
        returns: randomTensor(rng, n, 0, 1),
        entropy: randomTensor(rng, n, 1, 0.1),
      };
      const bl = [16, 256];
      grpo = {
        logProbs: randomTensor(rng, bl, -2, 0.5),
        oldLogProbs: randomTensor(rng, bl, -2, 0.5),
        refLogProbs: randomTensor(rng, bl, -2, 0.5),
        advantages: randomTensor(rng, [16], 0, 1),
        mask: tf.ones(bl),
      };
    };

    bench(`ppoLoss value + gradients, minibatch 64 (${backend})`, () => {
      const { logProbs, values, entropy, ...rest } = ppo;
      const g = tf.grads((lp: tf.Tensor, v: tf.Tensor, h: tf.Tensor) =>
        ppoLoss({
          oldLogProbs: rest.oldLogProbs,
          advantages: rest.advantages,
          oldValues: rest.oldValues,
          returns: rest.returns,
          logProbs: lp,
          values: v,
          entropy: h,
          clipRange: 0.2,
          clipRangeVf: 0.2,
          entCoef: 0.01,
          normalizeAdvantages: true,
        }).loss,
      )([logProbs, values, entropy]);
      g[0].dataSync();
      tf.dispose(g);
    }, { setup });

    bench(`grpoLoss value + gradient, 16 x 256 tokens (${backend})`, () => {
      const { logProbs, ...rest } = grpo;
      const g = tf.grad((lp: tf.Tensor) =>
        grpoLoss({
          oldLogProbs: rest.oldLogProbs,
          refLogProbs: rest.refLogProbs,
          advantages: rest.advantages,
          mask: rest.mask,
          logProbs: lp,
          clipRange: 0.2,
          beta: 0.04,
          aggregation: 'sequence-mean',
        }).loss,
      )(logProbs);
      g.dataSync();
      g.dispose();
    }, { setup });
  });
}
