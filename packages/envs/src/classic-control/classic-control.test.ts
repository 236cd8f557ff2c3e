import { describe, expect, it } from 'vitest';
import type { StatefulEnv } from '../env';
import { make } from '../registry';
import type { TimeLimit } from '../time-limit';
import { AcrobotEnv } from './acrobot';
import { CartPoleEnv } from './cartpole';
import { ContinuousMountainCarEnv } from './continuous-mountain-car';
import { MountainCarEnv } from './mountain-car';
import { angleNormalize, PendulumEnv } from './pendulum';

type AnyClassic = StatefulEnv<Float32Array, number | Float32Array>;

const THETA_THRESHOLD = (12 * 2 * Math.PI) / 360;

describe('reset distributions', () => {
  const cases: [string, () => AnyClassic, (state: Float64Array) => void, number[], number[]][] = [
    ['CartPole-v1', () => new CartPoleEnv(), () => {}, [-0.05, -0.05, -0.05, -0.05], [0.05, 0.05, 0.05, 0.05]],
    [
      'Acrobot-v1',
      () => new AcrobotEnv(),
      // Gymnasium stores the reset state as float32.
      (s) => s.forEach((v) => expect(Math.fround(v)).toBe(v)),
      [-0.1, -0.1, -0.1, -0.1],
      [0.1, 0.1, 0.1, 0.1],
    ],
    ['MountainCar-v0', () => new MountainCarEnv(), (s) => expect(s[1]).toBe(0), [-0.6, 0], [-0.4, 0]],
    ['MountainCarContinuous-v0', () => new ContinuousMountainCarEnv(), (s) => expect(s[1]).toBe(0), [-0.6, 0], [-0.4, 0]],
    ['Pendulum-v1', () => new PendulumEnv(), () => {}, [-Math.PI, -1], [Math.PI, 1]],
  ];

  it.each(cases)('%s draws its state uniformly from the documented box', (_id, create, extra, low, high) => {
    const env = create();
    const n = 400;
    const min = low.map(() => Infinity);
    const max = low.map(() => -Infinity);
    for (let seed = 0; seed < n; seed++) {
      env.reset({ seed });
      const s = env.getState();
      extra(s);
      s.forEach((v, k) => {
        expect(v).toBeGreaterThanOrEqual(low[k]);
        expect(v).toBeLessThanOrEqual(high[k]);
        min[k] = Math.min(min[k], v);
        max[k] = Math.max(max[k], v);
      });
    }
    // 400 uniform draws reach within 3% of each end of the range (failure odds ~ 1e-5).
    low.forEach((lo, k) => {
      const width = high[k] - lo;
      if (width === 0) return;
      expect(min[k]).toBeLessThan(lo + 0.03 * width);
      expect(max[k]).toBeGreaterThan(high[k] - 0.03 * width);
    });
  });

  it('honours the low/high reset options and rejects bad ones', () => {
    const env = new CartPoleEnv();
    env.reset({ seed: 3, options: { low: 0.2, high: 0.3 } });
    for (const v of env.getState()) {
      expect(v).toBeGreaterThanOrEqual(0.2);
      expect(v).toBeLessThan(0.3);
    }
    expect(() => env.reset({ options: { low: 0.5, high: 0.1 } })).toThrow(/options.low \(0.5\) must be <= options.high \(0.1\)/);
    expect(() => env.reset({ options: { low: 'a' } })).toThrow(/options.low must be a finite number/);
    const pendulum = new PendulumEnv();
    pendulum.reset({ seed: 1, options: { x_init: 0.1, y_init: 0 } });
    const [th, thdot] = pendulum.getState();
    expect(Math.abs(th)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(thdot)).toBe(0);
  });

  it('is deterministic under a seed, continues its generator without one, and rejects bad seeds', () => {
    const a = new AcrobotEnv();
    const b = new AcrobotEnv();
    const first = a.reset({ seed: 42 }).observation;
    expect(b.reset({ seed: 42 }).observation).toEqual(first);
    expect(a.reset({ seed: 43 }).observation).not.toEqual(first);
    a.reset({ seed: 42 });
    const next = a.reset().observation;
    b.reset({ seed: 42 });
    expect(b.reset().observation).toEqual(next);
    expect(next).not.toEqual(first);
    expect(new CartPoleEnv({ seed: 7 }).reset().observation).toEqual(new CartPoleEnv().reset({ seed: 7 }).observation);
    expect(() => a.reset({ seed: -1 })).toThrow(/Acrobot-v1.reset: seed must be a non-negative integer, got -1/);
    expect(() => a.reset({ seed: 1.5 })).toThrow(/seed/);
    // Seeds past 2^32 are accepted (as Gymnasium's) and stay distinct from their low bits.
    const big = new CartPoleEnv().reset({ seed: 2 ** 32 + 5 }).observation;
    expect(big).not.toEqual(new CartPoleEnv().reset({ seed: 5 }).observation);
  });
});

