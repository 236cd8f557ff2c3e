import { Rng } from '@ppo/utils';
import { describe, expect, it } from 'vitest';
import type { Env } from '../env';
import { checkEnv } from '../check-env';
import { make } from '../registry';
import { Box, Dict, Discrete, MultiDiscrete } from '../spaces';

import { SyncVectorEnv } from '../vector/sync-vector-env';
import { DriftEnv, RandomWalkEnv } from '../vector/test-envs';
import { VectorNormalizeObservation, VectorNormalizeReward } from '../vector/vector-wrappers';
import { ClipReward } from './clip-reward';
import { RescaleAction } from './rescale-action';
import { referenceStats } from './test-reference';
import {
  ClipAction,
  ClipObservation,
  FlattenObservation,
  FrameStack,
  FrameStackObservation,
  NormalizeObservation,
  NormalizeReward,
  RecordEpisodeStatistics,
  TransformObservation,
  TransformReward,
} from './wrappers';

/** Runs `steps` random-walk steps with actions from `seed`, resetting after each episode. */
function drive<E extends Env<Float32Array, number>>(env: E, steps: number, seed: number, each: (r: ReturnType<E['step']>, t: number) => void): void {
  const rng = new Rng(seed);
  for (let t = 0; t < steps; t++) {
    const r = env.step(rng.nextInt(3)) as ReturnType<E['step']>;
    each(r, t);
    if (r.terminated || r.truncated) env.reset();
  }
}

describe('RecordEpisodeStatistics', () => {
  it('adds the raw return and length on the last step of an episode', () => {
    const raw = new RandomWalkEnv();
    const env = new RecordEpisodeStatistics(new RandomWalkEnv(), { bufferLength: 3 });
    raw.reset({ seed: 1 });
    env.reset({ seed: 1 });
    let sum = 0;
    let length = 0;
    let episodes = 0;
    const rng = new Rng(2);
    for (let t = 0; t < 100; t++) {
      const a = rng.nextInt(3);
      const r = raw.step(a);
      const w = env.step(a);
      sum += r.reward;
      length++;
      expect(w.reward).toBe(r.reward);
      if (r.terminated || r.truncated) {
        const episode = w.info.episode as { r: number; l: number };
        expect(episode.r).toBeCloseTo(sum, 12);
        expect(episode.l).toBe(length);
        episodes++;
        sum = 0;
        length = 0;
        raw.reset();
        env.reset();
      } else {
        expect(w.info.episode).toBeUndefined();
      }
    }
    expect(episodes).toBeGreaterThan(5);
    expect(env.returnQueue.length).toBe(3);
    expect(env.lengthQueue.length).toBe(3);
  });
});

describe('NormalizeObservation', () => {
  it('normalizes with statistics over every observation seen', () => {
    const raw = new RandomWalkEnv();
    const env = new NormalizeObservation(new RandomWalkEnv());
    const seen: number[][] = [];
    const check = (got: Float32Array, x: Float32Array) => {
      seen.push(Array.from(x));
      const s = referenceStats(seen, 3);
      for (let j = 0; j < 3; j++) expect(got[j]).toBeCloseTo((x[j] - s.mean[j]) / Math.sqrt(s.var[j] + 1e-8), 5);
    };
    check(env.reset({ seed: 4 }).observation, raw.reset({ seed: 4 }).observation);
    const rng = new Rng(5);
    for (let t = 0; t < 60; t++) {
      const a = rng.nextInt(3);
      const r = raw.step(a);
      const w = env.step(a);
      check(w.observation, r.observation);
      if (r.terminated || r.truncated) check(env.reset().observation, raw.reset().observation);
    }
  });

  it('agrees with the vector version on one env, and can be frozen and restored', () => {
    const env = new NormalizeObservation(new RandomWalkEnv());
    const venv = new VectorNormalizeObservation(new SyncVectorEnv([() => new RandomWalkEnv()]));
    expect(Array.from(env.reset({ seed: 6 }).observation)).toEqual(Array.from(venv.reset({ seed: 6 }).observations));
    // Within an episode both see the same observations in the same order. (At an episode end
    // they differ by design: the vector version's step batch holds the next episode's first
    // observation, the single-env version sees the final one and then the reset one.)
    const rng = new Rng(7);
    let compared = 0;
    for (;;) {
      const a = rng.nextInt(3);
      const w = env.step(a);
      const v = venv.step(new Int32Array([a]));
      if (w.terminated || w.truncated) break;
      expect(Array.from(v.observations)).toEqual(Array.from(w.observation));
      compared++;
    }
    expect(compared).toBeGreaterThan(1);
    env.reset();
    drive(env, 40, 8, () => undefined);
    const state = env.getState();
    env.frozen = true;
    drive(env, 10, 8, () => undefined);
    expect(env.getState()).toEqual(state);
    const other = new NormalizeObservation(new RandomWalkEnv());
    other.setState(state);
    other.frozen = true;
    expect(Array.from(other.reset({ seed: 9 }).observation)).toEqual(Array.from(env.reset({ seed: 9 }).observation));
  });
});

