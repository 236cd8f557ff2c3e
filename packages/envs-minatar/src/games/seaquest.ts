import { RandomState } from '../random-state';
import { cell, DOWN, FIRE, forEachReversed, LEFT, NOOP, removeEqual, RIGHT, UP, type Game } from './game';

const SUB_FRONT = 0;
const SUB_BACK = 1;
const FRIENDLY_BULLET = 2;
const TRAIL = 3;
const ENEMY_BULLET = 4;
const ENEMY_FISH = 5;
const ENEMY_SUB = 6;
const OXYGEN_GAUGE = 7;
const DIVER_GAUGE = 8;
const DIVER = 9;

const MAX_OXYGEN = 200;
const INIT_SPAWN_SPEED = 20;
const DIVER_SPAWN_SPEED = 30;
const INIT_MOVE_INTERVAL = 5;
const SHOT_COOL_DOWN = 5;
const ENEMY_SHOT_INTERVAL = 10;
const DIVER_MOVE_INTERVAL = 5;

// Entities are small arrays compared by value, as the original's lists are:
// bullets [x, y, movesRight], fish and divers [x, y, movesRight, moveTimer],
// enemy subs [x, y, movesRight, moveTimer, shotTimer]. Booleans are 0/1.
type Entity = number[];

const step = (right: number): number => (right === 1 ? 1 : -1);
const at = (e: Entity, x: number, y: number): boolean => e[0] === x && e[1] === y;

/**
 * Seaquest: a two-cell submarine shoots fish and enemy subs (+1 each), picks up divers (up to
 * 6) and must surface before its oxygen (200 steps) runs out. Surfacing with divers refills
 * oxygen and costs one diver; surfacing with 6 pays one point per tenth of oxygen left and
 * empties the count; surfacing with none, being hit, or running out ends the episode. Every
 * surfacing speeds up enemy spawns and, every other time, their moves.
 */
export class Seaquest implements Game {
  readonly channels = 10;
  readonly channelNames = [
    'sub_front',
    'sub_back',
    'friendly_bullet',
    'trail',
    'enemy_bullet',
    'enemy_fish',
    'enemy_sub',
    'oxygen_guage',
    'diver_guage',
    'diver',
  ] as const;
  readonly minimalActions = [NOOP, LEFT, UP, RIGHT, DOWN, FIRE] as const;
  rng = new RandomState(0);
  terminal = false;
  private readonly ramping: boolean;
  private oxygen = MAX_OXYGEN;
  /** Divers on board; -1 (and below) after a surfacing with 6, as in the original. */
  private diverCount = 0;
  private subX = 5;
  private subY = 0;
  private facingRight = false;
  private fBullets: Entity[] = [];
  private eBullets: Entity[] = [];
  private eFish: Entity[] = [];
  private eSubs: Entity[] = [];
  private divers: Entity[] = [];
  private eSpawnSpeed = INIT_SPAWN_SPEED;
  private eSpawnTimer = INIT_SPAWN_SPEED;
  private dSpawnTimer = DIVER_SPAWN_SPEED;
  private moveSpeed = INIT_MOVE_INTERVAL;
  private rampIndex = 0;
  private shotTimer = 0;
  private surfaced = true;

  constructor(ramping = true) {
    this.ramping = ramping;
  }

  reset(): void {
    this.oxygen = MAX_OXYGEN;
    this.diverCount = 0;
    this.subX = 5;
    this.subY = 0;
    this.facingRight = false;
    this.fBullets = [];
    this.eBullets = [];
    this.eFish = [];
    this.eSubs = [];
    this.divers = [];
    this.eSpawnSpeed = INIT_SPAWN_SPEED;
    this.eSpawnTimer = this.eSpawnSpeed;
    this.dSpawnTimer = DIVER_SPAWN_SPEED;
    this.moveSpeed = INIT_MOVE_INTERVAL;
    this.rampIndex = 0;
    this.shotTimer = 0;
    this.surfaced = true;
    this.terminal = false;
  }

