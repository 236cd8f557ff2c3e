import { selectBackend } from '@ppo/nets/node';
import { PPO, StopOnReward } from '@ppo/trainer';
await selectBackend('wasm');
for (const seed of [1, 2, 3, 4, 5]) {
  const solved = new StopOnReward({ threshold: 475, window: 20 });
  const ppo = await PPO.create({ preset: 'classic', config: { env: 'CartPole-v1', seed, totalSteps: 500_000 } });
  const t = Date.now();
  await ppo.train({ callbacks: [solved] });
  console.log(JSON.stringify({ seed, solvedAt: solved.solvedAt, seconds: (Date.now() - t) / 1000 }));
  await ppo.close();
}
