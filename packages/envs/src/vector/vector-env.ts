import { describeValue, PpoRangeError, PpoTypeError } from '@ppo/utils';
import type { Info } from '../env';
import type { Space } from '../spaces';

/** Options of {@link VectorEnv.reset}. */
export interface VectorResetOptions {
  /** Env `i` is reset with seed `seed + i`; without a seed every env continues its own generator. */
  readonly seed?: number;
  /** Env-specific reset options, passed to every env. */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** What {@link VectorEnv.reset} returns. The arrays are reused by later calls: copy to keep. */
export interface VectorResetResult {
  /** `numEnvs * observationSize` flat observations, env-major. */
  readonly observations: Float32Array;
  /** One info per env. */
  readonly infos: Info[];
  /**
   * `numEnvs * maskSize` valid-action flags (0/1) of the observations, row i from env i's
   * `info.action_mask` (`maskSize` is n for `Discrete(n)`, `sum(nvec)` for `MultiDiscrete`);
   * undefined when the envs give no masks. Reused by later calls like the other arrays.
   */
  readonly actionMasks?: Uint8Array;
}

/**
 * What {@link VectorEnv.step} returns. Every array is owned by the vector env and overwritten by
 * the next `step` or `reset`: copy what you want to keep.
 */
export interface VectorStepResult {
  /**
   * `numEnvs * observationSize`. Where an episode ended on this step, row `i` already holds the
   * first observation of the NEXT episode (same-step autoreset); the last observation of the
   * finished episode is in {@link VectorStepResult.finalObservations}.
   */
  readonly observations: Float32Array;
  /** `numEnvs` rewards of this step. */
  readonly rewards: Float32Array;
  /** `numEnvs` flags, 1 where the episode reached a terminal state (do not bootstrap). */
  readonly terminated: Uint8Array;
  /** `numEnvs` flags, 1 where the episode was cut (bootstrap from the final observation). */
  readonly truncated: Uint8Array;
  /**
   * `numEnvs * observationSize`; row `i` is the last observation of the episode that ended,
   * valid only where `terminated[i] || truncated[i]` (other rows hold stale values).
   */
  readonly finalObservations: Float32Array;
  /**
   * One info per env. Where an episode ended, `infos[i]` is the reset info of the new episode
   * with the finished episode's last step info under `infos[i].finalInfo`. Treat the entries as
   * read-only (an empty info is one shared frozen object): copy one to change it.
   */
  readonly infos: Info[];
  /**
   * `numEnvs * maskSize` valid-action flags (0/1) of `observations`, stacked from each env's
   * `info.action_mask`. Where an episode ended, row i is the mask of the NEXT episode's first
   * observation (from the reset info); the finished episode's last mask stays in
   * `infos[i].finalInfo`. Undefined when the envs give no masks.
   */
  readonly actionMasks?: Uint8Array;
}

/**
 * How a vector env resets a finished episode, named as Gymnasium 1.x's `AutoresetMode`:
 * `SameStep` resets it inside the `step` that ended it (the final observation is handed over
 * beside the new first one); `NextStep` would return the final observation and reset on the
 * following `step`; `Disabled` would leave resets to the caller. The vector envs of this package
 * all use `SameStep`, the mode the trainer's rollouts are written for.
 */
export const AutoresetMode = Object.freeze({ NEXT_STEP: 'NextStep', SAME_STEP: 'SameStep', DISABLED: 'Disabled' } as const);
/** One of the {@link AutoresetMode} values. */
export type AutoresetMode = (typeof AutoresetMode)[keyof typeof AutoresetMode];

/**
 * A batch of `numEnvs` copies of one environment stepped together, with typed arrays in and
 * out (Gymnasium's `VectorEnv` in its `SAME_STEP` autoreset mode, as Stable-Baselines3 does).
 *
 * Autoreset: when env `i` terminates or is truncated during `step`, it is reset within the
 * same call; `observations` row `i` is the new episode's first observation, `finalObservations`
 * row `i` the finished episode's last one, and `infos[i].finalInfo` its last info. `rewards`,
 * `terminated` and `truncated` describe the step that ended the episode. No step is wasted on
 * a reset, so a trainer bootstraps truncated episodes from `finalObservations`.
 *
 * Actions: `numEnvs * actionSize` numbers, env-major; an `Int32Array` for discrete,
 * multi-discrete and multi-binary action spaces, a `Float32Array` for box spaces.
 */
export interface VectorEnv {
  readonly numEnvs: number;
  /**
   * How finished episodes are reset ({@link AutoresetMode}). Absent on a vector env written before
   * the field existed, which then means `SameStep`, the contract described above.
   */
  readonly autoresetMode?: AutoresetMode;
  /** The observation space of one env. */
  readonly singleObservationSpace: Space<unknown>;
  /** The action space of one env. */
  readonly singleActionSpace: Space<unknown>;
  /** The flat length of one observation (`singleObservationSpace.flatDim`). */
  readonly observationSize: number;
  /** The flat length of one action: 1 for discrete, the shape's size for box, `nvec.length` / `n` for multi-discrete / multi-binary. */
  readonly actionSize: number;
  /** Resets every env; must be called before the first `step`. */
  reset(options?: VectorResetOptions): VectorResetResult;
  /** Steps every env with its row of `actions`, autoresetting finished episodes. */
  step(actions: Float32Array | Int32Array): VectorStepResult;
  /** Closes every env; calling it twice is harmless. */
  close(): void | Promise<void>;
}

/** How one env's action is read from a flat action row. */
export type ActionKind = 'discrete' | 'box' | 'multi-discrete' | 'multi-binary';

/** The action kind and flat length of an action space, or a TypeError for spaces a vector env cannot batch. */
export function actionLayout(space: Space<unknown>): { kind: ActionKind; size: number } {
  const spec = space.toJSON();
  switch (spec.type) {
    case 'discrete':
      return { kind: 'discrete', size: 1 };
    case 'box':
      return { kind: 'box', size: space.flatDim };
    case 'multi-discrete':
      return { kind: 'multi-discrete', size: spec.nvec.length };
    case 'multi-binary':
      return { kind: 'multi-binary', size: spec.n };
    default:
      throw new PpoTypeError('INVALID_ARGUMENT', 
        `vector envs support Discrete, Box, MultiDiscrete and MultiBinary action spaces, got a ${spec.type} space`,
      );
  }
}

/** Checks a vector env's action batch at the boundary: its type and length. */
export function checkActions(
  owner: string,
  actions: unknown,
  kind: ActionKind,
  expectedLength: number,
): asserts actions is Float32Array | Int32Array {
  const isTyped = actions instanceof Float32Array || actions instanceof Int32Array;
  if (!isTyped) {
    const expected = kind === 'box' ? 'a Float32Array' : 'an Int32Array';
    throw new PpoTypeError('INVALID_ARGUMENT', `${owner}.step: actions must be ${expected}, got ${describeValue(actions)}`);
  }
  if (actions.length !== expectedLength) {
    throw new PpoRangeError('INVALID_ARGUMENT', 
      `${owner}.step: actions must have numEnvs * actionSize = ${expectedLength} entries, got ${actions.length}`,
    );
  }
}

/** Checks a vector reset seed: a non-negative safe integer or undefined. */
export function checkSeed(owner: string, seed: unknown): number | undefined {
  if (seed === undefined) return undefined;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${owner}.reset: seed must be a non-negative integer, got ${describeValue(seed)}`);
  }
  return seed;
}
