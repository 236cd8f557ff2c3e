import { describe, expect, it } from 'vitest';
import { forEachReversed, removeEqual } from './game';

// Expected values are what CPython gives for the same lists (list.remove, reversed()).
describe('Python list semantics the games rely on', () => {
  it('removeEqual removes the first entry equal by value, not the one given', () => {
    const c = [1, 2];
    const d = [3, 4];
    const e = [1, 2];
    const list = [c, d, e];
    expect(removeEqual(list, e)).toBe(true);
    expect(list[0]).toBe(d);
    expect(list[1]).toBe(e); // m.remove(e) on [c, d, e] leaves [d, e]
    expect(removeEqual(list, [9, 9])).toBe(false);
  });

  it('forEachReversed revisits an entry when an equal earlier one is removed under it', () => {
    const a = [5];
    const b = [5];
    const list = [a, b];
    const seen: number[][] = [];
    forEachReversed(list, (x) => {
      seen.push(x);
      if (seen.length === 1) removeEqual(list, x);
    });
    expect(seen).toEqual([b, b]); // CPython: ['b', 'b'], leaving [b]
    expect(seen[0]).toBe(b);
    expect(seen[1]).toBe(b);
    expect(list).toHaveLength(1);
    expect(list[0]).toBe(b);
  });

  it('forEachReversed stops once its index is past the shrunk end', () => {
    const list = [[1], [2], [3]];
    const seen: number[] = [];
    forEachReversed(list, (x) => {
      seen.push(x[0]);
      if (x[0] === 3) list.splice(0, 2);
    });
    expect(seen).toEqual([3]);
  });
});
