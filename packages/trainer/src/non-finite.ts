/** The trainer's non-finite value checks. */

/** Thrown when an observation, a reward or a loss is NaN or infinite. */
export class NonFiniteError extends Error {
  /** `observation`, `reward`, `final observation` or a loss term's name. */
  readonly quantity: string;
  /** Env index, or null for a loss. */
  readonly envIndex: number | null;
  /** Global env step at which it was seen. */
  readonly globalStep: number;
  constructor(quantity: string, envIndex: number | null, globalStep: number, detail: string) {
    const where = envIndex === null ? '' : ` in env ${envIndex}`;
    super(`non-finite ${quantity}${where} at step ${globalStep}: ${detail}`);
    this.name = 'NonFiniteError';
    this.quantity = quantity;
    this.envIndex = envIndex;
    this.globalStep = globalStep;
  }
}

/** The first NaN or infinite entry of `values` read as rows of `rowSize`, or null. */
export function firstNonFinite(values: ArrayLike<number>, rowSize: number): { row: number; column: number; value: number } | null {
  for (let k = 0; k < values.length; k++) {
    const x = values[k];
    if (x - x !== 0) return { row: Math.floor(k / rowSize), column: k % rowSize, value: x };
  }
  return null;
}