describe('CartPole-v1', () => {
  it('terminates strictly beyond |x| > 2.4 and |theta| > 12 degrees, with reward 1 on that step', () => {
    const env = new CartPoleEnv();
    const probe = (state: number[]): { terminated: boolean; reward: number } => {
      env.setState(state);
      const { terminated, reward } = env.step(0);
      return { terminated, reward };
    };
    // Explicit Euler moves positions with the old velocities, so a zero velocity keeps x and theta.
    expect(probe([2.4, 0, 0, 0]).terminated).toBe(false);
    expect(probe([2.4, 1e-6, 0, 0])).toEqual({ terminated: true, reward: 1 });
    expect(probe([-2.4, -1e-6, 0, 0]).terminated).toBe(true);
    expect(probe([0, 0, THETA_THRESHOLD, 0]).terminated).toBe(false);
    expect(probe([0, 0, THETA_THRESHOLD, 1e-6]).terminated).toBe(true);
    expect(probe([0, 0, -THETA_THRESHOLD, -1e-6]).terminated).toBe(true);
  });

  it('gives the Sutton and Barto reward on request: 0 per step, -1 on termination', () => {
    const env = new CartPoleEnv({ suttonBartoReward: true });
    env.setState([0, 0, 0, 0]);
    expect(env.step(1)).toMatchObject({ reward: 0, terminated: false });
    env.setState([2.4, 1, 0, 0]);
    expect(env.step(1)).toMatchObject({ reward: -1, terminated: true });
    expect(() => new CartPoleEnv({ suttonBartoReward: 1 as unknown as boolean })).toThrow(/suttonBartoReward must be a boolean, got 1/);
  });

  it('pushes with -10 N for action 0 and +10 N for action 1', () => {
    const env = new CartPoleEnv();
    env.setState([0, 0, 0, 0]);
    env.step(1);
    const right = env.getState();
    env.setState([0, 0, 0, 0]);
    env.step(0);
    const left = env.getState();
    // At rest and upright: x_acc = F / total_mass * (1 - ...) and theta_acc = -F / ...; symmetric in F.
    expect(right[1]).toBeGreaterThan(0);
    expect(left[1]).toBeCloseTo(-right[1], 15);
    expect(right[3]).toBeLessThan(0);
    expect(right[0]).toBe(0);
  });

  it('observes float32 copies of the float64 state', () => {
    const env = new CartPoleEnv();
    env.reset({ seed: 1 });
    const { observation } = env.step(1);
    const state = env.getState();
    expect(Array.from(observation)).toEqual(Array.from(state, (v) => Math.fround(v)));
    expect(env.observationSpace.toJSON()).toMatchObject({ dtype: 'float32', shape: [4] });
  });
});

