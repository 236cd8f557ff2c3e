/** Small environments used by the trainer's tests (not exported). */
import { Box, Dict, Discrete, MultiBinary, MultiDiscrete, type Env, type Space, type StepResult } from '@ppo/envs';
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

/** MatchEnv with a Discrete(2) action whose reward is `reward` from the env's `atStep`-th step on (0 before). */
export function badRewardEnv(reward: number, atStep: number): Env<Float32Array, number> {
  let steps = 0;
  return new MatchEnv(new Discrete({ n: 2 }), () => (++steps >= atStep ? reward : 0));
}

/** MatchEnv with a Box action in [-0.01, 0.01] that records every action it receives. */
export function recordingBoxEnv(received: number[]): Env<Float32Array, Float32Array> {
  return new MatchEnv(new Box({ low: -0.01, high: 0.01, shape: [1] }), (_obs, a) => {
    received.push(a[0]);
    return 0;
  });
}

/**
 * Observation `[k / 10, 0]` after `k` steps of an episode; reward 1 per step; the episode is
 * truncated (never terminated) at step `length`, whose final observation is `[length / 10, 1]`.
 * With `length` null it never ends.
 */
export class CounterEnv implements Env<Float32Array, number> {
  readonly observationSpace = new Box({ low: -10, high: 10, shape: [2] });
  readonly actionSpace = new Discrete({ n: 2 });
  private k = 0;
  constructor(private readonly length: number | null) {}

  reset(): { observation: Float32Array; info: Record<string, unknown> } {
    this.k = 0;
    return { observation: new Float32Array([0, 0]), info: {} };
  }

  step(): StepResult<Float32Array> {
    this.k += 1;
    const truncated = this.k === this.length;
    return { observation: new Float32Array([this.k / 10, truncated ? 1 : 0]), reward: 1, terminated: false, truncated, info: {} };
  }

  close(): void {}
}

/**
 * A MinAtar-like image task: observations [10, 10, 2] (channels last) with one lit cell in
 * channel 0 and a constant channel 1; reward 1 when the action (0 left, 1 right) names the
 * half the cell is in. Episodes are truncated after 16 steps.
 */
export class ImageEnv implements Env<Float32Array, number> {
  readonly observationSpace = new Box({ low: 0, high: 1, shape: [10, 10, 2] });
  readonly actionSpace = new Discrete({ n: 2 });
  private rng = new Rng(0);
  private column = 0;
  private t = 0;

  reset(options: { seed?: number } = {}): { observation: Float32Array; info: Record<string, unknown> } {
    if (options.seed !== undefined) this.rng = new Rng(options.seed);
    this.t = 0;
    return { observation: this.draw(), info: {} };
  }

  private draw(): Float32Array {
    const obs = new Float32Array(200);
    this.column = this.rng.nextInt(10);
    const row = this.rng.nextInt(10);
    obs[(row * 10 + this.column) * 2] = 1;
    for (let k = 1; k < 200; k += 2) obs[k] = 0.5;
    return obs;
  }

  step(action: number): StepResult<Float32Array> {
    const reward = action === (this.column < 5 ? 0 : 1) ? 1 : 0;
    this.t += 1;
    return { observation: this.draw(), reward, terminated: false, truncated: this.t >= 16, info: {} };
  }

  close(): void {}
}

/** Observation of {@link ImageVectorEnv}: a [6, 6, 1] image and a 2-vector. */
export type ImageVectorObservation = { image: Float32Array; state: Float32Array };

/**
 * A Dict observation task that needs both keys: `image` ([6, 6, 1]) has one lit cell, in the
 * left or the right half; `state` is `[b, 1 - b]` for a random bit b. Action `2 * half + b`
 * (Discrete(4)) earns 1, anything else 0; episodes end (terminated) after 8 steps. A random
 * policy scores 2 per episode, one that reads only one key at most 4, one that reads both 8.
 */
export class ImageVectorEnv implements Env<ImageVectorObservation, number> {
  readonly observationSpace = new Dict({
    spaces: { image: new Box({ low: 0, high: 1, shape: [6, 6, 1] }), state: new Box({ low: 0, high: 1, shape: [2] }) },
  });
  readonly actionSpace = new Discrete({ n: 4 });
  private rng = new Rng(0);
  private target = 0;
  private t = 0;

  reset(options: { seed?: number } = {}): { observation: ImageVectorObservation; info: Record<string, unknown> } {
    if (options.seed !== undefined) this.rng = new Rng(options.seed);
    this.t = 0;
    return { observation: this.draw(), info: {} };
  }

  private draw(): ImageVectorObservation {
    const image = new Float32Array(36);
    const column = this.rng.nextInt(6);
    image[this.rng.nextInt(6) * 6 + column] = 1;
    const bit = this.rng.nextInt(2);
    this.target = 2 * (column < 3 ? 0 : 1) + bit;
    return { image, state: Float32Array.from([bit, 1 - bit]) };
  }

  step(action: number): StepResult<ImageVectorObservation> {
    const reward = action === this.target ? 1 : 0;
    this.t += 1;
    return { observation: this.draw(), reward, terminated: this.t >= 8, truncated: false, info: {} };
  }

  close(): void {}
}
