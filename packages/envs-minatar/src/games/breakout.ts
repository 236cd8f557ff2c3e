import { RandomState } from '../random-state';
import { cell, LEFT, NOOP, RIGHT, type Game } from './game';

const PADDLE = 0;
const BALL = 1;
const TRAIL = 2;
const BRICK = 3;

// Ball directions: 0 up-left, 1 up-right, 2 down-right, 3 down-left.
const DX = [-1, 1, 1, -1];
const DY = [-1, -1, 1, 1];
const FLIP_X = [1, 0, 3, 2];
const FLIP_Y = [3, 2, 1, 0];
const FLIP_BOTH = [2, 3, 0, 1];

/**
 * Breakout: a paddle on the bottom row, a ball moving along diagonals and three rows of bricks
 * (rows 1-3). +1 per brick; the rows refill once all are gone and the ball reaches the bottom
 * row; the episode ends when the ball reaches the bottom row past the paddle. Channels: paddle,
 * ball, trail (the ball's previous cell), brick.
 */
export class Breakout implements Game {
  readonly channels = 4;
  readonly channelNames = ['paddle', 'ball', 'trail', 'brick'] as const;
  readonly minimalActions = [NOOP, LEFT, RIGHT] as const;
  rng = new RandomState(0);
  terminal = false;
  private ballX = 0;
  private ballY = 3;
  private ballDir = 2;
  private lastX = 0;
  private lastY = 3;
  private paddle = 4;
  /** Set while the ball is inside a brick it struck on the previous step. */
  private strike = false;
  private readonly bricks = new Uint8Array(100);

  reset(): void {
    this.ballY = 3;
    const right = this.rng.randint(2) === 1;
    this.ballX = right ? 9 : 0;
    this.ballDir = right ? 3 : 2;
    this.paddle = 4;
    this.bricks.fill(0);
    this.bricks.fill(1, 10, 40);
    this.strike = false;
    this.lastX = this.ballX;
    this.lastY = this.ballY;
    this.terminal = false;
  }

  act(action: number): number {
    if (this.terminal) return 0;
    let reward = 0;
    if (action === LEFT) this.paddle = Math.max(0, this.paddle - 1);
    else if (action === RIGHT) this.paddle = Math.min(9, this.paddle + 1);

    this.lastX = this.ballX;
    this.lastY = this.ballY;
    let x = this.ballX + DX[this.ballDir];
    let y = this.ballY + DY[this.ballDir];
    let struck = false;
    if (x < 0 || x > 9) {
      x = x < 0 ? 0 : 9;
      this.ballDir = FLIP_X[this.ballDir];
    }
    if (y < 0) {
      y = 0;
      this.ballDir = FLIP_Y[this.ballDir];
    } else if (this.bricks[y * 10 + x] === 1) {
      struck = true;
      // A brick struck right after another is passed through, not broken.
      if (!this.strike) {
        reward += 1;
        this.strike = true;
        this.bricks[y * 10 + x] = 0;
        y = this.lastY;
        this.ballDir = FLIP_Y[this.ballDir];
      }
    } else if (y === 9) {
      if (this.bricks.every((b) => b === 0)) this.bricks.fill(1, 10, 40);
      if (this.ballX === this.paddle) {
        this.ballDir = FLIP_Y[this.ballDir];
        y = this.lastY;
      } else if (x === this.paddle) {
        this.ballDir = FLIP_BOTH[this.ballDir];
        y = this.lastY;
      } else {
        this.terminal = true;
      }
    }
    if (!struck) this.strike = false;
    this.ballX = x;
    this.ballY = y;
    return reward;
  }

  writeState(out: Float32Array, offset: number): void {
    out[offset + cell(this.ballY, this.ballX, BALL, 4)] = 1;
    out[offset + cell(9, this.paddle, PADDLE, 4)] = 1;
    out[offset + cell(this.lastY, this.lastX, TRAIL, 4)] = 1;
    for (let k = 0; k < 100; k++) if (this.bricks[k] === 1) out[offset + k * 4 + BRICK] = 1;
  }

  difficultyRamp(): undefined {
    return undefined;
  }
}
