import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { helpText, main, parseArgs, USAGE, usageHint, UsageError } from './cli-main';
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
      command: 'train', resume: null, out: 'x', preset: 'mujoco', configFile: null, quiet: false, tensorboard: false, workers: null,
      overrides: { env: 'Pendulum-v1', totalSteps: 4096, learningRate: 1e-3, annealLr: false, normAdv: true, clipVloss: false, maxGradNorm: null, hiddenSizes: [32, 32] },
    });
    expect(parseArgs(['train', '--resume', 'runs/a'])).toMatchObject({ command: 'train', resume: 'runs/a' });
    expect(parseArgs(['train', '--env', 'CartPole-v1', '--tensorboard'])).toMatchObject({ tensorboard: true });
    expect(parseArgs(['train', '--resume', 'runs/a', '--tensorboard'])).toMatchObject({ resume: 'runs/a', tensorboard: true });
    expect(parseArgs(['eval', 'runs/a', '--episodes', '5'])).toEqual({ command: 'eval', dir: 'runs/a', episodes: 5, seed: undefined, backend: undefined, stochastic: false, json: false });
    expect(parseArgs(['eval', 'runs/a', '--stochastic', '--json'])).toMatchObject({ command: 'eval', stochastic: true, json: true });
    expect(parseArgs(['plot', 'runs/a'])).toEqual({ command: 'plot', dir: 'runs/a' });
    expect(parseArgs(['list-envs'])).toEqual({ command: 'list-envs', json: false, envModules: [] });
    expect(parseArgs(['train', '--env', 'X-v0', '--env-modules', './my-envs.mjs, @ppo/envs-mujoco/register'])).toMatchObject({ overrides: { envModules: ['./my-envs.mjs', '@ppo/envs-mujoco/register'] } });
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
    [['train', '--lerning-rate', '1'], /^unknown option --lerning-rate; did you mean --learning-rate\?$/],
    [['train', '--env', 'X-v0', '--bogus'], /^unknown option --bogus$/],
    [['train', '--env', 'X-v0', '--quiet=yes'], /--quiet takes no value, got 'yes'/],
    [['train', '--seed', '--quiet'], /--seed needs a value/],
    [['train', '--resume', 'a', '--preset', 'mujoco'], /--resume takes no other settings/],
    [['train'], /ppo train needs --env ID, the env to train on \(for example --env CartPole-v1; ppo list-envs lists the ids\)/],
    [['train', '--seed', '2', '--preset', 'mujoco'], /ppo train needs --env ID/],
    [['eval', 'a', 'b'], /unexpected argument 'b' for eval/],
    [['trian'], /unknown command 'trian'; did you mean train\?/],
    [['train', '--num-envs', 'four'], /--num-envs expects a decimal integer \(at most 9007199254740991 in magnitude\), got 'four'/],
    [['train', '--backend', 'gpu'], /--backend expects one of auto, tensorflow, wasm, cpu, got 'gpu'/],
    [['train', '--seed'], /--seed needs a value/],
    [['train', '--preset', 'dota'], /--preset expects one of classic, mujoco, atari, minatar/],
    [['train', '--resume', 'a', '--seed', '2'], /--resume takes no other settings/],
    [['eval'], /eval needs a run directory/],
    [['eval', 'a', '--episodes', '0'], /--episodes expects a decimal integer in \[1, 1000000\], got '0'/],
    [['train', '--env-modules', 'a.mjs,,b.mjs'], /--env-modules expects a comma-separated list of non-empty entries/],
    [['export'], /export needs a run directory/],
    [['export', 'a', '--episodes', '2'], /^unknown option --episodes$/],
    [['train', '--env', 'CartPole-v1', '--trust-run-modules'], /--trust-run-modules applies to --resume, eval and export only/],
    [['eval', 'a', '--env-modules', 'x.mjs', '--trust-run-modules'], /give either --env-modules .* or --trust-run-modules .*, not both/],
    [['plot', 'a', '--trust-run-modules'], /^unknown option --trust-run-modules$/],
    [['fly'], /unknown command 'fly'/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  it('reads --flag=value as --flag value, booleans as --flag, --flag=false, --flag false and --no-flag', () => {
    const spaced = parseArgs(['train', '--env', 'CartPole-v1', '--total-steps', '1000', '--learning-rate', '3e-4', '--anneal-lr', 'false', '--norm-adv']);
    const inline = parseArgs(['train', '--env=CartPole-v1', '--total-steps=1000', '--learning-rate=3e-4', '--anneal-lr=false', '--norm-adv=true']);
    expect(inline).toEqual(spaced);
    expect(spaced).toMatchObject({ overrides: { env: 'CartPole-v1', totalSteps: 1000, learningRate: 3e-4, annealLr: false, normAdv: true } });
    expect(parseArgs(['train', '--env', 'X-v0', '--no-anneal-lr', '--log-std-init', '-0.5', '--out=--odd'])).toMatchObject({ out: '--odd', overrides: { annealLr: false, logStdInit: -0.5 } });
    // A config file may name the env, --resume continues with the saved one.
    expect(parseArgs(['train', '--config', 'c.json'])).toMatchObject({ configFile: 'c.json', overrides: {} });
    expect(parseArgs(['eval', 'runs/a', '--episodes=3', '--seed=7'])).toMatchObject({ episodes: 3, seed: 7 });
  });

  it('asks for the version and for the help of a command', () => {
    expect(parseArgs(['--version'])).toEqual({ command: 'version' });
    expect(parseArgs(['-v'])).toEqual({ command: 'version' });
    expect(parseArgs(['help', 'eval'])).toEqual({ command: 'help', topic: 'eval' });
    expect(parseArgs(['eval', 'x', '-h'])).toEqual({ command: 'help', topic: 'eval' });
  });
});

