/**
 * Env packages found by env id: the fixed table, where a package is looked up, what is loaded
 * and when, and the built `ppo` training, resuming and evaluating such envs without
 * --env-modules (needs `pnpm build` first).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isRegistered, make, register } from '@ppo/envs';
import { PpoError } from '@ppo/utils';
import { ENV_PACKAGES, envPackageFor, EnvPackageMissingError, loadEnvPackage } from './env-packages';
import { RUN_LAYOUT } from './run-files';
import { builtCli } from './test-cli-io';

const root = mkdtempSync(join(tmpdir(), 'ppo-env-packages-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A project whose node_modules holds a stand-in for @ppo/envs-minatar. */
const project = join(root, 'project');
const fakeMinatar = join(project, 'node_modules', '@ppo', 'envs-minatar');
mkdirSync(fakeMinatar, { recursive: true });
writeFileSync(join(fakeMinatar, 'package.json'), JSON.stringify({ name: '@ppo/envs-minatar', type: 'module', exports: { './register': { import: './register.mjs' } } }));
writeFileSync(join(fakeMinatar, 'register.mjs'), `import ${JSON.stringify(pathToFileURL(fileURLToPath(new URL('./test-minatar-register.mjs', import.meta.url))).href)};\n`);
/** A directory with no env package anywhere above it. */
const empty = join(root, 'empty');
mkdirSync(empty);

const imports = (): number => (globalThis as { testMinatarImports?: number }).testMinatarImports ?? 0;

describe('the table of env packages', () => {
  it.each([
    ['HalfCheetah-v5', '@ppo/envs-mujoco'],
    ['Humanoid-v5', '@ppo/envs-mujoco'],
    ['InvertedDoublePendulum-v5', '@ppo/envs-mujoco'],
    ['Hopper-v4', '@ppo/envs-mujoco'],
    ['MinAtar/Breakout-v1', '@ppo/envs-minatar'],
    ['CartPole-v1', undefined],
    ['HalfCheetah', undefined],
    ['MyHalfCheetah-v5', undefined],
    ['minatar/Breakout-v1', undefined],
  ])('%s comes from %s', (id, name) => {
    expect(envPackageFor(id)?.name).toBe(name);
  });

  it('names only first-party packages, each loaded through its ./register entry', () => {
    expect(ENV_PACKAGES.map((p) => [p.name, p.entry])).toEqual([
      ['@ppo/envs-mujoco', '@ppo/envs-mujoco/register'],
      ['@ppo/envs-minatar', '@ppo/envs-minatar/register'],
    ]);
  });

  it('covers every id @ppo/envs-mujoco registers', async () => {
    const mujoco = (await import(pathToFileURL(fileURLToPath(new URL('../../envs-mujoco/dist/index.js', import.meta.url))).href)) as { MUJOCO_ENV_IDS: { id: string }[] };
    expect(mujoco.MUJOCO_ENV_IDS.length).toBeGreaterThan(0);
    for (const { id } of mujoco.MUJOCO_ENV_IDS) expect(envPackageFor(id)?.name, id).toBe('@ppo/envs-mujoco');
  });
});

