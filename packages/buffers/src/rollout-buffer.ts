import { describeValue, type RandomSource, shuffleInPlace, PpoRangeError, PpoTypeError, PpoError } from '@ppo/utils';
import {
  checkFinite,
  checkInteger,
  checkIntegers,
  checkLength,
  INT32_MAX,
  INT32_MIN,
} from './validate';

/** The element type of stored actions: `'float32'` for continuous, `'int32'` for discrete. */
export type ActionType = 'float32' | 'int32';

/** The typed array that holds actions of the given {@link ActionType}. */
export type ActionArray<A extends ActionType> = A extends 'int32' ? Int32Array : Float32Array;

/** Options of {@link RolloutBuffer}. */
export interface RolloutBufferOptions<A extends ActionType = ActionType> {
  /** Steps per rollout (T), an integer >= 1. */
  readonly numSteps: number;
  /** Parallel environments (N), an integer >= 1. */
  readonly numEnvs: number;
  /** Flat length of one observation (D), an integer >= 1. */
  readonly observationSize: number;
  /** Flat length of one action (A), an integer >= 1; 1 for a single discrete action. */
  readonly actionSize: number;
  /** `'float32'` (continuous actions) or `'int32'` (discrete, multi-discrete, multi-binary). */
  readonly actionType: A;
  /**
   * Flags per action mask (M): n for a masked `Discrete(n)`, `sum(nvec)` for `MultiDiscrete`.
   * Default 0: no masks are stored, and {@link RolloutStep.actionMasks} must be left out.
   */
  readonly actionMaskSize?: number;
}

/**
 * One step of all `numEnvs` environments, as passed to {@link RolloutBuffer.add}. Lengths are
 * per step: N*D observations (the observations the actions were taken in), N*A actions, N of
 * everything else. Flags are 0 or 1.
 */
export interface RolloutStep {
  /** N*D observations the actions were chosen from. */
  readonly observations: ArrayLike<number>;
  /** N*A actions; integers when the buffer stores `'int32'` actions. */
  readonly actions: ArrayLike<number>;
  /** N log-probabilities of the actions under the behaviour policy. */
  readonly logProbs: ArrayLike<number>;
  /** N value estimates of the observations. */
  readonly values: ArrayLike<number>;
  /** N rewards received for the actions. */
  readonly rewards: ArrayLike<number>;
  /** N flags, 1 where the episode reached a terminal state (no bootstrap). */
  readonly terminated: ArrayLike<number>;
  /** N flags, 1 where the episode was cut short (bootstrap from the final observation). */
  readonly truncated: ArrayLike<number>;
  /**
   * N*M valid-action flags (0/1) of the observations, as the policy saw them; required when the
   * buffer has an `actionMaskSize`, refused otherwise.
   */
  readonly actionMasks?: ArrayLike<number>;
}

/** How {@link RolloutBuffer.minibatches} orders rows. */
export type MinibatchMode = 'shuffle' | 'sequential';

/**
 * Options of {@link RolloutBuffer.minibatches}. Give exactly one of `minibatchSize` and
 * `numMinibatches`.
 */
export interface MinibatchOptions {
  /**
   * Rows per minibatch. In `'shuffle'` mode any integer in [1, stored transitions]; in
   * `'sequential'` mode a multiple of the stored steps (a whole number of env columns).
   * When it does not divide the rows, the last minibatch of the epoch is smaller and holds
   * the remainder, unless `dropLast` is set.
   */
  readonly minibatchSize?: number;
  /**
   * Minibatches per epoch. Rows (or env columns) are split into this many minibatches whose
   * sizes differ by at most one, larger ones first, so every row is used.
   */
  readonly numMinibatches?: number;
  /** The generator that shuffles rows (or env columns) once per epoch. */
  readonly rng: RandomSource;
  /**
   * `'shuffle'` (default): transitions in a random order, without replacement.
   * `'sequential'`: whole env columns in time order, for recurrent policies; rows of a
   * minibatch are time-major over its envs (row `t * numSequences + j` is step t of the
   * minibatch's j-th env).
   */
  readonly mode?: MinibatchMode;
  /**
   * With `minibatchSize`: skip the smaller last minibatch instead of yielding it (its rows sit
   * out this epoch; the next epoch's shuffle picks others). Default false.
   */
  readonly dropLast?: boolean;
}

