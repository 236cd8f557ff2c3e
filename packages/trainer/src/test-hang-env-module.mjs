// An env module for the hang tests: importing it registers TestHang-v0, whose `step` never
// returns after `hangAfter` steps (counted from construction) and whose constructor never
// returns with `hangInMake`. Plain JavaScript, so that worker threads can import it too.
import { Box, Discrete, register } from '@ppo/envs';

function spinForever() {
  for (;;) {
    // an env that never answers and never yields
  }
}

class HangEnv {
  observationSpace = new Box({ low: -1, high: 1, shape: [1] });
  actionSpace = new Discrete({ n: 2 });
  steps = 0;

  constructor(options) {
    this.hangAfter = options.hangAfter ?? Infinity;
    if (options.hangInMake === true) spinForever();
  }

  reset() {
    return { observation: Float32Array.of(0), info: {} };
  }

  step(action) {
    if (++this.steps > this.hangAfter) spinForever();
    return { observation: Float32Array.of(action === 1 ? 0.5 : -0.5), reward: 1, terminated: false, truncated: false, info: {} };
  }

  close() {}
}

register('TestHang-v0', (options = {}) => new HangEnv(options), { maxEpisodeSteps: 8 });
