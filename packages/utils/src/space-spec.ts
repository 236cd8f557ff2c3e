/**
 * The JSON description of a space, as `@ppo/envs` spaces write it with `toJSON()` and read it
 * with `spaceFromJSON`. Infinite Box bounds are written as `null` (JSON has no infinity);
 * readers treat `null` as unbounded.
 */
export type SpaceSpec =
  | BoxSpec
  | DiscreteSpec
  | MultiDiscreteSpec
  | MultiBinarySpec
  | { type: 'dict'; spaces: Record<string, SpaceSpec> }
  | { type: 'tuple'; spaces: SpaceSpec[] };

/** A box of `shape` with per-entry bounds (`null` for an infinite one). */
export interface BoxSpec {
  type: 'box';
  shape: number[];
  low: (number | null)[];
  high: (number | null)[];
  dtype: 'float32' | 'float64';
}

/** The integers `start, ..., start + n - 1`. */
export interface DiscreteSpec {
  type: 'discrete';
  n: number;
  start: number;
}

/** One integer in `[0, nvec[k])` per component. */
export interface MultiDiscreteSpec {
  type: 'multi-discrete';
  nvec: number[];
}

/** `n` independent 0/1 values. */
export interface MultiBinarySpec {
  type: 'multi-binary';
  n: number;
}

/** The fields of `T` as read-only, arrays included. */
type ReadonlyFields<T> = { readonly [K in keyof T]: T[K] extends readonly (infer E)[] ? readonly E[] : T[K] };

/** `T` as a caller may pass it: read-only, with the fields `K` optional. */
type Accepted<T, K extends keyof T = never> = ReadonlyFields<Omit<T, K>> & Partial<ReadonlyFields<Pick<T, K>>>;

/**
 * The spaces a policy can act in, as a caller may pass them: a {@link SpaceSpec} of a box,
 * discrete, multi-discrete or multi-binary space (`toJSON()` of an `@ppo/envs` space), with a
 * box's `dtype` and a discrete space's `start` optional.
 */
export type ActionSpaceSpec =
  | Accepted<BoxSpec, 'dtype'>
  | Accepted<DiscreteSpec, 'start'>
  | Accepted<MultiDiscreteSpec>
  | Accepted<MultiBinarySpec>;
