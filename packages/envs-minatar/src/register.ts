import { isRegistered, register } from '@ppo/envs';
import { MINATAR_GAMES, type MinAtarGame } from './games/create-game';
import { MinAtarEnv, type MinAtarOptions } from './minatar-env';

/** Registration of one MinAtar id. */
export interface MinAtarEnvRegistration {
  readonly id: string;
  readonly game: MinAtarGame;
  /** Whether the id uses the game's minimal action set (`-v1`). */
  readonly minimalActionSet: boolean;
}

/** The ids {@link registerMinAtarEnvs} registers: `MinAtar/<Game>-v0` (6 actions) and `-v1` (minimal set), as Gymnasium's. */
export const MINATAR_ENV_IDS: readonly MinAtarEnvRegistration[] = Object.freeze(
  MINATAR_GAMES.flatMap((game) => [
    { id: `MinAtar/${game}-v0`, game, minimalActionSet: false },
    { id: `MinAtar/${game}-v1`, game, minimalActionSet: true },
  ]),
);

/**
 * Registers the MinAtar ids into `@ppo/envs`'s registry so that `make('MinAtar/Breakout-v0')`
 * works; `make`'s env options (`seed`, `stickyActionProb`, `difficultyRamping`) reach
 * {@link MinAtarEnv}. No step limit is registered (Freeway keeps its own clock), as in the
 * original. Every id recommends the trainer's `minatar` preset (the MinAtar paper's network).
 * Idempotent: ids already registered are left as they are.
 *
 * @returns the ids this call registered.
 */
export function registerMinAtarEnvs(): string[] {
  const added: string[] = [];
  for (const { id, game, minimalActionSet } of MINATAR_ENV_IDS) {
    if (isRegistered(id)) continue;
    register(id, (options) => new MinAtarEnv(game, { ...(options as MinAtarOptions), minimalActionSet }), { recommendedPreset: 'minatar' });
    added.push(id);
  }
  return added;
}
