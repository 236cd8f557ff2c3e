import { describeValue, PpoRangeError, PpoTypeError, Rng } from '@ppo/utils';
import {
  Box,
  EpisodeGuard,
  type Info,
  type ResetOptions,
  type ResetResult,
  type StatefulEnv,
  type StepIntoEnv,
  type StepIntoTarget,
  type StepResult,
  type SvgFrame,
} from '@ppo/envs';
import type { MainModule, MjData, MjModel } from 'mujoco-js';
import { checkKnownOptions, positiveIntOption } from './options';
import { compileModel, getMujoco } from './runtime';
import { SceneRenderer } from './scene-renderer';
import type { MujocoView } from './scene-view';

const TWO_POW_32 = 4294967296;
const DEFAULT_VIEW: MujocoView = { projection: 'side', pixelsPerMeter: 100, center: [0, 0.5] };

/** Options every MuJoCo env accepts. */
export interface MujocoEnvOptions {
  /**
   * Seed of the env's generator until `reset({ seed })` reseeds it (an integer in [0, 2^32)).
   * Without one, the first reset draws a seed from `Math.random()`.
   */
  readonly seed?: number;
  /** Physics steps per env step (Gymnasium's `frame_skip`); each env has Gymnasium's default. */
  readonly frameSkip?: number;
}

/** What a concrete task tells {@link MujocoEnv}. */
export interface MujocoTaskConfig {
  /** Gymnasium's id, used in error messages. */
  readonly name: string;
  /** The MJCF document. */
  readonly xml: string;
  /** Gymnasium's default frame skip of the task. */
  readonly defaultFrameSkip: number;
  /** Length of the observation vector. */
  readonly observationSize: (nq: number, nv: number) => number;
  /** Option keys of the task beyond `seed` and `frameSkip`. */
  readonly optionKeys: readonly string[];
  /**
   * Whether the task reads `cfrc_ext` (contact forces), which MuJoCo computes only in
   * `mj_rnePostConstraint`; tasks that do not read it skip that call, which changes nothing
   * they observe or are rewarded for.
   */
  readonly needsContactForces?: boolean;
  /** How `render()` draws the task. Default: a fixed side view, 100 pixels per metre, centred on (0, 0.5). */
  readonly view?: MujocoView;
}