  act(action: number): number {
    if (this.terminal) return 0;
    let reward = 0;
    if (this.eSpawnTimer === 0) {
      this.spawnEnemy();
      this.eSpawnTimer = this.eSpawnSpeed;
    }
    if (this.dSpawnTimer === 0) {
      this.spawnDiver();
      this.dSpawnTimer = DIVER_SPAWN_SPEED;
    }

    if (action === FIRE && this.shotTimer === 0) {
      this.fBullets.push([this.subX, this.subY, this.facingRight ? 1 : 0]);
      this.shotTimer = SHOT_COOL_DOWN;
    } else if (action === LEFT) {
      this.subX = Math.max(0, this.subX - 1);
      this.facingRight = false;
    } else if (action === RIGHT) {
      this.subX = Math.min(9, this.subX + 1);
      this.facingRight = true;
    } else if (action === UP) {
      this.subY = Math.max(0, this.subY - 1);
    } else if (action === DOWN) {
      this.subY = Math.min(8, this.subY + 1);
    }

    reward += this.moveFriendlyBullets();
    this.moveDivers();
    reward += this.moveEnemies(this.eSubs, true);
    this.moveEnemyBullets();
    reward += this.moveEnemies(this.eFish, false);

    if (this.eSpawnTimer > 0) this.eSpawnTimer -= 1;
    if (this.dSpawnTimer > 0) this.dSpawnTimer -= 1;
    if (this.shotTimer > 0) this.shotTimer -= 1;
    if (this.oxygen <= 0) this.terminal = true;
    if (this.subY > 0) {
      this.oxygen -= 1;
      this.surfaced = false;
    } else if (!this.surfaced) {
      if (this.diverCount === 0) this.terminal = true;
      else reward += this.surface();
    }
    return reward;
  }

  private moveFriendlyBullets(): number {
    let reward = 0;
    forEachReversed(this.fBullets, (bullet) => {
      bullet[0] += step(bullet[2]);
      if (bullet[0] < 0 || bullet[0] > 9) {
        removeEqual(this.fBullets, bullet);
        return;
      }
      // Fish are checked first; a bullet takes at most one fish, else at most one sub.
      const fish = this.eFish.find((e) => at(e, bullet[0], bullet[1]));
      if (fish !== undefined) {
        removeEqual(this.eFish, fish);
        removeEqual(this.fBullets, bullet);
        reward += 1;
        return;
      }
      const sub = this.eSubs.find((e) => at(e, bullet[0], bullet[1]));
      if (sub !== undefined) {
        removeEqual(this.eSubs, sub);
        removeEqual(this.fBullets, bullet);
        reward += 1;
      }
    });
    return reward;
  }

  private canPickUp(diver: Entity): boolean {
    return at(diver, this.subX, this.subY) && this.diverCount < 6;
  }

  private moveDivers(): void {
    forEachReversed(this.divers, (diver) => {
      if (this.canPickUp(diver)) {
        removeEqual(this.divers, diver);
        this.diverCount += 1;
      } else if (diver[3] === 0) {
        diver[3] = DIVER_MOVE_INTERVAL;
        diver[0] += step(diver[2]);
        if (diver[0] < 0 || diver[0] > 9) {
          removeEqual(this.divers, diver);
        } else if (this.canPickUp(diver)) {
          removeEqual(this.divers, diver);
          this.diverCount += 1;
        }
      } else {
        diver[3] -= 1;
      }
    });
  }

  /** Moves fish or subs (which also shoot, even on the step they leave or are shot). */
  private moveEnemies(list: Entity[], subs: boolean): number {
    let reward = 0;
    forEachReversed(list, (enemy) => {
      if (at(enemy, this.subX, this.subY)) this.terminal = true;
      if (enemy[3] === 0) {
        enemy[3] = this.moveSpeed;
        enemy[0] += step(enemy[2]);
        if (enemy[0] < 0 || enemy[0] > 9) {
          removeEqual(list, enemy);
        } else if (at(enemy, this.subX, this.subY)) {
          this.terminal = true;
        } else {
          const bullet = this.fBullets.find((b) => at(b, enemy[0], enemy[1]));
          if (bullet !== undefined) {
            removeEqual(list, enemy);
            removeEqual(this.fBullets, bullet);
            reward += 1;
          }
        }
      } else {
        enemy[3] -= 1;
      }
      if (subs) {
        if (enemy[4] === 0) {
          enemy[4] = ENEMY_SHOT_INTERVAL;
          this.eBullets.push([enemy[0], enemy[1], enemy[2]]);
        } else {
          enemy[4] -= 1;
        }
      }
    });
    return reward;
  }

