/** Small environments used by the trainer's tests (not exported). */
import { Box, MultiBinary, MultiDiscrete, type Env, type Space, type StepResult } from '@ppo/envs';
import { Rng } from '@ppo/buffers';

/**
 * A one-dimensional task whose reward is 1 when the action matches a target derived from the
 * observation; with `nanAtStep` the observation of that step (counted over the env's life) is NaN.
 */
export class MatchEnv<Act> implements Env<Float32Array, Act> {
  readonly observationSpace = new Box({ low: -1, high: 1, shape: [2] });
  readonly actionSpace: Space<Act>;
  private rng = new Rng(0);
  private obs = new Float32Array(2);
  private t = 0;
  private lifeSteps = 0;
  private readonly nanAtStep: number | null;
  private readonly score: (obs: Float32Array, action: Act) => number;

  constructor(actionSpace: Space<Act>, score: (obs: Float32Array, action: Act) => number, nanAtStep: number | null = null) {
    this.actionSpace = actionSpace;
    this.score = score;
    this.nanAtStep = nanAtStep;
  }

  reset(options: { seed?: number } = {}): { observation: Float32Array; info: Record<string, unknown> } {
    if (options.seed !== undefined) this.rng = new Rng(options.seed);
    this.t = 0;
    this.draw();
    return { observation: Float32Array.from(this.obs), info: {} };
  }

  private draw(): void {
    this.obs[0] = this.rng.uniform(-1, 1);
    this.obs[1] = this.rng.uniform(-1, 1);
  }

  step(action: Act): StepResult<Float32Array> {
    const reward = this.score(this.obs, action);
    this.t += 1;
    this.lifeSteps += 1;
    this.draw();
    const observation = Float32Array.from(this.obs);
    if (this.nanAtStep !== null && this.lifeSteps >= this.nanAtStep) observation[1] = Number.NaN;
    return { observation, reward, terminated: false, truncated: this.t >= 16, info: {} };
  }

  close(): void {}
}

/** MatchEnv with a MultiDiscrete([3, 2]) action: reward for matching the signs of the observation. */
export function multiDiscreteEnv(): Env<Float32Array, Int32Array> {
  return new MatchEnv(new MultiDiscrete({ nvec: [3, 2] }), (obs, a) => (a[0] === (obs[0] > 0 ? 2 : 0) ? 0.5 : 0) + (a[1] === (obs[1] > 0 ? 1 : 0) ? 0.5 : 0));
}

/** MatchEnv with a MultiBinary(2) action. */
export function multiBinaryEnv(): Env<Float32Array, Uint8Array> {
  return new MatchEnv(new MultiBinary({ n: 2 }), (obs, a) => (a[0] === (obs[0] > 0 ? 1 : 0) ? 0.5 : 0) + (a[1] === (obs[1] > 0 ? 1 : 0) ? 0.5 : 0));
}

/** MatchEnv with a Box action whose observation turns NaN at `nanAtStep`. */
export function nanEnv(nanAtStep: number): Env<Float32Array, Float32Array> {
  return new MatchEnv(new Box({ low: -1, high: 1, shape: [1] }), (obs, a) => -Math.abs(a[0] - obs[0]), nanAtStep);
}
