// An env module for the CLI tests: importing it registers TestSign-v0. Plain JavaScript, so that
// the worker threads of the async vector env can import it too.
import { Box, Discrete, register } from '@ppo/envs';

/** Observe x in [-1, 1); reward 1 for action 1 when x > 0 or action 0 otherwise. */
class SignEnv {
  observationSpace = new Box({ low: -1, high: 1, shape: [1] });
  actionSpace = new Discrete({ n: 2 });
  state = 1;
  x = 0;

  draw() {
    // A 32-bit LCG: seeded, so runs repeat exactly.
    this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
    this.x = this.state / 2 ** 31 - 1;
    return Float32Array.of(this.x);
  }

  reset(options = {}) {
    if (options.seed !== undefined) this.state = options.seed >>> 0;
    return { observation: this.draw(), info: {} };
  }

  step(action) {
    const reward = (action === 1) === this.x > 0 ? 1 : 0;
    return { observation: this.draw(), reward, terminated: false, truncated: false, info: {} };
  }

  close() {}
}

register('TestSign-v0', () => new SignEnv(), { maxEpisodeSteps: 8 });
