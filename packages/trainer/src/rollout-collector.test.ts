import { selectBackend } from '@ppo/nets';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectRollout, type RolloutCollector, type RolloutPosition } from './collect-rollout';
import { MemoryLogger } from './loggers';
import { PPO } from './ppo';

const CONFIG = { env: 'CartPole-v1', numEnvs: 2, numSteps: 16, totalSteps: 2 * 16 * 3, updateEpochs: 1, numMinibatches: 2, seed: 9 };

async function train(collect?: RolloutCollector): Promise<MemoryLogger['records']> {
  const ppo = await PPO.create({ config: CONFIG });
  const logger = new MemoryLogger();
  await ppo.train({ loggers: [logger], ...(collect === undefined ? {} : { collect }) });
  await ppo.close();
  return logger.records.map(({ step, metrics }) => ({ step, metrics: { ...metrics, 'charts/SPS': 0 } }));
}

describe("PPO.train's collect option", () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('calls the collector once per update with the weights version, and collectRollout passed through gives the default run', async () => {
    const positions: RolloutPosition[] = [];
    const collect: RolloutCollector = (options, position) => {
      positions.push(position);
      return collectRollout(options);
    };
    const withCollector = await train(collect);
    expect(positions).toEqual([{ update: 0 }, { update: 1 }, { update: 2 }]);
    expect(withCollector).toEqual(await train());
  });

  it('uses what the collector puts in the buffer', async () => {
    // A collector that zeroes the rewards after collecting changes the run.
    const zeroRewards: RolloutCollector = async (options) => {
      const result = await collectRollout(options);
      options.buffer.rewards.fill(0);
      return result;
    };
    expect(await train(zeroRewards)).not.toEqual(await train());
  });
});
