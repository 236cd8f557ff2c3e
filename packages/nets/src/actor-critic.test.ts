import { Rng } from '@ppo/utils';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { ActorCritic, type ActionSpaceSpec } from './actor-critic';
import { layersTorso } from './torso';
import { BACKENDS, useBackend, values } from './test-helpers';

function observations(rng: Rng, count: number, size: number): Float32Array {
  return Float32Array.from({ length: count * size }, () => rng.normal(0, 1));
}

const SPACES: [string, ActionSpaceSpec, number][] = [
  ['discrete', { type: 'discrete', n: 3, start: -1 }, 1],
  ['box', { type: 'box', shape: [2], low: [-1, null], high: [1, null] }, 2],
  ['multi-discrete', { type: 'multi-discrete', nvec: [3, 4] }, 2],
  ['multi-binary', { type: 'multi-binary', n: 5 }, 5],
];

/** Max |W^T W - g^2 I| (or W W^T) of a row-major [rows, cols] kernel. */
function orthogonalityError(w: Float32Array, rows: number, cols: number, gain: number): number {
  const tall = rows >= cols;
  const k = Math.min(rows, cols);
  const len = Math.max(rows, cols);
  let err = 0;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (let i = 0; i < len; i++) s += tall ? w[i * cols + a] * w[i * cols + b] : w[a * cols + i] * w[b * cols + i];
      err = Math.max(err, Math.abs(s - (a === b ? gain * gain : 0)));
    }
  }
  return err;
}

