/* global console, process */
// One benchmark job, run in its own Node process by run.mjs so that each measurement starts
// from a fresh engine and its peak RSS is its own. Usage: node job.mjs '<job JSON>'.
// Prints one line: `RESULT <json>`. A job's `size` is 'full' (the default), 'quick' or 'smoke'
// (tiny counts that only check the job runs).
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ppo/buffers';
import { make, SyncVectorEnv } from '@ppo/envs';
import { AsyncVectorEnv } from '@ppo/envs/node';
import { initMujoco, registerMujocoEnvs } from '@ppo/envs-mujoco';
import { ActorCritic, selectBackend } from '@ppo/nets';
import { PPO, resolveConfig } from '@ppo/trainer';
import { mainThreadSeconds } from './proc-stat.mjs';
import { leastSquaresSlope, median } from './stats.mjs';

/**
 * CPU time of this process (user + system, all its threads) in seconds. Besides the main thread
 * that runs the training loop, V8's garbage-collector and compiler threads add to it (about a
 * third of a core in the training jobs), so a rate per CPU-second is below the rate an idle
 * machine gives; it is the steadier figure for comparing builds on a shared machine.
 */
function cpuSeconds() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** The count for the job's size. */
function bySize(size, counts) {
  return counts[size ?? 'full'];
}

async function withMujoco() {
  await initMujoco();
  registerMujocoEnvs();
}

/** Env steps per second of `env` under uniformly random actions, drawn before timing. */
async function stepRate(env, steps, rounds) {
  const rng = new Rng(7);
  const space = env.singleActionSpace;
  const discrete = space.toJSON().type === 'discrete';
  if (!discrete && space.toJSON().type !== 'box') throw new TypeError('stepRate handles discrete and box action spaces');
  const batches = Array.from({ length: 64 }, () => {
    const out = discrete ? new Int32Array(env.numEnvs) : new Float32Array(env.numEnvs * env.actionSize);
    for (let i = 0; i < env.numEnvs; i++) {
      const action = space.sample(rng);
      if (discrete) out[i] = action;
      else out.set(action, i * env.actionSize);
    }
    return out;
  });
  env.reset({ seed: 1 });
  for (let t = 0; t < Math.min(steps, 200); t++) env.step(batches[t % batches.length]);
  const rates = [];
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    for (let t = 0; t < steps; t++) env.step(batches[t % batches.length]);
    rates.push((steps * env.numEnvs) / ((performance.now() - started) / 1000));
  }
  await env.close();
  return { value: median(rates), unit: 'env steps/s' };
}

