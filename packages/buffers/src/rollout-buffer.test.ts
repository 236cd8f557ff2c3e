import { describe, expect, it } from 'vitest';
import { RolloutBuffer, type ActionType, type Minibatch, type RolloutStep } from './rollout-buffer';
import { Rng } from '@ppo/utils';

interface Shape {
  numSteps: number;
  numEnvs: number;
  observationSize: number;
  actionSize: number;
}

/** A random step for all envs; actions are integers for 'int32'. */
function randomStep(rng: Rng, shape: Shape, actionType: ActionType): RolloutStep {
  const n = shape.numEnvs;
  const actions = new Float64Array(n * shape.actionSize);
  for (let k = 0; k < actions.length; k++) actions[k] = actionType === 'int32' ? rng.nextInt(7) - 3 : rng.normal(0, 1);
  const flags = (p: number): Uint8Array => Uint8Array.from({ length: n }, () => (rng.nextFloat() < p ? 1 : 0));
  return {
    observations: rng.fillNormal(new Float32Array(n * shape.observationSize)),
    actions,
    logProbs: rng.fillUniform(new Float32Array(n), -3, 0),
    values: rng.fillNormal(new Float32Array(n)),
    rewards: rng.fillNormal(new Float32Array(n)),
    terminated: flags(0.1),
    truncated: flags(0.1),
  };
}

/** A buffer filled with `steps` random steps, advantages and returns set, and the steps kept. */
function filled<A extends ActionType>(shape: Shape, actionType: A, steps = shape.numSteps, seed = 1) {
  const rng = new Rng(seed);
  const buffer = new RolloutBuffer({ ...shape, actionType });
  const added: RolloutStep[] = [];
  for (let t = 0; t < steps; t++) {
    const step = randomStep(rng, shape, actionType);
    added.push(step);
    buffer.add(step);
  }
  rng.fillNormal(buffer.advantages);
  rng.fillNormal(buffer.returns);
  return { buffer, added };
}

/** Checks every row of a minibatch against the buffer's stored row `indices[r]`. */
function expectRowsMatch<A extends ActionType>(buffer: RolloutBuffer<A>, mb: Minibatch<A>): void {
  const d = buffer.observationSize;
  const a = buffer.actionSize;
  expect(mb.indices.length).toBe(mb.size);
  expect(mb.observations.length).toBe(mb.size * d);
  expect(mb.actions.length).toBe(mb.size * a);
  for (let r = 0; r < mb.size; r++) {
    const k = mb.indices[r];
    expect(Array.from(mb.observations.subarray(r * d, (r + 1) * d))).toEqual(Array.from(buffer.observations.subarray(k * d, (k + 1) * d)));
    expect(Array.from(mb.actions.subarray(r * a, (r + 1) * a))).toEqual(Array.from(buffer.actions.subarray(k * a, (k + 1) * a)));
    expect(mb.logProbs[r]).toBe(buffer.logProbs[k]);
    expect(mb.values[r]).toBe(buffer.values[k]);
    expect(mb.advantages[r]).toBe(buffer.advantages[k]);
    expect(mb.returns[r]).toBe(buffer.returns[k]);
    expect(mb.terminated[r]).toBe(buffer.terminated[k]);
    expect(mb.truncated[r]).toBe(buffer.truncated[k]);
  }
}

function collectEpoch<A extends ActionType>(it: Iterable<Minibatch<A>>): { sizes: number[]; indices: number[][] } {
  const sizes: number[] = [];
  const indices: number[][] = [];
  for (const mb of it) {
    sizes.push(mb.size);
    indices.push(Array.from(mb.indices));
  }
  return { sizes, indices };
}

const range = (n: number): number[] => Array.from({ length: n }, (_, k) => k);
const SHAPE: Shape = { numSteps: 6, numEnvs: 4, observationSize: 3, actionSize: 2 };

