import { RandomState } from '../random-state';
import { cell, DOWN, LEFT, NOOP, RIGHT, UP, type Game } from './game';

const PLAYER = 0;
const ENEMY = 1;
const TRAIL = 2;
const GOLD = 3;

const RAMP_INTERVAL = 100;
const INIT_SPAWN_SPEED = 10;
const INIT_MOVE_INTERVAL = 5;

/** An enemy or treasure: its cell, whether it moves right, whether it is gold. */
interface Entity {
  x: number;
  readonly y: number;
  readonly right: boolean;
  readonly gold: boolean;
}

/**
 * Asterix: the player moves in four directions in rows 1-8; enemies and gold enter one per row
 * (8 slots) from either side. +1 per gold picked up; touching an enemy ends the episode. Every
 * 100 steps the spawn interval shrinks by one and, every other time, the move interval too.
 * Channels: player, enemy, trail, gold.
 */
export class Asterix implements Game {
  readonly channels = 4;
  readonly channelNames = ['player', 'enemy', 'trail', 'gold'] as const;
  readonly minimalActions = [NOOP, LEFT, UP, RIGHT, DOWN] as const;
  rng = new RandomState(0);
  terminal = false;
  private readonly ramping: boolean;
  private playerX = 5;
  private playerY = 5;
  private readonly entities: (Entity | null)[] = new Array<Entity | null>(8).fill(null);
  private spawnSpeed = INIT_SPAWN_SPEED;
  private spawnTimer = INIT_SPAWN_SPEED;
  private moveSpeed = INIT_MOVE_INTERVAL;
  private moveTimer = INIT_MOVE_INTERVAL;
  private rampTimer = RAMP_INTERVAL;
  private rampIndex = 0;

  constructor(ramping = true) {
    this.ramping = ramping;
  }

  reset(): void {
    this.playerX = 5;
    this.playerY = 5;
    this.entities.fill(null);
    this.spawnSpeed = INIT_SPAWN_SPEED;
    this.spawnTimer = this.spawnSpeed;
    this.moveSpeed = INIT_MOVE_INTERVAL;
    this.moveTimer = this.moveSpeed;
    this.rampTimer = RAMP_INTERVAL;
    this.rampIndex = 0;
    this.terminal = false;
  }

  act(action: number): number {
    if (this.terminal) return 0;
    let reward = 0;
    if (this.spawnTimer === 0) {
      this.spawn();
      this.spawnTimer = this.spawnSpeed;
    }
    if (action === LEFT) this.playerX = Math.max(0, this.playerX - 1);
    else if (action === RIGHT) this.playerX = Math.min(9, this.playerX + 1);
    else if (action === UP) this.playerY = Math.max(1, this.playerY - 1);
    else if (action === DOWN) this.playerY = Math.min(8, this.playerY + 1);

    // Contact after the player's move, then again after the entities' move.
    for (let i = 0; i < 8; i++) reward += this.touch(i);
    if (this.moveTimer === 0) {
      this.moveTimer = this.moveSpeed;
      for (let i = 0; i < 8; i++) {
        const e = this.entities[i];
        if (e === null) continue;
        e.x += e.right ? 1 : -1;
        if (e.x < 0 || e.x > 9) this.entities[i] = null;
        else reward += this.touch(i);
      }
    }
    this.spawnTimer -= 1;
    this.moveTimer -= 1;

    if (this.ramping && (this.spawnSpeed > 1 || this.moveSpeed > 1)) {
      if (this.rampTimer >= 0) {
        this.rampTimer -= 1;
      } else {
        if (this.moveSpeed > 1 && this.rampIndex % 2 === 1) this.moveSpeed -= 1;
        if (this.spawnSpeed > 1) this.spawnSpeed -= 1;
        this.rampIndex += 1;
        this.rampTimer = RAMP_INTERVAL;
      }
    }
    return reward;
  }

  /** Resolves contact between the player and slot `i`: gold is collected, an enemy ends the episode. */
  private touch(i: number): number {
    const e = this.entities[i];
    if (e === null || e.x !== this.playerX || e.y !== this.playerY) return 0;
    if (e.gold) {
      this.entities[i] = null;
      return 1;
    }
    this.terminal = true;
    return 0;
  }

  private spawn(): void {
    // Both draws happen even when no slot is free.
    const right = this.rng.random() < 1 / 2;
    const gold = this.rng.random() < 1 / 3;
    const free: number[] = [];
    for (let i = 0; i < 8; i++) if (this.entities[i] === null) free.push(i);
    if (free.length === 0) return;
    const slot = free[this.rng.randint(free.length)];
    this.entities[slot] = { x: right ? 0 : 9, y: slot + 1, right, gold };
  }

  writeState(out: Float32Array, offset: number): void {
    out[offset + cell(this.playerY, this.playerX, PLAYER, 4)] = 1;
    for (const e of this.entities) {
      if (e === null) continue;
      out[offset + cell(e.y, e.x, e.gold ? GOLD : ENEMY, 4)] = 1;
      const back = e.right ? e.x - 1 : e.x + 1;
      if (back >= 0 && back <= 9) out[offset + cell(e.y, back, TRAIL, 4)] = 1;
    }
  }

  difficultyRamp(): number {
    return this.rampIndex;
  }
}
