import { Asterix } from './asterix';
import { Breakout } from './breakout';
import { Freeway } from './freeway';
import type { Game } from './game';
import { Seaquest } from './seaquest';
import { SpaceInvaders } from './space-invaders';

/** The five MinAtar games, by the names their Gymnasium ids use. */
export type MinAtarGame = 'Asterix' | 'Breakout' | 'Freeway' | 'Seaquest' | 'SpaceInvaders';

/** The games in id order. */
export const MINATAR_GAMES: readonly MinAtarGame[] = Object.freeze(['Asterix', 'Breakout', 'Freeway', 'Seaquest', 'SpaceInvaders']);

/** Builds a game's rules; `ramping` turns the difficulty ramp on (games without one ignore it). */
export function createGame(name: MinAtarGame, ramping: boolean): Game {
  switch (name) {
    case 'Asterix':
      return new Asterix(ramping);
    case 'Breakout':
      return new Breakout();
    case 'Freeway':
      return new Freeway();
    case 'Seaquest':
      return new Seaquest(ramping);
    case 'SpaceInvaders':
      return new SpaceInvaders(ramping);
  }
}
