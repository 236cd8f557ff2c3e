import { selectBackend } from '@ppo/nets';
import { PPO, type PPOConfig } from '@ppo/trainer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from './connect';
import { createLearner } from './learner';
import { startNatsServer, type NatsServerFixture } from './nats-server-fixture';
import { runWorker, type RolloutSent } from './worker';

const CONFIG: Partial<PPOConfig> = { env: 'CartPole-v1', numEnvs: 3, numSteps: 16, totalSteps: 3 * 16 * 3, updateEpochs: 1, numMinibatches: 1, seed: 5 };

describe('runWorker onRollout', () => {
  let server: NatsServerFixture;
  beforeAll(async () => {
    await selectBackend('cpu');
    // Small messages: a slot's frame goes out in several parts.
    server = await startNatsServer({ maxPayload: 1024 });
  });
  afterAll(async () => server?.dispose());

  it('reports every rollout sent: versions, slots, steps, and the messages and bytes the learner received', async () => {
    const prefix = 'progress';
    const stop = new AbortController();
    const connections = await Promise.all([0, 1, 2].map(() => connect({ servers: server.url, token: server.token })));
    const [learnerNc, ...workerNcs] = connections;
    const sent: RolloutSent[][] = [[], []];
    const workers = workerNcs.map((nc, w) => runWorker({ nc, prefix, signal: stop.signal, onRollout: (s) => sent[w].push(s) }));
    const ppo = await PPO.create({ config: CONFIG });
    // No resends (a long interval): the learner then counts exactly what the workers published.
    const learner = await createLearner({ nc: learnerNc, config: ppo.config, prefix, expectWorkers: 2, resendMs: 600_000 });
    await ppo.train({ collect: learner.collect });
    const traffic = learner.lastTraffic;
    learner.close();
    stop.abort();
    await Promise.all(workers);
    await ppo.close();
    await Promise.all(connections.map((nc) => nc.close()));

    const all = sent.flat();
    for (const version of [0, 1, 2]) {
      const of = all.filter((s) => s.version === version);
      expect(of.flatMap((s) => s.slots).sort()).toEqual([0, 1, 2]);
      expect(of.reduce((n, s) => n + s.steps, 0)).toBe(3 * 16);
    }
    expect(sent.every((w) => w.length > 0)).toBe(true);
    const last = all.filter((s) => s.version === 2);
    expect(last.reduce((n, s) => n + s.messages, 0)).toBe(traffic?.chunkMessages);
    expect(last.reduce((n, s) => n + s.bytes, 0)).toBe(traffic?.chunkBytes);
    expect(traffic?.chunkMessages).toBeGreaterThan(3);
  });
});