describe.each(BACKENDS)('ActorCritic on %s', (backend) => {
  useBackend(backend);

  it.each(SPACES)('%s: act agrees with evaluate and predictValues', (_name, actionSpace, actionSize) => {
    const policy = new ActorCritic({ observationSize: 6, actionSpace, seed: 3 });
    try {
      expect(policy.actionSize).toBe(actionSize);
      const rng = new Rng(1);
      const obs = observations(rng, 16, 6);
      const out = policy.act(obs, 16, rng);
      expect(out.actions).toBeInstanceOf(actionSpace.type === 'box' ? Float32Array : Int32Array);
      expect(out.actions.length).toBe(16 * actionSize);
      expect(out.logProbs.length).toBe(16);
      if (actionSpace.type === 'discrete') expect([...out.actions].every((a) => a >= -1 && a <= 1)).toBe(true);
      const predicted = policy.predictValues(obs, 16);
      predicted.forEach((v, i) => expect(v).toBeCloseTo(out.values[i], 5));
      tf.tidy(() => {
        const actions = policy.actionType === 'int32' ? tf.tensor2d(out.actions, [16, actionSize], 'int32') : tf.tensor2d(out.actions, [16, actionSize]);
        const ev = policy.evaluate(tf.tensor2d(obs, [16, 6]), actionSpace.type === 'discrete' ? actions.reshape([16]) : actions);
        values(ev.logProbs).forEach((v, i) => expect(v).toBeCloseTo(out.logProbs[i], 4));
        values(ev.values).forEach((v, i) => expect(v).toBeCloseTo(out.values[i], 5));
        expect(ev.entropy.shape).toEqual([16]);
      });
    } finally {
      policy.dispose();
    }
  });

  it('is deterministic under a seed, and deterministic mode picks the mode', () => {
    const space: ActionSpaceSpec = { type: 'box', shape: [3], low: [-1, -1, -1], high: [1, 1, 1] };
    const a = new ActorCritic({ observationSize: 4, actionSpace: space, seed: 11 });
    const b = new ActorCritic({ observationSize: 4, actionSpace: space, seed: 11 });
    const c = new ActorCritic({ observationSize: 4, actionSpace: space, seed: 12 });
    try {
      const obs = observations(new Rng(0), 8, 4);
      const ra = a.act(obs, 8, new Rng(5));
      const rb = b.act(obs, 8, new Rng(5));
      expect(rb.actions).toEqual(ra.actions);
      expect(rb.logProbs).toEqual(ra.logProbs);
      expect(rb.values).toEqual(ra.values);
      expect(c.act(obs, 8, new Rng(5)).values).not.toEqual(ra.values);
      const modeA = a.act(obs, 8, new Rng(1), { deterministic: true });
      const modeB = a.act(obs, 8, new Rng(2), { deterministic: true });
      expect(modeB.actions).toEqual(modeA.actions);
    } finally {
      a.dispose();
      b.dispose();
      c.dispose();
    }
  });

  it('initialises with PPO gains: orthogonal kernels, zero biases, log-std init', () => {
    const policy = new ActorCritic({ observationSize: 17, actionSpace: { type: 'box', shape: [6], low: new Array<number>(6).fill(-1), high: new Array<number>(6).fill(1) }, seed: 2, logStdInit: -0.5 });
    try {
      const w = policy.getWeights();
      const names = [...w.keys()];
      expect(names).toEqual([
        'actor/torso/hidden0/kernel', 'actor/torso/hidden0/bias', 'actor/torso/hidden1/kernel', 'actor/torso/hidden1/bias',
        'critic/torso/hidden0/kernel', 'critic/torso/hidden0/bias', 'critic/torso/hidden1/kernel', 'critic/torso/hidden1/bias',
        'actor/head/output/kernel', 'actor/head/output/bias', 'critic/head/output/kernel', 'critic/head/output/bias', 'actor/log_std',
      ]);
      const check = (name: string, rows: number, cols: number, gain: number): void => {
        expect(orthogonalityError(w.get(name) as Float32Array, rows, cols, gain)).toBeLessThan(1e-5 * gain * gain + 1e-7);
      };
      check('actor/torso/hidden0/kernel', 17, 64, Math.SQRT2);
      check('critic/torso/hidden1/kernel', 64, 64, Math.SQRT2);
      check('actor/head/output/kernel', 64, 6, 0.01);
      check('critic/head/output/kernel', 64, 1, 1);
      for (const [name, v] of w) if (name.endsWith('bias')) expect([...v].every((x) => x === 0)).toBe(true);
      expect([...(w.get('actor/log_std') as Float32Array)]).toEqual(new Array<number>(6).fill(-0.5));
      expect(new Set(policy.trainableVariables.map((v) => v.name)).size).toBe(13);
    } finally {
      policy.dispose();
    }
  });

  it('never takes masked actions', () => {
    const policy = new ActorCritic({ observationSize: 3, actionSpace: { type: 'discrete', n: 4 }, seed: 1, shared: true });
    try {
      const rng = new Rng(8);
      const count = 32;
      const mask = new Uint8Array(count * 4);
      for (let i = 0; i < count; i++) {
        mask[i * 4 + (i % 4)] = 1;
        mask[i * 4 + ((i + 1) % 4)] = rng.nextFloat() < 0.5 ? 1 : 0;
      }
      for (let rep = 0; rep < 30; rep++) {
        const { actions } = policy.act(observations(rng, count, 3), count, rng, { actionMask: mask });
        actions.forEach((a, i) => expect(mask[i * 4 + a]).toBe(1));
      }
      expect(() => policy.act(observations(rng, 1, 3), 1, rng, { actionMask: new Uint8Array(4) })).toThrow(/actionMask row 0 allows no action/);
    } finally {
      policy.dispose();
    }
  });

  it('no tensor growth over 1,000 act and evaluate calls', () => {
    const policy = new ActorCritic({ observationSize: 4, actionSpace: { type: 'discrete', n: 2 }, seed: 1 });
    try {
      const rng = new Rng(2);
      const obs = observations(rng, 8, 4);
      policy.act(obs, 8, rng);
      const start = tf.memory().numTensors;
      const obsT = tf.tensor2d(obs, [8, 4]);
      const actT = tf.zeros([8], 'int32');
      for (let i = 0; i < 1000; i++) {
        policy.act(obs, 8, rng);
        tf.tidy(() => {
          policy.evaluate(obsT, actT);
        });
      }
      tf.dispose([obsT, actT]);
      expect(tf.memory().numTensors).toBe(start);
    } finally {
      policy.dispose();
    }
  });

  it('trains every variable through evaluate under an Adam step', () => {
    const policy = new ActorCritic({ observationSize: 4, actionSpace: { type: 'box', shape: [2], low: [-1, -1], high: [1, 1] }, seed: 4 });
    const optimizer = tf.train.adam(1e-3);
    try {
      const before = policy.getWeights();
      const obs = tf.tensor2d(observations(new Rng(1), 32, 4), [32, 4]);
      const act = tf.randomNormal([32, 2], 0, 1, 'float32', 3);
      tf.tidy(() => {
        optimizer.minimize(() => {
          const { logProbs, entropy, values: v } = policy.evaluate(obs, act);
          return tf.sum(tf.add(tf.neg(tf.mean(logProbs)), tf.add(tf.mean(tf.square(v)), tf.mul(-0.01, tf.mean(entropy)))));
        }, false, policy.trainableVariables);
      });
      tf.dispose([obs, act]);
      const after = policy.getWeights();
      for (const [name, w] of before) expect(after.get(name), name).not.toEqual(w);
    } finally {
      optimizer.dispose();
      policy.dispose();
    }
  });

  it('accepts a tfjs-layers model as torso (shared) and trains it', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [5], units: 16, activation: 'relu' })] });
    const policy = new ActorCritic({ observationSize: 5, actionSpace: { type: 'discrete', n: 2 }, torso: model, seed: 1 });
    const optimizer = tf.train.sgd(0.1);
    try {
      expect(policy.shared).toBe(true);
      expect(Object.keys(policy.variables)).toEqual(['torso/weight0', 'torso/weight1', 'actor/head/output/kernel', 'actor/head/output/bias', 'critic/head/output/kernel', 'critic/head/output/bias']);
      const rng = new Rng(3);
      const obs = observations(rng, 4, 5);
      const out = policy.act(obs, 4, rng);
      expect(out.actions.length).toBe(4);
      const kernelBefore = Float32Array.from(model.getWeights()[0].dataSync());
      tf.tidy(() => {
        optimizer.minimize(() => tf.mean(tf.square(policy.evaluate(tf.tensor2d(obs, [4, 5]), tf.tensor1d(out.actions, 'int32')).values)), false, policy.trainableVariables);
      });
      expect(Float32Array.from(model.getWeights()[0].dataSync())).not.toEqual(kernelBefore);
    } finally {
      optimizer.dispose();
      policy.dispose();
    }
  });

  it('separate layers torsos need a criticTorso; a reshaping conv model works through layersTorso', () => {
    const conv = (): tf.LayersModel =>
      tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, activation: 'relu' }),
          tf.layers.flatten(),
        ],
      });
    const a = conv();
    expect(() => new ActorCritic({ observationSize: 72, actionSpace: { type: 'discrete', n: 2 }, torso: a, shared: false, seed: 1 })).toThrow(/needs a criticTorso/);
    const policy = new ActorCritic({ observationSize: 72, actionSpace: { type: 'discrete', n: 2 }, torso: layersTorso(a), criticTorso: conv(), seed: 1 });
    try {
      expect(policy.shared).toBe(false);
      const rng = new Rng(1);
      expect(policy.act(observations(rng, 3, 72), 3, rng).values.length).toBe(3);
    } finally {
      policy.dispose();
    }
  });

  it('act downloads once per call on the tensor path, and on the host path only weights assigned since the last call', () => {
    const cases: [ActionSpaceSpec, 'gaussian' | 'tanh-gaussian', boolean][] = [
      ...SPACES.map(([, space]): [ActionSpaceSpec, 'gaussian', boolean] => [space, 'gaussian', false]),
      [{ type: 'box', shape: [2], low: [-1, -1], high: [1, 1] }, 'tanh-gaussian', false],
      [{ type: 'discrete', n: 3 }, 'gaussian', true],
    ];
    for (const [actionSpace, continuous, masked] of cases) {
      const policy = new ActorCritic({ observationSize: 6, actionSpace, continuous, seed: 3 });
      // Every download of tensor data, from any tensor, goes through the engine's readSync.
      const reads = vi.spyOn(tf.engine(), 'readSync');
      try {
        const rng = new Rng(1);
        const actionMask = masked ? Uint8Array.of(1, 0, 1, 0, 1, 1) : undefined;
        for (const deterministic of [false, true]) policy.act(observations(rng, 2, 6), 2, rng, { deterministic, actionMask });
        const label = `${actionSpace.type} ${continuous}${masked ? ' masked' : ''}`;
        const onHost = !masked && (actionSpace.type === 'discrete' || (actionSpace.type === 'box' && continuous === 'gaussian'));
        // The host path reads each variable once, then acts from its cached copies.
        expect(reads, label).toHaveBeenCalledTimes(onHost ? policy.trainableVariables.length : 2);
        if (onHost) {
          reads.mockClear();
          policy.act(observations(rng, 2, 6), 2, rng);
          expect(reads, `${label}, second call`).not.toHaveBeenCalled();
          const [kernel] = policy.trainableVariables;
          tf.tidy(() => kernel.assign(tf.zerosLike(kernel)));
          policy.act(observations(rng, 2, 6), 2, rng);
          expect(reads, `${label}, after an assign`).toHaveBeenCalledTimes(1);
        }
      } finally {
        reads.mockRestore();
        policy.dispose();
      }
    }
  });

  it('tanh-gaussian actions stay in the bounds and act scores them exactly as evaluate does, saturated ones too', () => {
    const low = [-2, 0];
    const high = [2, 5];
    // std e^2: about a third of the pre-squash samples lie beyond atanh(1 - 1e-6).
    const policy = new ActorCritic({ observationSize: 3, actionSpace: { type: 'box', shape: [2], low, high }, continuous: 'tanh-gaussian', seed: 1, logStdInit: 2 });
    try {
      for (const deterministic of [false, true]) {
        const rng = new Rng(4);
        const obs = observations(rng, 64, 3);
        const out = policy.act(obs, 64, rng, { deterministic });
        let saturated = 0;
        for (let i = 0; i < 64; i++) {
          for (let j = 0; j < 2; j++) {
            const a = out.actions[2 * i + j];
            expect(a).toBeGreaterThanOrEqual(low[j]);
            expect(a).toBeLessThanOrEqual(high[j]);
            if (Math.abs((2 * a - low[j] - high[j]) / (high[j] - low[j])) > 1 - 1e-6) saturated++;
          }
        }
        if (!deterministic) expect(saturated).toBeGreaterThan(10);
        tf.tidy(() => {
          const lp = values(policy.evaluate(tf.tensor2d(obs, [64, 3]), tf.tensor2d(out.actions, [64, 2])).logProbs);
          lp.forEach((v, i) => expect(Math.abs(v - out.logProbs[i]), `row ${i}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(v))));
        });
      }
      expect(() => new ActorCritic({ observationSize: 3, actionSpace: { type: 'box', shape: [1], low: [null], high: [1] }, continuous: 'tanh-gaussian', seed: 1 })).toThrow(/needs finite bounds/);
    } finally {
      policy.dispose();
    }
  });

  it('validates options and inputs, naming the argument', () => {
    expect(() => new ActorCritic({ observationSize: 0, actionSpace: { type: 'discrete', n: 2 }, seed: 1 })).toThrow(/observationSize must be a positive integer, got 0/);
    expect(() => new ActorCritic({ observationSize: 2, actionSpace: { type: 'discrete', n: 0 }, seed: 1 })).toThrow(/actionSpace.n must be a positive integer/);
    expect(() => new ActorCritic({ observationSize: 2, actionSpace: { type: 'box', shape: [2], low: [0], high: [1, 1] }, seed: 1 })).toThrow(/low must have 2 entries/);
    expect(() => new ActorCritic({ observationSize: 2, actionSpace: { type: 'tuple' } as unknown as ActionSpaceSpec, seed: 1 })).toThrow(/type must be/);
    expect(() => new ActorCritic({ observationSize: 2, actionSpace: { type: 'discrete', n: 2 } })).toThrow(/needs a seed/);
    // A failure after some networks were built disposes them (the leak check after each test
    // covers it) and leaves the caller's model usable.
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [5], units: 4 })] });
    expect(() => new ActorCritic({ observationSize: 3, actionSpace: { type: 'discrete', n: 2 }, torso: 'mlp', shared: false, criticTorso: model, seed: 1 })).toThrow(/criticTorso takes 5 inputs, expected observationSize 3/);
    expect(() => new ActorCritic({ observationSize: 3, actionSpace: { type: 'discrete', n: 2 }, torso: model, seed: 1 })).toThrow(/torso takes 5 inputs/);
    model.dispose();
    const policy = new ActorCritic({ observationSize: 2, actionSpace: { type: 'discrete', n: 2 }, seed: 1 });
    expect(() => policy.act(new Float32Array(3), 2, new Rng(1))).toThrow(/observations must have count \* observationSize = 2 \* 2 = 4 values, got 3/);
    expect(() => policy.act(new Float32Array(4), 0, new Rng(1))).toThrow(/count must be a positive integer/);
    expect(() => policy.act(Float32Array.of(0, 1, Number.NaN, 0), 2, new Rng(1))).toThrow(/observations\[1, 0\] must be finite, got NaN/);
    expect(() => policy.act(new Float32Array(4), 2, undefined as unknown as Rng)).toThrow(/rng must be a RandomSource/);
    expect(() => tf.tidy(() => policy.evaluate(tf.zeros([2, 3]), tf.zeros([2])))).toThrow(/observations must be a tensor \[batch, 2\]/);
    const offset = new ActorCritic({ observationSize: 2, actionSpace: { type: 'discrete', n: 3, start: -1 }, seed: 1 });
    const obs2 = (): tf.Tensor2D => tf.zeros([2, 2]);
    // In the space's own values: start -1, so [-1, 1].
    expect(() => tf.tidy(() => offset.evaluate(obs2(), tf.tensor1d([-1, 2], 'int32')))).toThrow(/ActorCritic.evaluate: actions\[1\] = 2, expected an integer in \[-1, 1\]/);
    expect(() => tf.tidy(() => offset.evaluate(obs2(), tf.tensor1d([-2, 0], 'int32')))).toThrow(/actions\[0\] = -2, expected an integer in \[-1, 1\]/);
    expect(tf.tidy(() => values(offset.evaluate(obs2(), tf.tensor1d([-1, 1], 'int32')).logProbs)).every(Number.isFinite)).toBe(true);
    expect(() => tf.tidy(() => offset.evaluate(obs2(), tf.tensor1d([0, 0], 'int32'), { actionMask: tf.tensor2d([[1, 1, 0], [0, 0, 0]], [2, 3], 'bool') }))).toThrow(/mask row 1 allows no action/);
    offset.dispose();
    const multi = new ActorCritic({ observationSize: 2, actionSpace: { type: 'multi-discrete', nvec: [2, 3] }, seed: 1 });
    expect(() => tf.tidy(() => multi.evaluate(obs2(), tf.tensor2d([[1, 3], [0, 0]], [2, 2], 'int32')))).toThrow(/ActorCritic.evaluate: actions\[0, 1\] = 3, expected an integer in \[0, 2\]/);
    multi.dispose();
    policy.dispose();
    expect(() => policy.act(new Float32Array(4), 2, new Rng(1))).toThrow(/disposed/);
  });
});

describe('ActorCritic with CNN torsos on wasm', () => {
  useBackend('wasm');

  it('Nature-CNN torso, MinAtar [10, 10, 4]: a shared torso with a 1024 x 128 dense layer', () => {
    const minatar = new ActorCritic({ observationSize: 400, observationShape: [10, 10, 4], torso: 'nature-cnn', actionSpace: { type: 'discrete', n: 6 }, seed: 1 });
    try {
      expect(minatar.shared).toBe(true);
      expect(minatar.variables['torso/dense/kernel'].shape).toEqual([8 * 8 * 16, 128]);
      const rng = new Rng(2);
      const out = minatar.act(Float32Array.from({ length: 2 * 400 }, () => (rng.nextFloat() < 0.1 ? 1 : 0)), 2, rng);
      expect([...out.actions].every((x) => x >= 0 && x < 6)).toBe(true);
      expect(() => new ActorCritic({ observationSize: 400, torso: 'nature-cnn', actionSpace: { type: 'discrete', n: 2 }, seed: 1 })).toThrow(/needs observationShape/);
    } finally {
      minatar.dispose();
    }
  });

  // Initialising the 3136 x 512 Atari dense layer dominates (seconds of QR in JavaScript), so one
  // backend; the test yields after it so a loaded machine's test runner is not starved for a minute.
  it('Nature-CNN torso, Atari [84, 84, 4]: conv kernels, a 3136 x 512 dense layer, finite outputs', async () => {
    const atari = new ActorCritic({ observationSize: 84 * 84 * 4, observationShape: [84, 84, 4], torso: 'nature-cnn', inputScale: 1 / 255, actionSpace: { type: 'discrete', n: 4 }, seed: 1 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(atari.variables['torso/dense/kernel'].shape).toEqual([7 * 7 * 64, 512]);
      expect(atari.variables['torso/conv0/kernel'].shape).toEqual([8, 8, 4, 32]);
      const rng = new Rng(2);
      const pixels = Float32Array.from({ length: 84 * 84 * 4 }, () => rng.nextInt(256));
      const one = atari.act(pixels, 1, rng);
      expect(Number.isFinite(one.logProbs[0]) && Number.isFinite(one.values[0])).toBe(true);
    } finally {
      atari.dispose();
    }
  }, 240_000);
});