/**
 * A minibatch gathered from a {@link RolloutBuffer}. Its arrays are views into storage that the
 * buffer reuses: they are overwritten when the iteration moves on, so copy what you keep.
 * Row r of every per-row array belongs to the transition `indices[r]` (`t * numEnvs + i`).
 */
export interface Minibatch<A extends ActionType = ActionType> {
  /** Rows in this minibatch. */
  readonly size: number;
  /** Position of this minibatch within its epoch, from 0. */
  readonly index: number;
  /** Flat buffer index `t * numEnvs + i` of each row. */
  readonly indices: Int32Array;
  /** size*D observations. */
  readonly observations: Float32Array;
  /** size*A actions. */
  readonly actions: ActionArray<A>;
  /** size log-probabilities under the behaviour policy. */
  readonly logProbs: Float32Array;
  /** size value estimates at collection time. */
  readonly values: Float32Array;
  /** size advantages (as written into the buffer). */
  readonly advantages: Float32Array;
  /** size returns (as written into the buffer). */
  readonly returns: Float32Array;
  /** size terminated flags. */
  readonly terminated: Uint8Array;
  /** size truncated flags. */
  readonly truncated: Uint8Array;
  /** Sequences in this minibatch: env columns in `'sequential'` mode, else `size`. */
  readonly numSequences: number;
  /** Steps per sequence: the stored steps in `'sequential'` mode, else 1. */
  readonly sequenceLength: number;
  /** The env of each sequence (numSequences entries). */
  readonly envIndices: Int32Array;
  /** size*M action masks, or null when the buffer stores none. */
  readonly actionMasks: Uint8Array | null;
}

const WHERE_ADD = 'RolloutBuffer.add';
const WHERE_MB = 'RolloutBuffer.minibatches';

/** Reused gather storage sized for the largest minibatch seen so far. */
interface GatherStorage<A extends ActionType> {
  readonly capacity: number;
  readonly indices: Int32Array;
  readonly observations: Float32Array;
  readonly actions: ActionArray<A>;
  readonly logProbs: Float32Array;
  readonly values: Float32Array;
  readonly advantages: Float32Array;
  readonly returns: Float32Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly envIndices: Int32Array;
  readonly actionMasks: Uint8Array | null;
}

interface MutableMinibatch<A extends ActionType> extends Minibatch<A> {
  index: number;
}

/**
 * Fixed-size, time-major storage for one PPO rollout of `numSteps` steps of `numEnvs`
 * environments, in preallocated typed arrays.
 *
 * Step t of env i lives at flat index `k = t * numEnvs + i`; an observation at
 * `[k * observationSize, (k + 1) * observationSize)`, an action at
 * `[k * actionSize, (k + 1) * actionSize)`. The arrays are public: write `advantages` and
 * `returns` (for example with `gae(..., { out })` from `@ppo/gae`) and `nextValues` in place.
 *
 * `nextValues[k]` is the value of the observation that followed step k: on a truncated step,
 * the value of the episode's final observation (set it with {@link RolloutBuffer.setNextValues});
 * elsewhere the next step's value ({@link RolloutBuffer.bootstrapNextValues} fills those).
 *
 * With `actionMaskSize` M > 0 the buffer also stores the valid-action mask of every observation
 * (`actionMasks`, M flags at `[k * M, (k + 1) * M)`), and minibatches carry them, so an update
 * scores actions under the masks they were sampled with (MaskablePPO).
 *
 * `nextValues`, `advantages` and `returns` hold NaN for a step until written after the step
 * was added (and everywhere after construction or {@link RolloutBuffer.reset}), so nothing
 * from a previous rollout is used by mistake:
 * {@link RolloutBuffer.bootstrapNextValues} rejects a truncated step whose next value was not
 * set, `gae()` from `@ppo/gae` rejects a NaN input, and {@link RolloutBuffer.minibatches}
 * rejects a stored step without an advantage or return.
 *
 * @example
 * ```ts
 * const buffer = new RolloutBuffer({ numSteps: 128, numEnvs: 4, observationSize: 4, actionSize: 1, actionType: 'int32' });
 * while (!buffer.isFull) buffer.add({ observations, actions, logProbs, values, rewards, terminated, truncated });
 * buffer.bootstrapNextValues(lastValues);
 * // ... write buffer.advantages and buffer.returns ...
 * const rng = new Rng(1);
 * for (let epoch = 0; epoch < 4; epoch++) {
 *   for (const mb of buffer.minibatches({ numMinibatches: 4, rng })) update(mb);
 * }
 * buffer.reset();
 * ```
 */
