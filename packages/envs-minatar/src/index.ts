/**
 * @packageDocumentation
 * The MinAtar games (Young & Tian 2019) for TypeScript: Asterix, Breakout, Freeway, Seaquest and
 * SpaceInvaders on a 10×10 grid, seed for seed with the original Python (numpy's
 * `RandomState`, shared by the sticky-action draw and the game), with Gymnasium's ids
 * `MinAtar/<Game>-v0` (6 actions) and `MinAtar/<Game>-v1` (minimal action sets).
 *
 * Build envs directly (`new MinAtarEnv('Breakout')`) or register the ids with
 * `registerMinAtarEnvs()` (or import `@ppo/envs-minatar/register`) and use `make`.
 */

export { MinAtarEnv, type MinAtarOptions } from './minatar-env';
export { MINATAR_GAMES, type MinAtarGame } from './games/create-game';
export { FREEWAY_TIME_LIMIT } from './games/freeway';
export { registerMinAtarEnvs, MINATAR_ENV_IDS, type MinAtarEnvRegistration } from './register';
export { RandomState } from './random-state';
export { renderObservation } from './render';
