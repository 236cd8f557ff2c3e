import { selectBackend } from '@ppo/nets';
import { MemoryLogger, PPO, type PPOConfig } from '@ppo/trainer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from './connect';
import { createLearner } from './learner';
import { startNatsServer, type NatsServerFixture } from './nats-server-fixture';
import { runWorker } from './worker';

// Short episodes (a 20-step limit) so rollouts cross truncations and the final-observation values travel too.
const CONFIG: Partial<PPOConfig> = {
  env: 'CartPole-v1',
  envOptions: { maxEpisodeSteps: 20 },
  numEnvs: 4,
  numSteps: 32,
  totalSteps: 4 * 32 * 3,
  updateEpochs: 2,
  numMinibatches: 2,
  seed: 11,
};

async function singleProcess(): Promise<{ metrics: MemoryLogger['records']; weights: Map<string, Float32Array> }> {
  const ppo = await PPO.create({ config: CONFIG });
  const logger = new MemoryLogger();
  await ppo.train({ loggers: [logger] });
  const weights = ppo.policy.getWeights();
  await ppo.close();
  return { metrics: logger.records, weights };
}

function withoutSps(records: MemoryLogger['records']): MemoryLogger['records'] {
  return records.map(({ step, metrics }) => ({ step, metrics: Object.fromEntries(Object.entries(metrics).filter(([k]) => k !== 'charts/SPS')) }));
}

describe('learner with workers over NATS', () => {
  let server: NatsServerFixture;
  beforeAll(async () => {
    await selectBackend('cpu');
    // 1 KiB messages: every slot's rollout (about 1.6 KB) is split into parts.
    server = await startNatsServer({ maxPayload: 1024 });
  });
  afterAll(async () => server?.dispose());

  it.each([1, 2, 3])('gives the single-process metrics and weights with %i workers', async (numWorkers) => {
    const reference = await singleProcess();
    const stop = new AbortController();
    const connections = await Promise.all(Array.from({ length: numWorkers + 1 }, () => connect({ servers: server.url, token: server.token })));
    const [learnerNc, ...workerNcs] = connections;
    const workers = workerNcs.map((nc) => runWorker({ nc, prefix: `same${numWorkers}`, signal: stop.signal }));
    const ppo = await PPO.create({ config: CONFIG });
    const learner = await createLearner({ nc: learnerNc, config: ppo.config, prefix: `same${numWorkers}`, expectWorkers: numWorkers });
    const logger = new MemoryLogger();
    await ppo.train({ loggers: [logger], collect: learner.collect });
    expect(learner.liveWorkers()).toHaveLength(numWorkers);
    const traffic = learner.lastTraffic;
    const weights = ppo.policy.getWeights();
    learner.close();
    stop.abort();
    await Promise.all(workers);
    await ppo.close();
    await Promise.all(connections.map((nc) => nc.close()));

    expect(traffic?.chunkMessages).toBeGreaterThan(2 * 4);
    expect(withoutSps(logger.records)).toEqual(withoutSps(reference.metrics));
    expect(logger.records.some((r) => 'charts/episodic_return' in r.metrics)).toBe(true);
    expect([...weights.keys()]).toEqual([...reference.weights.keys()]);
    for (const [name, values] of reference.weights) expect(weights.get(name), name).toEqual(values);
  });
});