export class RolloutBuffer<A extends ActionType = ActionType> {
  /** Steps per rollout (T). */
  readonly numSteps: number;
  /** Parallel environments (N). */
  readonly numEnvs: number;
  /** Flat observation length (D). */
  readonly observationSize: number;
  /** Flat action length (A). */
  readonly actionSize: number;
  /** Element type of `actions`. */
  readonly actionType: A;
  /** T*N*D observations. */
  readonly observations: Float32Array;
  /** T*N*A actions. */
  readonly actions: ActionArray<A>;
  /** T*N log-probabilities under the behaviour policy. */
  readonly logProbs: Float32Array;
  /** T*N value estimates. */
  readonly values: Float32Array;
  /** T*N values of the observation after each step (see the class notes); NaN until written. */
  readonly nextValues: Float32Array;
  /** T*N rewards. */
  readonly rewards: Float32Array;
  /** T*N terminated flags (0 or 1). */
  readonly terminated: Uint8Array;
  /** T*N truncated flags (0 or 1). */
  readonly truncated: Uint8Array;
  /** T*N advantages, written by the caller; NaN until written. */
  readonly advantages: Float32Array;
  /** T*N returns, written by the caller; NaN until written. */
  readonly returns: Float32Array;
  /** Flags per stored action mask (M), 0 when the buffer stores none. */
  readonly actionMaskSize: number;
  /** T*N*M action masks (0/1), or null when `actionMaskSize` is 0. */
  readonly actionMasks: Uint8Array | null;

  private steps = 0;
  private version = 0;
  // The version at which advantages and returns were last found complete, so the check runs
  // once per rollout rather than once per epoch.
  private targetsCheckedAt = -1;
  private order: Int32Array;
  private storage: GatherStorage<A> | null = null;
  private epochs = 0;
  // Cached minibatch views by mode and (rows, sequences), so steady-state epochs reuse them.
  private readonly views = { shuffle: new Map<number, MutableMinibatch<A>>(), sequential: new Map<number, MutableMinibatch<A>>() };

  /**
   * Allocates every array for `numSteps * numEnvs` transitions up front; nothing is allocated
   * while adding steps.
   *
   * @param options - The shape (`numSteps`, `numEnvs`, `observationSize`, `actionSize`) and the
   *   `actionType` of the stored actions.
   * @throws TypeError when `options` is not an object; RangeError naming the option when a size
   *   is not a positive integer or `actionType` is neither `'float32'` nor `'int32'`.
   */
  constructor(options: RolloutBufferOptions<A>) {
    const where = 'RolloutBuffer';
    if (options === null || typeof options !== 'object') {
      throw new PpoTypeError('INVALID_ARGUMENT', `${where}: options must be an object, got ${describeValue(options)}`);
    }
    this.numSteps = checkInteger(where, 'numSteps', options.numSteps, 1);
    this.numEnvs = checkInteger(where, 'numEnvs', options.numEnvs, 1);
    this.observationSize = checkInteger(where, 'observationSize', options.observationSize, 1);
    this.actionSize = checkInteger(where, 'actionSize', options.actionSize, 1);
    if (options.actionType !== 'float32' && options.actionType !== 'int32') {
      throw new PpoRangeError('INVALID_ARGUMENT', `${where}: actionType must be 'float32' or 'int32', got ${String(options.actionType)}`);
    }
    this.actionType = options.actionType;
    this.actionMaskSize = options.actionMaskSize === undefined ? 0 : checkInteger(where, 'actionMaskSize', options.actionMaskSize, 0);
    const n = this.numSteps * this.numEnvs;
    this.actionMasks = this.actionMaskSize === 0 ? null : new Uint8Array(n * this.actionMaskSize);
    this.observations = new Float32Array(n * this.observationSize);
    this.actions = (
      this.actionType === 'int32' ? new Int32Array(n * this.actionSize) : new Float32Array(n * this.actionSize)
    ) as ActionArray<A>;
    this.logProbs = new Float32Array(n);
    this.values = new Float32Array(n);
    this.nextValues = new Float32Array(n);
    this.rewards = new Float32Array(n);
    this.terminated = new Uint8Array(n);
    this.truncated = new Uint8Array(n);
    this.advantages = new Float32Array(n);
    this.returns = new Float32Array(n);
    this.order = new Int32Array(0);
    this.markUnwritten();
  }