describe('RolloutBuffer storage', () => {
  it('preallocates time-major typed arrays of the documented sizes and types', () => {
    const f = new RolloutBuffer({ ...SHAPE, actionType: 'float32' });
    const i = new RolloutBuffer({ ...SHAPE, actionType: 'int32' });
    const n = 24;
    expect(f.observations).toBeInstanceOf(Float32Array);
    expect(f.observations.length).toBe(n * 3);
    expect(f.actions).toBeInstanceOf(Float32Array);
    expect(i.actions).toBeInstanceOf(Int32Array);
    expect(i.actions.length).toBe(n * 2);
    for (const key of ['logProbs', 'values', 'nextValues', 'rewards', 'advantages', 'returns'] as const) {
      expect(f[key]).toBeInstanceOf(Float32Array);
      expect(f[key].length).toBe(n);
    }
    expect(f.terminated).toBeInstanceOf(Uint8Array);
    expect(f.truncated.length).toBe(n);
    expect(f.capacity).toBe(n);
    expect(f.size).toBe(0);
    expect(f.isFull).toBe(false);
  });

  it.each(['float32', 'int32'] as const)('add copies each step to t * numEnvs + i (%s actions)', (actionType) => {
    const { buffer, added } = filled(SHAPE, actionType);
    const { numEnvs: n, observationSize: d, actionSize: a } = SHAPE;
    expect(buffer.size).toBe(SHAPE.numSteps);
    expect(buffer.numTransitions).toBe(24);
    expect(buffer.isFull).toBe(true);
    added.forEach((step, t) => {
      for (let i = 0; i < n; i++) {
        const k = t * n + i;
        for (let c = 0; c < d; c++) expect(buffer.observations[k * d + c]).toBe(step.observations[i * d + c]);
        for (let c = 0; c < a; c++) expect(buffer.actions[k * a + c]).toBe(Math.fround(step.actions[i * a + c]));
        expect(buffer.logProbs[k]).toBe(step.logProbs[i]);
        expect(buffer.values[k]).toBe(step.values[i]);
        expect(buffer.rewards[k]).toBe(step.rewards[i]);
        expect(buffer.terminated[k]).toBe(step.terminated[i]);
        expect(buffer.truncated[k]).toBe(step.truncated[i]);
      }
    });
  });

  it('accepts plain arrays and Float64Arrays as inputs', () => {
    const buffer = new RolloutBuffer({ numSteps: 1, numEnvs: 2, observationSize: 1, actionSize: 1, actionType: 'int32' });
    buffer.add({
      observations: [0.5, -0.5],
      actions: [1, 0],
      logProbs: Float64Array.of(-0.1, -0.2),
      values: [1, 2],
      rewards: [3, 4],
      terminated: [0, 1],
      truncated: [1, 0],
    });
    expect(Array.from(buffer.actions)).toEqual([1, 0]);
    expect(Array.from(buffer.logProbs)).toEqual([Math.fround(-0.1), Math.fround(-0.2)]);
    expect(Array.from(buffer.truncated)).toEqual([1, 0]);
  });

  it('refuses to add to a full buffer, and accepts steps again after reset', () => {
    const { buffer } = filled(SHAPE, 'float32');
    const step = randomStep(new Rng(9), SHAPE, 'float32');
    expect(() => buffer.add(step)).toThrow(/the buffer is full \(numSteps = 6\); call reset\(\)/);
    buffer.reset();
    expect(buffer.size).toBe(0);
    expect(buffer.isFull).toBe(false);
    buffer.add(step);
    expect(buffer.size).toBe(1);
    expect(buffer.observations[0]).toBe(step.observations[0]);
  });

  it('names the argument, the expected and the actual length on a wrong length', () => {
    const buffer = new RolloutBuffer({ ...SHAPE, actionType: 'float32' });
    const good = randomStep(new Rng(2), SHAPE, 'float32');
    const cases: [keyof RolloutStep, number, RegExp][] = [
      ['observations', 11, /observations must have length numEnvs \* observationSize = 12, got length 11/],
      ['actions', 9, /actions must have length numEnvs \* actionSize = 8, got length 9/],
      ['logProbs', 3, /logProbs must have length numEnvs = 4, got length 3/],
      ['values', 5, /values must have length numEnvs = 4, got length 5/],
      ['rewards', 0, /rewards must have length numEnvs = 4/],
      ['terminated', 1, /terminated must have length numEnvs = 4/],
      ['truncated', 8, /truncated must have length numEnvs = 4/],
    ];
    for (const [key, length, message] of cases) {
      expect(() => buffer.add({ ...good, [key]: new Float32Array(length) })).toThrow(RangeError);
      expect(() => buffer.add({ ...good, [key]: new Float32Array(length) })).toThrow(message);
    }
    expect(() => buffer.add({ ...good, rewards: undefined as unknown as number[] })).toThrow(TypeError);
    expect(() => buffer.add({ ...good, rewards: 3 as unknown as number[] })).toThrow(/rewards must be a typed array/);
    expect(() => buffer.add(null as unknown as RolloutStep)).toThrow(TypeError);
    expect(buffer.size).toBe(0);
  });

  it('rejects NaN and Infinity with the offending index, leaving the buffer unchanged', () => {
    const buffer = new RolloutBuffer({ ...SHAPE, actionType: 'float32' });
    const good = randomStep(new Rng(3), SHAPE, 'float32');
    buffer.add(good);
    const before = Float32Array.from(buffer.observations);
    for (const key of ['observations', 'actions', 'logProbs', 'values', 'rewards'] as const) {
      const bad = Float32Array.from(good[key]);
      bad[2] = Number.NaN;
      expect(() => buffer.add({ ...good, [key]: bad })).toThrow(new RegExp(`${key}\\[2\\] must be a finite number within float32 range, got NaN`));
      bad[2] = Number.NEGATIVE_INFINITY;
      expect(() => buffer.add({ ...good, [key]: bad })).toThrow(RangeError);
      // Finite as a double but Infinity once stored as float32.
      const big = Float64Array.from(good[key]);
      big[1] = 1e39;
      expect(() => buffer.add({ ...good, [key]: big })).toThrow(new RegExp(`${key}\\[1\\] must be a finite number within float32 range, got 1e\\+39`));
    }
    // The observations of the rejected steps were never written.
    expect(buffer.size).toBe(1);
    expect(buffer.observations).toEqual(before);
  });

  it('requires integer int32 actions and 0/1 flags', () => {
    const buffer = new RolloutBuffer({ ...SHAPE, actionType: 'int32' });
    const good = randomStep(new Rng(4), SHAPE, 'int32');
    expect(() => buffer.add({ ...good, actions: Float32Array.of(0, 1, 2.5, 0, 0, 0, 0, 0) })).toThrow(/actions\[2\] must be an integer/);
    expect(() => buffer.add({ ...good, actions: Float64Array.of(0, 1, 2 ** 31, 0, 0, 0, 0, 0) })).toThrow(RangeError);
    expect(() => buffer.add({ ...good, terminated: Uint8Array.of(0, 2, 0, 0) })).toThrow(/terminated\[1\] must be an integer in \[0, 1\], got 2/);
    expect(() => buffer.add({ ...good, truncated: [0, 0, 0, -1] })).toThrow(/truncated\[3\]/);
  });

  it('validates the constructor options', () => {
    const ok = { ...SHAPE, actionType: 'float32' as const };
    expect(() => new RolloutBuffer({ ...ok, numSteps: 0 })).toThrow(/numSteps must be an integer >= 1, got 0/);
    expect(() => new RolloutBuffer({ ...ok, numEnvs: 1.5 })).toThrow(/numEnvs/);
    expect(() => new RolloutBuffer({ ...ok, observationSize: -1 })).toThrow(/observationSize/);
    expect(() => new RolloutBuffer({ ...ok, actionSize: Number.NaN })).toThrow(/actionSize/);
    expect(() => new RolloutBuffer({ ...ok, actionType: 'int64' as 'int32' })).toThrow(/actionType must be 'float32' or 'int32', got int64/);
    expect(() => new RolloutBuffer(undefined as unknown as typeof ok)).toThrow(TypeError);
  });
});

