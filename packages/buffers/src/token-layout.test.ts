import { describe, expect, it } from 'vitest';
import { Rng } from '@ppo/utils';
import { completionColumns, joinPromptsAndCompletions } from './token-layout';

/** Naive reference: rows as nested arrays, concatenated and flattened. */
function rowsOf(flat: ArrayLike<number>, width: number): number[][] {
  const rows: number[][] = [];
  for (let start = 0; start < flat.length; start += width) rows.push(Array.from(flat).slice(start, start + width));
  return rows;
}

describe('joinPromptsAndCompletions', () => {
  it.each([
    [1, 0, 1],
    [1, 3, 4],
    [3, 1, 2],
    [4, 2, 5],
  ])('puts prompt i then its completion slots in row i (B %i, P %i, T %i)', (b, p, t) => {
    const rng = new Rng(b * 100 + p * 10 + t);
    const prompts = Int32Array.from({ length: b * p }, () => rng.nextInt(20));
    const completions = Int32Array.from({ length: b * t }, () => rng.nextInt(20));
    const out = joinPromptsAndCompletions(prompts, completions, { promptLength: p, slots: t });
    const promptRows = p === 0 ? Array.from({ length: b }, () => []) : rowsOf(prompts, p);
    const want = rowsOf(completions, t).flatMap((row, i) => [...promptRows[i], ...row]);
    expect(out).toBeInstanceOf(Int32Array);
    expect(Array.from(out)).toEqual(want);
    // completionColumns takes the slots back out of rows of this layout.
    expect(Array.from(completionColumns(Float32Array.from(out), { promptLength: p, slots: t }))).toEqual(Array.from(completions));
  });

  it('names a bad argument', () => {
    const shape = { promptLength: 2, slots: 3 };
    expect(() => joinPromptsAndCompletions(new Int32Array(4), new Int32Array(5), shape)).toThrow(
      /joinPromptsAndCompletions: completions must have a positive multiple of slots = 3 entries, got 5/,
    );
    expect(() => joinPromptsAndCompletions(new Int32Array(6), new Int32Array(6), shape)).toThrow(
      /prompts must have B \* promptLength = 2 \* 2 = 4 entries \(B from completions\), got 6/,
    );
    expect(() => joinPromptsAndCompletions(new Int32Array(4), new Int32Array(0), shape)).toThrow(/completions must have a positive multiple/);
    expect(() => joinPromptsAndCompletions([1, 2] as unknown as Int32Array, new Int32Array(3), shape)).toThrow(/prompts must be an Int32Array, got \[1,2\]/);
    expect(() => joinPromptsAndCompletions(new Int32Array(2), new Int32Array(3), { promptLength: 2, slots: 0 })).toThrow(/slots must be an integer in \[1, /);
    expect(() => joinPromptsAndCompletions(new Int32Array(2), new Int32Array(3), { promptLength: -1, slots: 3 })).toThrow(/promptLength must be an integer in \[0, /);
  });
});

describe('completionColumns', () => {
  it('takes columns [P, P + T) of every row', () => {
    const values = Float32Array.from({ length: 3 * 5 }, (_, k) => k + 0.5);
    const want = rowsOf(values, 5).flatMap((row) => row.slice(2));
    expect(Array.from(completionColumns(values, { promptLength: 2, slots: 3 }))).toEqual(want);
    // No prompt: the identity, as a copy.
    const copy = completionColumns(values, { promptLength: 0, slots: 5 });
    expect(Array.from(copy)).toEqual(Array.from(values));
    expect(copy).not.toBe(values);
  });

  it('names a bad argument', () => {
    expect(() => completionColumns(new Float32Array(7), { promptLength: 1, slots: 2 })).toThrow(
      /completionColumns: values must have a positive multiple of promptLength \+ slots = 3 entries, got 7/,
    );
    expect(() => completionColumns(new Float64Array(6) as unknown as Float32Array, { promptLength: 1, slots: 2 })).toThrow(/values must be a Float32Array, got Float64Array/);
    expect(() => completionColumns(new Float32Array(6), null as unknown as { promptLength: number; slots: number })).toThrow(/shape must be an object/);
  });
});