  /** Steps added since the last reset, in [0, numSteps]. */
  get size(): number {
    return this.steps;
  }

  /** Transitions stored: `size * numEnvs`. */
  get numTransitions(): number {
    return this.steps * this.numEnvs;
  }

  /** Total transitions the buffer holds when full: `numSteps * numEnvs`. */
  get capacity(): number {
    return this.numSteps * this.numEnvs;
  }

  /** True once `numSteps` steps have been added. */
  get isFull(): boolean {
    return this.steps === this.numSteps;
  }

  /**
   * Empties the buffer for the next rollout: the step count returns to 0, and `nextValues`,
   * `advantages` and `returns` are set to NaN (unwritten) so that values from the previous
   * rollout cannot be used by mistake. Other stored arrays are overwritten by later adds.
   */
  reset(): void {
    this.steps = 0;
    this.version++;
    this.markUnwritten();
  }

  private markUnwritten(): void {
    this.nextValues.fill(Number.NaN);
    this.advantages.fill(Number.NaN);
    this.returns.fill(Number.NaN);
  }

  /**
   * Copies one step of all envs into the buffer. Every input is checked (length, finite
   * values, integer actions for `'int32'`, 0/1 flags) before anything is written, so a
   * rejected step leaves the buffer unchanged. The step's `nextValues`, `advantages` and
   * `returns` become NaN until written.
   *
   * @throws RangeError when the buffer is full or an input has the wrong length or values.
   */
  add(step: RolloutStep): void {
    if (step === null || typeof step !== 'object') {
      throw new PpoTypeError('INVALID_ARGUMENT', `${WHERE_ADD}: step must be an object, got ${describeValue(step)}`);
    }
    if (this.isFull) {
      throw new PpoRangeError('INVALID_ARGUMENT', 
        `${WHERE_ADD}: the buffer is full (numSteps = ${this.numSteps}); call reset() before adding more steps`,
      );
    }
    const n = this.numEnvs;
    const obs = checkLength(WHERE_ADD, 'observations', step.observations, n * this.observationSize, 'numEnvs * observationSize');
    const actions = checkLength(WHERE_ADD, 'actions', step.actions, n * this.actionSize, 'numEnvs * actionSize');
    const logProbs = checkLength(WHERE_ADD, 'logProbs', step.logProbs, n, 'numEnvs');
    const values = checkLength(WHERE_ADD, 'values', step.values, n, 'numEnvs');
    const rewards = checkLength(WHERE_ADD, 'rewards', step.rewards, n, 'numEnvs');
    const terminated = checkLength(WHERE_ADD, 'terminated', step.terminated, n, 'numEnvs');
    const truncated = checkLength(WHERE_ADD, 'truncated', step.truncated, n, 'numEnvs');
    checkFinite(WHERE_ADD, 'observations', obs);
    if (this.actionType === 'int32') checkIntegers(WHERE_ADD, 'actions', actions, INT32_MIN, INT32_MAX);
    else checkFinite(WHERE_ADD, 'actions', actions);
    checkFinite(WHERE_ADD, 'logProbs', logProbs);
    checkFinite(WHERE_ADD, 'values', values);
    checkFinite(WHERE_ADD, 'rewards', rewards);
    checkIntegers(WHERE_ADD, 'terminated', terminated, 0, 1);
    checkIntegers(WHERE_ADD, 'truncated', truncated, 0, 1);
    let masks: ArrayLike<number> | undefined;
    if (this.actionMaskSize > 0) {
      if (step.actionMasks === undefined) throw new PpoTypeError('INVALID_ARGUMENT', `${WHERE_ADD}: actionMasks are required (the buffer has actionMaskSize ${this.actionMaskSize})`);
      masks = checkLength(WHERE_ADD, 'actionMasks', step.actionMasks, n * this.actionMaskSize, 'numEnvs * actionMaskSize');
      checkIntegers(WHERE_ADD, 'actionMasks', masks, 0, 1);
    } else if (step.actionMasks !== undefined) {
      throw new PpoTypeError('INVALID_ARGUMENT', `${WHERE_ADD}: actionMasks given, but the buffer stores none (create it with actionMaskSize)`);
    }

    const base = this.steps * n;
    copyInto(this.observations, base * this.observationSize, obs);
    copyInto(this.actions, base * this.actionSize, actions);
    copyInto(this.logProbs, base, logProbs);
    copyInto(this.values, base, values);
    copyInto(this.rewards, base, rewards);
    copyInto(this.terminated, base, terminated);
    copyInto(this.truncated, base, truncated);
    if (masks !== undefined && this.actionMasks !== null) copyInto(this.actionMasks, base * this.actionMaskSize, masks);
    // The new step has no next value, advantage or return yet, whatever the arrays held.
    this.nextValues.fill(Number.NaN, base, base + n);
    this.advantages.fill(Number.NaN, base, base + n);
    this.returns.fill(Number.NaN, base, base + n);
    this.steps++;
    this.version++;
  }