describe('NormalizeReward', () => {
  /**
   * Replays 150 random-walk steps (episodes end by termination and by the 12-step truncation)
   * through the wrapper and checks every reward against the naive variance of the discounted
   * returns seen so far, `G` following Gymnasium's recursion or the older one.
   */
  function checkAgainstReference(gamma: number, resetOnTruncation: boolean): void {
    const raw = new RandomWalkEnv();
    const env = new NormalizeReward(new RandomWalkEnv(), { gamma, resetOnTruncation });
    raw.reset({ seed: 3 });
    env.reset({ seed: 3 });
    let G = 0;
    const history: number[][] = [];
    const rng = new Rng(4);
    let truncations = 0;
    let terminations = 0;
    for (let t = 0; t < 150; t++) {
      const a = rng.nextInt(3);
      const r = raw.step(a);
      const w = env.step(a);
      // The wrapper sees the reward as a float32 (typed arrays are the boundary).
      const reward = Math.fround(r.reward);
      if (resetOnTruncation) G = G * gamma + reward;
      else G = G * gamma * (1 - Number(r.terminated)) + reward; // Gymnasium 1.x, verbatim
      history.push([G]);
      const { var: v } = referenceStats(history, 1);
      expect(w.reward).toBeCloseTo(r.reward / Math.sqrt(v[0] + 1e-8), 5);
      expect(env.rms.var[0]).toBeCloseTo(v[0], 9);
      if (r.terminated || r.truncated) {
        if (resetOnTruncation) G = 0;
        if (r.truncated) truncations++;
        else terminations++;
        raw.reset();
        env.reset();
      }
    }
    expect(truncations).toBeGreaterThan(2);
    expect(terminations).toBeGreaterThan(2);
  }

  for (const gamma of [0, 0.9, 0.99]) {
    it(`follows Gymnasium's recursion, G kept across truncations and resets (gamma ${gamma})`, () => checkAgainstReference(gamma, false));
    it(`follows the gym/SB3 recursion with resetOnTruncation (gamma ${gamma})`, () => checkAgainstReference(gamma, true));
  }

  it('keeps G across a truncation but drops it on a terminal step', () => {
    // Rewards 1, 1, 1, 4; the second step truncates, the fourth terminates.
    const flags = [
      { terminated: false, truncated: false },
      { terminated: false, truncated: true },
      { terminated: false, truncated: false },
      { terminated: true, truncated: false },
    ];
    const scripted = (): Env<Float32Array, number> => {
      let t = 0;
      return {
        observationSpace: new Box({ low: 0, high: 1, shape: [1] }),
        actionSpace: new Discrete({ n: 1 }),
        reset: () => ({ observation: new Float32Array(1), info: {} }),
        step: () => {
          const k = t++;
          return { observation: new Float32Array(1), reward: k === 3 ? 4 : 1, ...flags[k], info: {} };
        },
        close: () => {},
      };
    };
    const returns = (resetOnTruncation: boolean): number[] => {
      const env = new NormalizeReward(scripted(), { gamma: 0.5, resetOnTruncation });
      env.reset();
      const seen: number[] = [];
      for (let t = 0; t < 4; t++) {
        const r = env.step(0);
        // The statistics' mean times count is the sum of the returns seen (the prior mean is 0).
        seen.push(env.rms.mean[0] * env.rms.count - seen.reduce((x, y) => x + y, 0));
        if (r.truncated) env.reset();
      }
      return seen;
    };
    // Gymnasium: 1, 1.5, 1.75 (kept across the truncation), then 4 (dropped on the terminal step).
    expect(returns(false).map((g) => Number(g.toFixed(9)))).toEqual([1, 1.5, 1.75, 4]);
    // gym/SB3: 1, 1.5, then 1 (restarted after the truncation), 4.5 (kept on the terminal step).
    expect(returns(true).map((g) => Number(g.toFixed(9)))).toEqual([1, 1.5, 1, 4.5]);
    expect(() => new NormalizeReward(scripted(), { resetOnTruncation: 1 as unknown as boolean })).toThrow(
      /NormalizeReward: resetOnTruncation must be a boolean, got 1/,
    );
  });

  it('equals the vector version on one env', () => {
    const env = new NormalizeReward(new RandomWalkEnv(), { gamma: 0.95 });
    const venv = new VectorNormalizeReward(new SyncVectorEnv([() => new RandomWalkEnv()]), { gamma: 0.95 });
    env.reset({ seed: 1 });
    venv.reset({ seed: 1 });
    const rng = new Rng(2);
    for (let t = 0; t < 80; t++) {
      const a = rng.nextInt(3);
      const w = env.step(a);
      expect(venv.step(new Int32Array([a])).rewards[0]).toBe(Math.fround(w.reward));
      if (w.terminated || w.truncated) env.reset();
    }
    env.frozen = true;
    const state = env.getState();
    drive(env, 20, 3, () => undefined);
    expect(env.getState()).toEqual(state);
  });
});

