import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isRegistered, make } from '@ppo/envs';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from './config';
import { EnvModulesConsentError, importEnvModules, importRunEnvModules } from './env-modules';

const project = mkdtempSync(join(tmpdir(), 'ppo-env-modules-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));
const acme = join(project, 'node_modules', '@acme', 'envs');
mkdirSync(join(acme, 'esm'), { recursive: true });
mkdirSync(join(project, 'src'));
writeFileSync(join(acme, 'package.json'), JSON.stringify({ name: '@acme/envs', exports: { './register': { import: './esm/register.mjs' } } }));
writeFileSync(join(acme, 'esm', 'register.mjs'), 'globalThis.acmeEnvsImported = (globalThis.acmeEnvsImported ?? 0) + 1;\n');
writeFileSync(join(project, 'src', 'my-envs.mjs'), 'export {};\n');
writeFileSync(join(project, 'src', 'throws.mjs'), "throw new Error('no physics today');\n");

describe('importEnvModules', () => {
  // How resolution works in detail is resolveModuleUrl's (from @ppo/envs/node) to test.
  it('imports the entries resolved from the directory and returns them as URLs that resolve to themselves anywhere', async () => {
    const imported = (): unknown => (globalThis as { acmeEnvsImported?: number }).acmeEnvsImported;
    expect(imported()).toBeUndefined();
    const resolved = await importEnvModules(['@acme/envs/register', './src/my-envs.mjs', 'node:path'], project);
    expect(resolved).toEqual([pathToFileURL(join(acme, 'esm', 'register.mjs')).href, pathToFileURL(join(project, 'src', 'my-envs.mjs')).href, 'node:path']);
    expect(imported()).toBe(1);
    expect(await importEnvModules(resolved, tmpdir())).toEqual(resolved);
    expect(await importEnvModules([])).toEqual([]);
  });

  it.each([
    ['./src/missing.mjs', /config\.envModules: `envModules` entry '\.\/src\/missing\.mjs' cannot be found: .*missing\.mjs does not exist/],
    ['@acme/physics/register', /`envModules` entry '@acme\/physics\/register' cannot be found: no node_modules\/@acme\/physics in /],
    ['@acme/envs/internal', /`envModules` entry '@acme\/envs\/internal' is not exported by .*package\.json for import/],
    ['./src/throws.mjs', /`envModules` entry '\.\/src\/throws\.mjs' failed to import \(file:.*throws\.mjs\): no physics today/],
  ])('names the entry %s and what went wrong', async (spec, message) => {
    const error: unknown = await importEnvModules(['./src/my-envs.mjs', spec], project).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe('envModules');
    expect((error as ConfigError).message).toMatch(message);
  });
});

describe('refused specifiers', () => {
  it.each(['data:text/javascript,globalThis.pwned=1', 'http://example.com/envs.mjs', 'https://example.com/envs.mjs', 'ftp://example.com/envs.mjs', 'blob:nodedata:1'])(
    'refuses %s before importing anything',
    async (spec) => {
      const error: unknown = await importEnvModules(['./src/my-envs.mjs', spec], project).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/is refused: [a-z]+: URLs are never imported \(only package names, file paths and file: or node: URLs\)/);
      expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
    },
  );
});

describe('importRunEnvModules', () => {
  const stored = [pathToFileURL(join(project, 'src', 'my-envs.mjs')).href];
  const notices: string[] = [];
  const notice = (message: string) => void notices.push(message);

  it('imports nothing a run names without consent, and lists what it names', async () => {
    const error: unknown = await importRunEnvModules(stored, {}, notice).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvModulesConsentError);
    expect((error as EnvModulesConsentError).modules).toEqual(stored);
    expect(await importRunEnvModules([], {}, notice)).toEqual([]);
    expect(notices).toEqual([]);
  });

  it('imports the modules given instead, or with trust those the run names (saying so)', async () => {
    expect(await importRunEnvModules(['data:text/javascript,x'], { envModules: [] }, notice)).toEqual([]);
    expect(await importRunEnvModules(stored, { trustRunModules: true }, notice)).toEqual(stored);
    expect(notices).toEqual([`importing the env modules the run names (\`trustRunModules\`): ${stored[0]}`]);
    await expect(importRunEnvModules(['data:text/javascript,x'], { trustRunModules: true }, notice)).rejects.toThrow(/is refused: data: URLs/);
  });
});

describe('a CommonJS env module', () => {
  it("registers into the registry the trainer's make reads (one registry for the ESM and CommonJS builds)", async () => {
    const packageRoot = fileURLToPath(new URL('..', import.meta.url));
    expect(isRegistered('TestCjsCoin-v0')).toBe(false);
    await importEnvModules(['./src/test-env-module.cjs'], packageRoot);
    expect(isRegistered('TestCjsCoin-v0')).toBe(true);
    const env = make('TestCjsCoin-v0');
    env.reset({ seed: 0 });
    expect(env.step(1).reward).toBe(1);
  });
});
