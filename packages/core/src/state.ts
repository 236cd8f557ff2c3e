/**
 * A component's checkpointable state: JSON values and typed arrays, nested in arrays and plain
 * objects. Typed arrays are stored bit for bit, so a component whose state round-trips through
 * this type resumes exactly.
 */
export type StateValue =
  | number
  | string
  | boolean
  | null
  | Float32Array
  | Float64Array
  | Int32Array
  | Uint32Array
  | Uint8Array
  | readonly StateValue[]
  | { readonly [key: string]: StateValue };

/**
 * The one contract for everything a checkpoint holds: an optimizer's moments, an objective's
 * adaptive coefficient, an estimator's statistics. `setState(getState())` must leave the
 * component exactly as it was, so a run restored from a checkpoint takes bitwise the same steps.
 *
 * @example
 * ```ts
 * class Counter implements Stateful<{ count: number }> {
 *   count = 0;
 *   getState() { return { count: this.count }; }
 *   setState(state: { count: number }) { this.count = state.count; }
 * }
 * ```
 */
export interface Stateful<S extends StateValue = StateValue> {
  /** A copy of the state (later changes to the component do not alter it). */
  getState(): S;
  /** Restores a state from {@link Stateful.getState}; throws a named error on a malformed one. */
  setState(state: S): void;
}
