import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from './did-you-mean';

/** The same distance by plain recursion over every alignment (tiny words only). */
function naiveDistance(a: string, b: string): number {
  if (a === '') return b.length;
  if (b === '') return a.length;
  const cost = a[0] === b[0] ? 0 : 1;
  const swap = a.length > 1 && b.length > 1 && a[0] === b[1] && a[1] === b[0] ? naiveDistance(a.slice(2), b.slice(2)) + 1 : Infinity;
  return Math.min(naiveDistance(a.slice(1), b) + 1, naiveDistance(a, b.slice(1)) + 1, naiveDistance(a.slice(1), b.slice(1)) + cost, swap);
}

describe('editDistance', () => {
  it('matches the recursive definition on every pair of short words over a small alphabet', () => {
    const words = ['', 'a', 'b', 'ab', 'ba', 'aab', 'abc', 'acb', 'cab', 'bca', 'abca', 'baac'];
    for (const a of words) for (const b of words) expect(editDistance(a, b), `${a} -> ${b}`).toBe(naiveDistance(a, b));
  });

  it('counts a dropped, an added and a swapped letter', () => {
    expect(editDistance('learning-rat', 'learning-rate')).toBe(1);
    expect(editDistance('learning-ratee', 'learning-rate')).toBe(1);
    expect(editDistance('lerning-rate', 'learning-rate')).toBe(1);
    expect(editDistance('trian', 'train')).toBe(1);
    expect(editDistance('ca', 'abc')).toBe(3);
  });
});

describe('closestMatch', () => {
  const flags = ['learning-rate', 'anneal-lr', 'seed', 'num-envs', 'num-steps', 'env'];

  it('suggests the nearest candidate within a third of the length', () => {
    expect(closestMatch('learning-rat', flags)).toBe('learning-rate');
    expect(closestMatch('num-env', flags)).toBe('num-envs');
    expect(closestMatch('sed', flags)).toBe('seed');
    expect(closestMatch('trian', ['train', 'eval', 'export', 'plot', 'list-envs'])).toBe('train');
  });

  it('suggests nothing for a word far from every candidate', () => {
    expect(closestMatch('bogus', flags)).toBeUndefined();
    expect(closestMatch('x', flags)).toBeUndefined();
    expect(closestMatch('anything', [])).toBeUndefined();
  });
});
