import { RandomState } from '../random-state';
import { cell, FIRE, LEFT, NOOP, RIGHT, type Game } from './game';

const CANNON = 0;
const ALIEN = 1;
const ALIEN_LEFT = 2;
const ALIEN_RIGHT = 3;
const FRIENDLY_BULLET = 4;
const ENEMY_BULLET = 5;

const SHOT_COOL_DOWN = 5;
const ENEMY_MOVE_INTERVAL = 12;
const ENEMY_SHOT_INTERVAL = 10;

/**
 * SpaceInvaders: a cannon on the bottom row shoots upward at a 4×6 block of aliens that moves
 * sideways, stepping down and turning at the edges. +1 per alien; an alien or alien bullet
 * reaching the cannon (or an alien turning on the bottom row) ends the episode. The aliens move
 * faster as fewer remain (every min(count, interval) steps); each cleared wave comes back one
 * step faster (down to every 6). The alien nearest the cannon's column shoots every 10 steps.
 * Channels: cannon, alien, alien_left, alien_right, friendly_bullet, enemy_bullet.
 */
export class SpaceInvaders implements Game {
  readonly channels = 6;
  readonly channelNames = ['cannon', 'alien', 'alien_left', 'alien_right', 'friendly_bullet', 'enemy_bullet'] as const;
  readonly minimalActions = [NOOP, LEFT, RIGHT, FIRE] as const;
  /** Unused: the game draws no random numbers (only the sticky-action draw does). */
  rng = new RandomState(0);
  terminal = false;
  private readonly ramping: boolean;
  private pos = 5;
  private aliens = new Uint8Array(100);
  private fBullets = new Uint8Array(100);
  private eBullets = new Uint8Array(100);
  private scratch = new Uint8Array(100);
  private alienDir = -1;
  private moveInterval = ENEMY_MOVE_INTERVAL;
  private alienMoveTimer = ENEMY_MOVE_INTERVAL;
  private alienShotTimer = ENEMY_SHOT_INTERVAL;
  private rampIndex = 0;
  private shotTimer = 0;

  constructor(ramping = true) {
    this.ramping = ramping;
  }

  reset(): void {
    this.pos = 5;
    this.fBullets.fill(0);
    this.eBullets.fill(0);
    this.aliens.fill(0);
    this.fillWave();
    this.alienDir = -1;
    this.moveInterval = ENEMY_MOVE_INTERVAL;
    this.alienMoveTimer = this.moveInterval;
    this.alienShotTimer = ENEMY_SHOT_INTERVAL;
    this.rampIndex = 0;
    this.shotTimer = 0;
    this.terminal = false;
  }

  act(action: number): number {
    if (this.terminal) return 0;
    if (action === FIRE && this.shotTimer === 0) {
      this.fBullets[90 + this.pos] = 1;
      this.shotTimer = SHOT_COOL_DOWN;
    } else if (action === LEFT) {
      this.pos = Math.max(0, this.pos - 1);
    } else if (action === RIGHT) {
      this.pos = Math.min(9, this.pos + 1);
    }

    // Friendly bullets rise one row (leaving the top), enemy bullets fall one (leaving the bottom).
    this.fBullets.copyWithin(0, 10);
    this.fBullets.fill(0, 90);
    this.eBullets.copyWithin(10, 0, 90);
    this.eBullets.fill(0, 0, 10);
    if (this.eBullets[90 + this.pos] === 1) this.terminal = true;

    if (this.aliens[90 + this.pos] === 1) this.terminal = true;
    if (this.alienMoveTimer === 0) {
      this.alienMoveTimer = Math.min(count(this.aliens), this.moveInterval);
      if ((this.alienDir < 0 && columnHas(this.aliens, 0)) || (this.alienDir > 0 && columnHas(this.aliens, 9))) {
        this.alienDir = -this.alienDir;
        if (this.aliens.subarray(90).some((a) => a === 1)) this.terminal = true;
        this.rollDown();
      } else {
        this.rollSideways(this.alienDir);
      }
      if (this.aliens[90 + this.pos] === 1) this.terminal = true;
    }
    if (this.alienShotTimer === 0) {
      this.alienShotTimer = ENEMY_SHOT_INTERVAL;
      this.eBullets[this.nearestAlien()] = 1;
    }

    let reward = 0;
    for (let k = 0; k < 100; k++) {
      if (this.aliens[k] === 1 && this.fBullets[k] === 1) {
        this.aliens[k] = 0;
        this.fBullets[k] = 0;
        reward += 1;
      }
    }

    if (this.shotTimer > 0) this.shotTimer -= 1;
    this.alienMoveTimer -= 1;
    this.alienShotTimer -= 1;
    if (count(this.aliens) === 0) {
      if (this.moveInterval > 6 && this.ramping) {
        this.moveInterval -= 1;
        this.rampIndex += 1;
      }
      this.fillWave();
    }
    return reward;
  }

  private fillWave(): void {
    // Rows 0-3, columns 2-7.
    for (let row = 0; row < 4; row++) this.aliens.fill(1, row * 10 + 2, row * 10 + 8);
  }

  /** Shifts the aliens down one row; the bottom row wraps to the top (numpy's `roll`). */
  private rollDown(): void {
    this.scratch.set(this.aliens.subarray(90), 0);
    this.scratch.set(this.aliens.subarray(0, 90), 10);
    [this.aliens, this.scratch] = [this.scratch, this.aliens];
  }

  /** Shifts the aliens one column in `dir` (wrapping, numpy's `roll`). */
  private rollSideways(dir: number): void {
    for (let row = 0; row < 10; row++) {
      for (let col = 0; col < 10; col++) this.scratch[row * 10 + ((col + dir + 10) % 10)] = this.aliens[row * 10 + col];
    }
    [this.aliens, this.scratch] = [this.scratch, this.aliens];
  }

  /** The lowest alien of the column nearest the cannon (ties: the left column), as a flat index. */
  private nearestAlien(): number {
    for (let d = 0; d < 10; d++) {
      for (const col of d === 0 ? [this.pos] : [this.pos - d, this.pos + d]) {
        if (col < 0 || col > 9) continue;
        for (let row = 9; row >= 0; row--) if (this.aliens[row * 10 + col] === 1) return row * 10 + col;
      }
    }
    throw new Error('SpaceInvaders: no alien left to shoot (unreachable: a cleared wave refills at once)');
  }

  writeState(out: Float32Array, offset: number): void {
    out[offset + cell(9, this.pos, CANNON, 6)] = 1;
    const direction = this.alienDir < 0 ? ALIEN_LEFT : ALIEN_RIGHT;
    for (let k = 0; k < 100; k++) {
      const base = offset + k * 6;
      if (this.aliens[k] === 1) {
        out[base + ALIEN] = 1;
        out[base + direction] = 1;
      }
      if (this.fBullets[k] === 1) out[base + FRIENDLY_BULLET] = 1;
      if (this.eBullets[k] === 1) out[base + ENEMY_BULLET] = 1;
    }
  }

  difficultyRamp(): number {
    return this.rampIndex;
  }
}

function count(map: Uint8Array): number {
  let n = 0;
  for (let k = 0; k < map.length; k++) n += map[k];
  return n;
}

function columnHas(map: Uint8Array, col: number): boolean {
  for (let row = 0; row < 10; row++) if (map[row * 10 + col] === 1) return true;
  return false;
}