  /**
   * Writes `values` (numEnvs entries) into `nextValues` for a stored step, for instance the
   * values of the final observations of truncated episodes. Call it for every truncated step
   * before {@link RolloutBuffer.bootstrapNextValues}.
   *
   * @throws RangeError when the buffer is empty, `step` is not a stored step, or `values` has
   *   the wrong length or a non-finite entry.
   */
  setNextValues(step: number, values: ArrayLike<number>): void {
    const where = 'RolloutBuffer.setNextValues';
    if (this.steps === 0) throw new PpoRangeError('INVALID_ARGUMENT', `${where}: the buffer is empty; add the step first`);
    checkInteger(where, 'step', step, 0, this.steps - 1);
    const v = checkLength(where, 'values', values, this.numEnvs, 'numEnvs');
    checkFinite(where, 'values', v);
    copyInto(this.nextValues, step * this.numEnvs, v);
  }

  /**
   * Fills `nextValues` for every stored step from the value of the step after it
   * (`lastValues`, numEnvs entries, for the last stored step), except on truncated steps that
   * did not also terminate: their next value is the final observation's, which must have been
   * written since the last reset (by {@link RolloutBuffer.setNextValues} or directly). Terminated
   * steps get a value too, which GAE ignores.
   *
   * @throws RangeError when the buffer is empty or `lastValues` has the wrong length or a
   *   non-finite entry; Error naming the step and env when a truncated step's next value was
   *   not written since the last reset (nothing is written then).
   */
  bootstrapNextValues(lastValues: ArrayLike<number>): void {
    const where = 'RolloutBuffer.bootstrapNextValues';
    if (this.steps === 0) throw new PpoRangeError('INVALID_ARGUMENT', `${where}: the buffer is empty; add steps first`);
    const last = checkLength(where, 'lastValues', lastValues, this.numEnvs, 'numEnvs');
    checkFinite(where, 'lastValues', last);
    const n = this.numEnvs;
    const stored = this.steps * n;
    for (let k = 0; k < stored; k++) {
      if (this.truncated[k] === 1 && this.terminated[k] === 0 && Number.isNaN(this.nextValues[k])) {
        const t = Math.floor(k / n);
        throw new PpoError(
          'INVALID_STATE',
          `${where}: step ${t}, env ${k % n} was truncated but its next value was not set since the last reset(); ` +
            `call setNextValues(${t}, values) with the values of the episodes' final observations first`,
        );
      }
    }
    for (let k = 0; k < stored; k++) {
      if (this.truncated[k] === 1 && this.terminated[k] === 0) continue;
      this.nextValues[k] = k + n < stored ? this.values[k + n] : last[k - (stored - n)];
    }
  }

