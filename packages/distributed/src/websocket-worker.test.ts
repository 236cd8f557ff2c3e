import { wsconnect, type NatsConnection } from '@nats-io/nats-core';
import { selectBackend } from '@ppo/nets';
import { MemoryLogger, PPO, type PPOConfig } from '@ppo/trainer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connect } from './connect';
import { createLearner } from './learner';
import { startNatsServer, type NatsServerFixture } from './nats-server-fixture';
import { runWorker } from './worker';

const CONFIG: Partial<PPOConfig> = { env: 'CartPole-v1', numEnvs: 2, numSteps: 64, totalSteps: 2 * 64 * 2, updateEpochs: 1, numMinibatches: 2, seed: 4 };

/** A browser's connection: the main entry's `wsconnect` (Node 20 has no global WebSocket, so `ws` stands in). */
function browserLikeConnection(server: NatsServerFixture): Promise<NatsConnection> {
  return wsconnect({
    servers: server.wsUrl as string,
    token: server.token,
    wsFactory: (url: string) => Promise.resolve({ socket: new WebSocket(url) as unknown as globalThis.WebSocket, encrypted: false }),
  });
}

describe('a worker over the WebSocket transport', () => {
  let server: NatsServerFixture;
  beforeAll(async () => {
    await selectBackend('cpu');
    server = await startNatsServer({ websocket: true });
  });
  afterAll(async () => server?.dispose());

  it('serves a TCP learner and gives the single-process metrics', async () => {
    const alone = await PPO.create({ config: CONFIG });
    const expected = new MemoryLogger();
    await alone.train({ loggers: [expected] });
    await alone.close();

    const workerNc = await browserLikeConnection(server);
    const learnerNc = await connect({ servers: server.url, token: server.token });
    const stop = new AbortController();
    const worker = runWorker({ nc: workerNc, prefix: 'ws', signal: stop.signal });
    const ppo = await PPO.create({ config: CONFIG });
    const learner = await createLearner({ nc: learnerNc, config: ppo.config, prefix: 'ws' });
    const logger = new MemoryLogger();
    await ppo.train({ collect: learner.collect, loggers: [logger] });
    learner.close();
    stop.abort();
    await worker;
    await ppo.close();
    await Promise.all([workerNc.close(), learnerNc.close()]);
    const strip = (records: MemoryLogger['records']) => records.map(({ step, metrics }) => ({ step, metrics: { ...metrics, 'charts/SPS': 0 } }));
    expect(strip(logger.records)).toEqual(strip(expected.records));
  });
});