const JOBS = {
  // Which backend selectBackend('auto') picks on this machine; run.mjs asks once per suite.
  async 'default-backend'() {
    return { value: null, unit: 'backend', backendUsed: await selectBackend('auto') };
  },
  async 'env-cartpole-sync64'({ size }) {
    const env = new SyncVectorEnv(Array.from({ length: 64 }, () => () => make('CartPole-v1')));
    return stepRate(env, bySize(size, { full: 1000, quick: 200, smoke: 20 }), bySize(size, { full: 5, quick: 3, smoke: 1 }));
  },
  async 'env-halfcheetah-single'({ size }) {
    await withMujoco();
    const env = new SyncVectorEnv([() => make('HalfCheetah-v5')]);
    return stepRate(env, bySize(size, { full: 2000, quick: 500, smoke: 20 }), bySize(size, { full: 5, quick: 3, smoke: 1 }));
  },
  async 'env-halfcheetah-async2'({ size }) {
    await withMujoco();
    const env = await AsyncVectorEnv.create({
      envId: 'HalfCheetah-v5',
      numEnvs: 2,
      numWorkers: 2,
      // The worker threads register the MuJoCo envs themselves (the entry is ESM-only).
      modules: [fileURLToPath(import.meta.resolve('@ppo/envs-mujoco/register'))],
    });
    return stepRate(env, bySize(size, { full: 2000, quick: 500, smoke: 20 }), bySize(size, { full: 5, quick: 3, smoke: 1 }));
  },
  async act({ backend, batch, size }) {
    await selectBackend(backend);
    // The classic preset's network: CartPole observations, two actions, separate 64-64 tanh MLPs.
    const net = new ActorCritic({ observationSize: 4, actionSpace: { type: 'discrete', n: 2 }, seed: 1 });
    const rng = new Rng(3);
    const obs = new Rng(5).fillUniform(new Float32Array(batch * 4), -0.05, 0.05);
    const calls = bySize(size, { full: 1000, quick: 200, smoke: 20 });
    for (let i = 0; i < Math.min(calls, 100); i++) net.act(obs, batch, rng);
    const rates = [];
    for (let r = 0; r < bySize(size, { full: 5, quick: 3, smoke: 1 }); r++) {
      const started = performance.now();
      for (let i = 0; i < calls; i++) net.act(obs, batch, rng);
      rates.push(calls / ((performance.now() - started) / 1000));
    }
    net.dispose();
    return { value: median(rates), unit: 'calls/s', backendUsed: tf.getBackend() };
  },
  async update({ backend, minibatch, size }) {
    // The classic preset's update (4 envs x 128 steps, 4 epochs) with the minibatch size set
    // through numMinibatches; the optimisation phase of each update is timed through callbacks.
    await selectBackend(backend);
    const batch = 512;
    const warm = 1;
    const measured = bySize(size, { full: 4, quick: 2, smoke: 1 });
    const ppo = await PPO.create({
      preset: 'classic',
      config: { env: 'CartPole-v1', seed: 1, checkpointEvery: 0, numMinibatches: batch / minibatch, totalSteps: (warm + measured) * batch },
    });
    const times = [];
    let rolloutEnd = 0;
    await ppo.train({
      callbacks: [
        {
          onRolloutEnd: () => {
            rolloutEnd = performance.now();
          },
          onUpdateEnd: (context) => {
            if (context.update > warm) times.push((performance.now() - rolloutEnd) / (ppo.config.updateEpochs * ppo.config.numMinibatches));
          },
        },
      ],
    });
    await ppo.close();
    return { value: median(times), unit: 'ms/minibatch', backendUsed: tf.getBackend() };
  },
  async train({ backend, env, preset, size, updates }) {
    if (env !== 'CartPole-v1') await withMujoco();
    await selectBackend(backend);
    // A smoke run shortens the rollouts so that it only checks the path.
    const config = resolveConfig({ preset, overrides: { env, seed: 1, checkpointEvery: 0, ...(size === 'smoke' ? { numSteps: 64 } : {}) } });
    const batch = config.numEnvs * config.numSteps;
    // The first updates pay for kernel compilation and JIT warm-up; timing starts after them.
    // Full runs measure about 20k CartPole steps (40 updates) and 16k HalfCheetah steps.
    const warm = preset === 'classic' ? 2 : 1;
    // `updates` (measured updates) lets a side-by-side run train as many steps as its peer.
    const measured = updates ?? (preset === 'classic' ? bySize(size, { full: 40, quick: 8, smoke: 1 }) : bySize(size, { full: 8, quick: 2, smoke: 1 }));
    const ppo = await PPO.create({ preset, config: { ...config, totalSteps: (warm + measured) * batch } });
    let started = 0;
    let startCpu = 0;
    let startMain = null;
    let startStep = 0;
    await ppo.train({
      callbacks: [
        {
          onUpdateEnd: (context) => {
            if (context.update === warm) {
              started = performance.now();
              startCpu = cpuSeconds();
              startMain = mainThreadSeconds();
              startStep = context.globalStep;
            }
          },
        },
      ],
    });
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuSeconds() - startCpu;
    const main = mainThreadSeconds();
    const steps = ppo.globalStep - startStep;
    const result = {
      value: steps / seconds,
      perCpuSecond: steps / cpu,
      // Share of the measured wall time the main thread (the training loop) was on a core: about
      // 1 on an idle machine, lower when other processes took its core.
      mainThreadBusy: main === null || startMain === null ? null : (main - startMain) / seconds,
      // Every env step of the process over its whole life: module loading, backend start-up and
      // the warm-up updates included.
      withStartup: ppo.globalStep / process.uptime(),
      unit: 'env steps/s',
      backendUsed: tf.getBackend(),
    };
    await ppo.close();
    return result;
  },
  async rss({ backend, size }) {
    // CartPole with the classic preset for about 200k steps (400 updates of 512), sampling the
    // resident set size every few updates: a steady climb after warm-up points at a leak.
    await selectBackend(backend);
    const config = resolveConfig({
      preset: 'classic',
      overrides: { env: 'CartPole-v1', seed: 1, checkpointEvery: 0, ...(size === 'smoke' ? { numSteps: 16 } : {}) },
    });
    const updates = bySize(size, { full: 400, quick: 100, smoke: 8 });
    const every = bySize(size, { full: 5, quick: 5, smoke: 1 });
    const ppo = await PPO.create({ preset: 'classic', config: { ...config, totalSteps: updates * config.numEnvs * config.numSteps } });
    const samples = [];
    await ppo.train({
      callbacks: [
        {
          onUpdateEnd: ({ update, globalStep }) => {
            if (update % every === 0) samples.push({ step: globalStep, rssMb: process.memoryUsage().rss / 2 ** 20 });
          },
        },
      ],
    });
    const steps = ppo.globalStep;
    await ppo.close();
    // Warm-up is the first quarter of the run: kernel compilation, JIT and the first growth of
    // the heaps (the wasm heap never shrinks).
    const settled = samples.filter((s) => s.step > steps / 4);
    const rss = samples.map((s) => s.rssMb);
    return {
      value: leastSquaresSlope(
        settled.map((s) => s.step / 1e5),
        settled.map((s) => s.rssMb),
      ),
      unit: 'MB/100k steps',
      steps,
      rssFirstMb: rss[0],
      rssLastMb: rss.at(-1),
      rssMaxMb: Math.max(...rss),
      backendUsed: tf.getBackend(),
    };
  },
};

const job = JSON.parse(process.argv[2] ?? '{}');
const run = JOBS[job.kind];
if (run === undefined) {
  console.error(`unknown job kind ${JSON.stringify(job.kind)}; expected one of ${Object.keys(JOBS).join(', ')}`);
  process.exit(2);
}
if (!['full', 'quick', 'smoke', undefined].includes(job.size)) {
  console.error(`job size must be 'full', 'quick' or 'smoke', got ${JSON.stringify(job.size)}`);
  process.exit(2);
}
const result = await run(job);
// maxRSS is in kilobytes.
console.log(`RESULT ${JSON.stringify({ ...result, maxRssMb: process.resourceUsage().maxRSS / 1024 })}`);
process.exit(0);
