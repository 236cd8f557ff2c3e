import { PpoError } from '@ppo/utils';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Rng } from '@ppo/utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { make } from '../registry';
import { Discrete, spacesEqual } from '../spaces';

import { SEQ, STRIDE } from './async-protocol';
import { AsyncVectorEnv, VectorEnvTimeoutError } from './async-vector-env';
import { SyncVectorEnv, VectorEnvError } from './sync-vector-env';
import './test-envs';
import type { VectorEnv } from './vector-env';
import { VectorNormalizeObservation, VectorNormalizeReward, VectorRecordEpisodeStatistics } from './vector-wrappers';

const TEST_ENVS = fileURLToPath(new URL('./test-envs.ts', import.meta.url));

const open: AsyncVectorEnv[] = [];
async function create(options: Parameters<typeof AsyncVectorEnv.create>[0]): Promise<AsyncVectorEnv> {
  const venv = await AsyncVectorEnv.create(options);
  open.push(venv);
  return venv;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((v) => v.close().catch(() => undefined)));
});

/** The OS threads of this process (each worker thread is one). */
function threadCount(): number {
  return readdirSync('/proc/self/task').length;
}

/** Waits (at most 20 s, for a loaded machine) for the thread count to come back to `expected`; returns the last count. */
async function threadsSettleTo(expected: number): Promise<number> {
  let count = threadCount();
  for (let k = 0; k < 400 && count !== expected; k++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    count = threadCount();
  }
  return count;
}

function randomActions(venv: VectorEnv, rng: Rng): Float32Array | Int32Array {
  const space = venv.singleActionSpace;
  if (space instanceof Discrete) return Int32Array.from({ length: venv.numEnvs }, () => space.sample(rng));
  const out = new Float32Array(venv.numEnvs * venv.actionSize);
  for (let i = 0; i < venv.numEnvs; i++) out.set(space.sample(rng) as Float32Array, i * venv.actionSize);
  return out;
}

/** Infos with the wall-clock episode durations zeroed (they differ between any two runs). */
function withoutTimes(infos: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return infos.map((info) => (info.episode === undefined ? info : { ...info, episode: { ...(info.episode as object), t: 0 } }));
}

/** Steps both vector envs with the same actions and expects identical results. */
function expectSameRun(a: VectorEnv, b: VectorEnv, seed: number, steps: number, split = false): number {
  const ra = a.reset({ seed });
  const rb = b.reset({ seed });
  expect(Array.from(ra.observations)).toEqual(Array.from(rb.observations));
  expect(ra.infos).toEqual(rb.infos);
  const rng = new Rng(seed + 1000);
  let ends = 0;
  const d = a.observationSize;
  for (let t = 0; t < steps; t++) {
    const actions = randomActions(a, rng);
    const x = a.step(actions);
    let y;
    if (split && b instanceof AsyncVectorEnv) {
      b.stepAsync(actions);
      y = b.stepWait();
    } else {
      y = b.step(actions);
    }
    expect(Array.from(y.observations)).toEqual(Array.from(x.observations));
    expect(Array.from(y.rewards)).toEqual(Array.from(x.rewards));
    expect(Array.from(y.terminated)).toEqual(Array.from(x.terminated));
    expect(Array.from(y.truncated)).toEqual(Array.from(x.truncated));
    expect(withoutTimes(y.infos)).toEqual(withoutTimes(x.infos));
    for (let i = 0; i < a.numEnvs; i++) {
      if (x.terminated[i] || x.truncated[i]) {
        ends++;
        expect(Array.from(y.finalObservations.subarray(i * d, (i + 1) * d))).toEqual(Array.from(x.finalObservations.subarray(i * d, (i + 1) * d)));
      }
    }
  }
  return ends;
}


/**
 * Wakes every worker of `venv` once it is back waiting for a command, without a new command:
 * what the main thread's notify does when it is descheduled between bumping a worker's sequence
 * number and notifying it, and the worker finishes that command meanwhile. Returns how many
 * workers were woken (each is tried for at most about 10 s, for a loaded machine).
 */