describe('next values', () => {
  it('setNextValues writes one stored step and validates its arguments', () => {
    const { buffer } = filled(SHAPE, 'float32', 3);
    buffer.setNextValues(1, [1, 2, 3, 4]);
    expect(Array.from(buffer.nextValues.subarray(4, 8))).toEqual([1, 2, 3, 4]);
    expect(() => buffer.setNextValues(3, [1, 2, 3, 4])).toThrow(/step must be an integer in \[0, 2\], got 3/);
    expect(() => buffer.setNextValues(0, [1, 2, 3])).toThrow(/values must have length numEnvs = 4/);
    expect(() => buffer.setNextValues(0, [1, 2, Number.NaN, 4])).toThrow(/values\[2\] must be a finite number/);
    expect(() => new RolloutBuffer({ ...SHAPE, actionType: 'int32' }).setNextValues(0, [1, 2, 3, 4])).toThrow(/empty/);
  });

  it('bootstrapNextValues matches a naive per-env loop and keeps truncated, non-terminated entries', () => {
    for (const steps of [1, 4, SHAPE.numSteps]) {
      const { buffer } = filled(SHAPE, 'float32', steps, 10 + steps);
      const n = SHAPE.numEnvs;
      // The final-observation values of truncated steps, written first.
      for (let t = 0; t < steps; t++) buffer.setNextValues(t, [100 + t, 200 + t, 300 + t, 400 + t]);
      const last = [-1, -2, -3, -4];
      buffer.bootstrapNextValues(last);
      for (let i = 0; i < n; i++) {
        for (let t = 0; t < steps; t++) {
          const k = t * n + i;
          const keep = buffer.truncated[k] === 1 && buffer.terminated[k] === 0;
          const expected = keep ? (i + 1) * 100 + t : t + 1 < steps ? buffer.values[(t + 1) * n + i] : last[i];
          expect(buffer.nextValues[k]).toBe(Math.fround(expected));
        }
      }
    }
    const { buffer } = filled(SHAPE, 'float32', 2);
    expect(() => buffer.bootstrapNextValues([1, 2])).toThrow(/lastValues must have length numEnvs = 4/);
    expect(() => buffer.bootstrapNextValues([1, 2, 3, Number.POSITIVE_INFINITY])).toThrow(/lastValues\[3\]/);
  });

  it('bootstrapNextValues refuses a truncated step whose next value is left from the previous rollout', () => {
    const n = 2;
    const buffer = new RolloutBuffer({ numSteps: 3, numEnvs: n, observationSize: 1, actionSize: 1, actionType: 'float32' });
    const step = (truncated: number[], terminated = [0, 0]): RolloutStep => ({
      observations: [0, 0],
      actions: [0, 0],
      logProbs: [0, 0],
      values: [1, 2],
      rewards: [0, 0],
      terminated,
      truncated,
    });
    const rollout = (): void => {
      buffer.add(step([0, 0]));
      buffer.add(step([0, 1]));
      buffer.add(step([1, 1], [1, 0]));
    };
    rollout();
    buffer.setNextValues(1, [7, 8]);
    buffer.setNextValues(2, [0, 9]);
    buffer.bootstrapNextValues([5, 6]);
    // Step 2 env 0 also terminated: it gets a (GAE-ignored) value without setNextValues.
    expect(Array.from(buffer.nextValues)).toEqual([1, 2, 1, 8, 5, 9]);

    buffer.reset();
    expect(buffer.nextValues.every(Number.isNaN)).toBe(true);
    rollout();
    buffer.setNextValues(2, [0, 9]);
    expect(() => buffer.bootstrapNextValues([5, 6])).toThrow(
      /step 1, env 1 was truncated but its next value was not set since the last reset\(\); call setNextValues\(1, values\)/,
    );
    // Rejected before anything was written.
    expect(Number.isNaN(buffer.nextValues[0])).toBe(true);
    buffer.nextValues[3] = 8; // a direct write counts as set
    buffer.bootstrapNextValues([5, 6]);
    expect(Array.from(buffer.nextValues)).toEqual([1, 2, 1, 8, 5, 9]);
  });
});

