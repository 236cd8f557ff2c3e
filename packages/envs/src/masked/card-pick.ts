import { describeValue, PpoTypeError, Rng } from '@ppo/utils';
import type { Env, Info, ResetOptions, ResetResult, StepResult } from '../env';
import { EpisodeGuard } from '../episode-guard';
import { Box, Discrete } from '../spaces';
import { ACTION_MASK_KEY } from '../vector/action-masks';
import { discreteAction, seedToUint32 } from '../classic-control/common';

/** Options of {@link CardPickEnv}. */
export interface CardPickOptions {
  /** Hand slots, the number of actions (default 8, at least 2). */
  readonly slots?: number;
  /** Cards played per game: the episode ends (terminated) after this many (default 16). */
  readonly rounds?: number;
  /** Reward for playing an unplayable card, which also ends the game (default -1). */
  readonly invalidPenalty?: number;
}

/** Card values run from 1 to this. */
const MAX_CARD = 9;

function intOption(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new PpoTypeError('INVALID_ARGUMENT', `CardPick: option ${name} must be an integer >= ${min}, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * A small card game that needs action masking. Each round the player is dealt `slots` cards
 * (values 1..9, uniform) and the table allows about half of them (each independently, at least
 * one): only `info.action_mask` says which, the observation shows the values alone. Playing an
 * allowed card scores its value / 9 and deals the next round; playing a card the table does not
 * allow scores `invalidPenalty` and ends the game. The game ends (terminated) after `rounds`
 * cards.
 *
 * Observation: `Box(0, 1, [slots])`, each card's value / 9. Action: `Discrete(slots)`.
 * `info.action_mask` (a `Uint8Array` of `slots` flags, from `reset` and every `step`) marks the
 * allowed cards, so a masked policy never plays a forbidden one and has to learn to play the
 * highest allowed card: a uniformly random masked player scores about 0.56 per round (a return
 * of about 8.9 over 16 rounds), the best player about 0.8 (about 12.9). An unmasked player
 * cannot see which cards are allowed: about half its plays end the game.
 *
 * Registered as `CardPick-v0` (8 slots, 16 rounds).
 *
 * @example
 * ```ts
 * const env = make('CardPick-v0');
 * let { observation, info } = env.reset({ seed: 1 });
 * const mask = info.action_mask as Uint8Array;
 * const { reward, info: next } = env.step(mask.indexOf(1));
 * ```
 */
export class CardPickEnv implements Env<Float32Array, number> {
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  /** Hand slots. */
  readonly slots: number;
  /** Cards per game. */
  readonly rounds: number;
  /** Reward for an empty slot. */
  readonly invalidPenalty: number;
  private readonly episode = new EpisodeGuard('CardPick-v0');
  private rng = new Rng(0);
  private readonly hand: Int32Array;
  private readonly allowed: Uint8Array;
  private played = 0;

  constructor(options: CardPickOptions = {}) {
    if (options === null || typeof options !== 'object') throw new PpoTypeError('INVALID_ARGUMENT', `CardPick: options must be an object, got ${describeValue(options)}`);
    this.slots = intOption('slots', options.slots, 8, 2);
    this.rounds = intOption('rounds', options.rounds, 16, 1);
    const penalty = options.invalidPenalty ?? -1;
    if (typeof penalty !== 'number' || !Number.isFinite(penalty)) {
      throw new PpoTypeError('INVALID_ARGUMENT', `CardPick: option invalidPenalty must be a finite number, got ${describeValue(penalty)}`);
    }
    this.invalidPenalty = penalty;
    this.observationSpace = new Box({ low: 0, high: 1, shape: [this.slots] });
    this.actionSpace = new Discrete({ n: this.slots });
    this.hand = new Int32Array(this.slots);
    this.allowed = new Uint8Array(this.slots);
  }

  reset(options: ResetOptions = {}): ResetResult<Float32Array> {
    if (options.seed !== undefined) this.rng = new Rng(seedToUint32('CardPick-v0.reset', options.seed));
    this.episode.start();
    this.played = 0;
    this.deal();
    return { observation: this.observation(), info: this.info() };
  }

  step(action: number): StepResult<Float32Array> {
    this.episode.checkStep();
    const slot = discreteAction('CardPick-v0', action, this.slots);
    let reward: number;
    let terminated: boolean;
    if (this.allowed[slot] === 0) {
      reward = this.invalidPenalty;
      terminated = true;
    } else {
      reward = this.hand[slot] / MAX_CARD;
      this.played += 1;
      terminated = this.played >= this.rounds;
    }
    this.deal();
    this.episode.endStep(terminated, false);
    return { observation: this.observation(), reward, terminated, truncated: false, info: this.info() };
  }

  close(): void {
    this.episode.close();
  }

  /** A fresh hand, and the cards the table allows: each with probability 1/2, at least one. */
  private deal(): void {
    let any = false;
    for (let k = 0; k < this.slots; k++) {
      this.hand[k] = 1 + this.rng.nextInt(MAX_CARD);
      this.allowed[k] = this.rng.nextFloat() < 0.5 ? 1 : 0;
      any ||= this.allowed[k] === 1;
    }
    if (!any) this.allowed[this.rng.nextInt(this.slots)] = 1;
  }

  private observation(): Float32Array {
    return Float32Array.from(this.hand, (v) => v / MAX_CARD);
  }

  private info(): Info {
    return { [ACTION_MASK_KEY]: Uint8Array.from(this.allowed) };
  }
}
