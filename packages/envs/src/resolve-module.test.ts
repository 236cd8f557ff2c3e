import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ModuleResolutionError, resolveModuleUrl } from './resolve-module';

const root = mkdtempSync(join(tmpdir(), 'ppo-resolve-module-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes `files` (path -> contents) under `root`. */
function write(files: Record<string, string>): void {
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), contents);
  }
}

const url = (path: string) => pathToFileURL(join(root, path)).href;

write({
  // Import-only subpaths, which require.resolve cannot see, nested conditions, fallback arrays
  // and subpath patterns.
  'project/node_modules/@acme/envs/package.json': JSON.stringify({
    name: '@acme/envs',
    exports: {
      '.': { types: './index.d.ts', require: './cjs/index.cjs', import: './esm/index.mjs' },
      './register': { import: { types: './esm/register.d.mts', default: './esm/register.mjs' } },
      './tasks/*': { node: ['./esm/tasks/*.mjs'] },
      './tasks/special/*': './esm/special/*.mjs',
      './legacy': { require: './cjs/legacy.cjs' },
      './package.json': './package.json',
    },
  }),
  'project/node_modules/@acme/envs/esm/index.mjs': 'export const which = "index";\n',
  'project/node_modules/@acme/envs/esm/register.mjs': 'export const which = "register";\n',
  'project/node_modules/@acme/envs/esm/tasks/walker.mjs': 'export {};\n',
  'project/node_modules/@acme/envs/esm/special/runner.mjs': 'export {};\n',
  // No exports field: Node's main and extension rules.
  'project/node_modules/plain-envs/package.json': JSON.stringify({ name: 'plain-envs', main: 'lib/main' }),
  'project/node_modules/plain-envs/lib/main.js': 'module.exports = {};\n',
  'project/node_modules/broken-main/package.json': JSON.stringify({ name: 'broken-main', main: 'lib/gone.js' }),
  'project/node_modules/sugar-envs/package.json': JSON.stringify({ name: 'sugar-envs', exports: './entry.mjs' }),
  'project/node_modules/sugar-envs/entry.mjs': 'export {};\n',
  'project/node_modules/garbled/package.json': '{ "name": "garbled", ',
  'project/src/my-envs.mjs': 'export {};\n',
});
const project = join(root, 'project');
const nested = join(project, 'src', 'deep');
mkdirSync(nested, { recursive: true });

describe('resolveModuleUrl', () => {
  it('resolves packages through their exports with the import conditions, from the directory and its parents', () => {
    const cases: [string, string][] = [
      ['@acme/envs', 'project/node_modules/@acme/envs/esm/index.mjs'],
      ['@acme/envs/register', 'project/node_modules/@acme/envs/esm/register.mjs'],
      ['@acme/envs/tasks/walker', 'project/node_modules/@acme/envs/esm/tasks/walker.mjs'],
      // The longer pattern prefix wins over './tasks/*'.
      ['@acme/envs/tasks/special/runner', 'project/node_modules/@acme/envs/esm/special/runner.mjs'],
      ['@acme/envs/package.json', 'project/node_modules/@acme/envs/package.json'],
      ['plain-envs', 'project/node_modules/plain-envs/lib/main.js'],
      ['sugar-envs', 'project/node_modules/sugar-envs/entry.mjs'],
    ];
    for (const [spec, path] of cases) {
      expect(resolveModuleUrl(spec, project), spec).toBe(url(path));
      expect(resolveModuleUrl(spec, nested), spec).toBe(url(path));
    }
  });

  it('gives URLs that import the module the specifier names', async () => {
    const index = (await import(/* @vite-ignore */ resolveModuleUrl('@acme/envs', project))) as { which: string };
    const register = (await import(/* @vite-ignore */ resolveModuleUrl('@acme/envs/register', project))) as { which: string };
    expect([index.which, register.which]).toEqual(['index', 'register']);
  });

  it('makes paths absolute URLs and keeps URLs, so the result resolves to itself from anywhere', () => {
    const resolved = [
      resolveModuleUrl('./src/my-envs.mjs', project),
      resolveModuleUrl('../my-envs.mjs', nested),
      resolveModuleUrl(join(project, 'src', 'my-envs.mjs'), root),
      resolveModuleUrl('node:path', project),
      resolveModuleUrl('data:text/javascript,export%20{}', project),
    ];
    expect(resolved).toEqual([url('project/src/my-envs.mjs'), url('project/src/my-envs.mjs'), url('project/src/my-envs.mjs'), 'node:path', 'data:text/javascript,export%20{}']);
    for (const u of resolved) expect(resolveModuleUrl(u, root)).toBe(u);
  });

  it('resolves from the working directory by default, and a relative fromDir against it', () => {
    const fromCwd = relative(process.cwd(), project);
    expect(resolveModuleUrl('@acme/envs/register', fromCwd)).toBe(url('project/node_modules/@acme/envs/esm/register.mjs'));
    expect(resolveModuleUrl('./src/my-envs.mjs', fromCwd)).toBe(url('project/src/my-envs.mjs'));
    expect(resolveModuleUrl('./package.json')).toBe(pathToFileURL(join(process.cwd(), 'package.json')).href);
  });

  it.each([
    ['./src/missing.mjs', /^module '\.\/src\/missing\.mjs' cannot be found: .*project[/\\]src[/\\]missing\.mjs does not exist$/],
    ['@acme/physics/register', /^module '@acme\/physics\/register' cannot be found: no node_modules\/@acme\/physics in .*project or above$/],
    ['@acme/envs/internal', /^module '@acme\/envs\/internal' is not exported by .*@acme[/\\]envs[/\\]package\.json for import$/],
    ['@acme/envs/legacy', /^module '@acme\/envs\/legacy' is not exported by .*package\.json for import$/],
    ['broken-main', /^module 'broken-main' cannot be found: Cannot find module .*broken-main/],
    ['garbled', /^module 'garbled' cannot be resolved: .*garbled[/\\]package\.json is not readable JSON/],
    ['', /^module '' is not a specifier: expected a non-empty string/],
    [42, /^module 42 is not a specifier: expected a non-empty string/],
  ])('names the specifier %s and what went wrong', (spec, message) => {
    let caught: unknown;
    try {
      resolveModuleUrl(spec as string, project);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ModuleResolutionError);
    expect((caught as ModuleResolutionError).message).toMatch(message);
    expect((caught as ModuleResolutionError).specifier).toBe(spec);
    expect((caught as ModuleResolutionError).message).toBe(`module ${typeof spec === 'string' ? `'${spec}'` : String(spec)} ${(caught as ModuleResolutionError).problem}`);
  });

  it('validates fromDir', () => {
    expect(() => resolveModuleUrl('./x.mjs', '')).toThrow(/resolveModuleUrl: fromDir must be a directory path, got ""/);
    expect(() => resolveModuleUrl('./x.mjs', null as unknown as string)).toThrow(/resolveModuleUrl: fromDir must be a directory path, got null/);
  });
});
