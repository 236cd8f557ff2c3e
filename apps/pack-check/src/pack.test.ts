// Packs every published package, installs each tarball into a fresh project outside the
// workspace with only its declared dependencies (plus `@tensorflow/tfjs` where it is a peer),
// loads every entry point, then runs the package's README example as ESM and as CommonJS.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_END_MARKER, extractExample, extractInstallPackages, importedModules, packageOf, toRunnable } from './readme-example';

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  exports?: Record<string, string | Record<string, unknown>>;
}

const packagesDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../packages');
const packages = readdirSync(packagesDir)
  .filter((dir) => existsSync(join(packagesDir, dir, 'package.json')))
  .map((dir) => ({
    dir: join(packagesDir, dir),
    manifest: JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) as Manifest,
  }))
  .filter((p) => p.manifest.private !== true)
  .sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
const byName = new Map(packages.map((p) => [p.manifest.name, p]));

// The child processes must see neither the workspace's package-manager settings nor its loader
// options: they stand for a user's project. Where packages come from is the exception: a registry
// or cache configured through the environment (a mirror, an offline cache) must still be used.
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) => /^npm_config_(registry|cache)$/i.test(key) || !/^(npm_|pnpm_|NODE_OPTIONS$|NODE_PATH$|VITEST)/i.test(key),
  ),
);

// Asynchronous, so that the test worker stays responsive to the runner while children work.
function run(command: string, args: string[], cwd: string, what: string, timeout = 240_000, env: NodeJS.ProcessEnv = cleanEnv): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(command, args, { cwd, env, encoding: 'utf8', timeout, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error) {
        const output = `${stdout}\n${stderr}`.trim().split('\n').slice(-40).join('\n');
        const reason = error.killed ? `killed after ${timeout} ms` : `exit code ${String(error.code)}`;
        reject(new Error(`${what} failed (${reason}) in ${cwd}:\n${output}`));
      } else {
        resolvePromise(stdout);
      }
    });
  });
}

/** The package itself and, transitively, every @ppo package it depends on at run time. */
function withWorkspaceDependencies(name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name)) return seen;
  seen.add(name);
  const pkg = byName.get(name);
  if (!pkg) throw new Error(`${name} is not a published workspace package`);
  for (const dep of Object.keys(pkg.manifest.dependencies ?? {})) {
    if (byName.has(dep)) withWorkspaceDependencies(dep, seen);
  }
  return seen;
}

/** `import` and `require` specifiers of every export subpath except package.json. */
function entryPoints(manifest: Manifest): { esm: string[]; cjs: string[] } {
  const esm: string[] = [];
  const cjs: string[] = [];
  for (const [subpath, target] of Object.entries(manifest.exports ?? { '.': './index.js' })) {
    if (subpath === './package.json') continue;
    const specifier = manifest.name + subpath.slice(1);
    const conditions = typeof target === 'string' ? ['import', 'require'] : Object.keys(target);
    if (conditions.includes('import') || conditions.includes('default')) esm.push(specifier);
    if (conditions.includes('require') || conditions.includes('default')) cjs.push(specifier);
  }
  return { esm, cjs };
}

let root: string;
const tarballs = new Map<string, string>();
const pnpm = process.env.npm_execpath?.includes('pnpm') ? [process.execPath, process.env.npm_execpath] : ['pnpm'];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ppo-pack-check-'));
  const dest = join(root, 'tarballs');
  for (const { dir, manifest } of packages) {
    const before = new Set(existsSync(dest) ? readdirSync(dest) : []);
    const [command, ...prefix] = pnpm as [string, ...string[]];
    await run(command, [...prefix, 'pack', '--pack-destination', dest], dir, `${manifest.name}: pnpm pack`);
    const created = readdirSync(dest).filter((f) => !before.has(f));
    if (created.length !== 1) throw new Error(`${manifest.name}: pnpm pack produced ${created.join(', ') || 'nothing'}`);
    tarballs.set(manifest.name, join(dest, created[0]));
  }
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const npmFlags = ['--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--no-package-lock', '--loglevel=error'];

