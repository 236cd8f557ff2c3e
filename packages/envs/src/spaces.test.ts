import { Rng } from '@ppo/utils';
import { describe, expect, it } from 'vitest';
import { Box, Dict, Discrete, MultiBinary, MultiDiscrete, spaceFromJSON, spacesEqual, Tuple, type Space } from './spaces';


function roundTrip<T>(space: Space<T>, rng: Rng, draws = 50): void {
  for (let k = 0; k < draws; k++) {
    const x = space.sample(rng);
    expect(space.contains(x)).toBe(true);
    const flat = space.flatten(x);
    expect(flat).toBeInstanceOf(Float32Array);
    expect(flat.length).toBe(space.flatDim);
    expect(space.unflatten(flat)).toEqual(x);
  }
  expect(spacesEqual(spaceFromJSON(JSON.parse(JSON.stringify(space.toJSON())) as ReturnType<Space<T>['toJSON']>), space)).toBe(true);
}

describe('Box', () => {
  it('broadcasts scalar bounds, rounds them to float32 and reports shape and flatDim', () => {
    const box = new Box({ low: -0.1, high: 0.1, shape: [2, 3] });
    expect(box.shape).toEqual([2, 3]);
    expect(box.flatDim).toBe(6);
    expect(box.low[5]).toBe(Math.fround(-0.1));
    expect(box.dtype).toBe('float32');
  });

  it('samples inside bounded boxes, uniformly', () => {
    const box = new Box({ low: [-1, 2], high: [1, 3] });
    const rng = new Rng(1);
    let sum0 = 0;
    const n = 4000;
    for (let k = 0; k < n; k++) {
      const x = box.sample(rng);
      expect(box.contains(x)).toBe(true);
      sum0 += x[0];
    }
    // Mean of U(-1, 1) is 0 with standard error 1/sqrt(3n) ~ 0.009.
    expect(Math.abs(sum0 / n)).toBeLessThan(0.05);
  });

  it('samples half-bounded entries on the right side and unbounded ones around zero (Gymnasium)', () => {
    const box = new Box({ low: [0, -Infinity, -Infinity], high: [Infinity, 5, Infinity] });
    const rng = new Rng(2);
    let below = 0;
    for (let k = 0; k < 1000; k++) {
      const x = box.sample(rng);
      expect(x[0]).toBeGreaterThanOrEqual(0);
      expect(x[1]).toBeLessThanOrEqual(5);
      if (x[2] < 0) below++;
    }
    expect(below).toBeGreaterThan(400);
    expect(below).toBeLessThan(600);
  });

  it('contains checks type, length, bounds (inclusive) and rejects NaN', () => {
    const box = new Box({ low: -1, high: 1, shape: [2] });
    expect(box.contains(new Float32Array([1, -1]))).toBe(true);
    expect(box.contains(new Float32Array([1.01, 0]))).toBe(false);
    expect(box.contains(new Float32Array([Number.NaN, 0]))).toBe(false);
    expect(box.contains(new Float32Array([0]))).toBe(false);
    expect(box.contains(new Float64Array([0, 0]))).toBe(false);
    expect(box.contains([0, 0])).toBe(false);
  });

  it('writes infinite bounds as null in JSON and reads them back', () => {
    const box = new Box({ low: [-Infinity, 0], high: [Infinity, 1], dtype: 'float64' });
    const spec = box.toJSON();
    expect(spec).toEqual({ type: 'box', shape: [2], low: [null, 0], high: [null, 1], dtype: 'float64' });
    const back = spaceFromJSON(JSON.parse(JSON.stringify(spec)) as typeof spec) as Box;
    expect(back.low[0]).toBe(-Infinity);
    expect(back.high[0]).toBe(Infinity);
    roundTrip(box, new Rng(3));
  });

  it('holds float64 boxes\' bounds as float32, so the float32 values at a bound are members', () => {
    const box = new Box({ low: -0.1, high: [0.1, 1e-40], dtype: 'float64' });
    expect(box.low).toBeInstanceOf(Float32Array);
    expect(Array.from(box.high)).toEqual([Math.fround(0.1), Math.fround(1e-40)]);
    expect(box.contains(new Float32Array([0.1, 0]))).toBe(true);
    expect(box.contains(new Float32Array([-0.1, Math.fround(1e-40)]))).toBe(true);
    expect(box.contains(new Float32Array([0.1000001, 0]))).toBe(false);
    const rng = new Rng(5);
    for (let k = 0; k < 200; k++) expect(box.contains(box.sample(rng))).toBe(true);
    expect(box.toJSON()).toMatchObject({ low: [Math.fround(-0.1), Math.fround(-0.1)], high: [Math.fround(0.1), Math.fround(1e-40)] });
  });

  it('validates its options', () => {
    expect(() => new Box({ low: 1, high: 0, shape: [1] })).toThrow(/low\[0\]=1 must be <= high\[0\]=0/);
    expect(() => new Box({ low: 0, high: 1 })).toThrow(/shape is required/);
    expect(() => new Box({ low: [0, 0], high: [1], shape: [2] })).toThrow(/high must have 2 entries/);
    expect(() => new Box({ low: Number.NaN, high: 1, shape: [1] })).toThrow(/NaN/);
    expect(() => new Box({ low: 0, high: 1, shape: [0] })).toThrow(/shape\[0\] must be a positive integer/);
    expect(() => new Box({ low: 0, high: 1, shape: [1], dtype: 'int8' as 'float32' })).toThrow(/dtype/);
    expect(() => new Box({ low: Infinity, high: Infinity, shape: [1] })).toThrow(/empty range/);
    expect(() => new Box({ low: 0, high: 1, shape: [2] }).unflatten([1])).toThrow(/length 2, got 1/);
  });
});

