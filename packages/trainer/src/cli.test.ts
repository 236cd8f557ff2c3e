import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main, parseArgs, USAGE, UsageError } from './cli-main';
import { readCheckpoint, RUN_LAYOUT } from './run-files';
import { runTraining } from './runner';

const root = mkdtempSync(join(tmpdir(), 'ppo-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, out, err };
}

describe('parseArgs', () => {
  it('maps kebab-case flags to config fields with typed values', () => {
    const parsed = parseArgs([
      'train', '--env', 'Pendulum-v1', '--preset', 'mujoco', '--total-steps', '4096', '--learning-rate', '1e-3',
      '--anneal-lr', 'false', '--norm-adv', '--no-clip-vloss', '--max-grad-norm', 'null', '--hidden-sizes', '32,32', '--out', 'x',
    ]);
    expect(parsed).toEqual({
      command: 'train', resume: null, out: 'x', preset: 'mujoco', configFile: null, quiet: false,
      overrides: { env: 'Pendulum-v1', totalSteps: 4096, learningRate: 1e-3, annealLr: false, normAdv: true, clipVloss: false, maxGradNorm: null, hiddenSizes: [32, 32] },
    });
    expect(parseArgs(['train', '--resume', 'runs/a'])).toMatchObject({ command: 'train', resume: 'runs/a' });
    expect(parseArgs(['eval', 'runs/a', '--episodes', '5'])).toEqual({ command: 'eval', dir: 'runs/a', episodes: 5, seed: undefined, backend: undefined });
    expect(parseArgs(['plot', 'runs/a'])).toEqual({ command: 'plot', dir: 'runs/a' });
    expect(parseArgs(['list-envs'])).toEqual({ command: 'list-envs', json: false });
  });

  it.each([
    [['train', '--lerning-rate', '1'], /unknown flag '--lerning-rate'/],
    [['train', '--num-envs', 'four'], /--num-envs expects an integer, got 'four'/],
    [['train', '--backend', 'gpu'], /--backend expects one of auto, tensorflow, wasm, cpu, got 'gpu'/],
    [['train', '--seed'], /--seed needs a value/],
    [['train', '--preset', 'dota'], /--preset expects one of classic, mujoco, atari/],
    [['train', '--resume', 'a', '--seed', '2'], /--resume takes no other settings/],
    [['eval'], /eval needs a run directory/],
    [['eval', 'a', '--episodes', '0'], /--episodes expects an integer >= 1/],
    [['fly'], /unknown command 'fly'/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

describe('main', () => {
  it('prints usage and exits 2 on an unknown flag or a bad value, including config range errors', async () => {
    for (const argv of [['train', '--bogus'], ['train', '--gamma', '2'], ['train', '--num-minibatches', '3']]) {
      const c = capture();
      expect(await main(argv, c.io)).toBe(2);
      expect(c.err.join('')).toContain(USAGE);
    }
    const c = capture();
    await main(['train', '--gamma', '2'], c.io);
    expect(c.err.join('')).toContain('config.gamma: expected a finite number >= 0 and <= 1, got 2');
  });

  it('lists envs', async () => {
    const c = capture();
    expect(await main(['list-envs'], c.io)).toBe(0);
    expect(c.out.join('')).toMatch(/CartPole-v1\s+max steps\s+500\s+solved at 475/);
    const j = capture();
    await main(['list-envs', '--json'], j.io);
    expect((JSON.parse(j.out.join('')) as { id: string }[]).map((s) => s.id)).toContain('Pendulum-v1');
  });

  it('trains, evaluates to a JSON summary and plots a run directory', async () => {
    const out = join(root, 'cartpole');
    const configFile = join(root, 'config.json');
    writeFileSync(configFile, JSON.stringify({ numSteps: 32, numMinibatches: 2, updateEpochs: 1 }));
    const c = capture();
    const code = await main(['train', '--env', 'CartPole-v1', '--total-steps', '512', '--seed', '4', '--num-envs', '2', '--backend', 'cpu', '--config', configFile, '--out', out, '--quiet'], c.io);
    expect(c.err.join('')).toBe('');
    expect(code).toBe(0);
    for (const f of [RUN_LAYOUT.config, RUN_LAYOUT.metrics, RUN_LAYOUT.progress, RUN_LAYOUT.latest, RUN_LAYOUT.plot, RUN_LAYOUT.plotPng]) {
      expect(existsSync(join(out, f))).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(out, RUN_LAYOUT.config), 'utf8'))).toMatchObject({ numSteps: 32, numEnvs: 2, seed: 4, totalSteps: 512 });
    expect(readCheckpoint(join(out, RUN_LAYOUT.final)).meta.counters.globalStep).toBe(512);
    const e = capture();
    expect(await main(['eval', out, '--episodes', '3'], e.io)).toBe(0);
    const summary = JSON.parse(e.out.join('')) as Record<string, number>;
    expect(summary.episodes).toBe(3);
    for (const k of ['mean', 'std', 'min', 'max', 'meanLength']) expect(Number.isFinite(summary[k])).toBe(true);
    const p = capture();
    expect(await main(['plot', out], p.io)).toBe(0);
    expect(p.out.join('')).toContain(RUN_LAYOUT.plot);
    const again = capture();
    expect(await main(['train', '--env', 'CartPole-v1', '--out', out, '--quiet', '--backend', 'cpu'], again.io)).toBe(1);
    expect(again.err.join('')).toMatch(/already holds a run/);
  });

  it('SIGTERM finishes the update, writes a checkpoint and stops without final/', async () => {
    const out = join(root, 'signal');
    const result = await runTraining({
      out,
      config: { env: 'CartPole-v1', seed: 1, numEnvs: 2, numSteps: 32, numMinibatches: 2, updateEpochs: 1, totalSteps: 64 * 20, checkpointEvery: 100, backend: 'cpu' },
      console: false,
      plot: false,
      // A real signal arrives as a macrotask; emitting from a timer reproduces that, so this
      // fails if the training loop never yields to the event loop.
      callbacks: [{ onRolloutEnd: (context) => void (context.update === 2 && setTimeout(() => process.emit('SIGTERM'), 0)) }],
    });
    expect(result.stoppedBy).toBe('signal');
    expect(result.signal).toBe('SIGTERM');
    expect(result.update).toBe(3);
    expect(existsSync(join(out, RUN_LAYOUT.final))).toBe(false);
    expect(readCheckpoint(join(out, RUN_LAYOUT.checkpoints, 'update-000003')).meta.counters.update).toBe(3);
    expect(process.listenerCount('SIGTERM')).toBe(0);
  });
});
