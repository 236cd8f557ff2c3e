// Registers an env through the ESM build, for smoke-dist: workers must see it.
import { CartPoleEnv, isRegistered, register } from '@ppo/envs';

if (!isRegistered('SmokeEsm-v0')) register('SmokeEsm-v0', () => new CartPoleEnv(), { maxEpisodeSteps: 7 });
