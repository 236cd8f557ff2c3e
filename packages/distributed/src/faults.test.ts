import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { NatsConnection } from '@nats-io/nats-core';
import { selectBackend } from '@ppo/nets';
import { PPO, type Checkpoint, type CheckpointSink, type PPOConfig } from '@ppo/trainer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect } from './connect';
import { createLearner, type Learner } from './learner';
import { startNatsServer, type NatsServerFixture } from './nats-server-fixture';

// Rollouts long enough (4 x 128 steps) that a fault lands while one is being collected.
const CONFIG: Partial<PPOConfig> = {
  env: 'CartPole-v1',
  envOptions: { maxEpisodeSteps: 50 },
  numEnvs: 4,
  numSteps: 128,
  totalSteps: 4 * 128 * 4,
  updateEpochs: 1,
  numMinibatches: 2,
  seed: 5,
};
const TIMING = { workerTimeoutMs: 1500, resendMs: 1000 };
const WORKER_SCRIPT = fileURLToPath(new URL('../test/worker-process.mjs', import.meta.url));

/** A worker in a process of its own, so a test can SIGKILL it. */
class WorkerProcess {
  readonly lines: string[] = [];
  readonly proc: ChildProcess;
  constructor(server: NatsServerFixture, prefix: string) {
    this.proc = spawn(process.execPath, [WORKER_SCRIPT, server.url, server.token, prefix], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.proc.stdout?.on('data', (data: Buffer) => this.lines.push(...data.toString().split('\n').filter((l) => l !== '')));
  }
  /** The worker's id, from its first log line. */
  async id(): Promise<string> {
    for (;;) {
      const ready = this.lines.find((l) => l.endsWith(' ready'));
      if (ready !== undefined) return ready.split(' ')[1];
      if (this.proc.exitCode !== null) throw new Error(`worker exited with ${this.proc.exitCode}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  async end(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      this.proc.once('exit', () => resolve());
      this.proc.kill(signal);
    });
  }
}

/** SIGKILLs `worker` as soon as the learner's log says it was sent its slots of weights `version` (e.g. 'v1'). */
function killOnceAssigned(log: readonly string[], version: string, workerId: string, worker: WorkerProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (log.some((l) => l.startsWith(`${version}: `) && l.endsWith(`-> ${workerId}`))) {
        clearInterval(timer);
        void worker.end('SIGKILL').then(resolve);
      }
    }, 5);
  });
}

async function reference(): Promise<Map<string, Float32Array>> {
  const ppo = await PPO.create({ config: CONFIG });
  await ppo.train();
  const weights = ppo.policy.getWeights();
  await ppo.close();
  return weights;
}

function expectSameWeights(actual: Map<string, Float32Array>, expected: Map<string, Float32Array>): void {
  expect([...actual.keys()]).toEqual([...expected.keys()]);
  for (const [name, values] of expected) expect(actual.get(name), name).toEqual(values);
}

describe('faults', () => {
  let server: NatsServerFixture;
  let expected: Map<string, Float32Array>;
  const cleanup: (() => Promise<void> | void)[] = [];
  beforeAll(async () => {
    await selectBackend('cpu');
    server = await startNatsServer();
    expected = await reference();
  });
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  afterAll(async () => server?.dispose());

  async function learnerSide(prefix: string, expectWorkers: number, log: string[], config: Partial<PPOConfig> = CONFIG): Promise<{ nc: NatsConnection; ppo: PPO; learner: Learner }> {
    const nc = await connect({ servers: server.url, token: server.token });
    const ppo = await PPO.create({ config });
    const learner = await createLearner({ nc, config: ppo.config, prefix, expectWorkers, ...TIMING, log: (l) => log.push(l) });
    cleanup.push(async () => {
      learner.close();
      await ppo.close();
      if (!nc.isClosed()) await nc.close();
    });
    return { nc, ppo, learner };
  }

  function workers(prefix: string, count: number): WorkerProcess[] {
    const list = Array.from({ length: count }, () => new WorkerProcess(server, prefix));
    cleanup.push(() => Promise.all(list.map((w) => w.end())).then(() => undefined));
    return list;
  }

  it('reassigns the slots of a worker killed mid-rollout and still gives the single-process weights', async () => {
    const [a, b] = workers('kill', 2);
    const victim = await b.id();
    await a.id();
    const log: string[] = [];
    const { ppo, learner } = await learnerSide('kill', 2, log);
    const killed = killOnceAssigned(log, 'v1', victim, b);
    await ppo.train({ collect: learner.collect });
    await killed;
    expect(log.some((l) => l.startsWith('reassigning slots'))).toBe(true);
    // The survivor brought the dead worker's slots to where the run is (0..0, or 0..1 when the
    // victim had sent its second rollout before it died).
    expect(a.lines.some((l) => /^slot \d: replaying rollouts 0\.\.[01]$/.test(l))).toBe(true);
    expectSameWeights(ppo.policy.getWeights(), expected);
  }, 180_000);

  it('with normalization and several envs, gives the no-fault run when a worker is killed mid-rollout', async () => {
    const config = { ...CONFIG, normalizeObservation: true, normalizeReward: true };
    const calm = await learnerSide('norm-calm', 1, [], config);
    const [steady] = workers('norm-calm', 1);
    await steady.id();
    await calm.ppo.train({ collect: calm.learner.collect });
    const reference = calm.ppo.policy.getWeights();

    const [a, b] = workers('norm-kill', 2);
    const victim = await b.id();
    await a.id();
    const log: string[] = [];
    const { ppo, learner } = await learnerSide('norm-kill', 2, log, config);
    const killed = killOnceAssigned(log, 'v2', victim, b);
    await ppo.train({ collect: learner.collect });
    await killed;
    expect(log.some((l) => l.startsWith('reassigning slots'))).toBe(true);
    expect(ppo.checkpoint().meta.normalization).toEqual(calm.ppo.checkpoint().meta.normalization);
    expectSameWeights(ppo.policy.getWeights(), reference);
  }, 180_000);

  it('gives slots to a worker that joins late and still gives the single-process weights', async () => {
    const [first] = workers('late', 1);
    await first.id();
    const log: string[] = [];
    const { ppo, learner } = await learnerSide('late', 1, log);
    let late: WorkerProcess | null = null;
    await ppo.train({
      collect: learner.collect,
      callbacks: [
        {
          onUpdateEnd: async (context) => {
            if (context.update !== 1) return;
            [late] = workers('late', 1);
            const id = await late.id();
            // Training goes on once the learner has heard from it.
            while (!learner.liveWorkers().includes(id)) await new Promise((resolve) => setTimeout(resolve, 20));
          },
        },
      ],
    });
    expect(late).not.toBeNull();
    const lateWorker = late as unknown as WorkerProcess;
    expect(lateWorker.lines.some((l) => l.startsWith('rolled out v2'))).toBe(true);
    expectSameWeights(ppo.policy.getWeights(), expected);
  }, 180_000);

  it('carries on through a restart of the NATS server and still gives the single-process weights', async () => {
    const [a, b] = workers('restart', 2);
    await Promise.all([a.id(), b.id()]);
    const log: string[] = [];
    const { ppo, learner } = await learnerSide('restart', 2, log);
    const outage: { restarted: Promise<void> | null } = { restarted: null };
    let updateWhenBack = -1;
    await ppo.train({
      collect: learner.collect,
      callbacks: [
        {
          onUpdateEnd: (context) => {
            // Not awaited: the server goes down while the next rollout is being collected.
            if (context.update !== 1) return;
            outage.restarted = server
              .stop()
              .then(() => new Promise((resolve) => setTimeout(resolve, 300)))
              .then(() => server.start())
              .then(() => void (updateWhenBack = ppo.update));
          },
        },
      ],
    });
    expect(outage.restarted).not.toBeNull();
    await outage.restarted;
    // The server was back before training ended (the learner cannot finish without its object store).
    expect(updateWhenBack).toBeGreaterThanOrEqual(1);
    expect(updateWhenBack).toBeLessThan(ppo.numUpdates);
    expectSameWeights(ppo.policy.getWeights(), expected);
  }, 180_000);

  it('lets a learner killed after its checkpoint resume it while the workers wait, with the single-process weights', async () => {
    const [a, b] = workers('resume', 2);
    await Promise.all([a.id(), b.id()]);
    const checkpoints: Checkpoint[] = [];
    const actions: Uint8Array[] = [];
    const sink: CheckpointSink = {
      appendActions: (rows) => void actions.push(new Uint8Array(rows.buffer.slice(rows.byteOffset, rows.byteOffset + rows.byteLength))),
      save: (checkpoint) => {
        checkpoints.push(checkpoint);
        return `checkpoint ${checkpoints.length}`;
      },
    };
    // The first learner checkpoints every update and dies (its connection dropped, no goodbye)
    // at the start of its fourth rollout; the workers' envs are then two rollouts ahead of the
    // checkpoint of update 1 that the second learner resumes from, so they rebuild and replay.
    const { ppo: firstPpo, learner: firstLearner, nc: firstNc } = await learnerSide('resume', 2, [], { ...CONFIG, checkpointEvery: 1 });
    const died = firstPpo.train({
      collect: firstLearner.collect,
      checkpoints: sink,
      callbacks: [{ onUpdateEnd: async (context) => void (context.update === 3 && (await firstNc.close())) }],
    });
    await expect(died).rejects.toThrow(/closed/);
    const atUpdate1 = checkpoints.find((c) => c.meta.counters.update === 1) as Checkpoint;
    expect(atUpdate1).toBeDefined();
    const log = joinActions(actions);

    const nc = await connect({ servers: server.url, token: server.token });
    const ppo = await PPO.restore(atUpdate1, log);
    const learner = await createLearner({ nc, config: ppo.config, prefix: 'resume', expectWorkers: 2, ...TIMING });
    cleanup.push(async () => {
      learner.close();
      await ppo.close();
      await nc.close();
    });
    await ppo.train({ collect: learner.collect });
    expect([...a.lines, ...b.lines].some((l) => /replaying rollouts 0\.\.0$/.test(l))).toBe(true);
    expectSameWeights(ppo.policy.getWeights(), expected);
  }, 180_000);
});

function joinActions(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
