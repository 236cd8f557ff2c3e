import { Rng } from '@ppo/utils';
import { describe, expect, it } from 'vitest';
import { make } from '../registry';
import { Box } from '../spaces';

import { referenceStats } from '../wrappers/test-reference';
import { SyncVectorEnv } from './sync-vector-env';
import { DriftEnv, RandomWalkEnv } from './test-envs';
import type { VectorEnv } from './vector-env';
import {
  VectorClipAction,
  VectorClipObservation,
  VectorClipReward,
  VectorNormalizeObservation,
  VectorNormalizeReward,
  VectorRecordEpisodeStatistics,
  VectorTransformReward,
} from './vector-wrappers';

const N = 4;
const walk = (): SyncVectorEnv => new SyncVectorEnv(Array.from({ length: N }, () => () => new RandomWalkEnv()));
const drift = (): SyncVectorEnv => new SyncVectorEnv(Array.from({ length: N }, () => () => new DriftEnv()));

function walkActions(steps: number, seed: number): Int32Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: steps }, () => Int32Array.from({ length: N }, () => rng.nextInt(3)));
}

const rows = (x: Float32Array, d: number, n: number): number[][] =>
  Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * d, (i + 1) * d)));

describe('VectorRecordEpisodeStatistics', () => {
  it('reports the raw return and length of every finished episode', () => {
    const raw = walk();
    const venv = new VectorRecordEpisodeStatistics(walk(), { bufferLength: 5 });
    raw.reset({ seed: 1 });
    venv.reset({ seed: 1 });
    const sums = new Float64Array(N);
    const lengths = new Int32Array(N);
    const finished: number[] = [];
    for (const actions of walkActions(120, 2)) {
      const r = raw.step(actions);
      const w = venv.step(actions);
      for (let i = 0; i < N; i++) {
        sums[i] += r.rewards[i];
        lengths[i]++;
        if (r.terminated[i] || r.truncated[i]) {
          const episode = w.infos[i].episode as { r: number; l: number; t: number };
          expect(episode.r).toBeCloseTo(sums[i], 12);
          expect(episode.l).toBe(lengths[i]);
          expect(episode.t).toBeGreaterThanOrEqual(0);
          // The inner info is kept alongside.
          expect(w.infos[i].finalInfo).toEqual(r.infos[i].finalInfo);
          finished.push(sums[i]);
          sums[i] = 0;
          lengths[i] = 0;
        } else {
          expect(w.infos[i].episode).toBeUndefined();
        }
      }
    }
    expect(finished.length).toBeGreaterThan(10);
    expect(venv.returnQueue.length).toBe(5);
    finished.slice(-5).forEach((v, k) => expect(venv.returnQueue[k]).toBeCloseTo(v, 12));
  });
});

