// @ts-check
/* global console */
// One recurrent-PPO reproduction run in its own process:
//   node recurrent/train.mjs --env CartPoleNoVel-v1 --policy lstm --seed 1 [--steps 500000] [--backend wasm]
// Appends every finished episode (global step, raw return, length) to
// results/recurrent/<env>-<policy>-seed<n>.csv as it happens and writes
// results/recurrent/<env>-<policy>-seed<n>.json (config, steps done, SPS, final mean returns)
// when the budget is done. Hyperparameters: RL Zoo's ppo_lstm settings, see CONFIGS.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { selectBackend } from '@ppo/nets';
import { PPO, StopOnReward } from '@ppo/trainer';

/**
 * RL Zoo's ppo_lstm CartPoleNoVel-v1 entry (n_envs 8, n_steps 32, batch_size 256 = one
 * minibatch, n_epochs 20, gamma 0.98, gae_lambda 0.8, ent_coef 0, lin_0.001 learning rate,
 * lin_0.2 clip range, VecNormalize on observations only, ortho_init False, ReLU,
 * lstm_hidden_size 64, net_arch pi=[64] vf=[64]); SB3's defaults for the rest (vf_coef 0.5,
 * max_grad_norm 0.5, no value clipping, Adam eps 1e-5, clip_obs 10). PendulumNoVel-v1 takes
 * RL Zoo's PPO Pendulum-v1 discounting and optimiser settings (gamma 0.9, gae_lambda 0.95,
 * n_epochs 10, lr 1e-3, no entropy bonus, actions clipped to the bounds) with the same network
 * and the same 64 x 16 rollout as CartPoleNoVel (2 minibatches of 32 env sequences).
 * One deviation on CartPoleNoVel: 64 envs x 16 steps instead of 8 x 32 (one minibatch of 1024
 * rows instead of 256). On networks this small every tfjs op costs about the same for 8 or 64
 * rows, and the update's cost grows with the sequence length, not the number of sequences, so
 * this rollout costs about as much to train on as RL Zoo's 256 steps: measured on wasm on the
 * loaded 2-core machine, ~70 env steps/s for 8 x 32 and ~330 for 64 x 16, which is what lets
 * 500k steps fit. 500k steps are 488 updates of 20 epochs, more than RL Zoo's 100k-step budget
 * (390 updates). 16-step sequences still let the gradient reach back far beyond the two
 * observations that determine the hidden velocities, and the state itself is carried across
 * rollouts (the update starts from the stored state).
 * The MLP runs change only `policy`.
 */
const CONFIGS = {
  'CartPoleNoVel-v1': {
    numEnvs: 64, numSteps: 16, numMinibatches: 1, updateEpochs: 20, gamma: 0.98, gaeLambda: 0.8, entCoef: 0,
    learningRate: 1e-3, annealLr: true, clipCoef: 0.2, annealClip: true, clipVloss: false, vfCoef: 0.5, maxGradNorm: 0.5,
    normalizeObservation: true, clipObservation: 10, orthogonalInit: false, activation: 'relu', hiddenSizes: [64], recurrentHiddenSize: 64,
  },
  'PendulumNoVel-v1': {
    numEnvs: 64, numSteps: 16, numMinibatches: 2, updateEpochs: 10, gamma: 0.9, gaeLambda: 0.95, entCoef: 0,
    learningRate: 1e-3, annealLr: false, clipCoef: 0.2, clipVloss: false, vfCoef: 0.5, maxGradNorm: 0.5, clipAction: true,
    normalizeObservation: true, clipObservation: 10, orthogonalInit: false, activation: 'relu', hiddenSizes: [64], recurrentHiddenSize: 64,
  },
};

const { values } = parseArgs({
  options: {
    env: { type: 'string', default: 'CartPoleNoVel-v1' },
    policy: { type: 'string', default: 'lstm' },
    seed: { type: 'string', default: '1' },
    steps: { type: 'string', default: '500000' },
    backend: { type: 'string', default: 'wasm' },
    'stop-at': { type: 'string' },
    out: { type: 'string', default: join(dirname(fileURLToPath(import.meta.url)), '..', 'results', 'recurrent') },
  },
  strict: true,
});
const env = /** @type {keyof typeof CONFIGS} */ (values.env);
if (!(env in CONFIGS)) throw new RangeError(`--env must be one of ${Object.keys(CONFIGS).join(', ')}, got ${env}`);
const policy = values.policy;
if (!['lstm', 'gru', 'mlp'].includes(policy ?? '')) throw new RangeError(`--policy must be lstm, gru or mlp, got ${policy}`);
const seed = Number(values.seed);
const steps = Number(values.steps);
if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`--seed must be a non-negative integer, got ${values.seed}`);
if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`--steps must be a positive integer, got ${values.steps}`);

// Stops once the mean raw return of the last 20 training episodes reaches this (RL Zoo's and
// Gymnasium's "solved" criterion for CartPole is 475); the step is recorded.
const stopAt = values['stop-at'] === undefined ? null : new StopOnReward({ threshold: Number(values['stop-at']), window: 20 });
const backend = await selectBackend(/** @type {'wasm' | 'cpu' | 'auto'} */ (values.backend));
mkdirSync(values.out, { recursive: true });
const base = join(values.out, `${env}-${policy}-seed${seed}`);
writeFileSync(`${base}.csv`, 'global_step,return,length\n');
const config = { ...CONFIGS[env], env, policy, seed, totalSteps: steps, checkpointEvery: 0 };
const ppo = await PPO.create({ config: /** @type {any} */ (config) });
/** @type {{ step: number, sps: number }[]} */
const spsLog = [];
const started = Date.now();
const returns = /** @type {number[]} */ ([]);
await ppo.train({
  callbacks: stopAt === null ? [] : [stopAt],
  loggers: [{
    log(step, metrics) {
      if ('charts/episodic_return' in metrics) {
        returns.push(metrics['charts/episodic_return']);
        appendFileSync(`${base}.csv`, `${step},${metrics['charts/episodic_return']},${metrics['charts/episodic_length']}\n`);
      }
      if ('charts/SPS' in metrics) spsLog.push({ step, sps: metrics['charts/SPS'] });
    },
  }],
});
const seconds = (Date.now() - started) / 1000;
const evaluation = await ppo.evaluate({ episodes: 10 });
const last = (n) => returns.slice(-n).reduce((a, b) => a + b, 0) / Math.min(n, returns.length);
writeFileSync(`${base}.json`, `${JSON.stringify({
  env, policy, seed, backend, config: ppo.config, globalStep: ppo.globalStep, seconds,
  sps: spsLog.length > 0 ? spsLog[spsLog.length - 1].sps : null,
  stopAt: stopAt === null ? null : { threshold: Number(values['stop-at']), window: 20, solvedAt: stopAt.solvedAt, solvedMean: stopAt.solvedMean },
  episodes: returns.length, meanReturnLast20: last(20), meanReturnLast100: last(100),
  deterministicEval: { mean: evaluation.mean, std: evaluation.std, episodes: evaluation.episodes },
}, null, 2)}\n`);
console.log(`${env} ${policy} seed ${seed}: ${ppo.globalStep} steps in ${seconds.toFixed(0)} s, last-20 mean ${last(20).toFixed(1)}, eval ${evaluation.mean.toFixed(1)}`);
await ppo.close();