function seedOf(owner: string, seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed >= TWO_POW_32) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${owner}: seed must be an integer in [0, 2^32), got ${describeValue(seed)}`);
  }
  return seed;
}

/**
 * The machinery the MuJoCo tasks share, as Gymnasium's `MujocoEnv`: one compiled model and its
 * data in the WebAssembly heap, a seeded generator for the reset noise, `step` as
 * `ctrl = action` followed by `frameSkip` calls of `mj_step`, `reset` as `mj_resetData`, the
 * task's noise, then `mj_forward`, and snapshots of `[qpos, qvel]`.
 *
 * The simulator state is float64 in MuJoCo's own arrays, read through typed-array views of the
 * WASM heap (no copies, no allocation per physics step); observations are float32.
 * `close()` frees the model and data; the env is unusable afterwards.
 *
 * Needs `await initMujoco()` before construction.
 */
export abstract class MujocoEnv implements StatefulEnv<Float32Array, Float32Array>, StepIntoEnv<Float32Array> {
  /** Gymnasium's id of the task, used in error messages. */
  readonly name: string;
  readonly observationSpace: Box;
  /** MuJoCo's control ranges of the actuators (Gymnasium's action space). */
  readonly actionSpace: Box;
  /** Physics steps per env step. */
  readonly frameSkip: number;
  /** Simulated seconds per env step: `frameSkip * timestep`. */
  readonly dt: number;
  /** Number of generalized coordinates (length of `qpos`). */
  readonly nq: number;
  /** Number of degrees of freedom (length of `qvel`). */
  readonly nv: number;
  /** Number of actuators (length of an action). */
  readonly nu: number;

  protected readonly mujoco: MainModule;
  protected readonly model: MjModel;
  protected readonly data: MjData;
  /** Views of the WASM heap, rebound when the heap grows (see {@link MujocoEnv.bindViews}). */
  protected qpos!: Float64Array;
  protected qvel!: Float64Array;
  private ctrl!: Float64Array;
  /** The model's reference configuration (Gymnasium's `init_qpos`); `init_qvel` is zero. */
  protected readonly initQpos: Float64Array;

  private readonly needsContactForces: boolean;
  private readonly view: MujocoView;
  /** Built on the first `render()`, so envs that are never drawn pay nothing. */
  private renderer: SceneRenderer | undefined;
  private generator: Rng | undefined;
  private readonly episode: EpisodeGuard;
  /** Set by {@link MujocoEnv.transition}: whether the new state is terminal. */
  protected terminalFlag = false;

  constructor(config: MujocoTaskConfig, options: MujocoEnvOptions | Readonly<Record<string, unknown>> | undefined) {
    const name = config.name;
    this.name = name;
    this.episode = new EpisodeGuard(name);
    if (options !== undefined && (options === null || typeof options !== 'object')) {
      throw new PpoTypeError('INVALID_ARGUMENT', `${name}: options must be an object, got ${describeValue(options)}`);
    }
    const opts = (options ?? {}) as Readonly<Record<string, unknown>>;
    checkKnownOptions(name, opts, ['seed', 'frameSkip', ...config.optionKeys]);
    if (opts.seed !== undefined) this.generator = new Rng(seedOf(`${name} options`, opts.seed));
    this.frameSkip = positiveIntOption(name, opts, 'frameSkip', config.defaultFrameSkip);
    this.needsContactForces = config.needsContactForces === true;
    this.view = config.view ?? DEFAULT_VIEW;

    this.mujoco = getMujoco(name);
    this.model = compileModel(this.mujoco, config.xml, name);
    try {
      this.data = new this.mujoco.MjData(this.model);
    } catch (error) {
      this.model.delete();
      throw error;
    }
    this.nq = this.model.nq;
    this.nv = this.model.nv;
    this.nu = this.model.nu;
    this.dt = this.frameSkip * this.model.opt.timestep;
    this.initQpos = Float64Array.from(this.model.qpos0 as Float64Array);

    const range = this.model.actuator_ctrlrange as Float64Array;
    const low = new Float32Array(this.nu);
    const high = new Float32Array(this.nu);
    for (let k = 0; k < this.nu; k++) {
      low[k] = range[2 * k];
      high[k] = range[2 * k + 1];
    }
    this.actionSpace = new Box({ low, high, dtype: 'float32' });
    this.observationSpace = new Box({
      low: -Infinity,
      high: Infinity,
      shape: [config.observationSize(this.nq, this.nv)],
      dtype: 'float32',
    });
    this.bindViews();
  }

  /**
   * Takes fresh views of the MjData arrays. A view of the WASM heap is detached when the heap
   * grows (another model or data allocated), so every public entry checks it first; subclasses
   * that hold more views override this and call `super.bindViews()`.
   */
  protected bindViews(): void {
    this.qpos = this.data.qpos as Float64Array;
    this.qvel = this.data.qvel as Float64Array;
    this.ctrl = this.data.ctrl as Float64Array;
  }

  private ensureOpen(method: string): void {
    this.episode.checkOpen(method);
    this.refreshViews();
  }

  /** Re-takes the views if the heap grew since they were taken; public readers call it first. */
  protected refreshViews(): void {
    // A detached view has length 0; nq >= 1 for every task.
    if (this.qpos.length === 0) this.bindViews();
  }

  /** The env's generator (Gymnasium's `np_random`); `reset({ seed })` replaces it. */
  get rng(): Rng {
    this.generator ??= new Rng(Math.floor(Math.random() * TWO_POW_32));
    return this.generator;
  }

  /** Sets `qpos` and `qvel` to the task's initial-state distribution (after `mj_resetData`). */
  protected abstract resetModel(rng: Rng): void;
  /**
   * Advances one env step under the checked action (the subclass calls
   * {@link MujocoEnv.simulate}); returns the reward, sets `terminalFlag`, and records the
   * reward terms that {@link MujocoEnv.stepInfo} reports.
   */
  protected abstract transition(action: Float32Array): number;
  /** Writes the float32 observation of the current state at `out[offset..]`. */
  protected abstract writeObservation(out: Float32Array, offset: number): void;
  /** Gymnasium's per-step info of the last transition (reward terms, positions). */
  protected abstract stepInfo(): Info;
  /** Gymnasium's reset info. */
  protected resetInfo(): Info {
    return {};
  }

  /** `ctrl = action`, then `frameSkip` physics steps (and contact forces when the task needs them). */
  protected simulate(action: Float32Array): void {
    this.ctrl.set(action);
    const { mujoco, model, data } = this;
    for (let k = 0; k < this.frameSkip; k++) mujoco.mj_step(model, data);
    if (this.needsContactForces) mujoco.mj_rnePostConstraint(model, data);
  }

  /** Sum of squares of the action (the control costs). */
  protected static squaredNorm(action: Float32Array): number {
    let s = 0;
    for (let k = 0; k < action.length; k++) s += action[k] * action[k];
    return s;
  }

  /** Starts an episode from the model's initial pose plus the task's reset noise (reseeded by `seed`). */
  reset(options: ResetOptions = {}): ResetResult<Float32Array> {
    if (options === null || typeof options !== 'object') {
      throw new PpoTypeError('INVALID_ARGUMENT', `${this.name}.reset: options must be an object { seed?, options? }, got ${describeValue(options)}`);
    }
    this.ensureOpen('reset');
    if (options.seed !== undefined) this.generator = new Rng(seedOf(`${this.name}.reset`, options.seed));
    const { mujoco, model, data } = this;
    mujoco.mj_resetData(model, data);
    this.resetModel(this.rng);
    mujoco.mj_forward(model, data);
    this.episode.start();
    this.terminalFlag = false;
    return { observation: this.observation(), info: this.resetInfo() };
  }

  private checkAction(action: unknown): Float32Array {
    if (!(action instanceof Float32Array) || action.length !== this.nu) {
      throw new PpoTypeError('INVALID_ARGUMENT', `${this.name}.step: action must be a Float32Array of length ${this.nu}, got ${describeValue(action)}`);
    }
    for (let k = 0; k < action.length; k++) {
      if (!Number.isFinite(action[k])) {
        throw new PpoRangeError('INVALID_ARGUMENT', `${this.name}.step: action[${k}] must be finite, got ${action[k]}`);
      }
    }
    return action;
  }

  private beginStep(action: unknown): Float32Array {
    this.episode.checkStep();
    this.refreshViews();
    return this.checkAction(action);
  }

  /**
   * One env step. Actions outside the control range are clamped by MuJoCo (as in Gymnasium);
   * the control cost uses the action as given.
   */
  step(action: Float32Array): StepResult<Float32Array> {
    const checked = this.beginStep(action);
    const reward = this.transition(checked);
    const terminated = this.terminalFlag;
    this.episode.endStep(terminated, false);
    return { observation: this.observation(), reward, terminated, truncated: false, info: this.stepInfo() };
  }

  /** The allocation-light form of {@link MujocoEnv.step} used by vector envs. */
  stepInto(action: Float32Array, target: StepIntoTarget, index: number): Info | undefined {
    const checked = this.beginStep(action);
    const reward = this.transition(checked);
    const terminated = this.terminalFlag;
    this.episode.endStep(terminated, false);
    this.writeObservation(target.observations, index * this.observationSpace.flatDim);
    target.rewards[index] = reward;
    target.terminated[index] = terminated ? 1 : 0;
    target.truncated[index] = 0;
    return this.stepInfo();
  }

  /** The float32 observation of the current state. */
  protected observation(): Float32Array {
    const out = new Float32Array(this.observationSpace.flatDim);
    this.writeObservation(out, 0);
    return out;
  }

  /** Length of the state vector: `nq + nv`. */
  get stateSize(): number {
    return this.nq + this.nv;
  }

  /** A copy of the simulator state `[qpos (nq), qvel (nv)]`, float64. */
  getState(): Float64Array {
    this.episode.checkStarted('getState', 'reset() or setState()');
    this.refreshViews();
    const out = new Float64Array(this.nq + this.nv);
    out.set(this.qpos, 0);
    out.set(this.qvel, this.nq);
    return out;
  }

  /**
   * Restores `[qpos (nq), qvel (nv)]` as {@link MujocoEnv.getState} returns it (Gymnasium's
   * `set_state`: then `mj_forward`). The env then counts as mid-episode.
   */
  setState(state: ArrayLike<number>): void {
    this.ensureOpen('setState');
    const size = this.nq + this.nv;
    if (state === null || typeof state !== 'object' || typeof state.length !== 'number') {
      throw new PpoTypeError('INVALID_ARGUMENT', `${this.name}.setState: state must be an array of ${size} numbers [qpos, qvel], got ${describeValue(state)}`);
    }
    if (state.length !== size) {
      throw new PpoRangeError('INVALID_ARGUMENT', `${this.name}.setState: state must have nq + nv = ${size} entries, got ${state.length}`);
    }
    for (let k = 0; k < size; k++) {
      if (typeof state[k] !== 'number' || !Number.isFinite(state[k])) {
        throw new PpoRangeError('INVALID_ARGUMENT', `${this.name}.setState: state[${k}] must be a finite number, got ${describeValue(state[k])}`);
      }
    }
    for (let k = 0; k < this.nq; k++) this.qpos[k] = state[k];
    for (let k = 0; k < this.nv; k++) this.qvel[k] = state[this.nq + k];
    this.mujoco.mj_forward(this.model, this.data);
    this.episode.start('setState');
    this.terminalFlag = false;
  }

  /**
   * An SVG picture (480 x 320 pixels) of the current state, drawn from the model's geoms with an
   * orthographic camera (the task's {@link MujocoView}): a side view for the planar tasks, Ant
   * and Humanoid, a top view for Swimmer and Reacher; the locomotion tasks' camera follows the
   * torso over a gridded ground. The same state always gives the same string. Reads the
   * positions MuJoCo computed in the last step, reset or `setState`; allocates nothing in the
   * WebAssembly heap.
   *
   * @example
   * ```ts
   * const env = new HalfCheetahEnv({ seed: 0 });
   * env.reset();
   * const { svg, width, height } = env.render(); // '<svg ...>', 480, 320
   * element.innerHTML = svg; // in a page
   * ```
   */
  render(): SvgFrame {
    this.episode.checkStarted('render');
    this.refreshViews();
    this.renderer ??= new SceneRenderer(this.mujoco, this.model, this.view, this.name);
    return this.renderer.draw(this.data);
  }

  /** Frees the MuJoCo model and data; calling it twice is harmless. */
  close(): void {
    if (this.episode.closed) return;
    this.episode.close();
    this.data.delete();
    this.model.delete();
  }
}
