import { describeValue, PpoRangeError, PpoTypeError, PpoError } from '@ppo/utils';
import type { Env, Info } from '../env';
import { make, type MakeOptions } from '../registry';
import { spacesEqual, type Space } from '../spaces';
import { ActionMaskStacker } from './action-masks';
import { hasStepInto, type StepIntoEnv } from './step-into';
import {
  actionLayout,
  AutoresetMode,
  checkActions,
  checkSeed,
  type ActionKind,
  type VectorEnv,
  type VectorResetOptions,
  type VectorResetResult,
  type VectorStepResult,
} from './vector-env';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the vector env is agnostic of the envs' value types
type AnyEnv = Env<any, any>;

/** Result arrays a {@link SyncVectorEnv} may be told to write into (for example views of shared memory). */
export interface VectorBuffers {
  /** `numEnvs * observationSize`. */
  readonly observations: Float32Array;
  /** `numEnvs * observationSize`. */
  readonly finalObservations: Float32Array;
  /** `numEnvs`. */
  readonly rewards: Float32Array;
  /** `numEnvs`. */
  readonly terminated: Uint8Array;
  /** `numEnvs`. */
  readonly truncated: Uint8Array;
}

/** Options of {@link SyncVectorEnv}. */
export interface SyncVectorEnvOptions {
  /** Write results into these arrays instead of allocating them (their lengths are checked). */
  readonly buffers?: VectorBuffers;
  /** Added to env indices in error messages, for a vector env that is one slice of a larger one. Default 0. */
  readonly indexOffset?: number;
}

/** The info of a step whose env returned none; frozen because it is shared. */
const EMPTY_INFO: Info = Object.freeze({});

/**
 * An env of a vector env threw: the message names the env's index and id and the phase
 * (`'step'`, `'reset'`, `'autoreset'`, `'close'`, `'its factory'`); the original error is `cause`
 * (within the same thread).
 */
export class VectorEnvError extends PpoError {
  /** The index of the env within the vector env. */
  readonly envIndex: number;
  /** The env's registry id, when it has one. */
  readonly envId: string | undefined;
  /** What the env was doing. */
  readonly phase: string;

  constructor(owner: string, envIndex: number, envId: string | undefined, phase: string, error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    super('ENV_FAILED', `${owner}: env ${envIndex} (${envId ?? 'no id'}) threw in ${phase}: ${message}`, { cause: error });
    this.name = 'VectorEnvError';
    this.envIndex = envIndex;
    this.envId = envId;
    this.phase = phase;
  }
}

function envError(owner: string, index: number, id: string | undefined, phase: string, error: unknown): VectorEnvError {
  return new VectorEnvError(owner, index, id, phase, error);
}

/**
 * Steps `numEnvs` envs one after another in the calling thread, with same-step autoreset
 * (see {@link VectorEnv}). Results live in arrays allocated once and reused by every call, so a
 * steady-state `step` allocates no typed arrays; envs that offer the {@link StepIntoEnv} fast
 * path allocate nothing at all between episode ends.
 *
 * @example
 * ```ts
 * const venv = new SyncVectorEnv(Array.from({ length: 8 }, () => () => make('CartPole-v1')));
 * // or SyncVectorEnv.fromId('CartPole-v1', 8)
 * let { observations } = venv.reset({ seed: 42 });
 * const actions = new Int32Array(8);
 * const { rewards, terminated, truncated, finalObservations } = venv.step(actions);
 * ```
 */
export class SyncVectorEnv implements VectorEnv {
  readonly numEnvs: number;
  /** Finished episodes are reset within the `step` that ended them. */
  readonly autoresetMode: AutoresetMode = AutoresetMode.SAME_STEP;
  readonly singleObservationSpace: Space<unknown>;
  readonly singleActionSpace: Space<unknown>;
  readonly observationSize: number;
  readonly actionSize: number;
  /** The envs, in order. */
  readonly envs: readonly AnyEnv[];

  private readonly actionKind: ActionKind;
  private readonly actionRows: (Float32Array | Int32Array | Uint8Array)[];
  private readonly observationIsBox: boolean;
  private readonly fast: boolean;
  private readonly indexOffset: number;
  private readonly result: {
    observations: Float32Array;
    rewards: Float32Array;
    terminated: Uint8Array;
    truncated: Uint8Array;
    finalObservations: Float32Array;
    infos: Info[];
    actionMasks: Uint8Array | undefined;
  };
  private readonly masks: ActionMaskStacker;
  private needsReset = true;
  private closed = false;