function wakeWithoutCommand(venv: AsyncVectorEnv): number {
  // White-box: the control block is private; this drives the protocol's wake-up directly.
  const control = (venv as unknown as { control: Int32Array }).control;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let woken = 0;
  for (let w = 0; w < venv.numWorkers; w++) {
    for (let k = 0; k < 10_000; k++) {
      if (Atomics.notify(control, w * STRIDE + SEQ) > 0) {
        woken++;
        break;
      }
      Atomics.wait(pause, 0, 0, 1);
    }
  }
  return woken;
}

describe('AsyncVectorEnv', () => {
  it('equals SyncVectorEnv on CartPole-v1 with an uneven split over 3 workers', async () => {
    const makeOptions = { maxEpisodeSteps: 20 };
    const venv = await create({ envId: 'CartPole-v1', numEnvs: 7, numWorkers: 3, makeOptions });
    const sync = new SyncVectorEnv(Array.from({ length: 7 }, () => () => make('CartPole-v1', makeOptions)));
    expect(venv.numWorkers).toBe(3);
    expect(venv.autoresetMode).toBe('SameStep');
    expect(spacesEqual(venv.singleObservationSpace, sync.singleObservationSpace)).toBe(true);
    expect(spacesEqual(venv.singleActionSpace, sync.singleActionSpace)).toBe(true);
    expect(expectSameRun(sync, venv, 5, 150)).toBeGreaterThan(20);
  });

  it('equals SyncVectorEnv with stepAsync/stepWait and Box actions (Pendulum-v1)', async () => {
    const venv = await create({ envId: 'Pendulum-v1', numEnvs: 4, numWorkers: 2, makeOptions: { maxEpisodeSteps: 25 } });
    const sync = new SyncVectorEnv(Array.from({ length: 4 }, () => () => make('Pendulum-v1', { maxEpisodeSteps: 25 })));
    expect(expectSameRun(sync, venv, 8, 60, true)).toBeGreaterThan(4);
  });

  it('composes with the vector wrappers exactly as SyncVectorEnv does', async () => {
    const wrap = (v: VectorEnv): VectorEnv => new VectorNormalizeReward(new VectorNormalizeObservation(new VectorRecordEpisodeStatistics(v)));
    const venv = await create({ envId: 'Acrobot-v1', numEnvs: 4, numWorkers: 2, makeOptions: { maxEpisodeSteps: 30 } });
    const sync = new SyncVectorEnv(Array.from({ length: 4 }, () => () => make('Acrobot-v1', { maxEpisodeSteps: 30 })));
    expect(expectSameRun(wrap(sync), wrap(venv), 12, 70)).toBeGreaterThan(4);
  });

  it('runs each command once even when a worker is woken after that command is done (a late notify)', async () => {
    const venv = await create({ envId: 'CartPole-v1', numEnvs: 2, numWorkers: 2 });
    const sync = SyncVectorEnv.fromId('CartPole-v1', 2);
    const ra = venv.reset({ seed: 21 });
    const rs = sync.reset({ seed: 21 });
    expect(Array.from(ra.observations)).toEqual(Array.from(rs.observations));
    // A second run of the reset would reset without the seed (its message is read once).
    expect(wakeWithoutCommand(venv)).toBe(2);
    const rng = new Rng(22);
    let ends = 0;
    for (let t = 0; t < 60; t++) {
      const actions = randomActions(sync, rng);
      const x = sync.step(actions);
      const y = venv.step(actions);
      expect(Array.from(y.observations)).toEqual(Array.from(x.observations));
      expect(Array.from(y.terminated)).toEqual(Array.from(x.terminated));
      expect(withoutTimes(y.infos)).toEqual(withoutTimes(x.infos));
      for (let i = 0; i < 2; i++) ends += x.terminated[i] | x.truncated[i];
      // A second run of the step would step the envs again with the same actions.
      expect(wakeWithoutCommand(venv)).toBe(2);
    }
    expect(ends).toBeGreaterThan(2);
  });

  it('imports modules in the workers (envs registered elsewhere) and carries their infos', async () => {
    const venv = await create({ envId: 'TestRandomWalk-v0', numEnvs: 5, numWorkers: 2, modules: [TEST_ENVS] });
    const sync = new SyncVectorEnv(Array.from({ length: 5 }, () => () => make('TestRandomWalk-v0')));
    expect(expectSameRun(sync, venv, 3, 80)).toBeGreaterThan(10);
    const r = venv.reset({ seed: 1 });
    expect(r.infos[4]).toHaveProperty('start');
  });

  it('imports a package subpath exported for import only, looked up from the working directory', async () => {
    const project = mkdtempSync(join(tmpdir(), 'ppo-async-modules-'));
    try {
      const pkg = join(project, 'node_modules', '@acme', 'walks');
      mkdirSync(pkg, { recursive: true });
      writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@acme/walks', exports: { './register': { import: './register.mjs' } } }));
      writeFileSync(join(pkg, 'register.mjs'), `import ${JSON.stringify(pathToFileURL(TEST_ENVS).href)};\n`);
      // require.resolve cannot see an import-only subpath; the worker could not resolve the bare name.
      const cwd = vi.spyOn(process, 'cwd').mockReturnValue(project);
      let venv: AsyncVectorEnv;
      try {
        venv = await create({ envId: 'TestRandomWalk-v0', numEnvs: 2, numWorkers: 1, modules: ['@acme/walks/register'] });
      } finally {
        cwd.mockRestore();
      }
      const sync = new SyncVectorEnv(Array.from({ length: 2 }, () => () => make('TestRandomWalk-v0')));
      expect(expectSameRun(sync, venv, 5, 30)).toBeGreaterThan(0);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('raises an error naming the env index and id when an env throws, and closes cleanly after it', async () => {
    const threads = threadCount();
    const venv = await create({
      envId: 'TestRandomWalk-v0',
      numEnvs: 4,
      numWorkers: 2,
      modules: [TEST_ENVS],
      makeOptions: { failAtStep: 2, failSeed: 13 },
    });
    venv.reset({ seed: 10 });
    const actions = new Int32Array([1, 1, 1, 1]);
    venv.step(actions);
    let caught: unknown;
    try {
      venv.step(actions);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(VectorEnvError);
    expect((caught as Error).message).toMatch(/AsyncVectorEnv: env 3 \(TestRandomWalk-v0\) threw in step: deliberate failure at step 2/);
    expect(() => venv.step(actions)).toThrow(/call reset\(\)/);
    venv.reset({ seed: 0 });
    venv.step(actions);
    // Worker threads (and, from sources, their module-loader threads) are running.
    expect(threadCount()).toBeGreaterThanOrEqual(threads + 2);
    await venv.close();
    expect(venv.runningWorkers).toBe(0);
    expect(await threadsSettleTo(threads)).toBe(threads);
    expect(() => venv.step(actions)).toThrow(/closed/);
    await venv.close();
  });

  it('raises instead of waiting forever when a worker thread exits, and still closes', async () => {
    const threads = threadCount();
    const venv = await create({ envId: 'TestRandomWalk-v0', numEnvs: 2, numWorkers: 2, modules: [TEST_ENVS], makeOptions: { exitAtStep: 1, failSeed: 31 } });
    venv.reset({ seed: 30 });
    expect(() => venv.step(new Int32Array([1, 1]))).toThrow(/AsyncVectorEnv.step: worker 1 \(envs 1..1\) exited/);
    expect(() => venv.reset()).toThrow(/a worker is gone/);
    await venv.close();
    expect(venv.runningWorkers).toBe(0);
    expect(await threadsSettleTo(threads)).toBe(threads);
  });

  it('times out on an env that never answers, names the env and the call, and close() ends the stuck worker', async () => {
    const threads = threadCount();
    const venv = await create({
      envId: 'TestRandomWalk-v0',
      numEnvs: 2,
      numWorkers: 1,
      modules: [TEST_ENVS],
      makeOptions: { hangAtStep: 1, failSeed: 40 },
      // Long enough for the reset to answer on a loaded machine.
      timeoutMs: 2000,
    });
    // Env i is reset with seed 39 + i: env 1 is the one that hangs.
    venv.reset({ seed: 39 });
    let caught: unknown;
    try {
      venv.step(new Int32Array([1, 1]));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(VectorEnvTimeoutError);
    expect((caught as Error).message).toBe('AsyncVectorEnv.step: env 1 (TestRandomWalk-v0) did not return from step within 2000 ms (worker 0, envs 0..1)');
    expect(caught).toMatchObject({ envIndex: 1, call: 'step', timeoutMs: 2000 });
    expect(() => venv.step(new Int32Array([1, 1]))).toThrow(/close\(\) it/);
    await venv.close();
    expect(venv.runningWorkers).toBe(0);
    expect(await threadsSettleTo(threads)).toBe(threads);
  });

  it('times out on a reset that never returns, naming the env', async () => {
    const threads = threadCount();
    const venv = await create({
      envId: 'TestRandomWalk-v0',
      numEnvs: 4,
      numWorkers: 2,
      modules: [TEST_ENVS],
      makeOptions: { hangOnResetSeed: true, failSeed: 12 },
      timeoutMs: 2000,
    });
    expect(() => venv.reset({ seed: 10 })).toThrow(/^AsyncVectorEnv\.reset: env 2 \(TestRandomWalk-v0\) did not return from reset within 2000 ms \(worker 1, envs 2\.\.3\)$/);
    await venv.close();
    expect(await threadsSettleTo(threads)).toBe(threads);
  });

  it('rejects creation when an env constructor never returns, naming the env, and ends every worker', async () => {
    const threads = threadCount();
    const creating = AsyncVectorEnv.create({
      envId: 'TestRandomWalk-v0',
      numEnvs: 2,
      numWorkers: 2,
      modules: [TEST_ENVS],
      makeOptions: { hangOnMake: true },
      startTimeoutMs: 2000,
    });
    const error = await creating.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(VectorEnvTimeoutError);
    expect((error as Error).message).toMatch(/^AsyncVectorEnv\.create: env [01] \(TestRandomWalk-v0\) did not return from make within 2000 ms \(startTimeoutMs\)$/);
    expect(error).toMatchObject({ call: 'make' });
    expect(await threadsSettleTo(threads)).toBe(threads);
  });

  it('rejects creation when a module import never finishes, naming the module, and ends every worker', async () => {
    const threads = threadCount();
    const dir = mkdtempSync(join(tmpdir(), 'ppo-hanging-module-'));
    const hanging = join(dir, 'hangs.mjs');
    writeFileSync(hanging, 'for (;;) {}\n');
    try {
      const error = await AsyncVectorEnv.create({ envId: 'CartPole-v1', numEnvs: 1, modules: [TEST_ENVS, hanging], startTimeoutMs: 2000 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(VectorEnvTimeoutError);
      expect((error as Error).message).toBe(
        `AsyncVectorEnv.create: worker 0 did not finish importing modules[1] '${hanging}' within 2000 ms (startTimeoutMs)`,
      );
      expect(error).toMatchObject({ call: 'import', moduleIndex: 1, envIndex: undefined });
      expect(await threadsSettleTo(threads)).toBe(threads);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs envs whose members are getters over private fields (the worker calls them on the env itself)', async () => {
    const venv = await create({ envId: 'TestPrivate-v0', numEnvs: 2, numWorkers: 1, modules: [TEST_ENVS] });
    expect(venv.reset().observations).toEqual(new Float32Array([0, 0]));
    const r = venv.step(new Int32Array([1, 0]));
    expect(Array.from(r.observations)).toEqual([0.5, -0.5]);
    expect(Array.from(r.rewards)).toEqual([1, 1]);
  });

  it('ends every worker on close, also with a step pending', async () => {
    const threads = threadCount();
    const venv = await create({ envId: 'CartPole-v1', numEnvs: 4, numWorkers: 2 });
    // Worker threads (and, from sources, their module-loader threads) are running.
    expect(threadCount()).toBeGreaterThanOrEqual(threads + 2);
    expect(venv.runningWorkers).toBe(2);
    venv.reset({ seed: 1 });
    venv.stepAsync(new Int32Array(4));
    expect(() => venv.stepAsync(new Int32Array(4))).toThrow(/already pending/);
    await venv.close();
    expect(venv.runningWorkers).toBe(0);
    expect(await threadsSettleTo(threads)).toBe(threads);
  });

  it('rejects creation for an unknown id, naming it, and leaves no worker', async () => {
    const threads = threadCount();
    await expect(AsyncVectorEnv.create({ envId: 'Nope-v9', numEnvs: 2 })).rejects.toThrow(/no env registered as "Nope-v9"/);
    // The env failed (ENV_FAILED) because the registry knows no such id (UNKNOWN_ENV): both codes survive the thread boundary.
    await expect(AsyncVectorEnv.create({ envId: 'Nope-v9', numEnvs: 1 })).rejects.toSatisfy(
      (error) => PpoError.is(error, 'ENV_FAILED') && PpoError.is((error as Error).cause, 'UNKNOWN_ENV'),
    );
    expect(await threadsSettleTo(threads)).toBe(threads);
  });

  it('rejects creation for a module that cannot be resolved, naming it, and starts no worker', async () => {
    const threads = threadCount();
    await expect(AsyncVectorEnv.create({ envId: 'CartPole-v1', numEnvs: 2, modules: [TEST_ENVS, 'no-such-package-of-envs/register'] })).rejects.toThrow(
      /^AsyncVectorEnv\.create: modules\[1\]: module 'no-such-package-of-envs\/register' cannot be found: no node_modules\/no-such-package-of-envs in /,
    );
    await expect(AsyncVectorEnv.create({ envId: 'CartPole-v1', numEnvs: 1, modules: ['no-such-package-of-envs/register'] })).rejects.toSatisfy((error) =>
      PpoError.is(error, 'MODULE_NOT_FOUND'),
    );
    expect(threadCount()).toBe(threads);
  });

  it('validates its options and actions', async () => {
    await expect(AsyncVectorEnv.create({ envId: 'CartPole-v1', numEnvs: 0 })).rejects.toThrow(/numEnvs must be a positive integer/);
    await expect(AsyncVectorEnv.create({ envId: 'CartPole-v1', numEnvs: 2, numWorkers: 3 })).rejects.toThrow(/numWorkers must be an integer in \[1, numEnvs=2\]/);
    await expect(AsyncVectorEnv.create({ envId: 'CartPole-v1', numEnvs: 2, modules: [''] })).rejects.toThrow(/modules\[0\]: module '' is not a specifier/);
    await expect(AsyncVectorEnv.create({ envId: 'CartPole-v1', numEnvs: 2, startTimeoutMs: 0 })).rejects.toThrow(/startTimeoutMs must be a positive number, got 0/);
    const venv = await create({ envId: 'CartPole-v1', numEnvs: 2, numWorkers: 1 });
    expect(() => venv.step(new Int32Array(2))).toThrow(/call reset\(\) before step\(\)/);
    venv.reset();
    expect(() => venv.step(new Int32Array(3))).toThrow(RangeError);
    expect(() => venv.stepWait()).toThrow(/no step is pending/);
    expect(() => venv.reset({ seed: -2 })).toThrow(/seed/);
  });
});
