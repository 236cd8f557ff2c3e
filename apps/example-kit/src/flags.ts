/**
 * Command-line flag parsing shared by the example apps (GRPO, RLHF-PPO, A2C): each parser returns the value
 * or throws a RangeError naming the flag, the text given and what was expected.
 */

/** Largest seed the apps accept: held-out prompts use `seed + 7919`, and seeds must stay below 2^32. */
export const MAX_SEED = 2 ** 31 - 1;

/** `--name` as an integer in [min, max], written in decimal digits (no `1e3`, `0x10` or empty text). */
export function integerFlag(name: string, text: string, min: number, max: number): number {
  const x = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(x) || x < min || x > max) {
    throw new RangeError(`--${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(text)}`);
  }
  return x;
}

/** `--name` as a finite number >= min. */
export function numberFlag(name: string, text: string, min: number): number {
  const x = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(x) || x < min) throw new RangeError(`--${name} must be a finite number >= ${min}, got ${JSON.stringify(text)}`);
  return x;
}