describe('VectorNormalizeObservation', () => {
  it('matches statistics over every observation seen, for observations and final observations', () => {
    const raw = walk();
    const venv = new VectorNormalizeObservation(walk());
    const d = 3;
    const seen: number[][] = [];
    const normalize = (row: number[], s: { mean: number[]; var: number[] }) => row.map((v, j) => (v - s.mean[j]) / Math.sqrt(s.var[j] + 1e-8));
    const check = (got: Float32Array, want: number[][], stats: { mean: number[]; var: number[] }, only?: (i: number) => boolean) => {
      for (let i = 0; i < N; i++) {
        if (only && !only(i)) continue;
        const expected = normalize(want[i], stats);
        for (let j = 0; j < d; j++) expect(got[i * d + j]).toBeCloseTo(expected[j], 5);
      }
    };
    const r0 = raw.reset({ seed: 3 });
    seen.push(...rows(r0.observations, d, N));
    check(venv.reset({ seed: 3 }).observations, rows(r0.observations, d, N), referenceStats(seen, d));
    let finals = 0;
    for (const actions of walkActions(60, 4)) {
      const r = raw.step(actions);
      const w = venv.step(actions);
      seen.push(...rows(r.observations, d, N));
      const stats = referenceStats(seen, d);
      for (let j = 0; j < d; j++) {
        expect(venv.rms.mean[j]).toBeCloseTo(stats.mean[j], 10);
        expect(venv.rms.var[j]).toBeCloseTo(stats.var[j], 10);
      }
      check(w.observations, rows(r.observations, d, N), stats);
      const done = (i: number) => r.terminated[i] === 1 || r.truncated[i] === 1;
      for (let i = 0; i < N; i++) if (done(i)) finals++;
      check(w.finalObservations, rows(r.finalObservations, d, N), stats, done);
    }
    expect(finals).toBeGreaterThan(5);
  });

  it('can be frozen, saved and restored', () => {
    const a = new VectorNormalizeObservation(walk(), { clip: 2 });
    a.reset({ seed: 5 });
    for (const actions of walkActions(30, 6)) a.step(actions);
    a.frozen = true;
    const saved = JSON.parse(JSON.stringify(a.getState())) as ReturnType<typeof a.getState>;
    const b = new VectorNormalizeObservation(walk(), { clip: 2 });
    b.setState(saved);
    b.frozen = true;
    const ra = a.reset({ seed: 7 });
    const rb = b.reset({ seed: 7 });
    expect(Array.from(rb.observations)).toEqual(Array.from(ra.observations));
    for (const actions of walkActions(30, 8)) {
      const x = Array.from(a.step(actions).observations);
      expect(Array.from(b.step(actions).observations)).toEqual(x);
      for (const v of x) expect(Math.abs(v)).toBeLessThanOrEqual(2);
    }
    expect(a.getState()).toEqual(saved);
    expect(() => b.setState({ ...saved, size: 2 })).toThrow(/state.size must be 3/);
  });

  it('needs a Box observation space', () => {
    const venv = new SyncVectorEnv([() => ({
      observationSpace: new Box({ low: 0, high: 1, shape: [1] }),
      actionSpace: new Box({ low: 0, high: 1, shape: [1] }),
      reset: () => ({ observation: new Float32Array(1), info: {} }),
      step: () => ({ observation: new Float32Array(1), reward: 0, terminated: false, truncated: false, info: {} }),
      close: () => {},
    })]);
    expect(() => new VectorNormalizeObservation(venv, { epsilon: -1 })).toThrow(/epsilon must be a positive finite number/);
    expect(() => new VectorClipAction(walk())).toThrow(/needs a Box action space/);
  });
});

/**
 * The naive reference of reward normalization: every discounted return seen, in one pass, with
 * `G` following Gymnasium's recursion (kept across truncations) or the older gym/SB3 one.
 */
function checkRewardNormalization(gamma: number, clip: number | undefined, resetOnTruncation = false): void {
  const raw = walk();
  const venv: VectorNormalizeReward = new VectorNormalizeReward(walk(), { gamma, resetOnTruncation, ...(clip === undefined ? {} : { clip }) });
  raw.reset({ seed: 9 });
  venv.reset({ seed: 9 });
  const G = new Float64Array(N);
  const history: number[][] = [];
  let truncations = 0;
  let terminations = 0;
  for (const actions of walkActions(80, 10)) {
    const r = raw.step(actions);
    const w = venv.step(actions);
    for (let i = 0; i < N; i++) {
      if (resetOnTruncation) G[i] = G[i] * gamma + r.rewards[i];
      else G[i] = G[i] * gamma * (1 - r.terminated[i]) + r.rewards[i]; // Gymnasium 1.x, verbatim
      history.push([G[i]]);
    }
    const { var: v } = referenceStats(history, 1);
    for (let i = 0; i < N; i++) {
      let expected = r.rewards[i] / Math.sqrt(v[0] + 1e-8);
      if (clip !== undefined) expected = Math.max(-clip, Math.min(clip, expected));
      expect(w.rewards[i]).toBeCloseTo(expected, 5);
      if (r.terminated[i] || r.truncated[i]) {
        if (resetOnTruncation) G[i] = 0;
        if (r.truncated[i]) truncations++;
        else terminations++;
      }
    }
    expect(venv.rms.var[0]).toBeCloseTo(v[0], 9);
  }
  expect(truncations).toBeGreaterThan(5);
  expect(terminations).toBeGreaterThan(5);
}