describe('shuffled minibatches', () => {
  const configs: { name: string; options: { minibatchSize?: number; numMinibatches?: number }; sizes: number[] }[] = [
    { name: 'minibatchSize dividing the rows', options: { minibatchSize: 8 }, sizes: [8, 8, 8] },
    { name: 'minibatchSize with a remainder (last minibatch smaller)', options: { minibatchSize: 10 }, sizes: [10, 10, 4] },
    { name: 'numMinibatches dividing the rows', options: { numMinibatches: 4 }, sizes: [6, 6, 6, 6] },
    { name: 'numMinibatches with a remainder (sizes differ by one)', options: { numMinibatches: 5 }, sizes: [5, 5, 5, 5, 4] },
    { name: 'one minibatch of everything', options: { numMinibatches: 1 }, sizes: [24] },
    { name: 'single rows', options: { minibatchSize: 1 }, sizes: Array<number>(24).fill(1) },
  ];

  it.each(configs)('$name: every index exactly once per epoch, rows match storage', ({ options, sizes }) => {
    const { buffer } = filled(SHAPE, 'float32');
    const rng = new Rng(5);
    for (let epoch = 0; epoch < 3; epoch++) {
      const seen: number[] = [];
      let count = 0;
      for (const mb of buffer.minibatches({ ...options, rng })) {
        expect(mb.index).toBe(count++);
        expect(mb.numSequences).toBe(mb.size);
        expect(mb.sequenceLength).toBe(1);
        expect(Array.from(mb.envIndices)).toEqual(Array.from(mb.indices, (k) => k % SHAPE.numEnvs));
        expectRowsMatch(buffer, mb);
        seen.push(...mb.indices);
      }
      expect(count).toBe(sizes.length);
      expect(seen.sort((a, b) => a - b)).toEqual(range(24));
    }
    expect(collectEpoch(buffer.minibatches({ ...options, rng })).sizes).toEqual(sizes);
  });

  it('gathers int32 actions of several dimensions', () => {
    const { buffer } = filled({ ...SHAPE, actionSize: 3 }, 'int32');
    for (const mb of buffer.minibatches({ minibatchSize: 7, rng: new Rng(6) })) {
      expect(mb.actions).toBeInstanceOf(Int32Array);
      expectRowsMatch(buffer, mb);
    }
  });

  it('dropLast skips the smaller last minibatch', () => {
    const { buffer } = filled(SHAPE, 'float32');
    const epoch = collectEpoch(buffer.minibatches({ minibatchSize: 10, dropLast: true, rng: new Rng(7) }));
    expect(epoch.sizes).toEqual([10, 10]);
    expect(new Set(epoch.indices.flat()).size).toBe(20);
  });

  it('reshuffles every epoch and is reproducible from the seed', () => {
    const { buffer } = filled(SHAPE, 'float32');
    const a = new Rng(8);
    const first = collectEpoch(buffer.minibatches({ minibatchSize: 8, rng: a })).indices.flat();
    const second = collectEpoch(buffer.minibatches({ minibatchSize: 8, rng: a })).indices.flat();
    expect(second).not.toEqual(first);
    const b = new Rng(8);
    expect(collectEpoch(buffer.minibatches({ minibatchSize: 8, rng: b })).indices.flat()).toEqual(first);
  });

  it('places each index in each minibatch equally often (binomial counts within 4.5 standard deviations)', () => {
    const { buffer } = filled(SHAPE, 'float32');
    const rng = new Rng(9);
    const counts = new Float64Array(6);
    for (let epoch = 0; epoch < 6000; epoch++) {
      for (const mb of buffer.minibatches({ numMinibatches: 6, rng })) {
        if (mb.indices.includes(0)) counts[mb.index]++;
      }
    }
    // Each count is Binomial(6000, 1/6): mean 1000, sd 28.9; a correct sampler leaves a bin
    // beyond 4.5 sd with probability below 1e-4 per run.
    const sd = Math.sqrt(6000 * (1 / 6) * (5 / 6));
    for (const count of counts) expect(Math.abs(count - 1000)).toBeLessThan(4.5 * sd);
  });

  it('reuses the same minibatch objects and arrays across minibatches and epochs (no allocation)', () => {
    const { buffer } = filled(SHAPE, 'float32');
    const rng = new Rng(10);
    const arraysOf = (mb: Minibatch): unknown[] => [
      mb,
      mb.indices,
      mb.observations,
      mb.actions,
      mb.logProbs,
      mb.values,
      mb.advantages,
      mb.returns,
      mb.terminated,
      mb.truncated,
      mb.envIndices,
    ];
    const epochArrays = (): unknown[][] => {
      const out: unknown[][] = [];
      for (const mb of buffer.minibatches({ minibatchSize: 10, rng })) out.push(arraysOf(mb));
      return out;
    };
    const first = epochArrays();
    // Full minibatches share one set of arrays; the smaller last one has its own views.
    first[1].forEach((x, j) => expect(x).toBe(first[0][j]));
    for (let epoch = 0; epoch < 3; epoch++) {
      const again = epochArrays();
      again.forEach((arrays, m) => arrays.forEach((x, j) => expect(x).toBe(first[m][j])));
    }
    // Both views share one backing store sized for the largest minibatch.
    expect(first[2][2]).not.toBe(first[0][2]);
    expect((first[2][2] as Float32Array).buffer).toBe((first[0][2] as Float32Array).buffer);
  });

  it('the iterator reuses its result object (next() allocates nothing)', () => {
    const { buffer } = filled(SHAPE, 'float32');
    const it = buffer.minibatches({ minibatchSize: 8, rng: new Rng(11) });
    const r1 = it.next();
    const r2 = it.next();
    expect(r2).toBe(r1);
    expect(it[Symbol.iterator]()).toBe(it);
  });

  it('grows its storage when a larger minibatch is asked for, and stays correct', () => {
    const { buffer } = filled(SHAPE, 'float32');
    const rng = new Rng(12);
    collectEpoch(buffer.minibatches({ minibatchSize: 4, rng }));
    for (const mb of buffer.minibatches({ minibatchSize: 24, rng })) expectRowsMatch(buffer, mb);
    for (const mb of buffer.minibatches({ minibatchSize: 4, rng })) expectRowsMatch(buffer, mb);
  });

  it('samples only the stored steps of a partly filled buffer', () => {
    const { buffer } = filled(SHAPE, 'float32', 2);
    const epoch = collectEpoch(buffer.minibatches({ minibatchSize: 3, rng: new Rng(13) }));
    expect(epoch.sizes).toEqual([3, 3, 2]);
    expect(epoch.indices.flat().sort((a, b) => a - b)).toEqual(range(8));
  });
});

