/* global console */
// Steps to solve CartPole-v1 (mean of the last 20 episode returns >= 475) with the `classic`
// preset, per seed, on the built packages: the learning check that goes with every speed change.
//   node src/solve-cartpole.mjs [--seeds 1,2,3,4,5] [--backend wasm] [--general] [--perturb]
// --general forces the general (tfjs autodiff) update path. --perturb moves one weight of the
// initial policy by one float32 ulp: the same algorithm on a neighbouring trajectory, the control
// that shows how far two runs differing only in rounding drift apart. One JSON line per seed.
import { parseArgs } from 'node:util';
import { selectBackend } from '@ppo/nets';
import { PPO, StopOnReward } from '@ppo/trainer';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2,3,4,5' },
    backend: { type: 'string', default: 'wasm' },
    general: { type: 'boolean', default: false },
    perturb: { type: 'boolean', default: false },
  },
  strict: true,
});

/** Adds one ulp to the first element of the policy's first weight array. */
function perturbOneUlp(policy) {
  const weights = policy.getWeights();
  const first = weights.values().next().value;
  new Uint32Array(first.buffer, first.byteOffset, first.length)[0] += 1;
  policy.setWeights(weights);
}

await selectBackend(values.backend);
const path = (values.general ? 'general' : 'fused') + (values.perturb ? '-ulp' : '');
for (const seed of values.seeds.split(',').map(Number)) {
  const solved = new StopOnReward({ threshold: 475, window: 20 });
  const ppo = await PPO.create({ preset: 'classic', config: { env: 'CartPole-v1', seed, totalSteps: 500_000, checkpointEvery: 0 } });
  if (values.perturb) perturbOneUlp(ppo.policy);
  const started = Date.now();
  await ppo.train({ callbacks: [solved], fused: !values.general });
  console.log(JSON.stringify({ seed, backend: values.backend, path, solvedAt: solved.solvedAt, mean: solved.solvedMean, seconds: (Date.now() - started) / 1000 }));
  await ppo.close();
}
