// Index arithmetic between the two layouts of sampled completions: "completion slots" (B rows
// of T slots, as a sampler returns them) and "sequences" (B rows of P prompt tokens followed by
// the T slots, L = P + T, as a causal model scores them).
import { describeValue, PpoRangeError, PpoTypeError } from '@ppo/utils';
import { checkInteger, INT32_MAX } from './validate';

/** Shape of prompt + completion rows: {@link joinPromptsAndCompletions}, {@link completionColumns}. */
export interface PromptCompletionShape {
  /** Prompt tokens per row, P >= 0. */
  readonly promptLength: number;
  /** Completion slots per row, T >= 1. */
  readonly slots: number;
}

function checkShape(where: string, shape: PromptCompletionShape): { p: number; t: number } {
  if (shape === null || typeof shape !== 'object') throw new PpoTypeError('INVALID_ARGUMENT', `${where}: shape must be an object { promptLength, slots }, got ${describeValue(shape)}`);
  const p = checkInteger(where, 'promptLength', shape.promptLength, 0, INT32_MAX);
  const t = checkInteger(where, 'slots', shape.slots, 1, INT32_MAX);
  return { p, t };
}

/** The number of rows B of `array`, which must hold B * `width` entries, B >= 1. */
function rowsOf(where: string, name: string, array: ArrayLike<number>, width: number, widthName: string): number {
  const rows = width === 0 ? Number.NaN : array.length / width;
  if (!Number.isInteger(rows) || rows < 1) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${where}: ${name} must have a positive multiple of ${widthName} = ${width} entries, got ${array.length}`);
  }
  return rows;
}

/**
 * Row-wise concatenation of prompts and completion slots: row i of the result is prompt i
 * followed by the T completion slots of row i (whatever they hold after a completion's end,
 * typically the sampler's padding id), B rows of L = P + T tokens, the layout in which a causal
 * model scores the completions (for example `TokenPolicy.scoreSequences` of `@ppo/nets`).
 *
 * @param prompts - B * P prompt token ids, row-major.
 * @param completions - B * T completion ids, row-major.
 * @returns B * (P + T) token ids, row-major.
 * @throws RangeError naming the argument when a length does not fit the shape or the two
 *   disagree on B.
 *
 * @example
 * ```ts
 * joinPromptsAndCompletions(new Int32Array([1, 2, 3, 4]), new Int32Array([5, 9, 6, 7]), { promptLength: 2, slots: 2 });
 * // Int32Array [1, 2, 5, 9,  3, 4, 6, 7]
 * ```
 */
export function joinPromptsAndCompletions(prompts: Int32Array, completions: Int32Array, shape: PromptCompletionShape): Int32Array {
  const where = 'joinPromptsAndCompletions';
  const { p, t } = checkShape(where, shape);
  if (!(prompts instanceof Int32Array)) throw new PpoTypeError('INVALID_ARGUMENT', `${where}: prompts must be an Int32Array, got ${describeValue(prompts)}`);
  if (!(completions instanceof Int32Array)) throw new PpoTypeError('INVALID_ARGUMENT', `${where}: completions must be an Int32Array, got ${describeValue(completions)}`);
  const b = rowsOf(where, 'completions', completions, t, 'slots');
  if (prompts.length !== b * p) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${where}: prompts must have B * promptLength = ${b} * ${p} = ${b * p} entries (B from completions), got ${prompts.length}`);
  }
  const l = p + t;
  const out = new Int32Array(b * l);
  for (let i = 0; i < b; i++) {
    out.set(prompts.subarray(i * p, (i + 1) * p), i * l);
    out.set(completions.subarray(i * t, (i + 1) * t), i * l + p);
  }
  return out;
}

/**
 * The completion slots of per-token values laid out as prompt + completion rows (B rows of
 * L = P + T, for example the log-probs a causal model gives for the output of
 * {@link joinPromptsAndCompletions}): columns [P, P + T) of every row, B * T entries.
 *
 * @throws RangeError naming the argument when the length is not a positive multiple of P + T.
 *
 * @example
 * ```ts
 * completionColumns(new Float32Array([0, -1, -2, -3,  0, -4, -5, -6]), { promptLength: 2, slots: 2 });
 * // Float32Array [-2, -3,  -5, -6]
 * ```
 */
export function completionColumns(values: Float32Array, shape: PromptCompletionShape): Float32Array {
  const where = 'completionColumns';
  const { p, t } = checkShape(where, shape);
  if (!(values instanceof Float32Array)) throw new PpoTypeError('INVALID_ARGUMENT', `${where}: values must be a Float32Array, got ${describeValue(values)}`);
  const l = p + t;
  const b = rowsOf(where, 'values', values, l, 'promptLength + slots');
  const out = new Float32Array(b * t);
  for (let i = 0; i < b; i++) out.set(values.subarray(i * l + p, (i + 1) * l), i * t);
  return out;
}
