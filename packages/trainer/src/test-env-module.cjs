// A CommonJS env module for the tests: requiring it registers TestCjsCoin-v0 through the
// CommonJS build of @ppo/envs, which must land in the same registry as the ESM build's.
/* global require */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS env module on purpose
const { Box, Discrete, register } = require('@ppo/envs');

class CoinEnv {
  constructor() {
    this.observationSpace = new Box({ low: 0, high: 1, shape: [1] });
    this.actionSpace = new Discrete({ n: 2 });
  }
  reset() {
    return { observation: Float32Array.of(0), info: {} };
  }
  step(action) {
    return { observation: Float32Array.of(action), reward: action, terminated: true, truncated: false, info: {} };
  }
  close() {}
}

register('TestCjsCoin-v0', () => new CoinEnv(), { maxEpisodeSteps: 1 });