describe('Acrobot-v1', () => {
  it('gives reward 0 on the terminal step and -1 otherwise', () => {
    const env = new AcrobotEnv();
    env.setState([Math.PI, 0, 0, 0]);
    expect(env.step(1)).toMatchObject({ reward: 0, terminated: true });
    env.setState([0, 0, 0, 0]);
    expect(env.step(1)).toMatchObject({ reward: -1, terminated: false });
  });

  it('wraps angles into [-pi, pi] and bounds velocities to 4 pi and 9 pi', () => {
    const env = new AcrobotEnv();
    env.setState([Math.PI - 1e-3, -Math.PI + 1e-3, 4 * Math.PI, -9 * Math.PI]);
    env.step(2);
    const s = env.getState();
    expect(Math.abs(s[0])).toBeLessThanOrEqual(Math.PI);
    expect(Math.abs(s[1])).toBeLessThanOrEqual(Math.PI);
    expect(Math.abs(s[2])).toBeLessThanOrEqual(4 * Math.PI);
    expect(Math.abs(s[3])).toBeLessThanOrEqual(9 * Math.PI);
    expect(env.observationSpace.contains(env.step(2).observation)).toBe(true);
  });

  it("'nips' dynamics differ from the book's", () => {
    const book = new AcrobotEnv();
    const nips = new AcrobotEnv({ dynamics: 'nips' });
    book.setState([0.5, 0.5, 1, 1]);
    nips.setState([0.5, 0.5, 1, 1]);
    book.step(2);
    nips.step(2);
    expect(Math.abs(book.getState()[3] - nips.getState()[3])).toBeGreaterThan(1e-3);
    expect(() => new AcrobotEnv({ dynamics: 'other' as 'book' })).toThrow(/dynamics must be 'book' or 'nips'/);
  });
});

describe('MountainCar-v0 and MountainCarContinuous-v0', () => {
  it('MountainCar terminates at position >= 0.5 only with velocity >= goalVelocity', () => {
    const env = new MountainCarEnv();
    env.setState([0.49, 0.03]);
    expect(env.step(2)).toMatchObject({ terminated: true, reward: -1 });
    // Past the goal but moving back: not terminal.
    env.setState([0.6, -0.02]);
    expect(env.step(0).terminated).toBe(false);
    const picky = new MountainCarEnv({ goalVelocity: 0.05 });
    picky.setState([0.49, 0.03]);
    expect(picky.step(2).terminated).toBe(false);
  });

  it('MountainCar stops the car at the left wall', () => {
    const env = new MountainCarEnv();
    env.setState([-1.19, -0.05]);
    env.step(0);
    expect(Array.from(env.getState())).toEqual([-1.2, 0]);
  });

  it('MountainCarContinuous pays 100 at the goal minus 0.1 a^2 of the raw action, and clips the force', () => {
    const env = new ContinuousMountainCarEnv();
    env.setState([0.44, 0.03]);
    const a = Math.fround(1.5);
    const goal = env.step(new Float32Array([a]));
    expect(goal.terminated).toBe(true);
    expect(goal.reward).toBeCloseTo(100 - 0.1 * a * a, 12);
    // A force of 1.5 acts as 1: same next state as action 1.
    const clipped = new ContinuousMountainCarEnv();
    clipped.setState([-0.5, 0]);
    const r = clipped.step(new Float32Array([3]));
    const unit = new ContinuousMountainCarEnv();
    unit.setState([-0.5, 0]);
    unit.step(new Float32Array([1]));
    expect(clipped.getState()).toEqual(unit.getState());
    expect(r.reward).toBeCloseTo(-0.9, 12);
    expect(r.terminated).toBe(false);
  });

  it('MountainCarContinuous keeps its state in float32 after a step, as Gymnasium', () => {
    const env = new ContinuousMountainCarEnv();
    env.reset({ seed: 0 });
    env.step(new Float32Array([0.3]));
    for (const v of env.getState()) expect(Math.fround(v)).toBe(v);
  });
});

