/** Test helpers (not exported): the same config trained in one process, or with workers over NATS. */
import { MemoryLogger, PPO, type PPOConfig } from '@ppo/trainer';
import { connect } from './connect';
import { createLearner, type RolloutTraffic } from './learner';
import type { NatsServerFixture } from './nats-server-fixture';
import { runWorker } from './worker';

/** What a run leaves: logged metrics (without the wall-clock `charts/SPS`), final weights, normalization statistics. */
export interface RunOutcome {
  readonly metrics: MemoryLogger['records'];
  readonly weights: Map<string, Float32Array>;
  readonly normalization: unknown;
  readonly traffic: RolloutTraffic | null;
}

function outcome(ppo: PPO, logger: MemoryLogger, traffic: RolloutTraffic | null): RunOutcome {
  return {
    metrics: logger.records.map(({ step, metrics }) => ({ step, metrics: Object.fromEntries(Object.entries(metrics).filter(([k]) => k !== 'charts/SPS')) })),
    weights: ppo.policy.getWeights(),
    normalization: ppo.checkpoint().meta.normalization,
    traffic,
  };
}

/** Trains `config` in this process. */
export async function runSingle(config: Partial<PPOConfig>): Promise<RunOutcome> {
  const ppo = await PPO.create({ config });
  const logger = new MemoryLogger();
  await ppo.train({ loggers: [logger] });
  const result = outcome(ppo, logger, null);
  await ppo.close();
  return result;
}

/** Trains `config` with `numWorkers` in-process workers, each on its own connection, under `prefix`. */
export async function runWithWorkers(server: NatsServerFixture, config: Partial<PPOConfig>, numWorkers: number, prefix: string): Promise<RunOutcome> {
  const stop = new AbortController();
  const connections = await Promise.all(Array.from({ length: numWorkers + 1 }, () => connect({ servers: server.url, token: server.token })));
  const [learnerNc, ...workerNcs] = connections;
  const workers = workerNcs.map((nc) => runWorker({ nc, prefix, signal: stop.signal }));
  const ppo = await PPO.create({ config });
  const learner = await createLearner({ nc: learnerNc, config: ppo.config, prefix, expectWorkers: numWorkers });
  const logger = new MemoryLogger();
  try {
    await ppo.train({ loggers: [logger], collect: learner.collect });
    return outcome(ppo, logger, learner.lastTraffic);
  } finally {
    learner.close();
    stop.abort();
    await Promise.all(workers);
    await ppo.close();
    await Promise.all(connections.map((nc) => nc.close()));
  }
}
