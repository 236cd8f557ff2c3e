import {
  Box,
  Discrete,
  EpisodeGuard,
  type Env,
  type Info,
  type ResetOptions,
  type ResetResult,
  type StepIntoEnv,
  type StepIntoTarget,
  type StepResult,
  type SvgFrame,
} from '@ppo/envs';
import { describeValue, PpoRangeError, PpoTypeError } from '@ppo/utils';
import { createGame, MINATAR_GAMES, type MinAtarGame } from './games/create-game';
import type { Game } from './games/game';
import { RandomState } from './random-state';
import { renderObservation } from './render';

const TWO_POW_32 = 4294967296;
const OPTION_KEYS = ['seed', 'stickyActionProb', 'minimalActionSet', 'difficultyRamping'];

/** Options of {@link MinAtarEnv}. */
export interface MinAtarOptions {
  /**
   * Seed of the shared generator until `reset({ seed })` reseeds it (an integer in `[0, 2^32)`,
   * as numpy's `RandomState` takes). Without one, the first reset draws a seed from
   * `Math.random()` (the original seeds from OS entropy likewise).
   */
  readonly seed?: number;
  /** Probability that the previous action repeats instead of the chosen one; default 0.1. */
  readonly stickyActionProb?: number;
  /** Use the game's minimal action set (the `-v1` ids) instead of all 6 actions; default false. */
  readonly minimalActionSet?: boolean;
  /** The difficulty ramp of Asterix, Seaquest and SpaceInvaders; default true. */
  readonly difficultyRamping?: boolean;
}

/**
 * One MinAtar game as a Gymnasium-style env, seed for seed with the original Python and its
 * Gymnasium wrapper: `reset({ seed: s })` is `Environment(game)`, `seed(s)`, `reset()`;
 * `step(a)` is `act(actionSet[a])`, where `act` first draws the sticky-action number from the
 * generator the game itself draws from; the observation is `state()`.
 *
 * Observations are `Float32Array`s of shape `[10, 10, C]` (row-major, 0/1; C is 4, 4, 7, 10, 6
 * for Asterix, Breakout, Freeway, Seaquest, SpaceInvaders). Actions are `Discrete(6)`, or the
 * minimal set's size with `minimalActionSet` (5, 3, 3, 6, 4).
 *
 * Freeway's game ends after 2,500 steps (on step 2,501, as in the original); that end is
 * reported as `truncated` (the clock is not in the observation), where the original reports
 * `done`. Every other end is `terminated`.
 *
 * @example
 * ```ts
 * const env = new MinAtarEnv('Breakout');
 * const { observation } = env.reset({ seed: 1 }); // Float32Array(400), shape [10, 10, 4]
 * const { reward, terminated } = env.step(3);     // full set [n, l, u, r, d, f]: 3 is 'right'
 * ```
 */
export class MinAtarEnv implements Env<Float32Array, number>, StepIntoEnv<number> {
  /** The registry id when made by `make` (the registry sets it). */
  declare readonly id?: string;
  /** The game's name. */
  readonly game: MinAtarGame;
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  /** The codes of the full action set (`n, l, u, r, d, f` = 0..5) that the actions map to. */
  readonly actionSet: readonly number[];
  /** The sticky-action probability. */
  readonly stickyActionProb: number;
  /** The observation's channel names, in order. */
  readonly channelNames: readonly string[];
  private readonly rules: Game;
  private readonly name: string;
  private readonly episode: EpisodeGuard;
  private generator: RandomState | undefined;
  private lastAction = 0;
  private readonly obsSize: number;