  constructor(factories: ReadonlyArray<() => AnyEnv>, options: SyncVectorEnvOptions = {}) {
    if (!Array.isArray(factories) || factories.length === 0) {
      throw new PpoRangeError('INVALID_ARGUMENT', `SyncVectorEnv: factories must be a non-empty array of functions, got ${describeValue(factories)}`);
    }
    factories.forEach((f, i) => {
      if (typeof f !== 'function') throw new PpoTypeError('INVALID_ARGUMENT', `SyncVectorEnv: factories[${i}] must be a function, got ${describeValue(f)}`);
    });
    const offset = options.indexOffset ?? 0;
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new PpoRangeError('INVALID_ARGUMENT', `SyncVectorEnv: indexOffset must be a non-negative integer, got ${describeValue(offset)}`);
    }
    this.indexOffset = offset;
    const envs: AnyEnv[] = [];
    try {
      // Array.isArray widened the element type above; restore it.
      (factories as ReadonlyArray<() => AnyEnv>).forEach((factory, i) => {
        let env: AnyEnv;
        try {
          env = factory();
        } catch (error) {
          throw envError('SyncVectorEnv', i + offset, undefined, 'its factory', error);
        }
        if (env === null || typeof env !== 'object' || typeof env.step !== 'function' || typeof env.reset !== 'function') {
          throw new PpoTypeError('INVALID_ARGUMENT', `SyncVectorEnv: factories[${i}] must return an Env, got ${describeValue(env)}`);
        }
        envs.push(env);
      });
      const first = envs[0];
      for (let i = 1; i < envs.length; i++) {
        if (!spacesEqual(envs[i].observationSpace, first.observationSpace) || !spacesEqual(envs[i].actionSpace, first.actionSpace)) {
          throw new PpoTypeError('INVALID_ARGUMENT', 
            `SyncVectorEnv: env ${i + offset} has spaces ${JSON.stringify(envs[i].observationSpace.toJSON())} / ` +
              `${JSON.stringify(envs[i].actionSpace.toJSON())}, env ${offset} has ${JSON.stringify(first.observationSpace.toJSON())} / ` +
              `${JSON.stringify(first.actionSpace.toJSON())}; every env must share its spaces`,
          );
        }
      }
    } catch (error) {
      for (const env of envs) env.close();
      throw error;
    }
    this.envs = Object.freeze(envs);
    this.numEnvs = envs.length;
    this.singleObservationSpace = envs[0].observationSpace as Space<unknown>;
    this.singleActionSpace = envs[0].actionSpace as Space<unknown>;
    this.observationSize = this.singleObservationSpace.flatDim;
    const layout = actionLayout(this.singleActionSpace);
    this.actionKind = layout.kind;
    this.actionSize = layout.size;
    this.actionRows = envs.map(() => {
      if (layout.kind === 'box') return new Float32Array(layout.size);
      if (layout.kind === 'multi-discrete') return new Int32Array(layout.size);
      return new Uint8Array(layout.size);
    });
    this.observationIsBox = this.singleObservationSpace.toJSON().type === 'box';
    this.fast = this.observationIsBox && envs.every((env) => hasStepInto(env));