describe('ClipAction', () => {
  it('shows an unbounded action space and clips to the env bounds', () => {
    const raw = new DriftEnv();
    const env = new ClipAction(new DriftEnv());
    const space = env.actionSpace as Box;
    expect(Array.from(space.low)).toEqual([-Infinity, -Infinity]);
    expect(space.contains(new Float32Array([10, -10]))).toBe(true);
    raw.reset({ seed: 1 });
    env.reset({ seed: 1 });
    const r = raw.step(new Float32Array([1, -2]));
    const w = env.step(new Float32Array([10, -10]));
    expect(Array.from(w.observation)).toEqual(Array.from(r.observation));
    expect(() => env.step(new Float32Array(3))).toThrow(/length 2/);
    expect(() => new ClipAction(make('CartPole-v1') as unknown as Env<Float32Array, Float32Array>)).toThrow(/Box action space/);
  });
});

describe('ClipObservation, TransformObservation, TransformReward', () => {
  it('transform as computed by hand', () => {
    const raw = new DriftEnv();
    const clipped = new ClipObservation(new DriftEnv(), { low: -0.25, high: [0.5, 0.25] });
    const doubled = new TransformObservation(new DriftEnv(), (x: Float32Array) => x.map((v) => 2 * v));
    const rewards = new TransformReward(new DriftEnv(), (r) => r / 10 - 1);
    expect(Array.from((clipped.observationSpace as Box).high)).toEqual([0.5, 0.25]);
    const x0 = raw.reset({ seed: 2 }).observation;
    expect(Array.from(clipped.reset({ seed: 2 }).observation)).toEqual(Array.from(x0, (v, k) => Math.max(-0.25, Math.min(k === 0 ? 0.5 : 0.25, v))));
    expect(Array.from(doubled.reset({ seed: 2 }).observation)).toEqual(Array.from(x0, (v) => 2 * v));
    rewards.reset({ seed: 2 });
    const a = new Float32Array([0.2, -0.3]);
    const r = raw.step(a);
    clipped.step(a);
    expect(Array.from(doubled.step(a).observation)).toEqual(Array.from(r.observation, (v) => 2 * v));
    expect(rewards.step(a).reward).toBe(r.reward / 10 - 1);
    expect(doubled.unwrapped).toBeInstanceOf(DriftEnv);
  });
});

describe('FlattenObservation', () => {
  it('flattens a Dict observation to a Box with one-hot discrete parts', () => {
    const space = new Dict({
      spaces: {
        b: new Box({ low: [-1, 0], high: [1, 5] }),
        a: new Discrete({ n: 3 }),
        c: new MultiDiscrete({ nvec: [2, 2] }),
      },
    });
    const inner: Env<Record<string, unknown>, number> = {
      observationSpace: space,
      actionSpace: new Discrete({ n: 2 }),
      reset: () => ({ observation: { a: 2, b: new Float32Array([0.5, 4]), c: new Int32Array([1, 0]) }, info: {} }),
      step: () => ({ observation: { a: 0, b: new Float32Array([-1, 0]), c: new Int32Array([0, 1]) }, reward: 0, terminated: false, truncated: false, info: {} }),
      close: () => {},
    };
    const env = new FlattenObservation(inner);
    const box = env.observationSpace as Box;
    expect(box.shape).toEqual([9]);
    // Keys in sorted order: a (one-hot 3), b (2 values), c (one-hot 2 + 2).
    expect(Array.from(box.low)).toEqual([0, 0, 0, -1, 0, 0, 0, 0, 0]);
    expect(Array.from(box.high)).toEqual([1, 1, 1, 1, 5, 1, 1, 1, 1]);
    expect(Array.from(env.reset().observation)).toEqual([0, 0, 1, 0.5, 4, 0, 1, 1, 0]);
    expect(Array.from(env.step(0).observation)).toEqual([1, 0, 0, -1, 0, 1, 0, 0, 1]);
  });
});