  /**
   * One epoch of minibatches over the stored transitions (a partly filled buffer is allowed).
   * Each call draws a fresh permutation from `rng`: in `'shuffle'` mode every stored transition
   * appears exactly once per epoch (except rows skipped by `dropLast`); in `'sequential'` mode
   * every env column does. The yielded {@link Minibatch} objects and their arrays are reused
   * across calls of the same size, so steady-state iteration allocates no arrays; a minibatch
   * is valid until the iteration advances. The yielded object itself is reused: every
   * minibatch of one size is the same object, refilled in place, so
   * `Array.from(buffer.minibatches(options))` gives references to one object (two when the
   * last minibatch is smaller) holding the last rows gathered. Use each minibatch inside the
   * loop, or copy its arrays. Adding to or resetting the buffer during an epoch makes the
   * iteration throw.
   *
   * Every stored step must have its advantage and return written since the last
   * {@link RolloutBuffer.reset} or {@link RolloutBuffer.add}; the check runs once per rollout,
   * not per minibatch.
   *
   * @throws RangeError for an empty buffer, a minibatch larger than the stored data, or bad
   * options; Error naming the step and env when an advantage or return is unwritten (NaN).
   */
  minibatches(options: MinibatchOptions): IterableIterator<Minibatch<A>> {
    const plan = this.plan(options);
    this.checkTargetsWritten();
    if (this.order.length < plan.units) this.order = new Int32Array(plan.units);
    // Fisher-Yates over the first `units` entries, from the identity, so an epoch depends only
    // on the generator's state.
    const order = this.order.subarray(0, plan.units);
    for (let k = 0; k < plan.units; k++) order[k] = k;
    shuffleInPlace(order, options.rng);
    const epoch = ++this.epochs;
    const stamp = this.version;
    let next = 0;
    // One result object per epoch, reused by every next(), so iterating allocates nothing.
    const result = { done: false, value: undefined as unknown as Minibatch<A> };
    const iterator: IterableIterator<Minibatch<A>> = {
      next: () => {
        if (next >= plan.count) {
          result.done = true;
          return result as IteratorResult<Minibatch<A>>;
        }
        if (this.version !== stamp) {
          throw new PpoError('INVALID_STATE', `${WHERE_MB}: the buffer was modified (add or reset) during the epoch; start a new epoch`);
        }
        if (this.epochs !== epoch) {
          throw new PpoError('INVALID_STATE', `${WHERE_MB}: a newer epoch started on this buffer and reuses its storage; iterate one epoch at a time`);
        }
        result.value = this.gather(plan, order, next++);
        return result as IteratorResult<Minibatch<A>>;
      },
      [Symbol.iterator]: () => iterator,
    };
    return iterator;
  }

  /** Throws unless every stored step has an advantage and a return (see the class notes). */
  private checkTargetsWritten(): void {
    if (this.targetsCheckedAt === this.version) return;
    const n = this.numEnvs;
    const stored = this.steps * n;
    for (const name of ['advantages', 'returns'] as const) {
      const array = this[name];
      for (let k = 0; k < stored; k++) {
        if (Number.isNaN(array[k])) {
          throw new PpoError(
          'INVALID_STATE',
            `${WHERE_MB}: ${name} of step ${Math.floor(k / n)}, env ${k % n} is NaN (not written since the last ` +
              'reset() or add()); compute advantages and returns for every stored step (for example with gae() ' +
              'from @ppo/gae) before sampling minibatches',
          );
        }
      }
    }
    this.targetsCheckedAt = this.version;
  }

