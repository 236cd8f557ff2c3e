// Throughput of the hot paths: adding steps, one epoch of minibatch gathering, building token
// batches. Run with `pnpm bench`; figures are printed, never asserted.
import { bench, describe } from 'vitest';
import { RolloutBuffer, Rng, TokenBatch, type RolloutStep, type TokenSequence } from '../src/index';

function stepFor(rng: Rng, numEnvs: number, observationSize: number, actionSize: number): RolloutStep {
  return {
    observations: rng.fillNormal(new Float32Array(numEnvs * observationSize)),
    actions: rng.fillNormal(new Float32Array(numEnvs * actionSize)),
    logProbs: rng.fillUniform(new Float32Array(numEnvs), -3, 0),
    values: rng.fillNormal(new Float32Array(numEnvs)),
    rewards: rng.fillNormal(new Float32Array(numEnvs)),
    terminated: new Uint8Array(numEnvs),
    truncated: new Uint8Array(numEnvs),
  };
}

function fullBuffer(numSteps: number, numEnvs: number, observationSize: number, actionSize: number): RolloutBuffer<'float32'> {
  const rng = new Rng(1);
  const buffer = new RolloutBuffer({ numSteps, numEnvs, observationSize, actionSize, actionType: 'float32' });
  const step = stepFor(rng, numEnvs, observationSize, actionSize);
  while (!buffer.isFull) buffer.add(step);
  rng.fillNormal(buffer.advantages);
  rng.fillNormal(buffer.returns);
  return buffer;
}

describe('add one step (validated copy)', () => {
  const rng = new Rng(2);
  const mujoco = new RolloutBuffer({ numSteps: 2048, numEnvs: 1, observationSize: 17, actionSize: 6, actionType: 'float32' });
  const mujocoStep = stepFor(rng, 1, 17, 6);
  bench('T=2048 N=1 D=17 A=6 (MuJoCo-like)', () => {
    if (mujoco.isFull) mujoco.reset();
    mujoco.add(mujocoStep);
  });
  const many = new RolloutBuffer({ numSteps: 128, numEnvs: 64, observationSize: 4, actionSize: 1, actionType: 'float32' });
  const manyStep = stepFor(rng, 64, 4, 1);
  bench('T=128 N=64 D=4 A=1', () => {
    if (many.isFull) many.reset();
    many.add(manyStep);
  });
});

describe('one epoch of shuffled minibatches (2048 rows)', () => {
  const mujoco = fullBuffer(2048, 1, 17, 6);
  const rng = new Rng(3);
  bench('32 minibatches of 64, D=17 A=6', () => {
    for (const mb of mujoco.minibatches({ minibatchSize: 64, rng })) void mb.size;
  });
  const wide = fullBuffer(32, 64, 376, 17);
  bench('4 minibatches of 512, D=376 A=17 (Humanoid-sized)', () => {
    for (const mb of wide.minibatches({ numMinibatches: 4, rng })) void mb.size;
  });
  const sequential = fullBuffer(128, 16, 17, 6);
  bench('sequential: 4 minibatches of 4 envs x 128 steps, D=17', () => {
    for (const mb of sequential.minibatches({ numMinibatches: 4, rng, mode: 'sequential' })) void mb.size;
  });
});

describe('TokenBatch.fromSequences', () => {
  const rng = new Rng(4);
  const sequences: TokenSequence[] = Array.from({ length: 64 }, (_, i) => {
    const c = 64 + rng.nextInt(384);
    return {
      prompt: Int32Array.from({ length: 64 }, () => rng.nextInt(32000)),
      completion: Int32Array.from({ length: c }, () => rng.nextInt(32000)),
      oldLogProbs: rng.fillUniform(new Float32Array(c), -5, 0),
      refLogProbs: rng.fillUniform(new Float32Array(c), -5, 0),
      reward: rng.nextFloat(),
      groupId: i >> 3,
    };
  });
  bench('B=64, prompt 64, completions 64..447 tokens', () => {
    TokenBatch.fromSequences(sequences, { groupSize: 8 });
  });
});