describe('FrameStackObservation', () => {
  it('stacks the last frames, oldest first, padding with the reset frame', () => {
    const raw = new RandomWalkEnv();
    const env = new FrameStackObservation(new RandomWalkEnv(), { stackSize: 3 });
    expect(env.observationSpace.shape).toEqual([3, 3]);
    const frames = [Array.from(raw.reset({ seed: 1 }).observation)];
    let stacked = Array.from(env.reset({ seed: 1 }).observation);
    expect(stacked).toEqual([...frames[0], ...frames[0], ...frames[0]]);
    for (const a of [2, 0, 1, 2]) {
      frames.push(Array.from(raw.step(a).observation));
      stacked = Array.from(env.step(a).observation);
      const last = frames.slice(-3);
      while (last.length < 3) last.unshift(frames[0]);
      expect(stacked).toEqual(last.flat());
    }
  });

  it('pads with zeros on request and validates its options', () => {
    const env = new FrameStackObservation(new RandomWalkEnv(), { stackSize: 2, padding: 'zero' });
    const x = Array.from(new RandomWalkEnv().reset({ seed: 5 }).observation);
    expect(Array.from(env.reset({ seed: 5 }).observation)).toEqual([0, 0, 0, ...x]);
    expect(env.observationSpace.contains(env.reset({ seed: 5 }).observation)).toBe(true);
    expect(() => new FrameStackObservation(new RandomWalkEnv(), { stackSize: 0 })).toThrow(/FrameStackObservation: stackSize must be a positive integer/);
    expect(() => new FrameStackObservation(new RandomWalkEnv(), { stackSize: 2, padding: 'edge' as 'zero' })).toThrow(/padding/);
  });

  it('keeps the Gymnasium 0.x name FrameStack as an alias of the same class', () => {
    expect(FrameStack).toBe(FrameStackObservation);
    const old = new FrameStack(new RandomWalkEnv(), { stackSize: 2 });
    expect(old).toBeInstanceOf(FrameStackObservation);
    expect(old.observationSpace.shape).toEqual([2, 3]);
  });
});

describe('checkEnv accepts the wrapped envs', () => {
  const frozen = <T extends { frozen: boolean }>(w: T): T => {
    // Statistics that move between the checker's two seeded rollouts would change the trajectory.
    w.frozen = true;
    return w;
  };
  const cases: [string, () => Env<unknown, unknown>][] = [
    ['RecordEpisodeStatistics(CartPole-v1)', () => new RecordEpisodeStatistics(make('CartPole-v1'))],
    ['NormalizeObservation(CartPole-v1)', () => frozen(new NormalizeObservation(make('CartPole-v1'), { clip: 5 }))],
    ['NormalizeReward(Pendulum-v1)', () => frozen(new NormalizeReward(make('Pendulum-v1')))],
    ['ClipAction(Pendulum-v1)', () => new ClipAction(make<Float32Array, Float32Array>('Pendulum-v1'))],
    ['ClipObservation(Acrobot-v1)', () => new ClipObservation(make('Acrobot-v1'), { low: -0.5, high: 0.5 })],
    ['FlattenObservation(MountainCar-v0)', () => new FlattenObservation(make('MountainCar-v0'))],
    ['FrameStackObservation(CartPole-v1)', () => new FrameStackObservation(make('CartPole-v1'), { stackSize: 4 })],
    ['RescaleAction(Pendulum-v1)', () => new RescaleAction(make<Float32Array, Float32Array>('Pendulum-v1'), { min: -1, max: 1 })],
    ['ClipReward(Pendulum-v1)', () => new ClipReward(make('Pendulum-v1'), { min: -1 })],
    ['TransformReward(MountainCarContinuous-v0)', () => new TransformReward(make('MountainCarContinuous-v0'), (r) => r / 100)],
  ];
  for (const [name, build] of cases) {
    it(name, () => {
      const env = build();
      expect(() => checkEnv(env, { steps: 60 })).not.toThrow();
      // The wrappers pass the id and the frames of the env they wrap through.
      expect(env.id).toBeDefined();
      expect(env.render?.().kind).toBe('svg');
    });
  }
});