describe('VectorNormalizeReward', () => {
  for (const gamma of [0, 0.5, 0.99]) {
    it(`follows Gymnasium's recursion (gamma ${gamma})`, () => checkRewardNormalization(gamma, undefined));
    it(`follows the gym/SB3 recursion with resetOnTruncation (gamma ${gamma})`, () => checkRewardNormalization(gamma, undefined, true));
  }
  it('clips when asked', () => checkRewardNormalization(0.9, 0.5));

  it('can be frozen and restored', () => {
    const a = new VectorNormalizeReward(walk());
    a.reset({ seed: 1 });
    for (const actions of walkActions(20, 2)) a.step(actions);
    a.frozen = true;
    const state = a.getState();
    for (const actions of walkActions(20, 3)) a.step(actions);
    expect(a.getState()).toEqual(state);
    const b = new VectorNormalizeReward(walk());
    b.setState(state);
    expect(b.getState()).toEqual(state);
    expect(() => new VectorNormalizeReward(walk(), { gamma: 1.5 })).toThrow(/gamma must be in \[0, 1\]/);
    expect(() => b.setState({ ...state, size: 3 })).toThrow(/state.size must be 1/);
  });
});

describe('VectorClipAction', () => {
  it('clips actions to the bounds before the envs see them', () => {
    const raw = drift();
    const venv = new VectorClipAction(drift());
    raw.reset({ seed: 2 });
    venv.reset({ seed: 2 });
    const rng = new Rng(3);
    for (let t = 0; t < 20; t++) {
      const actions = Float32Array.from({ length: N * 2 }, () => rng.uniform(-5, 5));
      const clipped = actions.map((v, k) => Math.max(k % 2 === 0 ? -1 : -2, Math.min(k % 2 === 0 ? 1 : 2, v)));
      expect(() => raw.step(actions)).toThrow(/outside the space/);
      raw.reset({ seed: 2 + t });
      venv.reset({ seed: 2 + t });
      const r = raw.step(clipped);
      expect(Array.from(venv.step(actions).observations)).toEqual(Array.from(r.observations));
    }
    expect(() => venv.step(new Float32Array(3))).toThrow(TypeError);
  });
});

describe('VectorClipObservation', () => {
  it('clips observations and final observations and narrows the space', () => {
    const raw = drift();
    const venv = new VectorClipObservation(drift(), { low: [-0.5, -1], high: 0.5 });
    const space = venv.singleObservationSpace as Box;
    expect(Array.from(space.low)).toEqual([-0.5, -1]);
    expect(Array.from(space.high)).toEqual([0.5, 0.5]);
    const clip = (x: Float32Array) => Array.from(x, (v, k) => Math.max(k % 2 === 0 ? -0.5 : -1, Math.min(0.5, v)));
    expect(Array.from(venv.reset({ seed: 4 }).observations)).toEqual(clip(raw.reset({ seed: 4 }).observations));
    const actions = new Float32Array(N * 2).fill(0.3);
    for (let t = 0; t < 20; t++) {
      const r = raw.step(actions);
      const w = venv.step(actions);
      expect(Array.from(w.observations)).toEqual(clip(r.observations));
      expect(Array.from(w.finalObservations)).toEqual(clip(r.finalObservations));
    }
    expect(() => new VectorClipObservation(drift(), { low: 1, high: 0 })).toThrow(/low\[0\]=1 must be <= high\[0\]=0/);
    expect(() => new VectorClipObservation(drift(), { low: [1, 2, 3], high: 4 })).toThrow(/array of 2 numbers/);
  });
});

describe('VectorTransformReward and VectorClipReward', () => {
  it('apply the function to every reward', () => {
    const make3 = (): VectorEnv => new SyncVectorEnv(Array.from({ length: 3 }, () => () => make('Pendulum-v1')));
    const raw = make3();
    const scaled = new VectorTransformReward(make3(), (r, i) => 0.5 * r + i);
    const clipped = new VectorClipReward(make3(), { min: -1, max: -0.5 });
    raw.reset({ seed: 1 });
    scaled.reset({ seed: 1 });
    clipped.reset({ seed: 1 });
    const actions = new Float32Array([0.5, -1, 2]);
    for (let t = 0; t < 10; t++) {
      const r = Array.from(raw.step(actions).rewards);
      expect(Array.from(scaled.step(actions).rewards)).toEqual(r.map((v, i) => Math.fround(0.5 * v + i)));
      expect(Array.from(clipped.step(actions).rewards)).toEqual(r.map((v) => Math.fround(Math.max(-1, Math.min(-0.5, v)))));
    }
    expect(() => new VectorClipReward(make3(), { min: 1, max: 0 })).toThrow(/min <= max/);
  });
});