describe('loadEnvPackage', () => {
  it('loads nothing for a registered id or one no package provides', async () => {
    expect(await loadEnvPackage('CartPole-v1', empty)).toBeNull();
    expect(await loadEnvPackage('NoSuchEnv-v0', empty)).toBeNull();
  });

  it('names the package to add when it is installed neither in the project nor beside the trainer', async () => {
    for (const [id, name] of [['MinAtar/TestSign-v0', '@ppo/envs-minatar'], ['HalfCheetah-v5', '@ppo/envs-mujoco']]) {
      const error: unknown = await loadEnvPackage(id, empty).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EnvPackageMissingError);
      expect(PpoError.is(error, 'ENV_PACKAGE_MISSING')).toBe(true);
      expect((error as EnvPackageMissingError).packageName).toBe(name);
      expect((error as Error).message).toMatch(new RegExp(`^env '${id}' comes from ${name}, which is not installed \\(looked in ${empty} and .*\\): add it to your project with 'pnpm add ${name}'`));
    }
    expect(imports()).toBe(0);
  });

  it("imports the package's ./register from the project, and nothing once the id is registered", async () => {
    expect(isRegistered('MinAtar/TestSign-v0')).toBe(false);
    expect(await loadEnvPackage('MinAtar/TestSign-v0', project)).toBe(pathToFileURL(join(fakeMinatar, 'register.mjs')).href);
    expect(imports()).toBe(1);
    // The test runner loads a module under node_modules with Node itself, so the package
    // registered into Node's copy of @ppo/envs; the built CLI below has one copy and checks
    // that registration end to end. Here the id is registered into the trainer's copy.
    if (!isRegistered('MinAtar/TestSign-v0')) register('MinAtar/TestSign-v0', () => make('CartPole-v1'));
    expect(await loadEnvPackage('MinAtar/TestSign-v0', project)).toBeNull();
    expect(imports()).toBe(1);
  });
});

describe('a package that fails to import', () => {
  it('is an error naming the package, the entry and the cause', async () => {
    const broken = join(root, 'broken');
    const pkg = join(broken, 'node_modules', '@ppo', 'envs-minatar');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@ppo/envs-minatar', type: 'module', exports: { './register': { import: './register.mjs' } } }));
    writeFileSync(join(pkg, 'register.mjs'), "throw new Error('no games today');\n");
    const error: unknown = await loadEnvPackage('MinAtar/Other-v0', broken).catch((e: unknown) => e);
    expect(PpoError.is(error, 'ENV_PACKAGE_FAILED')).toBe(true);
    expect((error as Error).message).toBe(
      `env 'MinAtar/Other-v0' comes from @ppo/envs-minatar, whose @ppo/envs-minatar/register (${pathToFileURL(join(pkg, 'register.mjs')).href}) failed to import: no games today`,
    );
  });
});

