/** The trainer's non-finite value checks. */
import { findNonFinite, PpoError } from '@ppo/utils';

/** Thrown when an observation, a reward or a loss is NaN or infinite. */
export class NonFiniteError extends PpoError {
  /** `observation`, `reward`, `final observation` or a loss term's name. */
  readonly quantity: string;
  /** Env index, or null for a loss. */
  readonly envIndex: number | null;
  /** Global env step at which it was seen. */
  readonly globalStep: number;
  constructor(quantity: string, envIndex: number | null, globalStep: number, detail: string) {
    const where = envIndex === null ? '' : ` in env ${envIndex}`;
    super('NON_FINITE', `non-finite ${quantity}${where} at step ${globalStep}: ${detail}`);
    this.name = 'NonFiniteError';
    this.quantity = quantity;
    this.envIndex = envIndex;
    this.globalStep = globalStep;
  }
}

/** The first NaN or infinite entry of `values` read as rows of `rowSize`, or null. */
export function firstNonFinite(values: ArrayLike<number>, rowSize: number): { row: number; column: number; value: number } | null {
  const k = findNonFinite(values);
  return k < 0 ? null : { row: Math.floor(k / rowSize), column: k % rowSize, value: values[k] };
}