describe('Pendulum-v1', () => {
  it('charges the cost of the pre-step state and the clipped torque', () => {
    const env = new PendulumEnv();
    env.setState([Math.PI, 0]);
    const r = env.step(new Float32Array([5]));
    expect(r.reward).toBeCloseTo(-(Math.PI ** 2 + 0.001 * 4), 12);
    expect(r.terminated).toBe(false);
    const two = new PendulumEnv();
    two.setState([Math.PI, 0]);
    two.step(new Float32Array([2]));
    expect(env.getState()).toEqual(two.getState());
  });

  it('clips the angular velocity at 8 and leaves theta unwrapped', () => {
    const env = new PendulumEnv();
    env.setState([Math.PI / 2, 7.99]);
    env.step(new Float32Array([2]));
    expect(env.getState()[1]).toBe(8);
    env.setState([10, 0]);
    env.step(new Float32Array([0]));
    expect(env.getState()[0]).toBeGreaterThan(Math.PI);
  });

  it('angleNormalize matches Python floored modulo', () => {
    expect(angleNormalize(Math.PI)).toBeCloseTo(-Math.PI, 15);
    expect(angleNormalize(-Math.PI)).toBeCloseTo(-Math.PI, 15);
    expect(angleNormalize(3 * Math.PI / 2)).toBeCloseTo(-Math.PI / 2, 15);
    expect(angleNormalize(-3 * Math.PI / 2)).toBeCloseTo(Math.PI / 2, 15);
    expect(angleNormalize(0.25)).toBeCloseTo(0.25, 15);
  });

  it('takes the gravity option', () => {
    const earth = new PendulumEnv({ g: 9.81 });
    const ten = new PendulumEnv();
    earth.setState([1, 0]);
    ten.setState([1, 0]);
    earth.step(new Float32Array([0]));
    ten.step(new Float32Array([0]));
    expect(earth.getState()[1]).toBeCloseTo(1.5 * 9.81 * Math.sin(1) * 0.05, 14);
    expect(ten.getState()[1]).toBeCloseTo(15 * Math.sin(1) * 0.05, 14);
    expect(() => new PendulumEnv({ g: Number.NaN })).toThrow(/option g must be a finite number/);
  });
});

describe('bad input', () => {
  it('raises, naming the env and the action, for a discrete action outside the space', () => {
    const env = new CartPoleEnv();
    env.reset({ seed: 0 });
    expect(() => env.step(2)).toThrow(/CartPole-v1\.step: action must be an integer in \[0, 2\) \(Discrete\(2\)\), got 2/);
    expect(() => env.step(Number.NaN)).toThrow(/CartPole-v1.*got NaN/);
    expect(() => env.step(0.5)).toThrow(/got 0.5/);
    expect(() => env.step('1' as unknown as number)).toThrow(/got "1"/);
    const acrobot = new AcrobotEnv();
    acrobot.reset({ seed: 0 });
    expect(() => acrobot.step(-1)).toThrow(/Acrobot-v1.*\[0, 3\).*got -1/);
    const car = new MountainCarEnv();
    car.reset({ seed: 0 });
    expect(() => car.step(3)).toThrow(/MountainCar-v0.*got 3/);
  });

  it('clips continuous actions (as Gymnasium) but raises for NaN and wrong shapes', () => {
    for (const env of [new PendulumEnv(), new ContinuousMountainCarEnv()]) {
      env.reset({ seed: 0 });
      expect(() => env.step(new Float32Array([100]))).not.toThrow();
      expect(() => env.step(new Float32Array([Number.NaN]))).toThrow(new RegExp(`${env.name}.step: action must hold a number \\(not NaN\\), got Float32Array\\(1\\) \\[NaN\\]`));
      expect(() => env.step(new Float32Array([0, 0]))).toThrow(/Float32Array of length 1, got Float32Array\(2\) \[0, 0\]/);
      expect(() => env.step(0 as unknown as Float32Array)).toThrow(/got 0/);
    }
  });

  it('clips ±Infinity actions to the bounds, as Gymnasium does', () => {
    // Compared with a finite action outside the bounds, which Gymnasium clips the same way.
    for (const sign of [1, -1]) {
      const infinite = new PendulumEnv();
      const clipped = new PendulumEnv();
      infinite.setState([0.3, -0.5]);
      clipped.setState([0.3, -0.5]);
      const a = infinite.step(new Float32Array([sign * Infinity]));
      const b = clipped.step(new Float32Array([sign * 5]));
      expect(Array.from(a.observation)).toEqual(Array.from(b.observation));
      expect(a.reward).toBe(b.reward);
    }
    for (const sign of [1, -1]) {
      const infinite = new ContinuousMountainCarEnv();
      const clipped = new ContinuousMountainCarEnv();
      for (const env of [infinite, clipped]) env.setState([-0.5, 0]);
      for (let t = 0; t < 3; t++) {
        const a = infinite.step(new Float32Array([sign * Infinity]));
        const b = clipped.step(new Float32Array([sign * 5]));
        expect(Array.from(a.observation)).toEqual(Array.from(b.observation));
        // Gymnasium's reward uses the raw action: -0.1 * inf^2.
        expect(a.reward).toBe(-Infinity);
      }
    }
  });

  it('raises on step before reset and on step after the episode terminated', () => {
    const env = new CartPoleEnv();
    expect(() => env.step(0)).toThrow(/CartPole-v1.step: call reset\(\) before step\(\)/);
    expect(() => env.render()).toThrow(/call reset\(\) first/);
    expect(() => env.getState()).toThrow(/call reset\(\) or setState\(\) first/);
    env.setState([2.4, 1, 0, 0]);
    expect(env.step(1).terminated).toBe(true);
    expect(() => env.step(1)).toThrow(/episode has ended/);
    env.reset();
    expect(() => env.step(1)).not.toThrow();
  });

  it('validates setState', () => {
    const env = new PendulumEnv();
    expect(() => env.setState([1])).toThrow(/Pendulum-v1.setState: state must have 2 entries, got 1/);
    expect(() => env.setState([1, Number.NaN])).toThrow(/state\[1\] must be a finite number/);
  });
});