describe.each(packages.map((p) => p.manifest.name))('%s', (name) => {
  const { dir, manifest } = byName.get(name)!;
  const readme = readFileSync(join(dir, 'README.md'), 'utf8');
  let project = '';
  // What the README example printed, per module format.
  const printed = new Map<'esm' | 'cjs', string>();
  // Projects with tfjs take about 300 MB each: drop each one when its package is done.
  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('installs from its tarball alone and loads every entry point as ESM and CommonJS', async () => {
    project = mkdtempSync(join(root, `${name.replace(/[@/]/g, '_')}-`));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'pack-check-project', private: true }));
    const specs = [...withWorkspaceDependencies(name)].map((n) => tarballs.get(n)!);
    for (const [peer, range] of Object.entries(manifest.peerDependencies ?? {})) {
      if (peer === '@tensorflow/tfjs' && manifest.peerDependenciesMeta?.[peer]?.optional !== true) {
        specs.push(`${peer}@${range}`);
      }
    }
    await run('npm', ['install', ...npmFlags, ...specs], project, `${name}: npm install of its tarball`);

    const { esm, cjs } = entryPoints(manifest);
    const esmCheck = esm.map((s) => `await import(${JSON.stringify(s)});`).join('\n');
    const cjsCheck = cjs.map((s) => `require(${JSON.stringify(s)});`).join('\n');
    writeFileSync(join(project, 'entries.mjs'), esmCheck + '\n');
    writeFileSync(join(project, 'entries.cjs'), cjsCheck + '\n');
    await run(process.execPath, ['entries.mjs'], project, `${name} (ESM): importing ${esm.join(', ')}`);
    await run(process.execPath, ['entries.cjs'], project, `${name} (CJS): requiring ${cjs.join(', ')}`);
  });

  describe.each(['esm', 'cjs'] as const)('README example as %s', (mode) => {
    it('runs', async () => {
      expect(project, `${name}: the install step failed, see above`).not.toBe('');
      const code = extractExample(readme, name);
      // What the README tells the user to install comes on top of the declared dependencies.
      const installed = new Set([
        ...withWorkspaceDependencies(name),
        ...Object.keys(manifest.peerDependencies ?? {}).filter((p) => existsSync(join(project, 'node_modules', p))),
      ]);
      const installLine = extractInstallPackages(readme, name);
      const wanted = installLine.filter((p) => !existsSync(join(project, 'node_modules', p)));
      if (wanted.length > 0) {
        const specs = wanted.map((p) => tarballs.get(p) ?? `${p}@${manifest.peerDependencies?.[p] ?? 'latest'}`);
        await run('npm', ['install', ...npmFlags, ...specs], project, `${name}: npm install of its README install line`);
      }
      for (const p of installLine) installed.add(p);
      for (const dep of Object.keys(manifest.dependencies ?? {})) installed.add(dep);
      const missing = importedModules(code)
        .filter((specifier) => !isBuiltin(specifier))
        .map(packageOf)
        .filter((p) => !installed.has(p));
      expect(missing, `${name}: the README example imports packages that neither its dependencies nor its install line provide`).toEqual([]);

      const file = `example.${mode === 'esm' ? 'mjs' : 'cjs'}`;
      writeFileSync(join(project, file), toRunnable(code, mode, name));
      const stdout = await run(process.execPath, [file], project, `${name} (${mode.toUpperCase()}): README example`);
      expect(stdout.trimEnd().split('\n').at(-1), `${name} (${mode.toUpperCase()}): the README example did not run to its end`).toBe(EXAMPLE_END_MARKER);
      printed.set(mode, stdout);
    });
  });

  it('prints the same output from its README example as ESM and as CommonJS', () => {
    expect(printed.size, `${name}: a README example run failed, see above`).toBe(2);
    expect(printed.get('cjs')).toBe(printed.get('esm'));
  });
});

describe('pnpm -r publish --dry-run', () => {
  it('succeeds from the workspace root and would publish every public package', async () => {
    // The publish half of the root script publish-dry-run; its build half is this check's precondition.
    const [command, ...prefix] = pnpm as [string, ...string[]];
    const workspaceRoot = resolve(packagesDir, '..');
    const out = await run(command, [...prefix, '-r', 'publish', '--dry-run', '--no-git-checks'], workspaceRoot, 'pnpm -r publish --dry-run', 240_000, process.env);
    const listed = [...out.matchAll(/^\+ (@ppo\/[\w-]+)@(\S+)$/gm)].map((m) => `${m[1]}@${m[2]}`).sort();
    expect(listed).toEqual(packages.map((p) => `${p.manifest.name}@${p.manifest.version}`).sort());
  });
});
