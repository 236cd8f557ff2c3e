import type { RandomState } from '../random-state';

/** MinAtar's action codes: no-op, left, up, right, down, fire (the full set, `-v0`). */
export const NOOP = 0;
export const LEFT = 1;
export const UP = 2;
export const RIGHT = 3;
export const DOWN = 4;
export const FIRE = 5;

/**
 * One MinAtar game's rules: the state, `reset`, one `act`, and the observation. Every random
 * number comes from `rng`, the generator the env shares with its sticky-action draw, in the
 * order the original draws them.
 */
export interface Game {
  /** Channels of the observation (the `C` of `[10, 10, C]`). */
  readonly channels: number;
  /** The channel names, in observation order. */
  readonly channelNames: readonly string[];
  /** The minimal action set (`-v1`), as codes of the full set. */
  readonly minimalActions: readonly number[];
  /** The shared generator; the env sets it before `reset`. */
  rng: RandomState;
  /** Whether the episode has ended (the original's `terminal`). */
  readonly terminal: boolean;
  /** Starts a new episode. */
  reset(): void;
  /** Applies one action of the full set and returns the reward. */
  act(action: number): number;
  /**
   * Writes the observation, `[10, 10, C]` row-major 0/1, at `out[offset ..]`; the region must be
   * zero on entry.
   */
  writeState(out: Float32Array, offset: number): void;
  /** The level of the difficulty ramp, or `undefined` for games without one. */
  difficultyRamp(): number | undefined;
}

/** The flat index of cell (`row`, `col`), channel `c`, in a `[10, 10, channels]` observation. */
export function cell(row: number, col: number, c: number, channels: number): number {
  return (row * 10 + col) * channels + c;
}

/**
 * Removes the first element equal, field by field, to `item`, as Python's `list.remove` does
 * (by value, not identity: with two equal entries the earlier one goes, which changes the
 * order of what remains and so the game). Returns whether one was removed.
 */
export function removeEqual(list: number[][], item: readonly number[]): boolean {
  for (let k = 0; k < list.length; k++) {
    const other = list[k];
    let same = other.length === item.length;
    for (let f = 0; same && f < item.length; f++) same = other[f] === item[f];
    if (same) {
      list.splice(k, 1);
      return true;
    }
  }
  return false;
}

/**
 * Visits `list` from its end as Python's `for x in reversed(list)` does while the body removes
 * entries: one index walks down, and the walk stops once it points past the (shrunk) end.
 */
export function forEachReversed(list: number[][], body: (item: number[]) => void): void {
  for (let k = list.length - 1; k >= 0 && k < list.length; k--) body(list[k]);
}