describe('render, stepInto', () => {
  it.each([
    ['CartPole-v1', 600, 400],
    ['Acrobot-v1', 500, 500],
    ['MountainCar-v0', 600, 400],
    ['MountainCarContinuous-v0', 600, 400],
    ['Pendulum-v1', 500, 500],
  ])('%s renders an SVG frame that follows the state', (id, width, height) => {
    const env = make(id);
    env.reset({ seed: 0 });
    const frame = env.render?.();
    expect(frame).toMatchObject({ kind: 'svg', width, height });
    if (frame?.kind !== 'svg') throw new Error('expected an svg frame');
    expect(frame.svg.startsWith('<svg')).toBe(true);
    expect(frame.svg).toMatch(/<polygon /);
    const inner = (env as TimeLimit).unwrapped as AnyClassic;
    const state = inner.getState();
    state[0] += 0.3;
    inner.setState(state);
    const moved = env.render?.();
    expect(moved?.kind === 'svg' && moved.svg).not.toBe(frame.svg);
  });

  it('stepInto writes exactly what step returns', () => {
    const a = new AcrobotEnv();
    const b = new AcrobotEnv();
    a.reset({ seed: 5 });
    b.reset({ seed: 5 });
    const target = {
      observations: new Float32Array(12),
      rewards: new Float32Array(2),
      terminated: new Uint8Array(2),
      truncated: new Uint8Array(2),
    };
    for (let t = 0; t < 20; t++) {
      const r = a.step(t % 3);
      b.stepInto(t % 3, target, 1);
      expect(target.observations.subarray(6)).toEqual(r.observation);
      expect(target.rewards[1]).toBe(r.reward);
      expect(target.terminated[1]).toBe(r.terminated ? 1 : 0);
    }
    expect(Array.from(target.observations.subarray(0, 6))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(() => b.stepInto(7, target, 0)).toThrow(/Acrobot-v1.*got 7/);
  });
});

describe('constructor options', () => {
  it('rejects unknown options, naming the accepted ones', () => {
    expect(() => new CartPoleEnv({ gravity: 3 } as never)).toThrow(/CartPole-v1: unknown option 'gravity' \(accepted: seed, suttonBartoReward\)/);
    expect(() => make('Pendulum-v1', { G: 9.81 })).toThrow(/Pendulum-v1: unknown option 'G' \(accepted: seed, g\)/);
    expect(() => new MountainCarEnv({ goalVelocity: 0.01, seed: 1 })).not.toThrow();
  });
});