describe('sequential minibatches (whole env columns, time order kept)', () => {
  const SEQ: Shape = { numSteps: 5, numEnvs: 7, observationSize: 2, actionSize: 1 };

  it.each([
    { options: { numMinibatches: 3 }, envCounts: [3, 2, 2] },
    { options: { numMinibatches: 7 }, envCounts: [1, 1, 1, 1, 1, 1, 1] },
    { options: { minibatchSize: 10 }, envCounts: [2, 2, 2, 1] },
    { options: { minibatchSize: 35 }, envCounts: [7] },
  ])('$options: each env once per epoch, rows time-major over the minibatch envs', ({ options, envCounts }) => {
    const { buffer } = filled(SEQ, 'int32');
    const rng = new Rng(14);
    for (let epoch = 0; epoch < 3; epoch++) {
      const envs: number[] = [];
      const counts: number[] = [];
      for (const mb of buffer.minibatches({ ...options, rng, mode: 'sequential' })) {
        const k = mb.numSequences;
        counts.push(k);
        expect(mb.sequenceLength).toBe(SEQ.numSteps);
        expect(mb.size).toBe(k * SEQ.numSteps);
        expect(mb.envIndices.length).toBe(k);
        for (let t = 0; t < SEQ.numSteps; t++) {
          for (let j = 0; j < k; j++) expect(mb.indices[t * k + j]).toBe(t * SEQ.numEnvs + mb.envIndices[j]);
        }
        expectRowsMatch(buffer, mb);
        envs.push(...mb.envIndices);
      }
      expect(counts).toEqual(envCounts);
      expect(envs.sort((a, b) => a - b)).toEqual(range(SEQ.numEnvs));
    }
  });

  it('uses the stored steps of a partly filled buffer as the sequence length', () => {
    const { buffer } = filled(SEQ, 'float32', 3);
    for (const mb of buffer.minibatches({ minibatchSize: 6, rng: new Rng(15), mode: 'sequential' })) {
      expect(mb.sequenceLength).toBe(3);
      expectRowsMatch(buffer, mb);
    }
  });

  it('shuffles the env columns between epochs and reuses its arrays', () => {
    const { buffer } = filled(SEQ, 'float32');
    const rng = new Rng(16);
    const orders: string[] = [];
    let observations: Float32Array | null = null;
    for (let epoch = 0; epoch < 5; epoch++) {
      const envs: number[] = [];
      for (const mb of buffer.minibatches({ numMinibatches: 7, rng, mode: 'sequential' })) {
        envs.push(mb.envIndices[0]);
        observations ??= mb.observations;
        expect(mb.observations).toBe(observations);
      }
      orders.push(envs.join(','));
    }
    expect(new Set(orders).size).toBeGreaterThan(1);
  });

  it('requires minibatchSize to be a whole number of env columns', () => {
    const { buffer } = filled(SEQ, 'float32');
    expect(() => buffer.minibatches({ minibatchSize: 12, rng: new Rng(1), mode: 'sequential' })).toThrow(
      /multiple of the stored steps \(5\), got 12/,
    );
    expect(() => buffer.minibatches({ numMinibatches: 8, rng: new Rng(1), mode: 'sequential' })).toThrow(
      /numMinibatches must be an integer in \[1, 7\], got 8/,
    );
  });
});

