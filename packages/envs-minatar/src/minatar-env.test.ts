import { describe, expect, it } from 'vitest';
import { checkEnv, SyncVectorEnv } from '@ppo/envs';
import { PpoError } from '@ppo/utils';
import { MINATAR_GAMES } from './games/create-game';
import { MinAtarEnv } from './minatar-env';

const CHANNELS = { Asterix: 4, Breakout: 4, Freeway: 7, Seaquest: 10, SpaceInvaders: 6 } as const;
const MINIMAL = { Asterix: 5, Breakout: 3, Freeway: 3, Seaquest: 6, SpaceInvaders: 4 } as const;

/** Column of Breakout's paddle (channel 0 of the bottom row). */
function paddleColumn(obs: Float32Array): number {
  for (let col = 0; col < 10; col++) if (obs[(90 + col) * 4] === 1) return col;
  return -1;
}

describe('MinAtarEnv', () => {
  it.each(MINATAR_GAMES)('%s: [10, 10, C] 0/1 observations and both action sets', (game) => {
    const full = new MinAtarEnv(game);
    const minimal = new MinAtarEnv(game, { minimalActionSet: true });
    expect(full.observationSpace.shape).toEqual([10, 10, CHANNELS[game]]);
    expect(full.actionSpace.n).toBe(6);
    expect(minimal.actionSpace.n).toBe(MINIMAL[game]);
    expect(full.channelNames).toHaveLength(CHANNELS[game]);
    const { observation } = full.reset({ seed: 3 });
    expect(observation).toHaveLength(100 * CHANNELS[game]);
    expect(observation.every((v) => v === 0 || v === 1)).toBe(true);
    expect(observation.some((v) => v === 1)).toBe(true);
  });

  it.each(MINATAR_GAMES)('%s passes the env checker', (game) => {
    const report = checkEnv(new MinAtarEnv(game, { seed: 0 }), { steps: 300 });
    // Only Breakout and Freeway draw their start state; the others always start alike.
    const sameStart = game === 'Breakout' || game === 'Freeway' ? [] : [expect.stringMatching(/gave the same first observation/)];
    expect(report.warnings).toEqual(sameStart);
  });

  it('repeats the previous action with the sticky probability (0: never, 1: always)', () => {
    const never = new MinAtarEnv('Breakout', { stickyActionProb: 0 });
    never.reset({ seed: 0 });
    expect(paddleColumn(never.step(3).observation)).toBe(5); // right
    const always = new MinAtarEnv('Breakout', { stickyActionProb: 1 });
    always.reset({ seed: 0 });
    // A fresh env's previous action is no-op, so every action repeats it.
    expect(paddleColumn(always.step(3).observation)).toBe(4);
  });

  it('maps -v1 actions through the minimal set', () => {
    const env = new MinAtarEnv('Breakout', { minimalActionSet: true, stickyActionProb: 0 });
    env.reset({ seed: 0 });
    expect(paddleColumn(env.step(2).observation)).toBe(5); // minimal [n, l, r]: 2 is right
  });

  it('gives the same episode for the same seed, and the step fast path matches step', () => {
    const a = new MinAtarEnv('Seaquest');
    const b = new MinAtarEnv('Seaquest');
    a.reset({ seed: 9 });
    b.reset({ seed: 9 });
    const target = { observations: new Float32Array(1000).fill(7), rewards: new Float32Array(1), terminated: new Uint8Array(1), truncated: new Uint8Array(1) };
    for (let t = 0; t < 50; t++) {
      const action = (t * 5) % 6;
      const step = a.step(action);
      b.stepInto(action, target, 0);
      expect(target.observations).toEqual(step.observation);
      expect(target.rewards[0]).toBe(step.reward);
      expect(target.terminated[0]).toBe(step.terminated ? 1 : 0);
      if (step.terminated) break;
    }
  });

  it('runs in a vector env through make-free construction', () => {
    const venv = new SyncVectorEnv([() => new MinAtarEnv('Freeway', { seed: 1 }), () => new MinAtarEnv('Freeway', { seed: 2 })]);
    const { observations } = venv.reset({ seed: 5 });
    expect(observations).toHaveLength(2 * 700);
    const step = venv.step(new Int32Array([2, 2]));
    expect(step.rewards).toHaveLength(2);
    venv.close();
  });

  it('draws an SVG of the grid', () => {
    const env = new MinAtarEnv('SpaceInvaders');
    env.reset({ seed: 0 });
    const frame = env.render();
    expect(frame).toMatchObject({ kind: 'svg', width: 160, height: 160 });
    // 24 aliens and the cannon.
    expect(frame.svg.match(/<rect x=/g)).toHaveLength(25);
  });

  it('rejects bad options, seeds and actions, naming them', () => {
    expect(() => new MinAtarEnv('Pong' as never)).toThrow(/game must be one of Asterix, Breakout/);
    expect(() => new MinAtarEnv('Breakout', { stickyActionProb: 2 })).toThrow(/stickyActionProb must be a number in \[0, 1\], got 2/);
    expect(() => new MinAtarEnv('Breakout', { minimalActionSet: 1 as never })).toThrow(/minimalActionSet must be a boolean/);
    expect(() => new MinAtarEnv('Breakout', { frameskip: 4 } as never)).toThrow(/unknown option 'frameskip'/);
    const env = new MinAtarEnv('Breakout', { minimalActionSet: true });
    expect(() => env.step(0)).toThrow(/MinAtar\/Breakout-v1.step: call reset\(\) before step\(\)/);
    expect(() => env.reset({ seed: -1 })).toThrow(/seed must be an integer in \[0, 2\^32\)/);
    env.reset({ seed: 1 });
    expect(() => env.step(3)).toThrow(/action must be an integer in \[0, 3\)/);
    let error: unknown;
    try {
      env.step(1.5);
    } catch (caught) {
      error = caught;
    }
    expect(PpoError.is(error, 'INVALID_ARGUMENT')).toBe(true);
  });

  it('needs a reset after the episode ends', () => {
    const env = new MinAtarEnv('Breakout', { stickyActionProb: 0 });
    env.reset({ seed: 0 });
    let ended = false;
    for (let t = 0; t < 100 && !ended; t++) ended = env.step(0).terminated; // the paddle stays: the ball is missed
    expect(ended).toBe(true);
    expect(() => env.step(0)).toThrow(/the episode has ended \(terminated\)/);
  });
});
