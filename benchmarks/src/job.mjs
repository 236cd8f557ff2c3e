// One benchmark job, run in its own Node process by run.mjs so that each measurement starts
// from a fresh engine and its peak RSS is its own. Usage: node job.mjs '<job JSON>'.
// Prints one line: `RESULT <json>`.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ppo/buffers';
import { make, SyncVectorEnv } from '@ppo/envs';
import { AsyncVectorEnv } from '@ppo/envs/node';
import { initMujoco, registerMujocoEnvs } from '@ppo/envs-mujoco';
import { ActorCritic, selectBackend } from '@ppo/nets';
import { PPO, resolveConfig } from '@ppo/trainer';
import { median } from './stats.mjs';

/**
 * CPU time of this process (user + system) in seconds. On a shared machine wall-clock rates
 * swing with the other jobs; the rate per CPU-second is the steadier figure for comparisons
 * (the training loop is single-threaded, so on an idle machine the two agree).
 */
function cpuSeconds() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
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
  async 'env-cartpole-sync64'({ quick }) {
    const env = new SyncVectorEnv(Array.from({ length: 64 }, () => () => make('CartPole-v1')));
    return stepRate(env, quick ? 200 : 1000, quick ? 3 : 5);
  },
  async 'env-halfcheetah-single'({ quick }) {
    await withMujoco();
    const env = new SyncVectorEnv([() => make('HalfCheetah-v5')]);
    return stepRate(env, quick ? 500 : 2000, quick ? 3 : 5);
  },
  async 'env-halfcheetah-async2'({ quick }) {
    await withMujoco();
    const env = await AsyncVectorEnv.create({
      envId: 'HalfCheetah-v5',
      numEnvs: 2,
      numWorkers: 2,
      // The worker threads register the MuJoCo envs themselves (the entry is ESM-only).
      modules: [fileURLToPath(import.meta.resolve('@ppo/envs-mujoco/register'))],
    });
    return stepRate(env, quick ? 500 : 2000, quick ? 3 : 5);
  },
  async act({ backend, batch, quick }) {
    await selectBackend(backend);
    // The classic preset's network: CartPole observations, two actions, separate 64-64 tanh MLPs.
    const net = new ActorCritic({ observationSize: 4, actionSpace: { type: 'discrete', n: 2 }, seed: 1 });
    const rng = new Rng(3);
    const obs = new Rng(5).fillUniform(new Float32Array(batch * 4), -0.05, 0.05);
    const calls = quick ? 200 : 1000;
    for (let i = 0; i < 100; i++) net.act(obs, batch, rng);
    const rates = [];
    for (let r = 0; r < (quick ? 3 : 5); r++) {
      const started = performance.now();
      for (let i = 0; i < calls; i++) net.act(obs, batch, rng);
      rates.push(calls / ((performance.now() - started) / 1000));
    }
    net.dispose();
    return { value: median(rates), unit: 'calls/s' };
  },
  async update({ backend, minibatch, quick }) {
    // The classic preset's update (4 envs x 128 steps, 4 epochs) with the minibatch size set
    // through numMinibatches; the optimisation phase of each update is timed through callbacks.
    await selectBackend(backend);
    const batch = 512;
    const warm = 1;
    const measured = quick ? 2 : 4;
    const ppo = await PPO.create({
      preset: 'classic',
      config: { env: 'CartPole-v1', seed: 1, backend, checkpointEvery: 0, numMinibatches: batch / minibatch, totalSteps: (warm + measured) * batch },
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
    return { value: median(times), unit: 'ms/minibatch' };
  },
  async train({ backend, env, preset, quick }) {
    if (env !== 'CartPole-v1') await withMujoco();
    await selectBackend(backend);
    const config = resolveConfig({ preset, overrides: { env, seed: 1, backend, checkpointEvery: 0 } });
    const batch = config.numEnvs * config.numSteps;
    // The first updates pay for kernel compilation and JIT warm-up; timing starts after them.
    const warm = preset === 'classic' ? 2 : 1;
    const measured = preset === 'classic' ? (quick ? 4 : 12) : quick ? 1 : 3;
    const ppo = await PPO.create({ preset, config: { ...config, totalSteps: (warm + measured) * batch } });
    let started = 0;
    let startCpu = 0;
    let startStep = 0;
    await ppo.train({
      callbacks: [
        {
          onUpdateEnd: (context) => {
            if (context.update === warm) {
              started = performance.now();
              startCpu = cpuSeconds();
              startStep = context.globalStep;
            }
          },
        },
      ],
    });
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuSeconds() - startCpu;
    const steps = ppo.globalStep - startStep;
    await ppo.close();
    return { value: steps / seconds, perCpuSecond: steps / cpu, unit: 'env steps/s', backendUsed: tf.getBackend() };
  },
};

const job = JSON.parse(process.argv[2] ?? '{}');
const run = JOBS[job.kind];
if (run === undefined) {
  console.error(`unknown job kind ${JSON.stringify(job.kind)}; expected one of ${Object.keys(JOBS).join(', ')}`);
  process.exit(2);
}
const result = await run(job);
// maxRSS is in kilobytes.
console.log(`RESULT ${JSON.stringify({ ...result, maxRssMb: process.resourceUsage().maxRSS / 1024 })}`);
process.exit(0);