describe('ppo with an env package found by id', () => {
  const tiny = ['--num-envs', '2', '--num-steps', '16', '--num-minibatches', '2', '--update-epochs', '1', '--total-steps', '64', '--seed', '3', '--backend', 'cpu', '--quiet'];
  const runCli = (args: string[], cwd: string) => spawnSync(process.execPath, [builtCli(), ...args], { cwd, encoding: 'utf8', timeout: 120_000 });

  it('trains (also in async workers), resumes, evaluates and exports without --env-modules or consent, and names the package where it is missing', () => {
    const out = join(project, 'runs', 'minatar');
    const trained = runCli(['train', '--env', 'MinAtar/TestSign-v0', ...tiny, '--vector-env', 'async', '--num-workers', '2', '--out', out], project);
    expect(trained.status, trained.stderr).toBe(0);
    expect(trained.stdout).toMatch(/^done: 64 steps, 2 updates/);
    // The run names the env id only: nothing to consent to, and nothing that ties it to this folder.
    const config = JSON.parse(readFileSync(join(out, RUN_LAYOUT.config), 'utf8')) as { env: string; envModules: string[] };
    expect(config).toMatchObject({ env: 'MinAtar/TestSign-v0', envModules: [] });
    const resumed = runCli(['train', '--resume', out, '--quiet'], project);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/^done: 64 steps, 2 updates/);
    const evaluated = runCli(['eval', out, '--episodes', '2'], project);
    expect(evaluated.status, evaluated.stderr).toBe(0);
    expect(evaluated.stdout).toMatch(/over 2 episodes; mean length 8\.0; deterministic actions\n$/);
    const exported = runCli(['export', out], project);
    expect(exported.status, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/^exported .*final \(64 steps\) to .*export\n$/);
    // From a folder where the package is not installed: the same message, exit 2.
    const elsewhere = runCli(['eval', out, '--episodes', '2'], empty);
    expect(elsewhere.status).toBe(2);
    expect(elsewhere.stderr).toMatch(/^ppo: env 'MinAtar\/TestSign-v0' comes from @ppo\/envs-minatar, which is not installed \(looked in .*\): add it to your project with 'pnpm add @ppo\/envs-minatar' \(or 'npm install @ppo\/envs-minatar'\)\n$/);
    const fresh = runCli(['train', '--env', 'MinAtar/TestSign-v0', ...tiny, '--out', join(empty, 'run')], empty);
    expect(fresh.status).toBe(2);
    expect(fresh.stderr).toMatch(/pnpm add @ppo\/envs-minatar/);
  });

  it('trains and evaluates HalfCheetah-v5 with @ppo/envs-mujoco installed in the project', () => {
    const withMujoco = join(root, 'with-mujoco');
    mkdirSync(join(withMujoco, 'node_modules', '@ppo'), { recursive: true });
    symlinkSync(fileURLToPath(new URL('../../envs-mujoco', import.meta.url)), join(withMujoco, 'node_modules', '@ppo', 'envs-mujoco'), 'dir');
    const out = join(withMujoco, 'runs', 'cheetah');
    // No --preset: the tasks' registration recommends mujoco.
    const trained = runCli(['train', '--env', 'HalfCheetah-v5', '--num-envs', '1', '--num-steps', '32', '--num-minibatches', '1', '--update-epochs', '1', '--total-steps', '32', '--backend', 'cpu', '--quiet', '--out', out], withMujoco);
    expect(trained.status, trained.stderr).toBe(0);
    expect(trained.stdout).toMatch(/^done: 32 steps, 1 updates/);
    expect(JSON.parse(readFileSync(join(out, RUN_LAYOUT.config), 'utf8'))).toMatchObject({ learningRate: 3e-4, normalizeObservation: true, clipAction: true, entCoef: 0 });
    const evaluated = runCli(['eval', out, '--episodes', '1', '--json'], withMujoco);
    expect(evaluated.status, evaluated.stderr).toBe(0);
    expect(JSON.parse(evaluated.stdout)).toMatchObject({ episodes: 1, lengths: [1000] });
  });

  it("uses the preset a MinAtar game recommends without --preset, from flags or a config file; --preset wins", () => {
    const withMinatar = join(root, 'with-minatar');
    mkdirSync(join(withMinatar, 'node_modules', '@ppo'), { recursive: true });
    symlinkSync(fileURLToPath(new URL('../../envs-minatar', import.meta.url)), join(withMinatar, 'node_modules', '@ppo', 'envs-minatar'), 'dir');
    const small = ['--num-envs', '2', '--num-steps', '8', '--num-minibatches', '1', '--update-epochs', '1', '--total-steps', '16', '--backend', 'cpu', '--quiet'];
    const configOf = (name: string, args: string[]) => {
      const out = join(withMinatar, 'runs', name);
      const trained = runCli(['train', ...args, ...small, '--out', out], withMinatar);
      expect(trained.status, trained.stderr).toBe(0);
      return JSON.parse(readFileSync(join(out, RUN_LAYOUT.config), 'utf8')) as Record<string, unknown>;
    };
    const minatar = { torso: 'nature-cnn', sharedTorso: true, observationScale: 1, learningRate: 5e-4, annealLr: false, clipCoef: 0.1, annealClip: false, vfCoef: 1, updateEpochs: 1, totalSteps: 16 };
    expect(configOf('flags', ['--env', 'MinAtar/Breakout-v0'])).toMatchObject({ env: 'MinAtar/Breakout-v0', ...minatar });
    const file = join(withMinatar, 'asterix.json');
    writeFileSync(file, JSON.stringify({ env: 'MinAtar/Asterix-v1', seed: 5 }));
    expect(configOf('file', ['--config', file])).toMatchObject({ env: 'MinAtar/Asterix-v1', seed: 5, ...minatar });
    expect(configOf('classic', ['--env', 'MinAtar/Breakout-v0', '--preset', 'classic'])).toMatchObject({ torso: 'mlp', sharedTorso: false, clipCoef: 0.2, vfCoef: 0.5 });
  });
});
