import { RandomState } from '../random-state';
import { cell, DOWN, NOOP, UP, type Game } from './game';

const CHICKEN = 0;
const CAR = 1;
/** The trail channel of a car moving every `k` steps is `SPEED_BASE + k` (speed1 ... speed5). */
const SPEED_BASE = 1;

const PLAYER_SPEED = 3;
/** The original ends the game once this many steps have passed, on step 2,501. */
export const FREEWAY_TIME_LIMIT = 2500;

/** A car: column, row (1-8), steps until it moves, signed speed (the sign is the direction). */
interface Car {
  x: number;
  readonly y: number;
  timer: number;
  speed: number;
}

/**
 * Freeway: the chicken (column 4) crosses eight lanes of cars upward, moving at most once every
 * three steps. +1 on reaching the top row, after which it returns to the bottom and every car
 * gets a new random speed and direction; a car hit sends it back to the bottom. The game ends
 * after 2,500 steps. Channels: chicken, car, and five trail channels by car speed.
 */
export class Freeway implements Game {
  readonly channels = 7;
  readonly channelNames = ['chicken', 'car', 'speed1', 'speed2', 'speed3', 'speed4', 'speed5'] as const;
  readonly minimalActions = [NOOP, UP, DOWN] as const;
  rng = new RandomState(0);
  terminal = false;
  private readonly cars: Car[] = [];
  private pos = 9;
  private moveTimer = PLAYER_SPEED;
  private terminateTimer = FREEWAY_TIME_LIMIT;

  reset(): void {
    this.cars.length = 0;
    for (let i = 0; i < 8; i++) this.cars.push({ x: 0, y: i + 1, timer: 0, speed: 0 });
    this.randomizeCars();
    this.pos = 9;
    this.moveTimer = PLAYER_SPEED;
    this.terminateTimer = FREEWAY_TIME_LIMIT;
    this.terminal = false;
  }

  act(action: number): number {
    if (this.terminal) return 0;
    let reward = 0;
    if (action === UP && this.moveTimer === 0) {
      this.moveTimer = PLAYER_SPEED;
      this.pos = Math.max(0, this.pos - 1);
    } else if (action === DOWN && this.moveTimer === 0) {
      this.moveTimer = PLAYER_SPEED;
      this.pos = Math.min(9, this.pos + 1);
    }
    if (this.pos === 0) {
      reward += 1;
      this.randomizeCars();
      this.pos = 9;
    }
    for (const car of this.cars) {
      if (car.x === 4 && car.y === this.pos) this.pos = 9;
      if (car.timer === 0) {
        car.timer = Math.abs(car.speed);
        car.x += car.speed > 0 ? 1 : -1;
        if (car.x < 0) car.x = 9;
        else if (car.x > 9) car.x = 0;
        if (car.x === 4 && car.y === this.pos) this.pos = 9;
      } else {
        car.timer -= 1;
      }
    }
    if (this.moveTimer > 0) this.moveTimer -= 1;
    this.terminateTimer -= 1;
    if (this.terminateTimer < 0) this.terminal = true;
    return reward;
  }

  /** New speeds (1-5) and directions for every car, drawn as the original does (8 integers, then 8 doubles). */
  private randomizeCars(): void {
    const speeds = this.rng.randintArray(1, 6, 8);
    const coins = this.rng.randomArray(8);
    for (let i = 0; i < 8; i++) {
      const speed = speeds[i] * Math.sign(coins[i] - 0.5);
      this.cars[i].timer = Math.abs(speed);
      this.cars[i].speed = speed;
    }
  }

  writeState(out: Float32Array, offset: number): void {
    out[offset + cell(this.pos, 4, CHICKEN, 7)] = 1;
    for (const car of this.cars) {
      out[offset + cell(car.y, car.x, CAR, 7)] = 1;
      let back = car.speed > 0 ? car.x - 1 : car.x + 1;
      if (back < 0) back = 9;
      else if (back > 9) back = 0;
      out[offset + cell(car.y, back, SPEED_BASE + Math.abs(car.speed), 7)] = 1;
    }
  }

  difficultyRamp(): undefined {
    return undefined;
  }
}