describe('Discrete', () => {
  it('samples every value in [start, start + n) with roughly equal frequency', () => {
    const space = new Discrete({ n: 3, start: -1 });
    const counts = new Map<number, number>();
    const rng = new Rng(4);
    for (let k = 0; k < 3000; k++) {
      const x = space.sample(rng);
      counts.set(x, (counts.get(x) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([-1, 0, 1]);
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(120);
  });

  it('flattens to one-hot and checks membership', () => {
    const space = new Discrete({ n: 4, start: 2 });
    expect(Array.from(space.flatten(3))).toEqual([0, 1, 0, 0]);
    expect(space.unflatten([0, 0, 0, 1])).toBe(5);
    expect(space.contains(1)).toBe(false);
    expect(space.contains(2.5)).toBe(false);
    expect(space.contains(Number.NaN)).toBe(false);
    expect(space.contains('2')).toBe(false);
    expect(space.toJSON()).toEqual({ type: 'discrete', n: 4, start: 2 });
    expect(() => space.unflatten([0, 1, 1, 0])).toThrow(/one-hot/);
    expect(() => space.unflatten([0, 0, 0, 0])).toThrow(/one-hot/);
    expect(() => space.flatten(6)).toThrow(/integer in \[2, 6\), got 6/);
    expect(() => new Discrete({ n: 0 })).toThrow(/n must be a positive integer, got 0/);
    roundTrip(space, new Rng(5));
  });
});

describe('MultiDiscrete, MultiBinary', () => {
  it('MultiDiscrete samples Int32Arrays inside nvec and flattens to concatenated one-hots', () => {
    const space = new MultiDiscrete({ nvec: [2, 3] });
    expect(space.flatDim).toBe(5);
    expect(space.shape).toEqual([2]);
    expect(Array.from(space.flatten(new Int32Array([1, 2])))).toEqual([0, 1, 0, 0, 1]);
    expect(space.contains(new Int32Array([2, 0]))).toBe(false);
    expect(space.contains(new Int32Array([-1, 0]))).toBe(false);
    expect(space.contains([1, 0])).toBe(false);
    expect(() => new MultiDiscrete({ nvec: [2, 0] })).toThrow(/nvec\[1\] must be a positive integer/);
    roundTrip(space, new Rng(6));
  });

  it('MultiBinary samples bits and rejects other values', () => {
    const space = new MultiBinary({ n: 5 });
    expect(space.contains(new Uint8Array([0, 1, 1, 0, 2]))).toBe(false);
    expect(() => space.unflatten([0, 1, 0.5, 0, 0])).toThrow(/flat\[2\] must be 0 or 1/);
    roundTrip(space, new Rng(7));
  });
});

describe('Dict, Tuple', () => {
  const inner = {
    velocity: new Box({ low: -1, high: 1, shape: [2] }),
    mode: new Discrete({ n: 3 }),
    flags: new MultiBinary({ n: 2 }),
  };

  it('Dict sorts keys, flattens in that order and round-trips', () => {
    const space = new Dict({ spaces: inner });
    expect(space.keys).toEqual(['flags', 'mode', 'velocity']);
    expect(space.flatDim).toBe(2 + 3 + 2);
    const x = { velocity: new Float32Array([0.5, -0.5]), mode: 2, flags: new Uint8Array([1, 0]) };
    expect(Array.from(space.flatten(x))).toEqual([1, 0, 0, 0, 1, 0.5, -0.5]);
    expect(space.contains({ ...x, extra: 1 })).toBe(false);
    expect(space.contains({ velocity: x.velocity, mode: 2 })).toBe(false);
    expect(space.contains({ ...x, mode: 3 })).toBe(false);
    roundTrip(space, new Rng(8));
  });

  it('Tuple flattens in order and round-trips, nesting included', () => {
    const space = new Tuple({ spaces: [new Discrete({ n: 2 }), new Dict({ spaces: inner })] as const });
    expect(space.flatDim).toBe(2 + 7);
    expect(space.contains([1])).toBe(false);
    roundTrip(space, new Rng(9));
    expect(() => new Tuple({ spaces: [] })).toThrow(/at least one/);
    expect(() => new Dict({ spaces: { a: {} as Space<unknown> } })).toThrow(/spaces\.a must be a Space/);
  });
});

describe('spaceFromJSON', () => {
  it('rejects unknown space types', () => {
    expect(() => spaceFromJSON({ type: 'graph' } as unknown as Parameters<typeof spaceFromJSON>[0])).toThrow(/unknown space type/);
  });
});
