import { describeValue, PpoRangeError, PpoTypeError } from '@ppo/utils';
import type { Info } from '../env';
import type { Space } from '../spaces';

/** The info key under which an env gives the valid actions of its current observation (Gymnasium's name). */
export const ACTION_MASK_KEY = 'action_mask';

/**
 * The category counts an action mask covers: `[n]` for `Discrete(n)`, `nvec` for
 * `MultiDiscrete(nvec)`; null for spaces that cannot be masked.
 */
export function actionMaskNvec(space: Space<unknown>): readonly number[] | null {
  const spec = space.toJSON();
  if (spec.type === 'discrete') return [spec.n];
  if (spec.type === 'multi-discrete') return spec.nvec;
  return null;
}

/**
 * The length of an action mask of `space`: `n` for `Discrete(n)`, `sum(nvec)` for
 * `MultiDiscrete(nvec)` (the sub-spaces' masks concatenated); null for spaces that cannot be
 * masked.
 */
export function actionMaskSize(space: Space<unknown>): number | null {
  const nvec = actionMaskNvec(space);
  return nvec === null ? null : nvec.reduce((a, b) => a + b, 0);
}

/**
 * Checks one env's `info.action_mask`: a `Uint8Array` or `Int8Array` of `size` entries, each 0
 * or 1, allowing at least one action of every sub-space. Returns it, or undefined when the info
 * has none.
 *
 * @throws PpoTypeError (`INVALID_ARGUMENT`) for a wrong type, PpoRangeError (`INVALID_ARGUMENT`)
 *   for a wrong length or a value other than 0 and 1, PpoRangeError (`NO_VALID_ACTION`) for a
 *   mask that allows nothing.
 */
export function readActionMask(owner: string, info: Info | undefined, nvec: readonly number[]): Uint8Array | Int8Array | undefined {
  const mask = info?.[ACTION_MASK_KEY];
  if (mask === undefined) return undefined;
  const size = nvec.reduce((a, b) => a + b, 0);
  if (!(mask instanceof Uint8Array) && !(mask instanceof Int8Array)) {
    throw new PpoTypeError('INVALID_ARGUMENT', `${owner}: info.${ACTION_MASK_KEY} must be a Uint8Array or Int8Array of ${size} entries, got ${describeValue(mask)}`);
  }
  if (mask.length !== size) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${owner}: info.${ACTION_MASK_KEY} must have ${size} entries (one per action${nvec.length > 1 ? ', sub-spaces concatenated' : ''}), got ${mask.length}`);
  }
  let offset = 0;
  for (const [c, n] of nvec.entries()) {
    let any = false;
    for (let k = offset; k < offset + n; k++) {
      const v = mask[k];
      if (v !== 0 && v !== 1) throw new PpoRangeError('INVALID_ARGUMENT', `${owner}: info.${ACTION_MASK_KEY}[${k}] must be 0 or 1, got ${v}`);
      if (v === 1) any = true;
    }
    if (!any) throw new PpoRangeError('NO_VALID_ACTION', `${owner}: info.${ACTION_MASK_KEY} allows no action${nvec.length > 1 ? ` in sub-space ${c}` : ''}`);
    offset += n;
  }
  return mask;
}

/**
 * Stacks the `info.action_mask` of every env of a vector env into one reused
 * `numEnvs * maskSize` `Uint8Array` (row i is env i's mask). Either every env gives a mask or
 * none does.
 */
export class ActionMaskStacker {
  private readonly nvec: readonly number[] | null;
  private readonly size: number;
  private out: Uint8Array | undefined;

  constructor(private readonly owner: string, actionSpace: Space<unknown>, private readonly numEnvs: number) {
    this.nvec = actionMaskNvec(actionSpace);
    this.size = this.nvec === null ? 0 : this.nvec.reduce((a, b) => a + b, 0);
  }

  /** The stacked masks of `infos`, or undefined when no env gave one. */
  stack(infos: readonly Info[], indexOffset = 0): Uint8Array | undefined {
    let given = 0;
    for (let i = 0; i < this.numEnvs; i++) if (infos[i]?.[ACTION_MASK_KEY] !== undefined) given += 1;
    if (given === 0) return undefined;
    if (this.nvec === null) {
      throw new PpoTypeError('INVALID_ARGUMENT', `${this.owner}: the envs give info.${ACTION_MASK_KEY}, but only Discrete and MultiDiscrete action spaces can be masked`);
    }
    const out = (this.out ??= new Uint8Array(this.numEnvs * this.size));
    for (let i = 0; i < this.numEnvs; i++) {
      const mask = readActionMask(`${this.owner} env ${i + indexOffset}`, infos[i], this.nvec);
      if (mask === undefined) {
        throw new PpoRangeError('INVALID_ARGUMENT', `${this.owner}: env ${i + indexOffset} gives no info.${ACTION_MASK_KEY} while others do; every env must give one at every reset and step`);
      }
      out.set(mask, i * this.size);
    }
    return out;
  }
}