describe('minibatch errors', () => {
  it('refuses to sample an empty buffer', () => {
    const buffer = new RolloutBuffer({ ...SHAPE, actionType: 'float32' });
    expect(() => buffer.minibatches({ minibatchSize: 4, rng: new Rng(1) })).toThrow(/the buffer is empty/);
    const { buffer: full } = filled(SHAPE, 'float32');
    full.reset();
    expect(() => full.minibatches({ numMinibatches: 1, rng: new Rng(1) })).toThrow(/the buffer is empty/);
  });

  it('refuses to sample before advantages and returns are written for every stored step', () => {
    const { buffer } = filled({ ...SHAPE, numSteps: 3 }, 'float32', 2);
    const fresh = new RolloutBuffer({ ...SHAPE, actionType: 'float32' });
    fresh.add(randomStep(new Rng(2), SHAPE, 'float32'));
    expect(() => fresh.minibatches({ minibatchSize: 2, rng: new Rng(1) })).toThrow(
      /advantages of step 0, env 0 is NaN \(not written since the last reset\(\) or add\(\)\)/,
    );
    collectEpoch(buffer.minibatches({ minibatchSize: 2, rng: new Rng(1) }));
    // A step added after the advantages were computed has none.
    buffer.add(randomStep(new Rng(3), SHAPE, 'float32'));
    buffer.advantages.fill(0.5, 0, 12);
    expect(() => buffer.minibatches({ minibatchSize: 2, rng: new Rng(1) })).toThrow(/returns of step 2, env 0 is NaN/);
    buffer.returns.fill(0.5, 0, 11);
    expect(() => buffer.minibatches({ minibatchSize: 2, rng: new Rng(1) })).toThrow(/returns of step 2, env 3 is NaN/);
    buffer.returns[11] = 0.5;
    expect(collectEpoch(buffer.minibatches({ minibatchSize: 4, rng: new Rng(1) })).sizes).toEqual([4, 4, 4]);
    // reset() makes the previous rollout's advantages and returns unusable.
    buffer.reset();
    buffer.add(randomStep(new Rng(4), SHAPE, 'float32'));
    expect(buffer.advantages.every(Number.isNaN) && buffer.returns.every(Number.isNaN)).toBe(true);
    expect(() => buffer.minibatches({ numMinibatches: 1, rng: new Rng(1) })).toThrow(/advantages of step 0, env 0 is NaN/);
  });

  it('refuses a minibatch larger than the stored transitions', () => {
    const { buffer } = filled(SHAPE, 'float32', 2);
    expect(() => buffer.minibatches({ minibatchSize: 9, rng: new Rng(1) })).toThrow(
      /minibatchSize must be an integer in \[1, 8\] \(the stored transitions\), got 9/,
    );
    expect(() => buffer.minibatches({ numMinibatches: 9, rng: new Rng(1) })).toThrow(/numMinibatches must be an integer in \[1, 8\]/);
  });

  it('rejects bad options', () => {
    const { buffer } = filled(SHAPE, 'float32');
    const rng = new Rng(1);
    expect(() => buffer.minibatches({ rng })).toThrow(/exactly one of minibatchSize and numMinibatches/);
    expect(() => buffer.minibatches({ rng, minibatchSize: 4, numMinibatches: 2 })).toThrow(/exactly one/);
    expect(() => buffer.minibatches({ rng, minibatchSize: 0 })).toThrow(RangeError);
    expect(() => buffer.minibatches({ rng, minibatchSize: 2.5 })).toThrow(RangeError);
    expect(() => buffer.minibatches({ rng, numMinibatches: 0 })).toThrow(RangeError);
    expect(() => buffer.minibatches({ rng, numMinibatches: 2, dropLast: true })).toThrow(/dropLast applies only with minibatchSize/);
    expect(() => buffer.minibatches({ rng, minibatchSize: 2, mode: 'random' as 'shuffle' })).toThrow(/mode must be/);
    expect(() => buffer.minibatches({ rng: {} as Rng, minibatchSize: 2 })).toThrow(/rng must be a RandomSource/);
    expect(() => buffer.minibatches(undefined as unknown as { rng: Rng })).toThrow(TypeError);
  });

  it('throws when the buffer changes during an epoch', () => {
    const { buffer } = filled(SHAPE, 'float32');
    const it = buffer.minibatches({ minibatchSize: 8, rng: new Rng(1) });
    it.next();
    buffer.reset();
    expect(() => it.next()).toThrow(/modified \(add or reset\) during the epoch/);
  });

  it('throws when a newer epoch has taken over the shared storage', () => {
    const { buffer } = filled(SHAPE, 'float32');
    const rng = new Rng(1);
    const old = buffer.minibatches({ minibatchSize: 8, rng });
    old.next();
    const fresh = buffer.minibatches({ minibatchSize: 8, rng });
    expect(() => old.next()).toThrow(/a newer epoch started/);
    expect(fresh.next().done).toBe(false);
  });
});
