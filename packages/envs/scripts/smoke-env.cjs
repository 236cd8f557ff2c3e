// Registers an env through the CommonJS build, for smoke-dist: workers must see it.
/* global require */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS consumer on purpose
const { CartPoleEnv, isRegistered, register } = require('@ppo/envs');

if (!isRegistered('SmokeCjs-v0')) register('SmokeCjs-v0', () => new CartPoleEnv(), { maxEpisodeSteps: 9 });