  /** Gathers minibatch `index` of `plan` into reused storage. */
  private gather(plan: Plan, order: Int32Array, index: number): Minibatch<A> {
    const start = plan.starts[index];
    const units = plan.starts[index + 1] - start;
    const rows = units * plan.unitLength;
    const mb = this.viewFor(plan.mode, rows, plan.mode === 'shuffle' ? rows : units);
    mb.index = index;
    const n = this.numEnvs;
    const d = this.observationSize;
    const a = this.actionSize;
    const indices = mb.indices;
    if (plan.mode === 'shuffle') {
      for (let r = 0; r < rows; r++) {
        const k = order[start + r];
        indices[r] = k;
        mb.envIndices[r] = k % n;
      }
    } else {
      // Time-major over the minibatch's env columns: row t * units + j is step t of env j.
      for (let j = 0; j < units; j++) mb.envIndices[j] = order[start + j];
      for (let t = 0; t < plan.unitLength; t++) {
        for (let j = 0; j < units; j++) indices[t * units + j] = t * n + mb.envIndices[j];
      }
    }
    const { observations, actions, logProbs, values, advantages, returns, terminated, truncated } = mb;
    for (let r = 0; r < rows; r++) {
      const k = indices[r];
      logProbs[r] = this.logProbs[k];
      values[r] = this.values[k];
      advantages[r] = this.advantages[k];
      returns[r] = this.returns[k];
      terminated[r] = this.terminated[k];
      truncated[r] = this.truncated[k];
      // Element loops, not set(subarray()): subarray would allocate a view per row.
      const os = k * d;
      const od = r * d;
      for (let c = 0; c < d; c++) observations[od + c] = this.observations[os + c];
      const as = k * a;
      const ad = r * a;
      for (let c = 0; c < a; c++) actions[ad + c] = this.actions[as + c];
    }
    if (mb.actionMasks !== null && this.actionMasks !== null) {
      const m = this.actionMaskSize;
      for (let r = 0; r < rows; r++) {
        const ms = indices[r] * m;
        const md = r * m;
        for (let c = 0; c < m; c++) mb.actionMasks[md + c] = this.actionMasks[ms + c];
      }
    }
    return mb;
  }

