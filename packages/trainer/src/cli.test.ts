import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main, parseArgs, USAGE, UsageError } from './cli-main';
import { readCheckpoint, RUN_LAYOUT } from './run-files';
import { builtCli, captureIo } from './test-cli-io';
import { runTraining } from './runner';

const root = mkdtempSync(join(tmpdir(), 'ppo-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

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
    expect(parseArgs(['list-envs'])).toEqual({ command: 'list-envs', json: false, envModules: [] });
    expect(parseArgs(['train', '--env-modules', './my-envs.mjs, @ppo/envs-mujoco/register'])).toMatchObject({ overrides: { envModules: ['./my-envs.mjs', '@ppo/envs-mujoco/register'] } });
    expect(parseArgs(['list-envs', '--env-modules', 'a.mjs', '--json'])).toEqual({ command: 'list-envs', json: true, envModules: ['a.mjs'] });
    expect(parseArgs(['export', 'runs/a'])).toEqual({ command: 'export', dir: 'runs/a', out: null });
    expect(parseArgs(['export', 'runs/a', '--out', 'site/policy'])).toEqual({ command: 'export', dir: 'runs/a', out: 'site/policy' });
  });

  it('takes consent to import env modules for resume, eval and export', () => {
    expect(parseArgs(['train', '--resume', 'runs/a', '--trust-run-modules'])).toMatchObject({ resume: 'runs/a', overrides: {}, trustRunModules: true });
    expect(parseArgs(['train', '--resume', 'runs/a', '--env-modules', './e.mjs'])).toMatchObject({ resume: 'runs/a', overrides: {}, envModules: ['./e.mjs'] });
    expect(parseArgs(['eval', 'runs/a', '--env-modules', './e.mjs'])).toMatchObject({ command: 'eval', envModules: ['./e.mjs'] });
    expect(parseArgs(['export', 'runs/a', '--trust-run-modules'])).toMatchObject({ command: 'export', trustRunModules: true });
  });

  it.each([
    [['train', '--lerning-rate', '1'], /unknown flag '--lerning-rate'/],
    [['train', '--num-envs', 'four'], /--num-envs expects a decimal integer \(at most 9007199254740991 in magnitude\), got 'four'/],
    [['train', '--backend', 'gpu'], /--backend expects one of auto, tensorflow, wasm, cpu, got 'gpu'/],
    [['train', '--seed'], /--seed needs a value/],
    [['train', '--preset', 'dota'], /--preset expects one of classic, mujoco, atari, minatar/],
    [['train', '--resume', 'a', '--seed', '2'], /--resume takes no other settings/],
    [['eval'], /eval needs a run directory/],
    [['eval', 'a', '--episodes', '0'], /--episodes expects a decimal integer in \[1, 1000000\], got '0'/],
    [['train', '--env-modules', 'a.mjs,,b.mjs'], /--env-modules expects a comma-separated list of non-empty entries/],
    [['export'], /export needs a run directory/],
    [['export', 'a', '--episodes', '2'], /unknown flag '--episodes' for export/],
    [['train', '--env', 'CartPole-v1', '--trust-run-modules'], /--trust-run-modules applies to --resume, eval and export only/],
    [['eval', 'a', '--env-modules', 'x.mjs', '--trust-run-modules'], /give either --env-modules .* or --trust-run-modules .*, not both/],
    [['plot', 'a', '--trust-run-modules'], /unknown flag '--trust-run-modules' for plot/],
    [['fly'], /unknown command 'fly'/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

describe('main', () => {
  it('prints usage and exits 2 on an unknown flag or a bad value, including config range errors', async () => {
    for (const argv of [['train', '--bogus'], ['train', '--gamma', '2'], ['train', '--num-minibatches', '3']]) {
      const c = captureIo();
      expect(await main(argv, c.io)).toBe(2);
      expect(c.err.join('')).toContain(USAGE);
    }
    const c = captureIo();
    await main(['train', '--gamma', '2'], c.io);
    expect(c.err.join('')).toContain('config.gamma: expected a finite number >= 0 and <= 1, got 2');
  });

  it('prints usage and exits 2 on a config error only the env reveals, leaving no run directory', async () => {
    const out = join(root, 'cnn-on-cartpole');
    const c = captureIo();
    expect(await main(['train', '--env', 'CartPole-v1', '--torso', 'nature-cnn', '--backend', 'cpu', '--out', out, '--quiet'], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/'nature-cnn' needs a Box observation space of shape \[height, width, channels\]/);
    expect(c.err.join('')).toContain(USAGE);
    expect(existsSync(out)).toBe(false);
  });

  it.each([[['--help']], [['-h']], [['help']], [[]], ...['train', 'eval', 'export', 'plot', 'list-envs'].flatMap((c) => [[[c, '--help']], [[c, '-h']]])])(
    'prints usage and exits 0 for %j',
    async (argv) => {
      const c = captureIo();
      expect(await main(argv, c.io)).toBe(0);
      expect(c.out.join('')).toBe(`${USAGE}\n`);
      expect(c.err.join('')).toBe('');
    },
  );

  it('asks for help even after other flags, and not for an unknown command', async () => {
    const c = captureIo();
    expect(await main(['train', '--env', 'CartPole-v1', '--seed', '3', '--help'], c.io)).toBe(0);
    expect(c.out.join('')).toBe(`${USAGE}\n`);
    expect(() => parseArgs(['fly', '--help'])).toThrow(/unknown command 'fly'/);
  });

  it('lists envs', async () => {
    const c = captureIo();
    expect(await main(['list-envs'], c.io)).toBe(0);
    expect(c.out.join('')).toMatch(/CartPole-v1\s+max steps\s+500\s+solved at 475/);
    const j = captureIo();
    await main(['list-envs', '--json'], j.io);
    expect((JSON.parse(j.out.join('')) as { id: string }[]).map((s) => s.id)).toContain('Pendulum-v1');
  });

  it('trains, evaluates to a JSON summary and plots a run directory', async () => {
    const out = join(root, 'cartpole');
    const configFile = join(root, 'config.json');
    writeFileSync(configFile, JSON.stringify({ numSteps: 32, numMinibatches: 2, updateEpochs: 1 }));
    const c = captureIo();
    const code = await main(['train', '--env', 'CartPole-v1', '--total-steps', '512', '--seed', '4', '--num-envs', '2', '--backend', 'cpu', '--config', configFile, '--out', out, '--quiet'], c.io);
    expect(c.err.join('')).toBe('');
    expect(code).toBe(0);
    for (const f of [RUN_LAYOUT.config, RUN_LAYOUT.metrics, RUN_LAYOUT.progress, RUN_LAYOUT.latest, RUN_LAYOUT.plot, RUN_LAYOUT.plotPng]) {
      expect(existsSync(join(out, f))).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(out, RUN_LAYOUT.config), 'utf8'))).toMatchObject({ numSteps: 32, numEnvs: 2, seed: 4, totalSteps: 512 });
    expect(readCheckpoint(join(out, RUN_LAYOUT.final)).meta.counters.globalStep).toBe(512);
    const e = captureIo();
    expect(await main(['eval', out, '--episodes', '3'], e.io)).toBe(0);
    const summary = JSON.parse(e.out.join('')) as Record<string, number>;
    expect(summary.episodes).toBe(3);
    for (const k of ['mean', 'std', 'min', 'max', 'meanLength']) expect(Number.isFinite(summary[k])).toBe(true);
    const p = captureIo();
    expect(await main(['plot', out], p.io)).toBe(0);
    expect(p.out.join('')).toContain(RUN_LAYOUT.plot);
    const again = captureIo();
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

describe('env modules', () => {
  const packageDir = fileURLToPath(new URL('..', import.meta.url));
  const moduleUrl = pathToFileURL(join(packageDir, 'src', 'test-env-module.mjs')).href;
  // Relative to the working directory the tests run in (the package folder).
  const modulePath = './src/test-env-module.mjs';
  const tiny = ['--env', 'TestSign-v0', '--total-steps', '128', '--num-envs', '2', '--num-steps', '16', '--num-minibatches', '2', '--update-epochs', '1', '--seed', '3', '--backend', 'cpu', '--quiet'];

  /** The built `ppo` in a fresh process (nothing imported yet) in another working directory. */
  function runCli(args: string[], cwd: string) {
    return spawnSync(process.execPath, [builtCli(), ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  }

  it('trains on an env registered by a module, stores its URL, and resume and eval import it again from another directory with consent', async () => {
    const out = join(root, 'sign-sync');
    const c = captureIo();
    expect(await main(['train', ...tiny, '--env-modules', modulePath, '--out', out], c.io)).toBe(0);
    expect(c.err.join('')).toBe('');
    expect((JSON.parse(readFileSync(join(out, RUN_LAYOUT.config), 'utf8')) as { envModules: string[] }).envModules).toEqual([moduleUrl]);
    expect(readCheckpoint(join(out, RUN_LAYOUT.final)).meta.config.envModules).toEqual([moduleUrl]);

    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    // Only with consent: a run directory may come from someone else.
    const refused = runCli(['eval', out, '--episodes', '2'], elsewhere);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`this run names env modules, which are code and are only imported with your consent: ${moduleUrl}.`);
    const resumed = runCli(['train', '--resume', out, '--quiet', '--trust-run-modules'], elsewhere);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`importing the env modules the run names (--trust-run-modules): ${moduleUrl}`);
    expect(resumed.stdout).toMatch(/done: 128 steps, 4 updates/);
    const evaluated = runCli(['eval', out, '--episodes', '2', '--env-modules', join(packageDir, 'src', 'test-env-module.mjs')], elsewhere);
    expect(evaluated.status, evaluated.stderr).toBe(0);
    expect((JSON.parse(evaluated.stdout) as { episodes: number; meanLength: number })).toMatchObject({ episodes: 2, meanLength: 8 });
  });

  it('the workers of the async vector env import the modules and give the sync run exactly', async () => {
    const sync = join(root, 'sign-sync-twin');
    const async = join(root, 'sign-async');
    expect(await main(['train', ...tiny, '--env-modules', modulePath, '--out', sync], captureIo().io)).toBe(0);
    const c = captureIo();
    expect(await main(['train', ...tiny, '--env-modules', modulePath, '--vector-env', 'async', '--num-workers', '2', '--out', async], c.io)).toBe(0);
    expect(c.err.join('')).toBe('');
    const a = readCheckpoint(join(async, RUN_LAYOUT.final));
    expect(a.meta.counters.globalStep).toBe(128);
    expect(a.meta.config.vectorEnv).toBe('async');
    expect(Array.from(a.data)).toEqual(Array.from(readCheckpoint(join(sync, RUN_LAYOUT.final)).data));
  });

  it('lists the envs a module registers', async () => {
    const c = captureIo();
    expect(await main(['list-envs', '--env-modules', modulePath], c.io)).toBe(0);
    expect(c.out.join('')).toMatch(/TestSign-v0\s+max steps\s+8/);
  });

  it('prints usage and exits 2 naming the flag and the entry when a module is missing or throws, or the env id is unknown', async () => {
    const throwing = join(root, 'throws.mjs');
    writeFileSync(throwing, "throw new Error('no physics today');\n");
    const cases: [string[], RegExp][] = [
      [['--env-modules', './no-such-envs.mjs'], /config\.envModules: --env-modules entry '\.\/no-such-envs\.mjs' cannot be found: .*no-such-envs\.mjs does not exist/],
      [['--env-modules', 'no-such-package-of-envs/register'], /--env-modules entry 'no-such-package-of-envs\/register' cannot be found: no node_modules\/no-such-package-of-envs in /],
      [['--env-modules', throwing], /--env-modules entry '.*throws\.mjs' failed to import \(file:.*throws\.mjs\): no physics today/],
      [['--env-modules', modulePath, '--env', 'TestNope-v0'], /--env expects a registered env id, got 'TestNope-v0'; registered ids: .*TestSign-v0/],
      [['--env', 'CartPol-v1'], /--env expects a registered env id, got 'CartPol-v1'; registered ids: .*CartPole-v1/],
    ];
    for (const [k, [args, message]] of cases.entries()) {
      const out = join(root, `bad-module-${k}`);
      const c = captureIo();
      expect(await main(['train', ...tiny, ...args, '--out', out], c.io)).toBe(2);
      expect(c.err.join('')).toMatch(message);
      expect(c.err.join('')).toContain(USAGE);
      expect(existsSync(out)).toBe(false);
    }
    const listed = captureIo();
    expect(await main(['list-envs', '--env-modules', './no-such-envs.mjs'], listed.io)).toBe(2);
    expect(listed.err.join('')).toMatch(/--env-modules entry '\.\/no-such-envs\.mjs' cannot be found/);
    expect(listed.err.join('')).toContain(USAGE);
  });
});