    const n = this.numEnvs;
    const d = this.observationSize;
    const b = options.buffers;
    if (b !== undefined) {
      const check = (name: keyof VectorBuffers, ctor: Float32ArrayConstructor | Uint8ArrayConstructor, length: number): void => {
        const a = b[name];
        if (!(a instanceof ctor) || a.length !== length) {
          throw new PpoTypeError('INVALID_ARGUMENT', `SyncVectorEnv: buffers.${name} must be a ${ctor.name} of length ${length}, got ${describeValue(a)}`);
        }
      };
      check('observations', Float32Array, n * d);
      check('finalObservations', Float32Array, n * d);
      check('rewards', Float32Array, n);
      check('terminated', Uint8Array, n);
      check('truncated', Uint8Array, n);
    }
    this.result = {
      observations: b?.observations ?? new Float32Array(n * d),
      rewards: b?.rewards ?? new Float32Array(n),
      terminated: b?.terminated ?? new Uint8Array(n),
      truncated: b?.truncated ?? new Uint8Array(n),
      finalObservations: b?.finalObservations ?? new Float32Array(n * d),
      infos: new Array<Info>(n).fill(EMPTY_INFO),
      actionMasks: undefined,
    };
    this.masks = new ActionMaskStacker('SyncVectorEnv', this.singleActionSpace, n);
  }

  /**
   * `numEnvs` copies of a registered env: `make(envId, makeOptions)` each.
   *
   * @example
   * ```ts
   * const venv = SyncVectorEnv.fromId('CartPole-v1', 8);
   * ```
   */
  static fromId(envId: string, numEnvs: number, makeOptions: MakeOptions = {}, options: SyncVectorEnvOptions = {}): SyncVectorEnv {
    if (typeof numEnvs !== 'number' || !Number.isInteger(numEnvs) || numEnvs < 1) {
      throw new PpoRangeError('INVALID_ARGUMENT', `SyncVectorEnv.fromId: numEnvs must be a positive integer, got ${describeValue(numEnvs)}`);
    }
    return new SyncVectorEnv(
      Array.from({ length: numEnvs }, () => () => make(envId, makeOptions)),
      options,
    );
  }

  reset(options: VectorResetOptions = {}): VectorResetResult {
    if (this.closed) throw new PpoError('INVALID_STATE', 'SyncVectorEnv.reset: the vector env is closed');
    if (options === null || typeof options !== 'object') {
      throw new PpoTypeError('INVALID_ARGUMENT', `SyncVectorEnv.reset: options must be an object { seed?, options? }, got ${describeValue(options)}`);
    }
    const seed = checkSeed('SyncVectorEnv', options.seed);
    const { result } = this;
    this.needsReset = true;
    for (let i = 0; i < this.numEnvs; i++) {
      const env = this.envs[i];
      let r;
      try {
        r = env.reset({
          ...(seed === undefined ? {} : { seed: seed + i }),
          ...(options.options === undefined ? {} : { options: options.options }),
        });
        this.writeObservation(i, r.observation, result.observations);
      } catch (error) {
        throw envError('SyncVectorEnv', i + this.indexOffset, env.id, 'reset', error);
      }
      result.infos[i] = r.info ?? EMPTY_INFO;
    }
    result.terminated.fill(0);
    result.truncated.fill(0);
    result.rewards.fill(0);
    result.actionMasks = this.masks.stack(result.infos, this.indexOffset);
    this.needsReset = false;
    return { observations: result.observations, infos: result.infos, actionMasks: result.actionMasks };
  }

  step(actions: Float32Array | Int32Array): VectorStepResult {
    if (this.closed) throw new PpoError('INVALID_STATE', 'SyncVectorEnv.step: the vector env is closed');
    if (this.needsReset) throw new PpoError('INVALID_STATE', 'SyncVectorEnv.step: call reset() before step() (and after an env threw)');
    checkActions('SyncVectorEnv', actions, this.actionKind, this.numEnvs * this.actionSize);
    const { result, envs, fast } = this;
    const { observations, finalObservations, rewards, terminated, truncated, infos } = result;
    const d = this.observationSize;
    for (let i = 0; i < envs.length; i++) {
      const env = envs[i];
      const action = this.actionFor(i, actions);
      let info: Info | undefined;
      try {
        if (fast) {
          info = (env as unknown as StepIntoEnv<unknown>).stepInto(action, result, i);
        } else {
          const r = env.step(action);
          this.writeObservation(i, r.observation, observations);
          rewards[i] = r.reward;
          terminated[i] = r.terminated ? 1 : 0;
          truncated[i] = r.truncated ? 1 : 0;
          info = r.info;
        }
      } catch (error) {
        this.needsReset = true;
        throw envError('SyncVectorEnv', i + this.indexOffset, env.id, 'step', error);
      }
      if (terminated[i] === 1 || truncated[i] === 1) {
        const base = i * d;
        for (let k = base; k < base + d; k++) finalObservations[k] = observations[k];
        let r;
        try {
          r = env.reset();
          this.writeObservation(i, r.observation, observations);
        } catch (error) {
          this.needsReset = true;
          throw envError('SyncVectorEnv', i + this.indexOffset, env.id, 'autoreset', error);
        }
        infos[i] = { ...r.info, finalInfo: info ?? EMPTY_INFO };
      } else {
        infos[i] = info ?? EMPTY_INFO;
      }
    }
    try {
      result.actionMasks = this.masks.stack(infos, this.indexOffset);
    } catch (error) {
      this.needsReset = true;
      throw error;
    }
    return result;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    let first: VectorEnvError | undefined;
    this.envs.forEach((env, i) => {
      try {
        env.close();
      } catch (error) {
        first ??= envError('SyncVectorEnv', i + this.indexOffset, env.id, 'close', error);
      }
    });
    if (first !== undefined) throw first;
  }

  /** The action of env `i`: a number for discrete spaces, otherwise a reused per-env typed array. */
  private actionFor(i: number, actions: Float32Array | Int32Array): unknown {
    if (this.actionKind === 'discrete') return actions[i];
    const row = this.actionRows[i];
    const a = this.actionSize;
    const base = i * a;
    for (let k = 0; k < a; k++) row[k] = actions[base + k];
    return row;
  }

  private writeObservation(i: number, observation: unknown, out: Float32Array): void {
    const d = this.observationSize;
    const base = i * d;
    if (observation instanceof Float32Array && observation.length === d && this.observationIsBox) {
      for (let k = 0; k < d; k++) out[base + k] = observation[k];
      return;
    }
    out.set(this.singleObservationSpace.flatten(observation), base);
  }
}