  private plan(options: MinibatchOptions): Plan {
    if (options === null || typeof options !== 'object') {
      throw new PpoTypeError('INVALID_ARGUMENT', `${WHERE_MB}: options must be an object, got ${describeValue(options)}`);
    }
    const rng = options.rng as RandomSource | undefined;
    if (rng === null || typeof rng !== 'object' || typeof rng.nextInt !== 'function') {
      throw new PpoTypeError('INVALID_ARGUMENT', `${WHERE_MB}: rng must be a RandomSource (for example new Rng(seed)), got ${describeValue(rng)}`);
    }
    const mode = options.mode ?? 'shuffle';
    if (mode !== 'shuffle' && mode !== 'sequential') {
      throw new PpoRangeError('INVALID_ARGUMENT', `${WHERE_MB}: mode must be 'shuffle' or 'sequential', got ${String(mode)}`);
    }
    if (this.steps === 0) {
      throw new PpoRangeError('INVALID_ARGUMENT', `${WHERE_MB}: the buffer is empty; add steps before sampling minibatches`);
    }
    const hasSize = options.minibatchSize !== undefined;
    const hasCount = options.numMinibatches !== undefined;
    if (hasSize === hasCount) {
      throw new PpoTypeError('INVALID_ARGUMENT', `${WHERE_MB}: give exactly one of minibatchSize and numMinibatches`);
    }
    const dropLast = options.dropLast ?? false;
    if (typeof dropLast !== 'boolean') {
      throw new PpoTypeError('INVALID_ARGUMENT', `${WHERE_MB}: dropLast must be a boolean, got ${String(dropLast)}`);
    }
    if (dropLast && !hasSize) {
      throw new PpoTypeError('INVALID_ARGUMENT', `${WHERE_MB}: dropLast applies only with minibatchSize (numMinibatches uses every row)`);
    }
    // A unit is a transition in 'shuffle' mode and a whole env column in 'sequential' mode.
    const sequential = mode === 'sequential';
    const units = sequential ? this.numEnvs : this.steps * this.numEnvs;
    const unitLength = sequential ? this.steps : 1;
    const rows = units * unitLength;
    let perMinibatch: number[];
    if (hasSize) {
      const size = options.minibatchSize;
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > rows) {
        throw new PpoRangeError('INVALID_ARGUMENT', 
          `${WHERE_MB}: minibatchSize must be an integer in [1, ${rows}] (the stored transitions), got ${String(size)}`,
        );
      }
      if (size % unitLength !== 0) {
        throw new PpoRangeError('INVALID_ARGUMENT', 
          `${WHERE_MB}: in 'sequential' mode minibatchSize must be a multiple of the stored steps (${unitLength}), got ${size}`,
        );
      }
      const per = size / unitLength;
      const full = Math.floor(units / per);
      perMinibatch = new Array<number>(full).fill(per);
      if (units % per !== 0 && !dropLast) perMinibatch.push(units % per);
    } else {
      const count = checkInteger(WHERE_MB, 'numMinibatches', options.numMinibatches, 1, units);
      const base = Math.floor(units / count);
      const extra = units % count;
      perMinibatch = Array.from({ length: count }, (_, j) => base + (j < extra ? 1 : 0));
    }
    const starts = new Int32Array(perMinibatch.length + 1);
    for (let j = 0; j < perMinibatch.length; j++) starts[j + 1] = starts[j] + perMinibatch[j];
    return { mode, units, unitLength, starts, count: perMinibatch.length };
  }

  private viewFor(mode: MinibatchMode, rows: number, sequences: number): MutableMinibatch<A> {
    // A number key: a template string would allocate on every gather.
    const key = rows * (this.capacity + 1) + sequences;
    const cached = this.views[mode].get(key);
    if (cached !== undefined) return cached;
    const storage = this.storageFor(rows);
    const mb: MutableMinibatch<A> = {
      size: rows,
      index: 0,
      indices: storage.indices.subarray(0, rows),
      observations: storage.observations.subarray(0, rows * this.observationSize),
      actions: storage.actions.subarray(0, rows * this.actionSize) as ActionArray<A>,
      logProbs: storage.logProbs.subarray(0, rows),
      values: storage.values.subarray(0, rows),
      advantages: storage.advantages.subarray(0, rows),
      returns: storage.returns.subarray(0, rows),
      terminated: storage.terminated.subarray(0, rows),
      truncated: storage.truncated.subarray(0, rows),
      numSequences: sequences,
      sequenceLength: rows / sequences,
      envIndices: storage.envIndices.subarray(0, sequences),
      actionMasks: storage.actionMasks === null ? null : storage.actionMasks.subarray(0, rows * this.actionMaskSize),
    };
    this.views[mode].set(key, mb);
    return mb;
  }

  private storageFor(rows: number): GatherStorage<A> {
    if (this.storage !== null && this.storage.capacity >= rows) return this.storage;
    // Growing replaces the storage, so views over the old one are dropped with it.
    this.views.shuffle.clear();
    this.views.sequential.clear();
    const capacity = Math.max(rows, this.storage?.capacity ?? 0);
    this.storage = {
      capacity,
      indices: new Int32Array(capacity),
      observations: new Float32Array(capacity * this.observationSize),
      actions: (this.actionType === 'int32'
        ? new Int32Array(capacity * this.actionSize)
        : new Float32Array(capacity * this.actionSize)) as ActionArray<A>,
      logProbs: new Float32Array(capacity),
      values: new Float32Array(capacity),
      advantages: new Float32Array(capacity),
      returns: new Float32Array(capacity),
      terminated: new Uint8Array(capacity),
      truncated: new Uint8Array(capacity),
      envIndices: new Int32Array(capacity),
      actionMasks: this.actionMaskSize === 0 ? null : new Uint8Array(capacity * this.actionMaskSize),
    };
    return this.storage;
  }
}

/** An epoch's split of units (transitions or env columns) into minibatches. */
interface Plan {
  readonly mode: MinibatchMode;
  readonly units: number;
  /** Rows per unit: 1, or the stored steps in 'sequential' mode. */
  readonly unitLength: number;
  /** Minibatch j holds units order[starts[j] .. starts[j+1]). */
  readonly starts: Int32Array;
  readonly count: number;
}

function copyInto(target: Float32Array | Int32Array | Uint8Array, offset: number, source: ArrayLike<number>): void {
  for (let k = 0; k < source.length; k++) target[offset + k] = source[k];
}
