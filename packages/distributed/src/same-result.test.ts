import { selectBackend } from '@ppo/nets';
import type { PPOConfig } from '@ppo/trainer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNatsServer, type NatsServerFixture } from './nats-server-fixture';
import { runSingle, runWithWorkers, type RunOutcome } from './test-runs';

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

function expectSameRun(actual: RunOutcome, expected: RunOutcome): void {
  expect(actual.metrics).toEqual(expected.metrics);
  expect(actual.normalization).toEqual(expected.normalization);
  expect([...actual.weights.keys()]).toEqual([...expected.weights.keys()]);
  for (const [name, values] of expected.weights) expect(actual.weights.get(name), name).toEqual(values);
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
    const expected = await runSingle(CONFIG);
    const actual = await runWithWorkers(server, CONFIG, numWorkers, `same${numWorkers}`);
    expect(actual.traffic?.chunkMessages).toBeGreaterThan(2 * 4);
    expect(actual.metrics.some((r) => 'charts/episodic_return' in r.metrics)).toBe(true);
    expectSameRun(actual, expected);
  });

  it('gives the single-process run with observation and reward normalization when there is one env', async () => {
    const config = { ...CONFIG, numEnvs: 1, numSteps: 96, totalSteps: 96 * 3, normalizeObservation: true, normalizeReward: true };
    const expected = await runSingle(config);
    expect(expected.normalization).toMatchObject({ observation: { size: 4 }, reward: { size: 1 } });
    expectSameRun(await runWithWorkers(server, config, 1, 'norm1'), expected);
  });

  it('with normalization and several envs (statistics per slot) gives the same run for any number of workers', async () => {
    const config = { ...CONFIG, normalizeObservation: true, normalizeReward: true };
    const one = await runWithWorkers(server, config, 1, 'norm-a');
    expectSameRun(await runWithWorkers(server, config, 3, 'norm-b'), one);
    // Not the single-process run: its statistics are shared by the envs.
    const single = await runSingle(config);
    expect(one.normalization).not.toEqual(single.normalization);
  });
});