  constructor(game: MinAtarGame, options: MinAtarOptions = {}) {
    if (!MINATAR_GAMES.includes(game)) {
      throw new PpoRangeError('INVALID_ARGUMENT', `MinAtarEnv: game must be one of ${MINATAR_GAMES.join(', ')}, got ${describeValue(game)}`);
    }
    const minimal = booleanOption(game, options, 'minimalActionSet', false);
    this.name = `MinAtar/${game}-v${minimal ? 1 : 0}`;
    if (options === null || typeof options !== 'object') {
      throw new PpoTypeError('INVALID_ARGUMENT', `${this.name}: options must be an object, got ${describeValue(options)}`);
    }
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.includes(key)) {
        throw new PpoTypeError('INVALID_ARGUMENT', `${this.name}: unknown option '${key}' (accepted: ${OPTION_KEYS.join(', ')})`);
      }
    }
    const p = options.stickyActionProb ?? 0.1;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new PpoRangeError('INVALID_ARGUMENT', `${this.name}: option stickyActionProb must be a number in [0, 1], got ${describeValue(p)}`);
    }
    this.game = game;
    this.stickyActionProb = p;
    this.rules = createGame(game, booleanOption(game, options, 'difficultyRamping', true));
    this.actionSet = minimal ? [...this.rules.minimalActions] : [0, 1, 2, 3, 4, 5];
    this.channelNames = this.rules.channelNames;
    this.obsSize = 100 * this.rules.channels;
    this.observationSpace = new Box({ low: 0, high: 1, shape: [10, 10, this.rules.channels] });
    this.actionSpace = new Discrete({ n: this.actionSet.length });
    this.episode = new EpisodeGuard(this.name);
    if (options.seed !== undefined) this.generator = new RandomState(seedOption(this.name, options.seed));
  }

  /** The level of the game's difficulty ramp (the original's `difficulty_ramp()`), or `undefined` for Breakout and Freeway. */
  difficultyRamp(): number | undefined {
    return this.rules.difficultyRamp();
  }

  reset(options: ResetOptions = {}): ResetResult<Float32Array> {
    if (options === null || typeof options !== 'object') {
      throw new PpoTypeError('INVALID_ARGUMENT', `${this.name}.reset: options must be an object { seed?, options? }, got ${describeValue(options)}`);
    }
    if (options.seed !== undefined) {
      // A fresh original Environment, then seed(s): new generator, no previous action.
      this.generator = new RandomState(seedOption(`${this.name}.reset`, options.seed));
      this.lastAction = 0;
    }
    this.generator ??= new RandomState(Math.floor(Math.random() * TWO_POW_32));
    this.rules.rng = this.generator;
    this.rules.reset();
    this.episode.start();
    return { observation: this.observation(), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    const [reward, terminated, truncated] = this.advance(action);
    return { observation: this.observation(), reward, terminated, truncated, info: {} };
  }

  /** The allocation-free form of {@link MinAtarEnv.step} used by vector envs. */
  stepInto(action: number, target: StepIntoTarget, index: number): Info | undefined {
    const [reward, terminated, truncated] = this.advance(action);
    const offset = index * this.obsSize;
    target.observations.fill(0, offset, offset + this.obsSize);
    this.rules.writeState(target.observations, offset);
    target.rewards[index] = reward;
    target.terminated[index] = terminated ? 1 : 0;
    target.truncated[index] = truncated ? 1 : 0;
    return undefined;
  }

  /** Draws the current observation as an SVG (160×160). */
  render(): SvgFrame {
    this.episode.checkStarted('render');
    return renderObservation(this.observation(), this.rules.channels, this.name);
  }

  close(): void {
    this.episode.close();
  }

  private advance(action: number): [number, boolean, boolean] {
    this.episode.checkStep();
    if (typeof action !== 'number' || !Number.isInteger(action) || action < 0 || action >= this.actionSet.length) {
      const n = this.actionSet.length;
      throw new PpoRangeError('INVALID_ARGUMENT', `${this.name}.step: action must be an integer in [0, ${n}) (Discrete(${n})), got ${describeValue(action)}`);
    }
    let code = this.actionSet[action];
    // The original draws this number on every step, before the game draws any.
    if ((this.generator as RandomState).random() < this.stickyActionProb) code = this.lastAction;
    this.lastAction = code;
    const reward = this.rules.act(code);
    const ended = this.rules.terminal;
    // Freeway ends only on its clock: a truncation.
    const truncated = ended && this.game === 'Freeway';
    const terminated = ended && !truncated;
    this.episode.endStep(terminated, truncated);
    return [reward, terminated, truncated];
  }

  private observation(): Float32Array {
    const out = new Float32Array(this.obsSize);
    this.rules.writeState(out, 0);
    return out;
  }
}

function booleanOption(owner: string, options: MinAtarOptions, key: 'minimalActionSet' | 'difficultyRamping', fallback: boolean): boolean {
  const value = (options as Record<string, unknown> | null)?.[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new PpoTypeError('INVALID_ARGUMENT', `MinAtar/${owner}: option ${key} must be a boolean, got ${describeValue(value)}`);
  }
  return value;
}

function seedOption(owner: string, seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed >= TWO_POW_32) {
    throw new PpoRangeError('INVALID_ARGUMENT', `${owner}: seed must be an integer in [0, 2^32) (numpy's RandomState range), got ${describeValue(seed)}`);
  }
  return seed;
}
