// Throughput of the vector envs (a benchmark, not a test): `pnpm bench`.
//  1. SyncVectorEnv of 64 CartPole-v1, env steps per second (stepInto fast path and plain step).
//  2. AsyncVectorEnv over SyncVectorEnv for an env costing about 50 microseconds a step.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { Env } from '../src/env';
import { make } from '../src/registry';
import { AsyncVectorEnv } from '../src/vector/async-vector-env';
import { SyncVectorEnv } from '../src/vector/sync-vector-env';
import type { VectorEnv } from '../src/vector/vector-env';
import { SlowCartPoleEnv } from './slow-env';

const SLOW_ENV_MODULE = fileURLToPath(new URL('./slow-env.ts', import.meta.url));

/** Fixed pseudo-random action batches, cycled, so that action generation costs nothing. */
function actionBatches(numEnvs: number, count: number): Int32Array[] {
  let state = 12345;
  return Array.from({ length: count }, () =>
    Int32Array.from({ length: numEnvs }, () => {
      state = (state * 1103515245 + 12345) >>> 0;
      return state >>> 31;
    }),
  );
}

/**
 * Env steps per second of `venv`: the best of `trials` runs of about `seconds` each after a
 * warm-up (the best, because other processes on the machine only ever slow a run down).
 */
function stepsPerSecond(venv: VectorEnv, seconds: number, trials = 3): number {
  const batches = actionBatches(venv.numEnvs, 64);
  venv.reset({ seed: 0 });
  for (let t = 0; t < 2000; t++) venv.step(batches[t & 63]);
  let best = 0;
  for (let trial = 0; trial < trials; trial++) {
    let iterations = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < seconds * 1000) {
      for (let k = 0; k < 64; k++) venv.step(batches[(iterations + k) & 63]);
      iterations += 64;
      elapsed = performance.now() - start;
    }
    best = Math.max(best, (iterations * venv.numEnvs) / (elapsed / 1000));
  }
  return best;
}

/** Hides the stepInto fast path so the generic step path is measured. */
function plain(env: Env<Float32Array, number>): Env<Float32Array, number> {
  return {
    id: env.id,
    observationSpace: env.observationSpace,
    actionSpace: env.actionSpace,
    reset: (o) => env.reset(o),
    step: (a) => env.step(a),
    close: () => env.close(),
  };
}

/** Busy-work iterations that make one SlowCartPole step cost about `targetUs` microseconds. */
function calibrate(targetUs: number): { work: number; us: number } {
  const measure = (work: number): number => {
    const env = new SlowCartPoleEnv({ work });
    env.reset({ seed: 0 });
    const n = 2000;
    let best = Infinity;
    for (let trial = 0; trial < 5; trial++) {
      const start = performance.now();
      for (let t = 0; t < n; t++) {
        const r = env.step(t & 1);
        if (r.terminated) env.reset();
      }
      best = Math.min(best, ((performance.now() - start) * 1000) / n);
    }
    return best;
  };
  let work = 1000;
  for (let round = 0; round < 6; round++) work = Math.max(1, Math.round((work * targetUs) / measure(work)));
  return { work, us: measure(work) };
}

/**
 * The cores this process actually gets right now: CPU time over wall time while `threads`
 * workers spin for `ms`. Below `threads`, other processes share the machine and any
 * worker-thread speed-up is capped accordingly.
 */
async function measuredCores(threads: number, ms: number): Promise<number> {
  const code = `const t = Date.now(); let s = 0; while (Date.now() - t < ${ms}) s += Math.sqrt(s + 1); require('node:worker_threads').parentPort.postMessage(s);`;
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  await Promise.all(
    Array.from({ length: threads }, () => new Promise((resolve) => new Worker(code, { eval: true }).once('message', resolve))),
  );
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / (performance.now() - w0);
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

async function main(): Promise<void> {
  const cores = availableParallelism();
  console.log(`node ${process.version}, ${cores} cores; measured free cores now: ${(await measuredCores(cores, 500)).toFixed(2)}`);
  // The slow-env comparison runs first, while the vector env's call sites have seen one env type only.
  const { work, us } = calibrate(50);
  console.log(`slow env: ${us.toFixed(1)} us per step (work ${work})`);
  const slowEnvs = 32;
  const sync = new SyncVectorEnv(Array.from({ length: slowEnvs }, () => () => make('BenchSlowCartPole-v0', { work })));
  const syncRate = stepsPerSecond(sync, 1);
  console.log(`SyncVectorEnv  ${slowEnvs} x slow env:            ${fmt(syncRate)} env steps/s`);
  for (const numWorkers of [1, 2]) {
    const venv = await AsyncVectorEnv.create({
      envId: 'BenchSlowCartPole-v0',
      numEnvs: slowEnvs,
      numWorkers,
      makeOptions: { work },
      modules: [SLOW_ENV_MODULE],
    });
    try {
      const rate = stepsPerSecond(venv, 1);
      console.log(`AsyncVectorEnv ${slowEnvs} x slow env, ${numWorkers} worker(s): ${fmt(rate)} env steps/s, speed-up ${(rate / syncRate).toFixed(2)}x`);
    } finally {
      await venv.close();
    }
  }
  const numEnvs = 64;
  const fast = new SyncVectorEnv(Array.from({ length: numEnvs }, () => () => make('CartPole-v1')));
  console.log(`SyncVectorEnv 64 x CartPole-v1 (stepInto):   ${fmt(stepsPerSecond(fast, 1))} env steps/s`);
  const generic = new SyncVectorEnv(Array.from({ length: numEnvs }, () => () => plain(make('CartPole-v1'))));
  console.log(`SyncVectorEnv 64 x CartPole-v1 (plain step): ${fmt(stepsPerSecond(generic, 1))} env steps/s`);
  // A cheap env shows the per-step cost of the thread round trip.
  const asyncCartPole = await AsyncVectorEnv.create({ envId: 'CartPole-v1', numEnvs, numWorkers: 2 });
  try {
    console.log(`AsyncVectorEnv 64 x CartPole-v1, 2 workers:  ${fmt(stepsPerSecond(asyncCartPole, 1))} env steps/s`);
  } finally {
    await asyncCartPole.close();
  }

}

await main();
