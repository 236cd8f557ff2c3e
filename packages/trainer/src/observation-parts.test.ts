import { Box, Dict, Discrete, MultiBinary, Tuple } from '@ppo/envs';
import { describe, expect, it } from 'vitest';
import { observationPartsOf } from './components';

describe('observationPartsOf', () => {
  it('splits a Dict by sorted key and a Tuple by index; rank-3 Boxes are images, everything else vectors', () => {
    const dict = new Dict({
      spaces: {
        state: new Box({ low: -1, high: 1, shape: [3] }),
        frame: new Box({ low: 0, high: 255, shape: [4, 5, 2] }),
        nested: new Dict({ spaces: { a: new Discrete({ n: 3 }), b: new MultiBinary({ n: 2 }) } }),
      },
    });
    expect(observationPartsOf(dict)).toEqual([
      { name: 'frame', size: 40, image: [4, 5, 2] },
      { name: 'nested', size: 5 },
      { name: 'state', size: 3 },
    ]);
    // The parts tile the flat row exactly as the space flattens.
    expect((observationPartsOf(dict) ?? []).reduce((s, p) => s + p.size, 0)).toBe(dict.flatDim);
    const tuple = new Tuple({ spaces: [new Discrete({ n: 4 }), new Box({ low: 0, high: 1, shape: [2, 2, 1] })] });
    expect(observationPartsOf(tuple)).toEqual([
      { name: '0', size: 4 },
      { name: '1', size: 4, image: [2, 2, 1] },
    ]);
    expect(observationPartsOf(new Box({ low: 0, high: 1, shape: [2] }))).toBeNull();
  });
});