  private moveEnemyBullets(): void {
    forEachReversed(this.eBullets, (bullet) => {
      if (at(bullet, this.subX, this.subY)) this.terminal = true;
      bullet[0] += step(bullet[2]);
      if (bullet[0] < 0 || bullet[0] > 9) removeEqual(this.eBullets, bullet);
      else if (at(bullet, this.subX, this.subY)) this.terminal = true;
    });
  }

  private surface(): number {
    this.surfaced = true;
    let reward = 0;
    if (this.diverCount === 6) {
      this.diverCount = 0;
      reward = Math.floor((this.oxygen * 10) / MAX_OXYGEN);
    }
    this.oxygen = MAX_OXYGEN;
    this.diverCount -= 1;
    if (this.ramping && (this.eSpawnSpeed > 1 || this.moveSpeed > 2)) {
      if (this.moveSpeed > 2 && this.rampIndex % 2 === 1) this.moveSpeed -= 1;
      if (this.eSpawnSpeed > 1) this.eSpawnSpeed -= 1;
      this.rampIndex += 1;
    }
    return reward;
  }

  private spawnEnemy(): void {
    const right = this.rng.random() < 1 / 2 ? 1 : 0;
    const isSub = this.rng.random() < 1 / 3;
    const y = this.rng.randint(1, 9);
    // No spawn into a row where an enemy moves the other way.
    const clash = (e: Entity): boolean => e[1] === y && e[2] !== right;
    if (this.eSubs.some(clash) || this.eFish.some(clash)) return;
    const x = right === 1 ? 0 : 9;
    if (isSub) this.eSubs.push([x, y, right, this.moveSpeed, ENEMY_SHOT_INTERVAL]);
    else this.eFish.push([x, y, right, this.moveSpeed]);
  }

  private spawnDiver(): void {
    const right = this.rng.random() < 1 / 2 ? 1 : 0;
    const y = this.rng.randint(1, 9);
    this.divers.push([right === 1 ? 0 : 9, y, right, DIVER_MOVE_INTERVAL]);
  }

  writeState(out: Float32Array, offset: number): void {
    const put = (row: number, col: number, c: number): void => {
      out[offset + cell(row, col, c, 10)] = 1;
    };
    put(this.subY, this.subX, SUB_FRONT);
    put(this.subY, this.facingRight ? this.subX - 1 : this.subX + 1, SUB_BACK);
    const oxygenCells = Math.floor((Math.max(0, this.oxygen) * 10) / MAX_OXYGEN);
    for (let col = 0; col < oxygenCells; col++) put(9, col, OXYGEN_GAUGE);
    for (let col = 9 - this.diverCount; col < 9; col++) put(9, col, DIVER_GAUGE);
    for (const b of this.fBullets) put(b[1], b[0], FRIENDLY_BULLET);
    for (const b of this.eBullets) put(b[1], b[0], ENEMY_BULLET);
    const withTrail = (list: Entity[], c: number): void => {
      for (const e of list) {
        put(e[1], e[0], c);
        const back = e[2] === 1 ? e[0] - 1 : e[0] + 1;
        if (back >= 0 && back <= 9) put(e[1], back, TRAIL);
      }
    };
    withTrail(this.eFish, ENEMY_FISH);
    withTrail(this.eSubs, ENEMY_SUB);
    withTrail(this.divers, DIVER);
  }

  difficultyRamp(): number {
    return this.rampIndex;
  }
}
