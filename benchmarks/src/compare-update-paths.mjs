/* global console */
// How far the fused host update and the general (tfjs autodiff) update differ, update by update,
// along one CartPole-v1 `classic` training run: before every update both paths run from the same
// weights, optimizer state and minibatch order (restored between them), then the run takes its
// own update and goes on. Per update: the relative distance between the two weight steps
// (|fused - general| / |general|), the ratio of their lengths and 1 - their cosine.
//   node src/compare-update-paths.mjs [--seeds 1,2,3] [--along fused|general] [--updates 400] [--backend wasm]
// Prints one JSON line per seed with the distribution of each measure.
import { parseArgs } from 'node:util';
import { selectBackend } from '@ppo/nets';
import { Rng } from '@ppo/utils';
import { collectRollout, PPO, ppoUpdate, StopOnReward } from '@ppo/trainer';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2,3' },
    along: { type: 'string', default: 'fused' },
    updates: { type: 'string', default: '400' },
    backend: { type: 'string', default: 'wasm' },
  },
  strict: true,
});
if (values.along !== 'fused' && values.along !== 'general') throw new RangeError(`--along must be fused or general, got ${values.along}`);
const maxUpdates = Number(values.updates);
if (!Number.isInteger(maxUpdates) || maxUpdates < 1) throw new RangeError(`--updates must be a positive integer, got ${values.updates}`);

const flat = (policy) => policy.trainableVariables.flatMap((v) => Array.from(v.dataSync()));

/** The weight step of one update on `path`, from the trainer's current state, which is then restored. */
function stepOn(ppo, buffer, path, context) {
  const weights = ppo.policy.getWeights();
  const optimizerState = ppo.optimizer.getState();
  const before = flat(ppo.policy);
  const config = ppo.config;
  ppoUpdate({
    policy: ppo.policy, buffer, objective: ppo.objective, optimizer: ppo.optimizer, rng: new Rng(context.update + 1),
    epochs: config.updateEpochs, numMinibatches: config.numMinibatches,
    learningRate: config.annealLr ? (1 - context.progress) * config.learningRate : config.learningRate,
    maxGradNorm: config.maxGradNorm, targetKl: config.targetKl, context: { progress: context.progress }, fused: path === 'fused',
  });
  const after = flat(ppo.policy);
  ppo.policy.setWeights(weights);
  ppo.optimizer.setState(optimizerState);
  return after.map((x, i) => x - before[i]);
}

function quantiles(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: at(0.5), p99: at(0.99), max: s[s.length - 1] };
}

await selectBackend(values.backend);
for (const seed of values.seeds.split(',').map(Number)) {
  const ppo = await PPO.create({ preset: 'classic', config: { env: 'CartPole-v1', seed, totalSteps: 500_000, checkpointEvery: 0 } });
  let buffer = null;
  const relativeDistance = [];
  const lengthRatio = [];
  const oneMinusCosine = [];
  await ppo.train({
    fused: values.along === 'fused',
    collect: async (options, position) => {
      buffer = options.buffer;
      return collectRollout(options, position);
    },
    callbacks: [
      new StopOnReward({ threshold: 475, window: 20 }),
      {
        onRolloutEnd: (context) => {
          const progress = { update: context.update, progress: context.update / context.numUpdates };
          const fused = stepOn(ppo, buffer, 'fused', progress);
          const general = stepOn(ppo, buffer, 'general', progress);
          let ff = 0, gg = 0, fg = 0, dd = 0;
          for (let i = 0; i < fused.length; i++) {
            ff += fused[i] ** 2; gg += general[i] ** 2; fg += fused[i] * general[i]; dd += (fused[i] - general[i]) ** 2;
          }
          relativeDistance.push(Math.sqrt(dd / gg));
          lengthRatio.push(Math.sqrt(ff / gg));
          oneMinusCosine.push(1 - fg / Math.sqrt(ff * gg));
        },
        onUpdateEnd: (context) => {
          if (context.update >= maxUpdates) context.stop();
        },
      },
    ],
  });
  const n = lengthRatio.length;
  const meanRatio = lengthRatio.reduce((a, b) => a + b, 0) / n;
  const sdRatio = Math.sqrt(lengthRatio.reduce((a, b) => a + (b - meanRatio) ** 2, 0) / (n - 1));
  console.log(JSON.stringify({
    seed, along: values.along, backend: values.backend, updates: n, solvedAtUpdate: ppo.update < maxUpdates ? ppo.update : null,
    relativeDistance: quantiles(relativeDistance), oneMinusCosine: quantiles(oneMinusCosine),
    lengthRatioMinusOne: { mean: meanRatio - 1, standardError: sdRatio / Math.sqrt(n), median: quantiles(lengthRatio).median - 1 },
  }));
  await ppo.close();
}