describe('main', () => {
  it('prints the message and a one-line hint and exits 2 on an unknown flag, a bad value, a missing --env or a config range error', async () => {
    const cases: [string[], string][] = [
      [['train', '--learning-rat', '1e-3'], 'ppo: unknown option --learning-rat; did you mean --learning-rate?'],
      [['train', '--env', 'CartPole-v1', '--gamma', '2'], 'ppo: config.gamma: expected a finite number >= 0 and <= 1, got 2'],
      [['train', '--env', 'CartPole-v1', '--num-minibatches', '3'], 'ppo: config.numMinibatches: expected a divisor of the batch size numEnvs*numSteps = 512, got 3'],
      [['train', '--total-steps', '1000'], 'ppo: ppo train needs --env ID, the env to train on (for example --env CartPole-v1; ppo list-envs lists the ids)'],
      [['eval'], 'ppo: eval needs a run directory'],
    ];
    for (const [argv, message] of cases) {
      const c = captureIo();
      expect(await main(argv, c.io)).toBe(2);
      expect(c.err.join('')).toBe(`${message}\n${usageHint(argv[0] as 'train' | 'eval')}\n`);
      expect(c.out.join('')).toBe('');
    }
    const c = captureIo();
    expect(await main(['fly'], c.io)).toBe(2);
    expect(c.err.join('')).toBe("ppo: unknown command 'fly'\nrun 'ppo --help' for the commands\n");
    expect(usageHint('train')).toBe("run 'ppo train --help' for the options");
  });

  it('needs --env from the flags or the --config file, not from a default', async () => {
    const file = join(root, 'no-env.json');
    writeFileSync(file, JSON.stringify({ seed: 2 }));
    const c = captureIo();
    expect(await main(['train', '--config', file, '--out', join(root, 'no-env')], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/ppo train needs --env ID/);
    expect(existsSync(join(root, 'no-env'))).toBe(false);
  });

  it('prints the version of the package', async () => {
    const c = captureIo();
    expect(await main(['--version'], c.io)).toBe(0);
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { version: string };
    expect(c.out.join('')).toBe(`${pkg.version}\n`);
  });

  it('prints usage and exits 2 on a config error only the env reveals, leaving no run directory', async () => {
    const out = join(root, 'cnn-on-cartpole');
    const c = captureIo();
    expect(await main(['train', '--env', 'CartPole-v1', '--torso', 'nature-cnn', '--backend', 'cpu', '--out', out, '--quiet'], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/'nature-cnn' needs a Box observation space of shape \[height, width, channels\]/);
    expect(c.err.join('')).toMatch(/\nrun 'ppo train --help' for the options\n$/);
    expect(existsSync(out)).toBe(false);
  });

  it.each([[['--help']], [['-h']], [['help']], [[]]])('prints the commands and exits 0 for %j', async (argv) => {
    const c = captureIo();
    expect(await main(argv, c.io)).toBe(0);
    expect(c.out.join('')).toBe(`${USAGE}\n`);
    for (const command of ['train', 'eval', 'export', 'plot', 'list-envs']) expect(USAGE).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(c.err.join('')).toBe('');
  });

  it.each(['train', 'eval', 'export', 'plot', 'list-envs'].flatMap((c) => [[[c, '--help']], [[c, '-h']], [['help', c]]]))('prints the help of the command and exits 0 for %j', async (argv) => {
    const command = (argv[0] === 'help' ? argv[1] : argv[0]) as 'train';
    const c = captureIo();
    expect(await main(argv, c.io)).toBe(0);
    expect(c.out.join('')).toBe(`${helpText(command)}\n`);
    expect(c.out.join('')).toMatch(new RegExp(`^Usage: ppo ${command}`));
    expect(c.err.join('')).toBe('');
  });

  it('asks for help even after other flags, and not for an unknown command', async () => {
    const c = captureIo();
    expect(await main(['train', '--env', 'CartPole-v1', '--seed', '3', '--help'], c.io)).toBe(0);
    expect(c.out.join('')).toBe(`${helpText('train')}\n`);
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
    expect(await main(['eval', out, '--episodes', '3', '--json'], e.io)).toBe(0);
    const summary = JSON.parse(e.out.join('')) as Record<string, number> & { returns: number[]; lengths: number[]; stochastic: boolean };
    expect(summary.episodes).toBe(3);
    for (const k of ['mean', 'std', 'min', 'max', 'meanLength']) expect(Number.isFinite(summary[k])).toBe(true);
    expect(summary.returns).toHaveLength(3);
    expect(summary.lengths).toHaveLength(3);
    expect(summary.stochastic).toBe(false);
    // CartPole pays 1 per step: each return is its episode's length.
    expect(summary.returns).toEqual(summary.lengths);
    expect(summary.mean).toBeCloseTo(summary.returns.reduce((a, b) => a + b, 0) / 3, 10);
    const table = captureIo();
    expect(await main(['eval', out, '--episodes', '3'], table.io)).toBe(0);
    const lines = table.out.join('').trimEnd().split('\n');
    expect(lines[0]).toMatch(/^episode\s+return\s+length$/);
    for (let k = 0; k < 3; k++) expect(lines[k + 1].trim().split(/\s+/)).toEqual([String(k + 1), summary.returns[k].toFixed(2), String(summary.lengths[k])]);
    expect(lines[4]).toBe(
      `mean return ${summary.mean.toFixed(2)} ± ${summary.std.toFixed(2)} (min ${summary.min.toFixed(2)}, max ${summary.max.toFixed(2)}) over 3 episodes; mean length ${summary.meanLength.toFixed(1)}; deterministic actions`,
    );
    // Sampled actions: another evaluation of the same policy, reproducible from the checkpoint.
    const sampled = async () => {
      const s = captureIo();
      expect(await main(['eval', out, '--episodes', '3', '--stochastic', '--json'], s.io)).toBe(0);
      return JSON.parse(s.out.join('')) as { returns: number[]; stochastic: boolean };
    };
    const first = await sampled();
    expect(first.stochastic).toBe(true);
    expect((await sampled()).returns).toEqual(first.returns);
    const p = captureIo();
    expect(await main(['plot', out], p.io)).toBe(0);
    expect(p.out.join('')).toContain(RUN_LAYOUT.plot);
    const again = captureIo();
    expect(await main(['train', '--env', 'CartPole-v1', '--out', out, '--quiet', '--backend', 'cpu'], again.io)).toBe(1);
    expect(again.err.join('')).toMatch(/--out '.*' already holds a run \(config\.json exists\); continue it with --resume or choose another --out\n$/);
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
    // The loop yields at least every 20 ms, so it sees the signal after update 3 or, when
    // updates are shorter than that, a few updates later; never at the end of the budget.
    expect(result.update).toBeGreaterThanOrEqual(3);
    expect(result.update).toBeLessThan(20);
    expect(existsSync(join(out, RUN_LAYOUT.final))).toBe(false);
    const name = `update-${String(result.update).padStart(6, '0')}`;
    expect(readCheckpoint(join(out, RUN_LAYOUT.checkpoints, name)).meta.counters.update).toBe(result.update);
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
    expect(evaluated.stdout).toMatch(/over 2 episodes; mean length 8\.0; deterministic actions\n$/);
    const asJson = runCli(['eval', out, '--episodes', '2', '--json', '--env-modules', join(packageDir, 'src', 'test-env-module.mjs')], elsewhere);
    expect((JSON.parse(asJson.stdout) as { episodes: number; meanLength: number })).toMatchObject({ episodes: 2, meanLength: 8 });
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
      [['--env', 'CartPol-v1'], /--env expects a registered env id, got 'CartPol-v1' \(did you mean CartPole-v1\?\); registered ids: .*CartPole-v1/],
    ];
    for (const [k, [args, message]] of cases.entries()) {
      const out = join(root, `bad-module-${k}`);
      const c = captureIo();
      expect(await main(['train', ...tiny, ...args, '--out', out], c.io)).toBe(2);
      expect(c.err.join('')).toMatch(message);
      expect(c.err.join('')).toMatch(/\nrun 'ppo train --help' for the options\n$/);
      expect(existsSync(out)).toBe(false);
    }
    const listed = captureIo();
    expect(await main(['list-envs', '--env-modules', './no-such-envs.mjs'], listed.io)).toBe(2);
    expect(listed.err.join('')).toMatch(/--env-modules entry '\.\/no-such-envs\.mjs' cannot be found/);
    expect(listed.err.join('')).toMatch(/\nrun 'ppo list-envs --help' for the options\n$/);
  });
});
