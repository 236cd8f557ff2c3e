import type { Space } from './spaces';

/** Free-form per-step information, as Gymnasium's `info` dict. */
export type Info = Record<string, unknown>;

/** Options of {@link Env.reset}. */
export interface ResetOptions {
  /** Reseeds the env's generator; the same seed gives the same episode. */
  readonly seed?: number;
  /** Env-specific reset options. */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** What {@link Env.reset} returns. */
export interface ResetResult<Obs> {
  readonly observation: Obs;
  readonly info: Info;
}

/** What {@link Env.step} returns. */
export interface StepResult<Obs> {
  readonly observation: Obs;
  readonly reward: number;
  /** The MDP ended (a terminal state): do not bootstrap from `observation`. */
  readonly terminated: boolean;
  /** The episode was cut (a time limit or other): bootstrap from the value of `observation`. */
  readonly truncated: boolean;
  readonly info: Info;
}

/** An RGB frame, row-major `[height, width, 3]`. */
export interface RgbFrame {
  readonly kind: 'rgb';
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** An SVG document as a string (the classic-control tasks draw themselves this way). */
export interface SvgFrame {
  readonly kind: 'svg';
  readonly width: number;
  readonly height: number;
  readonly svg: string;
}

/** What {@link Env.render} returns. */
export type RenderFrame = RgbFrame | SvgFrame;

/**
 * A Gymnasium-style environment: `reset`, then `step` until `terminated` or `truncated`, then
 * `reset` again. Box observations are `Float32Array`s; a discrete action is a number, a box
 * action a `Float32Array`, a multi-discrete action an `Int32Array`, a multi-binary action a
 * `Uint8Array`.
 */
export interface Env<Obs = Float32Array, Act = number | Float32Array> {
  /** The registry id when made by `make`, otherwise undefined. */
  readonly id?: string;
  /** The space every observation lies in. */
  readonly observationSpace: Space<Obs>;
  /** The space `step` takes its action from. */
  readonly actionSpace: Space<Act>;
  /**
   * Starts an episode. A `seed` reseeds the env's generator (the same seed gives the same
   * episode); without one the generator continues.
   */
  reset(options?: ResetOptions): ResetResult<Obs>;
  /**
   * Advances the episode by one action. Throws on an action outside the action space (envs
   * that clip continuous actions, as Gymnasium's do, clip instead) and on a step after the
   * episode ended without `reset`.
   */
  step(action: Act): StepResult<Obs>;
  /** Frees what the env holds; calling it twice is harmless. */
  close(): void;
  /** The current frame: an RGB image with its shape, or an SVG string. */
  render?(): RenderFrame;
}

/**
 * An env whose simulator state can be read and restored, for snapshots, planning and tests.
 * The classic-control tasks use Gymnasium's internal state vectors (float64).
 */
export interface StatefulEnv<Obs = Float32Array, Act = number | Float32Array> extends Env<Obs, Act> {
  /** A copy of the internal state vector. */
  getState(): Float64Array;
  /**
   * Restores a state vector as {@link StatefulEnv.getState} returns it. The env then counts as
   * mid-episode: `step` may follow without `reset`.
   */
  setState(state: ArrayLike<number>): void;
}
